// Tests of the wire codec (sim/wire.h): exact encodings, round trips, rejection of bad input with
// an error message, and a seeded fuzz loop that must never crash (CI runs it under ASan + UBSan).
#include "sim/wire.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.h"

using namespace sim;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

enum class Color : uint8_t { red, green, blue };

struct Point {
  int32_t x = 0;
  int32_t y = 0;
  RAFTSIM_WIRE_FIELDS(x, y)
  bool operator==(const Point&) const = default;
};

struct Shape {
  std::string name;
  std::vector<Point> points;
  std::optional<Point> center;
  Color color = Color::red;
  RAFTSIM_WIRE_FIELDS(name, points, center, color)
  bool operator==(const Shape&) const = default;
};

// Ten fields of every kind the codec knows, one of them a nested described struct.
struct TenFields {
  uint64_t term = 0;
  int64_t delta = 0;
  uint32_t index = 0;
  bool granted = false;
  std::string key;
  Bytes data;
  std::vector<uint64_t> entries;
  std::optional<std::string> hint;
  Duration timeout;
  Shape shape;
  RAFTSIM_WIRE_FIELDS(term, delta, index, granted, key, data, entries, hint, timeout, shape)
  bool operator==(const TenFields&) const = default;
};

TenFields sample_ten() {
  TenFields m;
  m.term = 1234567890123ULL;
  m.delta = -77;
  m.index = 4000000000U;
  m.granted = true;
  m.key = "user:42";
  m.data = Bytes{0, 1, 2, 0x7f, 0x80, 0xff};
  m.entries = {0, 1, 127, 128, UINT64_MAX};
  m.hint = "leader is n3";
  m.timeout = Duration::milliseconds(150);
  m.shape = Shape{"triangle", {{0, 0}, {3, -4}, {-5, 12}}, Point{-1, 1}, Color::blue};
  return m;
}

template <class T>
T round_trip(const T& value) {
  const Bytes bytes = wire::encode(value);
  CHECK(wire::encoded_size(value) == bytes.size());
  std::string error;
  std::optional<T> decoded = wire::decode<T>(bytes, &error);
  INFO(error);
  REQUIRE(decoded.has_value());
  return *decoded;
}

// Decoding must fail, with an error message containing `expected`.
template <class T>
void rejects(const Bytes& bytes, const std::string& expected) {
  std::string error;
  std::optional<T> decoded = wire::decode<T>(bytes, &error);
  CHECK_FALSE(decoded.has_value());
  CHECK_THAT(error, Contains(expected));
}

// A decode of arbitrary bytes either fails with a message or yields a value that survives a
// second round trip unchanged.
template <class T>
bool decode_is_sane(const Bytes& bytes) {
  std::string error;
  std::optional<T> decoded = wire::decode<T>(bytes, &error);
  if (!decoded.has_value()) {
    REQUIRE_FALSE(error.empty());
    return false;
  }
  REQUIRE(error.empty());
  REQUIRE(wire::encoded_size(*decoded) == wire::encode(*decoded).size());
  const std::optional<T> again = wire::decode<T>(wire::encode(*decoded));
  REQUIRE(again.has_value());
  REQUIRE(*again == *decoded);
  return true;
}

// Every strict prefix of a valid encoding is rejected; the whole decodes to the value.
template <class T>
void every_truncation_fails(const T& value) {
  const Bytes bytes = wire::encode(value);
  for (size_t n = 0; n < bytes.size(); ++n) {
    const Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    std::string error;
    INFO("prefix of " << n << " of " << bytes.size() << " bytes");
    CHECK_FALSE(wire::decode<T>(prefix, &error).has_value());
    CHECK_FALSE(error.empty());
  }
  CHECK(wire::decode<T>(bytes) == std::optional<T>(value));
}

