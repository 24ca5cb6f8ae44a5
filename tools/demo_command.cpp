// `raftsim demo`: runs the gossip fixture protocol on the simulated runtime, with faults, and
// prints what happened and the run's fingerprint. Until the fuzz campaign exists it is the main
// job; `--fingerprints` prints one "seed fingerprint" line per seed for determinism checks.
#include <fmt/core.h>

#include "sim/fixture/gossip.h"
#include "tools/command.h"
#include "tools/run_support.h"

namespace raftsim::cli {
namespace {

struct DemoOptions {
  uint64_t seed = 1;
  uint64_t seeds = 1;
  int nodes = 5;
  int64_t duration_ms = 10000;
  bool no_faults = false;
  bool interleave = false;
  bool fingerprints_only = false;
  std::string trace_path;
};

int run_demo(const DemoOptions& o) {
  int failures = 0;
  for (uint64_t seed = o.seed; seed < o.seed + o.seeds; ++seed) {
    sim::fixture::GossipOptions options;
    options.seed = seed;
    options.nodes = o.nodes;
    options.duration = sim::Duration::milliseconds(o.duration_ms);
    options.faults = !o.no_faults;
    options.interleave = o.interleave;
    options.record_trace = !o.trace_path.empty();
    const sim::fixture::GossipResult r = sim::fixture::run_gossip(options);
    if (!o.trace_path.empty()) {
      std::string lines;
      for (const sim::TraceEvent& e : r.trace) lines += sim::Trace::to_json(e) + "\n";
      if (!write_file(o.trace_path, lines)) return kExitBadInput;
    }
    if (r.failure) ++failures;
    if (o.fingerprints_only) {
      fmt::print("{} {}\n", seed, sim::fingerprint_hex(r.fingerprint));
      continue;
    }
    fmt::print(
        "seed {}: {} nodes, {} simulated, {} faults, {} events, {} messages sent ({} dropped, {} "
        "duplicated), {} fiber switches, {} in {:.3f} s wall\n  converged: {}   fingerprint: {}\n",
        seed, o.nodes, sim::to_string(r.stats.simulated), r.faults, r.stats.events,
        r.stats.messages_sent, r.stats.messages_dropped, r.stats.messages_duplicated,
        r.stats.fiber_switches, r.failure ? "FAILED" : "ok", r.stats.wall_seconds,
        r.converged ? "yes" : "no", sim::fingerprint_hex(r.fingerprint));
    if (r.failure) fmt::print("  failure ({}): {}\n", r.failure->kind, r.failure->message);
  }
  return failures == 0 ? kExitOk : kExitCrash;
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the gossip fixture protocol on the simulator with faults; print its fingerprint");
  cmd->add_option("--seed", options->seed, "First seed")
      ->check(unsigned_integer())
      ->capture_default_str();
  cmd->add_option("--seeds", options->seeds, "How many consecutive seeds to run")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--nodes", options->nodes, "Cluster size")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
  cmd->add_option("--duration-ms", options->duration_ms, "Simulated milliseconds per run")
      ->check(CLI::Range(int64_t{1}, int64_t{86400000}))
      ->capture_default_str();
  cmd->add_flag("--no-faults", options->no_faults, "Run without the nemesis");
  cmd->add_flag("--interleave", options->interleave, "Shuffle same-instant events with the seed");
  cmd->add_flag("--fingerprints", options->fingerprints_only,
                "Print only 'seed fingerprint' lines");
  cmd->add_option("--trace", options->trace_path,
                  "Write every event of the (last) run as JSON lines to this file");
  cmd->callback([&action, options] { action = [options] { return run_demo(*options); }; });
}

}  // namespace raftsim::cli
