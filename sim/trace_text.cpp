#include "sim/trace_text.h"

#include <charconv>
#include <ostream>

namespace sim {

std::string_view TraceText::view(Buffer& buffer) const {
  if (pattern_ == nullptr) return free_;
  char* out = buffer.data();
  char* const end = buffer.data() + buffer.size();
  size_t arg = 0;
  for (size_t i = 0; i < pattern_size_; ++i) {
    if (pattern_[i] == '{' && i + 1 < pattern_size_ && pattern_[i + 1] == '}') {
      const uint64_t value = args_[arg];
      const bool is_signed = (signed_ >> arg & 1u) != 0;
      const std::to_chars_result r = is_signed
                                         ? std::to_chars(out, end, static_cast<int64_t>(value))
                                         : std::to_chars(out, end, value);
      RAFTSIM_ASSERT(r.ec == std::errc());  // NotePattern's bounds make room for every argument
      out = r.ptr;
      ++arg;
      ++i;
    } else {
      *out++ = pattern_[i];
    }
  }
  return {buffer.data(), static_cast<size_t>(out - buffer.data())};
}

std::string TraceText::str() const {
  Buffer buffer;
  return std::string(view(buffer));
}

bool operator==(const TraceText& a, std::string_view b) {
  TraceText::Buffer buffer;
  return a.view(buffer) == b;
}

bool operator==(const TraceText& a, const TraceText& b) {
  TraceText::Buffer buffer;
  return a == b.view(buffer);
}

std::ostream& operator<<(std::ostream& out, const TraceText& text) {
  TraceText::Buffer buffer;
  return out << text.view(buffer);
}

}  // namespace sim
