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
  void shrink_duration();
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
  Scenario best_;  // the smallest scenario known to fail like the report
  RunResult best_result_;
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
  ++runs_;
  RunResult result = run(loaded.scenario(), report_.seed, run_options_);
  if (!same_failure(result)) return false;
  if (must_not_grow_ && (result.operations > best_result_.operations ||
                         result.stats.simulated > best_result_.stats.simulated)) {
    return false;
  }
  best_ = loaded.scenario();
  best_result_ = std::move(result);
  return true;
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
  const Subset kept = ddmin(
      events.size(), [&](const Subset& subset) { return attempt(with(subset)); },
      [this] { return exhausted(); });
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
  if (best_.workload.clients > 0) {
    const Scenario base = best_;
    const auto operations = static_cast<int64_t>(best_result_.operations);
    shrink_number("ops_max", std::min(base.workload.ops_max.value_or(operations), operations), 0,
                  [&](int64_t ops) {
                    Scenario candidate = base;
                    candidate.workload.ops_max = ops;
                    return candidate;
                  });
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

void Shrinker::shrink_duration() {
  const Scenario base = best_;
  const int64_t lowest = std::max<int64_t>(1, ceil_ms(timeline_end(base.faults.timeline)));
  shrink_number("duration_ms", base.duration.ms(), lowest, [&](int64_t ms) {
    Scenario candidate = base;
    candidate.duration = sim::Duration::milliseconds(ms);
    return candidate;
  });
}

ShrinkResult Shrinker::shrink() {
  ShrinkResult out;
  ++runs_;
  out.original = run(report_.scenario, report_.seed, run_options_);
  out.reproduced = same_failure(out.original);
  out.before = shrink_size(report_.scenario, out.original);
  best_ = report_.scenario;
  best_result_ = out.original;
  if (out.reproduced) {
    for (int round = 0; round < options_.rounds_max && !exhausted(); ++round) {
      say(fmt::format("round {}:", round + 1));
      const Scenario round_start = best_;
      shrink_nodes();
      shrink_kinds();
      shrink_timeline();
      must_not_grow_ = true;
      shrink_workload();
      shrink_duration();
      must_not_grow_ = false;
      if (best_ == round_start) break;
    }
  }
  out.scenario = best_;
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
