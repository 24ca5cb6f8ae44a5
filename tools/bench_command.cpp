// `raftsim bench [SCENARIO...]` measures how fast whole runs go: for each scenario it runs seeds
// 1..N one after another on one thread and prints simulated events and messages per wall
// second, simulated seconds per wall second, and seeds per minute per core. Wall time covers the
// whole run, linearizability check included (its share is shown). --impl and --kv pick the code
// under test, so two implementations compare on the same scenarios and seeds; the table also
// shows their availability (the share of monitor polls that found no leader backed by a
// majority). A benchmark prints figures; it does not judge them, so it exits 0 even when a seed
// fails (the table counts failures).
#include <fmt/core.h>

#include "sim/stopwatch.h"
#include "tools/command.h"
#include "tools/run_support.h"

namespace raftsim::cli {
namespace {

struct BenchArgs {
  std::vector<std::string> scenarios{"swarm", "default", "calm", "chaos"};
  uint64_t seeds = 5;
  std::string impl = "reference";
  std::string kv = "reference";
  bool json = false;
};

struct Figures {
  std::string scenario;
  uint64_t seeds = 0;
  uint64_t failed = 0;
  uint64_t events = 0;
  uint64_t messages = 0;
  double sim_s = 0;
  double wall_s = 0;
  double checker_s = 0;
  uint64_t monitor_polls = 0;
  uint64_t leaderless_polls = 0;

  double leaderless_share() const {
    return monitor_polls > 0
               ? static_cast<double>(leaderless_polls) / static_cast<double>(monitor_polls)
               : 0;
  }
  double per_wall_s(double amount) const { return wall_s > 0 ? amount / wall_s : 0; }
};

Figures measure(const std::string& name, const scenarios::ScenarioSource& source, uint64_t seeds,
                const scenarios::RunOptions& options) {
  Figures figures;
  figures.scenario = name;
  figures.seeds = seeds;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const sim::Stopwatch wall;
    const scenarios::Scenario scenario = source.for_seed(seed);
    const scenarios::RunResult result = scenarios::run(scenario, seed, options);
    figures.wall_s += wall.seconds();
    figures.events += result.stats.events;
    figures.messages += result.stats.messages_sent;
    figures.sim_s += static_cast<double>(result.stats.simulated.ms()) / 1000.0;
    figures.checker_s += result.checker_ms / 1000.0;
    figures.monitor_polls += result.monitor_polls;
    figures.leaderless_polls += result.leaderless_polls;
    if (result.status != scenarios::Status::ok) ++figures.failed;
  }
  return figures;
}

nlohmann::ordered_json figures_json(const Figures& f) {
  return {{"scenario", f.scenario},
          {"seeds", f.seeds},
          {"failed", f.failed},
          {"events", f.events},
          {"messages", f.messages},
          {"sim_s", f.sim_s},
          {"wall_s", f.wall_s},
          {"events_per_s", f.per_wall_s(static_cast<double>(f.events))},
          {"messages_per_s", f.per_wall_s(static_cast<double>(f.messages))},
          {"sim_s_per_wall_s", f.per_wall_s(f.sim_s)},
          {"seeds_per_minute_per_core", f.per_wall_s(static_cast<double>(f.seeds)) * 60},
          {"checker_share", f.wall_s > 0 ? f.checker_s / f.wall_s : 0},
          {"monitor_polls", f.monitor_polls},
          {"leaderless_polls", f.leaderless_polls},
          {"leaderless_share", f.leaderless_share()}};
}

void print_table(const std::vector<Figures>& all, const BenchArgs& args) {
  fmt::print("{:<14} {:>5} {:>6} {:>8} {:>8} {:>11} {:>11} {:>12} {:>15} {:>8} {:>11}\n",
             "scenario", "seeds", "failed", "sim s", "wall s", "events/s", "messages/s",
             "sim s/wall s", "seeds/min/core", "check %", "leaderless %");
  for (const Figures& f : all) {
    fmt::print(
        "{:<14} {:>5} {:>6} {:>8.1f} {:>8.3f} {:>11.0f} {:>11.0f} {:>12.0f} {:>15.0f} {:>8.1f} "
        "{:>11.1f}\n",
        f.scenario, f.seeds, f.failed, f.sim_s, f.wall_s,
        f.per_wall_s(static_cast<double>(f.events)), f.per_wall_s(static_cast<double>(f.messages)),
        f.per_wall_s(f.sim_s), f.per_wall_s(static_cast<double>(f.seeds)) * 60,
        f.wall_s > 0 ? 100 * f.checker_s / f.wall_s : 0, 100 * f.leaderless_share());
  }
  fmt::print(
      "impl {}, kv {}; one thread, seeds 1..N run one after another; wall time includes the "
      "checkers; leaderless %: monitor polls with no leader backed by a majority\n",
      args.impl, args.kv);
}

int bench_main(const BenchArgs& args) {
  std::vector<std::pair<std::string, scenarios::ScenarioSource>> resolved;
  for (const std::string& name : args.scenarios) {
    std::optional<scenarios::ScenarioSource> source = resolve_source(name);
    if (!source) return kExitBadInput;
    resolved.emplace_back(name, std::move(*source));
  }
  scenarios::RunOptions options;
  options.impl = args.impl;
  options.kv = args.kv;
  std::vector<Figures> all;
  try {
    for (const auto& [name, source] : resolved) {
      all.push_back(measure(name, source, args.seeds, options));
    }
  } catch (const std::invalid_argument& error) {  // an unknown implementation or service
    fmt::print(stderr, "raftsim: {}\n", error.what());
    return kExitUsage;
  }
  if (args.json) {
    nlohmann::ordered_json j;
    j["impl"] = args.impl;
    j["kv"] = args.kv;
    j["scenarios"] = nlohmann::ordered_json::array();
    for (const Figures& f : all) j["scenarios"].push_back(figures_json(f));
    fmt::print("{}\n", j.dump());
  } else {
    print_table(all, args);
  }
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Measure simulation speed on whole scenario runs");
  cmd->add_option("scenario", args->scenarios, "Library scenario names or files")
      ->capture_default_str();
  cmd->add_option("--seeds", args->seeds, "Seeds per scenario (1..N)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--impl", args->impl, "Raft implementation")->capture_default_str();
  cmd->add_option("--kv", args->kv, "KV service on every node")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of a table");
  cmd->callback([&action, args] { action = [args] { return bench_main(*args); }; });
}

}  // namespace raftsim::cli
