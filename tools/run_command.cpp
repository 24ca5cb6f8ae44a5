// `raftsim run SCENARIO` runs one scenario for one seed and judges it; `raftsim replay REPORT`
// re-runs a failure report's concrete scenario and seed and says whether the failure and the
// fingerprint are the same. Both exit with the run's status code (DESIGN.md); a replay on the
// build that wrote the report (scenarios::build_id) whose fingerprint differs exits 5. On another
// build (the code was fixed and rebuilt), with `--impl/--mutant` (a mutant's failure against the
// clean code) or from another fingerprint version, a replay is a comparison without the
// fingerprint check, and says in one line whether the failure is fixed, still there or changed.
// Both can show the run: --trace (JSON lines), --perfetto (Chrome trace-event JSON,
// views/perfetto_export.h), --log TOPICS (a live log on stdout, views/log_view.h) and --html (the
// run picture with the history picture below it, views/run_picture.h).
#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "raft/mutant.h"
#include "scenarios/report.h"
#include "sim/trace.h"
#include "tools/command.h"
#include "tools/picture_recorder.h"
#include "tools/run_support.h"
#include "views/log_view.h"
#include "views/perfetto_export.h"
#include "views/reproduce.h"

namespace raftsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  uint64_t seed = 1;
  std::string impl = "reference";
  std::string kv = "reference";
  std::string mutant;
  std::vector<std::string> ignored_properties;  // run: --ignore-property; replay: the report's
  // replay only: run the report's scenario and seed with another implementation, KV service or
  // mutant.
  std::optional<std::string> impl_override;
  std::optional<std::string> kv_override;
  std::optional<std::string> mutant_override;
  bool json = false;
  std::string report_path;
  std::string trace_path;
  std::string perfetto_path;
  std::string log_topics;
  std::string html_path;
  GuardArgs guard;
};

// The run options the arguments ask for: a recorded trace for the files, a live log listener.
scenarios::RunOptions run_options(const RunArgs& args, const scenarios::Scenario& scenario) {
  scenarios::RunOptions options;
  options.impl = args.impl;
  options.kv = args.kv;
  options.mutant = args.mutant;
  options.ignored_properties = args.ignored_properties;
  options.record_trace = !args.trace_path.empty() || !args.perfetto_path.empty();
  options.guard = guard_options(args.guard);
  options.fibers_max = args.guard.fibers_max;
  if (!args.log_topics.empty()) {
    std::string error;
    views::LogViewOptions view;
    view.topics =
        views::parse_log_topics(args.log_topics, &error).value_or(std::set<std::string>{});
    view.node_names = scenarios::node_names(scenario);
    view.servers = scenario.cluster.nodes;
    view.color = isatty(fileno(stdout)) != 0;
    options.trace_listener = views::LogView(std::move(view), stdout);
  }
  return options;
}

// Writes the --trace, --perfetto and --html files; false when one cannot be written. `picture`
// listened to the run when --html was given.
bool write_outputs(const RunArgs& args, const scenarios::Scenario& scenario,
                   const scenarios::RunOptions& options, uint64_t seed,
                   const scenarios::RunResult& result, const PictureRecorder& picture) {
  if (!args.trace_path.empty()) {
    std::string lines;
    for (const sim::TraceEvent& event : result.trace) lines += sim::Trace::to_json(event) + "\n";
    if (!write_file(args.trace_path, lines)) return false;
  }
  if (!args.perfetto_path.empty()) {
    const std::string json =
        views::perfetto_json(result.trace, result.node_names, scenario.cluster.nodes);
    if (!write_file(args.perfetto_path, json)) return false;
  }
  if (!args.html_path.empty() &&
      !write_file(args.html_path,
                  picture.html(picture_title(scenario.name, seed, options), result))) {
    return false;
  }
  return true;
}

// Runs, prints, and writes the requested files. Returns the exit code.
int run_and_print(const scenarios::Scenario& scenario, const std::string& name, uint64_t seed,
                  const RunArgs& args) {
  scenarios::RunOptions options = run_options(args, scenario);
  options.guard.stall_note = rerun_note(args.scenario, options);
  const PictureRecorder picture(scenario);
  if (!args.html_path.empty()) picture.attach(options);
  scenarios::RunResult result;
  try {
    result = scenarios::run(scenario, seed, options);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "raftsim: {}\n", error.what());
    return kExitUsage;
  }
  std::fflush(stdout);
  if (args.json) {
    fmt::print("{}\n", result_json(name, seed, options, result).dump());
  } else {
    fmt::print("{}",
               result_text(name, seed, options, result, run_command_line(name, seed, options)));
  }
  if (!args.report_path.empty()) {
    const scenarios::Report report =
        scenarios::make_report(scenario, seed, options, result, version_string());
    if (!write_file(args.report_path, scenarios::report_json(report, args.report_path))) {
      return kExitBadInput;
    }
  }
  if (!write_outputs(args, scenario, options, seed, result, picture)) return kExitBadInput;
  return scenarios::exit_code(result.status);
}

