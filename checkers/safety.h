// The online safety checker: a raft::Observer that checks Raft's safety properties while a run
// goes, and reports the first violation.
//
// Properties, by the name a report carries:
// - "Election Safety": at most one leader per term (Figure 3), from role events and state polls.
// - "Leader Append-Only": a leader never overwrites or deletes entries in its log (Figure 3).
// - "Log Matching": two logs with an entry of the same index and term hold the same command
//   there and agree on the term before it, hence on the whole prefix by induction (Figure 3).
//   An append that leaves a hole in a log is reported under this name too.
// - "Leader Completeness": an entry known committed in term T is in the log of every leader of a
//   later term (Figure 3; checked at each election and whenever a commit becomes known).
// - "State Machine Safety": no two peers apply, or commit, different commands at one index.
// - "Apply Order": within a life, commands are applied at last applied + 1, without gaps, and a
//   snapshot never moves the applied index backwards.
// - "Snapshot Consistency": a snapshot's (index, term) agrees with what was applied or committed.
// - "Commit Monotonicity": a peer's commit index never decreases within a life.
// - "Leader Commit Rule": a leader advances its commit index only to an entry of its own term;
//   earlier entries are committed with it, never by counting their replicas (§5.4.2, Figure 8,
//   where doing so loses a committed entry).
// - "Single Vote": a peer votes for at most one candidate per term, across crashes.
// - "Vote Durability": when a vote is granted, the peer's last completed save holds that vote in
//   that term, or a later term (which rules out any other vote in that term after a crash).
//   Checked only for a peer that reports its saves.
// - "Vote Quorum": a peer becomes leader of term T only once a majority, itself included, has
//   voted for it in term T (the premise of Election Safety, §5.2). The leader's own vote counts
//   unless it reported a vote for another candidate in T. Checked only for an implementation
//   that reports votes at all.
// - "Term Monotonicity": a peer's durable term never decreases, across crashes.
// Only the first violation is reported; later events are ignored.
// Ignoring properties (ignore()): for code under test with a known bug that is written up
// elsewhere, violations of the named properties are counted instead of reported, and checking
// goes on, so a run shows what else fails. The event that broke an ignored property is not
// taken into the checker's model, except a Leader Commit Rule breach, whose commit is (the
// commit happened; only the rule that should have prevented it was broken). Events about entries
// hidden in a snapshot carry no information and are not held against anyone.
//
// No false alarms on correct Raft. Every property is implied by Figure 2 and the paper's proofs,
// and is checked no more strictly than they require; in particular the checker accepts what
// correct code that is not the reference may do: saving outside the lock (the term moves on while
// a save runs), replies that leave after a later save covered them, an entry reported again that
// the log already held, a leader's truncation that removes nothing, a commit index restored at
// boot before the restored term is reported. tests/checkers/safety_test.cpp keeps, for every
// property, such a case that must pass beside the broken one that must fail.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkers/index_table.h"
#include "raft/observer.h"

namespace checkers {

struct Violation {
  std::string property;  // one of the names above
  std::string message;   // a full sentence with the nodes, term and index
  std::vector<raft::NodeId> nodes;
  raft::Term term = 0;
  raft::Index index = 0;
};

class SafetyChecker final : public raft::Observer {
 public:
  using Reporter = std::function<void(const Violation&)>;

  SafetyChecker(int peers, Reporter reporter);

