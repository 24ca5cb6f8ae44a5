#include "sim/trace.h"

#include <fmt/core.h>

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <ostream>

namespace sim {
namespace {

constexpr uint64_t kPrime1 = 0x9e3779b185ebca87ULL;
constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4fULL;

constexpr uint64_t mix(uint64_t h, uint64_t word) {
  h ^= word * kPrime2;
  h = (h << 31) | (h >> 33);
  return h * kPrime1;
}

// A string folds as its length, then its bytes in little-endian 64-bit words, the last one padded
// with zeros. Whole words are loaded eight bytes at a time (byte-swapped on a big-endian machine),
// which gives the same words as assembling them byte by byte.
uint64_t mix_string(uint64_t h, std::string_view s) {
  h = mix(h, s.size());
  const char* p = s.data();
  size_t left = s.size();
  for (; left >= 8; p += 8, left -= 8) {
    uint64_t word = 0;
    std::memcpy(&word, p, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    h = mix(h, word);
  }
  if (left == 0) return h;
  uint64_t word = 0;
  for (size_t i = 0; i < left; ++i) {
    word |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return mix(h, word);
}

}  // namespace

const char* to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::spawn:
      return "spawn";
    case TraceKind::timer:
      return "timer";
    case TraceKind::send:
      return "send";
    case TraceKind::deliver:
      return "deliver";
    case TraceKind::drop:
      return "drop";
    case TraceKind::duplicate:
      return "duplicate";
    case TraceKind::crash:
      return "crash";
    case TraceKind::restart:
      return "restart";
    case TraceKind::persist:
      return "persist";
    case TraceKind::fault:
      return "fault";
    case TraceKind::note:
      return "note";
  }
  return "?";
}

Trace::Trace(TraceOptions options) : options_(options), fingerprint_(0x243f6a8885a308d3ULL) {
  ring_.reserve(options_.recent_max);
}

uint64_t Trace::fold(uint64_t h, const TraceEvent& e) {
  h = mix(h, static_cast<uint64_t>(e.at.ns()));
  h = mix(h, static_cast<uint64_t>(e.kind));
  h = mix(h, static_cast<uint64_t>(static_cast<int64_t>(e.node)));
  h = mix(h, static_cast<uint64_t>(static_cast<int64_t>(e.peer)));
  h = mix(h, e.id);
  h = mix(h, e.size);
  h = mix_string(h, e.topic);
  // A note of numbers folds as the text it renders to, so recording numbers instead of text
  // leaves every fingerprint as it was.
  TraceText::Buffer buffer;
  return mix_string(h, e.text.view(buffer));
}

void Trace::record(TraceEvent&& event) {
  fingerprint_ = fold(fingerprint_, event);
  record_view(std::move(event));
}

void Trace::record_view(TraceEvent&& event) {
  ++count_;
  if (listener_) listener_(event);
  if (options_.record_all) all_.push_back(event);
  if (options_.recent_max == 0) return;
  if (ring_.size() < options_.recent_max) {
    ring_.push_back(std::move(event));
  } else {
    ring_[ring_next_] = std::move(event);
  }
  if (++ring_next_ == options_.recent_max) ring_next_ = 0;
}

std::vector<TraceEvent> Trace::recent() const {
  if (ring_.size() < options_.recent_max) return ring_;
  std::vector<TraceEvent> ordered;
  ordered.reserve(ring_.size());
  for (size_t i = 0; i < ring_.size(); ++i)
    ordered.push_back(ring_[(ring_next_ + i) % ring_.size()]);
  return ordered;
}

std::string Trace::to_json(const TraceEvent& e) {
  nlohmann::ordered_json j;
  j["at_ns"] = e.at.ns();
  j["kind"] = to_string(e.kind);
  j["node"] = e.node;
  if (e.peer != kNoNode) j["peer"] = e.peer;
  if (e.id != 0) j["id"] = e.id;
  if (e.size != 0) j["size"] = e.size;
  if (!e.topic.empty()) j["topic"] = e.topic;
  if (!e.text.empty()) j["text"] = e.text.str();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Trace::write_jsonl(std::ostream& out) const {
  for (const TraceEvent& e : all_) out << to_json(e) << '\n';
}

std::string fingerprint_hex(uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

}  // namespace sim
