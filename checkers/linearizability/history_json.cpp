#include "checkers/linearizability/history_json.h"

#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "input/escape.h"
#include "input/json.h"
#include "input/limits.h"

namespace checkers::linearizability {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// A JSON value as it appears in an error message: scalars as short escaped JSON, containers by
// their size (never dumped whole: a value may be huge).
std::string shown(const Json& value) {
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " elements";
  if (value.is_object()) return "an object with " + std::to_string(value.size()) + " fields";
  return input::excerpt(value.dump(-1, ' ', false, Json::error_handler_t::replace), 40);
}

// Reads the fields of one operation object; every problem names the source and the index.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string_view where) : object_(object), where_(where) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw HistoryError(where_ + ": " + problem);
  }

  const Json* find(const char* name) const {
    const auto found = object_.find(name);
    return found == object_.end() ? nullptr : &*found;
  }

  const Json& require(const char* name) const {
    const Json* value = find(name);
    if (value == nullptr) fail(std::string("missing field \"") + name + "\"");
    return *value;
  }

  int64_t integer(const char* name, const Json& value) const {
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}) {
      fail(std::string("field \"") + name + "\" is out of range: " + shown(value));
    }
    if (!value.is_number_integer()) {
      fail(std::string("field \"") + name + "\" must be an integer, got " + shown(value));
    }
    return value.get<int64_t>();
  }

  std::string string(const char* name, const Json& value) const {
    if (!value.is_string()) {
      fail(std::string("field \"") + name + "\" must be a string, got " + shown(value));
    }
    return value.get<std::string>();
  }

  void allow_only(std::initializer_list<const char*> names) const {
    for (const auto& [name, value] : object_.items()) {
      bool known = false;
      for (const char* allowed : names) known = known || name == allowed;
      if (!known) fail("unknown field \"" + input::excerpt(name, 40) + "\"");
    }
  }

 private:
  const Json& object_;
  std::string where_;
};

// The fields every operation has, whatever the model.
template <Model M>
Operation<M> read_timing(const FieldReader& reader) {
  Operation<M> operation;
  operation.client = reader.integer("client", reader.require("client"));
  operation.call_ns = reader.integer("call_ns", reader.require("call_ns"));
  const Json& returned = reader.require("return_ns");
  if (!returned.is_null()) {
    operation.return_ns = reader.integer("return_ns", returned);
    if (*operation.return_ns < operation.call_ns) {
      reader.fail("return_ns " + std::to_string(*operation.return_ns) + " is before call_ns " +
                  std::to_string(operation.call_ns));
    }
  }
  // Who answered: optional, and only of an operation that returned (history.h, invariant 2).
  const auto answer_field = [&](const char* name, int64_t least) -> std::optional<int64_t> {
    const Json* value = reader.find(name);
    if (value == nullptr) return std::nullopt;
    const int64_t number = reader.integer(name, *value);
    if (number < least) {
      reader.fail(std::string("field \"") + name + "\" must be at least " + std::to_string(least) +
                  ", got " + std::to_string(number));
    }
    if (!operation.return_ns) {
      reader.fail(std::string("field \"") + name +
                  "\" names who answered an operation of unknown outcome");
    }
    return number;
  };
  operation.server = answer_field("server", 0);
  operation.index = answer_field("index", 1);
  return operation;
}

// put, append and write return nothing: their output, if given, must be null.
void require_no_output(const FieldReader& reader, std::string_view op) {
  const Json* output = reader.find("output");
  if (output != nullptr && !output->is_null()) {
    reader.fail("a " + std::string(op) + " has no output, got " + shown(*output));
  }
}

