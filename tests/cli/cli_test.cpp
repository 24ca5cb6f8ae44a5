// End-to-end tests of the raftsim binary: exit codes and output of the basic commands.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "tests/cli/cli_run.h"

namespace {

using Outcome = cli_test::Piped;

Outcome run(const std::string& args) { return cli_test::run_piped("", args); }

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
       {"", "no-such-command", "demo --seeds 0", "demo --bogus-flag", "demo --nodes x",
        "run calm --seed -1", "demo --seed 18446744073709551616"}) {
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
