// The online safety checker on synthetic event sequences: each broken property is detected and
// named, and clean sequences (elections, replication, conflicts, snapshots, restarts) report
// nothing.
#include "checkers/safety.h"

#include <catch2/catch.hpp>
#include <limits>
#include <set>

namespace {

using raft::Role;

raft::Bytes cmd(uint8_t value) { return raft::Bytes{value}; }

// A checker that records what it reports.
struct Probe {
  std::vector<checkers::Violation> violations;
  checkers::SafetyChecker checker{
      3, [this](const checkers::Violation& violation) { violations.push_back(violation); }};

  std::string property() const { return violations.empty() ? "" : violations[0].property; }
};

// Node 0 leads term 1 and replicates entries 1..2 to node 1; both commit and apply them.
void healthy_start(checkers::SafetyChecker& c) {
  c.on_role(0, 1, Role::candidate);
  c.on_vote(0, 1, 0);
  c.on_vote(1, 1, 0);
  c.on_persist(0, 1, 0, 0);
  c.on_role(0, 1, Role::leader);
  c.on_role(1, 1, Role::follower);
  c.on_append(0, 1, 1, 0, cmd(10));
  c.on_append(0, 2, 1, 1, cmd(20));
  c.on_append(1, 1, 1, 0, cmd(10));
  c.on_append(1, 2, 1, 1, cmd(20));
  c.on_commit(0, 2);
  c.on_commit(1, 2);
  for (raft::NodeId node : {0, 1}) {
    c.on_apply(node, raft::ApplyMsg{true, cmd(10), 1, 1, false, {}, 0, 0});
    c.on_apply(node, raft::ApplyMsg{true, cmd(20), 2, 1, false, {}, 0, 0});
  }
}

// Node 0 leads term 2 and commits entries 3 (term 1) and 4 (term 2) with entry 4, as Raft does;
// then, leading term 3, it commits entry 5 (term 2) by counting replicas, breaking the Leader
// Commit Rule with its last event only.
void leader_commits_an_earlier_terms_entry(checkers::SafetyChecker& c) {
  healthy_start(c);
  c.on_append(0, 3, 1, 1, cmd(30));  // term 1, not yet committed
  c.on_role(0, 2, Role::candidate);
  c.on_persist(0, 2, 0, 3);
  c.on_vote(0, 2, 0);
  c.on_vote(2, 2, 0);
  c.on_role(0, 2, Role::leader);
  c.on_append(0, 4, 2, 1, cmd(40));
  c.on_commit(0, 4);  // index 3 commits with its own-term entry 4: fine
  c.on_append(0, 5, 2, 2, cmd(50));
  c.on_role(0, 3, Role::candidate);
  c.on_persist(0, 3, 0, 5);
  c.on_vote(0, 3, 0);
  c.on_vote(1, 3, 0);
  c.on_role(0, 3, Role::leader);
  c.on_commit(0, 5);  // index 5 is of term 2, counted in term 3
}

}  // namespace

TEST_CASE("safety: a healthy run with a conflict, a snapshot and a restart reports nothing") {
  Probe p;
  auto& c = p.checker;
  healthy_start(c);
  // Node 2 catches up late, node 1 wins term 2, node 1 snapshots, node 2 restarts from disk.
  c.on_role(2, 1, Role::follower);
  c.on_append(2, 1, 1, 0, cmd(10));
  c.on_role(1, 2, Role::candidate);
  c.on_vote(1, 2, 1);
  c.on_vote(2, 2, 1);
  c.on_role(1, 2, Role::leader);
  c.on_append(1, 3, 2, 1, cmd(30));
  c.on_append(2, 2, 1, 1, cmd(20));
  c.on_append(2, 3, 2, 1, cmd(30));
  c.on_commit(1, 3);
  c.on_commit(2, 3);
  c.on_snapshot(1, 2, 1);  // the service snapshots through index 2
  c.on_restart(2, 0);
  c.on_append(2, 1, 1, 0, cmd(10));
  c.on_append(2, 2, 1, 1, cmd(20));
  c.on_append(2, 3, 2, 1, cmd(30));
  c.on_role(2, 2, Role::follower);
  c.on_commit(2, 0);
  c.on_apply(2, raft::ApplyMsg{false, {}, 0, 0, true, {1, 2}, 1, 2});
  c.on_apply(2, raft::ApplyMsg{true, cmd(30), 3, 2, false, {}, 0, 0});
  c.on_state(1, 2, true);
  CHECK(p.violations.empty());
  CHECK_FALSE(c.violated());
}

