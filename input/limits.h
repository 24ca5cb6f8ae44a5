// The limits every reader of untrusted input enforces, in one place (README.md, "Input limits",
// lists them per reader). Each is far above any file raftsim writes or a person writes by hand,
// and each is checked before the expensive work it guards: the file size while reading, the
// nesting depth, string sizes and value count while parsing (before any value is built deeper,
// longer or more numerous than allowed), so that a hostile file costs at most a linear pass over
// its first `file_bytes_max` bytes.
#pragma once

#include <cstddef>

namespace input {

struct Limits {
  size_t file_bytes_max = 0;    // whole input, in bytes
  int depth_max = 0;            // arrays and objects (EDN: collections) nested inside each other
  size_t string_bytes_max = 0;  // one string (or object key, EDN keyword or symbol), in bytes
  size_t values_max = 0;        // values in the whole document (scalars and containers)
};

inline constexpr size_t kMiB = size_t{1} << 20;

// Scenario JSON: a scenario nests at most 6 levels; its longest string is a 2,000-byte
// description; the largest valid one is a 100,000-event timeline (about 10 MB).
inline constexpr Limits kScenarioLimits{64 * kMiB, 32, 64 * 1024, 4'000'000};
// Failure reports: a concrete scenario and a few fields.
inline constexpr Limits kReportLimits{256 * kMiB, 64, 16 * kMiB, 16'000'000};
// raftsim-history/1 JSON: 4 levels; a kv output holds a whole appended value.
inline constexpr Limits kHistoryLimits{256 * kMiB, 64, 16 * kMiB, 32'000'000};
// Jepsen EDN histories: a few levels of maps and vectors.
inline constexpr Limits kEdnLimits{256 * kMiB, 200, 16 * kMiB, 32'000'000};

}  // namespace input
