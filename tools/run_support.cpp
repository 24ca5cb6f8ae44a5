#include "tools/run_support.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "input/escape.h"
#include "scenarios/library.h"
#include "scenarios/load.h"
#include "tools/version.h"

namespace raftsim::cli {

std::optional<scenarios::Scenario> resolve_scenario(const std::string& argument) {
  if (std::optional<scenarios::Scenario> named = scenarios::library_scenario(argument)) {
    return named;
  }
  // The non-throwing status: a path that cannot be examined (a directory the user may not enter)
  // is still a file argument, and load_scenario_file reports why it cannot be read.
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(argument, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    std::string names;
    for (const scenarios::LibraryEntry& entry : scenarios::library_entries()) {
      names += (names.empty() ? "" : ", ") + entry.name;
    }
    fmt::print(stderr, "raftsim: '{}' is neither a library scenario ({}), {}, nor a file\n",
               input::escape(argument), names, scenarios::kSwarmName);
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

namespace {

// Writes all of `text` to `fd` and makes it durable; errno tells why not.
bool write_all_durably(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return ::fsync(fd) == 0;
}

}  // namespace

bool write_file(const std::string& path, const std::string& text) {
  // Written beside the target under a name of this process, made durable, then renamed over it:
  // a kill or a full disk leaves the old file or none, never a truncated one.
  // A process-wide counter outside any simulation: campaign workers write reports concurrently.
  static std::atomic<uint64_t> written{0};
  const std::string temp = fmt::format("{}.partial-{}-{}", path, ::getpid(), written++);
  int reason = 0;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    reason = errno;
  } else {
    if (!write_all_durably(fd, text)) reason = errno;
    if (::close(fd) != 0 && reason == 0) reason = errno;
    if (reason == 0 && ::rename(temp.c_str(), path.c_str()) != 0) reason = errno;
    if (reason != 0) ::unlink(temp.c_str());
  }
  if (reason != 0) {
    fmt::print(stderr, "raftsim: cannot write {}: {}\n", path, std::strerror(reason));
    return false;
  }
  return true;
}

}  // namespace raftsim::cli
