// Applies the nemesis's concrete fault events to a running world.
//
// Contract. Network faults act among the cluster's servers only: clients keep their links to
// every server, as Jepsen's clients do, so a deposed leader in a minority still hears clients
// (which is how stale reads are caught). "leader" kinds resolve the current leader when they
// fire (the highest-term peer that believes it leads); with no leader they do nothing. End events
// are harmless when nothing is in effect (restart of a running node, heal of a healed network),
// so a shrinker may delete any event. Every applied event is recorded as a trace fault event.
// Moment faults (fault.h: crash_in_save ... delay_vote_reply) are armed when applied and fire on
// the node's next such moment: saves and replies through the world's hooks (sim/fault_hooks.h),
// which the injector installs, elections, votes, commits and snapshots through on_moment, which
// the runner calls from the peers' observer events. A firing is traced as a fault event too
// ("<kind> fired"). A node's restart disarms its crash moments; a heal disarms reply faults.
// While the trace is watched (sim::Trace::watched), every fault event that changes which servers
// reach which is followed by a view event (not fingerprinted) with the links as they now are:
// topic "links", node kNoNode, text servers x servers characters, '1' where the row's server can
// send to the column's (a server reaches itself), rows in server order. The run picture
// (views/run_picture.h) draws partitions and cuts from it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "raft/observer.h"
#include "raft/types.h"
#include "scenarios/fault.h"
#include "scenarios/scenario.h"
#include "sim/world.h"

namespace scenarios {

class FaultInjector {
 public:
  using LeaderFinder = std::function<std::optional<int>()>;
  // Calls Start `count` times on server `node` (start_burst).
  using StartBurst = std::function<void(int node, int count)>;

  FaultInjector(sim::World& world, const Scenario& scenario, LeaderFinder find_leader,
                StartBurst start_burst = {});
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  void apply(const FaultEvent& event);

  // The stable group of checkers/progress.h: the servers that form a majority, up, with working
  // disks, unclogged, connected to each other both ways and cut off both ways from every other
  // live server, while no burst is on; and since when they have been that group with no fault
  // event touching any of them (network-wide events touch every server; clock drift touches
  // none, drift being bounded). An empty group when there is none. Call it at every poll: the
  // group's age counts from the first poll that saw it.
  struct StableGroup {
    std::vector<int> nodes;  // sorted
    sim::Instant since;
  };
  StableGroup stable_group();
  // `node` reached a moment (one of the crash_after_* kinds): fires the matching armed fault.
  void on_moment(FaultKind moment, int node);
  // `node` granted its vote in `term` to `candidate`: its next reply carries the grant
  // (delay_vote_reply).
  void on_vote_granted(int node, raft::Term term, int candidate);
  // `node` took `role` in `term` (rejoin, delay_vote_reply) / its commit index moved (rejoin).
  void on_role(int node, raft::Term term, raft::Role role);
  void on_commit_moved(int node);
  // Heals everything: links, clogs, bursts, disks, clocks; restarts every crashed server.
  void heal_all();

 private:
  void set_links(const std::vector<std::vector<int>>& groups);
  void isolate(int node);
  void crash(int node);
  void restart(int node);
  // Traces `event` and marks the servers it touched: `touched`, or else those disturb() finds.
  void note(const FaultEvent& event, const std::string& detail,
            const std::optional<std::vector<int>>& touched = std::nullopt);
  // Removes the armed fault of `kind` on `node`; true when there was one.
  bool disarm(FaultKind kind, int node);
  void disarm_if(const std::function<bool(const FaultEvent&)>& which);
  sim::ReplyFate on_reply(int node);
  void partition_leader_minority(const FaultEvent& event, int leader);
  // Records the "links" view event when the links differ from the last one recorded.
  void note_links();

  sim::World& world_;
  const Scenario& scenario_;
  LeaderFinder find_leader_;
  StartBurst start_burst_;
  int servers_;
  // The links as the last "links" view event gave them; all up before the first, so the first
  // event made is a change.
  std::string links_noted_;
  std::vector<FaultEvent> armed_;  // moment faults waiting for their moment, in arming order
  void disturb(const FaultEvent& event);
  void disturb_all();
  std::vector<int> connected_majority() const;
  bool healthy(int node) const;

  // What stable_group() needs to know of the faults in effect, by server.
  std::vector<sim::Instant> disturbed_at_;
  std::vector<sim::Instant> clogged_until_;  // the node's clog, or a clog of a link of it
  std::vector<sim::Instant> stalled_until_;
  std::vector<bool> slowed_;
  bool burst_ = false;
  struct GrantedVote {
    raft::Term term = 0;
    int candidate = -1;
  };
  struct HeldVote {
    int candidate = -1;
    raft::Term term = 0;
    std::function<void()> send;  // empty once sent
  };
  std::function<void(std::function<void()>)> hold_vote(GrantedVote vote, sim::Duration longest);
  // By server: the vote its next reply carries, while a delay_vote_reply is armed on it.
  std::vector<std::optional<GrantedVote>> vote_reply_next_;
  std::vector<HeldVote> held_votes_;     // every grant held so far, by arrival
  std::vector<raft::Term> leader_term_;  // by server: the term it leads in, 0 when it does not
  raft::Term rejoin_after_term_ = 0;     // the armed rejoin waits for a leader above this term
  std::vector<int> group_;               // what the last stable_group() call found
  sim::Instant group_since_;
};

}  // namespace scenarios
