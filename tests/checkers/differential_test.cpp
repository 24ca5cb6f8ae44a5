// Differential testing: on thousands of seeded random histories of up to 8 operations the checker
// must agree with the brute-force oracle, and the linearizations it reports must be real ones.
// Larger histories built from a sequential execution must always be ok.
#include <catch2/catch.hpp>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/testing/random_history.h"
#include "tests/checkers/brute_force_oracle.h"

namespace lin = checkers::linearizability;
using lin::Verdict;
using lin::testing::Shape;
using lin::testing::SplitMix64;

namespace {

constexpr int kHistoriesPerKind = 2500;

// A small shape drawn at random: few clients, keys and values, so that operations collide.
Shape small_shape(SplitMix64& rng) {
  Shape shape;
  shape.clients = static_cast<uint32_t>(rng.between(1, 4));
  shape.operations = static_cast<uint32_t>(rng.between(0, 8));
  shape.keys = static_cast<uint32_t>(rng.between(1, 2));
  shape.values = static_cast<uint32_t>(rng.between(1, 3));
  shape.read_percent = static_cast<uint32_t>(rng.between(20, 60));
  shape.cas_percent = static_cast<uint32_t>(rng.between(0, 60));
  shape.unknown_percent = static_cast<uint32_t>(rng.between(0, 25));
  shape.unknown_output_percent = static_cast<uint32_t>(rng.between(0, 15));
  shape.latency_ns_max = rng.between(0, 30);
  shape.reply_ns_max = rng.between(0, 30);
  shape.think_ns_max = rng.between(0, 20);
  return shape;
}

// Many writes of unknown outcome, mostly appends, and values that are often unique: the shape in
// which the checker leaves out writes no read can reveal and merges states no read can reach.
Shape pending_shape(SplitMix64& rng) {
  Shape shape = small_shape(rng);
  shape.values = static_cast<uint32_t>(rng.between(0, 2));          // 0: every write a fresh value
  shape.cas_percent = static_cast<uint32_t>(rng.between(40, 100));  // kv: appends among writes
  shape.unknown_percent = static_cast<uint32_t>(rng.between(25, 70));
  return shape;
}

// Damages some gets' outputs the way lost, repeated or reordered writes would: a value cut short,
// a piece repeated, or another get's output.
void corrupt_outputs(lin::KvHistory& history, SplitMix64& rng) {
  std::vector<std::string> outputs;
  for (const auto& operation : history.operations) {
    if (operation.call.output) outputs.push_back(*operation.call.output);
  }
  for (auto& operation : history.operations) {
    if (!operation.call.output || !rng.percent(50)) continue;
    std::string& output = *operation.call.output;
    const uint64_t how = rng.below(3);
    if (how == 0 && !output.empty()) {
      output.pop_back();
    } else if (how == 1) {
      output += output.size() >= 2 ? output.substr(output.size() - 2) : std::string("v0");
    } else {
      output = outputs[rng.below(outputs.size())];
    }
  }
}

// Replaces some outputs with random ones, so that about half the histories become illegal.
void corrupt(lin::KvHistory& history, SplitMix64& rng, uint32_t values) {
  for (auto& operation : history.operations) {
    if (operation.call.output && rng.percent(35)) {
      const uint64_t pick = rng.below(values + 1);
      operation.call.output = pick == values ? std::string() : std::to_string(pick);
    }
  }
}

void corrupt(lin::RegisterHistory& history, SplitMix64& rng, uint32_t values) {
  for (auto& operation : history.operations) {
    if (!operation.call.output_known || !rng.percent(35)) continue;
    const uint64_t pick = rng.below(values + 1);
    operation.call.read_output =
        pick == values ? lin::RegisterValue{} : lin::RegisterValue{static_cast<int64_t>(pick)};
    operation.call.cas_output = rng.percent(50);
  }
}

// The state of one partition, stepped through a (partial) linearization, must accept every step,
// and the order must respect real time: no operation is placed after one that was called after it
// returned, and none while an operation that returned before its call is still unplaced.
template <lin::Model M>
typename M::State replay(const lin::History<M>& history, const lin::PartitionResult& partition,
                         const lin::Linearization& linearization) {
  typename M::State state = history.model.initial_state();
  std::vector<bool> placed(history.operations.size(), false);
  for (const lin::LinearizedStep& step : linearization) {
    const auto& operation = history.operations[step.operation];
    REQUIRE_FALSE(placed[step.operation]);
    for (const uint32_t other : partition.operations) {
      const auto& earlier = history.operations[other];
      if (!placed[other] && earlier.return_ns) REQUIRE(*earlier.return_ns >= operation.call_ns);
    }
    typename M::State next{};
    REQUIRE(history.model.step(state, operation.call, next));
    state = next;
    CHECK(history.model.describe_state(state) == step.state_after);
    placed[step.operation] = true;
  }
  return state;
}

template <lin::Model M>
void check_certificates(const lin::History<M>& history, const lin::CheckResult& result) {
  for (const lin::PartitionResult& partition : result.partitions) {
    REQUIRE_FALSE(partition.linearizations.empty());
    const lin::Linearization& linearization = partition.linearizations.front();
    const auto state = replay(history, partition, linearization);
    if (partition.verdict == Verdict::ok) {
      // Every completed operation of the partition is in the witness.
      size_t completed = 0;
      for (const uint32_t index : partition.operations) {
        completed += history.operations[index].return_ns ? 1 : 0;
      }
      size_t completed_placed = 0;
      for (const auto& step : linearization) {
        completed_placed += history.operations[step.operation].return_ns ? 1 : 0;
      }
      CHECK(completed_placed == completed);
    } else {
      REQUIRE_FALSE(partition.unplaced.empty());
      for (const uint32_t index : partition.unplaced) {
        typename M::State next{};
        CHECK_FALSE(history.model.step(state, history.operations[index].call, next));
      }
    }
  }
}

template <lin::Model M>
void agree_with_oracle(const lin::History<M>& history, uint64_t seed) {
  const bool oracle = lin::test::brute_force_linearizable(history);
  const lin::CheckResult result = lin::check(history);
  INFO("seed " << seed << ", " << history.operations.size() << " operations");
  REQUIRE(result.verdict != Verdict::unknown);
  REQUIRE((result.verdict == Verdict::ok) == oracle);
  check_certificates(history, result);
}

// Fully random intervals and operations, outputs included: mostly illegal, with odd shapes.
template <lin::Model M>
lin::History<M> scrambled(lin::History<M> history, SplitMix64& rng) {
  for (auto& operation : history.operations) {
    operation.call_ns = rng.between(0, 20);
    if (operation.return_ns) operation.return_ns = operation.call_ns + rng.between(0, 10);
  }
  return history;
}

}  // namespace