TEST_CASE("safety: a follower overwriting an uncommitted entry reports nothing") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_append(1, 1, 1, 0, cmd(1));
  c.on_append(1, 2, 1, 1, cmd(2));  // from leader 0, never committed
  c.on_role(2, 2, Role::leader);
  c.on_role(1, 2, Role::follower);
  c.on_truncate(1, 2);
  c.on_append(1, 2, 2, 1, cmd(3));
  CHECK(p.violations.empty());
}

TEST_CASE("safety: two leaders in one term break Election Safety") {
  Probe p;
  p.checker.on_role(0, 3, Role::leader);
  p.checker.on_role(1, 3, Role::leader);
  REQUIRE(p.property() == "Election Safety");
  CHECK(p.violations[0].term == 3);
  CHECK(p.violations.size() == 1);
}

TEST_CASE("safety: state polls alone reveal two leaders in one term") {
  Probe p;
  p.checker.on_state(0, 4, true);
  p.checker.on_state(2, 4, false);
  CHECK(p.violations.empty());
  p.checker.on_state(2, 4, true);
  CHECK(p.property() == "Election Safety");
}

TEST_CASE("safety: a leader truncating its log breaks Leader Append-Only") {
  Probe p;
  p.checker.on_role(0, 1, Role::leader);
  p.checker.on_append(0, 1, 1, 0, cmd(1));
  p.checker.on_truncate(0, 1);
  CHECK(p.property() == "Leader Append-Only");
}

TEST_CASE("safety: a leader overwriting an entry breaks Leader Append-Only") {
  Probe p;
  p.checker.on_role(0, 1, Role::leader);
  p.checker.on_append(0, 1, 1, 0, cmd(1));
  p.checker.on_append(0, 1, 1, 0, cmd(2));
  CHECK(p.property() == "Leader Append-Only");
}

TEST_CASE("safety: same index and term with different commands break Log Matching") {
  Probe p;
  p.checker.on_append(0, 1, 1, 0, cmd(1));
  p.checker.on_append(1, 1, 1, 0, cmd(2));
  REQUIRE(p.property() == "Log Matching");
  CHECK(p.violations[0].index == 1);
}

TEST_CASE("safety: same index and term after different prefixes break Log Matching") {
  Probe p;
  p.checker.on_append(0, 1, 1, 0, cmd(1));
  p.checker.on_append(0, 2, 3, 1, cmd(2));
  p.checker.on_append(1, 1, 2, 0, cmd(1));
  p.checker.on_append(1, 2, 3, 2, cmd(2));
  CHECK(p.property() == "Log Matching");
}

TEST_CASE("safety: a hole in a log breaks Log Matching") {
  Probe p;
  p.checker.on_append(0, 2, 1, 0, cmd(1));
  CHECK(p.property() == "Log Matching");
}

TEST_CASE("safety: a new leader without a committed entry breaks Leader Completeness") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_commit(0, 1);
  c.on_role(2, 2, Role::leader);  // node 2's log is empty
  REQUIRE(p.property() == "Leader Completeness");
  CHECK(p.violations[0].index == 1);
  CHECK(p.violations[0].nodes == std::vector<raft::NodeId>{2});
}

TEST_CASE("safety: a commit learned after a later leader's election is held against it") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_role(2, 2, Role::leader);  // not yet known committed: fine so far
  CHECK(p.violations.empty());
  c.on_commit(0, 1);
  CHECK(p.property() == "Leader Completeness");
}

TEST_CASE("safety: different commands applied at one index break State Machine Safety") {
  Probe p;
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(1), 1, 1, false, {}, 0, 0});
  p.checker.on_apply(1, raft::ApplyMsg{true, cmd(2), 1, 1, false, {}, 0, 0});
  CHECK(p.property() == "State Machine Safety");
}

TEST_CASE("safety: different entries committed at one index break State Machine Safety") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::follower);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_commit(0, 1);
  c.on_role(1, 2, Role::follower);
  c.on_append(1, 1, 2, 0, cmd(2));
  c.on_commit(1, 1);
  CHECK(p.property() == "State Machine Safety");
}

TEST_CASE("safety: a gap in the applies breaks Apply Order") {
  Probe p;
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(1), 1, 1, false, {}, 0, 0});
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(3), 3, 1, false, {}, 0, 0});
  CHECK(p.property() == "Apply Order");
}

