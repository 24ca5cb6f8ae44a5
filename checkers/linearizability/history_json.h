// The `raftsim-history/1` file format (DESIGN.md, "File formats"):
//
//   {"format": "raftsim-history/1", "model": "kv",
//    "operations": [
//     {"client": 0, "call_ns": 100, "return_ns": 250, "op": "put", "key": "x", "value": "1"},
//     {"client": 1, "call_ns": 120, "return_ns": 300, "op": "get", "key": "x", "output": "1"},
//     {"client": 2, "call_ns": 130, "return_ns": null, "op": "append", "key": "x", "value": "y"}]}
//
// kv operations: get (output: string), put and append (value: string), each with a string key.
// register operations: read (output: integer, or null for no value), write (value: integer),
// cas (value: [from, to] integers; output: boolean). A register history may give its initial
// value in a top-level "initial" field (integer or null; default null).
//
// Contract: the reader accepts exactly this format and throws HistoryError naming the source, the
// operation's index and the problem for anything else: malformed JSON, a missing, mistyped or
// unknown field, return_ns before call_ns, an unknown op or model. `return_ns: null` means the
// outcome is unknown; a completed operation without "output" returned something unchecked; the
// output of an operation of unknown outcome is read, validated and then ignored. The writer emits
// exactly what the reader accepts, fields in the order above.
#pragma once

#include <string>
#include <string_view>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability {

inline constexpr std::string_view kHistoryFormat = "raftsim-history/1";

// `source` names the input (a file name) in error messages.
AnyHistory read_history_json(std::string_view text, std::string_view source);

std::string write_history_json(const AnyHistory& history);

}  // namespace checkers::linearizability