TEST_CASE("linearizability: agrees with the brute-force oracle on random kv histories") {
  int illegal = 0;
  for (uint64_t seed = 1; seed <= kHistoriesPerKind; ++seed) {
    SplitMix64 rng(seed * 7919);
    const Shape shape = small_shape(rng);
    lin::KvHistory history = lin::testing::random_kv_history(seed, shape);
    if (rng.percent(50)) corrupt(history, rng, shape.values);
    if (rng.percent(25)) history = scrambled(history, rng);
    agree_with_oracle(history, seed);
    illegal += lin::test::brute_force_linearizable(history) ? 0 : 1;
  }
  // The sample is a real mix, so agreement means something on both sides.
  CHECK(illegal > kHistoriesPerKind / 8);
  CHECK(illegal < kHistoriesPerKind * 7 / 8);
}

TEST_CASE("linearizability: agrees with the brute-force oracle on kv histories of pending writes") {
  int illegal = 0;
  int pending_writes = 0;
  for (uint64_t seed = 1; seed <= kHistoriesPerKind; ++seed) {
    SplitMix64 rng(seed * 15485863);
    const Shape shape = pending_shape(rng);
    lin::KvHistory history = lin::testing::random_kv_history(seed, shape);
    if (rng.percent(75)) corrupt_outputs(history, rng);
    if (rng.percent(15)) history = scrambled(history, rng);
    agree_with_oracle(history, seed);
    illegal += lin::test::brute_force_linearizable(history) ? 0 : 1;
    for (const auto& operation : history.operations) {
      pending_writes += !operation.return_ns && operation.call.op != lin::KvOp::get ? 1 : 0;
    }
  }
  CHECK(illegal > kHistoriesPerKind / 8);
  CHECK(illegal < kHistoriesPerKind * 7 / 8);
  CHECK(pending_writes > kHistoriesPerKind);  // more than one a history, on average
}

TEST_CASE("linearizability: agrees with the brute-force oracle on random register histories") {
  int illegal = 0;
  for (uint64_t seed = 1; seed <= kHistoriesPerKind; ++seed) {
    SplitMix64 rng(seed * 104729);
    const Shape shape = small_shape(rng);
    lin::RegisterHistory history = lin::testing::random_register_history(seed, shape);
    if (rng.percent(30)) history.model.initial = static_cast<int64_t>(rng.below(shape.values));
    if (rng.percent(50)) corrupt(history, rng, shape.values);
    if (rng.percent(25)) history = scrambled(history, rng);
    agree_with_oracle(history, seed);
    illegal += lin::test::brute_force_linearizable(history) ? 0 : 1;
  }
  CHECK(illegal > kHistoriesPerKind / 8);
  CHECK(illegal < kHistoriesPerKind * 7 / 8);
}

TEST_CASE("linearizability: sequential executions with stretched intervals are ok") {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    SplitMix64 rng(seed);
    Shape shape;
    shape.clients = static_cast<uint32_t>(rng.between(1, 12));
    shape.operations = static_cast<uint32_t>(rng.between(10, 300));
    shape.keys = static_cast<uint32_t>(rng.between(1, 4));
    shape.values = static_cast<uint32_t>(rng.between(0, 4));
    shape.cas_percent = static_cast<uint32_t>(rng.between(0, 50));
    shape.unknown_percent = static_cast<uint32_t>(rng.between(0, 5));
    shape.unknown_output_percent = static_cast<uint32_t>(rng.between(0, 10));
    shape.latency_ns_max = rng.between(1, 2000);
    shape.reply_ns_max = rng.between(0, 2000);
    shape.think_ns_max = rng.between(0, 1000);
    INFO("seed " << seed);
    const auto kv = lin::testing::random_kv_history(seed, shape);
    const lin::CheckResult kv_result = lin::check(kv);
    REQUIRE(kv_result.verdict == Verdict::ok);
    check_certificates(kv, kv_result);
    const auto registers = lin::testing::random_register_history(seed, shape);
    const lin::CheckResult register_result = lin::check(registers);
    REQUIRE(register_result.verdict == Verdict::ok);
    check_certificates(registers, register_result);
  }
}
