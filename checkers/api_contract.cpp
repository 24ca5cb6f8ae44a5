#include "checkers/api_contract.h"

#include <fmt/core.h>

#include <algorithm>

#include "sim/assert.h"

namespace checkers {

ApiContractChecker::ApiContractChecker(int peers, Reporter reporter)
    : reporter_(std::move(reporter)), roles_(static_cast<size_t>(peers)) {
  RAFTSIM_ASSERT(peers > 0);
}

void ApiContractChecker::report(std::string property, std::string message,
                                std::vector<raft::NodeId> nodes, raft::Term term,
                                raft::Index index) {
  if (violated_) return;
  violated_ = true;
  Violation violation{std::move(property), std::move(message), std::move(nodes), term, index};
  violation.message = violation.property + " violated: " + violation.message;
  if (reporter_) reporter_(violation);
}

bool ApiContractChecker::claims_unwon_leadership(raft::NodeId node, raft::Term term) const {
  if (!roles_reported_ || node < 0 || static_cast<size_t>(node) >= roles_.size()) return false;
  const Role& role = roles_[static_cast<size_t>(node)];
  return role.reported && (role.role != raft::Role::leader || role.term != term);
}

void ApiContractChecker::on_role(raft::NodeId node, raft::Term term, raft::Role role) {
  if (node < 0 || static_cast<size_t>(node) >= roles_.size()) return;
  roles_reported_ = true;
  roles_[static_cast<size_t>(node)] = {true, term, role};
}

void ApiContractChecker::on_restart(raft::NodeId node, raft::Index) {
  if (node < 0 || static_cast<size_t>(node) >= roles_.size()) return;
  roles_[static_cast<size_t>(node)] = {};
}

void ApiContractChecker::on_state(raft::NodeId node, raft::Term term, bool is_leader) {
  if (violated_ || !is_leader || !claims_unwon_leadership(node, term)) return;
  const Role& role = roles_[static_cast<size_t>(node)];
  report("GetState Contract",
         fmt::format("node {} says it leads term {}, but it last reported itself {} of term {}",
                     node, term, raft::to_string(role.role), role.term),
         {node}, term, 0);
}

void ApiContractChecker::on_start(raft::NodeId node, const raft::Bytes& command,
                                  const raft::StartResult& result) {
  if (violated_ || !result.is_leader) return;
  if (claims_unwon_leadership(node, result.term)) {
    const Role& role = roles_[static_cast<size_t>(node)];
    report("Start Contract",
           fmt::format("node {} accepted a command as leader of term {}, but it last reported "
                       "itself {} of term {}",
                       node, result.term, raft::to_string(role.role), role.term),
           {node}, result.term, result.index);
    return;
  }
  const uint64_t hash = command_hash(command);
  auto [first, inserted] = started_.emplace(result.index, Started{result.term, hash});
  uint64_t recorded = hash;
  if (!inserted && first->term == result.term) {
    recorded = first->hash;
  } else if (!inserted) {
    recorded = other_started_.try_emplace({result.index, result.term}, hash).first->second;
  }
  if (recorded != hash) {
    report("Start Contract",
           fmt::format("node {} returned index {} term {} for a command, but an earlier Start "
                       "returned the same index and term for another command",
                       node, result.index, result.term),
           {node}, result.term, result.index);
    return;
  }
  std::vector<raft::Index>& indexes = started_at_[hash];
  const auto at = std::lower_bound(indexes.begin(), indexes.end(), result.index);
  if (at == indexes.end() || *at != result.index) indexes.insert(at, result.index);
}

const uint64_t* ApiContractChecker::started_hash(raft::Index index, raft::Term term) const {
  const Started* first = started_.find(index);
  if (first == nullptr) return nullptr;
  if (first->term == term) return &first->hash;
  const auto other = other_started_.find({index, term});
  return other == other_started_.end() ? nullptr : &other->second;
}

void ApiContractChecker::check_slot(raft::NodeId node, raft::Index index, raft::Term term,
                                    uint64_t hash, const char* what) {
  const uint64_t* started = started_hash(index, term);
  if (started == nullptr || *started == hash) return;
  report("Start Contract",
         fmt::format("Start returned index {} term {} for a command, but node {} {} another "
                     "command there",
                     index, term, node, what),
         {node}, term, index);
}

void ApiContractChecker::on_append(raft::NodeId node, raft::Index index, raft::Term term,
                                   raft::Term, const raft::Bytes& command) {
  if (violated_) return;
  check_slot(node, index, term, command_hash(command), "appended");
}

void ApiContractChecker::on_apply(raft::NodeId node, const raft::ApplyMsg& msg) {
  if (violated_ || !msg.command_valid) return;
  const uint64_t hash = command_hash(msg.command);
  if (msg.command_term != 0) check_slot(node, msg.command_index, msg.command_term, hash, "applied");
  if (violated_) return;
  const auto it = started_at_.find(hash);
  if (it == started_at_.end() ||
      std::binary_search(it->second.begin(), it->second.end(), msg.command_index)) {
    return;
  }
  report("Apply Index Contract",
         fmt::format("node {} applied a command at index {}, but every Start of it returned "
                     "another index (first {})",
                     node, msg.command_index, it->second.front()),
         {node}, msg.command_term, msg.command_index);
}

}  // namespace checkers
