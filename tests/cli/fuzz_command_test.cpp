// End-to-end tests of `raftsim fuzz`: they run the built binary on a short scenario with few
// seeds. Failing seeds come from the "skeleton" implementation, which never elects a leader and
// so fails every seed as "liveness", and from named mutants of the reference.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/trace.h"
#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;
using nlohmann::json;

json parse_summary(const Result& result) {
  INFO(result.out << result.err);
  REQUIRE_FALSE(result.out.empty());
  return json::parse(result.out);
}

std::set<uint64_t> failed_seeds(const json& summary) {
  std::set<uint64_t> seeds;
  for (const json& failure : summary["failures"]) seeds.insert(failure["seed"].get<uint64_t>());
  return seeds;
}

}  // namespace

TEST_CASE("fuzz: a passing campaign exits 0 and its json summary counts every seed", "[fuzz]") {
  ScratchDir dir("fuzz-pass");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("fuzz short.json --seeds 4 --jobs 2 --json");
  CHECK(r.exit_code == 0);
  const json summary = parse_summary(r);
  CHECK(summary["scenario"] == "short-calm");
  CHECK(summary["seeds_run"] == 4);
  CHECK(summary["failures"].empty());
  CHECK(summary["sim_s"].get<double>() >= 4 * 2.0);
  CHECK(summary["wall_s"].get<double>() > 0);
  CHECK(summary["stopped"] == "completed");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "raftsim-failures"));
}

TEST_CASE("fuzz: the text summary names seeds run, failures by kind, speed-up and rate", "[fuzz]") {
  ScratchDir dir("fuzz-text");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("fuzz short.json --seeds 3 --jobs 2 --impl skeleton");
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out, Catch::Contains("seeds run 3: 0 ok, 3 failed (liveness 3)"));
  CHECK_THAT(r.out, Catch::Contains("speed-up") && Catch::Contains("seeds per minute"));
  CHECK_THAT(r.out, Catch::Contains("raftsim replay raftsim-failures/short-calm-seed2.json"));
}

TEST_CASE("fuzz: each failing seed gets a report whose replay reproduces it", "[fuzz]") {
  ScratchDir dir("fuzz-reports");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r =
      dir.raftsim("fuzz short.json --seeds 2 --seed-start 7 --impl skeleton --out fails --json");
  CHECK(r.exit_code == 3);
  const json summary = parse_summary(r);
  REQUIRE(summary["failures"].size() == 2);
  for (const json& failure : summary["failures"]) {
    const std::string path = failure["report"];
    CHECK(path == "fails/short-calm-seed" + std::to_string(failure["seed"].get<int>()) + ".json");
    CHECK(failure["status"] == "liveness");
    const json report = json::parse(cli_test::read_text(dir.path() / path));
    CHECK(report["replay"] == "raftsim replay " + path);
    CHECK(report["seed"] == failure["seed"]);
    const Result replay = dir.raftsim("replay " + path);
    CHECK(replay.exit_code == 3);
    CHECK_THAT(replay.out, Catch::Contains("failure reproduced, fingerprint identical"));
  }
}

TEST_CASE("replay: a report from another fingerprint version is a comparison, not nondeterminism",
          "[fuzz][replay]") {
  ScratchDir dir("fuzz-version");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("fuzz short.json --seeds 1 --impl skeleton --out fails");
  REQUIRE(r.exit_code == 3);
  json report = json::parse(cli_test::read_text(dir.path() / "fails/short-calm-seed1.json"));
  CHECK(report["fingerprint_version"].get<uint64_t>() >= 1);
  // Written by another version, with a fingerprint this build cannot produce.
  report["fingerprint_version"] = report["fingerprint_version"].get<uint64_t>() + 1;
  report["fingerprint"] = "0123456789abcdef";
  dir.write("other.json", report.dump());
  const Result other = dir.raftsim("replay other.json");
  CHECK(other.exit_code == 3);  // the run's own outcome, not 5
  CHECK_THAT(other.out, Catch::Contains("another fingerprint version") &&
                            Catch::Contains("liveness then, liveness now"));
  CHECK_THAT(other.out, !Catch::Contains("DIFFERS"));
  // Reports written before versions existed read as version 1.
  report.erase("fingerprint_version");
  dir.write("old.json", report.dump());
  const Result old = dir.raftsim("replay old.json --json");
  INFO(old.out << old.err);
  CHECK(json::parse(old.out)["same_fingerprint_version"] == (sim::kFingerprintVersion == 1));
}

