// --kv end to end: the KV service is chosen by name, recorded in the failure report, and replay
// runs the report's service (or another one, as a comparison).
#include <catch2/catch.hpp>
#include <string>

#include "tests/cli/cli_run.h"

TEST_CASE("cli: --kv skeleton fails linearizability, and replay runs the report's KV service",
          "[cli]") {
  const cli_test::ScratchDir dir("kv-option");
  dir.write("short.json", cli_test::kShortCalm);
  const cli_test::Result run = dir.raftsim("run short.json --kv skeleton --report report.json");
  CHECK(run.exit_code == 2);  // the skeleton answers without Raft: Gets read ""
  CHECK_THAT(run.out, Catch::Contains("impl reference kv skeleton: linearizability"));
  CHECK_THAT(cli_test::read_text(dir.path() / "report.json"),
             Catch::Contains("\"kv\": \"skeleton\""));

  const cli_test::Result replay = dir.raftsim("replay report.json");
  CHECK(replay.exit_code == 2);
  CHECK_THAT(replay.out, Catch::Contains("failure reproduced, fingerprint identical"));

  const cli_test::Result other = dir.raftsim("replay report.json --kv reference");
  CHECK(other.exit_code == 0);
  CHECK_THAT(other.out,
             Catch::Contains("with other code (the report ran impl reference kv skeleton): fixed: "
                             "the failure is gone (linearizability then, ok now)"));
}

TEST_CASE("cli: an unknown --kv is a usage error naming the known services", "[cli]") {
  const cli_test::ScratchDir dir("kv-unknown");
  for (const char* args :
       {"run calm --kv nosuch", "fuzz calm --seeds 1 --kv nosuch", "lab --part 3A --kv nosuch"}) {
    INFO(args);
    const cli_test::Result result = dir.raftsim(args);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.err,
               Catch::Contains("nosuch") && Catch::Contains("(known: reference, skeleton)"));
  }
}
