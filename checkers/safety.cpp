#include "checkers/safety.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "sim/assert.h"

namespace checkers {

uint64_t command_hash(const raft::Bytes& command) {
  // The length, then the bytes eight at a time (commands may be kilobytes, and every append,
  // commit and apply of every node hashes one): each word goes through xxHash64's round.
  constexpr uint64_t kPrime1 = 0x9e3779b185ebca87ULL;
  constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4fULL;
  const auto round = [](uint64_t h, uint64_t word) {
    h += word * kPrime2;
    h = (h << 31) | (h >> 33);
    return h * kPrime1;
  };
  uint64_t h = round(0xcbf29ce484222325ULL, command.size());
  const uint8_t* p = command.data();
  size_t left = command.size();
  for (; left >= 8; p += 8, left -= 8) {
    uint64_t word = 0;
    std::memcpy(&word, p, 8);
    h = round(h, word);
  }
  uint64_t word = 0;
  for (size_t i = 0; i < left; ++i) word |= static_cast<uint64_t>(p[i]) << (8 * i);
  return round(h, word);
}

SafetyChecker::SafetyChecker(int peers, Reporter reporter)
    : reporter_(std::move(reporter)), peers_(static_cast<size_t>(peers)) {
  RAFTSIM_ASSERT(peers > 0);
}

SafetyChecker::PeerModel& SafetyChecker::peer(raft::NodeId node) {
  RAFTSIM_ASSERT(node >= 0 && static_cast<size_t>(node) < peers_.size());
  return peers_[static_cast<size_t>(node)];
}

const std::vector<std::string>& SafetyChecker::properties() {
  static const std::vector<std::string> names = {
      "Election Safety",      "Leader Append-Only", "Log Matching",         "Leader Completeness",
      "State Machine Safety", "Apply Order",        "Snapshot Consistency", "Commit Monotonicity",
      "Leader Commit Rule",   "Single Vote",        "Vote Durability",      "Vote Quorum",
      "Term Monotonicity"};
  return names;
}

std::string SafetyChecker::ignored_text(const std::string& property, uint64_t count) {
  return fmt::format("{} violated {} time{}", property, count, count == 1 ? "" : "s");
}

std::optional<std::string> SafetyChecker::property_problem(const std::string& name) {
  const std::vector<std::string>& known = properties();
  if (std::find(known.begin(), known.end(), name) != known.end()) return std::nullopt;
  return fmt::format("'{}' is not a safety property (known: {})", name, fmt::join(known, ", "));
}

void SafetyChecker::ignore(const std::vector<std::string>& properties) {
  for (const std::string& property : properties) {
    if (property_problem(property)) {
      throw std::invalid_argument(fmt::format("unknown safety property '{}' (known: {})", property,
                                              fmt::join(SafetyChecker::properties(), ", ")));
    }
    ignored_.emplace(property, 0);
  }
}

bool SafetyChecker::report(std::string property, std::string message,
                           std::vector<raft::NodeId> nodes, raft::Term term, raft::Index index) {
  if (violated_) return true;
  const auto ignored = ignored_.find(property);
  if (ignored != ignored_.end()) {
    ++ignored->second;
    return false;
  }
  violated_ = true;
  Violation violation{std::move(property), std::move(message), std::move(nodes), term, index};
  violation.message = violation.property + " violated: " + violation.message;
  if (reporter_) reporter_(violation);
  return true;
}

// ---------------------------------------------------------------- roles, votes, terms

void SafetyChecker::note_leader(raft::NodeId node, raft::Term term) {
  auto [it, inserted] = leaders_.emplace(term, node);
  if (!inserted && it->second != node) {
    report("Election Safety",
           fmt::format("nodes {} and {} both lead term {}", it->second, node, term),
           {it->second, node}, term, 0);
  }
}

void SafetyChecker::on_role(raft::NodeId node, raft::Term term, raft::Role role) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  model.term = term;
  model.role = role;
  if (role == raft::Role::leader) {
    note_leader(node, term);
    if (!violated_) check_leader_has_votes(node, term);
    if (!violated_) check_leader_has_committed(node);
  }
}

