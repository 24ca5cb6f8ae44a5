// Scenario to JSON, in the field order of scenario.h.
#include "scenarios/to_json.h"

namespace scenarios {
namespace {

using Json = nlohmann::ordered_json;

Json cluster_json(const ClusterModel& c) {
  Json out{{"nodes", c.nodes},
           {"election_timeout_ms_min", c.election_timeout_min.ms()},
           {"election_timeout_ms_max", c.election_timeout_max.ms()},
           {"heartbeat_ms", c.heartbeat_interval.ms()}};
  if (c.rpc_timeout.has_value()) out["rpc_timeout_ms"] = c.rpc_timeout->ms();
  out["apply_us"] = c.apply_cost.us();
  if (c.max_raft_state != kMaxRaftStateDefault) out["max_raft_state_bytes"] = c.max_raft_state;
  return out;
}

Json network_json(const NetworkModel& n) {
  return Json{{"latency_us_min", n.latency_min.us()},
              {"latency_us_tail_mean", n.latency_tail_mean.us()},
              {"latency_us_max", n.latency_max.us()},
              {"drop_p", n.drop_p},
              {"duplicate_p", n.duplicate_p},
              {"long_delay_p", n.long_delay_p},
              {"long_delay_ms_min", n.long_delay_min.ms()},
              {"long_delay_ms_max", n.long_delay_max.ms()}};
}

Json disk_json(const DiskModel& d) {
  return Json{{"write_us_min", d.write_latency_min.us()},
              {"write_us_tail_mean", d.write_latency_tail_mean.us()},
              {"write_us_max", d.write_latency_max.us()},
              {"fsync_us_min", d.fsync_latency_min.us()},
              {"fsync_us_tail_mean", d.fsync_latency_tail_mean.us()},
              {"fsync_us_max", d.fsync_latency_max.us()}};
}

Json workload_json(const WorkloadModel& w) {
  Json out{{"clients", w.clients},
           {"keys", w.keys},
           {"get_p", w.get_p},
           {"put_p", w.put_p},
           {"append_p", w.append_p},
           {"think_ms_min", w.think_min.ms()},
           {"think_ms_max", w.think_max.ms()},
           {"op_timeout_ms", w.op_timeout.ms()},
           {"value_bytes", w.value_bytes}};
  out["ops_max"] = w.ops_max ? Json(*w.ops_max) : Json(nullptr);
  return out;
}

void put_range(Json& out, const char* stem, sim::Duration lo, sim::Duration hi) {
  out[std::string(stem) + "_ms_min"] = lo.ms();
  out[std::string(stem) + "_ms_max"] = hi.ms();
}

void put_p_range(Json& out, const char* stem, double lo, double hi) {
  out[std::string(stem) + "_p_min"] = lo;
  out[std::string(stem) + "_p_max"] = hi;
}

Json profile_json(const FaultProfile& p) {
  Json out{{"start_ms", p.start.ms()},
           {"interval_ms_mean", p.interval_mean.ms()},
           {"faults_max", p.faults_max}};
  Json weights = Json::object();
  for (const auto& [kind, weight] : p.weights) weights[std::string(to_string(kind))] = weight;
  out["weights"] = std::move(weights);
  put_range(out, "network", p.network_min, p.network_max);
  put_range(out, "clog", p.clog_min, p.clog_max);
  put_range(out, "crash", p.crash_min, p.crash_max);
  put_range(out, "burst", p.burst_min, p.burst_max);
  put_range(out, "disk", p.disk_min, p.disk_max);
  put_range(out, "drift", p.drift_min, p.drift_max);
  put_p_range(out, "drop_burst", p.drop_burst_p_min, p.drop_burst_p_max);
  put_p_range(out, "duplicate_burst", p.duplicate_burst_p_min, p.duplicate_burst_p_max);
  put_p_range(out, "delay_burst", p.delay_burst_p_min, p.delay_burst_p_max);
  out["disk_slow_factor_min"] = p.disk_slow_factor_min;
  out["disk_slow_factor_max"] = p.disk_slow_factor_max;
  return out;
}

Json faults_json(const FaultPlan& plan) {
  Json out = Json::object();
  if (plan.profile) out["profile"] = profile_json(*plan.profile);
  Json timeline = Json::array();
  for (const FaultEvent& event : plan.timeline) timeline.push_back(to_json(event));
  out["timeline"] = std::move(timeline);
  return out;
}

}  // namespace

Json to_json(const FaultEvent& e) {
  Json out{{"at_ms", e.at.ms()}, {"fault", std::string(to_string(e.kind))}};
  // Optional fields are written when the event has them (the nemesis resolves them).
  if (!e.groups.empty()) out["groups"] = e.groups;
  if (!e.nodes.empty()) out["nodes"] = e.nodes;
  if (e.node >= 0) out["node"] = e.node;
  if (e.from >= 0) out["from"] = e.from;
  if (e.to >= 0) out["to"] = e.to;
  uint32_t fields = fault_kind_info(e.kind).required | fault_kind_info(e.kind).optional;
  if (fields & kFieldDuration) out["duration_ms"] = e.duration.ms();
  if (fields & kFieldP) out["p"] = e.p;
  if (fields & kFieldFactor) out["factor"] = e.factor;
  if (fields & kFieldPpm) out["ppm"] = e.ppm;
  if (fields & kFieldCount) out["count"] = e.count;
  return out;
}

Json to_json(const Scenario& s) {
  Json out{{"format", std::string(kScenarioFormat)},
           {"name", s.name},
           {"description", s.description},
           {"duration_ms", s.duration.ms()}};
  out["cluster"] = cluster_json(s.cluster);
  out["network"] = network_json(s.network);
  out["disk"] = disk_json(s.disk);
  out["clock"] = Json{{"drift_ppm_max", s.clock.drift_ppm_max}};
  out["workload"] = workload_json(s.workload);
  out["faults"] = faults_json(s.faults);
  out["liveness"] = Json{{"enabled", s.liveness.enabled},
                         {"leader_within_ms", s.liveness.leader_within.ms()},
                         {"ops_within_ms", s.liveness.ops_within.ms()},
                         {"converge_within_ms", s.liveness.converge_within.ms()},
                         {"progress_within_ms", s.liveness.progress_within.ms()}};
  out["checks"] =
      Json{{"safety", s.checks.safety},     {"linearizability", s.checks.linearizability},
           {"liveness", s.checks.liveness}, {"convergence", s.checks.convergence},
           {"progress", s.checks.progress}, {"api_contract", s.checks.api_contract}};
  return out;
}

std::string to_json_text(const Scenario& scenario) {
  // Replacing invalid UTF-8 (only a hand-built scenario can hold it) rather than throwing.
  return to_json(scenario).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace scenarios
