// End-to-end tests of `raftsim lab`: it runs the built lab programs (lab_3a) as child processes
// and reports pass rates, reproduce commands and exit codes.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_run.h"

namespace {

using Outcome = cli_test::Piped;

// Runs raftsim with `args` (and environment assignments `env`, e.g. "A=1"); `output` is stdout,
// with stderr too when `with_stderr`.
Outcome run_with_env(const std::string& env, const std::string& args, bool with_stderr = true) {
  return cli_test::run_piped(env, args, with_stderr);
}

Outcome run(const std::string& args, bool with_stderr = true) {
  return run_with_env("", args, with_stderr);
}

size_t line_count(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("cli lab: 3A passes on two seeds and the table lists its three tests", "[cli][lab]") {
  const Outcome o = run("lab --part 3A --seeds 2 --jobs 2", false);
  INFO(o.output);
  CHECK(o.exit_code == 0);
  for (const char* test : {"TestInitialElection3A", "TestReElection3A", "TestManyElections3A"}) {
    CHECK_THAT(o.output,
               Catch::Matches("(.|\n)*\n" + std::string(test) + " +3A +2/2 +100\\.0%(.|\n)*"));
  }
  CHECK_THAT(o.output, Catch::Contains("runs: 6, passed: 6, failed: 0"));
  CHECK_THAT(o.output, !Catch::Contains("RAFTSIM_SEED="));
}

TEST_CASE("cli lab: the skeleton fails with a reproduce command and exit 1", "[cli][lab]") {
  const Outcome o = run("lab --impl skeleton --part 3A --test TestInitialElection3A", false);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Catch::Matches("(.|\n)*TestInitialElection3A +3A +0/1 +0\\.0%(.|\n)*"));
  CHECK_THAT(o.output, Catch::Contains("RAFTSIM_SEED=1 RAFTSIM_IMPL=skeleton ") &&
                           Catch::Contains("lab_3a TestInitialElection3A\n") &&
                           Catch::Contains("expected one leader, got none"));
  CHECK_THAT(o.output, Catch::Contains("runs: 1, passed: 0, failed: 1"));
}

TEST_CASE("cli lab: the mutant and seed range reach the reproduce command", "[cli][lab]") {
  const Outcome o =
      run("lab --impl skeleton --mutant none --part 3a --test TestReElection3A --seed-start 7 "
          "--seeds 2 --quiet",
          false);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output,
             Catch::Contains("RAFTSIM_SEED=7 RAFTSIM_IMPL=skeleton RAFTSIM_MUTANT=none ") &&
                 Catch::Contains("RAFTSIM_SEED=8 RAFTSIM_IMPL=skeleton RAFTSIM_MUTANT=none "));
}

TEST_CASE("cli lab: --json prints one object with runs, passes and failures", "[cli][lab]") {
  const Outcome o =
      run("lab --json --impl skeleton --part 3A --test TestInitialElection3A --seeds 2", false);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK(line_count(o.output) == 1);
  const nlohmann::json report = nlohmann::json::parse(o.output);
  CHECK(report["format"] == "raftsim-lab/1");
  CHECK(report["impl"] == "skeleton");
  CHECK(report["runs"] == 2);
  CHECK(report["passes"] == 0);
  REQUIRE(report["tests"].size() == 1);
  const nlohmann::json& test = report["tests"][0];
  CHECK(test["test"] == "TestInitialElection3A");
  CHECK(test["part"] == "3A");
  CHECK(test["runs"] == 2);
  CHECK(test["passes"] == 0);
  CHECK(test["wall_ms_median"].is_number());
  REQUIRE(test["failures"].size() == 2);
  CHECK(test["failures"][0]["seed"] == 1);
  CHECK(test["failures"][1]["seed"] == 2);
  CHECK_THAT(test["failures"][1]["reproduce"].get<std::string>(),
             Catch::StartsWith("RAFTSIM_SEED=2 RAFTSIM_IMPL=skeleton ") &&
                 Catch::EndsWith("lab_3a TestInitialElection3A"));
  CHECK(test["failures"][0]["message"] == "expected one leader, got none");

  const Outcome pass = run("lab --json --part 3A --test TestReElection3A", false);
  CHECK(pass.exit_code == 0);
  const nlohmann::json passed = nlohmann::json::parse(pass.output);
  CHECK(passed["tests"][0]["passes"] == 1);
  CHECK(passed["tests"][0]["failures"].empty());
}

