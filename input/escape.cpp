#include "input/escape.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace input {
namespace {

// The length of the valid UTF-8 sequence at `text[i]` and its code point, or 0 when the bytes
// there are not one (overlong forms, surrogates and values past U+10FFFF are invalid).
size_t utf8_sequence(std::string_view text, size_t i, uint32_t& code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code_point = lead & 0x1Fu, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code_point = lead & 0x0Fu, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code_point = lead & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = code_point << 6 | (byte(i + k) & 0x3Fu);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

// Code points that are valid but change how a terminal shows the line: C1 controls, the line
// and paragraph separators and the bidirectional embeddings, overrides and isolates.
bool invisible(uint32_t code_point) {
  return (code_point >= 0x80 && code_point <= 0x9F) || code_point == 0x2028 ||
         code_point == 0x2029 || (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069) || code_point == 0xFEFF;
}

void append_hex(std::string& out, const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  out += buffer;
}

// Appends the escaped form of the character at text[i] and returns its length in bytes.
size_t escape_one(std::string_view text, size_t i, std::string& out) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c >= 0x20 && c < 0x7F) {
    out += static_cast<char>(c);
    return 1;
  }
  if (c == '\n') return out += "\\n", 1;
  if (c == '\r') return out += "\\r", 1;
  if (c == '\t') return out += "\\t", 1;
  uint32_t code_point = 0;
  const size_t length = c >= 0x80 ? utf8_sequence(text, i, code_point) : 0;
  if (length == 0) {
    append_hex(out, "\\x%02x", c);
    return 1;
  }
  if (invisible(code_point)) {
    append_hex(out, "\\u{%04x}", code_point);
  } else {
    out.append(text.substr(i, length));
  }
  return length;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) i += escape_one(text, i, out);
  return out;
}

std::string excerpt(std::string_view text, size_t bytes_max) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    uint32_t code_point = 0;
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t length = c >= 0x80 ? std::max<size_t>(1, utf8_sequence(text, i, code_point)) : 1;
    if (i + length > bytes_max) break;
    i += escape_one(text, i, out);
  }
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace input
