// Reading a history from a file in either format (history_json.h, jepsen_edn.h), as the
// `raftsim check` command does.
//
// Contract: throws HistoryError naming the file for every problem, including a file that cannot
// be opened; never crashes on any file contents.
#pragma once

#include <optional>
#include <string>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability {

enum class HistoryFormat : uint8_t {
  automatic,  // jepsen for a name ending in ".edn", json otherwise
  json,       // raftsim-history/1
  jepsen,     // Jepsen EDN
};

struct ReadOptions {
  HistoryFormat format = HistoryFormat::automatic;
  // "kv" or "register". A json history must then name this model; a Jepsen one is read as it.
  std::optional<std::string> model;
  // Replaces the register's initial value (null unless given). Only for the register model.
  std::optional<RegisterValue> initial;
};

AnyHistory read_history_file(const std::string& path, const ReadOptions& options);

// The model's name of any history ("kv", "register") and its number of operations.
std::string_view model_name(const AnyHistory& history);
size_t operation_count(const AnyHistory& history);

}  // namespace checkers::linearizability