TEST_CASE("cli lab: the lab directory comes from --lab-dir, else RAFTSIM_LAB_DIR", "[cli][lab]") {
  const std::string one = " lab --part 3A --test TestInitialElection3A";
  CHECK(run_with_env("", "lab --lab-dir " RAFTSIM_LAB_DIR " --part 3A --test TestInitialElection3A")
            .exit_code == 0);
  CHECK(run_with_env("RAFTSIM_LAB_DIR=" RAFTSIM_LAB_DIR, one).exit_code == 0);
  const Outcome missing = run_with_env("RAFTSIM_LAB_DIR=/no/such/dir", one);
  CHECK(missing.exit_code == 64);
  CHECK_THAT(missing.output, Catch::Contains("/no/such/dir (from RAFTSIM_LAB_DIR) does not exist"));
  CHECK(
      run_with_env("RAFTSIM_LAB_DIR=/no/such/dir", "lab --lab-dir " RAFTSIM_LAB_DIR + one.substr(4))
          .exit_code == 0);
  const Outcome no_program = run_with_env("", "lab --lab-dir / --part 3A");
  CHECK(no_program.exit_code == 64);
  CHECK_THAT(no_program.output, Catch::Contains("part 3A: no lab program /lab_3a"));
}

TEST_CASE("cli lab: a program that lists no tests is bad input (65)", "[cli][lab]") {
  char dir_template[] = "/tmp/raftsim-lab-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  REQUIRE(dir != nullptr);
  const std::string program = std::string(dir) + "/lab_3a";
  REQUIRE(symlink("/bin/true", program.c_str()) == 0);
  const Outcome o = run_with_env("", "lab --lab-dir " + std::string(dir));
  CHECK(o.exit_code == 65);
  CHECK_THAT(o.output, Catch::Contains("lists no tests"));
  CHECK(line_count(o.output) == 1);
  unlink(program.c_str());
  rmdir(dir);
}

TEST_CASE("cli lab: a run past --timeout-s is killed and a crash names its signal", "[cli][lab]") {
  char dir_template[] = "/tmp/raftsim-lab-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  REQUIRE(dir != nullptr);
  // A stand-in lab program: Catch2's listing, then one test that hangs and one that crashes.
  const std::string program = std::string(dir) + "/lab_3b";
  FILE* file = fopen(program.c_str(), "w");
  REQUIRE(file != nullptr);
  fputs(
      "#!/bin/sh\n"
      "if [ \"$1\" = --list-test-names-only ]; then printf 'TestHang3B\\nTestCrash3B\\n'; exit 2; "
      "fi\n"
      "case \"$3\" in\n"
      "  TestHang3B) exec sleep 60 ;;\n"
      "  TestCrash3B) echo 'stack overflow in fiber applier'; kill -SEGV $$ ;;\n"
      "esac\n",
      file);
  fclose(file);
  REQUIRE(chmod(program.c_str(), 0755) == 0);
  const Outcome o = run_with_env("", "lab --lab-dir " + std::string(dir) + " --timeout-s 1", false);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Catch::Contains("lab_3b TestHang3B\n      timed out after 1 s\n"));
  CHECK_THAT(o.output, Catch::Contains("lab_3b TestCrash3B\n      killed by signal 11 "));
  CHECK_THAT(o.output, Catch::Contains("last output: stack overflow in fiber applier"));
  unlink(program.c_str());
  rmdir(dir);
}

