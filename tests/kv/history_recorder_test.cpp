#include "raft/kv/history_recorder.h"

#include <catch2/catch.hpp>
#include <variant>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/history_json.h"

namespace lin = checkers::linearizability;

TEST_CASE("history recorder: writes raftsim-history/1 that the checker reads back") {
  kv::HistoryRecorder recorder;
  const int64_t a = recorder.add_client();
  const int64_t b = recorder.add_client();
  CHECK(a != b);
  const size_t put = recorder.call(a, 100, kv::OpKind::put, "k", "x");
  const size_t append = recorder.call(b, 150, kv::OpKind::append, "k", "y");  // never returns
  recorder.complete(put, 200, std::nullopt);
  const size_t get = recorder.call(a, 300, kv::OpKind::get, "k", "ignored");
  recorder.complete(get, 400, std::string("xy"));

  const lin::AnyHistory any = lin::read_history_json(recorder.to_json(), "recorder");
  const auto& history = std::get<lin::KvHistory>(any);
  REQUIRE(history.operations.size() == 3);
  CHECK(history.operations[append].call.op == lin::KvOp::append);
  CHECK_FALSE(history.operations[append].return_ns.has_value());  // outcome unknown
  CHECK(history.operations[get].call.output == std::optional<std::string>("xy"));
  CHECK(history.operations[get].call.value.empty());
  CHECK(lin::check(any).verdict == lin::Verdict::ok);
}

// Events at one simulated instant keep the order they happened in, so a read called right after
// a write returned (same instant) cannot be linearized before that write.
TEST_CASE("history recorder: events at one instant are recorded in order") {
  kv::HistoryRecorder recorder;
  const int64_t client = recorder.add_client();
  const size_t put_a = recorder.call(client, 0, kv::OpKind::put, "k", "a");
  recorder.complete(put_a, 10, std::nullopt);
  const size_t put_b = recorder.call(client, 10, kv::OpKind::put, "k", "b");
  recorder.complete(put_b, 20, std::nullopt);
  const size_t get = recorder.call(client, 20, kv::OpKind::get, "k", "");
  recorder.complete(get, 20, std::string("a"));  // a stale read

  const auto& ops = recorder.operations();
  CHECK(ops[put_b].call_ns > *ops[put_a].return_ns);
  CHECK(ops[get].call_ns > *ops[put_b].return_ns);
  CHECK(*ops[get].return_ns > ops[get].call_ns);
  const lin::AnyHistory any = lin::read_history_json(recorder.to_json(), "recorder");
  CHECK(lin::check(any).verdict == lin::Verdict::illegal);
}
