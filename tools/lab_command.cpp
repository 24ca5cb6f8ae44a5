// `raftsim lab`: runs the course-style lab suite (tests/lab/) over many seeds and reports a pass
// rate per test and the command that reproduces each failing (test, seed).
//
// Contract. The lab tests stay Catch2 programs, one per part (lab_3a .. lab_4b); this command is a
// driver. It finds the programs' directory from --lab-dir, else RAFTSIM_LAB_DIR, else beside this
// executable (a project's own raftsim, built by raftsim_add_labs next to its lab programs), else
// <this executable's directory>/../libexec/raftsim/labs (an installed raftsim), else the build
// tree's tests/lab (RAFTSIM_LAB_DIR_DEFAULT, set by CMake). It asks each program for its test names
// (`--list-test-names-only`), then runs every selected (test, seed) as its own child process
// (posix_spawn, no shell) with RAFTSIM_SEED, RAFTSIM_IMPL, RAFTSIM_KV and, if given,
// RAFTSIM_MUTANT, RAFTSIM_FIBERS_MAX and RAFTSIM_IGNORE_PROPERTY (--ignore-property, comma-joined)
// in its environment, on --jobs concurrent workers, each with a wall-time limit after which it is
// killed and counted as failed ("timed out"). Results are collected and then printed in a fixed
// order (part, test name, seed), so the report does not depend on --jobs or on which child ends
// first; only the wall-time figures vary between runs.
//
// Output: progress on stderr (one rewritten line on a terminal; otherwise a plain line every few
// seconds); on stdout a table (test, part, passed/run, pass rate, median wall ms), then each
// failing (test, seed) as the command a user types to reproduce it, with the first failure line of
// its output, then one summary line. With --ignore-property the table has a column counting the
// runs that violated an ignored property (their lab program's "ignored" line). --json prints one
// JSON object instead; --quiet prints no progress and no table rows for tests that passed every
// run.
//
// Exit codes: 0 when every run passed; 7 when every failing run failed as kind "resource" (the
// fiber cap, a stack the system would not map, std::bad_alloc: the harness prints each failure's
// kind, tests/lab/harness.h); otherwise 1 when any failed. A lab test's failure is a failed check
// of Raft's behaviour or safety (the online safety checker runs in every lab test), and a lab
// program's exit status does not say which kind, so every other failure, a timeout or crash
// included, is reported as 1, with the kind in its message. Each failing run is listed with its
// reproduce command (views/reproduce.h, the same line the lab program prints) and the directory of
// the artifacts the lab program wrote. 64 for usage errors, including a lab directory
// or a part's program that does not exist: the command line (or the build) names something that
// is not there, and the fix is to pass the right --lab-dir/--part or build the target. 65 when a
// program exists but is not a usable lab program (it cannot run, or lists no tests, or lists a name
// that cannot be passed back to it as a Catch2 test spec): bad input data, not a bad command line.
#include <fcntl.h>
#include <fmt/core.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "raft/kv/registry.h"
#include "raft/registry.h"
#include "tools/command.h"
#include "tools/run_support.h"
#include "views/reproduce.h"

extern char** environ;

#ifndef RAFTSIM_LAB_DIR_DEFAULT
#define RAFTSIM_LAB_DIR_DEFAULT "tests/lab"
#endif

namespace raftsim::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;  // wall time: a measurement and a limit, never an input

constexpr std::array<std::string_view, 6> kParts = {"3A", "3B", "3C", "3D", "4A", "4B"};
constexpr size_t kOutputMax = size_t{1} << 20;  // bytes of a child's output kept; the rest dropped
constexpr int kListTimeoutS = 30;               // wall-time limit of `--list-test-names-only`

struct LabCommandOptions {
  std::vector<std::string> parts;  // "" = every part whose program exists
  std::vector<std::string> tests;  // "" = every test of the chosen parts
  uint64_t seeds = 1;              // runs seeds seed_start .. seed_start + seeds - 1
  uint64_t seed_start = 1;
  int jobs = 0;  // 0 = the number of cores this process may run on
  std::string impl = "reference";
  std::string kv = "reference";  // the 4A/4B KV service, passed through as RAFTSIM_KV
  std::string mutant;            // "" = none; passed through as RAFTSIM_MUTANT
  uint64_t fibers_max = 0;       // 0 = the default; else passed through as RAFTSIM_FIBERS_MAX
  // --ignore-property, passed through comma-joined as RAFTSIM_IGNORE_PROPERTY
  std::vector<std::string> ignored_properties;
  int timeout_s = 120;
  std::string lab_dir;  // "" = RAFTSIM_LAB_DIR, else found (lab_directory)
  bool json = false;
  bool quiet = false;
};