// A replay that is a comparison (other code, another build, another fingerprint version): what it
// found, in one phrase, with the exit code it ends with.
struct Comparison {
  std::string verdict;  // "fixed", "still fails", "fails differently", "passes"
  std::string line;
  int exit_code = 0;
};

Comparison compare_outcomes(const scenarios::Report& report, const scenarios::RunResult& result) {
  const std::string then = scenarios::to_string(report.status);
  const std::string now = scenarios::to_string(result.status);
  const std::string property_now = result.failure ? result.failure->property : std::string();
  const std::string outcomes = fmt::format("({} then, {} now)", then, now);
  Comparison c;
  c.exit_code = scenarios::exit_code(result.status);
  if (report.status != scenarios::Status::ok && result.status == scenarios::Status::ok) {
    c.verdict = "fixed";
    c.line = "fixed: the failure is gone " + outcomes;
  } else if (report.status == result.status && report.property == property_now) {
    if (result.status == scenarios::Status::ok) {
      c.verdict = "passes";
      c.line = "passes, as it did " + outcomes;
    } else {
      c.verdict = "still fails";
      c.line = fmt::format("still fails: same property, {} {}",
                           report.property.empty() ? then : report.property, outcomes);
    }
  } else {
    c.verdict = "fails differently";
    auto describe = [](scenarios::Status status, const std::string& property) {
      return property.empty() ? std::string(scenarios::to_string(status))
                              : fmt::format("{} ({})", scenarios::to_string(status), property);
    };
    c.line =
        fmt::format("fails differently: {} then, {} now", describe(report.status, report.property),
                    describe(result.status, property_now));
  }
  return c;
}

int replay(const RunArgs& args) {
  const auto read = scenarios::read_report_file(args.scenario);
  if (const auto* error = std::get_if<scenarios::ReportError>(&read)) {
    fmt::print(stderr, "raftsim: {}\n", error->message);
    return kExitBadInput;
  }
  const scenarios::Report& report = std::get<scenarios::Report>(read);
  RunArgs run_args = args;
  run_args.impl = args.impl_override.value_or(report.impl);
  run_args.kv = args.kv_override.value_or(report.kv);
  run_args.mutant = args.mutant_override.value_or(report.mutant);
  run_args.ignored_properties = report.ignored_properties;  // the report's checks, as it ran
  // The report's fiber cap reproduces its run; --fibers-max (or $RAFTSIM_FIBERS_MAX) overrides it.
  if (run_args.guard.fibers_max == 0) run_args.guard.fibers_max = report.fibers_max;
  // With other code the run is a comparison, not a reproduction: its fingerprint may differ.
  const bool same_code = run_args.impl == report.impl && run_args.kv == report.kv &&
                         raft::find_mutant(run_args.mutant) == raft::find_mutant(report.mutant);
  // A report from a build that folds fingerprints differently runs differently here: a comparison.
  const bool same_version = report.fingerprint_version == sim::kFingerprintVersion;
  // A report from another build (the code was changed and rebuilt: a fix, say) is a comparison
  // too. One that does not say which build wrote it (older reports) is taken as this one.
  const bool same_build = report.build.empty() || report.build == scenarios::build_id();
  scenarios::RunOptions options = run_options(run_args, report.scenario);
  options.guard.stall_note = [command = "raftsim replay " + views::shell_quote(args.scenario)](
                                 uint64_t) { return "run it again with: " + command; };
  const PictureRecorder picture(report.scenario);
  if (!args.html_path.empty()) picture.attach(options);
  scenarios::RunResult result;
  try {
    result = scenarios::run(report.scenario, report.seed, options);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "raftsim: {}\n", error.what());
    return kExitBadInput;
  }
  const bool same_status = result.status == report.status;
  const bool same_property =
      !result.failure ? report.property.empty() : result.failure->property == report.property;
  const bool same_fingerprint = result.fingerprint == report.fingerprint;
  const std::string report_code = report.impl +
                                  (report.kv == "reference" ? "" : " kv " + report.kv) +
                                  (report.mutant.empty() ? "" : " mutant " + report.mutant);
  const bool reproduction = same_code && same_version && same_build;
  const Comparison comparison = compare_outcomes(report, result);
  if (args.json) {
    nlohmann::ordered_json j = result_json(report.scenario.name, report.seed, options, result);
    j["report"] = args.scenario;
    j["same_code"] = same_code;
    j["same_fingerprint_version"] = same_version;
    j["same_build"] = same_build;
    j["same_failure"] = same_status && same_property;
    j["same_fingerprint"] = same_fingerprint;
    if (!reproduction) j["verdict"] = comparison.verdict;
    fmt::print("{}\n", j.dump());
  } else if (!same_code) {
    fmt::print("{}", result_text(report.scenario.name, report.seed, options, result));
    fmt::print("  replay of {} with other code (the report ran impl {}): {}\n", args.scenario,
               report_code, comparison.line);
  } else if (!same_version) {
    fmt::print("{}", result_text(report.scenario.name, report.seed, options, result));
    fmt::print(
        "  replay of {} written by a raftsim of another fingerprint version ({}, this build {}): "
        "the same seed runs differently across versions, so this compares outcomes: {}\n",
        args.scenario, report.fingerprint_version, sim::kFingerprintVersion, comparison.line);
  } else if (!same_build) {
    fmt::print("{}", result_text(report.scenario.name, report.seed, options, result));
    fmt::print("  replay of {} on another build (the report's {}, this {}): {}{}\n", args.scenario,
               report.build, scenarios::build_id(), comparison.line,
               same_fingerprint ? ", fingerprint identical" : "");
  } else {
    const std::string reproduce = "raftsim replay " + views::shell_quote(args.scenario) +
                                  (run_args.guard.fibers_max != report.fibers_max
                                       ? fmt::format(" --fibers-max {}", run_args.guard.fibers_max)
                                       : "");
    fmt::print("{}", result_text(report.scenario.name, report.seed, options, result, reproduce));
    fmt::print("  replay of {}: {} {}, fingerprint {}\n", args.scenario,
               report.status == scenarios::Status::ok ? "outcome" : "failure",
               same_status && same_property ? "reproduced" : "DIFFERS",
               same_fingerprint ? "identical"
                                : fmt::format("DIFFERS (report {:016x})", report.fingerprint));
  }
  if (!write_outputs(args, report.scenario, options, report.seed, result, picture)) {
    return kExitBadInput;
  }
  // Exit 5 only where the run must reproduce: the same code, fingerprint version and build.
  if (reproduction && !same_fingerprint) return kExitNondeterminism;
  return reproduction ? scenarios::exit_code(result.status) : comparison.exit_code;
}