void SafetyChecker::check_leader_has_votes(raft::NodeId leader, raft::Term term) {
  if (!votes_reported_) return;
  // A candidate votes for itself (Figure 2) and grants that vote with no reply, so an
  // implementation may not report it: the leader's own vote counts unless it reported a vote for
  // another candidate in that term.
  std::vector<raft::NodeId> voters;
  for (raft::NodeId voter = 0; voter < static_cast<raft::NodeId>(peers_.size()); ++voter) {
    auto it = votes_.find({voter, term});
    const bool for_leader = it != votes_.end() ? it->second == leader : voter == leader;
    if (for_leader) voters.push_back(voter);
  }
  const size_t majority = peers_.size() / 2 + 1;
  if (voters.size() >= majority) return;
  report("Vote Quorum",
         fmt::format("node {} became leader of term {} with votes from {} of {} peers in that "
                     "term ({}), short of a majority of {}",
                     leader, term, voters.size(), peers_.size(), fmt::join(voters, ", "), majority),
         {leader}, term, 0);
}

void SafetyChecker::on_state(raft::NodeId node, raft::Term term, bool is_leader) {
  ++events_;
  if (violated_ || !is_leader) return;
  note_leader(node, term);
}

void SafetyChecker::on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) {
  ++events_;
  if (violated_) return;
  votes_reported_ = true;
  auto [it, inserted] = votes_.emplace(std::make_pair(node, term), candidate);
  if (!inserted && it->second != candidate) {
    report("Single Vote",
           fmt::format("node {} voted for {} and then for {} in term {}", node, it->second,
                       candidate, term),
           {node, it->second, candidate}, term, 0);
    return;
  }
  // Figure 2: votedFor is on stable storage before the vote is granted. A durable later term
  // covers it too: whatever the node restores, it can never vote in `term` again. This is the
  // case of a node that saves outside its lock, whose term moved on while the save ran.
  const PeerModel& model = peer(node);
  const bool covered =
      model.durable_term > term || (model.durable_term == term && model.durable_vote == candidate);
  if (model.saves_reported && !covered) {
    report("Vote Durability",
           fmt::format("node {} granted its vote in term {} to {} before saving it (its last save "
                       "holds term {}, vote {})",
                       node, term, candidate, model.durable_term, model.durable_vote),
           {node, candidate}, term, 0);
  }
}

void SafetyChecker::on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                               raft::Index) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  if (term < model.durable_term) {
    report("Term Monotonicity",
           fmt::format("node {} saved term {} after it had saved term {}", node, term,
                       model.durable_term),
           {node}, term, 0);
    return;
  }
  model.durable_term = term;
  model.durable_vote = voted_for;
  model.saves_reported = true;
}

void SafetyChecker::on_restart(raft::NodeId node, raft::Index applied_index) {
  ++events_;
  PeerModel& model = peer(node);
  const PeerModel before = model;
  model = PeerModel{};  // a new life: the peer reports its restored log again
  // The term of the last life bounds any commit index the peer restores (note_committed).
  model.term = before.term;
  model.durable_term = before.durable_term;
  model.durable_vote = before.durable_vote;
  model.saves_reported = before.saves_reported;
  model.applied_index = applied_index;
}

// ---------------------------------------------------------------- logs

void SafetyChecker::on_append(raft::NodeId node, raft::Index index, raft::Term term,
                              raft::Term prev_term, const raft::Bytes& command) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  if (index <= model.base_index) return;
  const EntryId entry{term, command_hash(command)};
  if (index <= model.last_index()) {
    // An entry the log already holds, reported again (say, for every entry of an AppendEntries
    // rather than only the new ones): the log did not change, so nothing is truncated.
    if (model.entries[index - model.base_index - 1] == entry) return;
    if (model.role == raft::Role::leader) {
      report("Leader Append-Only",
             fmt::format("leader {} of term {} overwrote its entry at index {}", node, model.term,
                         index),
             {node}, model.term, index);
      return;
    }
    model.entries.resize(index - model.base_index - 1);
  }
  if (index != model.last_index() + 1) {
    report("Log Matching",
           fmt::format("node {} appended index {} after its last index {}, leaving a hole", node,
                       index, model.last_index()),
           {node}, term, index);
    return;
  }
  // The witness of this index and term: the first entry seen at the index, or one of the others.
  std::pair<raft::Term, uint64_t> seen{prev_term, entry.command_hash};
  auto [first, inserted] = entries_.emplace(index, Witness{term, prev_term, entry.command_hash});
  if (!inserted && first->term == term) {
    seen = {first->prev_term, first->command_hash};
  } else if (!inserted) {
    seen = other_entries_.try_emplace({index, term}, seen).first->second;
  }
  if (seen != std::make_pair(prev_term, entry.command_hash)) {
    report("Log Matching",
           fmt::format("node {} holds an entry at index {} term {} that differs from another "
                       "log's entry with the same index and term ({})",
                       node, index, term,
                       seen.first != prev_term ? "different previous term" : "different command"),
           {node}, term, index);
    return;
  }
  model.entries.push_back(entry);
}

