#include "scenarios/report.h"

#include <fmt/core.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/to_json.h"

namespace scenarios {
namespace {

using Json = nlohmann::ordered_json;

struct Invalid {
  std::string path;
  std::string problem;
};

const Json& field(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) throw Invalid{fmt::format("$.{}", name), "is missing"};
  return *it;
}

std::string string_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_string()) throw Invalid{fmt::format("$.{}", name), "must be a string"};
  return value.get<std::string>();
}

uint64_t fingerprint_from_hex(const std::string& hex) {
  if (hex.size() != 16) throw Invalid{"$.fingerprint", "must be 16 hex digits"};
  uint64_t value = 0;
  for (char c : hex) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) throw Invalid{"$.fingerprint", "must be 16 lowercase hex digits"};
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value;
}

Report parse(const Json& j, const std::string& source) {
  if (!j.is_object()) throw Invalid{"$", "must be an object"};
  if (string_field(j, "format") != kReportFormat) {
    throw Invalid{"$.format", fmt::format("must be \"{}\"", kReportFormat)};
  }
  Report r;
  r.version = string_field(j, "version");
  const LoadResult loaded = load_scenario(field(j, "scenario").dump(), source + " $.scenario");
  if (!loaded.ok()) throw Invalid{"$.scenario", loaded.error().message};
  r.scenario = loaded.scenario();
  const Json& seed = field(j, "seed");
  if (!seed.is_number_unsigned()) throw Invalid{"$.seed", "must be a non-negative integer"};
  r.seed = seed.get<uint64_t>();
  r.impl = string_field(j, "impl");
  const Json& mutant = field(j, "mutant");
  if (!mutant.is_null() && !mutant.is_string())
    throw Invalid{"$.mutant", "must be null or a string"};
  r.mutant = mutant.is_null() ? "" : mutant.get<std::string>();
  const std::optional<Status> status = status_from_string(string_field(j, "status"));
  if (!status)
    throw Invalid{"$.status", "must be ok, safety, linearizability, liveness, crash or unknown"};
  r.status = *status;
  const Json& failure = field(j, "failure");
  if (!failure.is_null()) {
    if (!failure.is_object()) throw Invalid{"$.failure", "must be null or an object"};
    r.property = failure.value("property", "");
    r.message = failure.value("message", "");
    r.at_ns = failure.value("at_ns", int64_t{0});
    r.nodes = failure.value("nodes", std::vector<int>{});
  }
  r.fingerprint = fingerprint_from_hex(string_field(j, "fingerprint"));
  r.sim_ms = j.value("sim_ms", int64_t{0});
  r.operations = j.value("operations", uint64_t{0});
  return r;
}

}  // namespace

Report make_report(const Scenario& scenario, uint64_t seed, const RunOptions& options,
                   const RunResult& result, std::string version) {
  Report r;
  r.version = std::move(version);
  r.scenario = concrete_scenario(scenario, seed);
  r.seed = seed;
  r.impl = options.impl;
  r.mutant = options.mutant;
  r.status = result.status;
  if (result.failure) {
    r.property = result.failure->property;
    r.message = result.failure->message;
    r.at_ns = result.failure->at_ns;
    r.nodes = result.failure->nodes;
  }
  r.fingerprint = result.fingerprint;
  r.sim_ms = result.stats.simulated.ms();
  r.operations = result.operations;
  return r;
}

std::string report_json(const Report& r, const std::string& report_path) {
  Json j;
  j["format"] = kReportFormat;
  j["version"] = r.version;
  j["seed"] = r.seed;
  j["impl"] = r.impl;
  j["mutant"] = r.mutant.empty() ? Json(nullptr) : Json(r.mutant);
  j["status"] = to_string(r.status);
  if (r.status == Status::ok) {
    j["failure"] = nullptr;
  } else {
    j["failure"] = Json{{"kind", to_string(r.status)},
                        {"property", r.property},
                        {"message", r.message},
                        {"at_ns", r.at_ns},
                        {"nodes", r.nodes}};
  }
  j["fingerprint"] = fmt::format("{:016x}", r.fingerprint);
  j["sim_ms"] = r.sim_ms;
  j["operations"] = r.operations;
  j["replay"] = "raftsim replay " + report_path;
  j["scenario"] = to_json(r.scenario);
  return j.dump(2) + "\n";
}

std::variant<Report, ReportError> read_report(const std::string& text, const std::string& source) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return ReportError{fmt::format("{}: malformed JSON: {}", source, e.what())};
  }
  try {
    return parse(j, source);
  } catch (const Invalid& e) {
    return ReportError{fmt::format("{}: {}: {}", source, e.path, e.problem)};
  } catch (const Json::exception& e) {
    return ReportError{fmt::format("{}: {}", source, e.what())};
  }
}

std::variant<Report, ReportError> read_report_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReportError{fmt::format("{}: cannot open the file", path)};
  std::ostringstream text;
  text << in.rdbuf();
  return read_report(text.str(), path);
}

}  // namespace scenarios