  void on_role(raft::NodeId node, raft::Term term, raft::Role role) override;
  void on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) override;
  void on_append(raft::NodeId node, raft::Index index, raft::Term term, raft::Term prev_term,
                 const raft::Bytes& command) override;
  void on_truncate(raft::NodeId node, raft::Index from_index) override;
  void on_commit(raft::NodeId node, raft::Index commit_index) override;
  void on_apply(raft::NodeId node, const raft::ApplyMsg& msg) override;
  void on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                  raft::Index last_index) override;
  void on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) override;
  void on_restart(raft::NodeId node, raft::Index applied_index) override;
  void on_state(raft::NodeId node, raft::Term term, bool is_leader) override;

  // Every property name above, in that order.
  static const std::vector<std::string>& properties();
  // Nothing when `name` is one of properties(); else "'NAME' is not a safety property (known:
  // ...)", for the places that take property names from users (options, reports, environment).
  static std::optional<std::string> property_problem(const std::string& name);
  // Counts violations of these properties instead of reporting them; each must be one of
  // properties() (std::invalid_argument naming the unknown one otherwise).
  void ignore(const std::vector<std::string>& properties);
  // Violations of ignored properties, by property.
  const std::map<std::string, uint64_t>& ignored() const { return ignored_; }
  // "Leader Commit Rule violated 3 times": how run, fuzz and the lab show one entry of ignored().
  static std::string ignored_text(const std::string& property, uint64_t count);

  bool violated() const { return violated_; }
  uint64_t events() const { return events_; }

 private:
  // What is known of one entry: its term and a hash of its command.
  struct EntryId {
    raft::Term term = 0;
    uint64_t command_hash = 0;
    bool operator==(const EntryId&) const = default;
  };
  // The checker's copy of one peer's log and life.
  struct PeerModel {
    raft::Index base_index = 0;
    raft::Term base_term = 0;
    std::vector<EntryId> entries;  // entries[k] has index base_index + 1 + k
    raft::Term term = 0;
    raft::Role role = raft::Role::follower;
    raft::Index commit_index = 0;
    raft::Index applied_index = 0;
    raft::Term durable_term = 0;
    // The vote of the last save (observer.h: a vote is durable before on_vote); checked only
    // for a peer that reports its saves at all.
    bool saves_reported = false;
    raft::NodeId durable_vote = 0;
    raft::Index last_index() const { return base_index + entries.size(); }
  };
  struct Committed {
    EntryId entry;
    raft::Term known_in_term = 0;  // the lowest term in which some peer knew it committed
  };

  PeerModel& peer(raft::NodeId node);
  // Reports a violation; false when the property is ignored (the caller may go on).
  bool report(std::string property, std::string message, std::vector<raft::NodeId> nodes,
              raft::Term term, raft::Index index);
  void note_leader(raft::NodeId node, raft::Term term);
  void check_leader_has_committed(raft::NodeId leader);
  void check_leader_has_votes(raft::NodeId leader, raft::Term term);
  bool has_entry(const PeerModel& model, raft::Index index, const EntryId& entry) const;
  void note_committed(raft::NodeId node, raft::Index index, const EntryId& entry);
  void note_applied(raft::NodeId node, raft::Index index, const EntryId& entry);

  Reporter reporter_;
  bool violated_ = false;
  std::map<std::string, uint64_t> ignored_;  // ignored properties: their violations so far
  uint64_t events_ = 0;
  std::vector<PeerModel> peers_;
  std::map<raft::Term, raft::NodeId> leaders_;                         // term -> its leader
  std::map<std::pair<raft::NodeId, raft::Term>, raft::NodeId> votes_;  // (voter, term) -> vote
  bool votes_reported_ = false;  // some peer reported a vote: Vote Quorum applies
  // Log Matching's witness: the first entry seen at each index (its term, the term before it and
  // its command's hash), and (index, term) -> (term before it, command hash) for entries of other
  // terms at an index already seen, which only competing leaders make.
  struct Witness {
    raft::Term term = 0;
    raft::Term prev_term = 0;
    uint64_t command_hash = 0;
  };
  IndexTable<Witness> entries_;
  std::map<std::pair<raft::Index, raft::Term>, std::pair<raft::Term, uint64_t>> other_entries_;
  IndexTable<Committed> committed_;
  IndexTable<EntryId> applied_;
};

// FNV-1a over the bytes of a command.
uint64_t command_hash(const raft::Bytes& command);

}  // namespace checkers
