// The named scenario library over the embedded JSON files.
#include "scenarios/library.h"

#include "scenarios/detail/embedded_library.h"
#include "scenarios/load.h"
#include "sim/assert.h"

namespace scenarios {

std::vector<LibraryEntry> library_entries() {
  std::vector<LibraryEntry> entries;
  for (const detail::EmbeddedScenario& file : detail::embedded_library()) {
    std::optional<Scenario> scenario = library_scenario(file.name);
    RAFTSIM_ASSERT(scenario.has_value());
    entries.push_back({std::string(file.name), scenario->description});
  }
  return entries;
}

std::optional<std::string_view> library_text(std::string_view name) {
  for (const detail::EmbeddedScenario& file : detail::embedded_library()) {
    if (file.name == name) return file.json;
  }
  return std::nullopt;
}

std::optional<Scenario> library_scenario(std::string_view name) {
  std::optional<std::string_view> text = library_text(name);
  if (!text) return std::nullopt;
  LoadResult result = load_scenario(*text, std::string(name) + ".json");
  // A library file that does not load is a build defect that the library tests catch.
  RAFTSIM_ASSERT(result.ok());
  return result.scenario();
}

}  // namespace scenarios