void add_common(CLI::App* cmd, RunArgs& args) {
  cmd->add_flag("--json", args.json, "Print one JSON object instead of text");
  cmd->add_option("--trace", args.trace_path, "Write every event as JSON lines to this file");
  cmd->add_option("--perfetto", args.perfetto_path,
                  "Write a Chrome trace-event JSON file for ui.perfetto.dev");
  cmd->add_option("--log", args.log_topics,
                  "Print a log of these topics (comma list of vote, append, progress (a "
                  "leader's nextIndex and matchIndex per follower), commit, apply, persist, "
                  "snapshot, role, client, net, fault, library (an implementation's own trace "
                  "messages: canonical's libraft); or all)")
      ->check(CLI::Validator(
          [](std::string& topics) {
            std::string error;
            return views::parse_log_topics(topics, &error) ? std::string() : error;
          },
          "TOPICS"));
  cmd->add_option("--html", args.html_path,
                  "Write the run's picture here: a self-contained HTML file with a lane per "
                  "server (role and term, crashes, partitions, disk stalls, log and commit "
                  "index), the faults, the client operations and the failure, then the client "
                  "history's picture");
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run one scenario for one seed and judge it");
  cmd->add_option("scenario", args->scenario,
                  "swarm (the scenario the swarm draws for the seed), a library scenario name or "
                  "a scenario file")
      ->required();
  cmd->add_option("--seed", args->seed, "The seed")
      ->check(unsigned_integer())
      ->capture_default_str();
  cmd->add_option("--impl", args->impl, "Raft implementation")->capture_default_str();
  cmd->add_option("--kv", args->kv, "KV service on every node")->capture_default_str();
  cmd->add_option("--mutant", args->mutant, "A named mutant of the implementation");
  add_ignore_property_option(cmd, args->ignored_properties);
  cmd->add_option("--report", args->report_path, "Write a failure report (any status) here");
  add_common(cmd, *args);
  add_guard_options(cmd, args->guard);
  cmd->callback([&action, args] {
    action = [args] {
      const std::optional<scenarios::ScenarioSource> source = resolve_source(args->scenario);
      if (!source) return static_cast<int>(kExitBadInput);
      return run_and_print(source->for_seed(args->seed), args->scenario, args->seed, *args);
    };
  });
}

void add_replay_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("replay", "Re-run a failure report and compare the outcome");
  cmd->add_option("report", args->scenario, "A failure report written by run, fuzz or shrink")
      ->required();
  cmd->add_option("--impl", args->impl_override,
                  "Run with this implementation instead of the report's (a comparison: the "
                  "fingerprint is not checked)");
  cmd->add_option("--kv", args->kv_override,
                  "Run with this KV service instead of the report's (a comparison, as --impl)");
  cmd->add_option("--mutant", args->mutant_override,
                  "Run with this mutant instead of the report's; 'none' for the clean code");
  add_common(cmd, *args);
  add_guard_options(cmd, args->guard);
  cmd->callback([&action, args] { action = [args] { return replay(*args); }; });
}

}  // namespace raftsim::cli
