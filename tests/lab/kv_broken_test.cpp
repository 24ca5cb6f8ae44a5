// The linearizability check catches a broken KV service: with kv::ServerOptions::reads_skip_log,
// a server that believes it leads answers Get from its local state without going through the
// log. Under partitions a deposed leader in a minority keeps believing it leads and serves stale
// values, which the checker must find illegal (and picture).
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "checkers/linearizability/result.h"
#include "sim/runtime.h"
#include "tests/lab/kv_generic.h"

namespace {

namespace lin = checkers::linearizability;

}  // namespace

TEST_CASE("TestReadsSkipLogIsCaught", "[kv]") {
  lab::run_kv_lab_test(
      {"TestReadsSkipLogIsCaught", 5, true, -1},
      [](lab::KvTester& kv) {
        kv.begin("Test: reads that skip the log are caught (kv)");
        std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
        kv.put(*ck, "k", "a");
        // The leader goes into the minority with one other server; a clerk that can reach only
        // the minority keeps reading from the old leader while the majority moves on.
        const auto [p1, p2] = kv.make_partition();
        kv.partition(p1, p2);
        std::shared_ptr<lab::LabClerk> majority = kv.make_client(p1);
        std::shared_ptr<lab::LabClerk> minority = kv.make_client(p2);
        kv.put(*majority, "k", "b");  // completes once the majority elected a new leader
        const std::string stale = kv.get(*minority, "k");
        // The old leader answered from its local state.
        if (stale != "a") kv.fatal(fmt::format("expected the stale read \"a\", got \"{}\"", stale));
        const lab::LinearizabilityOutcome outcome = kv.check_history();
        fmt::print("  reads_skip_log: {} ops, {}, picture: {}\n", outcome.operations,
                   lin::to_string(outcome.verdict), outcome.picture_path);
        if (outcome.verdict != lin::Verdict::illegal) kv.fatal("the checker missed a stale read");
        if (outcome.picture_path.empty()) kv.fatal("no picture of the illegal history");
        kv.connect_all();
        kv.raft().end();
      },
      [](kv::ServerOptions& options) { options.reads_skip_log = true; });
}
