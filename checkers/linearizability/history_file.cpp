#include "checkers/linearizability/history_file.h"

#include "checkers/linearizability/history_json.h"
#include "checkers/linearizability/jepsen_edn.h"
#include "input/escape.h"
#include "input/file.h"
#include "input/limits.h"

namespace checkers::linearizability {
namespace {

std::string read_file(const std::string& path, size_t bytes_max) {
  input::FileText file = input::read_file(path, bytes_max);
  if (!file.ok()) throw HistoryError(file.error);
  return std::move(file.text);
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

AnyHistory read_typed(const std::string& path, const ReadOptions& options) {
  const bool jepsen = options.format == HistoryFormat::jepsen ||
                      (options.format == HistoryFormat::automatic && ends_with(path, ".edn"));
  const std::string text =
      read_file(path, (jepsen ? input::kEdnLimits : input::kHistoryLimits).file_bytes_max);
  AnyHistory history;
  if (jepsen) {
    JepsenOptions jepsen_options{options.model, options.initial.value_or(RegisterValue{})};
    history = read_history_jepsen(text, path, jepsen_options);
  } else {
    history = read_history_json(text, path);
  }
  if (options.model && *options.model != model_name(history)) {
    throw HistoryError(path + ": the history's model is " + std::string(model_name(history)) +
                       ", not " + *options.model);
  }
  if (options.initial) {
    auto* registers = std::get_if<RegisterHistory>(&history);
    if (registers == nullptr) {
      throw HistoryError(path +
                         ": an initial value is for the register model, and this history's "
                         "model is " +
                         std::string(model_name(history)));
    }
    registers->model.initial = *options.initial;
  }
  return history;
}

}  // namespace

AnyHistory read_history_file(const std::string& path, const ReadOptions& options) {
  try {
    return read_typed(path, options);
  } catch (const HistoryError& error) {
    throw HistoryError(input::escape(error.what()));  // one line, nothing a terminal acts on
  }
}

std::string_view model_name(const AnyHistory& history) {
  return std::holds_alternative<KvHistory>(history) ? KvModel::kName : RegisterModel::kName;
}

size_t operation_count(const AnyHistory& history) {
  return std::visit([](const auto& typed) { return typed.operations.size(); }, history);
}

}  // namespace checkers::linearizability