Bytes repeat(size_t n, uint8_t byte) { return Bytes(n, byte); }

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("wire: varints have their exact LEB128 bytes and round trip", "[sim][wire]") {
  CHECK(wire::encode(uint64_t{0}) == Bytes{0x00});
  CHECK(wire::encode(uint64_t{1}) == Bytes{0x01});
  CHECK(wire::encode(uint64_t{127}) == Bytes{0x7f});
  CHECK(wire::encode(uint64_t{128}) == Bytes{0x80, 0x01});
  CHECK(wire::encode(uint64_t{300}) == Bytes{0xac, 0x02});
  CHECK(wire::encode(uint64_t{1} << 63) == concat(repeat(9, 0x80), {0x01}));
  CHECK(wire::encode(UINT64_MAX) == concat(repeat(9, 0xff), {0x01}));
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{16383}, uint64_t{16384},
                     uint64_t{1} << 63, UINT64_MAX - 1, UINT64_MAX}) {
    CHECK(round_trip(v) == v);
  }
  CHECK(round_trip(uint8_t{255}) == 255);
  CHECK(round_trip(uint16_t{65535}) == 65535);
  CHECK(round_trip(uint32_t{4294967295U}) == 4294967295U);
}

TEST_CASE("wire: signed integers are zigzagged and round trip at their limits", "[sim][wire]") {
  CHECK(wire::encode(int64_t{0}) == Bytes{0x00});
  CHECK(wire::encode(int64_t{-1}) == Bytes{0x01});
  CHECK(wire::encode(int64_t{1}) == Bytes{0x02});
  CHECK(wire::encode(int64_t{-64}) == Bytes{0x7f});
  CHECK(wire::encode(int64_t{64}) == Bytes{0x80, 0x01});
  CHECK(wire::encode(std::numeric_limits<int64_t>::min()) == concat(repeat(9, 0xff), {0x01}));
  CHECK(wire::encode(std::numeric_limits<int64_t>::max()) ==
        concat(concat({0xfe}, repeat(8, 0xff)), {0x01}));
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-65}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    CHECK(round_trip(v) == v);
  }
  CHECK(round_trip(std::numeric_limits<int8_t>::min()) == std::numeric_limits<int8_t>::min());
  CHECK(round_trip(std::numeric_limits<int8_t>::max()) == std::numeric_limits<int8_t>::max());
  CHECK(round_trip(std::numeric_limits<int16_t>::min()) == std::numeric_limits<int16_t>::min());
  CHECK(round_trip(std::numeric_limits<int32_t>::min()) == std::numeric_limits<int32_t>::min());
  CHECK(round_trip(std::numeric_limits<int32_t>::max()) == std::numeric_limits<int32_t>::max());
  CHECK(round_trip(Duration::nanoseconds(-5)) == Duration::nanoseconds(-5));
  CHECK(round_trip(Instant::from_ns(1234567)) == Instant::from_ns(1234567));
  CHECK(round_trip(Color::blue) == Color::blue);
  CHECK(round_trip(true) == true);
  CHECK(round_trip(false) == false);
  CHECK(wire::encode(true) == Bytes{0x01});
}

TEST_CASE("wire: strings, bytes, vectors, optionals and pairs round trip", "[sim][wire]") {
  CHECK(wire::encode(std::string("raft")) == Bytes{4, 'r', 'a', 'f', 't'});
  CHECK(wire::encode(std::string()) == Bytes{0});
  CHECK(round_trip(std::string()).empty());
  const std::string with_nul("a\0b", 3);
  CHECK(round_trip(with_nul) == with_nul);
  const std::string long_text(300, 'x');
  const Bytes long_encoded = wire::encode(long_text);
  CHECK(long_encoded.size() == 302);  // a two-byte length
  CHECK(long_encoded[0] == 0xac);
  CHECK(long_encoded[1] == 0x02);
  CHECK(round_trip(long_text) == long_text);

  Bytes all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<uint8_t>(i));
  CHECK(round_trip(all_bytes) == all_bytes);

  CHECK(wire::encode(std::vector<uint64_t>{1, 300}) == Bytes{2, 0x01, 0xac, 0x02});
  CHECK(round_trip(std::vector<uint64_t>{}).empty());
  const std::vector<std::string> words{"", "a", "bc", std::string(200, 'z')};
  CHECK(round_trip(words) == words);
  const std::vector<std::vector<int32_t>> nested{
      {}, {-1, 2}, {std::numeric_limits<int32_t>::min()}};
  CHECK(round_trip(nested) == nested);

  CHECK(wire::encode(std::optional<uint32_t>()) == Bytes{0});
  CHECK(wire::encode(std::optional<uint32_t>(5)) == Bytes{1, 5});
  CHECK(round_trip(std::optional<std::string>()) == std::nullopt);
  CHECK(round_trip(std::optional<std::string>("x")) == std::optional<std::string>("x"));
  const std::vector<std::optional<uint8_t>> gaps{std::nullopt, 7, std::nullopt, 0};
  CHECK(round_trip(gaps) == gaps);
  const std::pair<std::string, int64_t> pair{"k", -9};
  CHECK(round_trip(pair) == pair);
}

