// `raftsim shrink REPORT` reduces a failure report to a smaller scenario that fails the same way
// (scenarios/shrink.h): its cluster, its fault kinds, its fault timeline, then its workload, then
// its duration. It prints the size before and after (fault events, clients, operations, simulated
// time; then "nodes 7 -> 3" and the kinds of faults) and writes a report of the shrunk run
// (default `<REPORT>.shrunk.json`) that `raftsim replay` reproduces with the same failure and
// fingerprint. Exit codes: 0 when the shrunk report was written, 5 when the
// report's own failure does not reproduce, 65 for a bad report or one that did not fail, 64 for
// bad arguments.
#include <fmt/core.h>

#include <cstdio>

#include "input/escape.h"
#include "scenarios/report.h"
#include "scenarios/shrink.h"
#include "tools/command.h"
#include "tools/picture_recorder.h"
#include "tools/run_support.h"
#include "views/reproduce.h"

namespace raftsim::cli {
namespace {

struct ShrinkArgs {
  std::string report_path;
  std::string out_path;  // "" for <report>.shrunk.json
  double time_budget_s = 300;
  int64_t runs_max = 2000;
  bool json = false;
  GuardArgs guard;
};

std::string describe(const scenarios::ShrinkSize& size) {
  return fmt::format("{} fault events, {} clients, {} operations, {} ms simulated",
                     size.fault_events, size.clients, size.operations, size.sim_ms);
}

// "crash, partition" or "none".
std::string kind_list(const std::vector<scenarios::FaultKind>& kinds) {
  std::string text;
  for (scenarios::FaultKind kind : kinds) {
    text += fmt::format("{}{}", text.empty() ? "" : ", ", scenarios::to_string(kind));
  }
  return text.empty() ? "none" : text;
}

nlohmann::ordered_json size_json(const scenarios::ShrinkSize& size) {
  nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
  for (scenarios::FaultKind kind : size.kinds) kinds.push_back(scenarios::to_string(kind));
  return {{"nodes", size.nodes},     {"fault_events", size.fault_events}, {"kinds", kinds},
          {"clients", size.clients}, {"operations", size.operations},     {"sim_ms", size.sim_ms}};
}

int shrink(const ShrinkArgs& args) {
  const auto read = scenarios::read_report_file(args.report_path);
  if (const auto* error = std::get_if<scenarios::ReportError>(&read)) {
    fmt::print(stderr, "raftsim: {}\n", error->message);
    return kExitBadInput;
  }
  scenarios::Report report = std::get<scenarios::Report>(read);
  // The report's fiber cap reproduces its run; --fibers-max (or $RAFTSIM_FIBERS_MAX) overrides it.
  if (args.guard.fibers_max != 0) report.fibers_max = args.guard.fibers_max;
  if (report.status == scenarios::Status::ok) {
    fmt::print(stderr, "raftsim: {}: the run did not fail: nothing to shrink\n",
               input::escape(args.report_path));
    return kExitBadInput;
  }
  if (!args.json) {
    fmt::print("shrinking {}: {} ({}), seed {}\n", args.report_path,
               scenarios::to_string(report.status), report.property, report.seed);
  }
  scenarios::ShrinkOptions options;
  options.time_budget_s = args.time_budget_s;
  options.runs_max = args.runs_max;
  options.guard = guard_options(args.guard);
  options.guard.stall_note = [report_path = views::shell_quote(args.report_path)](uint64_t) {
    return "while shrinking " + report_path + " (one of its variants)";
  };
  if (!args.json) {
    options.progress = [](const std::string& line) {
      fmt::print("{}\n", line);
      std::fflush(stdout);
    };
  }
  scenarios::ShrinkResult shrunk;
  try {
    shrunk = scenarios::shrink(report, options);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "raftsim: {}\n", error.what());
    return kExitBadInput;
  }
  if (!shrunk.reproduced) {
    fmt::print(stderr, "raftsim: {}: the report's failure does not reproduce (the run gave {})\n",
               args.report_path, scenarios::to_string(shrunk.original.status));
    return kExitNondeterminism;
  }
  const std::string out = args.out_path.empty() ? args.report_path + ".shrunk.json" : args.out_path;
  scenarios::RunOptions run_options;
  run_options.impl = report.impl;
  run_options.kv = report.kv;
  run_options.mutant = report.mutant;
  run_options.fibers_max = report.fibers_max;
  run_options.ignored_properties = report.ignored_properties;
  const scenarios::Report written = scenarios::make_report(
      shrunk.scenario, shrunk.seed, run_options, shrunk.result, version_string());
  if (!write_file(out, scenarios::report_json(written, out))) return kExitBadInput;
  const std::string picture = write_picture_beside(
      out, shrunk.scenario, shrunk.seed, run_options,
      picture_title(shrunk.scenario.name + " (shrunk)", shrunk.seed, run_options));
  if (args.json) {
    nlohmann::ordered_json j;
    j["report"] = args.report_path;
    j["out"] = out;
    j["status"] = scenarios::to_string(written.status);
    j["property"] = written.property;
    j["before"] = size_json(shrunk.before);
    j["after"] = size_json(shrunk.after);
    j["runs"] = shrunk.runs;
    j["budget_exhausted"] = shrunk.budget_exhausted;
    j["candidates_invalid"] = shrunk.candidates_invalid;
    j["seed"] = shrunk.seed;
    j["fingerprint"] = fmt::format("{:016x}", written.fingerprint);
    j["picture"] =
        picture.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(picture);
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("before: {}\nafter:  {}\n", describe(shrunk.before), describe(shrunk.after));
    fmt::print("nodes {} -> {}; fault kinds {} -> {}\n", shrunk.before.nodes, shrunk.after.nodes,
               kind_list(shrunk.before.kinds), kind_list(shrunk.after.kinds));
    if (shrunk.seed != report.seed) {
      fmt::print("seed {} -> {}: the smaller scenario fails alike with this seed\n", report.seed,
                 shrunk.seed);
    }
    if (shrunk.candidates_invalid > 0) {
      fmt::print(stderr, "raftsim: {} shrink candidates were invalid scenarios (a bug)\n",
                 shrunk.candidates_invalid);
    }
    fmt::print("{} runs{}; wrote {} (fingerprint {:016x}): raftsim replay {}\n", shrunk.runs,
               shrunk.budget_exhausted ? " (budget exhausted)" : "", out, written.fingerprint, out);
    if (!picture.empty()) fmt::print("run picture: {}\n", picture);
  }
  return kExitOk;
}

}  // namespace

void add_shrink_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<ShrinkArgs>();
  auto* cmd = app.add_subcommand(
      "shrink", "Reduce a failure report to a smaller scenario that fails the same way");
  cmd->add_option("report", args->report_path, "A failure report written by run or fuzz")
      ->required();
  cmd->add_option("--out", args->out_path,
                  "Write the shrunk report here (default REPORT.shrunk.json)");
  cmd->add_option("--time-budget-s", args->time_budget_s, "Wall seconds to spend at most")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--runs-max", args->runs_max, "Runs to spend at most")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  add_guard_options(cmd, args->guard);
  cmd->callback([&action, args] { action = [args] { return shrink(*args); }; });
}

}  // namespace raftsim::cli
