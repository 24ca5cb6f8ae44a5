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
    // A read-only operation of unknown outcome changed nothing and returned nothing anyone saw:
    // the search leaves it out (model.h, law 5). The report still lists it.
    std::vector<const Operation<M>*> operations;
    std::vector<uint32_t> searched;
    for (const uint32_t index : indices) {
      const Operation<M>& operation = history.operations[index];
      if (!operation.return_ns && is_read_only(history.model, operation.call)) continue;
      operations.push_back(&operation);
      searched.push_back(index);
    }
    PartitionResult partition;
    if (budget.exhausted()) {
      partition.verdict = Verdict::unknown;
    } else {
      partition = detail::Search<M>(history.model, std::move(operations), std::move(searched),
                                    options, budget)
                      .run();
    }
    partition.operations = indices;
    partition.key = key;
    any_illegal = any_illegal || partition.verdict == Verdict::illegal;
    any_unknown = any_unknown || partition.verdict == Verdict::unknown;
    result.steps += partition.steps;
    result.partitions.push_back(std::move(partition));
  }
  result.verdict = any_illegal ? Verdict::illegal : any_unknown ? Verdict::unknown : Verdict::ok;
  result.elapsed_ns = budget.elapsed_ns();
  return result;
}

}  // namespace checkers::linearizability
