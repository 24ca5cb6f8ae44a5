// Writing a scenario as JSON, for failure reports and `raftsim scenarios show`.
//
// Contract. For every Scenario s that load_scenario accepts, load_scenario(to_json(s)) == s:
// every field is written (defaults too), durations in the unit their name carries, doubles in
// the shortest text that reads back to the same bits. Fault events carry only their kind's fields.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/scenario.h"

namespace scenarios {

nlohmann::ordered_json to_json(const Scenario& scenario);
nlohmann::ordered_json to_json(const FaultEvent& event);
// Two-space indented text with a final newline.
std::string to_json_text(const Scenario& scenario);

}  // namespace scenarios