// A usage (64) or bad-input (65) error, reported on one line.
struct LabError {
  ExitCode code;
  std::string message;
};

// ---- Child processes ------------------------------------------------------------------------

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // NAME=value, the whole environment
};

struct ChildResult {
  std::string start_error;  // non-empty: the program could not be started
  bool timed_out = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  std::string output;  // stdout and stderr together, at most kOutputMax bytes
  double wall_ms = 0;
};

struct RunningChild {
  size_t index;
  pid_t pid;
  int fd;  // read end of the output pipe; -1 once closed
  Clock::time_point start;
  Clock::time_point deadline;  // killed at this time; after it exited, the end of draining
  bool exited = false;
  ChildResult result;
};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Starts one child with stdin from /dev/null and stdout and stderr into one pipe. Returns the
// error text when it cannot.
std::optional<std::string> spawn_child(ChildSpec spec, RunningChild& child) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return fmt::format("pipe: {}", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> env = c_strings(spec.env);
  const int error =
      posix_spawn(&child.pid, argv[0], &actions, &attributes, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(fds[1]);
  if (error != 0) {
    close(fds[0]);
    return std::string(std::strerror(error));
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  child.fd = fds[0];
  return std::nullopt;
}

// Reads what the child's pipe holds now; closes it at end of file.
void drain(RunningChild& child) {
  std::array<char, 65536> buffer;
  while (child.fd >= 0) {
    const ssize_t n = read(child.fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      close(child.fd);
      child.fd = -1;
      return;
    }
    const size_t room = kOutputMax - std::min(kOutputMax, child.result.output.size());
    child.result.output.append(buffer.data(), std::min(room, static_cast<size_t>(n)));
  }
}

// Reaps the child if it ended, and kills it at its deadline. A child that exited gets one more
// second for its pipe to reach end of file (a grandchild could hold it open).
void check_exit_and_deadline(RunningChild& child, Clock::time_point now) {
  int status = 0;
  if (!child.exited && waitpid(child.pid, &status, WNOHANG) == child.pid) {
    child.exited = true;
    child.result.wall_ms = std::chrono::duration<double, std::milli>(now - child.start).count();
    if (WIFEXITED(status)) child.result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) child.result.signal = WTERMSIG(status);
    child.deadline = std::min(child.deadline, now + std::chrono::seconds(1));
  }
  if (now < child.deadline) return;
  if (!child.exited && !child.result.timed_out) {
    kill(child.pid, SIGKILL);
    child.result.timed_out = true;
    child.deadline = now + std::chrono::seconds(5);
  } else if (child.exited && child.fd >= 0) {
    close(child.fd);
    child.fd = -1;
  }
}

// Runs every spec, at most `jobs` at once, in the order given; calls `done` as each one ends and
// `tick` at least every 200 ms. Returns the results in the specs' order.
std::vector<ChildResult> run_children(const std::vector<ChildSpec>& specs, int jobs, int timeout_s,
                                      const std::function<void(const ChildResult&)>& done,
                                      const std::function<void()>& tick) {
  std::vector<ChildResult> results(specs.size());
  std::vector<std::unique_ptr<RunningChild>> running;
  size_t next = 0;
  while (next < specs.size() || !running.empty()) {
    while (running.size() < static_cast<size_t>(jobs) && next < specs.size()) {
      auto child = std::make_unique<RunningChild>();
      child->index = next++;
      child->start = Clock::now();
      child->deadline = child->start + std::chrono::seconds(timeout_s);
      if (std::optional<std::string> error = spawn_child(specs[child->index], *child)) {
        results[child->index].start_error = *error;
        done(results[child->index]);
        continue;
      }
      running.push_back(std::move(child));
    }
    std::vector<pollfd> polled;
    for (const auto& child : running) {
      if (child->fd >= 0) polled.push_back({child->fd, POLLIN, 0});
    }
    // Wakes for output, else re-checks exits and limits; a child whose pipe closed is about to
    // be reaped, so it is checked again at once.
    const bool reaping = std::any_of(running.begin(), running.end(),
                                     [](const auto& child) { return child->fd < 0; });
    poll(polled.data(), polled.size(), reaping ? 1 : 200);
    const Clock::time_point now = Clock::now();
    for (auto& child : running) {
      drain(*child);
      check_exit_and_deadline(*child, now);
    }
    for (auto it = running.begin(); it != running.end();) {
      RunningChild& child = **it;
      if (!(child.exited && child.fd < 0)) {
        ++it;
        continue;
      }
      results[child.index] = std::move(child.result);
      done(results[child.index]);
      it = running.erase(it);
    }
    tick();
  }
  return results;
}

// ---- Progress --------------------------------------------------------------------------------

// Progress on stderr: a rewritten line on a terminal, at most ten times a second; otherwise a
// plain line every five seconds, so a CI log shows the run is alive without flooding it.
class Progress {
 public:
  Progress(bool enabled, size_t total)
      : enabled_(enabled), terminal_(isatty(STDERR_FILENO) == 1), total_(total) {}

  void update(size_t done, size_t failed) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    const auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5);
    if (now - last_ < interval) return;
    last_ = now;
    const double elapsed_s = std::chrono::duration<double>(now - start_).count();
    const std::string line = fmt::format("raftsim lab: {}/{} runs done, {} failed, {:.1f} s", done,
                                         total_, failed, elapsed_s);
    if (terminal_) {
      fmt::print(stderr, "\r{}\x1b[K", line);
    } else {
      fmt::print(stderr, "{}\n", line);
    }
    shown_ = true;
  }

  void finish() {
    if (enabled_ && terminal_ && shown_) fmt::print(stderr, "\r\x1b[K");
  }

 private:
  bool enabled_;
  bool terminal_;
  size_t total_;
  bool shown_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = Clock::now();
};

