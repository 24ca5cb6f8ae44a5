// Helpers for end-to-end tests of the raftsim binary: run it in a scratch directory and capture
// its exit code, stdout and stderr separately.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace cli_test {

struct Result {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// ASan prints this warning once per process on the ucontext fiber backend (the asan preset). It
// says nothing about the run, so output comparisons never see it.
inline std::string without_sanitizer_notes(std::string text) {
  static constexpr std::string_view kNote = "doesn't fully support makecontext/swapcontext";
  for (size_t at = text.find(kNote); at != std::string::npos; at = text.find(kNote, at)) {
    const size_t begin = text.rfind('\n', at);
    const size_t end = text.find('\n', at);
    const size_t from = begin == std::string::npos ? 0 : begin + 1;
    text.erase(from, end == std::string::npos ? std::string::npos : end + 1 - from);
    at = from;
  }
  return text;
}

// The rest of the line that follows the first `prefix` in `text` ("" if there is none).
inline std::string line_after(const std::string& text, const std::string& prefix) {
  const size_t at = text.find(prefix);
  if (at == std::string::npos) return "";
  const size_t begin = at + prefix.size();
  return text.substr(begin, text.find('\n', begin) - begin);
}

// A fresh, empty directory under the system's temp directory, removed at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("raftsim-cli-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

  // Runs `raftsim ARGS` with this directory as the working directory.
  Result raftsim(const std::string& args) const {
    const std::filesystem::path out = path_ / ".stdout";
    const std::filesystem::path err = path_ / ".stderr";
    const std::string command = "cd '" + path_.string() + "' && " + RAFTSIM_BINARY + " " + args +
                                " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_text(out);
    result.err = without_sanitizer_notes(read_text(err));
    return result;
  }

 private:
  std::filesystem::path path_;
};

// Runs `command` through a shell: its exit code and what it wrote to the pipe (stdout, and
// stderr too when the command redirects it there), without sanitizer notes.
struct Piped {
  int exit_code = -1;
  std::string output;
};
inline Piped run_shell(const std::string& command) {
  Piped piped;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) piped.output.append(buffer, n);
  const int status = pclose(pipe);
  piped.output = without_sanitizer_notes(std::move(piped.output));
  piped.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return piped;
}

// Runs `ENV raftsim ARGS` in the current directory through a shell (ENV: "A=1 B=2" or ""). The
// output is stdout, followed in time order by stderr when `with_stderr` (2>&1), else stdout alone.
inline Piped run_piped(const std::string& env, const std::string& args, bool with_stderr = true) {
  return run_shell(env + " " + std::string(RAFTSIM_BINARY) + " " + args +
                   (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

// A short, fault-free scenario (2 s of faults phase) for fast end-to-end tests.
inline constexpr const char* kShortCalm = R"({
  "format": "raftsim-scenario/1",
  "name": "short-calm",
  "description": "A short calm run for the CLI tests.",
  "duration_ms": 2000,
  "cluster": {"nodes": 3},
  "workload": {"clients": 2, "keys": 3}
})";

}  // namespace cli_test
