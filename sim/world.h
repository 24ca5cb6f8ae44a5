// sim::World: one seeded, deterministic run of a distributed system.
//
// Contract. A world owns the scheduler (one event queue ordered by (time, key)), the random
// streams, the network, the nodes with their disks and persisters, and the trace. Everything in it
// runs on the thread that calls run_*; several worlds may run on several threads at once, since the
// only ambient state is a thread-local pointer to the running world and fiber. Given the same
// options (seed included) and the same calls, a world produces the same trace and fingerprint.
//
// Nodes are servers that faults can hit: crash() destroys their fibers (stacks unwind, destructors
// run), their RPC handlers and their volatile objects, and drops unsynced disk writes; start()
// runs their boot function again on a fresh incarnation. Processes are tester code that faults
// never touch. Each node has its own clock, which runs at rate 1 + drift.
//
// The detectors: a mutex wait that closes a cycle is reported at once as a deadlock; a mutex or
// channel wait longer than its bound is reported; when every fiber is blocked and no event is
// pending, the world reports a deadlock listing every blocked fiber and what it waits on; a fiber
// that sleeps, calls an RPC or blocks on a channel while holding a sim::Mutex is reported
// (lock_across_block). A report ends the run with a Failure of kind "deadlock" or "lock".
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/detail/fiber.h"
#include "sim/detail/fifo.h"
#include "sim/disk.h"
#include "sim/fault_hooks.h"
#include "sim/ids.h"
#include "sim/network.h"
#include "sim/persister.h"
#include "sim/rng.h"
#include "sim/stack_pool.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace sim {

namespace rpc {
class Endpoint;
}

enum class LockAcrossBlock : uint8_t { error, warn, off };

struct DetectorOptions {
  Duration mutex_wait_max = Duration::seconds(30);  // > 0, or zero to disable; default 30 s
  Duration channel_wait_max = Duration::zero();     // > 0, or zero (default) to disable
  LockAcrossBlock lock_across_block = LockAcrossBlock::error;
};

// A guard on the resources of one run, outside the simulation's logic: it reads the wall clock
// and the process's resident size (never an input to the simulation), every kGuardEvents events
// dispatched, and ends a run that passes either limit with a Failure of kind "resource" saying
// which limit and at what simulated time. A run that stays within both computes exactly what it
// would without the guard. The resident size is the whole process's (/proc/self/statm, read at
// most every kGuardEvents * 16 events): with several worlds on several threads the caller sets a
// limit for all of them together, and the world that finds it passed is the one that stops.
//
// A fiber that never returns to the simulator stops the whole process instead (exit
// kStallExitCode, sim/stall_watch.h) once no event has been dispatched for wall_ms_max plus a
// grace; `stall_note(seed)` adds what the user needs to run it again (e.g. the command).
struct GuardOptions {
  int64_t wall_ms_max = 0;          // wall time spent in run_* calls, ms; 0 (default) = none
  uint64_t resident_bytes_max = 0;  // the process's resident set, bytes; 0 (default) = none
  std::function<std::string(uint64_t seed)> stall_note;  // may be empty
};

struct WorldOptions {
  uint64_t seed = 1;
  // Run the events due at the same instant in a seeded random order instead of FIFO.
  bool interleave = false;
  // A fiber that waits hands the turn straight to the fiber whose event is next (one context
  // switch instead of two through the scheduler; none when its own event is next). The run is the
  // same event for event either way, and tests compare the two; off is for bisecting the runtime.
  bool hand_off = true;
  uint64_t steps_max = 2'000'000'000;  // events dispatched before the run fails as "budget"
  size_t stack_size = 256 * 1024;      // usable bytes per fiber stack, >= 16 KiB
  // Fibers alive at once (spawned and not yet finished) across every node, >= 1; default 20,000.
  // Spawning one more ends the run as a "resource" failure naming the node, instead of running
  // the process out of memory mappings: each fiber that ran holds a pooled stack of two mappings
  // (the stack and its guard page), and Linux allows about 65,000 mappings per process.
  size_t fibers_max = 20'000;
  DetectorOptions detect;
  GuardOptions guard;
  NetworkOptions network;
  DiskOptions disk;
  TraceOptions trace;
};

// Why a run stopped early. `kind` is a short class ("deadlock", "lock", "budget", "exception",
// "resource", or one named by a layer above, such as "safety"); `message` is the full human
// report. "resource" is the runtime running out of something, never a bare assertion: the guard's
// wall time or memory (GuardOptions), the fiber cap (WorldOptions::fibers_max), a fiber stack the
// system would not map, or std::bad_alloc thrown inside the simulation (a fiber or a callback).
struct Failure {
  std::string kind;
  std::string message;
  Instant at;
  std::vector<NodeId> nodes;
};