// ---- Finding the lab programs and their tests -----------------------------------------------

struct LabTest {
  size_t part;  // index in kParts
  std::string name;
  std::string program;        // absolute path, for spawning
  std::string program_shown;  // as the reproduce command shows it
};

struct LabRun {
  size_t test = 0;  // index in the selected tests
  uint64_t seed = 0;
  bool passed = false;
  std::string message;    // the first failure line, when it failed
  std::string kind;       // the failure's kind as the lab program printed it ("resource", ...)
  std::string artifacts;  // the directory of the failure's artifacts, as the program printed it
  bool broke_ignored = false;  // it violated an ignored property (the harness's "ignored" line)
  double wall_ms = 0;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string program_name(size_t part) { return "lab_" + lower(kParts[part]); }

// The lab directory and where it came from, for error messages.
std::pair<fs::path, std::string> lab_directory(const LabCommandOptions& options) {
  if (!options.lab_dir.empty()) return {options.lab_dir, "--lab-dir"};
  const char* env = std::getenv("RAFTSIM_LAB_DIR");
  if (env != nullptr && *env != '\0') return {env, "RAFTSIM_LAB_DIR"};
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto has_programs = [](const fs::path& dir) {
      for (size_t part = 0; part < kParts.size(); ++part) {
        std::error_code ignored;
        if (fs::is_regular_file(dir / program_name(part), ignored)) return true;
      }
      return false;
    };
    const fs::path beside = self.parent_path();
    if (has_programs(beside)) return {beside, "this raftsim's directory"};
    const fs::path installed = (beside / ".." / "libexec" / "raftsim" / "labs").lexically_normal();
    if (has_programs(installed)) return {installed, "the installed labs beside this raftsim"};
  }
  return {RAFTSIM_LAB_DIR_DEFAULT, "the build tree's default"};
}

std::vector<std::string> base_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (name == "RAFTSIM_SEED" || name == "RAFTSIM_SEEDS" || name == "RAFTSIM_IMPL" ||
        name == "RAFTSIM_KV" || name == "RAFTSIM_MUTANT" || name == "RAFTSIM_FIBERS_MAX" ||
        name == "RAFTSIM_IGNORE_PROPERTY") {
      continue;  // the driver sets these itself, so the reproduce command is the whole story
    }
    env.emplace_back(text);
  }
  return env;
}

