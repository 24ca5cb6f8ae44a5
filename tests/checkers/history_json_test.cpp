// The raftsim-history/1 reader and writer: round trips, and bad input that must be refused with
// the source, the operation's index and the problem, never a crash.
#include "checkers/linearizability/history_json.h"

#include <catch2/catch.hpp>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/testing/random_history.h"

namespace lin = checkers::linearizability;
using Catch::Matchers::Contains;

namespace {

// The message of the HistoryError that reading `text` throws ("" if it reads fine).
std::string error_of(const std::string& text) {
  try {
    lin::read_history_json(text, "h.json");
  } catch (const lin::HistoryError& error) {
    return error.what();
  }
  return "";
}

std::string kv_with(const std::string& operation) {
  return R"({"format": "raftsim-history/1", "model": "kv", "operations": [)"
         R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "put", "key": "x", "value": "1"}, )" +
         operation + "]}";
}

std::string register_with(const std::string& operation) {
  return R"({"format": "raftsim-history/1", "model": "register", "operations": [)" + operation +
         "]}";
}

}  // namespace

TEST_CASE("history json: the example from the issue reads as written") {
  const auto history = lin::read_history_json(R"({"format": "raftsim-history/1", "model": "kv",
   "operations": [
    {"client": 0, "call_ns": 100, "return_ns": 250, "op": "put",    "key": "x", "value": "1"},
    {"client": 1, "call_ns": 120, "return_ns": 300, "op": "get",    "key": "x", "output": "1"},
    {"client": 2, "call_ns": 130, "return_ns": null, "op": "append", "key": "x", "value": "y"}]})",
                                              "example.json");
  const auto& kv = std::get<lin::KvHistory>(history);
  REQUIRE(kv.operations.size() == 3);
  CHECK(kv.operations[1].client == 1);
  CHECK(kv.operations[1].call.op == lin::KvOp::get);
  CHECK(kv.operations[1].call.output == std::optional<std::string>("1"));
  CHECK_FALSE(kv.operations[2].return_ns.has_value());
  CHECK(kv.operations[2].call.value == "y");
  CHECK(lin::check(history).verdict == lin::Verdict::ok);
}

TEST_CASE("history json: register operations, null outputs and the initial value") {
  const auto history = lin::read_history_json(
      R"({"format": "raftsim-history/1", "model": "register", "initial": 3, "operations": [
      {"client": 0, "call_ns": 0, "return_ns": 5, "op": "read", "output": 3},
      {"client": 0, "call_ns": 6, "return_ns": 9, "op": "cas", "value": [3, 4], "output": true},
      {"client": 1, "call_ns": 10, "return_ns": 12, "op": "write", "value": 7},
      {"client": 1, "call_ns": 13, "return_ns": 14, "op": "read"},
      {"client": 2, "call_ns": 15, "return_ns": null, "op": "read", "output": null}]})",
      "r.json");
  const auto& registers = std::get<lin::RegisterHistory>(history);
  CHECK(registers.model.initial == lin::RegisterValue{3});
  CHECK(registers.operations[1].call.to == 4);
  CHECK(registers.operations[1].call.cas_output);
  CHECK_FALSE(registers.operations[3].call.output_known);  // no "output": unknown
  CHECK_FALSE(registers.operations[4].call.output_known);  // outcome unknown: output ignored
  CHECK(lin::check(history).verdict == lin::Verdict::ok);
  // A read of null is a read that found no value.
  const auto null_read = lin::read_history_json(
      register_with(R"({"client": 0, "call_ns": 0, "return_ns": 1, "op": "read", "output": null})"),
      "r.json");
  const auto& read = std::get<lin::RegisterHistory>(null_read).operations[0].call;
  CHECK(read.output_known);
  CHECK_FALSE(read.read_output.has_value());
}

TEST_CASE("history json: what the writer writes, the reader reads back") {
  lin::testing::Shape shape;
  shape.operations = 60;
  shape.keys = 3;
  shape.unknown_percent = 10;
  shape.unknown_output_percent = 10;
  const lin::AnyHistory kv = lin::testing::random_kv_history(7, shape);
  shape.cas_percent = 50;
  shape.values = 4;
  auto registers = lin::testing::random_register_history(7, shape);
  registers.model.initial = 2;
  for (const lin::AnyHistory& history : {kv, lin::AnyHistory(registers)}) {
    const std::string text = lin::write_history_json(history);
    const lin::AnyHistory again = lin::read_history_json(text, "again.json");
    CHECK(lin::write_history_json(again) == text);
  }
  CHECK_THAT(lin::write_history_json(kv), Contains("\"format\": \"raftsim-history/1\""));
}

