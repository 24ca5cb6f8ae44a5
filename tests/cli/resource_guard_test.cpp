// The per-seed resource guard (--seed-timeout-s, --seed-memory-mb) and the --jobs bound, end to
// end: an oversized run ends as "resource" (exit 7) naming the limit and the simulated time, a
// fuzz campaign counts such seeds apart from its failures, and an impossible --jobs is a usage
// error. The limits here are tiny on purpose; no assertion depends on the machine's speed beyond
// a run of a simulated hour (the longest a scenario may be) not finishing within a fraction of a
// second.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;

// A valid scenario of one simulated hour, the longest the loader accepts: seconds of wall time
// without the guard.
constexpr const char* kHour = R"({
  "format": "raftsim-scenario/1",
  "name": "hour",
  "description": "A calm hour, far longer than any guard in these tests allows.",
  "duration_ms": 3600000,
  "cluster": {"nodes": 3},
  "workload": {"clients": 2, "keys": 3}
})";

}  // namespace

TEST_CASE("resource guard: a run past its wall-time limit ends as resource, exit 7", "[guard]") {
  ScratchDir dir("guard-wall");
  dir.write("hour.json", kHour);
  const Result r = dir.raftsim("run hour.json --seed 1 --seed-timeout-s 0.3");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 7);
  CHECK_THAT(r.out, Catch::Matchers::Contains("resource"));
  CHECK_THAT(r.out, Catch::Matchers::Contains("wall-time limit of 0.3 s at simulated time"));
  CHECK_THAT(r.out, Catch::Matchers::Contains("linearizability skipped"));
}

TEST_CASE("resource guard: a run past its memory limit ends as resource, exit 7", "[guard]") {
  ScratchDir dir("guard-memory");
  dir.write("hour.json", kHour);
  const Result r = dir.raftsim("run hour.json --seed 1 --seed-memory-mb 1 --json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 7);
  CHECK_THAT(r.out, Catch::Matchers::Contains("memory limit of 1 MiB"));
}

TEST_CASE("resource guard: fuzz counts guarded seeds apart and says which limit and when",
          "[guard]") {
  ScratchDir dir("guard-fuzz");
  dir.write("hour.json", kHour);
  const Result text = dir.raftsim("fuzz hour.json --seeds 2 --jobs 1 --seed-timeout-s 0.3");
  INFO(text.out << text.err);
  CHECK(text.exit_code == 7);
  CHECK_THAT(text.out, Catch::Matchers::Contains("0 ok, 0 failed, 2 stopped by a resource limit"));
  CHECK_THAT(text.out, Catch::Matchers::Contains("seed 1 resource (resource limit): the run passed "
                                                 "its wall-time limit of 0.3 s at simulated time"));
  const Result json = dir.raftsim("fuzz hour.json --seeds 1 --jobs 1 --seed-timeout-s 0.3 --json");
  CHECK(json.exit_code == 7);
  const nlohmann::json summary = nlohmann::json::parse(json.out);
  CHECK(summary["resource_limited"] == 1);
  CHECK(summary["ok"] == 0);
  REQUIRE(summary["failures"].size() == 1);
  CHECK(summary["failures"][0]["status"] == "resource");
  // A run within its limits is judged as before: the default guard never fires on it.
  dir.write("short.json", cli_test::kShortCalm);
  CHECK(dir.raftsim("fuzz short.json --seeds 2 --jobs 1").exit_code == 0);
}

TEST_CASE("jobs bound: a --jobs the machine cannot start is a usage error, not a terminate",
          "[guard]") {
  ScratchDir dir("guard-jobs");
  for (const char* command : {"fuzz calm --seeds 1", "mutants --seeds 1", "lab --seeds 1"}) {
    const Result r = dir.raftsim(std::string(command) + " --jobs 100000");
    INFO(command << ": " << r.out << r.err);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Matchers::Contains("--jobs: got '100000', expected"));
    CHECK_THAT(r.err, Catch::Matchers::Contains("per hardware thread"));
  }
}