Operation<KvModel> read_kv_operation(const FieldReader& reader) {
  reader.allow_only(
      {"client", "call_ns", "return_ns", "op", "key", "value", "output", "server", "index"});
  auto operation = read_timing<KvModel>(reader);
  const std::string op = reader.string("op", reader.require("op"));
  KvCall& call = operation.call;
  call.key = reader.string("key", reader.require("key"));
  if (op == "get") {
    call.op = KvOp::get;
    if (reader.find("value") != nullptr) reader.fail("a get takes no \"value\"");
    if (const Json* output = reader.find("output")) call.output = reader.string("output", *output);
  } else if (op == "put" || op == "append") {
    call.op = op == "put" ? KvOp::put : KvOp::append;
    call.value = reader.string("value", reader.require("value"));
    require_no_output(reader, op);
  } else {
    reader.fail("unknown op \"" + input::excerpt(op, 40) +
                "\" for model kv (expected get, put or append)");
  }
  if (!operation.return_ns) call.output.reset();  // history.h, invariant 2
  return operation;
}

void read_register_output(const FieldReader& reader, RegisterCall& call) {
  const Json* output = reader.find("output");
  if (output == nullptr) return;
  if (call.op == RegisterOp::read) {
    if (!output->is_null()) call.read_output = reader.integer("output", *output);
  } else {
    if (!output->is_boolean()) {
      reader.fail("the output of a cas must be true or false, got " + shown(*output));
    }
    call.cas_output = output->get<bool>();
  }
  call.output_known = true;
}

Operation<RegisterModel> read_register_operation(const FieldReader& reader) {
  reader.allow_only({"client", "call_ns", "return_ns", "op", "value", "output", "server", "index"});
  auto operation = read_timing<RegisterModel>(reader);
  const std::string op = reader.string("op", reader.require("op"));
  RegisterCall& call = operation.call;
  if (op == "read") {
    call.op = RegisterOp::read;
    if (reader.find("value") != nullptr) reader.fail("a read takes no \"value\"");
  } else if (op == "write") {
    call.op = RegisterOp::write;
    call.value = reader.integer("value", reader.require("value"));
    require_no_output(reader, op);
  } else if (op == "cas") {
    call.op = RegisterOp::cas;
    const Json& value = reader.require("value");
    if (!value.is_array() || value.size() != 2) {
      reader.fail("the value of a cas must be [from, to], got " + shown(value));
    }
    call.value = reader.integer("value[0]", value[0]);
    call.to = reader.integer("value[1]", value[1]);
  } else {
    reader.fail("unknown op \"" + input::excerpt(op, 40) +
                "\" for model register (expected read, write or cas)");
  }
  if (call.op != RegisterOp::write) read_register_output(reader, call);
  if (!operation.return_ns) call.output_known = false;  // history.h, invariant 2
  return operation;
}

template <Model M, typename ReadOperation>
History<M> read_operations(const Json& operations, std::string_view source, M model,
                           ReadOperation read_operation) {
  History<M> history{std::move(model), {}};
  history.operations.reserve(operations.size());
  for (size_t index = 0; index < operations.size(); ++index) {
    const std::string where = std::string(source) + ": $.operations[" + std::to_string(index) + "]";
    if (!operations[index].is_object()) {
      throw HistoryError(where + ": expected an object, got " + shown(operations[index]));
    }
    history.operations.push_back(read_operation(FieldReader(operations[index], where)));
  }
  return history;
}

Json parse(std::string_view text, std::string_view source) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw HistoryError(std::string(source) + ": empty file");
  }
  input::JsonParse<Json> parsed = input::parse_json<Json>(text, input::kHistoryLimits);
  if (!parsed.problem) return std::move(parsed.value);
  const input::JsonProblem& p = *parsed.problem;
  if (p.malformed) {
    throw HistoryError(std::string(source) + ": malformed JSON at byte " + std::to_string(p.byte) +
                       " (line " + std::to_string(p.line) + ", column " + std::to_string(p.column) +
                       ", " + p.path + "): " + p.problem);
  }
  throw HistoryError(std::string(source) + ": " + p.path + ": " + p.problem + ", expected " +
                     p.expected);
}