// The edit-fix-replay loop: a report remembers the build that wrote it. On that build a replay
// must reproduce (exit 5 if it does not); on another build it says whether the fix worked.
TEST_CASE("replay: on the build that wrote the report it reproduces; on another it says fixed",
          "[fuzz][replay]") {
  ScratchDir dir("replay-build");
  const Result failed =
      dir.raftsim("run mutants --seed 1 --mutant no-prev-check --report failure.json");
  INFO(failed.out << failed.err);
  REQUIRE(failed.exit_code == 1);  // safety
  json report = json::parse(cli_test::read_text(dir.path() / "failure.json"));
  const std::string build = report["build"];
  CHECK(build.size() == 16);
  // The same build: a reproduction, and a different fingerprint would be nondeterminism.
  const Result again = dir.raftsim("replay failure.json");
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.out, Catch::Contains("failure reproduced, fingerprint identical"));
  json tampered = report;
  tampered["fingerprint"] = "0123456789abcdef";
  dir.write("tampered.json", tampered.dump());
  CHECK(dir.raftsim("replay tampered.json").exit_code == 5);
  // Another build: this program's bytes plus one (a rebuild), the code without the mutant (the
  // fix), and the code with it still in (a fix that did not work).
  const std::filesystem::path rebuilt = dir.path() / "raftsim-rebuilt";
  std::filesystem::copy_file(RAFTSIM_BINARY, rebuilt);
  std::ofstream(rebuilt, std::ios::binary | std::ios::app) << '\n';
  std::filesystem::permissions(rebuilt, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  const auto run_rebuilt = [&](const std::string& args) {
    return cli_test::run_shell("cd '" + dir.path().string() + "' && '" + rebuilt.string() + "' " +
                               args + " 2>&1");
  };
  const cli_test::Piped fixed = run_rebuilt("replay failure.json --mutant none");
  INFO(fixed.output);
  CHECK(fixed.exit_code == 0);
  CHECK_THAT(fixed.output, Catch::Contains("fixed: the failure is gone (safety then, ok now)"));
  const cli_test::Piped still = run_rebuilt("replay failure.json");
  INFO(still.output);
  CHECK(still.exit_code == 1);
  CHECK_THAT(still.output, Catch::Contains("on another build (the report's " + build) &&
                               Catch::Contains("still fails: same property, State Machine Safety "
                                               "(safety then, safety now), fingerprint identical"));
  // On another build a different fingerprint is the change, not nondeterminism.
  const cli_test::Piped changed = run_rebuilt("replay tampered.json --json");
  INFO(changed.output);
  CHECK(changed.exit_code == 1);
  const json verdict = json::parse(changed.output.substr(changed.output.find('{')));
  CHECK(verdict["same_build"] == false);
  CHECK(verdict["verdict"] == "still fails");
  // A report that does not say its build (written before builds were recorded) must reproduce.
  report.erase("build");
  dir.write("old.json", report.dump());
  CHECK(run_rebuilt("replay old.json").exit_code == 1);
  tampered.erase("build");
  dir.write("old-tampered.json", tampered.dump());
  CHECK(run_rebuilt("replay old-tampered.json").exit_code == 5);
  // A build field that is not one is bad input, named.
  report["build"] = "not-a-build";
  dir.write("bad.json", report.dump());
  const Result bad = dir.raftsim("replay bad.json");
  CHECK(bad.exit_code == 65);
  CHECK_THAT(bad.err, Catch::Contains("bad.json: $.build: must be 16 lowercase hex digits"));
}

