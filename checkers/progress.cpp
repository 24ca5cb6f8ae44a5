#include "checkers/progress.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sim/assert.h"

namespace checkers {

ProgressChecker::ProgressChecker(int nodes, sim::Duration bound)
    : bound_(bound), accepted_(static_cast<size_t>(nodes)) {
  RAFTSIM_ASSERT(nodes > 0);
  RAFTSIM_ASSERT(bound > sim::Duration::zero());
}

void ProgressChecker::on_start(int node, raft::Index index, raft::Term term, sim::Instant at) {
  if (node < 0 || static_cast<size_t>(node) >= accepted_.size()) return;
  accepted_[static_cast<size_t>(node)].push_back({index, term, at});
}

void ProgressChecker::on_restart(int node) {
  if (node < 0 || static_cast<size_t>(node) >= accepted_.size()) return;
  accepted_[static_cast<size_t>(node)].clear();
}

std::optional<Violation> ProgressChecker::on_poll(const ProgressPoll& poll) {
  if (poll.group.empty()) return std::nullopt;
  const bool leads = poll.leader.has_value() && poll.backed &&
                     std::binary_search(poll.group.begin(), poll.group.end(), *poll.leader);
  if (leads) last_led_ = poll.now;
  if (poll.now - poll.group_since < bound_) return std::nullopt;
  Violation v;
  v.property = "Progress";
  v.nodes.assign(poll.group.begin(), poll.group.end());
  if (!leads) {
    // A leader may be lost and replaced within the group (a follower's timer can fire on a
    // slow link); what may not happen is a whole bound with no leader.
    const sim::Instant leaderless_since = std::max(poll.group_since, last_led_);
    if (poll.now - leaderless_since < bound_) return std::nullopt;
    v.message = fmt::format(
        "Progress violated: nodes {} have been a majority, up, connected and undisturbed since "
        "{}, but none of them has led with a majority in its term since {} ({} or more)",
        poll.group, sim::to_string(poll.group_since), sim::to_string(leaderless_since),
        sim::to_string(bound_));
    return v;
  }
  const auto leader = static_cast<size_t>(*poll.leader);
  // Commands others accepted in earlier terms can no longer be theirs to commit.
  for (size_t node = 0; node < accepted_.size(); ++node) {
    std::deque<Accepted>& queue = accepted_[node];
    while (node != leader && !queue.empty() && queue.front().term < poll.leader_term) {
      queue.pop_front();
    }
  }
  std::deque<Accepted>& accepted = accepted_[leader];
  const raft::Index applied = poll.leader_applied;
  // What this leader accepted in another term, or has applied, is settled.
  while (!accepted.empty() &&
         (accepted.front().term != poll.leader_term || accepted.front().index <= applied)) {
    accepted.pop_front();
  }
  for (const Accepted& a : accepted) {
    if (a.term != poll.leader_term || a.index <= applied) continue;
    if (a.at < poll.group_since || poll.now - a.at < bound_) continue;
    v.term = a.term;
    v.index = a.index;
    v.message = fmt::format(
        "Progress violated: nodes {} have been a majority, up, connected and undisturbed since "
        "{}, and node {} has led term {} throughout, but the command it accepted at index {} at "
        "{} has not applied on it after {} (applied through {})",
        poll.group, sim::to_string(poll.group_since), leader, a.term, a.index, sim::to_string(a.at),
        sim::to_string(bound_), applied);
    return v;
  }
  return std::nullopt;
}

}  // namespace checkers
