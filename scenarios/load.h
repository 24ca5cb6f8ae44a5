// Loading a scenario from JSON text, with validation of every field.
//
// Contract. load_scenario never throws, never crashes on any input (a libFuzzer target checks it)
// and returns either a complete, valid Scenario (every invariant of scenario.h and fault.h holds)
// or one LoadError: the first problem found, naming the source, the JSON path, the offending
// value and what was expected. Fields may appear in any order; absent optional fields take the
// defaults documented in scenario.h; unknown fields are errors.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "scenarios/scenario.h"

namespace scenarios {

struct LoadError {
  std::string source;    // the file name (or other name) given to the loader
  std::string path;      // the JSON path: "$.network.drop_p", "$.faults.timeline[3].groups[1][0]"
  std::string value;     // the offending value as short JSON text; "" when missing or unknown
  std::string expected;  // "a probability in [0, 1]"
  // One line for people: "<source>: <path>: got <value>, expected <expected>"; malformed JSON
  // reads "<source>:<line>:<column>: malformed JSON: <what>".
  std::string message;
  int line = 0;  // 1-based, for malformed JSON only (0 otherwise)
  int column = 0;
};

class LoadResult {
 public:
  explicit LoadResult(Scenario scenario) : value_(std::move(scenario)) {}
  explicit LoadResult(LoadError error) : value_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<Scenario>(value_); }
  const Scenario& scenario() const;  // ok() only
  const LoadError& error() const;    // !ok() only

 private:
  std::variant<Scenario, LoadError> value_;
};

LoadResult load_scenario(std::string_view json_text, std::string_view source);
// Reads the file at `path` (its name is the source); an unreadable file is a LoadError at "$".
LoadResult load_scenario_file(const std::string& path);

}  // namespace scenarios
