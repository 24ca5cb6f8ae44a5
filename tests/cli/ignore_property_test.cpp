// --ignore-property end to end: a run counts violations of the named safety property instead of
// failing on them and goes on checking; the report keeps the list, so replay and shrink check the
// same way; an unknown name is a usage error, and a report naming one is a bad report.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_run.h"

TEST_CASE("cli: --ignore-property counts a known bug's violations and the run goes on", "[cli]") {
  const cli_test::ScratchDir dir("ignore-property");
  // The figure8-commit mutant commits earlier terms' entries by counting replicas: without the
  // option the run stops at the first Leader Commit Rule breach.
  const cli_test::Result plain = dir.raftsim("run figure8 --seed 2 --mutant figure8-commit");
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.out, Catch::Contains("failure: safety (Leader Commit Rule)"));

  const cli_test::Result ignoring = dir.raftsim(
      "run figure8 --seed 2 --mutant figure8-commit --ignore-property 'Leader Commit Rule' "
      "--report report.json --json");
  CHECK(ignoring.exit_code == 0);  // every other property held to the end
  const nlohmann::json result = nlohmann::json::parse(ignoring.out);
  CHECK(result["ignored_violations"]["Leader Commit Rule"].get<uint64_t>() > 1);
  CHECK(result["failure"].is_null());
  const nlohmann::json report =
      nlohmann::json::parse(cli_test::read_text(dir.path() / "report.json"));
  CHECK(report["ignored_properties"] == nlohmann::json::array({"Leader Commit Rule"}));

  const cli_test::Result replay = dir.raftsim("replay report.json");
  CHECK(replay.exit_code == 0);
  CHECK_THAT(replay.out,
             Catch::Contains("ignored (--ignore-property): Leader Commit Rule violated") &&
                 Catch::Contains("fingerprint identical"));
}

TEST_CASE("cli: --ignore-property takes only safety property names", "[cli]") {
  const cli_test::ScratchDir dir("ignore-property-bad");
  const cli_test::Result unknown = dir.raftsim("run calm --ignore-property 'Leader Commit Rules'");
  CHECK(unknown.exit_code == 64);
  CHECK_THAT(unknown.err, Catch::Contains("Leader Commit Rules") && Catch::Contains("Vote Quorum"));

  // A report naming a property that does not exist is rejected at its place in the file.
  const cli_test::Result run =
      dir.raftsim("run calm --seed 1 --ignore-property 'Vote Quorum' --report good.json");
  CHECK(run.exit_code == 0);
  std::string text = cli_test::read_text(dir.path() / "good.json");
  const std::string name = "\"Vote Quorum\"";
  text.replace(text.find(name), name.size(), "\"Vote Quorums\"");
  dir.write("bad.json", text);
  const cli_test::Result bad = dir.raftsim("replay bad.json");
  CHECK(bad.exit_code == 65);
  CHECK_THAT(bad.err, Catch::Contains("$.ignored_properties[0]") &&
                          Catch::Contains("'Vote Quorums' is not a safety property"));
}