std::string describe_end(const ChildResult& result) {
  if (!result.start_error.empty()) return "could not start: " + result.start_error;
  if (result.timed_out) return "timed out";
  if (result.signal != 0) {
    return fmt::format("killed by signal {} ({})", result.signal, strsignal(result.signal));
  }
  return fmt::format("exit code {}", result.exit_code);
}

// The test names a lab program lists: the visible ones, or those matching `spec`.
std::vector<std::string> list_tests(const fs::path& program, const std::string& spec) {
  ChildSpec list{{program.string(), "--list-test-names-only"}, base_environment()};
  if (!spec.empty()) list.argv.push_back(spec);
  const ChildResult result = run_children(
      {list}, 1, kListTimeoutS, [](const ChildResult&) {}, [] {})[0];
  // Catch2 v2 exits with the number of tests listed, so only a start failure, a signal or a
  // timeout means the program is broken.
  if (!result.start_error.empty() || result.timed_out || result.signal != 0) {
    throw LabError{kExitBadInput, fmt::format("{} --list-test-names-only failed: {}",
                                              program.string(), describe_end(result))};
  }
  std::vector<std::string> names;
  size_t begin = 0;
  while (begin < result.output.size()) {
    size_t end = result.output.find('\n', begin);
    if (end == std::string::npos) end = result.output.size();
    std::string name = result.output.substr(begin, end - begin);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (!name.empty()) names.push_back(name);
    begin = end + 1;
  }
  return names;
}

// Catch2 reads a test name argument as a test spec, where these characters mean something else.
void require_spec_safe(const std::string& program, const std::string& name) {
  if (name.find_first_of(",[]*\"\\~") != std::string::npos ||
      std::isspace(static_cast<unsigned char>(name.front())) != 0) {
    throw LabError{kExitBadInput,
                   fmt::format("{} lists the test \"{}\", whose name cannot be passed back to it "
                               "as a Catch2 test spec",
                               program, name)};
  }
}

std::vector<size_t> chosen_parts(const LabCommandOptions& options, const fs::path& dir,
                                 const std::string& dir_source) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw LabError{kExitUsage, fmt::format("lab directory {} (from {}) does not exist; build the "
                                           "lab tests or pass --lab-dir",
                                           dir.string(), dir_source)};
  }
  std::vector<size_t> parts;
  for (size_t part = 0; part < kParts.size(); ++part) {
    const bool asked =
        std::find(options.parts.begin(), options.parts.end(), kParts[part]) != options.parts.end();
    if (!options.parts.empty() && !asked) continue;
    const fs::path program = dir / program_name(part);
    const bool runnable = access(program.c_str(), X_OK) == 0 && fs::is_regular_file(program);
    if (!runnable && asked) {
      throw LabError{kExitUsage,
                     fmt::format("part {}: no lab program {} (lab directory from {}); "
                                 "build the target {} or pass --lab-dir",
                                 kParts[part], program.string(), dir_source, program_name(part))};
    }
    if (runnable) parts.push_back(part);
  }
  if (parts.empty()) {
    throw LabError{kExitUsage, fmt::format("no lab programs (lab_3a .. lab_4b) in {} (from {}); "
                                           "build them or pass --lab-dir",
                                           dir.string(), dir_source)};
  }
  return parts;
}

// The selected tests, in part order and then by name.
std::vector<LabTest> select_tests(const LabCommandOptions& options) {
  const auto [dir, dir_source] = lab_directory(options);
  const std::vector<size_t> parts = chosen_parts(options, dir, dir_source);
  std::vector<LabTest> tests;
  std::set<std::string> found;
  std::vector<std::string> known;
  for (const size_t part : parts) {
    const fs::path program = fs::absolute(dir / program_name(part)).lexically_normal();
    std::vector<std::string> names = list_tests(program, "");
    if (names.empty()) {
      throw LabError{kExitBadInput, fmt::format("{} lists no tests: is it a Catch2 lab program?",
                                                program.string())};
    }
    known.insert(known.end(), names.begin(), names.end());
    // A hidden test ([.] in Catch2) runs only when named, as in Catch2 itself.
    for (const std::string& wanted : options.tests) {
      if (std::find(names.begin(), names.end(), wanted) != names.end()) continue;
      const std::vector<std::string> hidden = list_tests(program, wanted);
      if (std::find(hidden.begin(), hidden.end(), wanted) != hidden.end()) names.push_back(wanted);
    }
    for (const std::string& name : names) {
      const bool wanted =
          options.tests.empty() ||
          std::find(options.tests.begin(), options.tests.end(), name) != options.tests.end();
      if (!wanted) continue;
      require_spec_safe(program.string(), name);
      tests.push_back({part, name, program.string(), views::shown_path(program)});
      found.insert(name);
    }
  }
  for (const std::string& wanted : options.tests) {
    if (found.count(wanted) == 0) {
      std::string parts_text;
      for (const size_t part : parts)
        parts_text += (parts_text.empty() ? "" : ",") + std::string(kParts[part]);
      throw LabError{kExitUsage, fmt::format("no test named {} in part {} (tests: {})", wanted,
                                             parts_text, fmt::join(known, ", "))};
    }
  }
  std::sort(tests.begin(), tests.end(), [](const LabTest& a, const LabTest& b) {
    return std::tie(a.part, a.name) < std::tie(b.part, b.name);
  });
  return tests;
}

