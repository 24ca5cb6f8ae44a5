// Mutants: named, documented bugs built into the reference Raft and the KV service on purpose, so
// the harness can prove it catches them and measure how fast (`raftsim mutants --detect`).
//
// Contract. Each mutant is a faithful version of a bug students actually write (the course's
// guides), switched on at run time by name and living as a one-line condition at the spot where
// the bug lives (`if (bug(Mutant::figure8_commit))`), so the clean path reads as before. The table
// is fixed: the same names, in the same order, in every run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raft {

enum class Mutant : uint8_t {
  none,
  figure8_commit,
  no_election_restriction,
  uptodate_by_length,
  truncate_on_match,
  no_prev_check,
  commit_not_capped,
  no_step_down_on_reply,
  stale_reply,
  match_from_log_length,
  vote_not_persisted,
  reset_timer_every_rpc,
  fixed_election_timeout,
  apply_from_two_fibers,
  snapshot_backwards,
  kv_reads_skip_log,
  kv_no_dedup,
  kv_dedup_not_in_snapshot,
  follower_commit_only_with_entries,
  leader_not_counted,
  majority_off_by_one,
  start_index_off_by_one,
  state_claims_leader_as_candidate,
  ack_before_durable,
  snapshot_boundary_prev_term,
  kv_snapshot_index_off_by_one,
  uptodate_term_or_length,
  uptodate_both_at_least,
};

struct MutantInfo {
  Mutant mutant = Mutant::none;
  std::string name;     // as given to --mutant and RAFTSIM_MUTANT
  std::string layer;    // "raft" or "kv"
  std::string rule;     // the rule it breaks
  std::string section;  // where the paper states that rule
  std::string symptom;  // what a run should show
};

// Every mutant but `none`, in enum order.
const std::vector<MutantInfo>& mutants();
// nullopt for an unknown name; "" and "none" give Mutant::none.
std::optional<Mutant> find_mutant(std::string_view name);
const MutantInfo* mutant_info(Mutant mutant);
// "figure8-commit, no-election-restriction, ...": for error messages.
std::string mutant_names();

}  // namespace raft