TEST_CASE("fuzz: results come back in seed order and do not depend on --jobs", "[fuzz]") {
  ScratchDir dir("fuzz-jobs");
  dir.write("short.json", cli_test::kShortCalm);
  const json one =
      parse_summary(dir.raftsim("fuzz short.json --seeds 5 --impl skeleton "
                                "--jobs 1 --json --out a"));
  const json two =
      parse_summary(dir.raftsim("fuzz short.json --seeds 5 --impl skeleton "
                                "--jobs 2 --json --out a"));
  REQUIRE(one["failures"].size() == 5);
  CHECK(one["failures"] == two["failures"]);
  std::vector<uint64_t> seeds;
  for (const json& failure : two["failures"]) seeds.push_back(failure["seed"]);
  CHECK(seeds == std::vector<uint64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("fuzz: shards K of N are disjoint and together cover the seed range", "[fuzz]") {
  ScratchDir dir("fuzz-shards");
  dir.write("short.json", cli_test::kShortCalm);
  std::set<uint64_t> all;
  size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    const json summary = parse_summary(
        dir.raftsim("fuzz short.json --seeds 7 --seed-start 10 --impl skeleton --json --shard " +
                    std::to_string(k) + "/3"));
    const std::set<uint64_t> seeds = failed_seeds(summary);
    CHECK(seeds.size() >= 2);
    total += seeds.size();
    all.insert(seeds.begin(), seeds.end());
  }
  CHECK(total == 7);
  CHECK(all == std::set<uint64_t>{10, 11, 12, 13, 14, 15, 16});
}

TEST_CASE("fuzz: a bad shard exits 64 with a one-line reason", "[fuzz]") {
  ScratchDir dir("fuzz-bad-shard");
  for (const char* shard : {"0/4", "5/4", "1/0", "x/2", "3", "2/", "-1/3"}) {
    INFO(shard);
    const Result r = dir.raftsim(std::string("fuzz calm --seeds 2 --shard ") + shard);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::StartsWith("raftsim: --shard: got '"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("fuzz: usage and input errors exit 64 and 65", "[fuzz]") {
  ScratchDir dir("fuzz-usage");
  const Result unknown_scenario = dir.raftsim("fuzz no-such-scenario --seeds 2");
  CHECK(unknown_scenario.exit_code == 65);
  CHECK_THAT(unknown_scenario.err, Catch::Contains("no-such-scenario"));
  const Result bad_fraction = dir.raftsim("fuzz calm --check-determinism 1.5");
  CHECK(bad_fraction.exit_code == 64);
  const Result no_seeds = dir.raftsim("fuzz calm --seeds 0");
  CHECK(no_seeds.exit_code == 64);
  const Result bad_impl = dir.raftsim("fuzz calm --seeds 2 --impl no-such-impl");
  CHECK(bad_impl.exit_code == 64);
  CHECK_THAT(bad_impl.err, Catch::Contains("no-such-impl"));
  CHECK(std::count(bad_impl.err.begin(), bad_impl.err.end(), '\n') == 1);
}

TEST_CASE("fuzz: max-failures stops handing out seeds", "[fuzz]") {
  ScratchDir dir("fuzz-max-failures");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r =
      dir.raftsim("fuzz short.json --seeds 30 --impl skeleton --max-failures 2 --jobs 1 --json");
  CHECK(r.exit_code == 3);
  const json summary = parse_summary(r);
  CHECK(summary["seeds_run"] == 2);
  CHECK(summary["seeds_planned"] == 30);
  CHECK(summary["stopped"] == "max_failures");
}

TEST_CASE("fuzz: a time budget stops starting seeds and says how many ran", "[fuzz]") {
  ScratchDir dir("fuzz-budget");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("fuzz short.json --seeds 200 --jobs 1 --time-budget-s 0.001");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("stopped early: time budget of 0.001 s spent"));
  CHECK_THAT(r.out, Catch::Contains(" of 200 seeds ran"));
  CHECK_THAT(r.out, !Catch::Contains("seeds run 200"));
}

TEST_CASE("fuzz: junit has one testcase per seed and a failure for each failing seed", "[fuzz]") {
  ScratchDir dir("fuzz-junit");
  dir.write("short.json", cli_test::kShortCalm);
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(dir.raftsim("fuzz short.json --seeds 3 --junit ok.xml").exit_code == 0);
  const std::string ok = cli_test::read_text(dir.path() / "ok.xml");
  CHECK_THAT(ok, Catch::StartsWith("<?xml"));
  CHECK(count(ok, "<testcase ") == 3);
  CHECK(count(ok, "<failure ") == 0);
  CHECK(dir.raftsim("fuzz short.json --seeds 3 --impl skeleton --junit bad.xml").exit_code == 3);
  const std::string bad = cli_test::read_text(dir.path() / "bad.xml");
  CHECK(count(bad, "<testcase ") == 3);
  CHECK(count(bad, "<failure type=\"liveness\" message=\"liveness: ") == 3);
  CHECK_THAT(bad, Catch::Contains("name=\"seed 2\""));
}

TEST_CASE("fuzz: check-determinism runs the chosen fraction of seeds twice", "[fuzz]") {
  ScratchDir dir("fuzz-determinism");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("fuzz short.json --seeds 4 --jobs 2 --check-determinism 0.5");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("determinism: 2 seeds run twice, fingerprints identical"));
  const json all =
      parse_summary(dir.raftsim("fuzz short.json --seeds 3 --check-determinism 1 --json"));
  CHECK(all["determinism"]["checked"] == 3);
  CHECK(all["determinism"]["mismatches"] == 0);
}

TEST_CASE("fuzz: the exit code is the failure kind's, a safety bug exits 1", "[fuzz]") {
  ScratchDir dir("fuzz-safety");
  const Result r = dir.raftsim("fuzz default --seeds 2 --mutant no-prev-check --json");
  CHECK(r.exit_code == 1);
  const json summary = parse_summary(r);
  CHECK(summary["failures_by_kind"]["safety"].get<int>() >= 1);
  CHECK(summary["exit_code"] == 1);
}

TEST_CASE("fuzz: --fingerprints writes each seed's fingerprint, the same as run's, in seed order",
          "[fuzz]") {
  ScratchDir dir("fuzz-fingerprints");
  dir.write("short.json", cli_test::kShortCalm);
  const Result one = dir.raftsim("fuzz short.json --seeds 5 --jobs 2 --fingerprints a.txt");
  const Result two = dir.raftsim("fuzz short.json --seeds 5 --jobs 1 --fingerprints b.txt");
  INFO(one.out << one.err << two.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  const std::string lines = cli_test::read_text(dir.path() / "a.txt");
  CHECK(lines == cli_test::read_text(dir.path() / "b.txt"));
  std::istringstream in(lines);
  std::string scenario, fingerprint, kind;
  uint64_t seed = 0;
  for (uint64_t expected = 1; expected <= 5; ++expected) {
    REQUIRE(in >> scenario >> seed >> fingerprint >> kind);
    CHECK(scenario == "short-calm");
    CHECK(seed == expected);
    CHECK(kind == "ok");
    const Result run = dir.raftsim("run short.json --json --seed " + std::to_string(seed));
    CHECK(json::parse(run.out)["fingerprint"] == fingerprint);
  }
  CHECK_FALSE(in >> scenario);
}

// A crash names where it happened: the node and fiber, the simulated time, and the stack of the
// fiber at the failed assertion; the report keeps it, and the replay command runs it again.
TEST_CASE("fuzz: a crash report names the node, the fiber and the stack where it failed",
          "[fuzz][crash]") {
  ScratchDir dir("fuzz-crash");
  const Result r = dir.raftsim(
      "fuzz mutants --mutant snapshot-backwards --seeds 40 --jobs 2 --out fails --json");
  INFO(r.out << r.err);
  const json summary = parse_summary(r);
  std::string crash_report;
  for (const json& failure : summary["failures"]) {
    if (failure["status"] == "crash") {
      crash_report = failure["report"];
      break;
    }
  }
  REQUIRE_FALSE(crash_report.empty());  // the mutant crashes on the log's own assertion
  const json report = json::parse(cli_test::read_text(dir.path() / crash_report));
  const std::string message = report["failure"]["message"];
  INFO(message);
  CHECK_THAT(message,
             Catch::Matches("fiber '[^']+' \\(#[0-9]+\\) on node 's[0-9]' threw: "
                            "assertion failed: [^\\n]+ \\(raft/reference/log\\.cpp:[0-9]+\\)"
                            "\\n  stack of the fiber where it failed:\\n"
                            "    #0 raft::reference::Log::[a-z_]+\\([\\s\\S]*",
                            Catch::CaseSensitive::Yes));
  CHECK(report["failure"]["at_ns"].get<int64_t>() > 0);
  const Result replay = dir.raftsim("replay " + crash_report);
  CHECK(replay.exit_code == 4);
  CHECK_THAT(replay.out, Catch::Contains("stack of the fiber where it failed") &&
                             Catch::Contains("failure reproduced, fingerprint identical") &&
                             Catch::Contains("reproduce: raftsim replay " + crash_report));
}

// Beside each failure report, the run picture of that seed (its failure marked), unless
// --no-html; the summary names it.
TEST_CASE("fuzz: each failure report has the seed's run picture beside it", "[fuzz][picture]") {
  ScratchDir dir("fuzz-picture");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r =
      dir.raftsim("fuzz short.json --seeds 2 --seed-start 7 --impl skeleton --out fails --json");
  CHECK(r.exit_code == 3);
  const json summary = parse_summary(r);
  REQUIRE(summary["failures"].size() == 2);
  for (const json& failure : summary["failures"]) {
    const std::string seed = std::to_string(failure["seed"].get<int>());
    CHECK(failure["picture"] == "fails/short-calm-seed" + seed + ".html");
    const std::string html =
        cli_test::read_text(dir.path() / failure["picture"].get<std::string>());
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK_THAT(html, Catch::Contains("short-calm seed " + seed + " impl skeleton") &&
                         Catch::Contains("\"status\":\"liveness\"") &&
                         Catch::Contains("id=\"run-data\""));
  }
  const Result text = dir.raftsim("fuzz short.json --seeds 1 --seed-start 3 --impl skeleton");
  CHECK_THAT(text.out, Catch::Contains("(picture: raftsim-failures/short-calm-seed3.html)"));

  const Result none = dir.raftsim(
      "fuzz short.json --seeds 1 --seed-start 5 --impl skeleton --out bare --no-html --json");
  CHECK(none.exit_code == 3);
  CHECK(parse_summary(none)["failures"][0]["picture"].is_null());
  CHECK(std::filesystem::exists(dir.path() / "bare/short-calm-seed5.json"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "bare/short-calm-seed5.html"));
}
