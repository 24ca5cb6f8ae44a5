#include "raft/mutant.h"

namespace raft {

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> table = {
      {Mutant::figure8_commit, "figure8-commit", "raft",
       "a leader commits only entries of its own term by counting replicas", "§5.4.2, Figure 8",
       "an entry committed by counting replicas is later overwritten: State Machine Safety"},
      {Mutant::no_election_restriction, "no-election-restriction", "raft",
       "a voter grants its vote only to a candidate whose log is at least as up-to-date", "§5.4.1",
       "a leader without committed entries overwrites them: Leader Completeness"},
      {Mutant::uptodate_by_length, "uptodate-by-length", "raft",
       "up-to-date compares the last entries' terms first, then lengths", "§5.4.1",
       "a longer log of stale terms wins an election: Leader Completeness"},
      {Mutant::truncate_on_match, "truncate-on-match", "raft",
       "a follower truncates its log only at a real conflict, not on every AppendEntries",
       "§5.3, Figure 2 AppendEntries rule 3",
       "a delayed heartbeat cuts off committed entries: crash (truncating below commit) or "
       "State Machine Safety"},
      {Mutant::no_prev_check, "no-prev-check", "raft",
       "a follower rejects AppendEntries whose prevLogIndex/prevLogTerm it does not hold",
       "§5.3, Figure 2 AppendEntries rule 2", "logs diverge: Log Matching"},
      {Mutant::commit_not_capped, "commit-not-capped", "raft",
       "a follower's commit index is capped at the index of the last new entry",
       "Figure 2 AppendEntries rule 5",
       "the follower takes min(leaderCommit, its last index) before its log is verified, so "
       "stale entries of an old term get committed: State Machine Safety"},
      {Mutant::no_step_down_on_reply, "no-step-down-on-reply", "raft",
       "a server that sees a higher term in a reply becomes a follower", "§5.1, Figure 2",
       "the leader adopts the reply's term but stays leader: two leaders in one term "
       "(Election Safety), then Log Matching"},
      {Mutant::stale_reply, "stale-reply", "raft",
       "a reply to a request of an older term, or reaching a peer no longer leader, is ignored",
       "§5.1, Figure 2",
       "a vote granted in an older election counts in the candidate's newer one: a leader "
       "without a majority of votes in its term (Vote Quorum), then two leaders in one term; "
       "an old AppendEntries reply advances a match index the follower no longer holds: State "
       "Machine Safety. Needs replies that outlive their term: long peer-call timeouts and a "
       "grant held past its election (delay_vote_reply)"},
      {Mutant::match_from_log_length, "match-from-log-length", "raft",
       "matchIndex is what the follower acknowledged: prevLogIndex + entries sent", "Figure 2",
       "entries are counted as replicated before they are: State Machine Safety"},
      {Mutant::vote_not_persisted, "vote-not-persisted", "raft",
       "votedFor is persisted before the vote is granted", "Figure 2 (persistent state)",
       "after a crash a peer votes twice in one term: Single Vote, then Election Safety"},
      {Mutant::reset_timer_every_rpc, "reset-timer-every-rpc", "raft",
       "the election timer resets only on AppendEntries from the current leader or a granted "
       "vote",
       "§5.2, Figure 2 Followers rule 2",
       "every RequestVote, and AppendEntries or InstallSnapshot of a stale term, puts off the "
       "receiver's election, so peers with stale logs and deposed leaders hold back the peers "
       "that could win: the cluster is without a leader more often than the reference under the "
       "same faults (availability). No single run fails: randomized timeouts still elect within "
       "the liveness bounds"},
      {Mutant::fixed_election_timeout, "fixed-election-timeout", "raft",
       "election timeouts are randomized", "§5.2",
       "split votes repeat: no leader within the bound: liveness"},
      {Mutant::apply_from_two_fibers, "apply-from-two-fibers", "raft",
       "committed entries are applied in log order, by one applier", "Figure 2 All Servers rule 1",
       "while the first applier waits on a busy service mid-batch, the second takes the next "
       "batch and delivers it first: Apply Order (a gap in the apply stream). Needs a service "
       "that takes time per command (the mutants scenario's apply_us)"},
      {Mutant::snapshot_backwards, "snapshot-backwards", "raft",
       "InstallSnapshot older than what is committed is ignored", "§7, Figure 13 rule 6",
       "every snapshot is installed: the state machine moves backwards (Apply Order), or the "
       "log's base index goes backwards (a crash on the log's own assertion)"},
      {Mutant::kv_reads_skip_log, "kv-reads-skip-log", "kv",
       "every operation, reads included, goes through the log", "§8 (client interaction)",
       "a deposed leader serves stale reads: linearizability"},
      {Mutant::kv_no_dedup, "kv-no-dedup", "kv",
       "a retried operation (same client id and sequence) applies once", "§8",
       "a retried append applies twice: linearizability"},
      {Mutant::kv_dedup_not_in_snapshot, "kv-dedup-not-in-snapshot", "kv",
       "the duplicate table is part of the snapshot", "§7, §8",
       "after installing a snapshot a retry applies twice: linearizability"},
      {Mutant::follower_commit_only_with_entries, "follower-commit-only-with-entries", "raft",
       "a follower advances its commit index from every successful AppendEntries, heartbeats "
       "included",
       "Figure 2 AppendEntries rule 5",
       "the commit index moves only with new entries, so a follower learns that entries "
       "committed only when the next ones arrive, and never for the last ones: its state "
       "machine lags (lab: agreement never reaches every server). Safe: the leader serves "
       "every client, so only a check of the followers' applied state sees it"},
      {Mutant::leader_not_counted, "leader-not-counted", "raft",
       "the leader counts itself towards the commit quorum", "§5.3, Figure 2 Leaders rule 4",
       "commits need a majority of the followers alone: with one of three or two of five "
       "peers down nothing commits until they return (lab: agreement with a follower down "
       "fails). Safe, and once every fault has healed all peers are back, so liveness holds"},
      {Mutant::majority_off_by_one, "majority-off-by-one", "raft",
       "a candidate needs votes from a majority of the cluster, n/2 + 1, its own included", "§5.2",
       "n/2 votes win: on three peers a candidate elects itself, on five two votes suffice, so "
       "two candidates win one term: Vote Quorum, then Election Safety"},
      {Mutant::start_index_off_by_one, "start-index-off-by-one", "raft",
       "Start() returns the index at which the command was appended", "§5.3 (the lab's Start())",
       "the index returned is one past the command's (len(log) of a log with a dummy entry at "
       "0): a tester waiting for its command at that index sees another command there, or "
       "none (lab: agreement fails). The KV service matches applies by client and sequence "
       "and is not misled"},
      {Mutant::state_claims_leader_as_candidate, "state-claims-leader-as-candidate", "raft",
       "GetState reports a peer as leader only once it has won its term",
       "§5.2 (the lab's GetState)",
       "state() says leader for a candidate (state != follower): a candidate and the real "
       "leader of its term both claim it (Election Safety, from state polls), and a minority "
       "partition claims a leader"},
      {Mutant::ack_before_durable, "ack-before-durable", "raft",
       "a follower's entries are on stable storage before it acknowledges them",
       "§5.3, Figure 2 (persistent state)",
       "the reply leaves while the entries are still being saved in the background; a crash "
       "in that window loses entries the leader counted as replicated, so a committed entry "
       "can vanish: Leader Completeness or State Machine Safety. Needs a crash within a disk "
       "write's latency of an acknowledgement"},
      {Mutant::snapshot_boundary_prev_term, "snapshot-boundary-prev-term", "raft",
       "the term at the log's base index is the snapshot's last included term",
       "§7, Figure 13, Figure 2 AppendEntries rule 2",
       "the follower's term lookup knows only the entries after the base and reads the base's "
       "term as 0, so AppendEntries whose prevLogIndex is the snapshot's last index is "
       "rejected forever: a follower whose log ends at its snapshot catches up only by the "
       "leader's next snapshot (lab: agreement never reaches it), and a majority that needs it "
       "makes no progress (liveness). Safe"},
      {Mutant::kv_snapshot_index_off_by_one, "kv-snapshot-index-off-by-one", "kv",
       "a snapshot holds exactly the commands through the index it is labelled with", "§7",
       "the size check runs before the command just received is applied, and the snapshot is "
       "labelled with that command's index: a restart, or a follower that installs the "
       "snapshot, skips the command: a lost write, linearizability"},
      {Mutant::uptodate_term_or_length, "uptodate-term-or-length", "raft",
       "up-to-date compares lengths only when the last entries' terms are equal", "§5.4.1",
       "up-to-date is lastLogTerm > mine || lastLogIndex >= mine: right whenever terms and "
       "lengths agree, but a longer log of stale terms wins an election: Leader Completeness"},
      {Mutant::uptodate_both_at_least, "uptodate-both-at-least", "raft",
       "a log with a later last term is more up-to-date, whatever its length", "§5.4.1",
       "up-to-date is lastLogTerm >= mine && lastLogIndex >= mine: safe, but a shorter log "
       "of a later term is refused by peers holding longer logs of stale terms, which it "
       "refuses in turn, so when a cut-off leader rejoins while its successor is cut off "
       "(the lab's rejoin move) no peer of the majority may win an election: liveness "
       "(Progress)"},
  };
  return table;
}

std::optional<Mutant> find_mutant(std::string_view name) {
  if (name.empty() || name == "none") return Mutant::none;
  for (const MutantInfo& info : mutants()) {
    if (info.name == name) return info.mutant;
  }
  return std::nullopt;
}

const MutantInfo* mutant_info(Mutant mutant) {
  for (const MutantInfo& info : mutants()) {
    if (info.mutant == mutant) return &info;
  }
  return nullptr;
}

std::string mutant_names() {
  std::string names;
  for (const MutantInfo& info : mutants()) names += (names.empty() ? "" : ", ") + info.name;
  return names;
}

}  // namespace raft