// ---- Judging and reporting ------------------------------------------------------------------

std::string trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(trim(std::string_view(text).substr(begin, end - begin)));
    begin = end + 1;
  }
  return lines;
}

// The first line that says what went wrong: the line after the harness's "... failed on seed N
// with implementation X:", else what follows Catch2's first "FAILED:", else the last line.
std::string first_failure_line(const std::string& output) {
  const std::vector<std::string> lines = lines_of(output);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i].find(" failed on seed ") != std::string::npos && lines[i].ends_with(":") &&
        !lines[i + 1].empty()) {
      return lines[i + 1];
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].ends_with("FAILED:")) continue;
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].empty() || lines[j].ends_with("with message:")) continue;
      return lines[j];
    }
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!it->empty() && it->find_first_not_of('=') != std::string::npos) return *it;
  }
  return "";
}

// The value after `prefix` on the first line that starts with it, up to `stop` (or the line's end).
std::string field_of(const std::string& output, std::string_view prefix, std::string_view stop) {
  for (const std::string& line : lines_of(output)) {
    if (!line.starts_with(prefix)) continue;
    const std::string rest = line.substr(prefix.size());
    return trim(rest.substr(0, std::min(rest.find(stop), rest.size())));
  }
  return "";
}

bool passed(const ChildResult& result) {
  return result.start_error.empty() && !result.timed_out && result.signal == 0 &&
         result.exit_code == 0;
}

LabRun judge(const ChildResult& result, size_t test, uint64_t seed, int timeout_s) {
  LabRun run;
  run.test = test;
  run.seed = seed;
  run.wall_ms = result.wall_ms;
  run.passed = passed(result);
  // tests/lab/harness.h: "[<test> seed <N>] ignored (RAFTSIM_IGNORE_PROPERTY): ..."
  run.broke_ignored =
      result.output.find("] ignored (RAFTSIM_IGNORE_PROPERTY): ") != std::string::npos;
  if (run.passed) return run;
  const std::string line = first_failure_line(result.output);
  // The harness's summary (tests/lab/harness.h): "seed N, kind K, fingerprint F, ..." and
  // "artifacts: DIR (files)".
  const std::string summary = field_of(result.output, "seed ", "\n");
  const size_t kind_at = summary.find(", kind ");
  if (kind_at != std::string::npos) {
    const std::string rest = summary.substr(kind_at + 7);
    run.kind = rest.substr(0, std::min(rest.find(','), rest.size()));
  }
  run.artifacts = field_of(result.output, "artifacts: ", " (");
  if (result.timed_out) {
    run.message = fmt::format("timed out after {} s", timeout_s);
  } else if (!result.start_error.empty() || result.signal != 0) {
    run.message = describe_end(result) + (line.empty() ? "" : "; last output: " + line);
  } else {
    run.message = line.empty() ? describe_end(result) : line;
  }
  return run;
}

std::string reproduce_command(const LabTest& test, uint64_t seed,
                              const LabCommandOptions& options) {
  views::LabRun run;
  run.seed = seed;
  run.impl = options.impl;
  run.kv = options.kv;
  run.mutant = options.mutant;
  run.fibers_max = options.fibers_max;
  run.ignored_properties = options.ignored_properties;
  run.program = test.program_shown;
  run.test = test.name;
  return views::lab_reproduce_command(run);
}