TEST_CASE("history json: bad input names the file, the operation and the problem") {
  // Malformed JSON and empty files.
  CHECK_THAT(error_of(""), Contains("h.json: empty file"));
  CHECK_THAT(error_of("  \n"), Contains("h.json: empty file"));
  CHECK_THAT(error_of(R"({"format": )"), Contains("h.json: malformed JSON at byte"));
  CHECK_THAT(error_of("[1, 2]"), Contains("h.json: $: expected a JSON object"));
  // The document.
  CHECK_THAT(error_of(R"({"model": "kv", "operations": []})"),
             Contains("missing field \"format\""));
  CHECK_THAT(error_of(R"({"format": "raftsim-history/2", "model": "kv", "operations": []})"),
             Contains("unsupported format \"raftsim-history/2\""));
  CHECK_THAT(error_of(R"({"format": "raftsim-history/1", "model": "queue", "operations": []})"),
             Contains("unknown model \"queue\""));
  CHECK_THAT(error_of(R"({"format": "raftsim-history/1", "model": "kv", "operations": {}})"),
             Contains("\"operations\" must be an array"));
  CHECK_THAT(
      error_of(R"({"format": "raftsim-history/1", "model": "kv", "operations": [], "x": 1})"),
      Contains("unknown field \"x\""));
  // Operations: each error names the path of operation 1 (operation 0 is a good put).
  const std::string op1 = "h.json: $.operations[1]: ";
  CHECK_THAT(error_of(kv_with(R"(7)")), Contains(op1 + "expected an object, got 7"));
  CHECK_THAT(error_of(kv_with(R"({"client": 0, "return_ns": 2, "op": "get", "key": "x"})")),
             Contains(op1 + "missing field \"call_ns\""));
  CHECK_THAT(error_of(kv_with(
                 R"({"client": "a", "call_ns": 1, "return_ns": 2, "op": "get", "key": "x"})")),
             Contains(op1 + "field \"client\" must be an integer, got \"a\""));
  CHECK_THAT(error_of(kv_with(
                 R"({"client": 0, "call_ns": 1.5, "return_ns": 2, "op": "get", "key": "x"})")),
             Contains(op1 + "field \"call_ns\" must be an integer"));
  CHECK_THAT(error_of(kv_with(
                 R"({"client": 0, "call_ns": 200, "return_ns": 100, "op": "get", "key": "x"})")),
             Contains(op1 + "return_ns 100 is before call_ns 200"));
  CHECK_THAT(error_of(kv_with(
                 R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "delete", "key": "x"})")),
             Contains(op1 + "unknown op \"delete\" for model kv"));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get", "key": "x", "y": 0})")),
      Contains(op1 + "unknown field \"y\""));
  CHECK_THAT(
      error_of(kv_with(R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "put", "key": "x"})")),
      Contains(op1 + "missing field \"value\""));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "put", "key": "x", "value": 3})")),
      Contains(op1 + "field \"value\" must be a string, got 3"));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get", "key": "x", "output": 1})")),
      Contains(op1 + "field \"output\" must be a string"));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 99999999999999999999, "op": "get", "key": "x"})")),
      Contains(op1));
  // Who answered: a server number >= 0 and a log index >= 1, only of an operation that returned.
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get", "key": "x", "index": 0})")),
      Contains(op1 + "field \"index\" must be at least 1, got 0"));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get", "key": "x", "server": -1})")),
      Contains(op1 + "field \"server\" must be at least 0, got -1"));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get", "key": "x", "server": "s1"})")),
      Contains(op1 + "field \"server\" must be an integer, got \"s1\""));
  CHECK_THAT(
      error_of(kv_with(
          R"({"client": 0, "call_ns": 1, "return_ns": null, "op": "get", "key": "x", "server": 1})")),
      Contains(op1 + "field \"server\" names who answered an operation of unknown outcome"));
  // Register operations.
  const std::string op0 = "h.json: $.operations[0]: ";
  CHECK_THAT(error_of(register_with(
                 R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "cas", "value": [1]})")),
             Contains(op0 + "the value of a cas must be [from, to]"));
  CHECK_THAT(
      error_of(register_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "cas", "value": [1, 2], "output": 1})")),
      Contains(op0 + "the output of a cas must be true or false"));
  CHECK_THAT(
      error_of(register_with(
          R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "write", "value": 1, "output": 1})")),
      Contains(op0 + "a write has no output"));
  CHECK_THAT(error_of(register_with(
                 R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "read", "key": "x"})")),
             Contains(op0 + "unknown field \"key\""));
  CHECK_THAT(error_of(register_with(R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "get"})")),
             Contains(op0 + "unknown op \"get\" for model register"));
}

TEST_CASE("history json: who answered an operation is read, written back and optional") {
  const std::string text =
      R"({"format": "raftsim-history/1", "model": "kv", "operations": [)"
      R"({"client": 0, "call_ns": 1, "return_ns": 5, "op": "put", "key": "k", "value": "a", "server": 2, "index": 17},)"
      R"({"client": 1, "call_ns": 2, "return_ns": 6, "op": "get", "key": "k", "output": "a", "server": 0},)"
      R"({"client": 2, "call_ns": 3, "return_ns": null, "op": "append", "key": "k", "value": "b"}]})";
  const lin::AnyHistory any = lin::read_history_json(text, "h.json");
  const auto& ops = std::get<lin::KvHistory>(any).operations;
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].server == std::optional<int64_t>(2));
  CHECK(ops[0].index == std::optional<int64_t>(17));
  CHECK(ops[1].server == std::optional<int64_t>(0));
  CHECK_FALSE(ops[1].index.has_value());
  CHECK_FALSE(ops[2].server.has_value());
  const std::string written = lin::write_history_json(any);
  CHECK_THAT(written, Contains(R"("value":"a","server":2,"index":17})"));
  CHECK_THAT(written, Contains(R"("output":"a","server":0})"));
  CHECK(lin::write_history_json(lin::read_history_json(written, "again")) == written);
  // The checker never reads them: the same history without them has the same verdict.
  CHECK(lin::check(any).verdict == lin::Verdict::ok);
}

TEST_CASE("history json: an empty operation list is a valid, linearizable history") {
  const auto history = lin::read_history_json(
      R"({"format": "raftsim-history/1", "model": "register", "operations": []})", "e.json");
  CHECK(lin::check(history).verdict == lin::Verdict::ok);
}
