// The API contract oracle: what a Raft promises the service above it (raft/peer.h), judged from
// the calls the service makes and the events and applies the peers report.
//
// Properties, by the name a report carries:
// - "Start Contract": Start returns the index and term at which the command is committed, if it
//   is ever committed. An entry at (index, term) is created once, by the leader of that term, at
//   the Start that returned (index, term); so the entry a peer appends or applies at (index,
//   term) holds that Start's command, and a command applied at index i was started at index i by
//   some Start (a retried command may have been started at several indexes, and one of them
//   must be i). Commands that no Start returned (an implementation's own no-op entries) are not
//   judged. Start must also not claim leadership of a term in which its peer reported no
//   leadership (checked only for implementations that report roles).
// - "GetState Contract": GetState never claims leadership of a term the peer has not won: when
//   it says leader of term T, the peer's last reported role is leader of term T (checked only
//   for implementations that report roles).
// Only the first violation is reported.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "checkers/index_table.h"
#include "checkers/safety.h"
#include "raft/observer.h"
#include "raft/peer.h"

namespace checkers {

class ApiContractChecker final : public raft::Observer {
 public:
  using Reporter = std::function<void(const Violation&)>;

  ApiContractChecker(int peers, Reporter reporter);

  // A Start call on `node` returned `result` for `command`.
  void on_start(raft::NodeId node, const raft::Bytes& command, const raft::StartResult& result);

  void on_role(raft::NodeId node, raft::Term term, raft::Role role) override;
  void on_vote(raft::NodeId, raft::Term, raft::NodeId) override {}
  void on_append(raft::NodeId node, raft::Index index, raft::Term term, raft::Term prev_term,
                 const raft::Bytes& command) override;
  void on_truncate(raft::NodeId, raft::Index) override {}
  void on_commit(raft::NodeId, raft::Index) override {}
  void on_apply(raft::NodeId node, const raft::ApplyMsg& msg) override;
  void on_persist(raft::NodeId, raft::Term, raft::NodeId, raft::Index) override {}
  void on_snapshot(raft::NodeId, raft::Index, raft::Term) override {}
  void on_restart(raft::NodeId node, raft::Index applied_index) override;
  void on_state(raft::NodeId node, raft::Term term, bool is_leader) override;

  bool violated() const { return violated_; }

 private:
  struct Role {
    bool reported = false;  // the peer reported a role in this life
    raft::Term term = 0;
    raft::Role role = raft::Role::follower;
  };
  void report(std::string property, std::string message, std::vector<raft::NodeId> nodes,
              raft::Term term, raft::Index index);
  void check_slot(raft::NodeId node, raft::Index index, raft::Term term, uint64_t hash,
                  const char* what);
  bool claims_unwon_leadership(raft::NodeId node, raft::Term term) const;

  Reporter reporter_;
  bool violated_ = false;
  std::vector<Role> roles_;
  bool roles_reported_ = false;  // some peer reported a role: leadership claims are judged
  // (index, term) -> command hash, of every Start that returned is_leader: the first such Start
  // at each index, and those of other terms at an index already started.
  struct Started {
    raft::Term term = 0;
    uint64_t hash = 0;
  };
  IndexTable<Started> started_;
  std::map<std::pair<raft::Index, raft::Term>, uint64_t> other_started_;
  // command hash -> the indexes Starts returned for it, ascending (looked up, never iterated).
  std::unordered_map<uint64_t, std::vector<raft::Index>> started_at_;
  // The hash Start recorded at (index, term), or null.
  const uint64_t* started_hash(raft::Index index, raft::Term term) const;
};

}  // namespace checkers
