// A failing lab program shows its failure (tests/lab/harness.h): a few lines with the seed, kind,
// fingerprint, the command that reproduces it and the directory of its artifacts (failure.txt,
// log.txt, trace.perfetto.json, events.jsonl, and for the KV labs history.json and .html). The
// raw trace events go to events.jsonl, never to the terminal; the reproduce command reproduces
// the run; the same failing seed twice writes the same artifacts.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/cli_run.h"

namespace {

namespace fs = std::filesystem;

// Runs `ENV COMMAND` in `dir` through a shell; `output` is stdout only (stderr is dropped).
cli_test::Piped run_in(const fs::path& dir, const std::string& env_and_command) {
  return cli_test::run_shell("cd '" + dir.string() + "' && " + env_and_command + " 2>/dev/null");
}

// "4462c6a74413a171" from "  seed 1, kind test, fingerprint 4462c6a74413a171, simulated ...".
std::string fingerprint_of(const std::string& out) {
  return cli_test::line_after(out, ", fingerprint ").substr(0, 16);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

const std::vector<std::string> kRaftFiles = {"failure.txt", "log.txt", "trace.perfetto.json",
                                             "events.jsonl"};

}  // namespace

TEST_CASE("lab failure: a failing test prints seed, kind, reproduce and artifacts, no raw events",
          "[cli][lab]") {
  const cli_test::ScratchDir dir("lab-failure");
  const cli_test::Piped o =
      run_in(dir.path(), std::string("RAFTSIM_IMPL=skeleton RAFTSIM_SEED=3 ") + RAFTSIM_LAB_3A +
                             " TestInitialElection3A");
  INFO(o.output);
  CHECK(o.exit_code != 0);
  CHECK_THAT(o.output, Catch::Contains("TestInitialElection3A failed on seed 3 with implementation "
                                       "skeleton:\nexpected one leader, got none\n  seed 3, kind "
                                       "test, fingerprint "));
  CHECK(cli_test::line_after(o.output, "  reproduce: ") ==
        std::string("RAFTSIM_SEED=3 RAFTSIM_IMPL=skeleton ") + RAFTSIM_LAB_3A +
            " TestInitialElection3A");
  CHECK(cli_test::line_after(o.output, "  artifacts: ") ==
        "raftsim-lab-failures/TestInitialElection3A-skeleton-seed3 (failure.txt, log.txt, "
        "trace.perfetto.json, events.jsonl)");
  CHECK_THAT(o.output, !Catch::Contains("\"at_ns\"") && !Catch::Contains("last trace events"));

  const fs::path artifacts =
      dir.path() / "raftsim-lab-failures/TestInitialElection3A-skeleton-seed3";
  for (const std::string& file : kRaftFiles) CHECK(fs::file_size(artifacts / file) > 0);
  const std::string failure = cli_test::read_text(artifacts / "failure.txt");
  CHECK_THAT(failure, Catch::Contains("kind: test\n") &&
                          Catch::Contains("fingerprint: " + fingerprint_of(o.output) + "\n") &&
                          Catch::Contains("(identical)") &&
                          Catch::Contains("expected one leader, got none"));
  // Every line of events.jsonl is one event; the Perfetto trace is one JSON object.
  for (const std::string& line : lines_of(cli_test::read_text(artifacts / "events.jsonl"))) {
    CHECK(nlohmann::json::parse(line).contains("at_ns"));
  }
  const nlohmann::json perfetto =
      nlohmann::json::parse(cli_test::read_text(artifacts / "trace.perfetto.json"));
  CHECK(perfetto["traceEvents"].size() > 0);
  CHECK_THAT(cli_test::read_text(artifacts / "log.txt"), Catch::Contains("s0 restart"));
}

TEST_CASE("lab failure: the reproduce command reproduces the failure and its fingerprint",
          "[cli][lab]") {
  const cli_test::ScratchDir dir("lab-reproduce");
  const cli_test::Piped first =
      run_in(dir.path(),
             std::string("RAFTSIM_KV=skeleton RAFTSIM_SEED=2 ") + RAFTSIM_LAB_4A + " TestBasic4A");
  INFO(first.output);
  const std::string reproduce = cli_test::line_after(first.output, "  reproduce: ");
  CHECK(reproduce == std::string("RAFTSIM_SEED=2 RAFTSIM_IMPL=reference RAFTSIM_KV=skeleton ") +
                         RAFTSIM_LAB_4A + " TestBasic4A");
  const cli_test::Piped again = run_in(dir.path(), "RAFTSIM_LAB_ARTIFACTS=again " + reproduce);
  INFO(again.output);
  CHECK(again.exit_code == first.exit_code);
  REQUIRE(fingerprint_of(first.output).size() == 16);
  CHECK(fingerprint_of(again.output) == fingerprint_of(first.output));
  // The KV labs picture the client history too.
  const fs::path artifacts = dir.path() / "raftsim-lab-failures/TestBasic4A-kv-skeleton-seed2";
  CHECK(nlohmann::json::parse(cli_test::read_text(artifacts / "history.json"))["format"] ==
        "raftsim-history/1");
  CHECK_THAT(cli_test::read_text(artifacts / "history.html"), Catch::Contains("<html"));
}

TEST_CASE("lab failure: the same failing seed twice writes the same artifacts", "[cli][lab]") {
  const cli_test::ScratchDir dir("lab-determinism");
  const std::string command =
      std::string("RAFTSIM_KV=skeleton RAFTSIM_SEED=1 ") + RAFTSIM_LAB_4A + " TestBasic4A";
  const cli_test::Piped one = run_in(dir.path(), "RAFTSIM_LAB_ARTIFACTS=one " + command);
  const cli_test::Piped two = run_in(dir.path(), "RAFTSIM_LAB_ARTIFACTS=two " + command);
  REQUIRE(fingerprint_of(one.output).size() == 16);
  CHECK(fingerprint_of(one.output) == fingerprint_of(two.output));
  const std::string name = "TestBasic4A-kv-skeleton-seed1";
  // The picture says how long its check took in wall time: the one figure that may differ.
  const std::regex wall("checked in [0-9.]+ ms");
  for (const char* file : {"failure.txt", "log.txt", "trace.perfetto.json", "events.jsonl",
                           "history.json", "history.html"}) {
    INFO(file);
    const std::string a = cli_test::read_text(dir.path() / "one" / name / file);
    CHECK_FALSE(a.empty());
    const std::string b = cli_test::read_text(dir.path() / "two" / name / file);
    CHECK(std::regex_replace(a, wall, "") == std::regex_replace(b, wall, ""));
  }
}

TEST_CASE("lab failure: RAFTSIM_LOG picks log.txt's topics and is validated", "[cli][lab]") {
  const cli_test::ScratchDir dir("lab-log");
  const std::string command =
      std::string("RAFTSIM_KV=skeleton RAFTSIM_SEED=1 ") + RAFTSIM_LAB_4A + " TestBasic4A";
  run_in(dir.path(), "RAFTSIM_LOG=role " + command);
  const std::vector<std::string> lines = lines_of(cli_test::read_text(
      dir.path() / "raftsim-lab-failures/TestBasic4A-kv-skeleton-seed1/log.txt"));
  REQUIRE_FALSE(lines.empty());
  for (const std::string& line : lines) CHECK_THAT(line, Catch::Contains(" ROLE "));
  const cli_test::Piped bad = run_in(dir.path(), "RAFTSIM_LOG=votes " + command);
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.output, Catch::Contains("RAFTSIM_LOG=votes: unknown log topic 'votes'"));
}