TEST_CASE("safety: a snapshot behind the applied index breaks Apply Order") {
  Probe p;
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(1), 1, 1, false, {}, 0, 0});
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(2), 2, 1, false, {}, 0, 0});
  p.checker.on_apply(0, raft::ApplyMsg{false, {}, 0, 0, true, {9}, 1, 1});
  CHECK(p.property() == "Apply Order");
}

TEST_CASE("safety: after a restart applies resume after the restored snapshot") {
  Probe p;
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(1), 1, 1, false, {}, 0, 0});
  p.checker.on_restart(0, 1);
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(2), 2, 1, false, {}, 0, 0});
  CHECK(p.violations.empty());
  p.checker.on_restart(0, 0);
  p.checker.on_apply(0, raft::ApplyMsg{true, cmd(2), 2, 1, false, {}, 0, 0});
  CHECK(p.property() == "Apply Order");
}

TEST_CASE("safety: a snapshot with the wrong term breaks Snapshot Consistency") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_commit(0, 1);
  c.on_apply(1, raft::ApplyMsg{false, {}, 0, 0, true, {7}, 2, 1});
  CHECK(p.property() == "Snapshot Consistency");
}

TEST_CASE("safety: a lowered commit index breaks Commit Monotonicity") {
  Probe p;
  p.checker.on_commit(0, 2);
  p.checker.on_commit(0, 1);
  CHECK(p.property() == "Commit Monotonicity");
}

TEST_CASE("safety: two votes in one term across a crash break Single Vote") {
  Probe p;
  p.checker.on_vote(2, 5, 0);
  p.checker.on_restart(2, 0);
  p.checker.on_vote(2, 5, 0);  // the same vote again is fine
  CHECK(p.violations.empty());
  p.checker.on_vote(2, 5, 1);
  CHECK(p.property() == "Single Vote");
}

TEST_CASE("safety: a vote granted before it is saved breaks Vote Durability") {
  Probe p;
  p.checker.on_persist(2, 7, 2, 0);
  p.checker.on_vote(2, 7, 2);  // its own vote, saved
  CHECK(p.violations.empty());
  p.checker.on_persist(2, 8, -1, 0);
  p.checker.on_restart(2, 0);
  p.checker.on_vote(2, 8, 1);  // the save holds no vote in term 8
  CHECK(p.property() == "Vote Durability");
}

TEST_CASE("safety: a leader committing an entry of an earlier term breaks Leader Commit Rule") {
  Probe p;
  auto& c = p.checker;
  leader_commits_an_earlier_terms_entry(c);  // reported at entry 5: entry 4's commit was fine
  REQUIRE(p.property() == "Leader Commit Rule");
  CHECK(p.violations[0].index == 5);
  CHECK(p.violations[0].term == 3);
}

TEST_CASE("safety: an ignored property is counted, and checking goes on to the next violation") {
  Probe p;
  auto& c = p.checker;
  c.ignore({"Leader Commit Rule"});
  leader_commits_an_earlier_terms_entry(c);  // ignored this time
  CHECK(p.violations.empty());
  CHECK(c.ignored().at("Leader Commit Rule") == 1);
  // The commit was taken: a later leader without entry 5 breaks Leader Completeness.
  c.on_role(1, 4, Role::candidate);
  c.on_persist(1, 4, 1, 3);
  c.on_vote(1, 4, 1);
  c.on_vote(2, 4, 1);
  c.on_role(1, 4, Role::leader);
  REQUIRE(p.property() == "Leader Completeness");
}

TEST_CASE("safety: only known properties can be ignored, and the list names every reported one") {
  Probe p;
  CHECK_THROWS_WITH(p.checker.ignore({"Leader Commit Rules"}),
                    Catch::Contains("unknown safety property 'Leader Commit Rules'") &&
                        Catch::Contains("Vote Quorum"));
  CHECK(checkers::SafetyChecker::properties().size() == 13);
  for (const std::string& property : checkers::SafetyChecker::properties()) {
    checkers::SafetyChecker checker(3, nullptr);
    CHECK_NOTHROW(checker.ignore({property}));
  }
}