// A mutant that breaks only the Leader Commit Rule at first (it commits an earlier term's entry by
// counting replicas): the lab stops on it, and with the property ignored the same runs count the
// violations and go on, and their reproduce commands carry the property.
TEST_CASE("cli lab: --ignore-property counts a known bug's violations and goes on", "[cli][lab]") {
  const std::string args =
      "lab --mutant figure8-commit --part 3C --test TestFigure83C --seeds 2 --json";
  const Outcome stopped = run(args, false);
  INFO(stopped.output);
  REQUIRE(stopped.exit_code == 1);
  const nlohmann::json without = nlohmann::json::parse(stopped.output);
  REQUIRE(without["tests"][0]["failures"].size() == 2);
  for (const nlohmann::json& failure : without["tests"][0]["failures"]) {
    CHECK_THAT(failure["message"].get<std::string>(), Catch::Contains("Leader Commit Rule"));
  }
  CHECK(without["tests"][0]["runs_that_broke_ignored"] == 0);
  CHECK(without["ignored_properties"].empty());

  const Outcome ignoring = run(args + " --ignore-property 'Leader Commit Rule'", false);
  INFO(ignoring.output);
  const nlohmann::json with = nlohmann::json::parse(ignoring.output);
  CHECK(with["ignored_properties"] == nlohmann::json::array({"Leader Commit Rule"}));
  CHECK(with["tests"][0]["runs_that_broke_ignored"] == 2);
  for (const nlohmann::json& failure : with["tests"][0]["failures"]) {
    CHECK_THAT(failure["message"].get<std::string>(), !Catch::Contains("Leader Commit Rule"));
    CHECK_THAT(failure["reproduce"].get<std::string>(),
               Catch::Contains(" RAFTSIM_IGNORE_PROPERTY='Leader Commit Rule' "));
  }

  // Correct code breaks nothing it could ignore; the table says so in its own column.
  const Outcome clean =
      run("lab --part 3C --test TestFigure83C --ignore-property 'Leader Commit Rule' "
          "--ignore-property 'Vote Quorum'",
          false);
  INFO(clean.output);
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.output, Catch::Matches("(.|\n)*median wall ms  broke ignored\n"
                                          "TestFigure83C +3C +1/1 +100\\.0% +[0-9]+ +0\n(.|\n)*"));
  CHECK_THAT(clean.output, Catch::Contains(", ignoring Leader Commit Rule, Vote Quorum, jobs"));
}

// The lab program itself refuses a property it does not know, naming the variable.
TEST_CASE("cli lab: a lab program names a bad RAFTSIM_IGNORE_PROPERTY", "[cli][lab]") {
  const Outcome o = cli_test::run_shell(
      "RAFTSIM_SEED=1 RAFTSIM_IGNORE_PROPERTY='Leader Commit Rule,Liveness' " RAFTSIM_LAB_DIR
      "/lab_3a TestInitialElection3A 2>&1");
  INFO(o.output);
  CHECK(o.exit_code != 0);
  // (Catch2 wraps the message at 80 columns: the first line only.)
  CHECK_THAT(
      o.output,
      Catch::Contains("RAFTSIM_IGNORE_PROPERTY=Leader Commit Rule,Liveness: 'Liveness' is not a"));
}

TEST_CASE("cli lab: usage errors exit 64 with one line", "[cli][lab]") {
  for (const char* args :
       {"lab --part 5Z", "lab --seeds 0", "lab --jobs 0", "lab --bogus", "lab --impl no-such-impl",
        "lab --part 3A --test NoSuchTest", "lab --lab-dir /no/such/dir", "lab --timeout-s 0",
        "lab --seeds x", "lab --ignore-property Liveness"}) {
    INFO(args);
    const Outcome o = run(args);
    CHECK(o.exit_code == 64);
    CHECK_THAT(o.output, Catch::StartsWith("raftsim"));
    CHECK(line_count(o.output) == 1);
  }
}
