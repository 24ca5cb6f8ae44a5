// sim::wire: the binary codec for everything that crosses the simulated network or disk.
//
// Encoding: unsigned integers as LEB128 varints, signed ones zigzagged first, bools as one byte
// (0 or 1), strings and byte vectors as a varint length then the bytes, vectors (and spans, which
// only encode) as a varint count then the elements, optionals as a presence byte then the value,
// enums as their underlying integer, Duration/Instant as signed nanoseconds, and structs as their
// fields in the order given, once, by RAFTSIM_WIRE_FIELDS(...).
//
// Decoding validates as it goes: a truncated varint or one longer than 64 bits, a length or count
// larger than the bytes left, a bool that is not 0 or 1, an integer out of its type's range, or
// bytes left over at the end are all errors. Garbage never causes undefined behaviour.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/ids.h"
#include "sim/time.h"

// Inside a struct: lists the fields that go on the wire, in order.
#define RAFTSIM_WIRE_FIELDS(...)                       \
  auto wire_fields() { return std::tie(__VA_ARGS__); } \
  auto wire_fields() const { return std::tie(__VA_ARGS__); }

namespace sim::wire {

template <class T>
concept Described = requires(T& t) {
  t.wire_fields();
};

class Writer {
 public:
  void varint(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<uint8_t>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(value));
  }
  void zigzag(int64_t value) {
    varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void raw(std::span<const uint8_t> bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void reserve(size_t bytes) { out_.reserve(bytes); }
  Bytes take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}

  uint64_t varint() {
    // One byte, the common case (small numbers, lengths, bools, enums), decoded here.
    if (ok_ && pos_ < in_.size() && in_[pos_] < 0x80) return in_[pos_++];
    return varint_multibyte();
  }
  int64_t zigzag() {
    const uint64_t u = varint();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  // A length or count that must fit in the remaining bytes (each element takes at least one).
  size_t length();
  std::span<const uint8_t> raw(size_t n);
  bool byte_bool();

  void fail(std::string message) {
    if (ok_) error_ = std::move(message) + " at byte " + std::to_string(pos_);
    ok_ = false;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  size_t position() const { return pos_; }
  const std::string& error() const { return error_; }

 private:
  uint64_t varint_multibyte();

  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

template <class T>
void put(Writer& w, const T& value);
template <class T>
void get(Reader& r, T& value);

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
// Encoded as the vector it views (encode only: a decode makes a vector).
template <class T>
struct IsSpan : std::false_type {};
template <class T>
struct IsSpan<std::span<const T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};

template <class T>
void put(Writer& w, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    w.varint(value ? 1 : 0);
  } else if constexpr (std::is_enum_v<T>) {
    put(w, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.zigzag(value);
  } else if constexpr (std::is_integral_v<T>) {
    w.varint(value);
  } else if constexpr (std::is_same_v<T, Duration>) {
    w.zigzag(value.ns());
  } else if constexpr (std::is_same_v<T, Instant>) {
    w.zigzag(value.ns());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes>) {
    w.varint(value.size());
    w.raw(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
  } else if constexpr (IsVector<T>::value || IsSpan<T>::value) {
    w.varint(value.size());
    for (const auto& element : value) put(w, element);
  } else if constexpr (IsOptional<T>::value) {
    w.varint(value.has_value() ? 1 : 0);
    if (value.has_value()) put(w, *value);
  } else if constexpr (IsPair<T>::value) {
    put(w, value.first);
    put(w, value.second);
  } else {
    static_assert(Described<T>, "add RAFTSIM_WIRE_FIELDS(...) to this type");
    std::apply([&w](const auto&... field) { (put(w, field), ...); }, value.wire_fields());
  }
}

template <class T>
void get(Reader& r, T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    value = r.byte_bool();
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> underlying{};
    get(r, underlying);
    value = static_cast<T>(underlying);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    const int64_t v = r.zigzag();
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
      r.fail("integer out of range");
      return;
    }
    value = static_cast<T>(v);
  } else if constexpr (std::is_integral_v<T>) {
    const uint64_t v = r.varint();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
      r.fail("integer out of range");
      return;
    }
    value = static_cast<T>(v);
  } else if constexpr (std::is_same_v<T, Duration>) {
    value = Duration::nanoseconds(r.zigzag());
  } else if constexpr (std::is_same_v<T, Instant>) {
    value = Instant::from_ns(r.zigzag());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes>) {
    const size_t n = r.length();
    std::span<const uint8_t> bytes = r.raw(n);
    value.assign(bytes.begin(), bytes.end());
  } else if constexpr (IsVector<T>::value) {
    const size_t n = r.length();
    value.clear();
    value.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) {
      value.emplace_back();
      get(r, value.back());
    }
  } else if constexpr (IsOptional<T>::value) {
    value.reset();
    if (r.byte_bool()) {
      value.emplace();
      get(r, *value);
    }
  } else if constexpr (IsPair<T>::value) {
    get(r, value.first);
    get(r, value.second);
  } else {
    static_assert(Described<T>, "add RAFTSIM_WIRE_FIELDS(...) to this type");
    std::apply([&r](auto&... field) { (get(r, field), ...); }, value.wire_fields());
  }
}

// The number of bytes put(w, value) writes, computed without writing them.
inline size_t varint_size(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}
inline size_t zigzag_size(int64_t value) {
  return varint_size((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

template <class T>
size_t encoded_size(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return 1;
  } else if constexpr (std::is_enum_v<T>) {
    return encoded_size(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return zigzag_size(value);
  } else if constexpr (std::is_integral_v<T>) {
    return varint_size(value);
  } else if constexpr (std::is_same_v<T, Duration> || std::is_same_v<T, Instant>) {
    return zigzag_size(value.ns());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes>) {
    return varint_size(value.size()) + value.size();
  } else if constexpr (IsVector<T>::value || IsSpan<T>::value) {
    size_t n = varint_size(value.size());
    for (const auto& element : value) n += encoded_size(element);
    return n;
  } else if constexpr (IsOptional<T>::value) {
    return 1 + (value.has_value() ? encoded_size(*value) : 0);
  } else if constexpr (IsPair<T>::value) {
    return encoded_size(value.first) + encoded_size(value.second);
  } else {
    static_assert(Described<T>, "add RAFTSIM_WIRE_FIELDS(...) to this type");
    return std::apply([](const auto&... field) { return (size_t{0} + ... + encoded_size(field)); },
                      value.wire_fields());
  }
}

// Sized first, so the bytes are allocated once.
template <class T>
Bytes encode(const T& value) {
  Writer w;
  w.reserve(encoded_size(value));
  put(w, value);
  return w.take();
}

// The decoded value, or nullopt with the reason in *error.
template <class T>
std::optional<T> decode(std::span<const uint8_t> bytes, std::string* error = nullptr) {
  Reader r(bytes);
  T value{};
  get(r, value);
  if (r.ok() && !r.at_end()) r.fail("trailing bytes");
  if (!r.ok()) {
    if (error != nullptr) *error = r.error();
    return std::nullopt;
  }
  return value;
}

}  // namespace sim::wire
