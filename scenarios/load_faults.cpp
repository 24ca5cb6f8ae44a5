// The loader's fault plan: the nemesis profile and the explicit timeline (invariants in fault.h).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "scenarios/detail/parse.h"

namespace scenarios::detail {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kTimelineEventsMax = 100'000;

std::string kind_names(bool drawable_only) {
  std::string names;
  for (const FaultKindInfo& info : fault_kinds()) {
    if (drawable_only && !info.drawable) continue;
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

std::map<FaultKind, double> parse_weights(const Json& value, const std::string& path) {
  if (!value.is_object()) fail(path, value, "an object of fault kind: weight");
  std::map<FaultKind, double> weights;
  for (const auto& [key, weight] : value.items()) {
    std::string key_path = member_path(path, key);
    std::optional<FaultKind> kind = fault_kind_from_name(key);
    if (!kind || !fault_kind_info(*kind).drawable) {
      std::string shown = Json(key).dump();
      throw LoadFailure{key_path,
                        kind ? "got a kind the nemesis does not draw" : "unknown fault kind", shown,
                        "one of: " + kind_names(true)};
    }
    weights[*kind] = read_number(weight, key_path, 0, 1e6);
  }
  return weights;
}

// Reads the pair "<stem>_ms_min" / "<stem>_ms_max" into lo and hi.
void read_ms_range(ObjectReader& r, std::string_view stem, sim::Duration& lo, sim::Duration& hi) {
  std::string min_key = fmt::format("{}_ms_min", stem);
  std::string max_key = fmt::format("{}_ms_max", stem);
  lo = r.ms(min_key, 0, kDayMs, lo);
  hi = r.ms(max_key, 0, kDayMs, hi);
  r.check_order(min_key, lo.ms(), max_key, hi.ms());
}

void read_p_range(ObjectReader& r, std::string_view stem, double& lo, double& hi) {
  std::string min_key = fmt::format("{}_p_min", stem);
  std::string max_key = fmt::format("{}_p_max", stem);
  lo = r.probability(min_key, lo);
  hi = r.probability(max_key, hi);
  r.check_order(min_key, lo, max_key, hi);
}

FaultProfile parse_profile(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  FaultProfile p;
  p.start = r.ms("start_ms", 0, kDayMs, p.start);
  p.interval_mean = r.ms("interval_ms_mean", 1, kDayMs, p.interval_mean);
  p.faults_max = static_cast<int>(r.integer("faults_max", 0, 10'000, p.faults_max));
  if (const Json* weights = r.find("weights")) {
    p.weights = parse_weights(*weights, r.path_of("weights"));
  }
  read_ms_range(r, "network", p.network_min, p.network_max);
  read_ms_range(r, "clog", p.clog_min, p.clog_max);
  read_ms_range(r, "crash", p.crash_min, p.crash_max);
  read_ms_range(r, "burst", p.burst_min, p.burst_max);
  read_ms_range(r, "disk", p.disk_min, p.disk_max);
  read_ms_range(r, "drift", p.drift_min, p.drift_max);
  read_p_range(r, "drop_burst", p.drop_burst_p_min, p.drop_burst_p_max);
  read_p_range(r, "duplicate_burst", p.duplicate_burst_p_min, p.duplicate_burst_p_max);
  read_p_range(r, "delay_burst", p.delay_burst_p_min, p.delay_burst_p_max);
  p.disk_slow_factor_min = r.integer("disk_slow_factor_min", 1, 1000, p.disk_slow_factor_min);
  p.disk_slow_factor_max = r.integer("disk_slow_factor_max", 1, 1000, p.disk_slow_factor_max);
  r.check_order("disk_slow_factor_min", p.disk_slow_factor_min, "disk_slow_factor_max",
                p.disk_slow_factor_max);
  r.finish();
  return p;
}

int read_node(const Json& value, const std::string& path, int nodes) {
  return static_cast<int>(read_integer(value, path, 0, nodes - 1, "a node index of the cluster"));
}

// A list of distinct node indexes.
std::vector<int> read_node_list(const Json& value, const std::string& path, int nodes) {
  const Json::array_t& items = read_array(value, path, 1, static_cast<size_t>(nodes));
  std::vector<int> list;
  for (size_t i = 0; i < items.size(); ++i) {
    int node = read_node(items[i], element_path(path, i), nodes);
    if (std::find(list.begin(), list.end(), node) != list.end()) {
      fail(element_path(path, i), items[i], "a node not listed before");
    }
    list.push_back(node);
  }
  return list;
}

std::vector<std::vector<int>> read_groups(const Json& value, const std::string& path,
                                          FaultKind kind, int nodes) {
  bool bridge = kind == FaultKind::bridge;
  const Json::array_t& items = read_array(value, path, bridge ? 2 : 1, bridge ? 2 : kNodesMax);
  std::vector<std::vector<int>> groups;
  std::set<int> seen;
  for (size_t g = 0; g < items.size(); ++g) {
    std::string group_path = element_path(path, g);
    groups.push_back(read_node_list(items[g], group_path, nodes));
    for (size_t i = 0; i < groups.back().size(); ++i) {
      bool again = !seen.insert(groups.back()[i]).second;
      if (again && !bridge) {
        fail(element_path(group_path, i), items[g][i], "a node in no other group");
      }
    }
  }
  size_t total = groups.front().size() + (bridge ? groups.back().size() : 0);
  if (bridge && total != seen.size() + 1) {
    fail(path, value, "two groups sharing exactly one node (the bridge)");
  }
  return groups;
}

// Reads the fields the event's kind uses, in a fixed order, and rejects the others.
void parse_event_fields(ObjectReader& r, FaultEvent& e, const Scenario& s) {
  const FaultKindInfo& info = fault_kind_info(e.kind);
  uint32_t allowed = info.required | info.optional;
  auto field = [&](FaultField bit, std::string_view name) -> const Json* {
    if ((allowed & bit) == 0) return nullptr;
    const Json* value = r.find(name);
    if (value == nullptr && (info.required & bit) != 0) {
      fail_missing(r.path_of(name), fmt::format("a value: {} needs \"{}\"", info.name, name));
    }
    return value;
  };
  int n = s.cluster.nodes;
  if (const Json* v = field(kFieldGroups, "groups")) {
    e.groups = read_groups(*v, r.path_of("groups"), e.kind, n);
  }
  if (const Json* v = field(kFieldNodes, "nodes")) {
    int minority = (n - 1) / 2;
    if (minority == 0) fail(r.path_of("nodes"), *v, "no field: this cluster has no minority");
    e.nodes = read_node_list(*v, r.path_of("nodes"), n);
    if (e.nodes.size() > static_cast<size_t>(minority)) {
      fail(r.path_of("nodes"), *v, fmt::format("a minority: at most {} nodes", minority));
    }
  }
  if (const Json* v = field(kFieldNode, "node")) e.node = read_node(*v, r.path_of("node"), n);
  if (const Json* v = field(kFieldFrom, "from")) e.from = read_node(*v, r.path_of("from"), n);
  if (const Json* v = field(kFieldTo, "to")) e.to = read_node(*v, r.path_of("to"), n);
  if (const Json* v = field(kFieldDuration, "duration_ms")) {
    int64_t left_ms = (s.duration - e.at).ms();
    e.duration = sim::Duration::milliseconds(
        read_integer(*v, r.path_of("duration_ms"), 0, left_ms, "ending by duration_ms"));
  }
  if (const Json* v = field(kFieldP, "p")) e.p = read_probability(*v, r.path_of("p"));
  if (const Json* v = field(kFieldFactor, "factor")) {
    e.factor = read_integer(*v, r.path_of("factor"), 1, 1000);
  }
  if (const Json* v = field(kFieldCount, "count")) {
    e.count = static_cast<int>(read_integer(*v, r.path_of("count"), 1, 1000));
  }
  if (const Json* v = field(kFieldPpm, "ppm")) {
    int64_t bound = s.clock.drift_ppm_max;
    e.ppm = read_integer(*v, r.path_of("ppm"), -bound, bound, "|ppm| <= clock.drift_ppm_max");
  }
}

// The checks that involve two fields of one event.
void check_event(ObjectReader& r, const FaultEvent& e) {
  bool link = e.from >= 0 || e.to >= 0;
  if (e.kind == FaultKind::clog) {
    if (e.node >= 0 && link) {
      fail(r.path_of("node"), e.node, "either \"node\" or \"from\" and \"to\", not both");
    }
    if (e.node < 0 && (e.from < 0 || e.to < 0)) {
      fail_missing(r.path_of(e.from < 0 ? "from" : "to"), "\"node\" or both \"from\" and \"to\"");
    }
  }
  if (link && e.from == e.to) fail(r.path_of("to"), e.to, "a node other than \"from\"");
}

FaultEvent parse_event(const Json& value, const std::string& path, const Scenario& s) {
  ObjectReader r(value, path);
  FaultEvent e;
  e.at = sim::Duration::milliseconds(
      read_integer(r.require("at_ms", "an integer: the time of the event"), r.path_of("at_ms"), 0,
                   s.duration.ms(), "within duration_ms"));
  const Json& fault = r.require("fault", "a fault kind");
  std::optional<FaultKind> kind;
  if (fault.is_string()) kind = fault_kind_from_name(fault.get_ref<const std::string&>());
  if (!kind) fail(r.path_of("fault"), fault, "a fault kind, one of: " + kind_names(false));
  e.kind = *kind;
  parse_event_fields(r, e, s);
  r.finish();
  check_event(r, e);
  return e;
}

std::vector<FaultEvent> parse_timeline(const Json& value, const std::string& path,
                                       const Scenario& s) {
  const Json::array_t& items = read_array(value, path, 0, kTimelineEventsMax);
  std::vector<FaultEvent> timeline;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string event_path = element_path(path, i);
    FaultEvent e = parse_event(items[i], event_path, s);
    if (!timeline.empty() && e.at < timeline.back().at) {
      fail(member_path(event_path, "at_ms"), e.at.ms(),
           fmt::format("at least {} (the previous event's at_ms): the timeline is sorted",
                       timeline.back().at.ms()));
    }
    timeline.push_back(std::move(e));
  }
  return timeline;
}

}  // namespace

FaultPlan parse_faults(const Json& value, const std::string& path, const Scenario& scenario) {
  ObjectReader r(value, path);
  FaultPlan plan;
  if (const Json* profile = r.find("profile"); profile != nullptr && !profile->is_null()) {
    plan.profile = parse_profile(*profile, r.path_of("profile"));
  }
  if (const Json* timeline = r.find("timeline")) {
    plan.timeline = parse_timeline(*timeline, r.path_of("timeline"), scenario);
  }
  r.finish();
  return plan;
}

}  // namespace scenarios::detail