struct TestSummary {
  size_t runs = 0;
  size_t passes = 0;
  size_t broke_ignored = 0;  // runs that violated an ignored property (passed or not)
  double wall_ms_median = 0;
  double wall_ms_max = 0;
  double wall_ms_total = 0;
  std::vector<const LabRun*> failures;  // by seed
};

// `runs` is sorted by (test, seed).
std::vector<TestSummary> summarize(const std::vector<LabTest>& tests,
                                   const std::vector<LabRun>& runs) {
  std::vector<TestSummary> summaries(tests.size());
  std::vector<std::vector<double>> walls(tests.size());
  for (const LabRun& run : runs) {
    TestSummary& summary = summaries[run.test];
    ++summary.runs;
    summary.passes += run.passed ? 1 : 0;
    summary.broke_ignored += run.broke_ignored ? 1 : 0;
    if (!run.passed) summary.failures.push_back(&run);
    summary.wall_ms_max = std::max(summary.wall_ms_max, run.wall_ms);
    summary.wall_ms_total += run.wall_ms;
    walls[run.test].push_back(run.wall_ms);
  }
  for (size_t i = 0; i < tests.size(); ++i) {
    std::vector<double>& wall = walls[i];
    if (wall.empty()) continue;
    std::sort(wall.begin(), wall.end());
    const size_t middle = wall.size() / 2;
    summaries[i].wall_ms_median =
        wall.size() % 2 == 1 ? wall[middle] : (wall[middle - 1] + wall[middle]) / 2;
  }
  return summaries;
}

double pass_rate(const TestSummary& summary) {
  return summary.runs == 0
             ? 0
             : static_cast<double>(summary.passes) / static_cast<double>(summary.runs);
}

void print_table(const LabCommandOptions& options, const std::vector<LabTest>& tests,
                 const std::vector<TestSummary>& summaries, size_t failed, double wall_s) {
  size_t width = 4;
  for (const LabTest& test : tests) width = std::max(width, test.name.size());
  // With --ignore-property, a column counts the runs that violated an ignored property.
  const bool ignoring = !options.ignored_properties.empty();
  if (!options.quiet || failed > 0) {
    fmt::print("{:<{}}  part  passed/run  pass rate  median wall ms{}\n", "test", width,
               ignoring ? "  broke ignored" : "");
  }
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestSummary& summary = summaries[i];
    if (options.quiet && summary.failures.empty()) continue;
    fmt::print("{:<{}}  {:<4}  {:>10}  {:>8.1f}%  {:>14.0f}{}\n", tests[i].name, width,
               kParts[tests[i].part], fmt::format("{}/{}", summary.passes, summary.runs),
               100 * pass_rate(summary), summary.wall_ms_median,
               ignoring ? fmt::format("  {:>13}", summary.broke_ignored) : "");
  }
  if (failed > 0) {
    fmt::print("\nfailing runs ({}), each with the command that reproduces it:\n", failed);
    for (size_t i = 0; i < tests.size(); ++i) {
      for (const LabRun* run : summaries[i].failures) {
        fmt::print("  {}\n      {}\n", reproduce_command(tests[i], run->seed, options),
                   run->message);
        if (!run->artifacts.empty()) fmt::print("      artifacts: {}\n", run->artifacts);
      }
    }
  }
  size_t runs = 0;
  for (const TestSummary& summary : summaries) runs += summary.runs;
  if (!options.quiet || failed > 0) fmt::print("\n");
  fmt::print(
      "runs: {}, passed: {}, failed: {} (tests: {}, seeds {}..{}, impl {}{}{}{}, jobs {}); "
      "wall {:.1f} s\n",
      runs, runs - failed, failed, tests.size(), options.seed_start,
      options.seed_start + options.seeds - 1, options.impl,
      options.kv == "reference" ? "" : ", kv " + options.kv,
      options.mutant.empty() ? "" : ", mutant " + options.mutant,
      ignoring ? fmt::format(", ignoring {}", fmt::join(options.ignored_properties, ", ")) : "",
      options.jobs, wall_s);
}

