// A reader for the subset of EDN (extensible data notation) that Jepsen histories use: nil,
// booleans, integers, floats (kept as text), strings, characters, keywords, symbols, lists,
// vectors, maps and sets, with `;` comments, commas as whitespace, `#_` discards and `#tag`
// literals (the tag is dropped and the tagged form kept, so `#jepsen.history.Op{...}` reads as a
// map).
//
// Contract: never crashes on bad input; throws HistoryError "SOURCE: line L: problem" instead.
// Nesting deeper than kDepthMax is refused rather than recursed into.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "input/limits.h"

namespace checkers::linearizability::detail {

struct EdnValue {
  enum class Kind : uint8_t {
    nil,
    boolean,
    integer,
    floating,
    string,
    character,
    keyword,
    symbol,
    list,
    vector,
    map,
    set
  };
  Kind kind = Kind::nil;
  bool boolean = false;
  int64_t integer = 0;
  // string: its contents; keyword: its name without ':'; symbol, floating, character: the text.
  std::string text;
  // list, vector, set: the elements; map: key 0, value 0, key 1, value 1, ...
  std::vector<EdnValue> items;
  uint32_t line = 0;  // where the form starts, from 1

  // The value of keyword `name` in a map, or nullptr.
  const EdnValue* find(std::string_view name) const;
};

inline constexpr int kDepthMax = input::kEdnLimits.depth_max;

// Every top-level form of `text`, in order.
std::vector<EdnValue> parse_edn(std::string_view text, std::string_view source);

// A short rendering of a value for error messages (":invoke", "[1 2]", "\"x\""), escaped and cut
// to about 60 bytes.
std::string describe(const EdnValue& value);

}  // namespace checkers::linearizability::detail