TEST_CASE("safety: a leader without a majority of votes in its term breaks Vote Quorum") {
  Probe p;
  auto& c = p.checker;
  c.on_vote(0, 3, 0);
  c.on_vote(1, 3, 0);  // votes of an earlier election do not carry over
  c.on_role(0, 4, Role::candidate);
  c.on_vote(0, 4, 0);
  c.on_vote(2, 4, 1);  // node 2 voted for another candidate in term 4
  c.on_role(0, 4, Role::leader);
  REQUIRE(p.property() == "Vote Quorum");
  CHECK(p.violations[0].term == 4);
  CHECK(p.violations[0].message ==
        "Vote Quorum violated: node 0 became leader of term 4 with votes from 1 of 3 peers in that "
        "term (0), short of "
        "a majority of 2");
}

TEST_CASE("safety: a leader with a majority of votes, across a voter's crash, is fine") {
  Probe p;
  auto& c = p.checker;
  c.on_vote(1, 2, 1);
  c.on_vote(0, 2, 1);
  c.on_restart(0, 0);  // a durable vote still counts after its voter crashed
  c.on_role(1, 2, Role::leader);
  CHECK(p.violations.empty());
}

TEST_CASE("safety: Vote Quorum is not checked for an implementation that reports no votes") {
  Probe p;
  p.checker.on_role(2, 1, Role::leader);
  p.checker.on_state(2, 1, true);
  CHECK(p.violations.empty());
}

TEST_CASE("safety: a durable term going back breaks Term Monotonicity") {
  Probe p;
  p.checker.on_persist(1, 4, 1, 0);
  p.checker.on_restart(1, 0);
  p.checker.on_persist(1, 3, 1, 0);
  CHECK(p.property() == "Term Monotonicity");
}

TEST_CASE("safety: only the first violation is reported") {
  Probe p;
  p.checker.on_role(0, 1, Role::leader);
  p.checker.on_role(1, 1, Role::leader);
  p.checker.on_commit(0, 2);
  p.checker.on_commit(0, 1);
  CHECK(p.violations.size() == 1);
  CHECK(p.violations[0].message.find("Election Safety violated") == 0);
}

// ---------------------------------------------------------------- correct but unusual
// Code that is not the reference but is correct Raft (Figure 2 and the paper's proofs) must pass
// every property: one case per property, beside the broken case above that must fail.

TEST_CASE("safety, correct but unusual: a deposed leader still polled as leader of its own term") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_role(1, 2, Role::leader);  // node 0, cut off, has not heard of term 2 yet
  c.on_state(0, 1, true);
  c.on_state(1, 2, true);
  CHECK(p.violations.empty());  // Election Safety is per term
}

TEST_CASE("safety, correct but unusual: a leader reporting entries again or an empty truncation") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_append(0, 1, 1, 0, cmd(1));
  c.on_append(0, 2, 1, 1, cmd(2));
  c.on_append(0, 2, 1, 1, cmd(2));  // the same entry reported twice: the log did not change
  c.on_truncate(0, 3);              // removes nothing: a generic path called on the leader
  c.on_append(0, 3, 1, 2, cmd(3));
  c.on_role(0, 2, Role::follower);  // deposed: now it may lose its uncommitted tail
  c.on_truncate(0, 3);
  CHECK(p.violations.empty());  // Leader Append-Only
}

TEST_CASE("safety, correct but unusual: a follower reporting every entry of each AppendEntries") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 1, Role::leader);
  c.on_role(1, 1, Role::follower);
  for (raft::Index index = 1; index <= 4; ++index) {
    c.on_append(0, index, 1, index == 1 ? 0 : 1, cmd(static_cast<uint8_t>(index)));
    c.on_append(1, index, 1, index == 1 ? 0 : 1, cmd(static_cast<uint8_t>(index)));
  }
  // A delayed AppendEntries carrying entries 2..3, which node 1 already holds, reported again.
  c.on_append(1, 2, 1, 1, cmd(2));
  c.on_append(1, 3, 1, 1, cmd(3));
  c.on_append(0, 5, 1, 1, cmd(5));
  c.on_append(1, 5, 1, 1, cmd(5));  // its log still ends at 4: no hole
  CHECK(p.violations.empty());      // Log Matching
}

TEST_CASE("safety, correct but unusual: a re-append with a different entry still truncates") {
  Probe p;
  auto& c = p.checker;
  c.on_role(1, 1, Role::follower);
  c.on_append(1, 1, 1, 0, cmd(1));
  c.on_append(1, 2, 1, 1, cmd(2));
  c.on_append(1, 3, 1, 1, cmd(3));
  c.on_role(1, 2, Role::follower);
  c.on_append(1, 2, 2, 1, cmd(7));  // a conflict overwritten without its on_truncate
  c.on_append(1, 4, 2, 2, cmd(8));  // index 3 went with it: a hole
  CHECK(p.property() == "Log Matching");
}

