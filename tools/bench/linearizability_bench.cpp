// Linearizability checker benchmark on three shapes of history:
//   - kv: 50 clients, 10 keys, about 2,000 operations (like porcupine's c50 KV histories);
//   - register: 5 processes, about 170 operations (like Jepsen's etcd histories);
//   - kv histories like a faulty run's (raftsim run chaos), where many clients crash or give up,
//     so that many writes have unknown outcomes.
// Histories are seeded (testing/random_history.h), built from a sequential execution (so ok), and
// each also comes corrupted by one stale read (illegal). Google Benchmark reports the time per
// history of each kind; a summary after it gives the median and worst over the seeds. It prints
// only what it measured in this run: no figures of another checker, another day or other
// histories. Figures only: nothing here passes or fails on a machine's speed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/testing/random_history.h"

namespace lin = checkers::linearizability;
using lin::testing::Shape;
using lin::testing::SplitMix64;

namespace {

constexpr uint64_t kKvSeeds = 8;
constexpr uint64_t kRegisterSeeds = 200;
constexpr uint64_t kPendingSeeds = 40;

// Shaped like porcupine's c50 KV histories (from the course's Raft KV tests): 50 clients on 10
// keys, 45% gets, the writes nine appends to one put, values unique; an operation takes effect up
// to 1 ms after its call and returns within 0.1 ms of that (a replicated service replies once it
// applies); clients retry until they succeed, so every operation completes.
Shape kv_shape() {
  Shape shape;
  shape.clients = 50;
  shape.keys = 10;
  shape.operations = 2000;
  shape.read_percent = 45;
  shape.cas_percent = 90;  // kv: the share of appends among the writes
  shape.latency_ns_max = 1'000'000;
  shape.reply_ns_max = 100'000;
  shape.think_ns_max = 200'000;
  return shape;
}

// Shaped like Jepsen's etcd register histories in porcupine's tests: 5 processes, values 0 to 4,
// half reads, writes and cas evenly, and a few operations that time out (:info).
Shape register_shape() {
  Shape shape;
  shape.clients = 5;
  shape.operations = 170;
  shape.values = 5;
  shape.read_percent = 50;
  shape.cas_percent = 50;
  shape.unknown_percent = 4;
  shape.latency_ns_max = 5'000'000;
  shape.reply_ns_max = 1'000'000;
  shape.think_ns_max = 2'000'000;
  return shape;
}

// Shaped like a chaos run's history: 10 clients on 3 keys, about 100 operations a key, 40% gets,
// the writes four appends to one put, values unique; commits in rounds of 0.1 ms, one operation
// in ten slow (a partition or a leader change), and 15% of the operations never return (the
// client crashed or gave up; half of those took effect). Writes of unknown outcome stay open to
// the end of the history, which once made refuting a wrong order exponential in their number.
Shape kv_pending_shape() {
  Shape shape;
  shape.clients = 10;
  shape.keys = 3;
  shape.operations = 300;
  shape.read_percent = 40;
  shape.cas_percent = 80;  // kv: the share of appends among the writes
  shape.unknown_percent = 15;
  shape.latency_ns_max = 1'000'000;
  shape.reply_ns_max = 100'000;
  shape.think_ns_max = 200'000;
  shape.batch_ns = 100'000;
  shape.slow_percent = 10;
  return shape;
}

bool is_read_with_output(const lin::Operation<lin::KvModel>& operation) {
  return operation.call.op == lin::KvOp::get && operation.call.output.has_value();
}

bool is_read_with_output(const lin::Operation<lin::RegisterModel>& operation) {
  return operation.call.op == lin::RegisterOp::read && operation.call.output_known;
}

// A stale read: some read returns what an earlier read of the same partition returned. Tries
// reads from the middle of the history on until the checker calls the result illegal.
template <lin::Model M>
lin::History<M> with_stale_read(const lin::History<M>& history, uint64_t seed) {
  SplitMix64 rng(seed);
  const size_t count = history.operations.size();
  for (size_t attempt = 0; attempt < 200; ++attempt) {
    lin::History<M> corrupted = history;
    const size_t late = count / 2 + rng.below(count / 2);
    const size_t early = rng.below(late + 1);
    auto& reader = corrupted.operations[late];
    const auto& source = corrupted.operations[early];
    if (!is_read_with_output(reader) || !is_read_with_output(source)) continue;
    if (history.model.partition_key(reader.call) != history.model.partition_key(source.call)) {
      continue;
    }
    reader.call = source.call;
    reader.call.op = history.operations[late].call.op;
    if (lin::check(corrupted).verdict == lin::Verdict::illegal) return corrupted;
  }
  std::fprintf(stderr, "linearizability_bench: could not corrupt seed %llu\n",
               static_cast<unsigned long long>(seed));
  std::abort();
}

template <lin::Model M>
struct Corpus {
  std::vector<lin::History<M>> histories;
  const char* name;
  lin::Verdict expected;
};

// `seeds` random kv histories of `shape`, each given a stale read when `illegal`.
Corpus<lin::KvModel> kv_corpus(const Shape& shape, uint64_t seeds, const char* name, bool illegal) {
  Corpus<lin::KvModel> corpus{{}, name, illegal ? lin::Verdict::illegal : lin::Verdict::ok};
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    auto history = lin::testing::random_kv_history(seed, shape);
    corpus.histories.push_back(illegal ? with_stale_read(history, seed) : history);
  }
  return corpus;
}