void SafetyChecker::on_truncate(raft::NodeId node, raft::Index from_index) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  // Removing nothing (from beyond the end of the log) changes no log, a leader's included.
  const bool removes = model.last_index() >= std::max(from_index, model.base_index + 1);
  if (model.role == raft::Role::leader && removes) {
    report("Leader Append-Only",
           fmt::format("leader {} of term {} deleted its entries from index {}", node, model.term,
                       from_index),
           {node}, model.term, from_index);
    return;
  }
  if (from_index <= model.base_index) {
    model.entries.clear();
  } else if (from_index <= model.last_index()) {
    model.entries.resize(from_index - model.base_index - 1);
  }
}

void SafetyChecker::on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  if (const Committed* it = committed_.find(index); it != nullptr && it->entry.term != term) {
    report("Snapshot Consistency",
           fmt::format("node {} took a snapshot through index {} term {}, but the entry "
                       "committed there has term {}",
                       node, index, term, it->entry.term),
           {node}, term, index);
    return;
  }
  if (index <= model.base_index) return;
  const bool keep =
      index <= model.last_index() && model.entries[index - model.base_index - 1].term == term;
  if (keep) {
    model.entries.erase(model.entries.begin(),
                        model.entries.begin() + static_cast<long>(index - model.base_index));
  } else {
    model.entries.clear();
  }
  model.base_index = index;
  model.base_term = term;
}

// ---------------------------------------------------------------- commits and applies

bool SafetyChecker::has_entry(const PeerModel& model, raft::Index index,
                              const EntryId& entry) const {
  if (index < model.base_index) return true;  // compacted: nothing to compare
  if (index == model.base_index) return model.base_term == entry.term;
  if (index > model.last_index()) return false;
  return model.entries[index - model.base_index - 1] == entry;
}

void SafetyChecker::check_leader_has_committed(raft::NodeId leader) {
  const PeerModel& model = peer(leader);
  committed_.all_of([&](raft::Index index, const Committed& committed) {
    if (committed.known_in_term >= model.term || has_entry(model, index, committed.entry)) {
      return true;
    }
    report("Leader Completeness",
           fmt::format("leader {} of term {} lacks the entry at index {} (term {}) committed "
                       "by term {}",
                       leader, model.term, index, committed.entry.term, committed.known_in_term),
           {leader}, model.term, index);
    return false;
  });
}

void SafetyChecker::note_committed(raft::NodeId node, raft::Index index, const EntryId& entry) {
  // The entry was committed in a term no later than the peer's current one (it learned the
  // commit from a leader of its own term, or was that leader): every leader of a later term
  // holds it. The peer's term is at least its durable term and the entry's own term; taking the
  // largest known keeps a late or missing role event from making the check stricter than Raft.
  const PeerModel& noter = peer(node);
  const raft::Term term = std::max({noter.term, noter.durable_term, entry.term});
  auto [it, inserted] = committed_.emplace(index, Committed{entry, term});
  if (!inserted) {
    if (!(it->entry == entry)) {
      report("State Machine Safety",
             fmt::format("node {} committed a different entry at index {} (term {}) than was "
                         "committed there before (term {})",
                         node, index, entry.term, it->entry.term),
             {node}, term, index);
      return;
    }
    it->known_in_term = std::min(it->known_in_term, term);
    return;
  }
  if (const EntryId* applied = applied_.find(index);
      applied != nullptr && applied->command_hash != entry.command_hash) {
    report("State Machine Safety",
           fmt::format("node {} committed at index {} a command other than the one applied there",
                       node, index),
           {node}, term, index);
    return;
  }
  // Leaders of later terms elected before this commit became known must hold it too.
  for (size_t other = 0; other < peers_.size(); ++other) {
    const PeerModel& model = peers_[other];
    if (model.role == raft::Role::leader && model.term > term) {
      check_leader_has_committed(static_cast<raft::NodeId>(other));
    }
  }
}

