// Failure reports: everything needed to reproduce and understand one failing run, as a JSON file
// (format "raftsim-report/1").
//
// Contract. A report holds the program version, the *concrete* scenario (the nemesis's drawn
// timeline made explicit, no fault profile left: scenarios/nemesis.h concrete_scenario), the
// seed, the implementation and mutant, the failure (status, property, message, time, nodes), the
// fingerprint and the one-line replay command. Running the report's scenario with its seed,
// implementation and mutant reproduces the same failure and fingerprint (`raftsim replay`).
// read_report validates like the scenario loader: a bad report gives one error naming the file,
// the JSON path and the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"

namespace scenarios {

inline constexpr std::string_view kReportFormat = "raftsim-report/1";

struct Report {
  std::string version;  // "0.1.0 (commit abc)"
  Scenario scenario;    // concrete: explicit timeline, no profile
  uint64_t seed = 0;
  std::string impl = "reference";
  std::string kv = "reference";  // the KV service (raft/kv/registry.h); absent in old reports
  std::string mutant;            // "" for none
  Status status = Status::ok;
  std::string property;
  std::string message;
  int64_t at_ns = 0;
  std::vector<int> nodes;
  uint64_t fingerprint = 0;
  // sim::kFingerprintVersion of the build that wrote it; reports written before it existed are 1.
  uint64_t fingerprint_version = 1;
  int64_t sim_ms = 0;
  uint64_t operations = 0;
  uint64_t fibers_max = 0;  // the run's fiber cap (RunOptions::fibers_max); 0 = the default
  // Safety properties the run counted instead of reporting (RunOptions::ignored_properties);
  // "ignored_properties" in the file, absent when none.
  std::vector<std::string> ignored_properties;
  // The build that wrote it (build_id()); "" in reports written before builds were recorded.
  std::string build;
};

// This program's identity: a hash of its own executable file as 16 hex digits, computed once per
// process ("" when the file cannot be read). Any rebuild that changes the code changes it, so a
// replay can tell "the same build, so it must reproduce" from "another build: did the fix work?".
const std::string& build_id();

// The report for a run of `scenario` (as given; made concrete here) with `seed`.
Report make_report(const Scenario& scenario, uint64_t seed, const RunOptions& options,
                   const RunResult& result, std::string version);

std::string report_json(const Report& report, const std::string& report_path);

struct ReportError {
  std::string message;
};
std::variant<Report, ReportError> read_report(const std::string& text, const std::string& source);
std::variant<Report, ReportError> read_report_file(const std::string& path);

}  // namespace scenarios
