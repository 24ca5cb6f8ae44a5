// The shrinker: reduces a failing run (a failure report) to a smaller scenario that still fails
// the same way, so a person reads a handful of fault events instead of hundreds.
//
// Contract. The report's scenario is concrete (an explicit timeline, no profile). Every candidate
// is a full run (scenarios::run) of a modified concrete scenario with the report's seed,
// implementation and mutant, and is kept only if it fails with the SAME status and property as
// the report. Each round, while something changes (at most a few), runs the phases 0, 1, 2, 4, 3,
// 4 again and 5:
//   0. the run's length: the run cut short, first just after the failure's time (a failure
//      found during the faulty phase fails alike there), then at the shortest length that still
//      fails alike (searched as the numbers below); a cut drops the events after it, ends the
//      self-timed ones by it, and the nemesis heals everything there (nemesis.h, 4.). It comes
//      first because it is cheap (short runs) and makes every later run shorter;
//   1. the cluster: fewer nodes (scenarios/node_subset.h: events about a removed node are
//      dropped, partitions and bridges rebuilt from the nodes left). Odd sizes first, smallest
//      first (from 7: 1, 3, 5), then the even sizes below the size reached (2, 4, ...); for each
//      size, first the nodes the most timeline events name, then the lowest-numbered nodes;
//   2. the fault kinds: for each kind that starts a fault (fault.h), in enum order, every event
//      of that kind at once, with the events that end it (fault_end_kind) when no remaining
//      event of another kind needs them: removing `crash` removes every `restart` too;
//   3. the fault timeline, by ddmin over its events (scenarios/ddmin.h); deleting any event is
//      valid because end events are harmless when nothing is in effect (fault_injector.h). At
//      most 400 runs a round (the next round goes on from the smallest timeline found). It
//      runs after phase 4, which often makes a fragile failure robust enough for ddmin's
//      removals to keep failing alike, and phase 4 runs again when it removed events;
//   4. the workload: fewer clients, then an ops_max cap, then a slower pace (think times 64, 16
//      or 4 times longer, kept only with fewer operations) and the cap again, then a lower
//      snapshot threshold
//      (cluster.max_raft_state_bytes) with a lower cap again, kept only when the run then has
//      fewer operations, then fewer keys;
//   5. the duration: shorter, in whole milliseconds, keeping every remaining event (and a
//      self-timed event's end) within it.
// In phases 0, 1 and 4 a candidate that does not fail alike with the best seed so far is tried
// with the seeds after it too (up to 8): a shorter run, a smaller cluster or a smaller workload
// is another run, whose failure, if the bug is there, may come with another seed. A shrunk
// scenario may therefore carry another seed than the report's (ShrinkResult::seed); kind and
// property are the report's. Phases 2, 3 and 5 keep the seed: removing a fault leaves the run as
// it was until that fault's time.
// In phases 0, 4 and 5 a candidate must also not make the run longer in simulated time or give it
// more operations (a run stops at its failure, so a smaller scenario can still run longer).
// Fewer nodes and fewer kinds are simpler to read whatever the run's length, like fewer events.
// Numbers are searched from the smallest up (0, 1, 2, 4, ... then bisection between the last
// passing and the first failing value), so the shrunk values are small but, for a predicate that
// is not monotone, not necessarily the least. Each candidate scenario goes through to_json and
// the loader before it runs, so it is valid and is exactly what a written report replays (a
// candidate the loader refuses is a shrinker bug: it is counted, not run).
// The work is bounded by a wall-clock budget (the only wall clock read here; it is outside any
// simulation, so a shrink may stop earlier on a slower machine) and by a number of runs.
// The result carries the final run's result, whose fingerprint a shrunk report must carry.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"

namespace scenarios {

struct ShrinkOptions {
  double time_budget_s = 300;  // wall seconds; > 0
  int64_t runs_max = 2000;     // candidate runs, the first reproduction included; >= 1
  int rounds_max = 3;          // passes over all the phases; >= 1
  bool cut_run = true;         // phase 0 (off only to test the other phases alone)
  sim::GuardOptions guard;     // each candidate run's wall-time and memory guard
  // Called with one line per phase and per reduction kept (for the CLI); may be empty.
  std::function<void(const std::string&)> progress;
};

struct ShrinkSize {
  int nodes = 0;  // cluster.nodes
  // Events of the applied timeline, as the report holds it: the nemesis's closing
  // heal-everything at the end of the faulty phase (nemesis.h, 4.) included.
  size_t fault_events = 0;
  // The kinds of those events that start a fault (lane other than none, fault.h), distinct, in
  // enum order: what a reader must understand, the end events and closing heal aside.
  std::vector<FaultKind> kinds;
  int clients = 0;
  uint64_t operations = 0;  // client operations recorded by the run
  int64_t sim_ms = 0;       // simulated time of the run (faulty and liveness phases)
};

struct ShrinkResult {
  bool reproduced = false;  // the report's own scenario failed as the report says
  RunResult original;       // the run of the report's scenario
  Scenario scenario;        // the shrunk concrete scenario (the report's when nothing shrank)
  uint64_t seed = 0;        // the seed it fails with (the report's unless phase 0 or 4 changed it)
  RunResult result;         // the run of `scenario`: it fails like the report
  ShrinkSize before;
  ShrinkSize after;
  int64_t runs = 0;
  bool budget_exhausted = false;
  int64_t candidates_invalid = 0;  // candidates the loader refused (not run); 0 unless a bug
};

ShrinkSize shrink_size(const Scenario& scenario, const RunResult& result);

// Throws std::invalid_argument for an unknown implementation or mutant, like run().
ShrinkResult shrink(const Report& report, const ShrinkOptions& options = {});

}  // namespace scenarios