void SafetyChecker::on_commit(raft::NodeId node, raft::Index commit_index) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  if (commit_index < model.commit_index) {
    report("Commit Monotonicity",
           fmt::format("node {} lowered its commit index from {} to {}", node, model.commit_index,
                       commit_index),
           {node}, model.term, commit_index);
    return;
  }
  if (model.role == raft::Role::leader && commit_index > model.commit_index &&
      commit_index > model.base_index && commit_index <= model.last_index()) {
    const raft::Term entry_term = model.entries[commit_index - model.base_index - 1].term;
    if (entry_term != model.term) {
      const bool stop =
          report("Leader Commit Rule",
                 fmt::format("node {}, leader of term {}, advanced its commit index to {}, an "
                             "entry of term {}: only entries of the leader's own term are "
                             "committed by counting replicas",
                             node, model.term, commit_index, entry_term),
                 {node}, model.term, commit_index);
      if (stop) return;
    }
  }
  // Only the entries the peer's log holds (a commit index far beyond them costs nothing).
  raft::Index index = std::max(model.commit_index, model.base_index);
  const raft::Index last = std::min(commit_index, model.last_index());
  while (index < last && !violated_) {
    ++index;
    note_committed(node, index, model.entries[index - model.base_index - 1]);
  }
  model.commit_index = commit_index;
}

void SafetyChecker::note_applied(raft::NodeId node, raft::Index index, const EntryId& entry) {
  auto [it, inserted] = applied_.emplace(index, entry);
  const bool differs_applied = !inserted && it->command_hash != entry.command_hash;
  const Committed* committed = committed_.find(index);
  const bool differs_committed =
      committed != nullptr && committed->entry.command_hash != entry.command_hash;
  if (differs_applied || differs_committed) {
    report("State Machine Safety",
           fmt::format("node {} applied at index {} a command other than the one {} there", node,
                       index, differs_applied ? "another node applied" : "committed"),
           {node}, entry.term, index);
  }
}

void SafetyChecker::on_apply(raft::NodeId node, const raft::ApplyMsg& msg) {
  ++events_;
  if (violated_) return;
  PeerModel& model = peer(node);
  if (msg.snapshot_valid) {
    if (msg.snapshot_index < model.applied_index) {
      report("Apply Order",
             fmt::format("node {} applied a snapshot through index {} after applying index {}",
                         node, msg.snapshot_index, model.applied_index),
             {node}, msg.snapshot_term, msg.snapshot_index);
      return;
    }
    const Committed* committed = committed_.find(msg.snapshot_index);
    if (committed != nullptr && committed->entry.term != msg.snapshot_term) {
      report("Snapshot Consistency",
             fmt::format("node {} applied a snapshot through index {} term {}, but the entry "
                         "committed there has term {}",
                         node, msg.snapshot_index, msg.snapshot_term, committed->entry.term),
             {node}, msg.snapshot_term, msg.snapshot_index);
      return;
    }
    model.applied_index = msg.snapshot_index;
    return;
  }
  if (!msg.command_valid) return;
  if (msg.command_index != model.applied_index + 1) {
    report("Apply Order",
           fmt::format("node {} applied index {} right after index {}", node, msg.command_index,
                       model.applied_index),
           {node}, msg.command_term, msg.command_index);
    return;
  }
  note_applied(node, msg.command_index, EntryId{msg.command_term, command_hash(msg.command)});
  model.applied_index = msg.command_index;
}

}  // namespace checkers
