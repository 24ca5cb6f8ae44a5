// A short fault-free scenario for runner tests: three nodes, two clients, 2 s before the heal.
#pragma once

#include <catch2/catch.hpp>

#include "scenarios/load.h"

namespace scenarios_test {

inline scenarios::Scenario short_scenario() {
  const scenarios::LoadResult loaded = scenarios::load_scenario(R"({
    "format": "raftsim-scenario/1", "name": "short", "duration_ms": 2000,
    "cluster": {"nodes": 3}, "workload": {"clients": 2, "keys": 3}})",
                                                                "test");
  REQUIRE(loaded.ok());
  return loaded.scenario();
}

}  // namespace scenarios_test
