// The oracles beside the safety checker (checkers/api_contract.h, convergence.h, progress.h) on
// hand-built histories: each fails on the one thing it forbids, and passes correct code that
// does something unusual next to it.
#include <catch2/catch.hpp>

#include "checkers/api_contract.h"
#include "checkers/convergence.h"
#include "checkers/progress.h"

namespace {

using raft::Role;
using namespace sim::literals;

raft::Bytes cmd(uint8_t value) { return raft::Bytes{value}; }
raft::ApplyMsg applied(uint8_t value, raft::Index index, raft::Term term) {
  return raft::ApplyMsg{true, cmd(value), index, term, false, {}, 0, 0};
}

struct Contract {
  std::vector<checkers::Violation> violations;
  checkers::ApiContractChecker checker{
      3, [this](const checkers::Violation& violation) { violations.push_back(violation); }};
  std::string property() const { return violations.empty() ? "" : violations[0].property; }
};

}  // namespace

TEST_CASE("api contract: a Start whose index is off by one is caught where the entry lands") {
  Contract c;
  c.checker.on_role(0, 1, Role::leader);
  c.checker.on_append(0, 1, 1, 0, cmd(10));
  c.checker.on_start(0, cmd(10), {2, 1, true});  // the command went to index 1
  c.checker.on_append(0, 2, 1, 1, cmd(20));      // index 2 holds another command
  CHECK(c.property() == "Start Contract");
}

TEST_CASE("api contract: an applied index no Start returned for that command fails") {
  Contract c;  // an implementation that reports no events: only Start and the applies
  c.checker.on_start(0, cmd(10), {1, 1, true});
  c.checker.on_apply(1, applied(10, 2, 0));
  CHECK(c.property() == "Apply Index Contract");
}

TEST_CASE("api contract: retried commands, no-op entries and lost Starts are correct") {
  Contract c;
  c.checker.on_role(0, 1, Role::leader);
  c.checker.on_append(0, 1, 1, 0, cmd(1));  // the leader's own no-op: never started
  c.checker.on_append(0, 2, 1, 1, cmd(10));
  c.checker.on_start(0, cmd(10), {2, 1, true});  // lost with its term: never committed
  c.checker.on_role(1, 2, Role::leader);
  c.checker.on_start(1, cmd(10), {2, 2, true});  // the client's retry, same command
  c.checker.on_append(1, 2, 2, 1, cmd(10));
  c.checker.on_start(2, cmd(30), {0, 2, false});  // a follower's refusal promises nothing
  c.checker.on_apply(0, applied(1, 1, 1));
  c.checker.on_apply(0, applied(10, 2, 2));
  c.checker.on_apply(2, applied(10, 2, 2));
  CHECK(c.violations.empty());
}

TEST_CASE("api contract: GetState and Start may not claim a term the peer has not won") {
  Contract c;
  c.checker.on_role(0, 3, Role::candidate);
  c.checker.on_state(0, 3, false);
  CHECK(c.violations.empty());
  c.checker.on_state(0, 3, true);
  CHECK(c.property() == "GetState Contract");

  Contract start;
  start.checker.on_role(0, 3, Role::follower);
  start.checker.on_start(0, cmd(1), {1, 3, true});
  CHECK(start.property() == "Start Contract");

  Contract won;
  won.checker.on_role(0, 3, Role::leader);
  won.checker.on_state(0, 3, true);
  won.checker.on_start(0, cmd(1), {1, 3, true});
  won.checker.on_restart(0, 0);  // a new life has reported nothing yet
  won.checker.on_state(0, 3, true);
  CHECK(won.violations.empty());
}

TEST_CASE("api contract: leadership claims are not judged for a peer that reports no roles") {
  Contract c;
  c.checker.on_state(1, 4, true);
  c.checker.on_start(1, cmd(5), {1, 4, true});
  CHECK(c.violations.empty());
}

TEST_CASE("convergence: replicas behind the highest applied index have not converged") {
  const checkers::ConvergenceVerdict lagging =
      checkers::judge_convergence({{true, 7, 1}, {true, 5, 2}, {false, 0, 0}});
  CHECK_FALSE(lagging.converged);
  CHECK_FALSE(lagging.divergence.has_value());
  CHECK(lagging.lag == "node 0 applied through index 7, but node 1 through 5");

  // A crashed replica is not waited for; equal indexes with equal states have converged.
  const checkers::ConvergenceVerdict done =
      checkers::judge_convergence({{true, 7, 9}, {false, 2, 0}, {true, 7, 9}});
  CHECK(done.converged);
}

TEST_CASE("convergence: two replicas at one index with different states diverge") {
  const checkers::ConvergenceVerdict verdict =
      checkers::judge_convergence({{true, 7, 1}, {true, 7, 2}, {true, 7, 1}});
  REQUIRE(verdict.divergence.has_value());
  CHECK(verdict.divergence->property == "Convergence");
  CHECK(verdict.divergence->nodes == std::vector<raft::NodeId>{0, 1});
}

namespace {

checkers::ProgressPoll poll_at(sim::Duration at, std::vector<int> group, sim::Duration since) {
  checkers::ProgressPoll p;
  p.now = sim::Instant() + at;
  p.group = std::move(group);
  p.group_since = sim::Instant() + since;
  return p;
}

}  // namespace

