// The corpus of broken scenario files in tests/scenarios/bad/: each is rejected with the JSON
// path and message that bad_manifest.json expects, and every file there has an expectation.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "scenarios/load.h"

using namespace scenarios;

namespace {

nlohmann::json read_manifest() {
  std::ifstream in(std::string(RAFTSIM_SCENARIOS_TEST_DIR) + "/bad_manifest.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("bad corpus: every broken file is rejected at the expected path") {
  nlohmann::json manifest = read_manifest();
  REQUIRE(manifest["cases"].size() >= 40);
  for (const nlohmann::json& expectation : manifest["cases"]) {
    std::string file = expectation["file"].get<std::string>();
    std::string path = std::string(RAFTSIM_SCENARIOS_TEST_DIR) + "/bad/" + file;
    INFO(file);
    LoadResult result = load_scenario_file(path);
    REQUIRE_FALSE(result.ok());
    const LoadError& error = result.error();
    INFO(error.message);
    CHECK(error.path == expectation["path"].get<std::string>());
    CHECK(error.message.find(expectation["message"].get<std::string>()) != std::string::npos);
    CHECK(error.message.rfind(path, 0) == 0);
    CHECK(error.source == path);
  }
}

TEST_CASE("bad corpus: every file in bad/ has an expectation") {
  std::set<std::string> expected;
  nlohmann::json manifest = read_manifest();
  for (const nlohmann::json& expectation : manifest["cases"]) {
    expected.insert(expectation["file"].get<std::string>());
  }
  std::set<std::string> present;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(RAFTSIM_SCENARIOS_TEST_DIR) + "/bad")) {
    present.insert(entry.path().filename().string());
  }
  CHECK(present == expected);
}

TEST_CASE("bad corpus: every prefix of a library scenario is rejected without crashing") {
  std::ifstream in(std::string(RAFTSIM_SCENARIO_LIBRARY_DIR) + "/chaos.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(text.size() > 100);
  for (size_t size = 0; size + 2 < text.size(); ++size) {
    LoadResult result = load_scenario(text.substr(0, size), "prefix");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().line >= 1);
  }
}
