#include "scenarios/swarm.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "sim/rng.h"

namespace scenarios {
namespace {

using sim::Duration;

Duration ms(int64_t n) { return Duration::milliseconds(n); }
Duration us(int64_t n) { return Duration::microseconds(n); }

// A probability in [0, hi], or 0 when the coin says the knob is off.
double maybe_p(sim::Rng& rng, double hi) {
  if (!rng.chance(0.5)) return 0.0;
  return rng.unit() * hi;
}

void draw_cluster(sim::Rng& rng, Scenario& s) {
  static constexpr std::array<int, 3> kSizes{3, 5, 7};
  s.cluster.nodes = kSizes[rng.below(kSizes.size())];
  // Election timing: (heartbeat, election timeout min); the maximum is twice the minimum.
  static constexpr std::array<std::pair<int64_t, int64_t>, 3> kTimings{
      {{50, 150}, {100, 300}, {150, 500}}};
  const auto [heartbeat_ms, timeout_ms] = kTimings[rng.below(kTimings.size())];
  s.cluster.heartbeat_interval = ms(heartbeat_ms);
  s.cluster.election_timeout_min = ms(timeout_ms);
  s.cluster.election_timeout_max = ms(2 * timeout_ms);
  // Half the seeds wait for peer replies as long as the course's network does (calls fail after
  // up to 7 s there), so a reply can outlive its term.
  if (rng.chance(0.5)) s.cluster.rpc_timeout = ms(rng.between(1000, 7000));
  if (rng.chance(0.5)) s.cluster.apply_cost = us(rng.between(10, 200));
}

void draw_environment(sim::Rng& rng, Scenario& s) {
  s.network.drop_p = maybe_p(rng, 0.05);
  s.network.duplicate_p = maybe_p(rng, 0.1);
  s.network.long_delay_p = maybe_p(rng, 0.1);
  s.network.long_delay_min = ms(50);
  s.network.long_delay_max = ms(rng.between(200, 3000));
  if (rng.chance(0.3)) {
    s.disk.fsync_latency_min = us(rng.between(300, 2000));
    s.disk.fsync_latency_tail_mean = us(rng.between(500, 5000));
    s.disk.fsync_latency_max = ms(20);
  }
  if (rng.chance(0.5)) s.clock.drift_ppm_max = rng.between(100, 5000);
}

// The history must stay checkable: at most a few hundred operations per key (the
// linearizability search grows with the operations and the concurrency on one key). Relaxed
// clients pace themselves to spread that over the run; bursty ones spend it early.
void draw_workload(sim::Rng& rng, Scenario& s) {
  WorkloadModel& w = s.workload;
  w.clients = static_cast<int>(rng.between(1, 16));
  // At most four clients per key: the check's search grows with the concurrency on one key, and
  // with more its step budget runs out on a correct history now and then (verdict unknown).
  w.keys = static_cast<int>(rng.between((w.clients + 3) / 4, 10));
  w.ops_max = w.keys * rng.between(100, 300);
  const int64_t get_percent = rng.between(5, 60);
  const int64_t put_percent = rng.between(0, 100 - get_percent);
  w.get_p = static_cast<double>(get_percent) / 100.0;
  w.put_p = static_cast<double>(put_percent) / 100.0;
  w.append_p = static_cast<double>(100 - get_percent - put_percent) / 100.0;
  w.think_min = Duration::zero();
  if (rng.chance(0.3)) {
    w.think_max = ms(rng.between(0, 10));
  } else {
    // A mean think time that spreads ops_max over the run, and at least 10 ms.
    const int64_t spread_ms = w.clients * s.duration.ms() / *w.ops_max;
    w.think_max = ms(std::max<int64_t>(20, 2 * spread_ms));
  }
  if (rng.chance(0.3)) w.value_bytes = static_cast<int>(rng.between(16, 300));
}

// Each lane's durations scale together: short churn, seconds, or long faults.
void draw_faults(sim::Rng& rng, Scenario& s) {
  FaultProfile p;
  p.start = ms(rng.between(0, 2000));
  p.interval_mean = ms(rng.between(200, 3000));
  // How many kinds are on varies too: from a lone kind or two (only crashes, only slow disks) to
  // nearly all of them.
  static constexpr std::array<double, 4> kDensities{0.08, 0.25, 0.5, 0.9};
  const double density = kDensities[rng.below(kDensities.size())];
  for (const FaultKindInfo& info : fault_kinds()) {
    if (!info.drawable) continue;
    const bool on = rng.chance(density);
    const int64_t weight = rng.between(1, 4);
    if (on) p.weights[info.kind] = static_cast<double>(weight);
  }
  if (p.weights.empty()) {
    std::vector<FaultKind> drawable;
    for (const FaultKindInfo& info : fault_kinds()) {
      if (info.drawable) drawable.push_back(info.kind);
    }
    p.weights[drawable[rng.below(drawable.size())]] = 1;
  }
  static constexpr std::array<int64_t, 3> kScalesMs{500, 2000, 8000};
  const int64_t scale_ms = kScalesMs[rng.below(kScalesMs.size())];
  p.network_min = ms(scale_ms / 10);
  p.network_max = ms(scale_ms);
  p.clog_min = ms(scale_ms / 20);
  p.clog_max = ms(scale_ms / 2);
  p.crash_min = ms(scale_ms / 10);
  p.crash_max = ms(scale_ms);
  p.burst_min = ms(scale_ms / 10);
  p.burst_max = ms(scale_ms);
  p.disk_min = ms(scale_ms / 10);
  p.disk_max = ms(scale_ms);
  p.drift_min = ms(1000);
  p.drift_max = ms(std::max<int64_t>(2000, scale_ms));
  s.faults.profile = p;
}

}  // namespace

Scenario draw_swarm(uint64_t seed) {
  sim::Rng rng = sim::Rng(seed).fork("swarm");
  Scenario s;
  s.name = std::string(kSwarmName);
  draw_cluster(rng, s);
  draw_environment(rng, s);
  s.duration = ms(rng.between(8000, 20000));
  draw_workload(rng, s);
  draw_faults(rng, s);
  // A leader within ten election timeouts, as the lab's checkOneLeader allows at the course's
  // timing; operations within 15 s of the heal, as on lossy links.
  s.liveness.leader_within = std::max(ms(5000), s.cluster.election_timeout_max * 10);
  s.liveness.progress_within = s.liveness.leader_within;
  s.liveness.ops_within = ms(15000);
  s.description = fmt::format(
      "Drawn by the swarm from seed {}: {} nodes, {} clients on {} keys, {} fault kinds.", seed,
      s.cluster.nodes, s.workload.clients, s.workload.keys, s.faults.profile->weights.size());
  return s;
}

ScenarioSource ScenarioSource::fixed(Scenario scenario) {
  ScenarioSource source;
  source.name_ = scenario.name;
  source.fixed_ = std::move(scenario);
  return source;
}

ScenarioSource ScenarioSource::swarm() {
  ScenarioSource source;
  source.name_ = std::string(kSwarmName);
  return source;
}

Scenario ScenarioSource::for_seed(uint64_t seed) const {
  return fixed_ ? *fixed_ : draw_swarm(seed);
}

}  // namespace scenarios
