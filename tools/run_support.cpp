#include "tools/run_support.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>

#include "scenarios/library.h"
#include "scenarios/load.h"
#include "tools/version.h"

namespace raftsim::cli {

std::optional<scenarios::Scenario> resolve_scenario(const std::string& argument) {
  if (std::optional<scenarios::Scenario> named = scenarios::library_scenario(argument)) {
    return named;
  }
  if (!std::filesystem::exists(argument)) {
    std::string names;
    for (const scenarios::LibraryEntry& entry : scenarios::library_entries()) {
      names += (names.empty() ? "" : ", ") + entry.name;
    }
    fmt::print(stderr, "raftsim: '{}' is neither a library scenario ({}), {}, nor a file\n",
               argument, names, scenarios::kSwarmName);
    return std::nullopt;
  }
  const scenarios::LoadResult loaded = scenarios::load_scenario_file(argument);
  if (!loaded.ok()) {
    fmt::print(stderr, "raftsim: {}\n", loaded.error().message);
    return std::nullopt;
  }
  return loaded.scenario();
}

std::optional<scenarios::ScenarioSource> resolve_source(const std::string& argument) {
  if (argument == scenarios::kSwarmName) return scenarios::ScenarioSource::swarm();
  std::optional<scenarios::Scenario> scenario = resolve_scenario(argument);
  if (!scenario) return std::nullopt;
  return scenarios::ScenarioSource::fixed(std::move(*scenario));
}

std::string version_string() { return fmt::format("{} (commit {})", kVersion, kGitCommit); }

nlohmann::ordered_json result_json(const std::string& scenario, uint64_t seed,
                                   const scenarios::RunOptions& options,
                                   const scenarios::RunResult& result) {
  nlohmann::ordered_json j;
  j["scenario"] = scenario;
  j["seed"] = seed;
  j["impl"] = options.impl;
  j["mutant"] = options.mutant.empty() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(options.mutant);
  j["status"] = scenarios::to_string(result.status);
  j["fingerprint"] = fmt::format("{:016x}", result.fingerprint);
  j["sim_ms"] = result.stats.simulated.ms();
  j["wall_ms"] = result.wall_ms;
  j["events"] = result.stats.events;
  j["messages"] = result.stats.messages_sent;
  j["operations"] = result.operations;
  j["operations_ok"] = result.operations_ok;
  j["monitor_polls"] = result.monitor_polls;
  j["leaderless_polls"] = result.leaderless_polls;
  j["faults"] = result.timeline.size();
  j["linearizability"] = result.linearizability;
  j["checker_ms"] = result.checker_ms;
  if (result.failure) {
    j["failure"] = {{"kind", scenarios::to_string(result.failure->status)},
                    {"property", result.failure->property},
                    {"message", result.failure->message},
                    {"at_ns", result.failure->at_ns},
                    {"nodes", result.failure->nodes}};
  } else {
    j["failure"] = nullptr;
  }
  return j;
}

std::string result_text(const std::string& scenario, uint64_t seed,
                        const scenarios::RunOptions& options, const scenarios::RunResult& result) {
  std::string text = fmt::format(
      "{} seed {} impl {}{}: {}\n  {} simulated in {:.0f} ms wall, {} events, {} messages, {} "
      "fault events, {} operations ({} completed), linearizability {}\n  no leader backed by a "
      "majority in {} of {} monitor polls\n  fingerprint {}\n",
      scenario, seed, options.impl, options.mutant.empty() ? "" : " mutant " + options.mutant,
      scenarios::to_string(result.status), sim::to_string(result.stats.simulated), result.wall_ms,
      result.stats.events, result.stats.messages_sent, result.timeline.size(), result.operations,
      result.operations_ok, result.linearizability, result.leaderless_polls, result.monitor_polls,
      fmt::format("{:016x}", result.fingerprint));
  if (result.failure) {
    text += fmt::format("  failure: {} ({}) at {}: {}\n",
                        scenarios::to_string(result.failure->status), result.failure->property,
                        sim::to_string(sim::Instant::from_ns(result.failure->at_ns)),
                        result.failure->message);
  }
  return text;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "raftsim: cannot write {}\n", path);
    return false;
  }
  return true;
}

}  // namespace raftsim::cli