// Entry (1, term 3) is committed only in term 5. Node 0 leads term 3 and appends it; node 1,
// still empty, votes for node 2 in term 4; node 0 wins term 5 with node 1's vote and commits the
// entry with one of its own term. Node 2 never held the entry, and may still lead term 4 in its
// partition (or only now learn that it won term 4, from a late vote reply).
void committed_in_term_5(checkers::SafetyChecker& c) {
  c.on_role(0, 3, Role::leader);
  c.on_append(0, 1, 3, 0, cmd(1));
  c.on_role(2, 4, Role::candidate);
  c.on_role(1, 4, Role::follower);
  c.on_vote(1, 4, 2);
  c.on_role(0, 5, Role::candidate);
  c.on_role(1, 5, Role::follower);
  c.on_vote(1, 5, 0);
  c.on_role(0, 5, Role::leader);
  c.on_append(0, 2, 5, 3, cmd(2));
  c.on_append(1, 1, 3, 0, cmd(1));
  c.on_append(1, 2, 5, 3, cmd(2));
  c.on_commit(0, 2);
  c.on_commit(1, 2);
}

TEST_CASE("safety, correct but unusual: a leader of an earlier term without a later commit") {
  Probe p;
  committed_in_term_5(p.checker);
  p.checker.on_role(2, 4, Role::leader);  // node 2 learns late that it won term 4
  p.checker.on_state(2, 4, true);
  CHECK(p.violations.empty());  // Leader Completeness
}

TEST_CASE("safety, correct but unusual: a commit index restored at boot before the term") {
  Probe p;
  auto& c = p.checker;
  committed_in_term_5(c);
  // Node 1 persists its commit index (unusual, harmless) and reports it at boot before its term.
  c.on_restart(1, 0);
  c.on_append(1, 1, 3, 0, cmd(1));
  c.on_append(1, 2, 5, 3, cmd(2));
  c.on_commit(1, 2);
  c.on_role(1, 5, Role::follower);
  c.on_role(2, 4, Role::leader);  // node 2 learns late that it won term 4
  CHECK(p.violations.empty());    // Leader Completeness: the entry was committed in term 5
  // A leader of a later term without the entry is still caught.
  c.on_role(2, 6, Role::candidate);
  c.on_vote(0, 6, 2);
  c.on_role(2, 6, Role::leader);
  CHECK(p.property() == "Leader Completeness");
}

TEST_CASE("safety, correct but unusual: applies repeated after a restart without a snapshot") {
  Probe p;
  auto& c = p.checker;
  healthy_start(c);
  c.on_restart(1, 0);  // no snapshot: the service starts empty and Raft applies from index 1
  c.on_append(1, 1, 1, 0, cmd(10));
  c.on_append(1, 2, 1, 1, cmd(20));
  c.on_role(1, 1, Role::follower);
  c.on_commit(1, 0);
  c.on_commit(1, 2);
  c.on_apply(1, raft::ApplyMsg{true, cmd(10), 1, 1, false, {}, 0, 0});
  c.on_apply(1, raft::ApplyMsg{true, cmd(20), 2, 1, false, {}, 0, 0});
  CHECK(p.violations.empty());  // State Machine Safety, Apply Order
}

TEST_CASE("safety, correct but unusual: the restored snapshot delivered again at boot") {
  Probe p;
  auto& c = p.checker;
  c.on_apply(0, raft::ApplyMsg{true, cmd(1), 1, 1, false, {}, 0, 0});
  c.on_apply(0, raft::ApplyMsg{true, cmd(2), 2, 1, false, {}, 0, 0});
  c.on_restart(0, 2);  // the service restored its snapshot through 2
  c.on_apply(0, raft::ApplyMsg{false, {}, 0, 0, true, {9}, 1, 2});  // Raft sends it again
  c.on_apply(0, raft::ApplyMsg{false, {}, 0, 0, true, {9}, 1, 4});  // and a newer one
  c.on_apply(0, raft::ApplyMsg{true, cmd(5), 5, 1, false, {}, 0, 0});
  CHECK(p.violations.empty());  // Apply Order
}

