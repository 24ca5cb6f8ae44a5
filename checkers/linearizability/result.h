// What the linearizability checker is asked (CheckOptions) and what it answers (CheckResult).
// Results are model-independent: operations are named by their index in the history and model
// states are already rendered to text, so reports and the picture need no templates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace checkers::linearizability {

// `unknown` means a budget ran out before a verdict: it is never to be read as ok.
enum class Verdict : uint8_t { ok, illegal, unknown };

std::string_view to_string(Verdict verdict);

// Which budget ran out, for an `unknown` verdict: none, wall time, memory or search steps.
enum class BudgetLimit : uint8_t { none, time, memory, steps };

std::string_view to_string(BudgetLimit limit);

struct CheckOptions {
  // Wall-time budget for the whole history, in milliseconds; 0 means no limit. Default 60 s.
  int64_t time_budget_ms = 60'000;
  // Search steps (one step = one attempt to place or take back an operation) for the whole
  // history; 0 means no limit. Default 2^32.
  uint64_t steps_max = uint64_t{1} << 32;
  // Memory of one partition's search, in bytes: its memo of visited (linearized set, state)
  // pairs, interned states and transitions, stack, event lists and partial linearizations, counted
  // by the search as they grow. Partitions are searched one at a time, so this bounds the whole
  // check's search memory (not the history itself). 0 means no limit. Default 1 GiB.
  uint64_t memory_bytes_max = uint64_t{1} << 30;
  // How many longest partial linearizations to keep for an illegal partition; 1 to 16, default 3.
  uint32_t longest_max = 3;
};

// One operation placed in a linearization, and the model state right after it.
struct LinearizedStep {
  uint32_t operation = 0;  // index into the history's operations
  std::string state_after;
};

using Linearization = std::vector<LinearizedStep>;

struct PartitionResult {
  std::string key;                   // the partition key ("" for a single-partition model)
  std::vector<uint32_t> operations;  // history indices, ordered by call time
  Verdict verdict = Verdict::unknown;
  std::string initial_state;
  // ok: one complete linearization (a witness; operations of unknown outcome that never took
  // effect are absent). illegal: the longest partial linearizations, longest first. unknown: empty.
  std::vector<Linearization> linearizations;
  // illegal only: the operations that could not be placed after linearizations[0] (every one
  // that was due, i.e. called no later than the earliest return among those not yet placed).
  std::vector<uint32_t> unplaced;
  uint64_t steps = 0;
  uint64_t memo_entries = 0;
  uint32_t placed_max = 0;  // the most operations placed at once: how far the search got
};

struct CheckResult {
  Verdict verdict = Verdict::ok;  // illegal if any partition is; else unknown if any is; else ok
  std::vector<PartitionResult> partitions;  // ordered by key
  uint64_t steps = 0;
  int64_t elapsed_ns = 0;                 // wall time, for reports only
  BudgetLimit limit = BudgetLimit::none;  // unknown: the budget that ran out
};

}  // namespace checkers::linearizability
