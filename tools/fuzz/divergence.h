// Comparing two runs of the same (scenario, seed, impl, mutant) for determinism.
//
// Contract. Two runs of one seed must give the same fingerprint (DESIGN.md, "Trace"). When they
// do not, find_divergence names the first trace event where they differ: its index (0-based,
// in recording order) and the event of each run, or "the trace ended" for the shorter one.
// Both runs must have been made with RunOptions::record_trace so that their traces are full.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "scenarios/runner.h"
#include "sim/trace.h"

namespace raftsim::cli::fuzz {

struct Divergence {
  uint64_t fingerprint_first = 0;
  uint64_t fingerprint_second = 0;
  // The first index at which the traces differ; equal to both lengths when the traces are
  // identical and only the fingerprints differ.
  uint64_t index = 0;
  std::optional<sim::TraceEvent> event_first;  // nullopt: the first run's trace ended here
  std::optional<sim::TraceEvent> event_second;
};

// nullopt when the fingerprints agree.
std::optional<Divergence> find_divergence(const scenarios::RunResult& first,
                                          const scenarios::RunResult& second);

// {"index": .., "fingerprint_first": "hex", "fingerprint_second": "hex", "first": event JSON or
// null, "second": ...}.
nlohmann::ordered_json divergence_json(const Divergence& divergence);
// One line: "first divergence at event 1234: run 1 {...} vs run 2 {...}".
std::string divergence_text(const Divergence& divergence);

}  // namespace raftsim::cli::fuzz
