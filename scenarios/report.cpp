#include "scenarios/report.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "checkers/safety.h"
#include "input/escape.h"
#include "input/file.h"
#include "input/json.h"
#include "input/limits.h"
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

// Optional fields of the given type: absent (or null) gives the fallback.
const Json* optional(const Json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string optional_string(const Json& object, const char* name, const std::string& path) {
  const Json* value = optional(object, name);
  if (value == nullptr) return {};
  if (!value->is_string()) throw Invalid{path + "." + name, "must be a string"};
  return value->get<std::string>();
}

int64_t optional_integer(const Json& object, const char* name, const std::string& path, int64_t lo,
                         int64_t hi) {
  const Json* value = optional(object, name);
  if (value == nullptr) return 0;
  const std::string where = path + "." + name;
  auto out_of_range = [&] {
    return Invalid{where, fmt::format("must be an integer in [{}, {}]", lo, hi)};
  };
  if (value->is_number_unsigned()) {
    if (value->get<uint64_t>() > static_cast<uint64_t>(hi)) throw out_of_range();
    return static_cast<int64_t>(value->get<uint64_t>());
  }
  if (!value->is_number_integer()) throw out_of_range();
  const int64_t v = value->get<int64_t>();
  if (v < lo || v > hi) throw out_of_range();
  return v;
}

std::vector<int> node_list(const Json& failure) {
  const Json* value = optional(failure, "nodes");
  if (value == nullptr) return {};
  if (!value->is_array() || value->size() > static_cast<size_t>(kNodesMax)) {
    throw Invalid{"$.failure.nodes",
                  fmt::format("must be an array of at most {} nodes", kNodesMax)};
  }
  std::vector<int> nodes;
  for (size_t i = 0; i < value->size(); ++i) {
    const Json& node = (*value)[i];
    if (!node.is_number_integer() || node.get<int64_t>() < 0 || node.get<int64_t>() >= kNodesMax) {
      throw Invalid{fmt::format("$.failure.nodes[{}]", i),
                    fmt::format("must be a node index in [0, {}]", kNodesMax - 1)};
    }
    nodes.push_back(static_cast<int>(node.get<int64_t>()));
  }
  return nodes;
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
  // The document nests at most input::kReportLimits.depth_max levels, so dumping it is safe; the
  // scenario loader then applies the scenario's own limits.
  const LoadResult loaded = load_scenario(field(j, "scenario").dump(), source + " $.scenario");
  if (!loaded.ok()) throw Invalid{"$.scenario", loaded.error().message};
  r.scenario = loaded.scenario();
  const Json& seed = field(j, "seed");
  if (!seed.is_number_unsigned()) throw Invalid{"$.seed", "must be a non-negative integer"};
  r.seed = seed.get<uint64_t>();
  r.impl = string_field(j, "impl");
  r.kv = optional_string(j, "kv", "$");
  if (r.kv.empty()) r.kv = "reference";  // written before services were selectable
  const Json& mutant = field(j, "mutant");
  if (!mutant.is_null() && !mutant.is_string())
    throw Invalid{"$.mutant", "must be null or a string"};
  r.mutant = mutant.is_null() ? "" : mutant.get<std::string>();
  const std::optional<Status> status = status_from_string(string_field(j, "status"));
  if (!status)
    throw Invalid{"$.status",
                  "must be ok, safety, linearizability, liveness, crash, unknown or resource"};
  r.status = *status;
  const Json& failure = field(j, "failure");
  if (!failure.is_null()) {
    if (!failure.is_object()) throw Invalid{"$.failure", "must be null or an object"};
    r.property = optional_string(failure, "property", "$.failure");
    r.message = optional_string(failure, "message", "$.failure");
    r.at_ns = optional_integer(failure, "at_ns", "$.failure", 0, INT64_MAX);
    r.nodes = node_list(failure);
  }
  r.fingerprint = fingerprint_from_hex(string_field(j, "fingerprint"));
  r.fingerprint_version =
      static_cast<uint64_t>(optional_integer(j, "fingerprint_version", "$", 1, INT64_MAX));
  if (r.fingerprint_version == 0) r.fingerprint_version = 1;  // written before versions
  r.sim_ms = optional_integer(j, "sim_ms", "$", 0, INT64_MAX);
  r.operations = static_cast<uint64_t>(optional_integer(j, "operations", "$", 0, INT64_MAX));
  r.fibers_max = static_cast<uint64_t>(optional_integer(j, "fibers_max", "$", 0, kFibersMaxMax));
  if (j.contains("ignored_properties")) {
    const Json& ignored = j.at("ignored_properties");
    if (!ignored.is_array()) throw Invalid{"$.ignored_properties", "must be an array"};
    for (size_t i = 0; i < ignored.size(); ++i) {
      const std::string where = fmt::format("$.ignored_properties[{}]", i);
      if (!ignored[i].is_string()) throw Invalid{where, "must be a string"};
      const std::string name = ignored[i].get<std::string>();
      if (const auto problem = checkers::SafetyChecker::property_problem(name)) {
        throw Invalid{where, *problem};
      }
      r.ignored_properties.push_back(name);
    }
  }
  r.build = optional_string(j, "build", "$");
  if (!r.build.empty() && (r.build.size() != 16 ||
                           r.build.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    throw Invalid{"$.build", "must be 16 lowercase hex digits"};
  }
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
  r.kv = options.kv;
  r.mutant = options.mutant;
  r.status = result.status;
  if (result.failure) {
    r.property = result.failure->property;
    r.message = result.failure->message;
    r.at_ns = result.failure->at_ns;
    r.nodes = result.failure->nodes;
  }
  r.fingerprint = result.fingerprint;
  r.fingerprint_version = sim::kFingerprintVersion;
  r.sim_ms = result.stats.simulated.ms();
  r.operations = result.operations;
  r.fibers_max = options.fibers_max;
  r.ignored_properties = options.ignored_properties;
  r.build = build_id();
  return r;
}

const std::string& build_id() {
  static const std::string id = [] {
    // The bytes of the executable in 64-bit words of the machine's byte order (xxHash64's round
    // and avalanche), read in blocks; a measurement of the program, never an input to a run.
    std::ifstream file("/proc/self/exe", std::ios::binary);
    if (!file) return std::string();
    constexpr uint64_t kPrime1 = 0x9e3779b185ebca87ULL;
    constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4fULL;
    uint64_t h = 0x27d4eb2f165667c5ULL;
    uint64_t length = 0;
    std::vector<char> block(1 << 20);
    while (file) {
      file.read(block.data(), static_cast<std::streamsize>(block.size()));
      const size_t got = static_cast<size_t>(file.gcount());
      length += got;
      for (size_t i = 0; i < got; i += 8) {
        uint64_t word = 0;  // the last one padded with zeros
        std::memcpy(&word, block.data() + i, std::min<size_t>(8, got - i));
        const uint64_t scaled = word * kPrime2;
        h ^= (scaled << 31 | scaled >> 33) * kPrime1;
        h = (h << 27 | h >> 37) * kPrime1 + 0x85ebca77c2b2ae63ULL;
      }
    }
    if (file.bad()) return std::string();
    h ^= length;
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= 0x165667b19e3779f9ULL;
    h ^= h >> 32;
    return fmt::format("{:016x}", h);
  }();
  return id;
}

std::string report_json(const Report& r, const std::string& report_path) {
  Json j;
  j["format"] = kReportFormat;
  j["version"] = r.version;
  j["seed"] = r.seed;
  j["impl"] = r.impl;
  j["kv"] = r.kv;
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
  j["fingerprint_version"] = r.fingerprint_version;
  j["sim_ms"] = r.sim_ms;
  j["operations"] = r.operations;
  if (r.fibers_max != 0)
    j["fibers_max"] = r.fibers_max;  // a cap the run was given: replay keeps it
  if (!r.ignored_properties.empty()) j["ignored_properties"] = r.ignored_properties;
  if (!r.build.empty()) j["build"] = r.build;
  j["replay"] = "raftsim replay " + report_path;
  j["scenario"] = to_json(r.scenario);
  return j.dump(2) + "\n";
}

std::variant<Report, ReportError> read_report(const std::string& text, const std::string& source) {
  // Every message is one line with nothing a terminal would act on (input/escape.h).
  auto error = [&](const std::string& message) { return ReportError{input::escape(message)}; };
  input::JsonParse<Json> parsed = input::parse_json<Json>(text, input::kReportLimits);
  if (parsed.problem) {
    const input::JsonProblem& p = *parsed.problem;
    if (p.malformed) {
      return error(fmt::format("{}:{}:{}: malformed JSON ({}): {}", source, p.line, p.column,
                               p.path, p.problem));
    }
    return error(fmt::format("{}: {}: {}, expected {}", source, p.path, p.problem, p.expected));
  }
  try {
    return parse(parsed.value, source);
  } catch (const Invalid& e) {
    return error(fmt::format("{}: {}: {}", source, e.path, e.problem));
  } catch (const Json::exception& e) {
    return error(fmt::format("{}: {}", source, e.what()));
  }
}

std::variant<Report, ReportError> read_report_file(const std::string& path) {
  input::FileText file = input::read_file(path, input::kReportLimits.file_bytes_max);
  if (!file.ok()) return ReportError{std::move(file.error)};
  return read_report(file.text, path);
}

}  // namespace scenarios
