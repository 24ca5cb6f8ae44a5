#include "sim/time.h"

#include <catch2/catch.hpp>

using namespace sim;

TEST_CASE("time: literals are exact integer nanoseconds", "[sim][time]") {
  CHECK((1_ns).ns() == 1);
  CHECK((3_us).ns() == 3000);
  CHECK((150_ms).ns() == 150000000);
  CHECK((2_s).ns() == 2000000000);
  CHECK(1_s == 1000_ms);
  CHECK(1_ms == 1000_us);
  CHECK((2_s).ms() == 2000);
}

TEST_CASE("time: arithmetic and ordering of durations and instants", "[sim][time]") {
  Instant t = Instant::from_ns(100);
  CHECK((t + 50_ns).ns() == 150);
  CHECK((t - 50_ns).ns() == 50);
  CHECK((Instant::from_ns(400) - t) == 300_ns);
  CHECK(t < t + 1_ns);
  CHECK(1_s / 250_ms == 4);
  CHECK(1_s / 4 == 250_ms);
  CHECK(1_s * 3 == 3000_ms);
  CHECK(1100_ms % 1_s == 100_ms);
  CHECK(-(5_ms) == Duration::zero() - 5_ms);
}

TEST_CASE("time: rendering uses the largest unit with an exact fraction", "[sim][time]") {
  CHECK(to_string(17_ns) == "17ns");
  CHECK(to_string(3_us) == "3us");
  CHECK(to_string(12_ms) == "12ms");
  CHECK(to_string(2_s) == "2s");
  CHECK(to_string(1250_ms) == "1.250s");
  CHECK(to_string(Duration::nanoseconds(3670606193)) == "3.670606193s");
  CHECK(to_string(12500_us) == "12.500ms");
  CHECK(to_string(1001_ns) == "1.001us");
  CHECK(to_string(-(5_ms)) == "-5ms");
  CHECK(to_string(Instant::from_ns(2000000)) == "@2ms");
}
