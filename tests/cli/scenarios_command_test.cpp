// End-to-end tests of `raftsim scenarios` and `raftsim bench`.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run.h"

using cli_test::Result;
using cli_test::ScratchDir;

TEST_CASE("scenarios: lists every library scenario with its description", "[scenarios]") {
  ScratchDir dir("scenarios-list");
  const Result r = dir.raftsim("scenarios");
  CHECK(r.exit_code == 0);
  for (const char* name : {"calm", "lossy", "partitions", "crash-restart", "slow-disk",
                           "clock-drift", "figure8", "churn", "chaos", "default"}) {
    INFO(name);
    CHECK_THAT(r.out, Catch::Contains(std::string("\n") + name + " ") ||
                          Catch::StartsWith(std::string(name) + " "));
  }
  CHECK_THAT(r.out, Catch::Contains("Five nodes on a reliable, fast network"));
}

TEST_CASE("scenarios: show prints the named scenario's JSON", "[scenarios]") {
  ScratchDir dir("scenarios-show");
  const Result r = dir.raftsim("scenarios show partitions");
  CHECK(r.exit_code == 0);
  const nlohmann::json scenario = nlohmann::json::parse(r.out);
  CHECK(scenario["name"] == "partitions");
  CHECK(scenario["format"] == "raftsim-scenario/1");
}

TEST_CASE("scenarios: show of an unknown name exits 65 naming the known ones", "[scenarios]") {
  ScratchDir dir("scenarios-unknown");
  const Result r = dir.raftsim("scenarios show no-such");
  CHECK(r.exit_code == 65);
  CHECK_THAT(r.err, Catch::StartsWith("raftsim: unknown scenario 'no-such'") &&
                        Catch::Contains("calm, chaos"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
}

TEST_CASE("bench: prints speed figures per scenario as a table or JSON", "[bench]") {
  ScratchDir dir("bench");
  dir.write("short.json", cli_test::kShortCalm);
  const Result json_run = dir.raftsim("bench short.json --seeds 2 --json");
  CHECK(json_run.exit_code == 0);
  const nlohmann::json figures = nlohmann::json::parse(json_run.out)["scenarios"].at(0);
  CHECK(figures["scenario"] == "short.json");
  CHECK(figures["seeds"] == 2);
  CHECK(figures["sim_s"].get<double>() >= 4.0);
  CHECK(figures["events_per_s"].get<double>() > 0);
  CHECK(figures["messages_per_s"].get<double>() > 0);
  CHECK(figures["sim_s_per_wall_s"].get<double>() > 0);
  CHECK(figures["seeds_per_minute_per_core"].get<double>() > 0);
  CHECK(figures["monitor_polls"].get<uint64_t>() > 0);
  CHECK(figures["leaderless_polls"].get<uint64_t>() <= figures["monitor_polls"].get<uint64_t>());
  CHECK(nlohmann::json::parse(json_run.out)["impl"] == "reference");
  const Result table = dir.raftsim("bench short.json --seeds 1");
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("events/s") && Catch::Contains("sim s/wall s") &&
                            Catch::Contains("seeds/min/core") && Catch::Contains("short.json"));
  CHECK_THAT(table.out, Catch::Contains("leaderless %") && Catch::Contains("impl reference"));
  CHECK(dir.raftsim("bench no-such-scenario").exit_code == 65);
  // The code under test is picked as everywhere else; an unknown name is a usage error.
  const Result skeleton = dir.raftsim("bench short.json --seeds 1 --impl skeleton --json");
  CHECK(skeleton.exit_code == 0);
  CHECK(nlohmann::json::parse(skeleton.out)["impl"] == "skeleton");
  const Result unknown = dir.raftsim("bench short.json --impl no-such-raft");
  CHECK(unknown.exit_code == 64);
  CHECK_THAT(unknown.err, Catch::Contains("no-such-raft"));
}