void print_json(const LabCommandOptions& options, const std::vector<LabTest>& tests,
                const std::vector<TestSummary>& summaries, size_t failed, double wall_s) {
  nlohmann::ordered_json report;
  report["format"] = "raftsim-lab/1";
  report["impl"] = options.impl;
  report["kv"] = options.kv;
  report["mutant"] =
      options.mutant.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(options.mutant);
  report["seed_start"] = options.seed_start;
  report["seeds"] = options.seeds;
  report["jobs"] = options.jobs;
  report["timeout_s"] = options.timeout_s;
  report["ignored_properties"] = options.ignored_properties;
  size_t runs = 0;
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestSummary& summary = summaries[i];
    runs += summary.runs;
    nlohmann::ordered_json entry;
    entry["test"] = tests[i].name;
    entry["part"] = std::string(kParts[tests[i].part]);
    entry["program"] = tests[i].program;
    entry["runs"] = summary.runs;
    entry["passes"] = summary.passes;
    entry["runs_that_broke_ignored"] = summary.broke_ignored;
    entry["pass_rate"] = pass_rate(summary);
    entry["wall_ms_median"] = summary.wall_ms_median;
    entry["wall_ms_max"] = summary.wall_ms_max;
    entry["wall_ms_total"] = summary.wall_ms_total;
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    for (const LabRun* run : summary.failures) {
      failures.push_back(
          {{"seed", run->seed},
           {"reproduce", reproduce_command(tests[i], run->seed, options)},
           {"message", run->message},
           {"kind",
            run->kind.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(run->kind)},
           {"artifacts", run->artifacts.empty() ? nlohmann::ordered_json()
                                                : nlohmann::ordered_json(run->artifacts)},
           {"wall_ms", run->wall_ms}});
    }
    entry["failures"] = std::move(failures);
    entries.push_back(std::move(entry));
  }
  report["runs"] = runs;
  report["passes"] = runs - failed;
  report["failed"] = failed;
  report["wall_ms"] = wall_s * 1000;
  report["tests"] = std::move(entries);
  fmt::print("{}\n", report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// ---- The command -----------------------------------------------------------------------------

int cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

// Checks what CLI11 cannot, and normalizes the parts ("3c" -> "3C"). Throws LabError.
void finish_options(LabCommandOptions& options) {
  for (std::string& part : options.parts) {
    for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::find(kParts.begin(), kParts.end(), part) == kParts.end()) {
      throw LabError{kExitUsage,
                     fmt::format("--part {}: expected one of {}", part, fmt::join(kParts, ", "))};
    }
  }
  if (options.seed_start > UINT64_MAX - (options.seeds - 1)) {
    throw LabError{kExitUsage, "--seed-start + --seeds runs past the largest seed"};
  }
  if (raft::find_implementation(options.impl) == nullptr) {
    throw LabError{kExitUsage, fmt::format("--impl {} is not a known implementation (known: {})",
                                           options.impl, raft::implementation_names())};
  }
  if (kv::find_kv_implementation(options.kv) == nullptr) {
    throw LabError{kExitUsage, fmt::format("--kv {} is not a known KV service (known: {})",
                                           options.kv, kv::kv_implementation_names())};
  }
  if (options.jobs == 0) options.jobs = cores();
}

