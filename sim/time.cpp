#include "sim/time.h"

#include <fmt/core.h>

namespace sim {

std::string to_string(Duration d) {
  int64_t ns = d.ns();
  std::string sign = ns < 0 ? "-" : "";
  uint64_t a = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  if (a % 1000 != 0) return fmt::format("{}{}ns", sign, a);
  if (a % 1000000 != 0) return fmt::format("{}{}us", sign, a / 1000);
  if (a < 1000000000) return fmt::format("{}{}ms", sign, a / 1000000);
  if (a % 1000000000 == 0) return fmt::format("{}{}s", sign, a / 1000000000);
  return fmt::format("{}{}.{:03}s", sign, a / 1000000000, (a / 1000000) % 1000);
}

std::string to_string(Instant t) { return "@" + to_string(t.since_epoch()); }

}  // namespace sim