TEST_CASE("wire: nested described structs and a 10-field message round trip", "[sim][wire]") {
  CHECK(wire::encode(Point{-1, 2}) == Bytes{0x01, 0x04});
  const Shape shape{"square", {{0, 0}, {0, 1}, {1, 1}, {1, 0}}, std::nullopt, Color::green};
  CHECK(round_trip(shape) == shape);
  const std::vector<Shape> shapes{shape, Shape{}, Shape{"dot", {{7, 7}}, Point{7, 7}, Color::red}};
  CHECK(round_trip(shapes) == shapes);

  const TenFields m = sample_ten();
  const TenFields back = round_trip(m);
  CHECK(back == m);
  CHECK(back.shape.points[2] == Point{-5, 12});
  CHECK(back.hint == std::optional<std::string>("leader is n3"));
  CHECK(round_trip(TenFields{}) == TenFields{});
  // The encoding is a pure function of the value.
  CHECK(wire::encode(m) == wire::encode(back));
}

TEST_CASE("wire: a span encodes exactly as the vector it views", "[sim][wire]") {
  const std::vector<Shape> shapes{Shape{"a", {{1, 2}}, std::nullopt, Color::green}, Shape{},
                                  Shape{"dot", {{7, 7}}, Point{7, 7}, Color::red}};
  const std::span<const Shape> all(shapes);
  CHECK(wire::encode(all) == wire::encode(shapes));
  CHECK(wire::encoded_size(all) == wire::encode(shapes).size());
  const std::vector<Shape> tail(shapes.begin() + 1, shapes.end());
  CHECK(wire::encode(all.subspan(1)) == wire::encode(tail));
  CHECK(wire::encode(std::span<const Shape>()) == Bytes{0});
}

TEST_CASE("wire: decoding rejects truncated input", "[sim][wire]") {
  rejects<uint64_t>({}, "truncated varint at byte 0");
  rejects<uint64_t>({0x80}, "truncated varint at byte 1");
  rejects<std::string>({0x03, 'a', 'b'}, "length 3 exceeds the 2 bytes left at byte 1");
  rejects<Point>({0x02}, "truncated varint at byte 1");
  every_truncation_fails(sample_ten());
  every_truncation_fails(Shape{"s", {{1, 2}}, Point{3, 4}, Color::blue});
  every_truncation_fails(std::vector<std::string>{"ab", "", "cde"});
  every_truncation_fails(UINT64_MAX);
}

TEST_CASE("wire: decoding rejects varints longer than 64 bits", "[sim][wire]") {
  CHECK(wire::decode<uint64_t>(concat(repeat(9, 0x80), {0x01})) ==
        std::optional<uint64_t>(uint64_t{1} << 63));
  rejects<uint64_t>(concat(repeat(9, 0x80), {0x02}), "varint longer than 64 bits");
  rejects<uint64_t>(concat(repeat(9, 0xff), {0x03}), "varint longer than 64 bits");
  rejects<uint64_t>(concat(repeat(10, 0x80), {0x00}), "varint longer than 64 bits");
  rejects<uint64_t>(repeat(20, 0xff), "varint longer than 64 bits");
  rejects<int64_t>(repeat(11, 0x80), "varint longer than 64 bits");
}

TEST_CASE("wire: decoding rejects lengths and counts beyond the buffer", "[sim][wire]") {
  rejects<std::string>({0x05, 'a', 'b'}, "length 5 exceeds the 2 bytes left");
  rejects<Bytes>({0x01}, "length 1 exceeds the 0 bytes left");
  rejects<std::vector<uint64_t>>({0x03, 0x01, 0x02}, "length 3 exceeds the 2 bytes left");
  // A huge claimed length fails before anything is allocated for it.
  rejects<std::string>(concat(repeat(9, 0xff), {0x01}), "exceeds the 0 bytes left");
  rejects<std::vector<std::string>>(concat({0xff, 0xff, 0xff, 0xff, 0x0f}, {0x00}),
                                    "exceeds the 1 bytes left");
}

