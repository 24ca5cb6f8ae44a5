#include "checkers/api_contract.h"

#include <fmt/core.h>

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
  const auto [it, inserted] = started_.emplace(std::make_pair(result.index, result.term), hash);
  if (!inserted && it->second != hash) {
    report("Start Contract",
           fmt::format("node {} returned index {} term {} for a command, but an earlier Start "
                       "returned the same index and term for another command",
                       node, result.index, result.term),
           {node}, result.term, result.index);
    return;
  }
  started_at_[hash].insert(result.index);
}

void ApiContractChecker::check_slot(raft::NodeId node, raft::Index index, raft::Term term,
                                    uint64_t hash, const char* what) {
  const auto it = started_.find({index, term});
  if (it == started_.end() || it->second == hash) return;
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
  if (it == started_at_.end() || it->second.count(msg.command_index) > 0) return;
  report("Apply Index Contract",
         fmt::format("node {} applied a command at index {}, but every Start of it returned "
                     "another index (first {})",
                     node, msg.command_index, *it->second.begin()),
         {node}, msg.command_term, msg.command_index);
}

}  // namespace checkers
