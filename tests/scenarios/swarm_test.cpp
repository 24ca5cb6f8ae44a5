// The swarm (scenarios/swarm.h): a pure function of the seed, always a valid scenario that reads
// back exactly, and varied: every cluster size, single-kind and many-kind fault mixes.
#include "scenarios/swarm.h"

#include <catch2/catch.hpp>
#include <set>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/to_json.h"

using namespace scenarios;

TEST_CASE("swarm: the same seed draws the same scenario, other seeds others") {
  CHECK(draw_swarm(11) == draw_swarm(11));
  CHECK(draw_swarm(11) != draw_swarm(12));
  CHECK(ScenarioSource::swarm().for_seed(11) == draw_swarm(11));
  CHECK(ScenarioSource::swarm().name() == "swarm");
  const Scenario fixed = draw_swarm(3);
  CHECK(ScenarioSource::fixed(fixed).for_seed(99) == fixed);
}

TEST_CASE("swarm: every draw is a valid scenario that reads back exactly, timeline included") {
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    INFO("seed " << seed);
    const Scenario drawn = draw_swarm(seed);
    const LoadResult loaded = load_scenario(to_json_text(drawn), "swarm");
    REQUIRE(loaded.ok());
    CHECK(loaded.scenario() == drawn);
    // What a failure report holds: the drawn faults made explicit.
    const Scenario concrete = concrete_scenario(drawn, seed);
    const LoadResult concrete_loaded = load_scenario(to_json_text(concrete), "report");
    REQUIRE(concrete_loaded.ok());
    CHECK(draw_timeline(concrete_loaded.scenario(), 1) == draw_timeline(drawn, seed));
  }
}

TEST_CASE("swarm: draws span cluster sizes, lone fault kinds and moment faults") {
  std::set<int> sizes;
  int single_kind = 0;
  int many_kinds = 0;
  std::set<FaultKind> kinds_seen;
  std::set<int> clients;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    const Scenario s = draw_swarm(seed);
    sizes.insert(s.cluster.nodes);
    clients.insert(s.workload.clients);
    REQUIRE(s.faults.profile.has_value());
    const size_t kinds = s.faults.profile->weights.size();
    single_kind += kinds == 1 ? 1 : 0;
    many_kinds += kinds >= 10 ? 1 : 0;
    for (const auto& [kind, weight] : s.faults.profile->weights) kinds_seen.insert(kind);
  }
  CHECK(sizes == std::set<int>{3, 5, 7});
  CHECK(single_kind > 0);
  CHECK(many_kinds > 0);
  CHECK(clients.count(1) == 1);
  CHECK(clients.count(16) == 1);
  for (const FaultKindInfo& info : fault_kinds()) {
    INFO(info.name);
    CHECK(kinds_seen.count(info.kind) == (info.drawable ? 1u : 0u));
  }
}