TEST_CASE("safety, correct but unusual: a snapshot installed before any commit is observed") {
  Probe p;
  auto& c = p.checker;
  c.on_role(2, 3, Role::follower);
  c.on_snapshot(2, 40, 3);  // InstallSnapshot from a leader whose commits came before the checker
  c.on_apply(2, raft::ApplyMsg{false, {}, 0, 0, true, {1}, 3, 40});
  c.on_append(2, 41, 3, 3, cmd(41));
  c.on_commit(2, 41);
  CHECK(p.violations.empty());  // Snapshot Consistency, Log Matching
}

TEST_CASE("safety, correct but unusual: a commit index repeated, and lower in a new life") {
  Probe p;
  auto& c = p.checker;
  c.on_commit(0, 2);
  c.on_commit(0, 2);  // a heartbeat that changed nothing, reported anyway
  c.on_restart(0, 0);
  c.on_commit(0, 0);  // volatile: a new life starts again from what it restored
  c.on_commit(0, 1);
  CHECK(p.violations.empty());  // Commit Monotonicity
}

TEST_CASE("safety, correct but unusual: a leader committing its own entries one at a time") {
  Probe p;
  auto& c = p.checker;
  healthy_start(c);
  c.on_append(0, 3, 1, 1, cmd(30));  // term 1, left uncommitted when node 0 lost term 1
  c.on_role(1, 2, Role::follower);
  c.on_append(1, 3, 1, 1, cmd(30));
  c.on_role(0, 2, Role::candidate);
  c.on_vote(1, 2, 0);
  c.on_role(0, 2, Role::leader);
  c.on_append(0, 4, 2, 1, cmd(40));
  c.on_append(0, 5, 2, 2, cmd(50));
  c.on_commit(0, 4);  // entry 3 goes with entry 4, of the leader's term
  c.on_commit(0, 5);
  c.on_commit(1, 3);            // a follower may stop at an earlier term's entry: it only follows
  CHECK(p.violations.empty());  // Leader Commit Rule, Vote Quorum (own vote not reported)
}

TEST_CASE("safety, correct but unusual: votes repeated to one candidate, across crashes") {
  Probe p;
  auto& c = p.checker;
  c.on_vote(1, 3, 0);
  c.on_vote(1, 3, 0);  // a duplicated RequestVote, granted again to the same candidate
  c.on_vote(1, 4, 2);  // another term, another candidate
  c.on_restart(1, 0);
  c.on_vote(1, 4, 2);
  CHECK(p.violations.empty());  // Single Vote
}

TEST_CASE("safety, correct but unusual: a vote whose reply waits for a save of a later term") {
  // The pattern that saves outside the lock: node 2 grants its vote in term 9 and starts a save;
  // before the reply leaves, a term-10 message moves it on and another save starts; the saves
  // are ordered and the reply leaves once a completed save covers the vote.
  Probe p;
  auto& c = p.checker;
  c.on_persist(2, 9, 1, 0);
  c.on_persist(2, 10, -1, 0);  // the term-10 save completed before the vote's reply left
  c.on_vote(2, 9, 1);
  c.on_persist(2, 11, -1, 0);
  c.on_vote(2, 10, 0);          // the save of term 10 was skipped as superseded; term 11 covers it
  CHECK(p.violations.empty());  // Vote Durability
}

TEST_CASE("safety: a vote in a saved term without the saved vote breaks Vote Durability") {
  Probe p;
  p.checker.on_persist(2, 9, -1, 0);  // term 9 saved before the vote, not after it
  p.checker.on_vote(2, 9, 1);
  CHECK(p.property() == "Vote Durability");
}

TEST_CASE("safety, correct but unusual: a leader that does not report its own vote") {
  Probe p;
  auto& c = p.checker;
  c.on_role(0, 4, Role::candidate);
  c.on_vote(1, 4, 0);  // its own vote has no reply, so this implementation reports none
  c.on_role(0, 4, Role::leader);
  CHECK(p.violations.empty());  // Vote Quorum: 2 of 3
}

TEST_CASE("safety: a leader that voted for another candidate in its term breaks Vote Quorum") {
  Probe p;
  auto& c = p.checker;
  c.on_vote(0, 4, 2);  // node 0 voted for node 2 in term 4 ...
  c.on_vote(1, 4, 0);
  c.on_role(0, 4, Role::leader);  // ... so only node 1's vote is its own
  CHECK(p.property() == "Vote Quorum");
}

