// Micro-benchmarks of the sim/ runtime on Google Benchmark. They print figures; they do not pass
// or fail on a machine's speed. Aims on the reference machine (issue 2): a fiber switch within 2x
// of a bare Boost.Context switch, timer dispatch <= 60 ns, RPC round trip <= 1.5 us, spawn to
// finish <= 150 ns.
//
// Most benchmarks run Google Benchmark's own loop inside a simulated fiber, so that every
// iteration is exactly the operation measured, with no run_* call (and its wall-clock reads)
// in between. Networks have zero latency: the figures are CPU cost, not simulated time.
// "per_item" counters divide the time of one iteration by the operations in it.
#include <benchmark/benchmark.h>

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/rpc.h"
#include "sim/runtime.h"
#include "sim/stack_pool.h"
#include "sim/wire.h"
#include "sim/world.h"

namespace {

using namespace sim;
namespace ctx = boost::context;

WorldOptions zero_latency() {
  WorldOptions options;
  options.network.latency_min = Duration::zero();
  options.network.latency_tail_mean = Duration::zero();
  options.network.latency_max = Duration::zero();
  return options;
}

// Runs the benchmark loop in a fiber on a process of a fresh world.
template <class Setup, class Body>
void in_world(benchmark::State& state, Setup setup, Body body) {
  World w(zero_latency());
  const NodeId main = w.add_process("bench");
  setup(w);
  const bool ok = w.run_main(main, [&] { body(w, state); });
  if (!ok) state.SkipWithError(w.failure() ? w.failure()->message.c_str() : "run failed");
}

void per_item(benchmark::State& state, double items_per_iteration) {
  state.counters["per_item"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * items_per_iteration,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ------------------------------------------------------------------ fiber switch

// One fiber yielding alone: each iteration is a turn of the event loop (push the fiber's event,
// take it as the next one, count it). Its own event being next, the fiber keeps the turn without a
// context switch (WorldOptions::hand_off); BM_FiberYieldPingPong measures turns that switch.
void BM_FiberYieldAlone(benchmark::State& state) {
  in_world(
      state, [](World&) {},
      [](World&, benchmark::State& st) {
        for (auto _ : st) sim::yield();
      });
}
BENCHMARK(BM_FiberYieldAlone);

// A fiber sleeping 0: a timer event at the current instant.
void BM_FiberSleepZero(benchmark::State& state) {
  in_world(
      state, [](World&) {},
      [](World&, benchmark::State& st) {
        for (auto _ : st) sleep_for(Duration::zero());
      });
}
BENCHMARK(BM_FiberSleepZero);

// Two fibers yielding in turn: each iteration is two resumptions (per_item = one resumption), each
// a direct hand-off: one context switch, half of a bare Boost.Context round trip.
void BM_FiberYieldPingPong(benchmark::State& state) {
  in_world(
      state, [](World&) {},
      [](World&, benchmark::State& st) {
        bool stop = false;
        go("partner", [&stop] {
          while (!stop) sim::yield();
        });
        for (auto _ : st) sim::yield();
        stop = true;
        sim::yield();
      });
  per_item(state, 2);
}
BENCHMARK(BM_FiberYieldPingPong);

// The baseline: a bare Boost.Context fiber resumed and switching back (two context switches).
void BM_BareBoostContextSwitch(benchmark::State& state) {
  bool stop = false;
  ctx::fiber fiber(std::allocator_arg, ctx::protected_fixedsize_stack(256 * 1024),
                   [&stop](ctx::fiber&& caller) {
                     while (!stop) caller = std::move(caller).resume();
                     return std::move(caller);
                   });
  for (auto _ : state) fiber = std::move(fiber).resume();
  stop = true;
  fiber = std::move(fiber).resume();
}
BENCHMARK(BM_BareBoostContextSwitch);

// ------------------------------------------------------------------ timers

// sleep_for(1 ns): push a timer onto the event heap, pop it, resume the fiber. The argument is
// the number of other fibers sleeping far in the future (the heap's depth).
void BM_TimerWakeUp(benchmark::State& state) {
  const int64_t sleepers = state.range(0);
  in_world(
      state, [](World&) {},
      [sleepers](World&, benchmark::State& st) {
        for (int64_t i = 0; i < sleepers; ++i) {
          go("sleeper", [] { sleep_for(Duration::seconds(1000000)); });
        }
        sim::yield();  // let them all go to sleep
        for (auto _ : st) sleep_for(Duration::nanoseconds(1));
      });
}
BENCHMARK(BM_TimerWakeUp)->Arg(0)->Arg(1000);

// ------------------------------------------------------------------ network

// Send packets of 32 bytes and let them be delivered (to a receiver that ignores them), then
// yield once. The argument is the packets per iteration; per_item = one send + delivery,
// including its share of the yield.
void BM_MessageSendDeliver(benchmark::State& state) {
  const int64_t batch = state.range(0);
  in_world(
      state, [](World& w) { w.add_process("sink"); },
      [batch](World& w, benchmark::State& st) {
        const Bytes payload(32, 0xff);  // never decodes as an RPC envelope
        Network& net = w.network();
        for (auto _ : st) {
          for (int64_t i = 0; i < batch; ++i) net.send(0, 1, payload);
          sim::yield();
        }
      });
  per_item(state, static_cast<double>(batch));
}
BENCHMARK(BM_MessageSendDeliver)->Arg(1)->Arg(64);

// ------------------------------------------------------------------ rpc

struct EchoArgs {
  uint64_t value = 0;
  RAFTSIM_WIRE_FIELDS(value)
};

void BM_RpcRoundTrip(benchmark::State& state) {
  in_world(
      state,
      [](World& w) {
        const NodeId server = w.add_node("server", [] {
          rpc::handle<EchoArgs, EchoArgs>("Echo", [](const EchoArgs& a) { return a; });
        });
        w.start(server);
      },
      [](World&, benchmark::State& st) {
        sim::yield();  // the server boots
        const rpc::ClientEnd end(1);
        uint64_t i = 0;
        for (auto _ : st) {
          std::optional<EchoArgs> reply = end.call<EchoArgs>("Echo", EchoArgs{++i});
          benchmark::DoNotOptimize(reply);
          if (!reply.has_value()) st.SkipWithError("lost reply");
        }
      });
}
BENCHMARK(BM_RpcRoundTrip);

// ------------------------------------------------------------------ wire

struct Nested {
  std::string name;
  std::vector<int32_t> values;
  RAFTSIM_WIRE_FIELDS(name, values)
};

struct TenFields {
  uint64_t term = 0;
  int64_t delta = 0;
  uint32_t index = 0;
  bool granted = false;
  std::string key;
  Bytes data;
  std::vector<uint64_t> entries;
  std::optional<std::string> hint;
  Duration timeout;
  Nested nested;
  RAFTSIM_WIRE_FIELDS(term, delta, index, granted, key, data, entries, hint, timeout, nested)
};

TenFields sample_message() {
  TenFields m;
  m.term = 1234567;
  m.delta = -42;
  m.index = 987654;
  m.granted = true;
  m.key = "user:12345";
  m.data = Bytes(64, 0xab);
  m.entries = {1, 2, 3, 300, 70000, 1ULL << 40, 7, 8};
  m.hint = "leader n3";
  m.timeout = Duration::milliseconds(150);
  m.nested = Nested{"nested", {-1, 2, -3, 4}};
  return m;
}

void BM_WireEncode10Fields(benchmark::State& state) {
  const TenFields m = sample_message();
  for (auto _ : state) {
    Bytes bytes = wire::encode(m);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(wire::encode(m).size()));
}
BENCHMARK(BM_WireEncode10Fields);

void BM_WireDecode10Fields(benchmark::State& state) {
  const Bytes bytes = wire::encode(sample_message());
  for (auto _ : state) {
    std::optional<TenFields> m = wire::decode<TenFields>(bytes);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_WireDecode10Fields);

// ------------------------------------------------------------------ spawn

// go() a fiber with an empty body and yield: it runs and finishes before we resume.
// The argument is fibers per iteration (per_item = one spawn to finish).
void BM_FiberSpawnToFinish(benchmark::State& state) {
  const int64_t batch = state.range(0);
  in_world(
      state, [](World&) {},
      [batch](World&, benchmark::State& st) {
        for (auto _ : st) {
          for (int64_t i = 0; i < batch; ++i) go("f", [] {});
          sim::yield();
        }
      });
  per_item(state, static_cast<double>(batch));
}
BENCHMARK(BM_FiberSpawnToFinish)->Arg(1)->Arg(64);

// Bare Boost.Context fibers that run to completion: on the world's pooled stacks, and on a fresh
// guard-page-protected stack each time (mmap + mprotect + munmap).
void BM_BareSpawnPooledStack(benchmark::State& state) {
  StackPool pool(256 * 1024);
  for (auto _ : state) {
    ctx::fiber fiber(std::allocator_arg, PooledStack(pool),
                     [](ctx::fiber&& caller) { return std::move(caller); });
    fiber = std::move(fiber).resume();
  }
}
BENCHMARK(BM_BareSpawnPooledStack);

void BM_BareSpawnProtectedStack(benchmark::State& state) {
  for (auto _ : state) {
    ctx::fiber fiber(std::allocator_arg, ctx::protected_fixedsize_stack(256 * 1024),
                     [](ctx::fiber&& caller) { return std::move(caller); });
    fiber = std::move(fiber).resume();
  }
}
BENCHMARK(BM_BareSpawnProtectedStack);

}  // namespace

BENCHMARK_MAIN();
