// sim::TraceText: the text of a trace event, either free text or a note recorded as numbers.
//
// Contract. A note of numbers is a NotePattern (a string literal whose "{}" placeholders, checked
// when the program is compiled, each take one integer) and its integers; it is rendered only when
// something reads it, to exactly the text fmt::format would give for the same pattern and values.
// Every reader sees the same text for both forms: str(), view(), ==, <<, the trace's JSON export
// and its fingerprint, which folds the rendered bytes (sim/trace.h). The simulation records many
// thousands of protocol notes a second and prints almost none, so recording numbers keeps
// formatting and allocation off the hot path.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/assert.h"

namespace sim {

// The pattern of a note recorded as numbers: a string literal in which each "{}" stands for one
// integer argument. Checked when the program is compiled: at most kArgsMax placeholders, at most
// kSizeMax characters, so a rendered note always fits a TraceText::Buffer.
struct NotePattern {
  static constexpr size_t kArgsMax = 3;
  static constexpr size_t kSizeMax = 64;

  template <size_t N>
  consteval NotePattern(const char (&literal)[N]) : text(literal), size(N - 1) {  // NOLINT
    if (N - 1 == 0 || N - 1 > kSizeMax) throw "a note pattern has 1 to 64 characters";
    for (size_t i = 0; i + 1 < N - 1; ++i) {
      if (literal[i] == '{' && literal[i + 1] == '}') ++holes;
    }
    if (holes > kArgsMax) throw "a note pattern has at most 3 placeholders";
  }

  const char* text;  // static storage: the pattern outlives every event that refers to it
  uint8_t size;
  uint8_t holes = 0;
};

// Integers a note may carry: not bool or characters, which fmt would show as words or letters.
template <typename T>
concept NoteInteger = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                      !std::same_as<T, signed char> && !std::same_as<T, unsigned char>;

class TraceText {
 public:
  // Room for any rendered note: the pattern and 20 characters for each integer.
  using Buffer = std::array<char, NotePattern::kSizeMax + 20 * NotePattern::kArgsMax>;

  TraceText() = default;
  TraceText(std::string text) : free_(std::move(text)) {}  // NOLINT: free text converts implicitly
  TraceText(const char* text) : free_(text) {}             // NOLINT

  // A note of integers, each shown in decimal as fmt shows its type (signed or unsigned).
  template <NoteInteger... Args>
  static TraceText numbers(NotePattern pattern, Args... args) {
    static_assert(sizeof...(Args) <= NotePattern::kArgsMax);
    RAFTSIM_ASSERT(pattern.holes == sizeof...(Args));
    TraceText text;
    text.pattern_ = pattern.text;
    text.pattern_size_ = pattern.size;
    size_t i = 0;
    auto put = [&text, &i](auto value) {
      text.args_[i] = static_cast<uint64_t>(value);
      if (std::is_signed_v<decltype(value)>) text.signed_ |= static_cast<uint8_t>(1u << i);
      ++i;
    };
    (put(args), ...);
    return text;
  }

  bool empty() const { return pattern_ == nullptr && free_.empty(); }
  bool is_numbers() const { return pattern_ != nullptr; }
  // The text; a note of numbers is rendered into `buffer`, which the view then points into.
  std::string_view view(Buffer& buffer) const;
  std::string str() const;

  friend bool operator==(const TraceText& a, const TraceText& b);
  friend bool operator==(const TraceText& a, std::string_view b);
  // Exact matches, so that comparing with a literal or a string is not ambiguous.
  friend bool operator==(const TraceText& a, const char* b) { return a == std::string_view(b); }
  friend bool operator==(const TraceText& a, const std::string& b) {
    return a == std::string_view(b);
  }

 private:
  std::string free_;
  const char* pattern_ = nullptr;  // set: a note of numbers, and free_ is empty
  uint8_t pattern_size_ = 0;
  uint8_t signed_ = 0;  // bit i: args_[i] holds an int64_t
  std::array<uint64_t, NotePattern::kArgsMax> args_{};
};

std::ostream& operator<<(std::ostream& out, const TraceText& text);

}  // namespace sim
