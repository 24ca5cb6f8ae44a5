// The nemesis: fault profile + seed -> concrete fault timeline.
#include "scenarios/nemesis.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <set>

#include "sim/assert.h"
#include "sim/rng.h"

namespace scenarios {
namespace {

using K = FaultKind;

std::vector<int> sorted_slice(const std::vector<int>& items, size_t begin, size_t end) {
  std::vector<int> slice(items.begin() + static_cast<ptrdiff_t>(begin),
                         items.begin() + static_cast<ptrdiff_t>(end));
  std::sort(slice.begin(), slice.end());
  return slice;
}

std::vector<int> shuffled_nodes(sim::Rng& rng, int nodes) {
  std::vector<int> order(static_cast<size_t>(nodes));
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);
  return order;
}

// Timeline times are whole milliseconds, as they are written (at_ms, duration_ms), so that a
// concrete timeline reads back exactly.
sim::Duration whole_ms(sim::Duration d) { return sim::Duration::milliseconds(d.ms()); }

int draw_node(sim::Rng& rng, int nodes) {
  return static_cast<int>(rng.below(static_cast<uint64_t>(nodes)));
}

// Fills `from` and `to` with a random directed link.
void draw_link(sim::Rng& rng, int nodes, FaultEvent& e) {
  e.from = draw_node(rng, nodes);
  e.to = draw_node(rng, nodes - 1);
  if (e.to >= e.from) ++e.to;
}

// Fills the fields the nemesis chooses for random partitions, bridges and crash_minority, when
// the event does not have them yet.
void resolve(sim::Rng& rng, int nodes, FaultEvent& e) {
  bool groups = e.kind == K::partition_random_halves || e.kind == K::partition_majority_minority ||
                e.kind == K::bridge;
  if (groups && !e.groups.empty()) return;
  const bool leader_minority = e.kind == K::partition_leader_minority || e.kind == K::rejoin;
  if ((e.kind == K::crash_minority || leader_minority) && !e.nodes.empty()) return;
  auto n = static_cast<size_t>(nodes);
  if (e.kind == K::partition_random_halves) {
    std::vector<int> order = shuffled_nodes(rng, nodes);
    e.groups = {sorted_slice(order, 0, n / 2), sorted_slice(order, n / 2, n)};
  } else if (e.kind == K::partition_majority_minority || e.kind == K::crash_minority) {
    auto minority = static_cast<size_t>(rng.between(1, (nodes - 1) / 2));
    std::vector<int> order = shuffled_nodes(rng, nodes);
    if (e.kind == K::crash_minority) {
      e.nodes = sorted_slice(order, 0, minority);
    } else {
      e.groups = {sorted_slice(order, 0, minority), sorted_slice(order, minority, n)};
    }
  } else if (leader_minority) {
    // Candidates for the leader's companions: a minority of the cluster, so at least
    // (nodes - 1) / 2 - 1 of them are not the leader, whoever leads when it fires.
    std::vector<int> order = shuffled_nodes(rng, nodes);
    order.resize(static_cast<size_t>((nodes - 1) / 2));
    e.nodes = std::move(order);
  } else if (e.kind == K::bridge) {
    std::vector<int> order = shuffled_nodes(rng, nodes);
    size_t half = 1 + (n - 1) / 2;
    std::vector<int> left = sorted_slice(order, 1, half);
    std::vector<int> right = sorted_slice(order, half, n);
    left.insert(std::lower_bound(left.begin(), left.end(), order[0]), order[0]);
    right.insert(std::lower_bound(right.begin(), right.end(), order[0]), order[0]);
    e.groups = {std::move(left), std::move(right)};
  }
}

bool applicable(const FaultKindInfo& info, const Scenario& s) {
  if (!info.drawable || s.cluster.nodes < info.nodes_min) return false;
  return info.kind != K::clock_drift || s.clock.drift_ppm_max > 0;
}

// A kind drawn by weight, or nullopt when no kind can be drawn.
std::optional<FaultKind> draw_kind(sim::Rng& rng, const Scenario& s, const FaultProfile& p) {
  double total = 0;
  for (const auto& [kind, weight] : p.weights) {
    if (applicable(fault_kind_info(kind), s)) total += weight;
  }
  if (!(total > 0)) return std::nullopt;
  double point = rng.unit() * total;
  std::optional<FaultKind> last;
  for (const auto& [kind, weight] : p.weights) {
    if (!applicable(fault_kind_info(kind), s) || !(weight > 0)) continue;
    last = kind;
    if (point < weight) return kind;
    point -= weight;
  }
  return last;  // rounding left `point` past the last weight
}

double draw_p(sim::Rng& rng, double lo, double hi) {
  double p = lo + rng.unit() * (hi - lo);
  return std::min(p, hi);
}

sim::Duration draw_length(sim::Rng& rng, const FaultProfile& p, FaultKind kind) {
  switch (fault_kind_info(kind).lane) {
    case FaultLane::network:
      if (kind == K::clog) return rng.between(p.clog_min, p.clog_max);
      return rng.between(p.network_min, p.network_max);
    case FaultLane::crash:
      return rng.between(p.crash_min, p.crash_max);
    case FaultLane::burst:
      return rng.between(p.burst_min, p.burst_max);
    case FaultLane::disk:
      return rng.between(p.disk_min, p.disk_max);
    case FaultLane::clock:
      return rng.between(p.drift_min, p.drift_max);
    case FaultLane::reply:  // how long a held reply waits, like a clogged link
    case FaultLane::tester:
      return rng.between(p.clog_min, p.clog_max);
    case FaultLane::none:
      break;
  }
  RAFTSIM_ASSERT(false);
  return sim::Duration::zero();
}

// The fields of a drawn fault that starts at `start` and ends at `end`.
FaultEvent draw_start(sim::Rng& rng, const Scenario& s, const FaultProfile& p, FaultKind kind,
                      sim::Duration start, sim::Duration end) {
  int n = s.cluster.nodes;
  FaultEvent e{.at = start, .kind = kind};
  switch (kind) {
    case K::cut:
      draw_link(rng, n, e);
      break;
    case K::clog:
      if (rng.chance(0.5)) {
        e.node = draw_node(rng, n);
      } else {
        draw_link(rng, n, e);
      }
      break;
    case K::drop_burst:
      e.p = draw_p(rng, p.drop_burst_p_min, p.drop_burst_p_max);
      break;
    case K::start_burst:
      e.count = static_cast<int>(rng.between(10, 100));
      break;
    case K::partition_leader_minority:
      resolve(rng, n, e);
      e.count = static_cast<int>(rng.between(10, 100));
      break;
    case K::duplicate_burst:
      e.p = draw_p(rng, p.duplicate_burst_p_min, p.duplicate_burst_p_max);
      break;
    case K::delay_burst:
      e.p = draw_p(rng, p.delay_burst_p_min, p.delay_burst_p_max);
      break;
    case K::disk_slow:
      e.node = draw_node(rng, n);
      e.factor = rng.between(p.disk_slow_factor_min, p.disk_slow_factor_max);
      break;
    case K::clock_drift:
      e.node = draw_node(rng, n);
      e.ppm = rng.between(-s.clock.drift_ppm_max, s.clock.drift_ppm_max);
      break;
    default:
      // Kinds that name one node and nothing else drawn (isolate, crash, disk_stall, the moment
      // kinds, the reply kinds); the others have their fields drawn by resolve().
      if ((fault_kind_info(kind).required & kFieldNode) != 0) {
        e.node = draw_node(rng, n);
      } else {
        resolve(rng, n, e);
      }
      break;
  }
  if (kind == K::clog || kind == K::disk_stall || kind == K::delay_reply ||
      kind == K::delay_vote_reply) {
    e.duration = end - start;
  }
  return e;
}

// The event that ends `start` at `end`, or nullopt for self-timed faults.
std::optional<FaultEvent> end_of(const FaultEvent& start, sim::Duration end) {
  const std::optional<FaultKind> kind = fault_end_kind(start.kind);
  if (!kind) return std::nullopt;
  FaultEvent e{.at = end, .kind = *kind};
  // The per-node ends name the fault's node; clock_drift's end is its default 0 ppm.
  if (*kind == K::restart || *kind == K::disk_restore || *kind == K::clock_drift) {
    e.node = start.node;
  }
  return e;
}

// Drawn with a partition_leader_minority, half the time, in place of its heal: the lab's rejoin
// move (fault.h: rejoin), armed as the old leader is cut off, so that the successor is cut off
// as soon as it commits, as the lab does once one() has seen it commit. The lab then checks
// agreement in the rejoined configuration, waiting for it; so the heal comes no sooner than the
// time a successor is given (liveness.leader_within) plus what the progress oracle needs to
// judge the rejoined majority (checkers/progress.h). Appends the rejoin; returns the heal's time.
sim::Duration draw_rejoin(sim::Rng& rng, const Scenario& s, const FaultProfile& p, sim::Duration at,
                          std::vector<FaultEvent>& out) {
  const sim::Duration judged = s.liveness.leader_within + s.liveness.progress_within;
  const sim::Duration length = std::max(whole_ms(draw_length(rng, p, K::rejoin)), whole_ms(judged));
  out.push_back(draw_start(rng, s, p, K::rejoin, at, at + length));
  return std::min(at + length, s.duration);
}

// Appends the faults drawn from the profile, each followed by its end event.
void draw_profile(sim::Rng& rng, const Scenario& s, const FaultProfile& p,
                  std::vector<FaultEvent>& out) {
  std::array<sim::Duration, 8> lane_free{};
  sim::Duration t = p.start;
  for (int draw = 0; draw < p.faults_max; ++draw) {
    t += whole_ms(rng.exponential(p.interval_mean));
    if (t >= s.duration) break;
    std::optional<FaultKind> kind = draw_kind(rng, s, p);
    if (!kind) break;
    sim::Duration length = whole_ms(draw_length(rng, p, *kind));
    auto lane = static_cast<size_t>(fault_kind_info(*kind).lane);
    sim::Duration start = std::max(t, lane_free[lane]);
    if (start >= s.duration) continue;
    sim::Duration end = std::min(start + length, s.duration);
    FaultEvent fault = draw_start(rng, s, p, *kind, start, end);
    const bool rejoin = fault.kind == K::partition_leader_minority && rng.chance(0.5);
    out.push_back(std::move(fault));
    if (rejoin) end = draw_rejoin(rng, s, p, start, out);
    std::optional<FaultEvent> ending = end_of(out.back(), end);
    if (ending) out.push_back(std::move(*ending));
    lane_free[lane] = end;
  }
}

// Appends heal-everything at the end of the faulty phase, skipping events already there.
void append_heal_everything(const Scenario& s, std::vector<FaultEvent>& out) {
  std::set<int> slowed;
  std::set<int> drifted;
  for (const FaultEvent& e : out) {
    if (e.kind == K::disk_slow) slowed.insert(e.node);
    if (e.kind == K::clock_drift && e.ppm != 0) drifted.insert(e.node);
  }
  std::vector<FaultEvent> finals;
  finals.push_back({.at = s.duration, .kind = K::heal});
  finals.push_back({.at = s.duration, .kind = K::restart_all});
  finals.push_back({.at = s.duration, .kind = K::burst_end});
  for (int node : slowed)
    finals.push_back({.at = s.duration, .kind = K::disk_restore, .node = node});
  for (int node : drifted)
    finals.push_back({.at = s.duration, .kind = K::clock_drift, .node = node});
  auto first_final =
      std::lower_bound(out.begin(), out.end(), s.duration,
                       [](const FaultEvent& e, sim::Duration at) { return e.at < at; });
  size_t existing_begin = static_cast<size_t>(first_final - out.begin());
  for (FaultEvent& e : finals) {
    auto existing_end = out.begin() + static_cast<ptrdiff_t>(out.size());
    if (std::find(out.begin() + static_cast<ptrdiff_t>(existing_begin), existing_end, e) !=
        existing_end) {
      continue;
    }
    out.push_back(std::move(e));
  }
}

}  // namespace

std::vector<FaultEvent> draw_timeline(const Scenario& scenario, uint64_t seed) {
  sim::Rng rng = sim::Rng(seed).fork("nemesis");
  sim::Rng explicit_rng = rng.fork("explicit");
  std::vector<FaultEvent> timeline = scenario.faults.timeline;
  for (FaultEvent& e : timeline) resolve(explicit_rng, scenario.cluster.nodes, e);
  if (scenario.faults.profile) draw_profile(rng, scenario, *scenario.faults.profile, timeline);
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.at < b.at; });
  append_heal_everything(scenario, timeline);
  for (const FaultEvent& e : timeline) {
    RAFTSIM_ASSERT(e.at >= sim::Duration::zero());
    RAFTSIM_ASSERT(e.at <= scenario.duration);
  }
  return timeline;
}

Scenario concrete_scenario(const Scenario& scenario, uint64_t seed) {
  Scenario concrete = scenario;
  concrete.faults.timeline = draw_timeline(scenario, seed);
  concrete.faults.profile.reset();
  return concrete;
}

}  // namespace scenarios
