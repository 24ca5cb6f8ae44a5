// Helpers of the simulated disk's tests (disk_test.cpp, disk_append_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/world.h"

namespace disk_test {

// Writes take exactly 1 ms and fsyncs exactly 2 ms: a save or an append takes 3 ms.
inline sim::WorldOptions exact_disk(uint64_t seed = 1) {
  using namespace sim::literals;
  sim::WorldOptions options;
  options.seed = seed;
  options.disk.write_latency_min = 1_ms;
  options.disk.write_latency_tail_mean = sim::Duration::zero();
  options.disk.write_latency_max = 1_ms;
  options.disk.fsync_latency_min = 2_ms;
  options.disk.fsync_latency_tail_mean = sim::Duration::zero();
  options.disk.fsync_latency_max = 2_ms;
  return options;
}

inline sim::Bytes text(const std::string& s) { return sim::Bytes(s.begin(), s.end()); }

inline std::string as_text(const sim::Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}
// What a read returned, or "<none>" when the file does not exist.
inline std::string as_text(const std::optional<sim::Bytes>& bytes) {
  return bytes.has_value() ? as_text(*bytes) : "<none>";
}
inline std::string as_text(const sim::Bytes* bytes) {
  return bytes == nullptr ? "<none>" : as_text(*bytes);
}

}  // namespace disk_test