struct Stats {
  uint64_t events = 0;          // events dispatched
  uint64_t fiber_switches = 0;  // resumptions of a fiber
  uint64_t fibers_spawned = 0;
  uint64_t fibers_started = 0;  // fibers that got a context and a stack: those that had a turn
  uint64_t messages_sent = 0;
  uint64_t messages_delivered = 0;
  uint64_t messages_dropped = 0;
  uint64_t messages_duplicated = 0;
  uint64_t bytes_sent = 0;
  Duration simulated;
  double wall_seconds = 0;  // wall time spent inside run_* calls (a measurement, never an input)
};

// A node's boot function runs in a fiber named "boot" on the node each time it starts.
using BootFn = std::function<void()>;

class World {
 public:
  explicit World(WorldOptions options = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- nodes and processes
  NodeId add_node(std::string name, BootFn boot);  // added down; start() boots it
  NodeId add_process(std::string name);            // up from the start, never faulted
  void start(NodeId node);
  void crash(NodeId node);
  void restart(NodeId node);  // crash if up, then start
  bool is_up(NodeId node) const;
  bool is_process(NodeId node) const;
  uint64_t incarnation(NodeId node) const;
  const std::string& node_name(NodeId node) const;
  size_t node_count() const { return nodes_.size(); }
  // Keep an object alive until the node's next crash (volatile state).
  void keep(NodeId node, std::shared_ptr<void> object);

  // Node-local clocks: local time runs at rate (1e6 + ppm) / 1e6 of global time.
  void set_drift_ppm(NodeId node, int64_t ppm);
  int64_t drift_ppm(NodeId node) const;
  Instant local_now(NodeId node) const;
  Instant global_for_local(NodeId node, Instant local) const;

  // ---- fibers
  void spawn(NodeId node, std::string_view name, Task body);

  // ---- running. Each returns true when it reached its goal, false when the run failed.
  bool run_for(Duration duration);
  bool run_until(Instant until);
  bool run_while(const std::function<bool()>& condition);
  // Spawns `body` on `process` and runs until it returns. An exception thrown by any fiber is
  // rethrown here, in the caller's context (so test assertions inside fibers work).
  bool run_main(NodeId process, std::function<void()> body);

  Instant now() const { return now_; }

  // ---- components
  Network& network() { return *network_; }
  Disk& disk(NodeId node);
  Persister& persister(NodeId node);
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  // The moments at which a layer above injects faults (sim/fault_hooks.h).
  FaultHooks& hooks() { return hooks_; }
  uint64_t fingerprint() const { return trace_.fingerprint(); }
  Stats stats() const;
  const WorldOptions& options() const { return options_; }
  // An independent random stream derived from the seed and `name`.
  Rng fork_rng(std::string_view name) const { return root_rng_.fork(name); }
  Rng& node_rng(NodeId node);
  rpc::Endpoint& endpoint(NodeId node);

  // ---- failures
  const std::optional<Failure>& failure() const { return failure_; }
  // Records the first failure and stops the run; from inside a fiber, that fiber stops too.
  void fail(Failure failure);
  void fail(std::string kind, std::string message);

  // ---- the runtime's own interface, for sim's primitives (runtime.h, sync, rpc, disk)
  detail::Fiber* current() const { return current_; }
  detail::Fiber& current_checked() const;
  // Blocks the current fiber until wake() or the global deadline (Instant::max() for none).
  WakeReason block(detail::WaitInfo info, Instant deadline);
  void wake(detail::Fiber& fiber, WakeReason reason);
  // Requeues the current fiber behind everything ready at this instant (sim::yield).
  void yield_current();
  void schedule(Instant at, std::function<void()> callback);
  // Called before an operation that blocks for a while: reports a held sim::Mutex.
  void check_no_lock_held(const char* operation);
  // The report used by every deadlock message: each blocked fiber and what it waits on.
  std::string blocked_fibers_report() const;
  std::string describe(const detail::Fiber& fiber) const;

  // The world running on this thread, if any (set while run_* executes).
  static World* running();

 private:
  struct Event;
  struct Node;
  struct Clock {
    Instant global_anchor;
    Instant local_anchor;
    int64_t ppm = 0;
  };

  // Runs until `limit`, or until `condition` turns false or `*finished` true (either may be null).
  bool run_loop(Instant limit, const std::function<bool()>* condition,
                const bool* finished = nullptr);
  // The resource guard (GuardOptions); `wall_s` is the wall time spent in this run_* call so far.
  void check_guard(double wall_s);
  // What the stall watch prints about this run (called on the watch's thread).
  std::string stall_report() const;
  void dispatch(Event& event);
  void start_context(detail::Fiber& fiber);
  boost::context::fiber run_bodies(boost::context::fiber&& caller);
  // The scheduler runs a fiber until it hands control back to the scheduler.
  void resume(detail::Fiber& fiber);
  // The running fiber gives up its turn: to the fiber whose event is next (a direct hand-off),
  // to itself if its own event is next, or else to the scheduler.
  void suspend(detail::Fiber& fiber);
  // A fiber's bookkeeping as its turn begins (state, current_, the stall watch's view, stats).
  void enter(detail::Fiber& fiber);
  // Called on a fiber right after a switch into it returned `from`: the context of the fiber
  // that handed off to it (handed_off_ names that fiber), or else the scheduler's.
  void arrive(detail::Fiber& fiber, boost::context::fiber&& from);
  // For suspend: if the next event is a fiber's turn that the run loop would dispatch with
  // nothing else to do around it, takes it exactly as the loop would and returns that fiber.
  detail::Fiber* take_next_turn();
  // A blocked fiber whose deadline event came first: it leaves its wait list and wakes timed out.
  void time_out(detail::Fiber& fiber);
  void push_event(Instant at, uint32_t slot, uint64_t token);
  // The earliest event is the ready queue's front (else the heap's, if any).
  bool ready_is_next() const;
  // Takes the earliest event into `event` if it is due by `limit`; false if none is.
  bool pop_event(Instant limit, Event& event);
  void finish_fiber(detail::Fiber& fiber);
  void destroy_fiber(detail::Fiber& fiber);
  void release_held_mutexes(detail::Fiber& fiber);
  void report_idle_deadlock();
  void report_fiber_cap(NodeId spawner, const std::string& name);
  void on_fiber_exception(detail::Fiber& fiber, std::exception_ptr error);
  Node& node(NodeId id);
  const Node& node(NodeId id) const;

  WorldOptions options_;
  Rng root_rng_;
  Rng schedule_rng_;
  Instant now_;
  uint64_t next_key_ = 0;
  uint64_t next_token_ = 1;
  uint64_t next_fiber_id_ = 1;
  // The event queue is two queues: a 4-ary heap of the events due later, earliest (at, key) at
  // the front, and a FIFO of the events due at the instant they were pushed (wake-ups, yields,
  // spawns), which skip the heap. Invariant 2: every event in ready_ is due at now_, and ready_ is
  // in key order (keys only grow), so taking the smaller (at, key) of the two fronts runs the
  // events in exactly the order one heap would. Interleaving mode draws random keys and uses the
  // heap alone.
  std::vector<Event> queue_;
  void heap_push(const Event& event);
  Event heap_pop();  // queue_ not empty
  detail::Fifo<Event> ready_;
  std::vector<std::function<void()>> callbacks_;  // scheduled callbacks, by index
  std::vector<uint64_t> free_callbacks_;
  StackPool stacks_;
  // Contexts whose fiber finished, parked in their entry loop for the next spawn (run_bodies).
  struct IdleContext {
    boost::context::fiber context;
    const char* guard_low = nullptr;
    const char* guard_high = nullptr;
  };
  std::vector<IdleContext> idle_contexts_;
  std::vector<std::unique_ptr<detail::Fiber>> fibers_;  // slot table
  std::vector<uint32_t> free_slots_;
  // Finished fibers' records, reset, for the next spawns: a spawn then allocates no record, and
  // its name and held list reuse their buffers. Not under AddressSanitizer, so that a pointer
  // kept to a finished fiber stays a use-after-free it can report.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr bool kRecycleFibers = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  static constexpr bool kRecycleFibers = false;
#else
  static constexpr bool kRecycleFibers = true;
#endif
#else
  static constexpr bool kRecycleFibers = true;
#endif
  static constexpr size_t kSpareFibersMax = 256;
  std::vector<std::unique_ptr<detail::Fiber>> spare_fibers_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unique_ptr<Network> network_;
  Trace trace_;
  FaultHooks hooks_;
  detail::Fiber* current_ = nullptr;
  // Direct hand-offs (suspend): the fiber whose context the next fiber to arrive must keep.
  detail::Fiber* handed_off_ = nullptr;
  // What the run loop of the current run_* call checks between events, for itself and for
  // take_next_turn; hand-offs are on (active) only inside a run loop.
  struct LoopGoal {
    bool active = false;
    bool guarded = false;
    Instant limit;
    const std::function<bool()>* condition = nullptr;
    const bool* finished = nullptr;
    // The run's goal: run_main's body returned, or run_while's condition no longer holds.
    bool reached() const {
      return (finished != nullptr && *finished) || (condition != nullptr && !(*condition)());
    }
  };
  LoopGoal loop_;
  // For the stall watch's thread: the event count and the running fiber, mirrored.
  std::atomic<uint64_t> progress_{0};
  std::atomic<const detail::Fiber*> running_{nullptr};
  RunningFiberInfo* fiber_info_ = nullptr;  // the running thread's, set by each run_* call
  std::optional<Failure> failure_;
  std::exception_ptr fiber_error_;
  Stats stats_;
};

}  // namespace sim
