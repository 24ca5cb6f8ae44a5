// The definition of check<M>() (check.h): partition the history, search each partition within the
// shared budget, and combine the verdicts.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/detail/budget.h"
#include "checkers/linearizability/detail/search.h"

namespace checkers::linearizability {
namespace detail {

// Whether the search needs an operation of unknown outcome. A read changed nothing and returned
// nothing anyone saw (model.h, law 5). A write matters only if a completed read that real time
// lets follow it could reveal it (law 8); otherwise it may as well never have taken effect.
// `reads` are the partition's completed read-only operations.
// Each read looked at is a unit of budgeted work: with many pending writes and many reads this
// is quadratic, and it runs before the search.
template <Model M>
bool pending_may_matter(const M& model, const Operation<M>& pending,
                        const std::vector<const Operation<M>*>& reads, Budget& budget) {
  if (is_read_only(model, pending.call)) return false;
  if constexpr (!kJudgesReveal<M>) return true;
  return std::any_of(reads.begin(), reads.end(), [&](const Operation<M>* read) {
    budget.work();
    return *read->return_ns >= pending.call_ns && may_reveal(model, read->call, pending.call);
  });
}

// Decides one partition (its operations' history indices ordered by call time) within the
// budget; a budget that runs out, here or in the search, makes it unknown.
template <Model M>
PartitionResult decide_partition(const History<M>& history, const std::vector<uint32_t>& indices,
                                 const CheckOptions& options, Budget& budget) {
  if (budget.exhausted()) return PartitionResult{};  // unknown, not searched
  try {
    // The search leaves out the operations of unknown outcome it does not need; the report
    // still lists them.
    std::vector<const Operation<M>*> reads;
    for (const uint32_t index : indices) {
      const Operation<M>& operation = history.operations[index];
      if (operation.return_ns && is_read_only(history.model, operation.call)) {
        reads.push_back(&operation);
      }
    }
    std::vector<const Operation<M>*> operations;
    std::vector<uint32_t> searched;
    for (const uint32_t index : indices) {
      budget.work();
      const Operation<M>& operation = history.operations[index];
      if (!operation.return_ns && !pending_may_matter(history.model, operation, reads, budget)) {
        continue;
      }
      operations.push_back(&operation);
      searched.push_back(index);
    }
    return Search<M>(history.model, std::move(operations), std::move(searched), options, budget)
        .run();
  } catch (const BudgetExhausted&) {
    return PartitionResult{};  // unknown; the budget says which limit it was
  }
}

}  // namespace detail

template <Model M>
CheckResult check(const History<M>& history, const CheckOptions& options) {
  detail::Budget budget(options);
  // std::map: partitions are searched and reported in key order, whatever the input order.
  std::map<std::string, std::vector<uint32_t>, std::less<>> partitions;
  for (uint32_t index = 0; index < history.operations.size(); ++index) {
    const std::string_view key = history.model.partition_key(history.operations[index].call);
    auto found = partitions.find(key);
    if (found == partitions.end()) found = partitions.emplace(std::string(key), 0).first;
    found->second.push_back(index);
  }
  CheckResult result;
  bool any_illegal = false;
  bool any_unknown = false;
  for (auto& [key, indices] : partitions) {
    std::stable_sort(indices.begin(), indices.end(), [&history](uint32_t a, uint32_t b) {
      return history.operations[a].call_ns < history.operations[b].call_ns;
    });
    PartitionResult partition = detail::decide_partition(history, indices, options, budget);
    partition.operations = indices;
    partition.key = key;
    any_illegal = any_illegal || partition.verdict == Verdict::illegal;
    any_unknown = any_unknown || partition.verdict == Verdict::unknown;
    result.steps += partition.steps;
    result.partitions.push_back(std::move(partition));
  }
  result.verdict = any_illegal ? Verdict::illegal : any_unknown ? Verdict::unknown : Verdict::ok;
  result.elapsed_ns = budget.elapsed_ns();
  if (any_unknown) result.limit = budget.limit();
  return result;
}

}  // namespace checkers::linearizability
