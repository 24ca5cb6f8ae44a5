// `raftsim fuzz [SCENARIO]` runs a campaign of seeds of one scenario on a pool of worker threads,
// writes a failure report per failing seed, and ends with a summary (tools/fuzz/summary.h, which
// also defines the exit code's severity order). `--shard K/N` runs the K-th of N disjoint slices
// of the seed range, so a CI job matrix spreads one campaign over many machines
// (.github/workflows/fuzz.yml). Usage errors exit 64 with one line; a bad scenario exits 65.
#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "scenarios/library.h"
#include "tools/command.h"
#include "tools/fuzz/campaign.h"
#include "tools/fuzz/progress.h"
#include "tools/fuzz/seed_plan.h"
#include "tools/fuzz/summary.h"
#include "tools/run_support.h"

namespace raftsim::cli {
namespace {

struct FuzzArgs {
  std::string scenario{scenarios::kSwarmName};
  uint64_t seeds = 100;
  uint64_t seed_start = 1;
  unsigned jobs = 0;  // 0: one per hardware thread
  std::string shard = "1/1";
  double time_budget_s = 0;
  std::string out_dir = "raftsim-failures";
  std::string junit_path;
  std::string fingerprints_path;
  double determinism_fraction = 0;
  uint64_t failures_max = 0;
  std::string impl = "reference";
  std::string kv = "reference";
  std::string mutant;
  std::vector<std::string> ignored_properties;
  bool json = false;
  bool no_pictures = false;
  GuardArgs guard;
};

unsigned jobs_to_use(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// One line per seed run, "SCENARIO SEED FINGERPRINT KIND", in seed order: two builds that run the
// same simulation write the same file (tools/determinism-check.sh compares them).
std::string fingerprint_lines(const fuzz::CampaignInfo& info, const fuzz::CampaignResult& result) {
  std::string lines;
  for (const fuzz::SeedOutcome& outcome : result.outcomes) {
    lines += fmt::format("{} {} {:016x} {}\n", info.scenario, outcome.seed, outcome.fingerprint,
                         outcome.kind());
  }
  return lines;
}

int print_outcome(const fuzz::CampaignInfo& info, const fuzz::CampaignResult& result,
                  const FuzzArgs& args) {
  if (args.json) {
    fmt::print("{}\n", fuzz::summary_json(info, result).dump());
  } else {
    fmt::print("{}", fuzz::summary_text(info, result));
  }
  std::fflush(stdout);
  if (!args.junit_path.empty() && !write_file(args.junit_path, fuzz::junit_xml(info, result))) {
    return kExitBadInput;
  }
  if (!args.fingerprints_path.empty() &&
      !write_file(args.fingerprints_path, fingerprint_lines(info, result))) {
    return kExitBadInput;
  }
  return fuzz::campaign_exit_code(result);
}

int fuzz_main(const FuzzArgs& args) {
  std::string shard_error;
  const std::optional<fuzz::Shard> shard = fuzz::parse_shard(args.shard, shard_error);
  if (!shard) {
    fmt::print(stderr, "raftsim: {}\n", shard_error);
    return kExitUsage;
  }
  const std::optional<scenarios::ScenarioSource> source = resolve_source(args.scenario);
  if (!source) return kExitBadInput;

  const std::vector<fuzz::PlannedSeed> plan =
      fuzz::plan_seeds(args.seed_start, args.seeds, *shard, args.determinism_fraction);
  fuzz::CampaignOptions options;
  options.run.impl = args.impl;
  options.run.kv = args.kv;
  options.run.mutant = args.mutant;
  options.run.ignored_properties = args.ignored_properties;
  options.jobs = jobs_to_use(args.jobs);
  options.run.guard = guard_options(args.guard, options.jobs);
  options.run.fibers_max = args.guard.fibers_max;
  options.run.guard.stall_note = rerun_note(args.scenario, options.run);
  options.time_budget_s = args.time_budget_s;
  options.failures_max = args.failures_max;
  options.out_dir = args.out_dir;
  options.pictures = !args.no_pictures;

  fuzz::ProgressLine progress(stderr, isatty(fileno(stderr)) != 0);
  const fuzz::CampaignResult result = fuzz::run_campaign(
      *source, plan, options, [&progress](const fuzz::Tally& tally) { progress.update(tally); });
  progress.finish();
  if (result.stop == fuzz::StopReason::usage_error) {
    fmt::print(stderr, "raftsim: {}\n", result.usage_error);
    return kExitUsage;
  }
  fuzz::CampaignInfo info{source->name(),
                          args.impl,
                          args.mutant,
                          args.seed_start,
                          args.seeds,
                          *shard,
                          options.jobs,
                          args.determinism_fraction,
                          args.time_budget_s,
                          args.failures_max,
                          args.out_dir,
                          args.kv,
                          args.ignored_properties};
  return print_outcome(info, result, args);
}

}  // namespace

void add_fuzz_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<FuzzArgs>();
  auto* cmd = app.add_subcommand("fuzz", "Run a campaign of seeds of one scenario in parallel");
  cmd->add_option("scenario", args->scenario,
                  "swarm (a scenario drawn per seed), a library scenario name or a scenario file")
      ->capture_default_str();
  cmd->add_option("--seeds", args->seeds, "How many seeds in the whole campaign (all shards)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--seed-start", args->seed_start, "The first seed")
      ->check(unsigned_integer())
      ->capture_default_str();
  cmd->add_option("--jobs", args->jobs,
                  "Worker threads; 0 = one per hardware thread; at most 4 per hardware thread")
      ->check(jobs_validator())
      ->capture_default_str();
  cmd->add_option("--shard", args->shard, "Run the K-th of N disjoint slices of the seeds (K/N)")
      ->capture_default_str();
  cmd->add_option("--time-budget-s", args->time_budget_s,
                  "Start no new seed after this many wall seconds; 0 = no budget")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", args->out_dir,
                  "Directory for failure reports, each with its run picture beside it (.html)")
      ->capture_default_str();
  cmd->add_flag("--no-html", args->no_pictures,
                "Write no run picture beside the failure reports (each picture runs its failing "
                "seed once more)");
  cmd->add_option("--junit", args->junit_path, "Write JUnit XML (one testcase per seed) here");
  cmd->add_option("--fingerprints", args->fingerprints_path,
                  "Write each seed's fingerprint and outcome here, a line per seed, to compare "
                  "two builds");
  cmd->add_option("--check-determinism", args->determinism_fraction,
                  "Run this fraction of the seeds twice and compare fingerprints, in [0, 1]")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max-failures", args->failures_max,
                  "Stop starting seeds after this many failures; 0 = no limit");
  cmd->add_option("--impl", args->impl, "Raft implementation")->capture_default_str();
  cmd->add_option("--kv", args->kv, "KV service on every node")->capture_default_str();
  cmd->add_option("--mutant", args->mutant, "A named mutant of the implementation");
  add_ignore_property_option(cmd, args->ignored_properties);
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object");
  add_guard_options(cmd, args->guard);
  cmd->footer(
      "Exit: 0 when every seed passed, else the code of the most severe failure kind: "
      "nondeterminism 5 > crash 4 > safety 1 > linearizability 2 > liveness 3 > unknown 6 > "
      "resource 7 (a seed stopped by --seed-timeout-s, --seed-memory-mb, --fibers-max or a "
      "stack or allocation the system refused, counted apart). "
      "64 usage error, 65 bad scenario.");
  cmd->callback([&action, args] { action = [args] { return fuzz_main(*args); }; });
}

}  // namespace raftsim::cli
