#include "checkers/convergence.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>

namespace checkers {

ConvergenceVerdict judge_convergence(const std::vector<ReplicaPoll>& replicas) {
  ConvergenceVerdict verdict;
  std::map<raft::Index, std::pair<raft::NodeId, uint64_t>> first_at;  // index -> (node, digest)
  raft::Index highest = 0;
  raft::NodeId highest_node = 0;
  for (size_t i = 0; i < replicas.size(); ++i) {
    const ReplicaPoll& replica = replicas[i];
    if (!replica.up) continue;
    const auto node = static_cast<raft::NodeId>(i);
    const auto [it, inserted] =
        first_at.emplace(replica.applied, std::make_pair(node, replica.digest));
    if (!inserted && it->second.second != replica.digest) {
      Violation v;
      v.property = "Convergence";
      v.nodes = {it->second.first, node};
      v.index = replica.applied;
      v.message = fmt::format(
          "Convergence violated: nodes {} and {} both applied through index {}, but their state "
          "machines differ",
          it->second.first, node, replica.applied);
      verdict.divergence = std::move(v);
      return verdict;
    }
    if (replica.applied > highest) {
      highest = replica.applied;
      highest_node = node;
    }
  }
  std::string behind;
  for (size_t i = 0; i < replicas.size(); ++i) {
    if (!replicas[i].up || replicas[i].applied == highest) continue;
    behind +=
        fmt::format("{}node {} through {}", behind.empty() ? "" : ", ", i, replicas[i].applied);
  }
  verdict.converged = behind.empty();
  if (!verdict.converged) {
    verdict.lag =
        fmt::format("node {} applied through index {}, but {}", highest_node, highest, behind);
  }
  return verdict;
}

}  // namespace checkers
