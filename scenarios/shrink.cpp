#include "scenarios/shrink.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <set>

#include "scenarios/ddmin.h"
#include "scenarios/load.h"
#include "scenarios/node_subset.h"
#include "scenarios/to_json.h"

namespace scenarios {
namespace {

using Clock = std::chrono::steady_clock;  // the work budget only; never reaches a simulation

// Seeds a candidate of the length, cluster and workload phases may run with (shrink.h).
constexpr int kSeedsTried = 8;
// Runs the timeline phase may take in one round (shrink.h).
constexpr int64_t kTimelineRunsPerRound = 400;

// The last instant any event of the timeline touches: its time, or a self-timed event's end.
sim::Duration timeline_end(const std::vector<FaultEvent>& timeline) {
  sim::Duration end = sim::Duration::zero();
  for (const FaultEvent& event : timeline) end = std::max(end, event.at + event.duration);
  return end;
}

// Whole milliseconds, rounded up.
int64_t ceil_ms(sim::Duration duration) {
  const int64_t ns = duration.ns();
  return (ns + 999'999) / 1'000'000;
}

// "1, 2, 5".
std::string node_list(const std::vector<int>& nodes) {
  std::string text;
  for (int node : nodes) text += (text.empty() ? "" : ", ") + std::to_string(node);
  return text;
}

// The sets of `size` nodes to keep, in the order to try them: the nodes the most timeline events
// name (they keep the most faults; ties to the lower index), then the lowest-numbered nodes
// (they keep their numbers). Each set sorted; no set twice.
std::vector<std::vector<int>> node_choices(const Scenario& scenario, int size) {
  const int nodes = scenario.cluster.nodes;
  std::vector<int64_t> named(static_cast<size_t>(nodes), 0);
  for (const FaultEvent& event : scenario.faults.timeline) {
    for (int node : {event.node, event.from, event.to}) {
      if (node >= 0) ++named[static_cast<size_t>(node)];
    }
    for (int node : event.nodes) ++named[static_cast<size_t>(node)];
  }
  std::vector<int> by_use(static_cast<size_t>(nodes));
  std::iota(by_use.begin(), by_use.end(), 0);
  std::stable_sort(by_use.begin(), by_use.end(), [&](int a, int b) {
    return named[static_cast<size_t>(a)] > named[static_cast<size_t>(b)];
  });
  std::vector<int> busiest(by_use.begin(), by_use.begin() + size);
  std::sort(busiest.begin(), busiest.end());
  std::vector<int> lowest(static_cast<size_t>(size));
  std::iota(lowest.begin(), lowest.end(), 0);
  std::vector<std::vector<int>> choices{busiest};
  if (lowest != busiest) choices.push_back(lowest);
  return choices;
}

// The timeline without the events of `kind`, and without the events that end it when no
// remaining event starts a fault they end.
std::vector<FaultEvent> without_kind(const std::vector<FaultEvent>& timeline, FaultKind kind) {
  const std::optional<FaultKind> end = fault_end_kind(kind);
  bool end_needed = false;
  for (const FaultEvent& event : timeline) {
    if (event.kind != kind && end && event.kind != *end && fault_end_kind(event.kind) == end) {
      end_needed = true;
    }
  }
  std::vector<FaultEvent> out;
  for (const FaultEvent& event : timeline) {
    if (event.kind == kind) continue;
    if (end && event.kind == *end && !end_needed) continue;
    out.push_back(event);
  }
  return out;
}

class Shrinker {
 public:
  Shrinker(const Report& report, const ShrinkOptions& options)
      : report_(report), options_(options), start_(Clock::now()) {
    run_options_.impl = report.impl;
    run_options_.kv = report.kv;
    run_options_.mutant = report.mutant;
    run_options_.guard = options.guard;
    run_options_.fibers_max = report.fibers_max;
    run_options_.ignored_properties = report.ignored_properties;
  }
  ShrinkResult shrink();

 private:
  bool same_failure(const RunResult& result) const;
  bool exhausted();
  bool attempt(const Scenario& candidate);
  void shrink_nodes();
  void shrink_kinds();
  void shrink_timeline();
  void shrink_number(const char* what, int64_t current, int64_t lowest,
                     const std::function<Scenario(int64_t)>& with);
  void shrink_workload();
  void shrink_operations();
  void shrink_pace();
  void shrink_duration();
  void shrink_length();
  void say(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }

  const Report& report_;
  const ShrinkOptions& options_;
  RunOptions run_options_;
  Clock::time_point start_;
  int64_t runs_ = 0;
  int64_t candidates_invalid_ = 0;
  bool exhausted_ = false;
  // Set for the workload and duration phases: a candidate whose run is longer or has more
  // operations is no simpler, even if its scenario is smaller (a run stops at its failure).
  bool must_not_grow_ = false;
  // Set for the snapshot threshold: a run that finds the failure later with fewer operations is
  // simpler to read.
  bool time_may_grow_ = false;
  // Seeds each candidate may run with (kSeedsTried in the workload and length phases, else 1).
  int seeds_per_candidate_ = 1;
  Scenario best_;           // the smallest scenario known to fail like the report
  uint64_t best_seed_ = 0;  // the seed it fails with
  RunResult best_result_;

  // The best so far, to go back to when a step that failed alike turns out to be no simpler.
  struct Kept {
    Scenario scenario;
    uint64_t seed = 0;
    RunResult result;
  };
  Kept kept() const { return {best_, best_seed_, best_result_}; }
  void restore(Kept back) {
    best_ = std::move(back.scenario);
    best_seed_ = back.seed;
    best_result_ = std::move(back.result);
  }
};

bool Shrinker::same_failure(const RunResult& result) const {
  if (result.status != report_.status || !result.failure) return false;
  return result.failure->property == report_.property;
}

bool Shrinker::exhausted() {
  if (exhausted_) return true;
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
  exhausted_ = runs_ >= options_.runs_max || elapsed_s >= options_.time_budget_s;
  if (exhausted_) say(fmt::format("  budget exhausted after {} runs, {:.1f} s", runs_, elapsed_s));
  return exhausted_;
}

// Runs the candidate as a report would carry it (through JSON and the loader); keeps it when it
// fails like the report.
bool Shrinker::attempt(const Scenario& candidate) {
  if (exhausted()) return false;
  const LoadResult loaded = load_scenario(to_json(candidate).dump(), "shrink candidate");
  if (!loaded.ok()) {
    ++candidates_invalid_;
    say(fmt::format("  candidate refused by the loader (a shrinker bug): {}",
                    loaded.error().message));
    return false;
  }
  // The best seed first, then the ones after it: another seed is another run of the same
  // scenario, which may fail alike where this one does not.
  for (int tried = 0; tried < seeds_per_candidate_ && !exhausted(); ++tried) {
    const uint64_t seed = best_seed_ + static_cast<uint64_t>(tried);
    ++runs_;
    RunResult result = run(loaded.scenario(), seed, run_options_);
    if (!same_failure(result)) continue;
    if (must_not_grow_ &&
        (result.operations > best_result_.operations ||
         (!time_may_grow_ && result.stats.simulated > best_result_.stats.simulated))) {
      continue;
    }
    best_ = loaded.scenario();
    best_seed_ = seed;
    best_result_ = std::move(result);
    return true;
  }
  return false;
}

void Shrinker::shrink_nodes() {
  const int nodes = best_.cluster.nodes;
  if (nodes <= 1) return;
  std::vector<int> sizes;
  for (int size = 1; size < nodes; size += 2) sizes.push_back(size);
  for (int size = 2; size < nodes; size += 2) sizes.push_back(size);
  const int64_t runs_before = runs_;
  for (int size : sizes) {
    if (size >= best_.cluster.nodes) continue;  // a smaller size fails already
    const Scenario base = best_;
    for (const std::vector<int>& kept : node_choices(base, size)) {
      if (exhausted()) break;
      if (attempt(keep_nodes(base, kept))) {
        say(fmt::format("  nodes: {} -> {}, keeping {} ({} runs)", base.cluster.nodes, size,
                        node_list(kept), runs_ - runs_before));
        break;
      }
    }
  }
  if (best_.cluster.nodes == nodes) {
    say(fmt::format("  nodes: {}, no smaller cluster fails alike ({} runs)", nodes,
                    runs_ - runs_before));
  }
}

void Shrinker::shrink_kinds() {
  std::set<FaultKind> present;
  for (const FaultEvent& event : best_.faults.timeline) {
    if (fault_kind_info(event.kind).lane != FaultLane::none) present.insert(event.kind);
  }
  if (present.empty()) return;
  const int64_t runs_before = runs_;
  const size_t events_before = best_.faults.timeline.size();
  std::string removed;
  for (FaultKind kind : present) {
    if (exhausted()) break;
    Scenario candidate = best_;
    candidate.faults.timeline = without_kind(best_.faults.timeline, kind);
    if (attempt(candidate)) {
      removed += fmt::format("{}{}", removed.empty() ? "" : ", ", to_string(kind));
    }
  }
  say(fmt::format("  kinds: {} ({} -> {} events, {} runs)",
                  removed.empty() ? "none removed" : "without " + removed, events_before,
                  best_.faults.timeline.size(), runs_ - runs_before));
}

void Shrinker::shrink_timeline() {
  const Scenario base = best_;
  const std::vector<FaultEvent>& events = base.faults.timeline;
  if (events.empty()) return;
  const int64_t runs_before = runs_;
  auto with = [&](const Subset& subset) {
    Scenario candidate = base;
    candidate.faults.timeline.clear();
    for (size_t i : subset) candidate.faults.timeline.push_back(events[i]);
    return candidate;
  };
  // At most kTimelineRunsPerRound runs a round: on a long timeline whose failure is fragile (any
  // removal changes the run), ddmin's quadratic worst case would spend the whole budget before
  // the workload phase, which often makes the failure robust enough for the next round's ddmin.
  const Subset kept = ddmin(
      events.size(), [&](const Subset& subset) { return attempt(with(subset)); },
      [this, runs_before] { return exhausted() || runs_ - runs_before >= kTimelineRunsPerRound; });
  // ddmin's answer is its last failing test, which attempt() kept; make sure of it.
  if (best_.faults.timeline != with(kept).faults.timeline) attempt(with(kept));
  say(fmt::format("  timeline: {} -> {} events ({} runs)", events.size(),
                  best_.faults.timeline.size(), runs_ - runs_before));
}

// Tries lowest, lowest + 1, lowest + 2, lowest + 4, ... below `current`, then bisects between the
// last value that passed and the first that failed. `with(value)` builds the candidate.
void Shrinker::shrink_number(const char* what, int64_t current, int64_t lowest,
                             const std::function<Scenario(int64_t)>& with) {
  if (current <= lowest) return;
  const int64_t runs_before = runs_;
  int64_t passing = lowest - 1;  // the largest value known to pass
  int64_t failing = current;     // the smallest value known to fail
  for (int64_t step = 0; lowest + step < current && !exhausted();
       step = std::max<int64_t>(1, step * 2)) {
    if (attempt(with(lowest + step))) {
      failing = lowest + step;
      break;
    }
    passing = lowest + step;
  }
  while (failing - passing > 1 && !exhausted()) {
    const int64_t middle = passing + (failing - passing) / 2;
    if (attempt(with(middle))) {
      failing = middle;
    } else {
      passing = middle;
    }
  }
  if (failing != current) {
    say(fmt::format("  {}: {} -> {} ({} runs)", what, current, failing, runs_ - runs_before));
  }
}

void Shrinker::shrink_workload() {
  {
    const Scenario base = best_;
    shrink_number("clients", base.workload.clients, 0, [&](int64_t clients) {
      Scenario candidate = base;
      candidate.workload.clients = static_cast<int>(clients);
      return candidate;
    });
  }
  if (best_.workload.clients > 0) shrink_operations();
  if (best_.workload.clients > 0) shrink_pace();
  // A lower snapshot threshold, kept only when it lets the run fail alike with fewer operations:
  // under the default a failure that needs snapshots needs 8 KiB of Raft state, hundreds of short
  // commands; any other failure keeps the default.
  if (best_.workload.clients > 0) {
    Kept saved = kept();
    time_may_grow_ = true;
    shrink_number("max_raft_state_bytes", saved.scenario.cluster.max_raft_state, 1,
                  [&](int64_t bytes) {
                    Scenario candidate = saved.scenario;
                    candidate.cluster.max_raft_state = bytes;
                    return candidate;
                  });
    if (best_.cluster.max_raft_state != saved.scenario.cluster.max_raft_state) {
      shrink_operations();
      if (best_result_.operations >= saved.result.operations) {
        say(fmt::format("  max_raft_state_bytes: back to {}: no fewer operations with less",
                        saved.scenario.cluster.max_raft_state));
        restore(std::move(saved));
      }
    }
    time_may_grow_ = false;
  }
  if (best_.workload.clients > 0) {
    const Scenario base = best_;
    shrink_number("keys", base.workload.keys, 1, [&](int64_t keys) {
      Scenario candidate = base;
      candidate.workload.keys = static_cast<int>(keys);
      return candidate;
    });
  }
}

void Shrinker::shrink_operations() {
  const Scenario base = best_;
  const auto operations = static_cast<int64_t>(best_result_.operations);
  shrink_number("ops_max", std::min(base.workload.ops_max.value_or(operations), operations), 0,
                [&](int64_t ops) {
                  Scenario candidate = base;
                  candidate.workload.ops_max = ops;
                  return candidate;
                });
}

// Clients that think longer between operations: the run keeps its length and faults but has
// fewer operations, which a failure that needs a few commands at the right moments may keep.
// The slowest pace first; the first that fails alike with fewer operations is kept.
void Shrinker::shrink_pace() {
  const Scenario base = best_;
  const uint64_t operations = best_result_.operations;
  const sim::Duration think_max_cap = sim::Duration::milliseconds(60'000);  // the loader's bound
  for (const int64_t factor : {64, 16, 4}) {
    if (exhausted()) return;
    Scenario candidate = base;
    WorkloadModel& w = candidate.workload;
    const sim::Duration floor = sim::Duration::milliseconds(10);
    w.think_max = std::min(think_max_cap, std::max(w.think_max, floor) * factor);
    w.think_min = std::min(w.think_max, w.think_min * factor);
    if (candidate == base) continue;
    Kept before = kept();
    if (!attempt(candidate)) continue;
    if (best_result_.operations < operations) {
      say(fmt::format("  think_ms_max: {} -> {}, {} -> {} operations", base.workload.think_max.ms(),
                      best_.workload.think_max.ms(), operations, best_result_.operations));
      shrink_operations();
      return;
    }
    restore(std::move(before));  // as many operations at a slower pace: no simpler
  }
}

void Shrinker::shrink_duration() {
  const Scenario base = best_;
  const int64_t lowest = std::max<int64_t>(1, ceil_ms(timeline_end(base.faults.timeline)));
  shrink_number("duration_ms", base.duration.ms(), lowest, [&](int64_t ms) {
    Scenario candidate = base;
    candidate.duration = sim::Duration::milliseconds(ms);
    return candidate;
  });
}

// The run cut short at `ms`: the timeline's events up to it (a self-timed one ending there at the
// latest) and the faulty phase ending there, where the nemesis heals everything. A run that fails
// before the cut fails alike with everything after it gone; a liveness or linearizability failure
// often needs only the first faults. Tries the cut just after the failure first: a failure found
// during the faulty phase (a safety violation, a crash) keeps failing there in one run.
void Shrinker::shrink_length() {
  const Scenario base = best_;
  auto cut_at = [&base](int64_t ms) {
    Scenario candidate = base;
    const sim::Duration cut = sim::Duration::milliseconds(ms);
    candidate.duration = cut;
    std::erase_if(candidate.faults.timeline, [cut](const FaultEvent& e) { return e.at > cut; });
    for (FaultEvent& event : candidate.faults.timeline) {
      if (event.at + event.duration > cut) event.duration = cut - event.at;
    }
    return candidate;
  };
  int64_t current = base.duration.ms();
  if (best_result_.failure) {
    const int64_t after_failure =
        ceil_ms(sim::Duration::nanoseconds(best_result_.failure->at_ns)) + 1;
    if (after_failure < current && attempt(cut_at(after_failure))) {
      say(fmt::format("  run cut at {} ms, just after the failure (was {} ms)", after_failure,
                      current));
      current = after_failure;
    }
  }
  // Cutting `base` shorter than `current` is cutting the run kept above: the same candidates.
  shrink_number("run cut at (ms)", current, 1, cut_at);
}

ShrinkResult Shrinker::shrink() {
  ShrinkResult out;
  ++runs_;
  out.original = run(report_.scenario, report_.seed, run_options_);
  out.reproduced = same_failure(out.original);
  out.before = shrink_size(report_.scenario, out.original);
  best_ = report_.scenario;
  best_seed_ = report_.seed;
  best_result_ = out.original;
  if (out.reproduced) {
    for (int round = 0; round < options_.rounds_max && !exhausted(); ++round) {
      say(fmt::format("round {}:", round + 1));
      const Scenario round_start = best_;
      must_not_grow_ = true;
      seeds_per_candidate_ = kSeedsTried;
      if (options_.cut_run) shrink_length();
      must_not_grow_ = false;
      shrink_nodes();  // a smaller cluster runs differently from the start: other seeds too
      seeds_per_candidate_ = 1;
      shrink_kinds();
      // The workload before the timeline and, if the timeline shrank, again after it: a lower
      // snapshot threshold or a capped workload can make a fragile failure robust, so that
      // ddmin's removals keep failing alike; fewer faults can let fewer operations fail alike.
      must_not_grow_ = true;
      seeds_per_candidate_ = kSeedsTried;
      shrink_workload();
      seeds_per_candidate_ = 1;
      must_not_grow_ = false;
      const size_t events_before = best_.faults.timeline.size();
      shrink_timeline();
      must_not_grow_ = true;
      if (best_.faults.timeline.size() < events_before) {
        seeds_per_candidate_ = kSeedsTried;
        shrink_workload();
        seeds_per_candidate_ = 1;
      }
      shrink_duration();
      must_not_grow_ = false;
      if (best_ == round_start) break;
    }
  }
  out.scenario = best_;
  out.seed = best_seed_;
  out.result = best_result_;
  out.after = shrink_size(best_, best_result_);
  out.runs = runs_;
  out.budget_exhausted = exhausted_;
  out.candidates_invalid = candidates_invalid_;
  return out;
}

}  // namespace

ShrinkSize shrink_size(const Scenario& scenario, const RunResult& result) {
  ShrinkSize size;
  size.nodes = scenario.cluster.nodes;
  size.fault_events = result.timeline.size();
  std::set<FaultKind> kinds;
  for (const FaultEvent& event : result.timeline) {
    if (fault_kind_info(event.kind).lane != FaultLane::none) kinds.insert(event.kind);
  }
  size.kinds.assign(kinds.begin(), kinds.end());
  size.clients = scenario.workload.clients;
  size.operations = result.operations;
  size.sim_ms = result.stats.simulated.ms();
  return size;
}

ShrinkResult shrink(const Report& report, const ShrinkOptions& options) {
  Shrinker shrinker(report, options);
  return shrinker.shrink();
}

}  // namespace scenarios