TEST_CASE("safety, correct but unusual: a term saved again, and again after a crash") {
  Probe p;
  auto& c = p.checker;
  c.on_persist(1, 4, 1, 3);
  c.on_persist(1, 4, 1, 5);  // a save of new entries in the same term
  c.on_restart(1, 0);
  c.on_persist(1, 4, 1, 5);  // the restored state saved again at boot
  c.on_persist(1, 6, -1, 5);
  CHECK(p.violations.empty());  // Term Monotonicity
}

TEST_CASE("safety: command hashes tell apart commands that differ in one byte or in length",
          "[checkers][safety]") {
  // The checker compares commands by hash: two different commands must not look the same.
  std::set<uint64_t> seen;
  size_t commands = 0;
  for (size_t length = 0; length <= 40; ++length) {
    const raft::Bytes zeros(length, 0);
    seen.insert(checkers::command_hash(zeros));
    ++commands;
    for (size_t at = 0; at < length; ++at) {
      for (uint8_t value : {uint8_t{1}, uint8_t{0x80}, uint8_t{0xff}}) {
        raft::Bytes changed = zeros;
        changed[at] = value;
        seen.insert(checkers::command_hash(changed));
        ++commands;
      }
    }
  }
  CHECK(seen.size() == commands);
  const raft::Bytes ab{'a', 'b'};
  CHECK(checkers::command_hash(ab) == checkers::command_hash(raft::Bytes(ab)));
}

TEST_CASE("safety: entries of two terms at one index are told apart; a third copy must match") {
  Probe p;
  // Competing leaders of terms 1 and 2 each wrote index 1 (correct: different terms).
  p.checker.on_append(0, 1, 1, 0, cmd(1));
  p.checker.on_append(1, 1, 2, 0, cmd(2));
  p.checker.on_append(2, 1, 2, 0, cmd(2));  // a copy of term 2's entry
  CHECK(p.violations.empty());
  p.checker.on_truncate(2, 1);
  p.checker.on_append(2, 1, 2, 0, cmd(3));  // term 2's entry at index 1 with another command
  REQUIRE(p.property() == "Log Matching");
  CHECK(p.violations[0].term == 2);
}

// Nodes 0 and 1 boot from a snapshot through `index` (term 1) and apply it.
static void start_at_snapshot(checkers::SafetyChecker& c, raft::Index index) {
  for (raft::NodeId node : {0, 1}) {
    c.on_snapshot(node, index, 1);
    c.on_apply(node, raft::ApplyMsg{false, {}, 0, 0, true, {}, 1, index});
  }
}

TEST_CASE("safety: indexes far beyond the log's start are checked like any other") {
  const raft::Index far = raft::Index{1} << 60;
  SECTION("correct but unusual: a log that starts at a snapshot through 2^60") {
    Probe p;
    start_at_snapshot(p.checker, far);
    p.checker.on_role(0, 1, Role::leader);
    p.checker.on_append(0, far + 1, 1, 1, cmd(1));
    p.checker.on_append(1, far + 1, 1, 1, cmd(1));
    p.checker.on_commit(0, far + 1);
    p.checker.on_commit(1, far + 1);
    p.checker.on_apply(0, raft::ApplyMsg{true, cmd(1), far + 1, 1, false, {}, 0, 0});
    p.checker.on_apply(1, raft::ApplyMsg{true, cmd(1), far + 1, 1, false, {}, 0, 0});
    // A commit index beyond every entry the follower holds commits only those it holds.
    p.checker.on_commit(1, std::numeric_limits<raft::Index>::max());
    CHECK(p.violations.empty());
  }
  SECTION("two commands at one index and term there break Log Matching") {
    Probe p;
    start_at_snapshot(p.checker, far);
    p.checker.on_append(0, far + 1, 1, 1, cmd(0));
    p.checker.on_append(1, far + 1, 1, 1, cmd(1));
    CHECK(p.property() == "Log Matching");
  }
  SECTION("a leader elected without the entry committed there breaks Leader Completeness") {
    Probe p;
    start_at_snapshot(p.checker, far);
    p.checker.on_role(0, 1, Role::leader);
    p.checker.on_append(0, far + 1, 1, 1, cmd(1));
    p.checker.on_commit(0, far + 1);
    p.checker.on_role(1, 2, Role::leader);  // node 1 never held far + 1
    REQUIRE(p.property() == "Leader Completeness");
    CHECK(p.violations[0].index == far + 1);
  }
}