AnyHistory read_document(std::string_view text, std::string_view source) {
  const Json document = parse(text, source);
  const FieldReader top(document, std::string(source) + ": $");
  if (!document.is_object()) top.fail("expected a JSON object, got " + shown(document));
  top.allow_only({"format", "model", "operations", "initial"});
  const std::string format = top.string("format", top.require("format"));
  if (format != kHistoryFormat) {
    top.fail("unsupported format \"" + input::excerpt(format, 40) + "\" (expected \"" +
             std::string(kHistoryFormat) + "\")");
  }
  const std::string model = top.string("model", top.require("model"));
  const Json& operations = top.require("operations");
  if (!operations.is_array()) top.fail("field \"operations\" must be an array");
  if (model == KvModel::kName) {
    if (top.find("initial") != nullptr) top.fail("field \"initial\" is for the register model");
    return read_operations(operations, source, KvModel{}, read_kv_operation);
  }
  if (model == RegisterModel::kName) {
    RegisterModel registers;
    if (const Json* initial = top.find("initial"); initial != nullptr && !initial->is_null()) {
      registers.initial = top.integer("initial", *initial);
    }
    return read_operations(operations, source, registers, read_register_operation);
  }
  top.fail("unknown model \"" + input::excerpt(model, 40) + "\" (expected kv or register)");
}

}  // namespace

AnyHistory read_history_json(std::string_view text, std::string_view source) {
  try {
    return read_document(text, source);
  } catch (const HistoryError& error) {
    throw HistoryError(input::escape(error.what()));  // one line, nothing a terminal acts on
  }
}

namespace {

template <Model M>
OrderedJson timing_json(const Operation<M>& operation) {
  OrderedJson object;
  object["client"] = operation.client;
  object["call_ns"] = operation.call_ns;
  object["return_ns"] =
      operation.return_ns ? OrderedJson(*operation.return_ns) : OrderedJson(nullptr);
  return object;
}

// Who answered, after the operation's own fields (the order the recorder writes them in).
template <Model M>
OrderedJson with_answer(OrderedJson object, const Operation<M>& operation) {
  if (operation.server) object["server"] = *operation.server;
  if (operation.index) object["index"] = *operation.index;
  return object;
}

OrderedJson operation_json(const Operation<KvModel>& operation) {
  OrderedJson object = timing_json(operation);
  object["op"] = std::string(to_string(operation.call.op));
  object["key"] = operation.call.key;
  if (operation.call.op != KvOp::get) object["value"] = operation.call.value;
  if (operation.call.output) object["output"] = *operation.call.output;
  return with_answer(std::move(object), operation);
}

OrderedJson operation_json(const Operation<RegisterModel>& operation) {
  OrderedJson object = timing_json(operation);
  const RegisterCall& call = operation.call;
  object["op"] = std::string(to_string(call.op));
  if (call.op == RegisterOp::write) object["value"] = call.value;
  if (call.op == RegisterOp::cas) object["value"] = {call.value, call.to};
  if (call.output_known && call.op == RegisterOp::read) {
    object["output"] = call.read_output ? OrderedJson(*call.read_output) : OrderedJson(nullptr);
  }
  if (call.output_known && call.op == RegisterOp::cas) object["output"] = call.cas_output;
  return with_answer(std::move(object), operation);
}

template <Model M>
std::string write_typed(const History<M>& history, const RegisterValue* initial) {
  // One operation per line, so that histories read and diff well.
  constexpr auto kReplace = OrderedJson::error_handler_t::replace;
  std::string text = R"({"format": ")" + std::string(kHistoryFormat) + R"(", "model": ")" +
                     std::string(M::kName) + "\"";
  if (initial != nullptr && initial->has_value())
    text += ", \"initial\": " + std::to_string(**initial);
  text += ", \"operations\": [";
  for (size_t i = 0; i < history.operations.size(); ++i) {
    text += i == 0 ? "\n  " : ",\n  ";
    text += operation_json(history.operations[i]).dump(-1, ' ', false, kReplace);
  }
  text += "]}\n";
  return text;
}

}  // namespace

std::string write_history_json(const AnyHistory& history) {
  if (const auto* kv = std::get_if<KvHistory>(&history)) return write_typed(*kv, nullptr);
  const auto& registers = std::get<RegisterHistory>(history);
  return write_typed(registers, &registers.model.initial);
}

}  // namespace checkers::linearizability
