// End-to-end tests of the raftsim binary: exit codes and output of the basic commands.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run(const std::string& args) {
  const std::string command = std::string(RAFTSIM_BINARY) + " " + args + " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    outcome.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace

TEST_CASE("cli: version prints the version and commit", "[cli]") {
  const Outcome o = run("version");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Catch::StartsWith("raftsim 0.1.0 (commit "));
}

TEST_CASE("cli: --help lists the commands and exits 0", "[cli]") {
  const Outcome o = run("--help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Catch::Contains("version") && Catch::Contains("demo"));
}

TEST_CASE("cli: usage errors exit 64 with a one-line reason", "[cli]") {
  for (const char* args :
       {"", "no-such-command", "demo --seeds 0", "demo --bogus-flag", "demo --nodes x"}) {
    INFO(args);
    const Outcome o = run(args);
    CHECK(o.exit_code == 64);
    CHECK_THAT(o.output, Catch::StartsWith("raftsim: "));
    CHECK(std::count(o.output.begin(), o.output.end(), '\n') == 1);
  }
}

TEST_CASE("cli: demo prints a fingerprint that depends only on the seed", "[cli]") {
  const Outcome a = run("demo --seed 4 --seeds 3 --fingerprints");
  const Outcome b = run("demo --seed 4 --seeds 3 --fingerprints");
  CHECK(a.exit_code == 0);
  CHECK(a.output == b.output);
  CHECK(std::count(a.output.begin(), a.output.end(), '\n') == 3);
  const Outcome full = run("demo --seed 4");
  CHECK(full.exit_code == 0);
  CHECK_THAT(full.output, Catch::Contains("converged: yes") && Catch::Contains("fingerprint: "));
}
