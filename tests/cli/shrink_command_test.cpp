// End-to-end tests of `raftsim shrink`. The reference Raft has no bugs, so the failing run comes
// from a deliberately failing scenario (tests/cli/data/liveness_after_crash_all.json): the whole
// cluster is down when the faulty phase ends and the liveness bound is 1 ms, while its twenty-odd
// other fault events are benign. The shrinker must keep the crash and drop the rest, down to a
// one-node cluster: a crash of the whole cluster fails the same way on any size.
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;
using nlohmann::json;

const std::string kFailing = std::string(RAFTSIM_CLI_DATA_DIR) + "/liveness_after_crash_all.json";

}  // namespace

TEST_CASE("shrink: a failing report shrinks to the crash, and the shrunk report replays",
          "[shrink]") {
  ScratchDir dir("shrink");
  const Result run = dir.raftsim("run '" + kFailing + "' --seed 5 --report r.json");
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 3);  // liveness

  const Result shrunk = dir.raftsim("shrink r.json");
  INFO(shrunk.out << shrunk.err);
  REQUIRE(shrunk.exit_code == 0);
  CHECK(shrunk.out.find("before: 26 fault events, 3 clients") != std::string::npos);
  // The whole cluster down at the heal is what a fresh start looks like too: with the run cut
  // to 1 ms (the first phase), no fault is needed for no leader within the 1 ms bound.
  CHECK(shrunk.out.find("run cut at (ms): 4000 -> 1") != std::string::npos);
  CHECK(shrunk.out.find("after:  3 fault events, 0 clients, 0 operations") != std::string::npos);
  CHECK(shrunk.out.find("nodes 3 -> 1; fault kinds partition, crash_all, clog,") !=
        std::string::npos);
  CHECK(shrunk.out.find(" -> none\n") != std::string::npos);

  const json report = json::parse(cli_test::read_text(dir.path() / "r.json.shrunk.json"));
  CHECK(report["status"] == "liveness");
  CHECK(report["failure"]["property"] == "leader after heal");
  const json& timeline = report["scenario"]["faults"]["timeline"];
  REQUIRE(timeline.size() == 3);  // only the closing heal-everything
  CHECK(timeline[0]["fault"] == "heal");
  CHECK(timeline[1]["fault"] == "restart_all");
  CHECK(timeline[2]["fault"] == "burst_end");
  CHECK(report["scenario"]["workload"]["clients"] == 0);
  CHECK(report["scenario"]["cluster"]["nodes"] == 1);
  CHECK(report["scenario"]["duration_ms"] == 1);
  // The shrunk run's picture beside it: its one server, the crash, the failure.
  CHECK_THAT(shrunk.out, Catch::Contains("run picture: r.json.shrunk.html"));
  const std::string picture = cli_test::read_text(dir.path() / "r.json.shrunk.html");
  CHECK_THAT(picture, Catch::Contains("(shrunk) seed 5") &&
                          Catch::Contains("\"property\":\"leader after heal\"") &&
                          Catch::Contains("heal_all"));

  const Result replay = dir.raftsim("replay r.json.shrunk.json --json");
  INFO(replay.out << replay.err);
  CHECK(replay.exit_code == 3);  // the failure's own exit code
  const json replayed = json::parse(replay.out);
  CHECK(replayed["same_failure"] == true);
  CHECK(replayed["same_fingerprint"] == true);
  CHECK(replayed["fingerprint"] == report["fingerprint"]);
}

TEST_CASE("shrink: --out, --json and the run budget", "[shrink]") {
  ScratchDir dir("shrink-json");
  REQUIRE(dir.raftsim("run '" + kFailing + "' --seed 2 --report r.json").exit_code == 3);
  const Result one = dir.raftsim("shrink r.json --out small.json --runs-max 1 --json");
  INFO(one.out << one.err);
  REQUIRE(one.exit_code == 0);
  const json summary = json::parse(one.out);
  CHECK(summary["runs"] == 1);  // only the reproduction: nothing could shrink
  CHECK(summary["budget_exhausted"] == true);
  CHECK(summary["before"] == summary["after"]);
  CHECK(dir.raftsim("replay small.json").exit_code == 3);

  const Result full = dir.raftsim("shrink r.json --out small.json --json --time-budget-s 60");
  const json result = json::parse(full.out);
  CHECK(result["after"]["fault_events"].get<int>() < result["before"]["fault_events"].get<int>());
  CHECK(result["budget_exhausted"] == false);
  CHECK(result["picture"] == "small.html");
  CHECK(result["candidates_invalid"] == 0);
  CHECK(result["before"]["nodes"] == 3);
  CHECK(result["after"]["nodes"] == 1);
  CHECK(result["after"]["kinds"] == json::array());
  CHECK(result["before"]["kinds"].size() > 1);
}

TEST_CASE("shrink: a passing report, a missing file and bad arguments are refused", "[shrink]") {
  ScratchDir dir("shrink-bad");
  dir.write("short.json", cli_test::kShortCalm);
  REQUIRE(dir.raftsim("run short.json --report ok.json").exit_code == 0);
  const Result ok = dir.raftsim("shrink ok.json");
  CHECK(ok.exit_code == 65);
  CHECK(ok.err.find("nothing to shrink") != std::string::npos);
  CHECK(dir.raftsim("shrink missing.json").exit_code == 65);
  CHECK(dir.raftsim("shrink ok.json --time-budget-s -1").exit_code == 64);
}
