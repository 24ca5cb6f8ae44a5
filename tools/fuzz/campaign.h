// A fuzz campaign: many seeds of one scenario, or of the swarm (a scenario drawn per seed,
// scenarios/swarm.h), on a pool of worker threads.
//
// Contract. run_campaign runs the planned seeds (tools/fuzz/seed_plan.h) on `jobs` worker
// threads, each run in its own sim::World, so a seed's result does not depend on the thread
// that ran it or on the other seeds. Seeds are handed out in plan order under one lock that
// also checks the stop conditions, so the seeds that ran are always a prefix of the plan (every
// seed handed out runs to its end) and outcomes come back in seed order. It stops handing out
// seeds once `failures_max` seeds failed (counting in completion order, so with several jobs a
// few more seeds may finish and fail), once `time_budget_s` of wall time has passed, or at the
// first usage error (an unknown implementation or mutant). A seed marked for a determinism
// check runs twice with full traces; a fingerprint mismatch is a "nondeterminism" failure that
// names the first diverging event. Every failing seed gets a failure report,
// `<out_dir>/<scenario>-seed<N>.json` (holding that seed's scenario), written as soon as the seed
// finishes (so a campaign cut short by a CI timeout keeps its reports); the directory is created on
// the first failure. Beside each report, unless `pictures` is off, goes the seed's run picture
// (tools/picture_recorder.h) under the report's name with .html: the seed runs once more with the
// picture listening, which changes nothing in the run (a seed that ran into its resource guard
// gets none: it would only run into it again). The worker threads are a pool outside simulated
// code: wall time is read here for the budget and progress only, never by a simulation.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/swarm.h"
#include "tools/fuzz/divergence.h"
#include "tools/fuzz/seed_plan.h"

namespace raftsim::cli::fuzz {

struct CampaignOptions {
  scenarios::RunOptions run;  // impl and mutant; record_trace is set per seed
  unsigned jobs = 1;          // worker threads, >= 1
  double time_budget_s = 0;   // wall seconds after which no new seed starts; 0 = no budget
  uint64_t failures_max = 0;  // stop handing out seeds after this many failures; 0 = no limit
  std::string out_dir = "raftsim-failures";
  bool pictures = true;  // write the run picture beside each failure report
};

struct SeedOutcome {
  uint64_t seed = 0;
  scenarios::Status status = scenarios::Status::ok;
  std::string property;  // of the failure, "" when ok
  std::string message;
  bool checked = false;                  // ran twice for a determinism check
  std::optional<Divergence> divergence;  // set when the two runs' fingerprints differ
  std::string report_path;               // "" when ok (or when the report could not be written)
  std::string picture_path;              // beside the report; "" when none was written
  uint64_t fingerprint = 0;
  int64_t sim_ms = 0;
  double wall_ms = 0;  // of the first run
  uint64_t events = 0;
  uint64_t messages = 0;
  uint64_t monitor_polls = 0;  // availability (scenarios::RunResult)
  uint64_t leaderless_polls = 0;

  bool failed() const { return status != scenarios::Status::ok || divergence.has_value(); }
  // "ok", a status name, or "nondeterminism" (which wins over the status).
  std::string kind() const;
};

enum class StopReason { completed, failures_max, time_budget, usage_error };

struct CampaignResult {
  std::vector<SeedOutcome> outcomes;  // in seed order: a prefix of the plan
  uint64_t seeds_planned = 0;
  StopReason stop = StopReason::completed;
  std::string usage_error;  // set when stop == usage_error
  double wall_s = 0;
};

struct Tally {
  uint64_t done = 0;
  uint64_t failures = 0;
  uint64_t planned = 0;
  double elapsed_s = 0;
};
// Called on the calling thread about five times a second while the campaign runs.
using ProgressTick = std::function<void(const Tally&)>;

CampaignResult run_campaign(const scenarios::ScenarioSource& source,
                            const std::vector<PlannedSeed>& plan, const CampaignOptions& options,
                            const ProgressTick& tick);

}  // namespace raftsim::cli::fuzz