TEST_CASE("progress: a healthy majority without a leader past the bound fails") {
  checkers::ProgressChecker checker(3, 5_s);
  CHECK_FALSE(checker.on_poll(poll_at(4_s, {0, 1}, 0_s)).has_value());  // still young
  CHECK_FALSE(checker.on_poll(poll_at(9_s, {}, 0_s)).has_value());      // no healthy majority
  const auto v = checker.on_poll(poll_at(6_s, {0, 1}, 1_s));
  REQUIRE(v.has_value());
  CHECK(v->property == "Progress");

  // A leader outside the group, or one without a majority in its term, does not count.
  checkers::ProgressPoll outside = poll_at(6_s, {0, 1}, 0_s);
  outside.leader = 2;
  outside.backed = true;
  CHECK(checker.on_poll(outside).has_value());
}

TEST_CASE(
    "progress: a leader lost and replaced within the group is correct; a bound without one "
    "is not") {
  checkers::ProgressChecker checker(3, 5_s);
  checkers::ProgressPoll p = poll_at(1_s, {0, 1, 2}, 0_s);
  p.backed = true;
  for (int ms = 1000; ms <= 6000; ms += 100) {  // node 0 leads from 1 s to 6 s
    p.now = sim::Instant() + sim::Duration::milliseconds(ms);
    p.leader = 0;
    CHECK_FALSE(checker.on_poll(p).has_value());
  }
  p.leader.reset();  // then no one leads: an election, and another, on slow links
  for (int ms = 6100; ms <= 10900; ms += 100) {
    p.now = sim::Instant() + sim::Duration::milliseconds(ms);
    CHECK_FALSE(checker.on_poll(p).has_value());
  }
  p.now = sim::Instant() + 11_s;  // five seconds since the last leader
  const auto v = checker.on_poll(p);
  REQUIRE(v.has_value());
  INFO(v->message);
  CHECK(v->message.find("since @6s") != std::string::npos);
}

TEST_CASE("progress: a command the stable leader accepted must apply on it within the bound") {
  checkers::ProgressChecker checker(3, 5_s);
  checker.on_start(0, 4, 2, sim::Instant() + 2_s);
  checkers::ProgressPoll p = poll_at(6_s, {0, 1}, 0_s);
  p.leader = 0;
  p.leader_term = 2;
  p.backed = true;
  p.leader_applied = 3;
  CHECK_FALSE(checker.on_poll(p).has_value());  // accepted 4 s ago: not yet due
  p.now = sim::Instant() + 7_s + 1_ms;
  const auto v = checker.on_poll(p);
  REQUIRE(v.has_value());
  CHECK(v->index == 4);
  p.leader_applied = 4;
  CHECK_FALSE(checker.on_poll(p).has_value());
}

TEST_CASE("progress: commands of another term, or from before the group, are not judged") {
  checkers::ProgressChecker checker(3, 5_s);
  checker.on_start(0, 4, 1, sim::Instant() + 1_s);  // term 1: lost when term 2 began
  checker.on_start(1, 5, 2, sim::Instant() + 2_s);  // accepted before the group formed
  checkers::ProgressPoll p = poll_at(10_s, {0, 1}, 3_s);
  p.leader = 0;
  p.leader_term = 3;
  p.backed = true;
  CHECK_FALSE(checker.on_poll(p).has_value());
  p.leader = 1;
  p.leader_term = 2;
  CHECK_FALSE(checker.on_poll(p).has_value());
  checker.on_start(1, 6, 2, sim::Instant() + 4_s);
  checker.on_restart(1);  // a new life: what it accepted before is gone
  CHECK_FALSE(checker.on_poll(p).has_value());
}

TEST_CASE("api contract: Starts of two terms at one index are each held to their own command") {
  Contract c;
  c.checker.on_role(0, 1, Role::leader);
  c.checker.on_start(0, cmd(10), {5, 1, true});
  c.checker.on_role(1, 2, Role::leader);
  c.checker.on_start(1, cmd(20), {5, 2, true});  // the same index in a later term: correct
  c.checker.on_append(1, 5, 2, 1, cmd(20));
  c.checker.on_append(0, 5, 1, 1, cmd(10));
  CHECK(c.violations.empty());
  c.checker.on_apply(2, applied(10, 5, 2));  // term 2's slot with term 1's command
  CHECK(c.property() == "Start Contract");
}

TEST_CASE("api contract: a Start far beyond the log's start is checked like any other") {
  const raft::Index far = raft::Index{1} << 60;
  Contract c;
  c.checker.on_role(0, 1, Role::leader);
  c.checker.on_start(0, cmd(10), {far, 1, true});
  c.checker.on_start(0, cmd(11), {3, 1, true});
  c.checker.on_append(0, far, 1, 1, cmd(10));
  c.checker.on_apply(0, applied(11, 3, 1));
  CHECK(c.violations.empty());
  c.checker.on_apply(1, applied(10, far + 1, 1));  // no Start returned far + 1 for it
  REQUIRE(c.property() == "Apply Index Contract");
  CHECK(c.violations[0].message.find("(first " + std::to_string(far) + ")") != std::string::npos);
}
