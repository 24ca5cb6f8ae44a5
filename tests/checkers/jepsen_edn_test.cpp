// The Jepsen EDN importer: pairing invocations with completions, Jepsen's :fail and :info
// semantics, both models, the shapes Jepsen writes, and bad input.
#include "checkers/linearizability/jepsen_edn.h"

#include <catch2/catch.hpp>

#include "checkers/linearizability/check.h"

namespace lin = checkers::linearizability;
using Catch::Matchers::Contains;

namespace {

lin::AnyHistory read(const std::string& text, lin::JepsenOptions options = {}) {
  return lin::read_history_jepsen(text, "h.edn", options);
}

std::string edn_error_of(const std::string& text, lin::JepsenOptions options = {}) {
  try {
    read(text, options);
  } catch (const lin::HistoryError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("jepsen edn: a register history, one map per line") {
  const auto history = read(R"(; a comment
{:process 0, :type :invoke, :f :write, :value 1}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :ok, :f :read, :value 1}
{:process 2, :type :invoke, :f :cas, :value [1 2]}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 2, :type :ok, :f :cas, :value [1 2]}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 1, :type :ok, :f :read, :value 2})");
  const auto& registers = std::get<lin::RegisterHistory>(history);  // inferred from :f
  REQUIRE(registers.operations.size() == 4);
  // Times are positions: the write is called at entry 0 and returns at entry 2.
  CHECK(registers.operations[0].call_ns == 0);
  CHECK(registers.operations[0].return_ns == std::optional<int64_t>(2));
  CHECK(registers.operations[1].call.read_output == lin::RegisterValue{1});
  CHECK(registers.operations[2].call.op == lin::RegisterOp::cas);
  CHECK(registers.operations[2].call.cas_output);
  CHECK(lin::check(history).verdict == lin::Verdict::ok);
}

TEST_CASE("jepsen edn: :fail did not happen and :info may have") {
  const std::string text = R"([
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :fail, :f :write, :value 1}
{:process 1, :type :invoke, :f :write, :value 2}
{:process 1, :type :info, :f :write, :value 2}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 2}
{:process 3, :type :invoke, :f :write, :value 3}])";
  const auto history = read(text);
  const auto& registers = std::get<lin::RegisterHistory>(history);
  REQUIRE(registers.operations.size() == 3);                   // the failed write is gone
  CHECK_FALSE(registers.operations[0].return_ns.has_value());  // :info
  CHECK_FALSE(registers.operations[2].return_ns.has_value());  // never completed
  CHECK(lin::check(history).verdict == lin::Verdict::ok);
  // Reading the failed write's value is illegal: it did not happen.
  const auto failed = read(R"(
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :fail, :f :write, :value 1}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 1})");
  CHECK(lin::check(failed).verdict == lin::Verdict::illegal);
}

TEST_CASE("jepsen edn: the initial register value can be given") {
  const std::string text = R"({:process 0, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :read, :value 5})";
  CHECK(lin::check(read(text)).verdict == lin::Verdict::illegal);
  lin::JepsenOptions options;
  options.initial = 5;
  CHECK(lin::check(read(text, options)).verdict == lin::Verdict::ok);
}

TEST_CASE("jepsen edn: kv histories with :key, or with [key value] tuples") {
  const auto keyed = read(R"(
{:process 6, :type :invoke, :f :append, :key "0", :value "x 6 0 y"}
{:process 7, :type :invoke, :f :get, :key "0", :value nil}
{:process 6, :type :ok, :f :append, :key "0", :value "x 6 0 y"}
{:process 7, :type :ok, :f :get, :key "0", :value "x 6 0 y"}
{:process 8, :type :invoke, :f :put, :key 1, :value 3}
{:process 8, :type :ok, :f :put, :key 1, :value 3}
{:process 8, :type :invoke, :f :get, :key 1, :value nil}
{:process 8, :type :ok, :f :get, :key 1, :value "3"})");
  const auto& kv = std::get<lin::KvHistory>(keyed);
  REQUIRE(kv.operations.size() == 4);
  CHECK(kv.operations[2].call.key == "1");  // integer keys and values read as decimal text
  CHECK(kv.operations[2].call.value == "3");
  CHECK(lin::check(keyed).verdict == lin::Verdict::ok);
  const auto tuples =
      read(R"(#jepsen.history.Op{:index 0, :process 0, :type :invoke, :f :put, :value [:k 1]}
{:process 0, :type :ok, :f :put, :value [:k 1], :time 12}
{:process 1, :type :invoke, :f :get, :value [:k nil]}
{:process 1, :type :ok, :f :get, :value [:k 2]})");
  CHECK(std::get<lin::KvHistory>(tuples).operations[1].call.key == "k");
  CHECK(lin::check(tuples).verdict == lin::Verdict::illegal);
}

TEST_CASE("jepsen edn: bad input names the file, the entry and the problem") {
  CHECK_THAT(edn_error_of(""), Contains("h.edn: empty file"));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke"),
             Contains("h.edn: line 1, column 27: missing '}'"));
  CHECK_THAT(edn_error_of("{:process 0 :type}"), Contains("a map needs an even number of forms"));
  CHECK_THAT(edn_error_of("\n\n\"unterminated"),
             Contains("h.edn: line 3, column 14: unterminated string"));
  CHECK_THAT(edn_error_of("[1 2]"), Contains("h.edn: entry 0 (line 1): expected a map, got 1"));
  CHECK_THAT(edn_error_of("{:type :invoke, :f :read}"),
             Contains("entry 0 (line 1): missing :process"));
  CHECK_THAT(edn_error_of("{:process 0, :type :ok, :f :read, :value 1}"),
             Contains("entry 0 (line 1): :ok for process 0, which has no operation in progress"));
  CHECK_THAT(
      edn_error_of("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}"),
      Contains("entry 1 (line 2): process 0 invokes again"));
  CHECK_THAT(edn_error_of("{:process 0, :type :begin, :f :read}"),
             Contains(":type must be :invoke, :ok, :fail or :info, got :begin"));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :txn, :value []}"),
             Contains("cannot tell the model from :f :txn"));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :cas, :value 1}"),
             Contains("entry 0 (line 1): the :value of a :cas must be [from to]"));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :write, :value \"a\"}"),
             Contains("the :value of a :write must be an integer, got \"a\""));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :get, :value nil}"),
             Contains("a kv operation needs :key"));
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :write, :value 1}\n"
                          "{:process 0, :type :ok, :f :read, :value 1}"),
             Contains("entry 1 (line 2): completes :write with :f :read"));
  lin::JepsenOptions kv;
  kv.model = "kv";
  CHECK_THAT(edn_error_of("{:process 0, :type :invoke, :f :read, :key 1}", kv),
             Contains("unknown :f :read for model kv"));
  // Deep nesting is refused, not recursed into until the stack overflows.
  CHECK_THAT(edn_error_of(std::string(100000, '[')), Contains("nesting deeper than"));
}
