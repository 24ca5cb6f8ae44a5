#include "sim/wire.h"

namespace sim::wire {

uint64_t Reader::varint_multibyte() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!ok_) return 0;
    if (pos_ >= in_.size()) {
      fail("truncated varint");
      return 0;
    }
    const uint8_t byte = in_[pos_++];
    if (shift == 63 && byte > 1) {
      fail("varint longer than 64 bits");
      return 0;
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail("varint longer than 64 bits");
  return 0;
}

size_t Reader::length() {
  const uint64_t n = varint();
  if (!ok_) return 0;
  if (n > in_.size() - pos_) {
    fail("length " + std::to_string(n) + " exceeds the " + std::to_string(in_.size() - pos_) +
         " bytes left");
    return 0;
  }
  return static_cast<size_t>(n);
}

std::span<const uint8_t> Reader::raw(size_t n) {
  if (!ok_) return {};
  if (n > in_.size() - pos_) {
    fail("truncated bytes");
    return {};
  }
  std::span<const uint8_t> out = in_.subspan(pos_, n);
  pos_ += n;
  return out;
}

bool Reader::byte_bool() {
  const uint64_t v = varint();
  if (v > 1) fail("bool is neither 0 nor 1");
  return v == 1;
}

}  // namespace sim::wire
