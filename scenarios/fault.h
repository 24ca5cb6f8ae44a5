// Fault kinds and fault events: the vocabulary of a scenario's fault timeline.
//
// Contract. A FaultEvent is one instruction to the runner at simulated time `at`, measured from
// the start of the run. Node indexes are 0-based indexes into the scenario's cluster. Every kind
// uses a fixed set of fields (fault_kind_info says which); the other fields keep their defaults,
// so two events are equal exactly when they mean the same thing.
//
// Invariants (checked by the loader, trusted by the nemesis and the runner):
//   1. Every node index is in [0, cluster.nodes).
//   2. Partition groups are non-empty and pairwise disjoint; a bridge is two groups that share
//      exactly one node; crash_minority's nodes are distinct and fewer than half the cluster.
//   3. `clog` names either a node or a link (from, to), never both; `cut` and link clogs have
//      from != to.
//
// Faults are either self-timed (clog, disk_stall: they carry `duration` and end by themselves) or
// persistent until an end event: partitions end with `heal`, `crash` with `restart`, the other
// crash kinds with `restart_all`, bursts with `burst_end`, `disk_slow` with `disk_restore`,
// `clock_drift` with a `clock_drift` of 0 ppm. End events are idempotent (applying one when its
// fault is not in effect changes nothing), so a timeline can be shrunk by deleting any event.
// Kinds with "leader" in their name are resolved by the runner when they are applied;
// partition_leader_minority's `nodes` are the minority's other members, drawn by the nemesis
// among the nodes that are not the leader when it fires (the first `nodes.size()` of a drawn
// order of the cluster, the leader skipped).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace scenarios {

enum class FaultKind : uint8_t {
  partition,                    // explicit groups
  partition_random_halves,      // groups drawn by the nemesis: two halves
  partition_majority_minority,  // groups drawn by the nemesis: a minority and the rest
  isolate,                      // cut every link of `node`
  isolate_leader,               // cut every link of the current leader
  bridge,                       // two groups sharing one node, which sees everyone
  cut,                          // the one-way link from -> to
  heal,                         // every link connected, every clog lifted
  crash,                        // crash `node`
  crash_minority,               // crash `nodes` (a minority, drawn by the nemesis)
  crash_all,                    // crash every node
  crash_leader,                 // crash the current leader
  restart,                      // start the crashed `node` again from its disk
  restart_all,                  // start every crashed node again
  clog,                         // hold packets of `node`, or of the link from -> to, for duration
  drop_burst,                   // network drop_p becomes p
  duplicate_burst,              // network duplicate_p becomes p
  delay_burst,                  // network long_delay_p becomes p
  burst_end,                    // the network's probabilities return to the scenario's
  disk_slow,                    // `node`'s disk latencies are multiplied by `factor`
  disk_restore,                 // `node`'s disk latencies return to the scenario's
  disk_stall,                   // `node`'s disk stalls for duration
  clock_drift,                  // `node`'s clock runs at rate (1e6 + ppm) / 1e6
  // Faults at the moments that matter: armed at `at`, they fire on `node`'s next such moment
  // (sim/fault_hooks.h, raft/observer.h), at most once, and are disarmed by `node`'s restart
  // (the crash kinds) or by a heal (the reply kinds). A crash fires at the moment's instant, as
  // soon as the fiber that reached it yields.
  crash_in_save,         // crash during the next save: written, not yet durable
  crash_after_reply,     // crash right after sending the next RPC reply
  crash_after_elected,   // crash right after becoming leader
  crash_after_vote,      // crash right after granting a vote
  crash_after_commit,    // crash right after the commit index moves
  crash_after_snapshot,  // crash right after the log is compacted or a snapshot installed
  drop_reply,            // the next RPC reply `node` sends is lost
  delay_reply,           // the next RPC reply `node` sends is held for `duration`
  // The reply that carries `node`'s next vote grant is held until its candidate starts a later
  // election, and then sent, so that it reaches the new election as a reply that outlived its
  // term (or sent after `duration` at most).
  delay_vote_reply,
  // The current leader and a drawn minority cut off from the rest, with `count` Starts submitted
  // to the leader as it is cut off (the lab's TestBackup: commands that will never commit).
  partition_leader_minority,
  // The lab's rejoin move (TestRejoin3B, TestBackup3B), armed at `at`: the next leader elected
  // (in a term above any leader's at `at`) is cut off with a drawn minority (those of `nodes`
  // on its side of the network then) as soon as its commit index moves, and every other server
  // rejoins the rest: a leader cut off before, with the tail it could not replicate, among them.
  // Until it fires the links stay as they are. Fires at most once, on role and commit events
  // (raft/observer.h); a heal disarms it.
  rejoin,
  // The tester calls Start `count` times on the current leader at once (a Get of a tester's own
  // client, through the log), as the lab's tests submit commands straight to a peer: with a
  // leader about to be cut off, this leaves it a long log of entries that never commit.
  start_burst,
};

// The fields of FaultEvent a kind uses, as bits.
enum FaultField : uint32_t {
  kFieldGroups = 1u << 0,
  kFieldNodes = 1u << 1,
  kFieldNode = 1u << 2,
  kFieldFrom = 1u << 3,
  kFieldTo = 1u << 4,
  kFieldDuration = 1u << 5,
  kFieldP = 1u << 6,
  kFieldFactor = 1u << 7,
  kFieldPpm = 1u << 8,
  kFieldCount = 1u << 9,
};

// Faults of one lane are drawn one at a time by the nemesis, because their end events would
// also end another fault of the same lane (heal lifts every partition and clog).
enum class FaultLane : uint8_t { network, crash, burst, disk, clock, reply, tester, none };

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;
  uint32_t required;  // FaultField bits that must be present
  uint32_t optional;  // FaultField bits that may be present (the nemesis fills them if absent)
  bool drawable;      // may appear in a fault profile's weights
  FaultLane lane;
  int nodes_min;  // the smallest cluster on which the nemesis draws it
};

// Every kind, in enum order.
std::span<const FaultKindInfo> fault_kinds();
const FaultKindInfo& fault_kind_info(FaultKind kind);
std::string_view to_string(FaultKind kind);
// The crash kinds that fire on a node's moment rather than at their `at`.
bool is_moment_crash(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);
// The kind of event that ends a persistent fault of `kind` (heal, restart, restart_all,
// burst_end, disk_restore; clock_drift for clock_drift, whose end is a 0 ppm drift); nullopt for
// self-timed kinds and for the end kinds themselves.
std::optional<FaultKind> fault_end_kind(FaultKind kind);

struct FaultEvent {
  sim::Duration at{};  // from the start of the run; in [0, scenario duration]
  FaultKind kind = FaultKind::heal;
  std::vector<std::vector<int>> groups{};  // partition kinds and bridge
  std::vector<int> nodes{};                // crash_minority
  int node = -1;                           // -1 when unused
  int from = -1;                           // cut, link clog; -1 when unused
  int to = -1;
  // clog, disk_stall, delay_reply; >= 0, at + duration <= scenario duration
  sim::Duration duration{};
  double p = 0.0;      // bursts; [0, 1]
  int64_t factor = 1;  // disk_slow; [1, 1000]
  int64_t ppm = 0;     // clock_drift; |ppm| <= clock.drift_ppm_max
  int count = 0;       // start_burst, partition_leader_minority (optional); [1, 1000]

  bool operator==(const FaultEvent&) const = default;
};

}  // namespace scenarios
