#include "sim/time.h"

#include <fmt/core.h>

namespace sim {

std::string to_string(Duration d) {
  const int64_t ns = d.ns();
  const std::string sign = ns < 0 ? "-" : "";
  const uint64_t a = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  // The largest unit the value reaches, with an exact fraction in groups of three digits.
  struct Unit {
    uint64_t size;
    int digits;
    const char* name;
  };
  for (const Unit unit : {Unit{1000000000, 9, "s"}, Unit{1000000, 6, "ms"}, Unit{1000, 3, "us"}}) {
    if (a < unit.size) continue;
    const uint64_t whole = a / unit.size;
    uint64_t fraction = a % unit.size;
    if (fraction == 0) return fmt::format("{}{}{}", sign, whole, unit.name);
    int digits = unit.digits;
    while (fraction % 1000 == 0) {
      fraction /= 1000;
      digits -= 3;
    }
    return fmt::format("{}{}.{:0{}}{}", sign, whole, fraction, digits, unit.name);
  }
  return fmt::format("{}{}ns", sign, a);
}

std::string to_string(Instant t) { return "@" + to_string(t.since_epoch()); }

}  // namespace sim