int run_lab(LabCommandOptions options) {
  const Clock::time_point start = Clock::now();
  std::vector<LabTest> tests;
  try {
    finish_options(options);
    tests = select_tests(options);
  } catch (const LabError& error) {
    fmt::print(stderr, "raftsim lab: {}\n", error.message);
    return error.code;
  }
  // Seed-major order, so that early results cover every test.
  std::vector<ChildSpec> specs;
  std::vector<std::pair<size_t, uint64_t>> keys;  // (test, seed) of each spec
  const std::vector<std::string> env = base_environment();
  for (uint64_t k = 0; k < options.seeds; ++k) {
    const uint64_t seed = options.seed_start + k;
    for (size_t test = 0; test < tests.size(); ++test) {
      ChildSpec spec{{tests[test].program, "--warn", "NoTests", tests[test].name}, env};
      spec.env.push_back(fmt::format("RAFTSIM_SEED={}", seed));
      spec.env.push_back("RAFTSIM_IMPL=" + options.impl);
      spec.env.push_back("RAFTSIM_KV=" + options.kv);
      if (!options.mutant.empty()) spec.env.push_back("RAFTSIM_MUTANT=" + options.mutant);
      if (options.fibers_max != 0) {
        spec.env.push_back(fmt::format("RAFTSIM_FIBERS_MAX={}", options.fibers_max));
      }
      if (!options.ignored_properties.empty()) {
        spec.env.push_back(
            fmt::format("RAFTSIM_IGNORE_PROPERTY={}", fmt::join(options.ignored_properties, ",")));
      }
      specs.push_back(std::move(spec));
      keys.emplace_back(test, seed);
    }
  }
  Progress progress(!options.quiet, specs.size());
  size_t done = 0;
  size_t failed = 0;
  const std::vector<ChildResult> results = run_children(
      specs, options.jobs, options.timeout_s,
      [&](const ChildResult& result) {
        ++done;
        failed += passed(result) ? 0 : 1;
      },
      [&] { progress.update(done, failed); });
  progress.finish();
  std::vector<LabRun> runs;
  for (size_t i = 0; i < results.size(); ++i) {
    runs.push_back(judge(results[i], keys[i].first, keys[i].second, options.timeout_s));
  }
  std::sort(runs.begin(), runs.end(), [](const LabRun& a, const LabRun& b) {
    return std::tie(a.test, a.seed) < std::tie(b.test, b.seed);
  });
  const std::vector<TestSummary> summaries = summarize(tests, runs);
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (options.json) {
    print_json(options, tests, summaries, failed, wall_s);
  } else {
    print_table(options, tests, summaries, failed, wall_s);
  }
  if (failed == 0) return kExitOk;
  // Every failing run ran out of a resource (the fiber cap, a stack, memory): exit 7, as run and
  // fuzz do; any other failure (a timeout and a crash included) is a failed test: 1.
  const bool all_resource = std::all_of(runs.begin(), runs.end(), [](const LabRun& run) {
    return run.passed || run.kind == "resource";
  });
  return all_resource ? kExitResource : kExitSafety;
}

}  // namespace

void add_lab_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<LabCommandOptions>();
  auto* cmd = app.add_subcommand(
      "lab", "Run the course lab tests over many seeds: pass rate per test, reproduce commands");
  cmd->add_option("--part", options->parts,
                  "Parts to run: 3A 3B 3C 3D 4A 4B (repeatable or comma list; default: every "
                  "part whose program exists)")
      ->delimiter(',');
  cmd->add_option("--test", options->tests, "Run only this test, e.g. TestFigure83C (repeatable)");
  cmd->add_option("--seeds", options->seeds, "How many seeds to run each test on")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32))
      ->capture_default_str();
  cmd->add_option("--seed-start", options->seed_start, "The first seed")
      ->check(unsigned_integer())
      ->capture_default_str();
  cmd->add_option("--jobs,-j", options->jobs,
                  "Concurrent test processes (default: the cores); at most 4 per hardware thread")
      ->check(jobs_validator(1));
  cmd->add_option("--impl", options->impl, "Raft implementation, passed as RAFTSIM_IMPL")
      ->capture_default_str();
  cmd->add_option("--kv", options->kv, "KV service of the 4A/4B tests, passed as RAFTSIM_KV")
      ->capture_default_str();
  cmd->add_option("--mutant", options->mutant, "Mutant, passed as RAFTSIM_MUTANT");
  cmd->add_option("--fibers-max", options->fibers_max,
                  "Fibers alive at once before a run fails as 'resource', passed as "
                  "RAFTSIM_FIBERS_MAX (default 20000; $RAFTSIM_FIBERS_MAX)")
      ->envname("RAFTSIM_FIBERS_MAX")
      ->check(fibers_max_validator());
  add_ignore_property_option(cmd, options->ignored_properties);
  cmd->add_option("--timeout-s", options->timeout_s,
                  "Wall-time limit of one (test, seed) in seconds; then it is killed and failed")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--lab-dir", options->lab_dir,
                  "Directory of the lab programs (default: $RAFTSIM_LAB_DIR, else beside this "
                  "raftsim, else ../libexec/raftsim/labs from it, else the build tree's "
                  "tests/lab)");
  cmd->add_flag("--json", options->json, "Print one JSON object instead of the table");
  cmd->add_flag("--quiet", options->quiet, "No progress, and no rows for tests that all passed");
  cmd->callback([&action, options] { action = [options] { return run_lab(*options); }; });
}

}  // namespace raftsim::cli
