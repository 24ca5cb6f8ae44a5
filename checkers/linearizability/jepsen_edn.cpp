#include "checkers/linearizability/jepsen_edn.h"

#include <map>
#include <vector>

#include "checkers/linearizability/detail/edn.h"
#include "input/escape.h"

namespace checkers::linearizability {
namespace {

using detail::EdnValue;
using Kind = EdnValue::Kind;

// One operation as Jepsen recorded it: its invocation and, when there was one, its completion.
struct JepsenOperation {
  int64_t process = 0;
  std::string f;
  const EdnValue* invoke = nullptr;
  const EdnValue* completion = nullptr;  // its :ok or :info entry, or nullptr
  bool ok = false;
  int64_t call_position = 0;
  std::optional<int64_t> return_position;
  std::string where;  // "SOURCE: entry N (line L)" of the invocation, for error messages
};

std::string where(std::string_view source, size_t entry, const EdnValue& value) {
  return std::string(source) + ": entry " + std::to_string(entry) + " (line " +
         std::to_string(value.line) + ")";
}

// The forms that are operations: the elements of one top-level vector or list, or every form.
std::vector<EdnValue> entries_of(std::vector<EdnValue> forms) {
  if (forms.size() == 1 && (forms[0].kind == Kind::vector || forms[0].kind == Kind::list)) {
    return std::move(forms[0].items);
  }
  return forms;
}

// A keyword's or string's name, or "" for anything else.
std::string name_of(const EdnValue* value) {
  if (value == nullptr) return {};
  if (value->kind == Kind::keyword || value->kind == Kind::string) return value->text;
  return {};
}

// Pairs invocations with completions, per process, in entry order. Returns operations in
// invocation order, :fail ones already dropped.
std::vector<JepsenOperation> pair_entries(const std::vector<EdnValue>& entries,
                                          std::string_view source) {
  std::vector<JepsenOperation> operations;
  std::vector<bool> dropped;
  std::map<int64_t, size_t> pending;  // process -> index into operations
  for (size_t entry = 0; entry < entries.size(); ++entry) {
    const EdnValue& value = entries[entry];
    const std::string here = where(source, entry, value);
    if (value.kind != Kind::map)
      throw HistoryError(here + ": expected a map, got " + describe(value));
    const EdnValue* process = value.find("process");
    if (process == nullptr) throw HistoryError(here + ": missing :process");
    if (process->kind != Kind::integer) continue;  // the nemesis, or another non-client process
    const std::string type = name_of(value.find("type"));
    const std::string f = name_of(value.find("f"));
    if (f.empty()) throw HistoryError(here + ": missing or mistyped :f");
    const auto open = pending.find(process->integer);
    if (type == "invoke") {
      if (open != pending.end()) {
        throw HistoryError(here + ": process " + std::to_string(process->integer) +
                           " invokes again before its operation at " +
                           operations[open->second].where + " completed");
      }
      pending.emplace(process->integer, operations.size());
      operations.push_back({process->integer, f, &value, nullptr, false,
                            static_cast<int64_t>(entry), std::nullopt, here});
      dropped.push_back(false);
      continue;
    }
    if (type != "ok" && type != "fail" && type != "info") {
      throw HistoryError(here + ": :type must be :invoke, :ok, :fail or :info, got " +
                         (value.find("type") ? describe(*value.find("type")) : "nothing"));
    }
    if (open == pending.end()) {
      throw HistoryError(here + ": :" + input::excerpt(type, 40) + " for process " +
                         std::to_string(process->integer) + ", which has no operation in progress");
    }
    JepsenOperation& operation = operations[open->second];
    if (operation.f != f) {
      throw HistoryError(here + ": completes :" + input::excerpt(operation.f, 40) +
                         " with :f :" + input::excerpt(f, 40));
    }
    dropped[open->second] = type == "fail";
    if (type == "ok") {
      operation.ok = true;
      operation.completion = &value;
      operation.return_position = static_cast<int64_t>(entry);
    }
    pending.erase(open);
  }
  std::vector<JepsenOperation> kept;
  for (size_t i = 0; i < operations.size(); ++i) {
    if (!dropped[i]) kept.push_back(std::move(operations[i]));
  }
  return kept;
}

std::string infer_model(const std::vector<JepsenOperation>& operations) {
  if (operations.empty()) return std::string(RegisterModel::kName);
  const std::string& f = operations.front().f;
  if (f == "read" || f == "write" || f == "cas") return std::string(RegisterModel::kName);
  if (f == "get" || f == "put" || f == "append") return std::string(KvModel::kName);
  throw HistoryError(operations.front().where + ": cannot tell the model from :f :" +
                     input::excerpt(f, 40) + " (give --model kv or --model register)");
}

// The :value of the completion when the operation completed :ok, else of the invocation.
const EdnValue* value_of(const EdnValue* entry) { return entry ? entry->find("value") : nullptr; }

int64_t integer_of(const JepsenOperation& operation, const EdnValue* value, const char* what) {
  if (value == nullptr || value->kind != Kind::integer) {
    throw HistoryError(operation.where + ": " + what + " must be an integer, got " +
                       (value ? detail::describe(*value) : std::string("nothing")));
  }
  return value->integer;
}

RegisterCall register_call(const JepsenOperation& operation) {
  RegisterCall call;
  const EdnValue* input = value_of(operation.invoke);
  if (operation.f == "read") {
    call.op = RegisterOp::read;
    if (operation.ok) {
      const EdnValue* output = value_of(operation.completion);
      if (output != nullptr && output->kind != Kind::nil) {
        call.read_output = integer_of(operation, output, "the value a :read returned");
      }
      call.output_known = true;
    }
  } else if (operation.f == "write") {
    call.op = RegisterOp::write;
    call.value = integer_of(operation, input, "the :value of a :write");
  } else if (operation.f == "cas") {
    call.op = RegisterOp::cas;
    const bool pair = input != nullptr &&
                      (input->kind == Kind::vector || input->kind == Kind::list) &&
                      input->items.size() == 2;
    if (!pair) throw HistoryError(operation.where + ": the :value of a :cas must be [from to]");
    call.value = integer_of(operation, &input->items[0], "a :cas's from");
    call.to = integer_of(operation, &input->items[1], "a :cas's to");
    call.output_known = operation.ok;
    call.cas_output = operation.ok;
  } else {
    throw HistoryError(operation.where + ": unknown :f :" + input::excerpt(operation.f, 40) +
                       " for model register (expected :read, :write or :cas)");
  }
  return call;
}

// A kv key or value as text: strings as they are, keywords and symbols by name, integers in
// decimal; nil is the empty string (a missing key reads as "").
std::string text_of(const JepsenOperation& operation, const EdnValue* value, const char* what) {
  if (value == nullptr || value->kind == Kind::nil) return {};
  switch (value->kind) {
    case Kind::string:
    case Kind::keyword:
    case Kind::symbol:
      return value->text;
    case Kind::integer:
      return std::to_string(value->integer);
    default:
      throw HistoryError(operation.where + ": " + what +
                         " must be a string, keyword or integer, got " + detail::describe(*value));
  }
}

// Jepsen's independent keys wrap a value as [key value]; a :key field names the key directly.
bool is_tuple(const EdnValue* value) {
  return value != nullptr && value->kind == Kind::vector && value->items.size() == 2;
}

KvCall kv_call(const JepsenOperation& operation) {
  KvCall call;
  const EdnValue* key = operation.invoke->find("key");
  const EdnValue* input = value_of(operation.invoke);
  const EdnValue* output = operation.ok ? value_of(operation.completion) : nullptr;
  if (key == nullptr) {
    if (!is_tuple(input)) {
      throw HistoryError(operation.where + ": a kv operation needs :key or a [key value] :value");
    }
    key = &input->items[0];
    input = &input->items[1];
    if (is_tuple(output)) output = &output->items[1];
  }
  call.key = text_of(operation, key, "the :key");
  if (operation.f == "get") {
    call.op = KvOp::get;
    if (operation.ok) call.output = text_of(operation, output, "the value a :get returned");
  } else if (operation.f == "put" || operation.f == "append") {
    call.op = operation.f == "put" ? KvOp::put : KvOp::append;
    call.value = text_of(operation, input, "the :value");
  } else {
    throw HistoryError(operation.where + ": unknown :f :" + input::excerpt(operation.f, 40) +
                       " for model kv (expected :get, :put or :append)");
  }
  return call;
}

template <Model M, typename MakeCall>
History<M> build(const std::vector<JepsenOperation>& operations, M model, MakeCall make_call) {
  History<M> history{std::move(model), {}};
  history.operations.reserve(operations.size());
  for (const JepsenOperation& operation : operations) {
    history.operations.push_back({operation.process, operation.call_position,
                                  operation.return_position, make_call(operation), std::nullopt,
                                  std::nullopt});
  }
  return history;
}

AnyHistory read_jepsen(std::string_view text, std::string_view source,
                       const JepsenOptions& options) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw HistoryError(std::string(source) + ": empty file");
  }
  const std::vector<EdnValue> entries = entries_of(detail::parse_edn(text, source));
  const std::vector<JepsenOperation> operations = pair_entries(entries, source);
  const std::string model = options.model ? *options.model : infer_model(operations);
  if (model == KvModel::kName) return build(operations, KvModel{}, kv_call);
  if (model == RegisterModel::kName) {
    return build(operations, RegisterModel{options.initial}, register_call);
  }
  throw HistoryError(std::string(source) + ": unknown model \"" + input::excerpt(model, 40) +
                     "\" (expected kv or register)");
}

}  // namespace

AnyHistory read_history_jepsen(std::string_view text, std::string_view source,
                               const JepsenOptions& options) {
  try {
    return read_jepsen(text, source, options);
  } catch (const HistoryError& error) {
    throw HistoryError(input::escape(error.what()));  // one line, nothing a terminal acts on
  }
}

}  // namespace checkers::linearizability