TEST_CASE("wire: decoding rejects bools other than 0 and 1", "[sim][wire]") {
  CHECK(wire::decode<bool>(Bytes{0x01}) == std::optional<bool>(true));
  CHECK(wire::decode<bool>(Bytes{0x00}) == std::optional<bool>(false));
  rejects<bool>({0x02}, "bool is neither 0 nor 1 at byte 1");
  rejects<bool>({0xff, 0x01}, "bool is neither 0 nor 1");
  // The presence byte of an optional is a bool too.
  rejects<std::optional<uint8_t>>({0x02, 0x05}, "bool is neither 0 nor 1");
}

TEST_CASE("wire: decoding rejects integers out of their type's range", "[sim][wire]") {
  CHECK(wire::decode<uint8_t>(Bytes{0xff, 0x01}) == std::optional<uint8_t>(255));
  rejects<uint8_t>({0x80, 0x02}, "integer out of range");         // 256
  rejects<uint16_t>({0x80, 0x80, 0x04}, "integer out of range");  // 65536
  rejects<uint32_t>(wire::encode(uint64_t{1} << 32), "integer out of range");
  rejects<int8_t>(wire::encode(int64_t{128}), "integer out of range");
  rejects<int8_t>(wire::encode(int64_t{-129}), "integer out of range");
  rejects<int32_t>(wire::encode(int64_t{std::numeric_limits<int32_t>::min()} - 1),
                   "integer out of range");
  rejects<Color>(wire::encode(uint64_t{256}), "integer out of range");
  rejects<Point>(concat(wire::encode(int64_t{1} << 31), {0x00}), "integer out of range");
}

TEST_CASE("wire: decoding rejects trailing bytes", "[sim][wire]") {
  rejects<uint8_t>({0x01, 0x00}, "trailing bytes at byte 1");
  rejects<std::string>({0x01, 'a', 'b'}, "trailing bytes at byte 2");
  rejects<TenFields>(concat(wire::encode(sample_ten()), {0x00}), "trailing bytes");
  // Without an error pointer the result is still nullopt.
  CHECK_FALSE(wire::decode<uint8_t>(Bytes{0x01, 0x00}).has_value());
}

TEST_CASE("wire: a reader keeps the first error and stops reading", "[sim][wire]") {
  const Bytes bytes{0x80};
  wire::Reader r(bytes);
  CHECK(r.varint() == 0);
  CHECK_FALSE(r.ok());
  r.fail("second problem");
  CHECK_THAT(r.error(), Equals("truncated varint at byte 1"));
  CHECK(r.raw(1).empty());
  CHECK(r.length() == 0);
}

TEST_CASE("wire: seeded random bytes never crash the decoder", "[sim][wire][fuzz]") {
  Rng rng(0x5eed);
  const Bytes valid = wire::encode(sample_ten());
  // Bytes near the codec's boundaries make deep decodes likelier than uniform noise.
  const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0x81, 0xff};
  uint64_t decoded_shapes = 0;
  uint64_t decoded_mutants = 0;
  for (int round = 0; round < 20000; ++round) {
    const size_t length = static_cast<size_t>(rng.below(48));
    const bool small_alphabet = rng.below(2) == 0;
    Bytes input(length);
    for (uint8_t& byte : input) {
      byte = small_alphabet ? interesting[rng.below(sizeof interesting)]
                            : static_cast<uint8_t>(rng.next());
    }
    decode_is_sane<uint64_t>(input);
    decode_is_sane<int32_t>(input);
    decode_is_sane<std::string>(input);
    decode_is_sane<std::vector<std::string>>(input);
    decode_is_sane<std::vector<std::vector<int8_t>>>(input);
    decode_is_sane<std::optional<Point>>(input);
    if (decode_is_sane<Shape>(input)) ++decoded_shapes;
    decode_is_sane<TenFields>(input);

    // A valid message with one to three bytes changed, or cut short.
    Bytes mutant = valid;
    const uint64_t changes = 1 + rng.below(3);
    for (uint64_t c = 0; c < changes; ++c) {
      const size_t at = static_cast<size_t>(rng.below(mutant.size()));
      mutant[at] = static_cast<uint8_t>(rng.next());
    }
    if (rng.below(4) == 0) mutant.resize(static_cast<size_t>(rng.below(mutant.size())));
    if (decode_is_sane<TenFields>(mutant)) ++decoded_mutants;
  }
  // The loop reached past the first field often enough to mean something.
  CHECK(decoded_shapes > 10);
  CHECK(decoded_mutants > 1000);
}
