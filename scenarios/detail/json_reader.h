// A strict reader over parsed JSON for the scenario loader: every accessor names the JSON path it
// reads, checks the type and range of the value, and on a bad value throws a LoadFailure that
// names the path, the value and what was expected. Objects reject fields nobody asked for.
//
// Only the loader uses this; nothing here outlives one load, and no input makes it crash: values
// are rendered shortly (containers by their size, never by recursive dumping).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace scenarios::detail {

using Json = nlohmann::json;

// Thrown inside the loader; load_scenario turns it into a LoadError.
struct LoadFailure {
  std::string path;      // "$.network.drop_p"
  std::string problem;   // "got 1.5", "missing", "unknown field"
  std::string value;     // the rendered value, "" when missing
  std::string expected;  // "a probability in [0, 1]"
};

// The value as short JSON text: scalars as written (strings cut at 60 bytes), containers as
// "an array of 3 elements" or "an object with 2 fields".
std::string describe(const Json& value);

// Throws a LoadFailure for `value` at `path`.
[[noreturn]] void fail(const std::string& path, const Json& value, std::string expected);
[[noreturn]] void fail_missing(const std::string& path, std::string expected);

// Readers of single values.
// `why`, when given, is appended to the expectation: "an integer in [0, 4] (a node index)".
int64_t read_integer(const Json& value, const std::string& path, int64_t lo, int64_t hi,
                     std::string_view why = {});
double read_number(const Json& value, const std::string& path, double lo, double hi);
double read_probability(const Json& value, const std::string& path);
bool read_bool(const Json& value, const std::string& path);
std::string read_string(const Json& value, const std::string& path, size_t size_min,
                        size_t size_max);
// Fails unless `value` is an array with a size in [size_min, size_max].
const Json::array_t& read_array(const Json& value, const std::string& path, size_t size_min,
                                size_t size_max);

std::string member_path(const std::string& path, std::string_view key);
std::string element_path(const std::string& path, size_t index);

class ObjectReader {
 public:
  // Fails unless `value` is an object.
  ObjectReader(const Json& value, std::string path);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return member_path(path_, key); }

  // The value under `key`, or nullptr; either way `key` becomes a known field.
  const Json* find(std::string_view key);
  const Json& require(std::string_view key, std::string_view expected);

  // Optional fields: the fallback when absent.
  int64_t integer(std::string_view key, int64_t lo, int64_t hi, int64_t fallback);
  double number(std::string_view key, double lo, double hi, double fallback);
  double probability(std::string_view key, double fallback);
  bool boolean(std::string_view key, bool fallback);
  // Whole milliseconds or microseconds in [lo, hi] of that unit.
  sim::Duration ms(std::string_view key, int64_t lo, int64_t hi, sim::Duration fallback);
  sim::Duration us(std::string_view key, int64_t lo, int64_t hi, sim::Duration fallback);

  // Fails when the field `min_key` (value min) exceeds the field `max_key` (value max).
  void check_order(std::string_view min_key, int64_t min, std::string_view max_key, int64_t max);
  void check_order(std::string_view min_key, double min, std::string_view max_key, double max);

  // Fails on the first field (in key order) that no accessor asked for.
  void finish() const;

 private:
  const Json& value_;
  std::string path_;
  std::vector<std::string> known_;
};

}  // namespace scenarios::detail