Corpus<lin::RegisterModel> register_corpus(bool illegal) {
  Corpus<lin::RegisterModel> corpus{{},
                                    illegal ? "register illegal" : "register ok",
                                    illegal ? lin::Verdict::illegal : lin::Verdict::ok};
  for (uint64_t seed = 1; seed <= kRegisterSeeds; ++seed) {
    auto history = lin::testing::random_register_history(seed, register_shape());
    corpus.histories.push_back(illegal ? with_stale_read(history, seed) : history);
  }
  return corpus;
}

template <lin::Model M>
const Corpus<M>& verified(const Corpus<M>& corpus) {
  for (const auto& history : corpus.histories) {
    if (lin::check(history).verdict != corpus.expected) {
      std::fprintf(stderr, "linearizability_bench: %s: wrong verdict\n", corpus.name);
      std::abort();
    }
  }
  return corpus;
}

const Corpus<lin::KvModel>& kv_ok() {
  static const auto corpus = kv_corpus(kv_shape(), kKvSeeds, "kv ok", false);
  return verified(corpus);
}
const Corpus<lin::KvModel>& kv_illegal() {
  static const auto corpus = kv_corpus(kv_shape(), kKvSeeds, "kv illegal", true);
  return corpus;
}
const Corpus<lin::KvModel>& kv_pending_ok() {
  static const auto corpus = kv_corpus(kv_pending_shape(), kPendingSeeds, "kv pending ok", false);
  return verified(corpus);
}
const Corpus<lin::KvModel>& kv_pending_illegal() {
  static const auto corpus =
      kv_corpus(kv_pending_shape(), kPendingSeeds, "kv pending illegal", true);
  return corpus;
}
const Corpus<lin::RegisterModel>& register_ok() {
  static const auto corpus = register_corpus(false);
  return verified(corpus);
}
const Corpus<lin::RegisterModel>& register_illegal() {
  static const auto corpus = register_corpus(true);
  return corpus;
}

template <lin::Model M>
void run(benchmark::State& state, const Corpus<M>& corpus) {
  size_t next = 0;
  size_t operations = 0;
  for (auto _ : state) {
    const auto& history = corpus.histories[next];
    benchmark::DoNotOptimize(lin::check(history));
    operations += history.operations.size();
    next = (next + 1) % corpus.histories.size();
  }
  state.counters["ops/history"] =
      benchmark::Counter(static_cast<double>(operations) / static_cast<double>(state.iterations()));
}

void BM_kv_ok(benchmark::State& state) { run(state, kv_ok()); }
void BM_kv_illegal(benchmark::State& state) { run(state, kv_illegal()); }
void BM_kv_pending_ok(benchmark::State& state) { run(state, kv_pending_ok()); }
void BM_kv_pending_illegal(benchmark::State& state) { run(state, kv_pending_illegal()); }
void BM_register_ok(benchmark::State& state) { run(state, register_ok()); }
void BM_register_illegal(benchmark::State& state) { run(state, register_illegal()); }

BENCHMARK(BM_kv_ok)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_kv_illegal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_kv_pending_ok)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_kv_pending_illegal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_register_ok)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_register_illegal)->Unit(benchmark::kMicrosecond);

// The best of three runs of each history, in milliseconds (the benchmark's own clock).
template <lin::Model M>
std::vector<double> per_history_ms(const Corpus<M>& corpus) {
  std::vector<double> times;
  for (const auto& history : corpus.histories) {
    double best = 1e300;
    for (int run_index = 0; run_index < 3; ++run_index) {
      const auto start = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(lin::check(history));
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      best = std::min(best, took.count());
    }
    times.push_back(best);
  }
  std::sort(times.begin(), times.end());
  return times;
}

template <lin::Model M>
void summarize(const Corpus<M>& corpus) {
  const std::vector<double> times = per_history_ms(corpus);
  size_t operations = 0;
  for (const auto& history : corpus.histories) operations += history.operations.size();
  const double median = times[times.size() / 2];
  const double worst = times.back();
  std::printf("%-18s %4zu histories, %5zu ops avg: median %9.4f ms, worst %9.4f ms\n", corpus.name,
              times.size(), operations / times.size(), median, worst);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  std::printf("\nPer history (best of 3 runs each):\n");
  summarize(kv_ok());
  summarize(kv_illegal());
  summarize(register_ok());
  summarize(register_illegal());
  summarize(kv_pending_ok());
  summarize(kv_pending_illegal());
  benchmark::Shutdown();
  return 0;
}
