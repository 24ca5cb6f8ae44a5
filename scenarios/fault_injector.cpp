#include "scenarios/fault_injector.h"

#include <fmt/core.h>

#include <algorithm>

#include "scenarios/to_json.h"

namespace scenarios {

FaultInjector::FaultInjector(sim::World& world, const Scenario& scenario, LeaderFinder find_leader)
    : world_(world),
      scenario_(scenario),
      find_leader_(std::move(find_leader)),
      servers_(scenario.cluster.nodes) {}

void FaultInjector::note(const FaultEvent& event, const std::string& detail) {
  sim::TraceEvent trace;
  trace.at = world_.now();
  trace.kind = sim::TraceKind::fault;
  trace.node = event.node;
  trace.topic = std::string(to_string(event.kind));
  trace.text = to_json(event).dump() + detail;
  world_.trace().record(std::move(trace));
}

// Two servers are linked iff some group holds both (partitions have disjoint groups; a bridge's
// two groups share the bridge node).
void FaultInjector::set_links(const std::vector<std::vector<int>>& groups) {
  for (int a = 0; a < servers_; ++a) {
    for (int b = 0; b < servers_; ++b) {
      if (a == b) continue;
      const bool linked = std::any_of(groups.begin(), groups.end(), [&](const auto& group) {
        return std::count(group.begin(), group.end(), a) > 0 &&
               std::count(group.begin(), group.end(), b) > 0;
      });
      if (linked) {
        world_.network().connect(a, b);
      } else {
        world_.network().cut(a, b);
      }
    }
  }
}

void FaultInjector::isolate(int node) {
  for (int other = 0; other < servers_; ++other) {
    if (other == node) continue;
    world_.network().cut(node, other);
    world_.network().cut(other, node);
  }
}

void FaultInjector::crash(int node) {
  if (world_.is_up(node)) world_.crash(node);
}

void FaultInjector::restart(int node) {
  if (!world_.is_up(node)) world_.start(node);
}

void FaultInjector::apply(const FaultEvent& event) {
  sim::Network& net = world_.network();
  std::string detail;
  switch (event.kind) {
    case FaultKind::partition:
    case FaultKind::partition_random_halves:
    case FaultKind::partition_majority_minority:
    case FaultKind::bridge:
      set_links(event.groups);
      break;
    case FaultKind::isolate:
      isolate(event.node);
      break;
    case FaultKind::isolate_leader:
    case FaultKind::crash_leader: {
      const std::optional<int> leader = find_leader_();
      detail = leader ? fmt::format(" leader={}", *leader) : " (no leader: nothing done)";
      if (leader && event.kind == FaultKind::isolate_leader) isolate(*leader);
      if (leader && event.kind == FaultKind::crash_leader) crash(*leader);
      break;
    }
    case FaultKind::cut:
      net.cut(event.from, event.to);
      break;
    case FaultKind::heal:
      net.heal();
      break;
    case FaultKind::crash:
      crash(event.node);
      break;
    case FaultKind::crash_minority:
      for (int node : event.nodes) crash(node);
      break;
    case FaultKind::crash_all:
      for (int node = 0; node < servers_; ++node) crash(node);
      break;
    case FaultKind::restart:
      restart(event.node);
      break;
    case FaultKind::restart_all:
      for (int node = 0; node < servers_; ++node) restart(node);
      break;
    case FaultKind::clog: {
      const sim::Instant until = world_.now() + event.duration;
      if (event.node >= 0) {
        net.clog_node(event.node, until);
      } else {
        net.clog_link(event.from, event.to, until);
      }
      break;
    }
    case FaultKind::drop_burst:
    case FaultKind::duplicate_burst:
    case FaultKind::delay_burst: {
      sim::NetworkOptions options = net.options();
      if (event.kind == FaultKind::drop_burst) options.drop_p = event.p;
      if (event.kind == FaultKind::duplicate_burst) options.duplicate_p = event.p;
      if (event.kind == FaultKind::delay_burst) options.long_delay_p = event.p;
      net.set_options(options);
      break;
    }
    case FaultKind::burst_end:
      net.set_options(network_options(scenario_.network));
      break;
    case FaultKind::disk_slow: {
      sim::DiskOptions options = disk_options(scenario_.disk);
      options.write_latency_min = options.write_latency_min * event.factor;
      options.write_latency_tail_mean = options.write_latency_tail_mean * event.factor;
      options.write_latency_max = options.write_latency_max * event.factor;
      options.fsync_latency_min = options.fsync_latency_min * event.factor;
      options.fsync_latency_tail_mean = options.fsync_latency_tail_mean * event.factor;
      options.fsync_latency_max = options.fsync_latency_max * event.factor;
      world_.disk(event.node).set_options(options);
      break;
    }
    case FaultKind::disk_restore:
      world_.disk(event.node).set_options(disk_options(scenario_.disk));
      break;
    case FaultKind::disk_stall:
      world_.disk(event.node).stall_until(world_.now() + event.duration);
      break;
    case FaultKind::clock_drift:
      world_.set_drift_ppm(event.node, event.ppm);
      break;
  }
  note(event, detail);
}

void FaultInjector::heal_all() {
  world_.network().heal();
  world_.network().set_options(network_options(scenario_.network));
  for (int node = 0; node < servers_; ++node) {
    world_.disk(node).set_options(disk_options(scenario_.disk));
    world_.set_drift_ppm(node, 0);
    restart(node);
  }
  sim::TraceEvent trace;
  trace.at = world_.now();
  trace.kind = sim::TraceKind::fault;
  trace.topic = "heal_all";
  world_.trace().record(std::move(trace));
}

}  // namespace scenarios
