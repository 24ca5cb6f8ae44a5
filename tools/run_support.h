// What the scenario-running commands (run, replay, fuzz, shrink, bench) share: resolving a
// scenario argument, the version string for reports, and rendering a run's result.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/swarm.h"

namespace CLI {
class App;  // CLI11 costs seconds of compile time in every file that includes it
}  // namespace CLI

namespace raftsim::cli {

// A library name ("calm") or a path to a scenario file. On failure prints the loader's error
// to stderr and returns nullopt (the caller exits 65).
std::optional<scenarios::Scenario> resolve_scenario(const std::string& argument);
// Like resolve_scenario, and "swarm" names the swarm (scenarios/swarm.h): a scenario per seed.
std::optional<scenarios::ScenarioSource> resolve_source(const std::string& argument);

// "0.1.0 (commit abc123)".
std::string version_string();

// The --json object of one run.
nlohmann::ordered_json result_json(const std::string& scenario, uint64_t seed,
                                   const scenarios::RunOptions& options,
                                   const scenarios::RunResult& result);
// The human summary of one run (several lines, ending in a newline). A failed run ends with
// "reproduce: <reproduce>" when `reproduce` is not empty.
std::string result_text(const std::string& scenario, uint64_t seed,
                        const scenarios::RunOptions& options, const scenarios::RunResult& result,
                        const std::string& reproduce = "");
// The `raftsim run` command line that runs `scenario` (as the user named it) with this seed and
// these options again.
std::string run_command_line(const std::string& scenario, uint64_t seed,
                             const scenarios::RunOptions& options);

// The per-seed resource guard of run, replay, fuzz and shrink (sim::GuardOptions): a run that
// passes it ends as "resource" (exit 7), never a hang nor a false Raft failure.
struct GuardArgs {
  double seed_timeout_s = 600;     // wall seconds per run; 0 = none
  uint64_t seed_memory_mb = 4096;  // the process's resident MiB per concurrent run; 0 = none
  // --fibers-max, else $RAFTSIM_FIBERS_MAX: fibers alive at once before a run ends as 'resource'
  // (scenarios::RunOptions::fibers_max), 1..10,000,000; 0 = not given (the default, 20,000).
  uint64_t fibers_max = 0;
};
void add_guard_options(CLI::App* cmd, GuardArgs& args);
// --ignore-property NAME (repeatable): a safety property (checkers/safety.h) whose violations the
// run counts instead of failing on (scenarios::RunOptions::ignored_properties).
void add_ignore_property_option(CLI::App* cmd, std::vector<std::string>& properties);
// With `concurrent` runs in one process (fuzz --jobs) the memory limit is theirs together:
// seed_memory_mb * concurrent, compared with the whole process's resident size.
sim::GuardOptions guard_options(const GuardArgs& args, unsigned concurrent = 1);
// For sim::GuardOptions::stall_note: the command that runs `scenario` (the swarm, a library name
// or a scenario file) for the stalled seed with the same code (run_command_line).
std::function<std::string(uint64_t seed)> rerun_note(const std::string& scenario,
                                                     const scenarios::RunOptions& options);

// Writes `text` to `path`; prints an error and returns false when it cannot.
bool write_file(const std::string& path, const std::string& text);
// Writes a file that must not replace another: at `path`, or if a different file is there, at
// `path` with -2, -3, ... before its extension (never overwriting, even against a concurrent
// writer). `text_for` renders the content for a name. A file already holding the same content is
// reused. Returns the name written, or "" after printing why not.
std::string write_new_file(const std::string& path,
                           const std::function<std::string(const std::string&)>& text_for);
// Removes the temporary files in `dir` that writers killed mid-write left behind (those whose
// process is gone); a live writer's are kept.
void remove_stale_partials(const std::string& dir);

}  // namespace raftsim::cli
