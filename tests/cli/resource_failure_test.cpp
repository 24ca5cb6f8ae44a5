// Resource exhaustion end to end: a Raft that floods fibers ("flood", tests/lab/flood_raft.cpp)
// ends as kind "resource" with exit 7, its seed and the command that reproduces it, under run,
// replay, fuzz and lab, and the fiber cap's option and environment variable are validated.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/cli/cli_run.h"

namespace {

// Runs `ENV PROGRAM ARGS` in `dir` through a shell; `output` is stdout, then stderr.
cli_test::Piped run_in(const std::filesystem::path& dir, const std::string& env,
                       const std::string& program, const std::string& args) {
  return cli_test::run_shell("cd '" + dir.string() + "' && " + env + " " + program + " " + args +
                             " 2>&1");
}

cli_test::Piped flood(const std::filesystem::path& dir, const std::string& env,
                      const std::string& args) {
  return run_in(dir, env, RAFTSIM_FLOOD_BINARY, args);
}

}  // namespace

TEST_CASE("cli resource: a Raft flooding fibers ends a run as resource with seed and reproduce",
          "[cli][resource]") {
  const cli_test::ScratchDir dir("resource-run");
  const cli_test::Piped o =
      flood(dir.path(), "", "run calm --seed 4 --impl flood --fibers-max 300");
  INFO(o.output);
  CHECK(o.exit_code == 7);
  CHECK_THAT(o.output, Catch::Contains("calm seed 4 impl flood: resource"));
  CHECK_THAT(o.output, Catch::Matches("(.|\n)*failure: resource \\(resource limit\\) at [^\n]*: "
                                      "fiber cap reached: node 's[0-4]' spawned fiber "
                                      "'AppendEntries' with 300 fibers alive(.|\n)*"));
  const std::string reproduce = cli_test::line_after(o.output, "  reproduce: ");
  CHECK(reproduce == "raftsim run calm --seed 4 --impl flood --fibers-max 300");
  // The reproduce line runs the same run: the same outcome and fingerprint.
  const std::string fingerprint = cli_test::line_after(o.output, "  fingerprint ");
  REQUIRE(fingerprint.size() == 16);
  const cli_test::Piped again =
      flood(dir.path(), "", reproduce.substr(std::string("raftsim ").size()));
  CHECK(again.exit_code == 7);
  CHECK(cli_test::line_after(again.output, "  fingerprint ") == fingerprint);
}

TEST_CASE("cli resource: RAFTSIM_FIBERS_MAX sets the cap, and the reproduce line keeps it",
          "[cli][resource]") {
  const cli_test::ScratchDir dir("resource-env");
  const cli_test::Piped o =
      flood(dir.path(), "RAFTSIM_FIBERS_MAX=200", "run calm --seed 2 --impl flood");
  INFO(o.output);
  CHECK(o.exit_code == 7);
  CHECK_THAT(o.output, Catch::Contains("with 200 fibers alive"));
  CHECK(cli_test::line_after(o.output, "  reproduce: ") ==
        "raftsim run calm --seed 2 --impl flood --fibers-max 200");
}

TEST_CASE("cli resource: fuzz counts flooding seeds as resource, writes reports, replay matches",
          "[cli][resource]") {
  const cli_test::ScratchDir dir("resource-fuzz");
  const cli_test::Piped o =
      flood(dir.path(), "", "fuzz calm --impl flood --seeds 2 --jobs 1 --fibers-max 300 --out out");
  INFO(o.output);
  CHECK(o.exit_code == 7);
  CHECK_THAT(o.output, Catch::Contains("2 stopped by a resource limit") &&
                           Catch::Contains("fiber cap reached"));
  const std::filesystem::path report = dir.path() / "out" / "calm-seed1.json";
  REQUIRE(std::filesystem::exists(report));
  const nlohmann::json j = nlohmann::json::parse(cli_test::read_text(report));
  CHECK(j["status"] == "resource");
  CHECK(j["fibers_max"] == 300);
  CHECK_THAT(j["failure"]["message"].get<std::string>(), Catch::Contains("fiber cap reached"));
  // The report keeps the cap, so replaying it reproduces the failure and the fingerprint.
  const cli_test::Piped replayed = flood(dir.path(), "", "replay out/calm-seed1.json");
  INFO(replayed.output);
  CHECK(replayed.exit_code == 7);
  CHECK_THAT(replayed.output, Catch::Contains("failure reproduced, fingerprint identical"));
  CHECK_THAT(replayed.output, Catch::Contains("  reproduce: raftsim replay out/calm-seed1.json\n"));
}

