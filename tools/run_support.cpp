#include "tools/run_support.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <signal.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "checkers/safety.h"
#include "input/escape.h"
#include "input/file.h"
#include "scenarios/library.h"
#include "scenarios/load.h"
#include "tools/command.h"
#include "tools/version.h"
#include "views/reproduce.h"

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
  j["kv"] = options.kv;
  j["mutant"] = options.mutant.empty() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(options.mutant);
  j["status"] = scenarios::to_string(result.status);
  if (!result.ignored_violations.empty()) j["ignored_violations"] = result.ignored_violations;
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

std::string run_command_line(const std::string& scenario, uint64_t seed,
                             const scenarios::RunOptions& options) {
  std::string line = fmt::format("raftsim run {} --seed {} --impl {}", views::shell_quote(scenario),
                                 seed, views::shell_quote(options.impl));
  if (options.kv != "reference") line += " --kv " + views::shell_quote(options.kv);
  if (!options.mutant.empty()) line += " --mutant " + views::shell_quote(options.mutant);
  if (options.fibers_max != 0) line += fmt::format(" --fibers-max {}", options.fibers_max);
  for (const std::string& property : options.ignored_properties) {
    line += " --ignore-property " + views::shell_quote(property);
  }
  return line;
}

std::string result_text(const std::string& scenario, uint64_t seed,
                        const scenarios::RunOptions& options, const scenarios::RunResult& result,
                        const std::string& reproduce) {
  std::string text = fmt::format(
      "{} seed {} impl {}{}{}: {}\n  {} simulated in {:.0f} ms wall, {} events, {} messages, {} "
      "fault events, {} operations ({} completed), linearizability {}\n  no leader backed by a "
      "majority in {} of {} monitor polls\n  fingerprint {}\n",
      scenario, seed, options.impl, options.kv == "reference" ? "" : " kv " + options.kv,
      options.mutant.empty() ? "" : " mutant " + options.mutant,
      scenarios::to_string(result.status), sim::to_string(result.stats.simulated), result.wall_ms,
      result.stats.events, result.stats.messages_sent, result.timeline.size(), result.operations,
      result.operations_ok, result.linearizability, result.leaderless_polls, result.monitor_polls,
      fmt::format("{:016x}", result.fingerprint));
  for (const auto& [property, count] : result.ignored_violations) {
    text += fmt::format("  ignored (--ignore-property): {}\n",
                        checkers::SafetyChecker::ignored_text(property, count));
  }
  if (result.failure) {
    text += fmt::format("  failure: {} ({}) at {}: {}\n",
                        scenarios::to_string(result.failure->status), result.failure->property,
                        sim::to_string(sim::Instant::from_ns(result.failure->at_ns)),
                        result.failure->message);
    if (!reproduce.empty()) text += "  reproduce: " + reproduce + "\n";
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

// Writes `text` durably under a fresh name beside `path` and returns that name, or "" with errno
// set. A process-wide counter outside any simulation: campaign workers write reports concurrently.
std::string write_temp(const std::string& path, const std::string& text) {
  static std::atomic<uint64_t> written{0};
  const std::string temp = fmt::format("{}.partial-{}-{}", path, ::getpid(), written++);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return "";
  int reason = write_all_durably(fd, text) ? 0 : errno;
  if (::close(fd) != 0 && reason == 0) reason = errno;
  if (reason == 0) return temp;
  ::unlink(temp.c_str());
  errno = reason;
  return "";
}

bool same_content(const std::string& path, const std::string& text) {
  // A larger file is refused by the limit, unread: it cannot hold the same content.
  const input::FileText held = input::read_file(path, text.size());
  return held.ok() && held.text == text;
}

// `path` with `-N` before its extension: "out/default-seed4-2.json".
std::string numbered(const std::string& path, int n) {
  if (n == 1) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / fmt::format("{}-{}{}", p.stem().string(), n, p.extension().string()))
      .string();
}

// Moves `temp` to `name` unless `name` exists (EEXIST then), atomically.
bool claim(const std::string& temp, const std::string& name) {
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, name.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL) return false;
  // A filesystem without RENAME_NOREPLACE: a hard link refuses an existing name just as well.
  if (::link(temp.c_str(), name.c_str()) != 0) return false;
  ::unlink(temp.c_str());
  return true;
}

