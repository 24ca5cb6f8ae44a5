// A clerk with an operation timeout, cut off with a minority: its operation returns "unknown",
// the history records it without a return (it may take effect later, or never), the history is
// still linearizable, and the clerk works again once it reaches a majority.
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "checkers/linearizability/result.h"
#include "tests/lab/kv_tester.h"

namespace lin = checkers::linearizability;

TEST_CASE("TestClerkTimeoutIsUnknown", "[kv]") {
  lab::run_kv_lab_test({"TestClerkTimeoutIsUnknown", 5, true, -1}, [](lab::KvTester& kv) {
    kv.begin("Test: a clerk that gives up records an unknown outcome (kv)");
    std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
    kv.put(*ck, "k", "a");
    const auto [p1, p2] = kv.make_partition();  // the leader is in the minority p2
    kv.partition(p1, p2);
    kv::ClerkOptions options;
    options.op_timeout = sim::Duration::seconds(3);
    std::shared_ptr<lab::LabClerk> cut_off = kv.make_client(p2, options);
    const sim::Instant called = kv.raft().now();
    if (cut_off->clerk.append("k", "b")) kv.fatal("an append in the minority completed");
    const sim::Duration took = kv.raft().now() - called;
    // The deadline is checked between attempts; an attempt at the old leader lasts up to the
    // server's apply_wait_max (2 s).
    if (took < options.op_timeout || took > options.op_timeout + sim::Duration::seconds(3)) {
      kv.fatal(fmt::format("the append gave up after {}", sim::to_string(took)));
    }
    size_t unknown = 0;
    for (const kv::RecordedOp& op : kv.history().operations()) unknown += !op.return_ns ? 1 : 0;
    if (unknown != 1) kv.fatal(fmt::format("{} operations of unknown outcome, want 1", unknown));

    kv.connect_all();
    kv.connect_client(*cut_off, kv.all());
    const std::string value = kv.get(*cut_off, "k");  // the same clerk, its next operation
    if (value != "a" && value != "ab") kv.fatal(fmt::format("Get(k) = \"{}\"", value));
    kv.end();  // checks the history, with the append of unknown outcome
  });
}
