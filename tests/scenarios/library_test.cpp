// The named scenario library: every scenario loads, round-trips, and is what it says.
#include "scenarios/library.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/to_json.h"

using namespace scenarios;
using namespace sim::literals;

TEST_CASE("library: holds the named scenarios of the issue") {
  std::set<std::string> names;
  for (const LibraryEntry& entry : library_entries()) names.insert(entry.name);
  for (const char* name : {"calm", "lossy", "partitions", "crash-restart", "slow-disk",
                           "clock-drift", "figure8", "churn", "chaos", "default", "mutants"}) {
    CHECK(names.count(name) == 1);
  }
  CHECK(library_scenario(kDefaultScenario).has_value());
  CHECK_FALSE(library_scenario("no-such-scenario").has_value());
}

TEST_CASE("library: the embedded files are the committed files") {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RAFTSIM_SCENARIO_LIBRARY_DIR)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    LoadResult from_disk = load_scenario_file(entry.path().string());
    REQUIRE(from_disk.ok());
    std::optional<Scenario> embedded = library_scenario(entry.path().stem().string());
    REQUIRE(embedded.has_value());
    CHECK(*embedded == from_disk.scenario());
  }
  CHECK(files == library_entries().size());
}

TEST_CASE("library: every scenario loads, is named after its file and round-trips") {
  for (const LibraryEntry& entry : library_entries()) {
    INFO(entry.name);
    std::optional<Scenario> s = library_scenario(entry.name);
    REQUIRE(s.has_value());
    CHECK(s->name == entry.name);
    CHECK(entry.description.size() >= 40);
    CHECK(s->duration >= 10_s);
    CHECK(s->duration <= 30_s);
    LoadResult again = load_scenario(to_json_text(*s), entry.name);
    REQUIRE(again.ok());
    CHECK(again.scenario() == *s);
  }
}

TEST_CASE("library: fault scenarios draw the faults they are named for") {
  auto kinds_drawn = [](std::string_view name) {
    std::optional<Scenario> s = library_scenario(name);
    REQUIRE(s.has_value());
    std::set<FaultKind> kinds;
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      for (const FaultEvent& e : draw_timeline(*s, seed)) kinds.insert(e.kind);
    }
    return kinds;
  };
  CHECK(kinds_drawn("calm") ==
        std::set<FaultKind>{FaultKind::heal, FaultKind::restart_all, FaultKind::burst_end});
  std::set<FaultKind> crashes = kinds_drawn("crash-restart");
  CHECK(crashes.count(FaultKind::crash_all) == 1);
  CHECK(crashes.count(FaultKind::crash_leader) == 1);
  std::set<FaultKind> figure8 = kinds_drawn("figure8");
  CHECK(figure8.count(FaultKind::crash_leader) == 1);
  CHECK(figure8.count(FaultKind::partition_majority_minority) == 1);
  std::set<FaultKind> mutants = kinds_drawn("mutants");
  CHECK(mutants.count(FaultKind::crash_leader) == 1);
  CHECK(mutants.count(FaultKind::isolate_leader) == 1);
  CHECK(mutants.count(FaultKind::duplicate_burst) == 1);
  std::set<FaultKind> chaos = kinds_drawn("chaos");
  for (const FaultKindInfo& info : fault_kinds()) {
    if (info.drawable) CHECK(chaos.count(info.kind) == 1);
  }
}