// Bounds the search for a free name; a directory with this many clashing reports is a misuse.
constexpr int kNamesMax = 1000;

void print_write_error(const std::string& path, int reason) {
  fmt::print(stderr, "raftsim: cannot write {}: {}\n", input::escape(path), std::strerror(reason));
}

}  // namespace

void remove_stale_partials(const std::string& dir) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    // NAME.partial-PID-N, left by a writer that was killed before it could rename or unlink it.
    const std::string name = it->path().filename().string();
    const size_t mark = name.rfind(".partial-");
    if (mark == std::string::npos) continue;
    const std::string rest = name.substr(mark + 9);
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos) continue;
    if (rest.find_first_not_of("0123456789-") != std::string::npos) continue;
    const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

bool write_file(const std::string& path, const std::string& text) {
  // Written beside the target under a name of this process, made durable, then renamed over it:
  // a kill or a full disk leaves the old file or none, never a truncated one.
  const std::string temp = write_temp(path, text);
  int reason = temp.empty() ? errno : 0;
  if (reason == 0 && ::rename(temp.c_str(), path.c_str()) != 0) {
    reason = errno;
    ::unlink(temp.c_str());
  }
  if (reason != 0) print_write_error(path, reason);
  return reason == 0;
}

std::string write_new_file(const std::string& path,
                           const std::function<std::string(const std::string&)>& text_for) {
  for (int n = 1; n <= kNamesMax; ++n) {
    const std::string candidate = numbered(path, n);
    const std::string text = text_for(candidate);
    const std::string temp = write_temp(candidate, text);
    if (temp.empty()) {
      print_write_error(candidate, errno);
      return "";
    }
    // Never replaces a file: another campaign (or process) may own it.
    if (claim(temp, candidate)) return candidate;
    const int reason = errno;
    ::unlink(temp.c_str());
    if (reason != EEXIST) {
      print_write_error(candidate, reason);
      return "";
    }
    if (same_content(candidate, text)) return candidate;  // the same report, written before
  }
  fmt::print(stderr, "raftsim: cannot write {}: {} files by that name already exist\n",
             input::escape(path), kNamesMax);
  return "";
}

static_assert(scenarios::kFibersMaxMax == 10'000'000, "fibers_max_validator's bound");

void add_ignore_property_option(CLI::App* cmd, std::vector<std::string>& properties) {
  cmd->add_option("--ignore-property", properties,
                  "Count violations of this safety property instead of failing on them, and go "
                  "on checking (a known bug of the code under test; repeatable)")
      ->check(CLI::IsMember(checkers::SafetyChecker::properties()))
      ->allow_extra_args(false);  // one name per --ignore-property (names have spaces)
}

void add_guard_options(CLI::App* cmd, GuardArgs& args) {
  cmd->add_option("--seed-timeout-s", args.seed_timeout_s,
                  "Wall seconds a run may take before it stops as 'resource' (exit 7); 0 = none")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  cmd->add_option("--seed-memory-mb", args.seed_memory_mb,
                  "Resident MiB of the process per running seed before the seed stops as "
                  "'resource' (exit 7); 0 = none")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--fibers-max", args.fibers_max,
                  "Fibers alive at once before a run stops as 'resource' (exit 7): the bound on "
                  "an implementation that spawns without limit (default 20000; "
                  "$RAFTSIM_FIBERS_MAX)")
      ->envname("RAFTSIM_FIBERS_MAX")
      ->check(fibers_max_validator());
}

sim::GuardOptions guard_options(const GuardArgs& args, unsigned concurrent) {
  sim::GuardOptions guard;
  guard.wall_ms_max = static_cast<int64_t>(args.seed_timeout_s * 1000.0);
  guard.resident_bytes_max = args.seed_memory_mb * (uint64_t{1} << 20) * std::max(1u, concurrent);
  return guard;
}

std::function<std::string(uint64_t seed)> rerun_note(const std::string& scenario,
                                                     const scenarios::RunOptions& options) {
  scenarios::RunOptions code;  // only what the command line names
  code.impl = options.impl;
  code.kv = options.kv;
  code.mutant = options.mutant;
  code.fibers_max = options.fibers_max;
  code.ignored_properties = options.ignored_properties;
  return [scenario, code](uint64_t seed) {
    return "run it again with: " + run_command_line(scenario, seed, code);
  };
}

}  // namespace raftsim::cli
