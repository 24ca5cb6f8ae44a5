// The scenario loader: JSON text to a validated Scenario. Section parsers read the sections of
// scenario.h; the fault plan has its own file (load_faults.cpp).
#include "scenarios/load.h"

#include <fmt/format.h>

#include <cmath>

#include "input/escape.h"
#include "input/file.h"
#include "input/json.h"
#include "input/limits.h"
#include "scenarios/detail/parse.h"
#include "sim/assert.h"

namespace scenarios {
namespace detail {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kMinuteUs = 60'000'000;
constexpr int64_t kSecondUs = 1'000'000;

ClusterModel parse_cluster(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  ClusterModel c;
  c.nodes = static_cast<int>(r.integer("nodes", 1, kNodesMax, c.nodes));
  c.election_timeout_min = r.ms("election_timeout_ms_min", 1, kMinuteMs, c.election_timeout_min);
  c.election_timeout_max = r.ms("election_timeout_ms_max", 1, kMinuteMs, c.election_timeout_max);
  c.heartbeat_interval = r.ms("heartbeat_ms", 1, kMinuteMs, c.heartbeat_interval);
  if (r.find("rpc_timeout_ms") != nullptr) {
    c.rpc_timeout = r.ms("rpc_timeout_ms", 1, kMinuteMs, sim::Duration::zero());
  }
  c.apply_cost = r.us("apply_us", 0, kSecondUs, c.apply_cost);
  c.max_raft_state = r.integer("max_raft_state_bytes", 1, 1'000'000'000, c.max_raft_state);
  r.finish();
  r.check_order("election_timeout_ms_min", c.election_timeout_min.ms(), "election_timeout_ms_max",
                c.election_timeout_max.ms());
  if (c.heartbeat_interval >= c.election_timeout_min) {
    std::string shown = std::to_string(c.heartbeat_interval.ms());
    throw LoadFailure{
        r.path_of("heartbeat_ms"), "got " + shown, shown,
        fmt::format("less than election_timeout_ms_min ({})", c.election_timeout_min.ms())};
  }
  return c;
}

NetworkModel parse_network(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  NetworkModel n;
  n.latency_min = r.us("latency_us_min", 0, kMinuteUs, n.latency_min);
  n.latency_tail_mean = r.us("latency_us_tail_mean", 0, kMinuteUs, n.latency_tail_mean);
  n.latency_max = r.us("latency_us_max", 0, kMinuteUs, n.latency_max);
  n.drop_p = r.probability("drop_p", n.drop_p);
  n.duplicate_p = r.probability("duplicate_p", n.duplicate_p);
  n.long_delay_p = r.probability("long_delay_p", n.long_delay_p);
  n.long_delay_min = r.ms("long_delay_ms_min", 0, 10 * kMinuteMs, n.long_delay_min);
  n.long_delay_max = r.ms("long_delay_ms_max", 0, 10 * kMinuteMs, n.long_delay_max);
  r.finish();
  r.check_order("latency_us_min", n.latency_min.us(), "latency_us_max", n.latency_max.us());
  r.check_order("long_delay_ms_min", n.long_delay_min.ms(), "long_delay_ms_max",
                n.long_delay_max.ms());
  return n;
}

DiskModel parse_disk(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  DiskModel d;
  d.write_latency_min = r.us("write_us_min", 0, kMinuteUs, d.write_latency_min);
  d.write_latency_tail_mean = r.us("write_us_tail_mean", 0, kMinuteUs, d.write_latency_tail_mean);
  d.write_latency_max = r.us("write_us_max", 0, kMinuteUs, d.write_latency_max);
  d.fsync_latency_min = r.us("fsync_us_min", 0, kMinuteUs, d.fsync_latency_min);
  d.fsync_latency_tail_mean = r.us("fsync_us_tail_mean", 0, kMinuteUs, d.fsync_latency_tail_mean);
  d.fsync_latency_max = r.us("fsync_us_max", 0, kMinuteUs, d.fsync_latency_max);
  r.finish();
  r.check_order("write_us_min", d.write_latency_min.us(), "write_us_max", d.write_latency_max.us());
  r.check_order("fsync_us_min", d.fsync_latency_min.us(), "fsync_us_max", d.fsync_latency_max.us());
  return d;
}

ClockModel parse_clock(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  ClockModel c;
  c.drift_ppm_max = r.integer("drift_ppm_max", 0, 100'000, c.drift_ppm_max);
  r.finish();
  return c;
}

WorkloadModel parse_workload(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  WorkloadModel w;
  w.clients = static_cast<int>(r.integer("clients", 0, 64, w.clients));
  w.keys = static_cast<int>(r.integer("keys", 1, 1000, w.keys));
  w.get_p = r.probability("get_p", w.get_p);
  w.put_p = r.probability("put_p", w.put_p);
  w.append_p = r.probability("append_p", w.append_p);
  w.think_min = r.ms("think_ms_min", 0, kMinuteMs, w.think_min);
  w.think_max = r.ms("think_ms_max", 0, kMinuteMs, w.think_max);
  w.op_timeout = r.ms("op_timeout_ms", 1, 10 * kMinuteMs, w.op_timeout);
  w.value_bytes = static_cast<int>(r.integer("value_bytes", 0, 65536, w.value_bytes));
  if (const Json* ops_max = r.find("ops_max"); ops_max != nullptr && !ops_max->is_null()) {
    w.ops_max = read_integer(*ops_max, r.path_of("ops_max"), 0, 1'000'000'000);
  }
  r.finish();
  r.check_order("think_ms_min", w.think_min.ms(), "think_ms_max", w.think_max.ms());
  double sum = w.get_p + w.put_p + w.append_p;
  if (std::fabs(sum - 1.0) > 1e-9) {
    std::string shown = Json(sum).dump();
    throw LoadFailure{path, "got get_p + put_p + append_p = " + shown, shown, "a sum of 1"};
  }
  return w;
}

LivenessPhase parse_liveness(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  LivenessPhase l;
  l.enabled = r.boolean("enabled", l.enabled);
  l.leader_within = r.ms("leader_within_ms", 1, 10 * kMinuteMs, l.leader_within);
  l.ops_within = r.ms("ops_within_ms", 1, 10 * kMinuteMs, l.ops_within);
  l.converge_within = r.ms("converge_within_ms", 1, 10 * kMinuteMs, l.converge_within);
  l.progress_within = r.ms("progress_within_ms", 1, 10 * kMinuteMs, l.progress_within);
  r.finish();
  return l;
}

Checks parse_checks(const Json& value, const std::string& path) {
  ObjectReader r(value, path);
  Checks c;
  c.safety = r.boolean("safety", c.safety);
  c.linearizability = r.boolean("linearizability", c.linearizability);
  c.liveness = r.boolean("liveness", c.liveness);
  c.convergence = r.boolean("convergence", c.convergence);
  c.progress = r.boolean("progress", c.progress);
  c.api_contract = r.boolean("api_contract", c.api_contract);
  r.finish();
  return c;
}

// Parses the section `key` with `parse` if present.
template <class T, class Parse>
void section(ObjectReader& r, std::string_view key, T& out, Parse parse) {
  if (const Json* value = r.find(key)) out = parse(*value, r.path_of(key));
}

}  // namespace

Scenario parse_scenario(const Json& document) {
  ObjectReader r(document, "$");
  const Json& format = r.require("format", fmt::format("the string \"{}\"", kScenarioFormat));
  if (!format.is_string() || format.get_ref<const std::string&>() != kScenarioFormat) {
    fail(r.path_of("format"), format, fmt::format("the string \"{}\"", kScenarioFormat));
  }
  Scenario s;
  s.name = read_string(r.require("name", "a string of 1 to 100 bytes"), r.path_of("name"), 1, 100);
  if (const Json* description = r.find("description")) {
    s.description = read_string(*description, r.path_of("description"), 0, 2000);
  }
  s.duration = r.ms("duration_ms", 1, kDurationMsMax, s.duration);
  section(r, "cluster", s.cluster, parse_cluster);
  section(r, "network", s.network, parse_network);
  section(r, "disk", s.disk, parse_disk);
  section(r, "clock", s.clock, parse_clock);
  section(r, "workload", s.workload, parse_workload);
  section(r, "liveness", s.liveness, parse_liveness);
  section(r, "checks", s.checks, parse_checks);
  // Last: fault events refer to the cluster, the clock and the duration.
  if (const Json* faults = r.find("faults"))
    s.faults = parse_faults(*faults, r.path_of("faults"), s);
  r.finish();
  // The work the run simulates (scenario.h, kLoadMax): refused before it runs for hours.
  const int64_t load = int64_t{s.cluster.nodes} * s.workload.clients * s.duration.ms() / 1000;
  if (load > kLoadMax) {
    throw LoadFailure{
        "$.duration_ms", fmt::format("got {}", s.duration.ms()), std::to_string(s.duration.ms()),
        fmt::format("at most {} ms for {} nodes and {} clients: nodes x clients x duration_ms / "
                    "1000 is at most {}",
                    kLoadMax * 1000 / (int64_t{s.cluster.nodes} * s.workload.clients),
                    s.cluster.nodes, s.workload.clients, kLoadMax)};
  }
  if (s.checks.liveness && !s.liveness.enabled) {
    throw LoadFailure{"$.checks.liveness", "got true", "true",
                      "false while $.liveness.enabled is false"};
  }
  return s;
}

}  // namespace detail

namespace {

LoadError malformed(std::string_view source, const input::JsonProblem& problem) {
  LoadError e;
  e.source = std::string(source);
  e.path = "$";  // where the syntax broke is its line and column
  e.expected = problem.expected;
  e.line = static_cast<int>(problem.line);
  e.column = static_cast<int>(problem.column);
  e.value = problem.problem;
  e.message = fmt::format("{}:{}:{}: malformed JSON: {}", source, e.line, e.column, e.value);
  return e;
}

LoadError from_failure(std::string_view source, detail::LoadFailure failure) {
  LoadError e;
  e.source = std::string(source);
  e.message = fmt::format("{}: {}: {}, expected {}", source, failure.path, failure.problem,
                          failure.expected);
  e.path = std::move(failure.path);
  e.value = std::move(failure.value);
  e.expected = std::move(failure.expected);
  return e;
}

// Every message is one line with nothing a terminal would act on (input/escape.h).
LoadResult escaped(LoadError e) {
  e.message = input::escape(e.message);
  return LoadResult(std::move(e));
}

}  // namespace

const Scenario& LoadResult::scenario() const {
  RAFTSIM_ASSERT(ok());
  return std::get<Scenario>(value_);
}

const LoadError& LoadResult::error() const {
  RAFTSIM_ASSERT(!ok());
  return std::get<LoadError>(value_);
}

LoadResult load_scenario(std::string_view json_text, std::string_view source) {
  try {
    // Limits first (input/limits.h): depth, string sizes and value count are checked while
    // parsing, before anything is built past them.
    input::JsonParse<nlohmann::json> parsed =
        input::parse_json<nlohmann::json>(json_text, input::kScenarioLimits);
    if (parsed.problem) {
      input::JsonProblem& p = *parsed.problem;
      if (p.malformed) return escaped(malformed(source, p));
      return escaped(from_failure(
          source, {std::move(p.path), std::move(p.problem), "", std::move(p.expected)}));
    }
    return LoadResult(detail::parse_scenario(parsed.value));
  } catch (detail::LoadFailure& failure) {
    return escaped(from_failure(source, std::move(failure)));
  } catch (const nlohmann::json::exception& error) {
    // Not expected: the readers check types before reading. Still an error, not a crash.
    return escaped(from_failure(source, {"$", "got an unreadable value", "", error.what()}));
  }
}

LoadResult load_scenario_file(const std::string& path) {
  input::FileText file = input::read_file(path, input::kScenarioLimits.file_bytes_max);
  if (!file.ok()) {
    LoadError e;
    e.source = path;
    e.path = "$";
    e.expected = "a readable file";
    e.message = std::move(file.error);
    return LoadResult(std::move(e));
  }
  return load_scenario(file.text, path);
}

}  // namespace scenarios
