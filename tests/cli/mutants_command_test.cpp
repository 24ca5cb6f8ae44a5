// End-to-end tests of `raftsim mutants`: the catalogue, and --detect's availability comparison,
// which must not call a mutant detected before the paired seeds make it significant.
#include <sstream>

#include "raft/mutant.h"
#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;

// The row of `name` in the --detect table, split into words.
std::vector<std::string> row(const std::string& table, const std::string& name) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string word; words >> word;) fields.push_back(word);
    if (!fields.empty() && fields[0] == name) return fields;
  }
  return {};
}

}  // namespace

TEST_CASE("mutants: the catalogue lists every mutant with its expected symptom", "[cli]") {
  const ScratchDir dir("mutants-list");
  const Result result = dir.raftsim("mutants --markdown catalogue.md");
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  for (const raft::MutantInfo& info : raft::mutants()) {
    CHECK(result.out.find(info.name + " ") != std::string::npos);
  }
  CHECK(result.out.find("expect: ") != std::string::npos);
  const std::string markdown = cli_test::read_text(dir.path() / "catalogue.md");
  CHECK(markdown.find("| `stale-reply` | raft |") != std::string::npos);
  CHECK(markdown.find("## Detection") == std::string::npos);  // no --detect, no table
}

TEST_CASE("mutants: three seeds cannot make an availability difference significant", "[cli]") {
  // The smallest one-sided sign-test p over 3 paired seeds is 1/8, far above 0.001: the mutant
  // that fails no run stays undetected, and the command says so with exit 1.
  const ScratchDir dir("mutants-few-seeds");
  const Result result = dir.raftsim("mutants --detect --scenario mutants --seeds 3 --jobs 2");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  const std::vector<std::string> timer = row(result.out, "reset-timer-every-rpc");
  REQUIRE(timer.size() >= 3);
  CHECK(timer[1] == "no");
  const std::vector<std::string> reference = row(result.out, "reference");
  REQUIRE(reference.size() >= 3);
  CHECK(reference[1] == "no");
  const std::vector<std::string> quorum = row(result.out, "no-prev-check");
  REQUIRE(quorum.size() >= 3);
  CHECK(quorum[1] == "yes");
}

TEST_CASE("mutants: --only runs just the named mutants and the reference", "[cli]") {
  const ScratchDir dir("mutants-only");
  const Result result =
      dir.raftsim("mutants --detect --scenario mutants --seeds 1 --jobs 2 --only no-prev-check");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(row(result.out, "no-prev-check").size() >= 3);
  CHECK(row(result.out, "reference").size() >= 3);
  CHECK(row(result.out, "figure8-commit").empty());
  CHECK(row(result.out, "leader-not-counted").empty());
  const Result unknown = dir.raftsim("mutants --detect --seeds 1 --only no-such-bug");
  CHECK(unknown.exit_code == 64);
  CHECK(unknown.err.find("unknown mutant 'no-such-bug' in --only") != std::string::npos);
}

TEST_CASE("mutants: a mutant's failure replayed with --mutant none passes on the clean code",
          "[cli]") {
  const ScratchDir dir("mutants-replay");
  const Result failed =
      dir.raftsim("run mutants --seed 1 --mutant no-prev-check --report failure.json");
  INFO(failed.out << failed.err);
  REQUIRE(failed.exit_code == 1);  // safety
  const Result clean = dir.raftsim("replay failure.json --mutant none");
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("with other code (the report ran impl reference mutant no-prev-check): "
                       "fixed: the failure is gone (safety then, ok now)") != std::string::npos);
  const Result again = dir.raftsim("replay failure.json");
  CHECK(again.exit_code == 1);
  CHECK(again.out.find("failure reproduced, fingerprint identical") != std::string::npos);
}

TEST_CASE("mutants: --shrink shrinks each first failure and sums up against the goal", "[cli]") {
  const ScratchDir dir("mutants-shrink");
  const Result result = dir.raftsim(
      "mutants --detect --seeds 5 --jobs 2 --shrink --only majority-off-by-one "
      "fixed-election-timeout --markdown m.md");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  // "faults 8 -> 3", "operations 2 -> 0", "shrink s (runs)": before and after, and its cost.
  const std::vector<std::string> majority = row(result.out, "majority-off-by-one");
  REQUIRE(majority.size() >= 13);
  CHECK(majority[majority.size() - 8] == "->");
  CHECK(majority[majority.size() - 5] == "->");
  CHECK(row(result.out, "reference")[8] == "-");  // nothing failed, nothing shrunk
  CHECK_THAT(result.out, Catch::Contains("shrunk failures: 2 of 2 meet every goal") &&
                             Catch::Contains("fault events after shrinking: median ") &&
                             Catch::Contains("shrink wall time: median "));
  const std::string markdown = cli_test::read_text(dir.path() / "m.md");
  CHECK_THAT(markdown, Catch::Contains("| shrink s (runs) |") &&
                           Catch::Contains("- shrunk failures: 2 of 2 meet every goal"));
}
