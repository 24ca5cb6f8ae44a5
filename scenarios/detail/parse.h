// The loader's section parsers (scenarios/load.cpp, load_faults.cpp). Each throws a LoadFailure
// for the first problem it finds.
#pragma once

#include <string>

#include "scenarios/detail/json_reader.h"
#include "scenarios/scenario.h"

namespace scenarios::detail {

// The whole document.
Scenario parse_scenario(const Json& document);

// "faults", read after the cluster, clock and duration it refers to.
FaultPlan parse_faults(const Json& value, const std::string& path, const Scenario& scenario);

}  // namespace scenarios::detail