TEST_CASE("cli resource: --fibers-max and RAFTSIM_FIBERS_MAX refuse 0, negatives and garbage",
          "[cli][resource]") {
  const cli_test::ScratchDir dir("resource-usage");
  for (const char* value : {"0", "-3", "abc", "10000001"}) {
    for (const char* command : {"run calm", "replay nothing.json", "fuzz calm --seeds 1", "lab"}) {
      const cli_test::Piped o =
          flood(dir.path(), "", std::string(command) + " --fibers-max " + value);
      INFO(command << " --fibers-max " << value << "\n" << o.output);
      CHECK(o.exit_code == 64);
      CHECK_THAT(o.output, Catch::Contains(std::string("--fibers-max: got '") + value +
                                           "' (from --fibers-max or $RAFTSIM_FIBERS_MAX), "
                                           "expected a whole number of fibers from 1 to "
                                           "10000000"));
    }
    const cli_test::Piped o =
        flood(dir.path(), std::string("RAFTSIM_FIBERS_MAX=") + value, "run calm");
    INFO("RAFTSIM_FIBERS_MAX=" << value << "\n" << o.output);
    CHECK(o.exit_code == 64);
    CHECK_THAT(o.output, Catch::Contains("$RAFTSIM_FIBERS_MAX"));
  }
}

TEST_CASE("cli resource: raftsim lab reports a flooding Raft as resource, exit 7",
          "[cli][resource][lab]") {
  const cli_test::ScratchDir dir("resource-lab");
  // The tests' flooding 3A program, as this raftsim's lab_3a.
  std::filesystem::create_directories(dir.path() / "labs");
  std::filesystem::create_symlink(RAFTSIM_LAB_3A_FLOOD, dir.path() / "labs" / "lab_3a");
  const cli_test::Piped o =
      flood(dir.path(), "",
            "lab --lab-dir labs --part 3A --test TestInitialElection3A --impl flood "
            "--fibers-max 300 --quiet");
  INFO(o.output);
  CHECK(o.exit_code == 7);
  CHECK_THAT(o.output, Catch::Contains("RAFTSIM_SEED=1 RAFTSIM_IMPL=flood RAFTSIM_FIBERS_MAX=300 "
                                       "labs/lab_3a TestInitialElection3A\n") &&
                           Catch::Contains("resource failure at") &&
                           Catch::Contains("fiber cap reached"));
  const std::string artifacts = cli_test::line_after(o.output, "      artifacts: ");
  CHECK(artifacts == "raftsim-lab-failures/TestInitialElection3A-flood-seed1");
  CHECK(std::filesystem::exists(dir.path() / artifacts / "failure.txt"));
  // --json carries each failure's kind and artifact directory.
  const cli_test::Piped j =
      flood(dir.path(), "",
            "lab --lab-dir labs --part 3A --test TestInitialElection3A --impl flood "
            "--fibers-max 300 --json --quiet");
  INFO(j.output);
  CHECK(j.exit_code == 7);
  const nlohmann::json failure = nlohmann::json::parse(j.output)["tests"][0]["failures"][0];
  CHECK(failure["kind"] == "resource");
  CHECK(failure["artifacts"] == artifacts);
}
