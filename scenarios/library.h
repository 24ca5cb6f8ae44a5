// The named scenario library (scenarios/library/*.json), embedded in the binary at build time.
//
// Contract. Every library scenario loads (tests check it) and its "name" is its file name.
// `default` is what `raftsim fuzz` runs when no scenario is named.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario.h"

namespace scenarios {

inline constexpr std::string_view kDefaultScenario = "default";

struct LibraryEntry {
  std::string name;
  std::string description;
};

// Every library scenario, sorted by name.
std::vector<LibraryEntry> library_entries();
// The JSON text of the named scenario, as committed.
std::optional<std::string_view> library_text(std::string_view name);
// The named scenario, loaded; nullopt for an unknown name.
std::optional<Scenario> library_scenario(std::string_view name);

}  // namespace scenarios
