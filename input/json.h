// Parsing untrusted JSON within input::Limits (limits.h), for every JSON reader of the CLI.
//
// nlohmann's parser is iterative, but a document built from deep input is dangerous later (its
// dump() and comparisons recurse), and a number like 1e400 or a 16 GB string surface as
// exceptions or allocations far from the input. So parse_json drives nlohmann's own DOM builder
// through a SAX handler that checks every limit as the event arrives (before the value is built)
// and records the JSON path of the event, so that every problem names where it is.
//
// Contract: parse_json never throws (but std::bad_alloc); it returns either the document or one
// JsonProblem. A returned document nests at most limits.depth_max levels, holds no string or key
// longer than limits.string_bytes_max and no more than limits.values_max values, and every
// number in it is finite.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "input/limits.h"

namespace input {

struct JsonProblem {
  std::string path;        // "$.operations[3].call_ns": where the parser was
  std::string problem;     // escaped, one line: "got 1e400", "got a string of 20000000 bytes"
  std::string expected;    // "a finite number", "at most 32 levels of arrays and objects"
  bool malformed = false;  // a syntax error (line and column are then set)
  size_t byte = 0;         // the byte offset the parser had reached, from 0
  size_t line = 0;         // from 1, for a syntax error or a number out of range
  size_t column = 0;       // from 1
};

template <class BasicJson>
struct JsonParse {
  BasicJson value;
  std::optional<JsonProblem> problem;  // set when the text was refused; value is then null
};

// For nlohmann::json and nlohmann::ordered_json.
template <class BasicJson>
JsonParse<BasicJson> parse_json(std::string_view text, const Limits& limits);

// A JSON path for messages: "$", ".key" for identifier keys, ["key"] (escaped and cut short)
// for others, "[index]" for elements.
std::string member_path(std::string path, std::string_view key);
std::string element_path(std::string path, size_t index);

}  // namespace input
