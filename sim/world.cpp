#include "sim/world.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <boost/core/demangle.hpp>
#include <cstdio>
#include <new>
#include <typeinfo>

#include "sim/assert.h"
#include "sim/mutex.h"
#include "sim/rpc.h"
#include "sim/stack_trace.h"
#include "sim/stall_watch.h"
#include "sim/stopwatch.h"

namespace sim {

namespace {

constexpr uint32_t kNoSlot = UINT32_MAX;
// Events between two looks of the resource guard at the wall clock (a power of two); the resident
// size is read every 16 looks. At 10^6..10^7 events a second that is a few hundred clock reads and
// a few dozen small file reads a second: nothing measurable.
constexpr uint64_t kGuardEvents = 4096;
// Contexts (each with its stack) kept parked for the next spawns: more than the fibers a burst of
// RPCs to one node starts at once, few enough that a world holds no more stacks than its peak.
constexpr size_t kIdleContextsMax = 128;

// The process's resident set in bytes (/proc/self/statm), or 0 when it cannot be read. A
// measurement for the resource guard, never an input to the simulation.
uint64_t resident_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long long size_pages = 0;
  unsigned long long resident_pages = 0;
  const int read = std::fscanf(file, "%llu %llu", &size_pages, &resident_pages);
  std::fclose(file);
  if (read != 2) return 0;
  return static_cast<uint64_t>(resident_pages) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

thread_local World* tls_world = nullptr;

// Sets the thread's running world for a scope (run_*, crash, teardown) and restores it after.
class RunningScope {
 public:
  explicit RunningScope(World* world) : previous_(tls_world) {
    RAFTSIM_ASSERT(previous_ == nullptr || previous_ == world);
    tls_world = world;
  }
  ~RunningScope() { tls_world = previous_; }

 private:
  World* previous_;
};

}  // namespace

struct World::Event {
  Instant at;
  uint64_t key = 0;
  uint32_t slot = kNoSlot;  // a fiber to resume, or kNoSlot for a callback
  uint64_t token = 0;       // the fiber's token, or the callback's index in callbacks_
};

struct World::Node {
  NodeId id = kNoNode;
  std::string name;
  bool process = false;
  bool up = false;
  uint64_t incarnation = 0;
  BootFn boot;
  Clock clock;
  Rng rng{0};
  std::unique_ptr<Disk> disk;
  std::unique_ptr<Persister> persister;
  std::unique_ptr<rpc::Endpoint> endpoint;
  std::vector<std::shared_ptr<void>> kept;
};

namespace {

// Heap order: the earliest (at, key) on top.
bool later(const auto& a, const auto& b) {
  if (a.at != b.at) return a.at > b.at;
  return a.key > b.key;
}

}  // namespace

World* World::running() { return tls_world; }

World::World(WorldOptions options)
    : options_(std::move(options)),
      root_rng_(options_.seed),
      schedule_rng_(root_rng_.fork("scheduler")),
      stacks_(options_.stack_size),
      trace_(options_.trace) {
  RAFTSIM_ASSERT(options_.stack_size >= 16 * 1024);
  RAFTSIM_ASSERT(options_.fibers_max >= 1);
  network_ = std::make_unique<Network>(*this, root_rng_.fork("network"), options_.network);
  network_->set_receiver([this](Packet&& packet) {
    Node& receiver = node(packet.to);
    if (receiver.up) receiver.endpoint->on_packet(std::move(packet));
  });
#if !defined(RAFTSIM_SANITIZE)
  install_overflow_handler();
#endif
}

World::~World() {
  RunningScope scope(this);
  std::vector<detail::Fiber*> alive;
  for (auto& fiber : fibers_) {
    if (fiber) alive.push_back(fiber.get());
  }
  std::sort(alive.begin(), alive.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (detail::Fiber* fiber : alive) destroy_fiber(*fiber);
  idle_contexts_.clear();  // unwinds each parked entry loop; its stack goes back to the pool
  for (auto& n : nodes_) {
    while (!n->kept.empty()) n->kept.pop_back();
  }
  queue_.clear();
  ready_.clear();
  callbacks_.clear();
}

// ---------------------------------------------------------------- nodes

World::Node& World::node(NodeId id) {
  RAFTSIM_ASSERT(id >= 0);
  RAFTSIM_ASSERT(static_cast<size_t>(id) < nodes_.size());
  return *nodes_[static_cast<size_t>(id)];
}

const World::Node& World::node(NodeId id) const {
  RAFTSIM_ASSERT(id >= 0);
  RAFTSIM_ASSERT(static_cast<size_t>(id) < nodes_.size());
  return *nodes_[static_cast<size_t>(id)];
}

NodeId World::add_node(std::string name, BootFn boot) {
  auto n = std::make_unique<Node>();
  n->id = static_cast<NodeId>(nodes_.size());
  n->rng = root_rng_.fork("node/" + name);
  n->disk = std::make_unique<Disk>(*this, n->id, root_rng_.fork("disk/" + name), options_.disk);
  n->persister = std::make_unique<Persister>(*n->disk);
  n->endpoint = std::make_unique<rpc::Endpoint>(*this, n->id);
  n->name = std::move(name);
  n->boot = std::move(boot);
  n->clock.global_anchor = now_;
  n->clock.local_anchor = now_;
  nodes_.push_back(std::move(n));
  network_->add_node();
  return nodes_.back()->id;
}

NodeId World::add_process(std::string name) {
  NodeId id = add_node(std::move(name), nullptr);
  Node& n = node(id);
  n.process = true;
  n.up = true;
  n.incarnation = 1;
  return id;
}

void World::start(NodeId id) {
  Node& n = node(id);
  RAFTSIM_ASSERT(!n.process);
  RAFTSIM_ASSERT(!n.up);
  n.up = true;
  ++n.incarnation;
  TraceEvent event;
  event.at = now_;
  event.kind = TraceKind::restart;
  event.node = id;
  event.id = n.incarnation;
  trace_.record(std::move(event));
  if (n.boot) spawn(id, "boot", n.boot);
}

void World::crash(NodeId id) {
  Node& n = node(id);
  RAFTSIM_ASSERT(!n.process);
  RAFTSIM_ASSERT(n.up);
  // A node cannot crash itself from inside: its own fiber would be destroyed under it.
  RAFTSIM_ASSERT(current_ == nullptr || current_->node != id);
  RunningScope scope(this);
  n.up = false;
  std::vector<detail::Fiber*> doomed;
  for (auto& fiber : fibers_) {
    if (fiber && fiber->node == id) doomed.push_back(fiber.get());
  }
  std::sort(doomed.begin(), doomed.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (detail::Fiber* fiber : doomed) destroy_fiber(*fiber);
  n.endpoint->on_crash();
  n.disk->on_crash();
  while (!n.kept.empty()) n.kept.pop_back();  // newest first, like a stack
  TraceEvent event;
  event.at = now_;
  event.kind = TraceKind::crash;
  event.node = id;
  event.id = n.incarnation;
  trace_.record(std::move(event));
}

void World::restart(NodeId id) {
  if (is_up(id)) crash(id);
  start(id);
}

bool World::is_up(NodeId id) const { return node(id).up; }
bool World::is_process(NodeId id) const { return node(id).process; }
uint64_t World::incarnation(NodeId id) const { return node(id).incarnation; }
const std::string& World::node_name(NodeId id) const { return node(id).name; }
Disk& World::disk(NodeId id) { return *node(id).disk; }
Persister& World::persister(NodeId id) { return *node(id).persister; }
Rng& World::node_rng(NodeId id) { return node(id).rng; }
rpc::Endpoint& World::endpoint(NodeId id) { return *node(id).endpoint; }

void World::keep(NodeId id, std::shared_ptr<void> object) {
  Node& n = node(id);
  RAFTSIM_ASSERT(n.up);
  n.kept.push_back(std::move(object));
}

// ---------------------------------------------------------------- clocks

void World::set_drift_ppm(NodeId id, int64_t ppm) {
  RAFTSIM_ASSERT(ppm > -1000000);
  Node& n = node(id);
  n.clock.local_anchor = local_now(id);
  n.clock.global_anchor = now_;
  n.clock.ppm = ppm;
}

int64_t World::drift_ppm(NodeId id) const { return node(id).clock.ppm; }

Instant World::local_now(NodeId id) const {
  const Clock& c = node(id).clock;
  if (c.ppm == 0) return c.local_anchor + (now_ - c.global_anchor);
  const __int128 elapsed = (now_ - c.global_anchor).ns();
  const __int128 local = elapsed * (1000000 + c.ppm) / 1000000;
  return c.local_anchor + Duration::nanoseconds(static_cast<int64_t>(local));
}

Instant World::global_for_local(NodeId id, Instant local) const {
  if (local == Instant::max()) return Instant::max();
  const Clock& c = node(id).clock;
  if (c.ppm == 0) return std::max(c.global_anchor + (local - c.local_anchor), now_);
  const __int128 local_elapsed = (local - c.local_anchor).ns();
  const __int128 rate = 1000000 + c.ppm;
  // Round up, so a timer never fires before its local deadline.
  __int128 global = (local_elapsed * 1000000 + rate - 1) / rate;
  const Instant at = c.global_anchor + Duration::nanoseconds(static_cast<int64_t>(global));
  return std::max(at, now_);
}

// ---------------------------------------------------------------- fibers

void World::spawn(NodeId id, std::string_view name, Task body) {
  RAFTSIM_ASSERT(node(id).up);
  if (fibers_.size() - free_slots_.size() >= options_.fibers_max) {
    report_fiber_cap(id, std::string(name));  // a spawning fiber stops here; a callback returns
    return;
  }
  std::unique_ptr<detail::Fiber> owned;
  if (!spare_fibers_.empty()) {
    owned = std::move(spare_fibers_.back());
    spare_fibers_.pop_back();
  } else {
    owned = std::make_unique<detail::Fiber>();
  }
  detail::Fiber& f = *owned;
  f.id = next_fiber_id_++;
  f.name.assign(name);
  f.node = id;
  f.body = std::move(body);
  if (!free_slots_.empty()) {
    f.slot = free_slots_.back();
    free_slots_.pop_back();
    fibers_[f.slot] = std::move(owned);
  } else {
    f.slot = static_cast<uint32_t>(fibers_.size());
    fibers_.push_back(std::move(owned));
  }
  f.state = detail::FiberState::ready;
  f.token = next_token_++;
  ++stats_.fibers_spawned;
  push_event(now_, f.slot, f.token);
  TraceEvent event;
  event.at = now_;
  event.kind = TraceKind::spawn;
  event.node = id;
  event.id = f.id;
  event.text = f.name;
  trace_.record(std::move(event));
}

detail::Fiber& World::current_checked() const {
  RAFTSIM_ASSERT(current_ != nullptr);
  return *current_;
}

// A fiber gets its context and stack at its first turn, not at spawn: one destroyed before it ever
// ran (its node crashed, the world ended) has no context at all, so no fiber backend can run its
// body on destruction (Boost's ucontext backend enters a never-started fiber to unwind it), and it
// never takes a stack.
void World::start_context(detail::Fiber& f) {
  if (!idle_contexts_.empty()) {
    // A context parked by a finished fiber: its entry loop runs this fiber's body next.
    IdleContext idle = std::move(idle_contexts_.back());
    idle_contexts_.pop_back();
    f.context = std::move(idle.context);
    f.guard_low = idle.guard_low;
    f.guard_high = idle.guard_high;
  } else {
    f.context = boost::context::fiber(
        std::allocator_arg, PooledStack(stacks_),
        [this](boost::context::fiber&& caller) { return run_bodies(std::move(caller)); });
    f.guard_low = stacks_.last_guard_low();
    f.guard_high = stacks_.last_guard_high();
  }
  f.started = true;
  ++stats_.fibers_started;
}

// The entry loop of a context: it runs the body of the fiber being resumed (resume() sets current_
// before it switches), and when the body returns it parks, unless enough contexts are idle
// already, so that the next spawn on this world gets a context and a stack at the cost of a
// switch. A crash destroys a running or blocked fiber's context as before (its stack unwinds); a
// parked context holds no fiber and is destroyed with the world.
boost::context::fiber World::run_bodies(boost::context::fiber&& caller) {
  detail::Fiber* fp = current_;
  arrive(*fp, std::move(caller));
  for (;;) {
    std::exception_ptr error;
    try {
      fp->body();
    } catch (const boost::context::detail::forced_unwind&) {
      throw;
    } catch (...) {
      error = std::current_exception();
    }
    // Outside the handler: recording may not suspend inside a catch block.
    if (error) on_fiber_exception(*fp, error);
    fp->body = nullptr;
    fp->state = detail::FiberState::done;
    if (idle_contexts_.size() >= kIdleContextsMax) return std::move(fp->caller);
    fp->parks = true;  // finish_fiber moves the context to idle_contexts_
    boost::context::fiber from = std::move(fp->caller).resume();
    fp = current_;
    // After the switch: resumed for a fiber that has this context and is running.
    RAFTSIM_ASSERT(fp != nullptr);
    RAFTSIM_ASSERT(fp->state == detail::FiberState::running);
    arrive(*fp, std::move(from));
  }
}

void World::resume(detail::Fiber& f) {
  RAFTSIM_ASSERT(current_ == nullptr);
  if (!f.started) {
    try {
      start_context(f);
    } catch (const std::bad_alloc& error) {  // the stack pool could not map a stack
      fail(Failure{"resource",
                   fmt::format("{} could not get a stack: {} ({} fibers alive, {} stacks mapped)",
                               describe(f), error.what(), fibers_.size() - free_slots_.size(),
                               stacks_.mapped_count()),
                   now_,
                   {f.node}});
      return;
    }
  }
  enter(f);
  boost::context::fiber back = std::move(f.context).resume();
  // Back from whichever fiber the turns were handed to last (suspend), or that finished.
  detail::Fiber& last = *current_;
  last.context = std::move(back);
  *fiber_info_ = {};
  running_.store(nullptr, std::memory_order_relaxed);
  current_ = nullptr;
  if (last.state == detail::FiberState::done) finish_fiber(last);
}

void World::enter(detail::Fiber& f) {
  f.state = detail::FiberState::running;
  current_ = &f;
  running_.store(&f, std::memory_order_relaxed);
  *fiber_info_ = {f.name.c_str(), nodes_[static_cast<size_t>(f.node)]->name.c_str(), f.guard_low,
                  f.guard_high};
  ++stats_.fiber_switches;
}

// Invariant 3: the running fiber's `caller` holds the scheduler's context. A hand-off passes it to
// the next fiber, and the next fiber stores the context it arrived from in the fiber that handed
// off (handed_off_), so a suspended fiber's `context` is always the one to resume it by, whoever
// resumes it.
void World::arrive(detail::Fiber& f, boost::context::fiber&& from) {
  if (handed_off_ != nullptr) {
    handed_off_->context = std::move(from);
    handed_off_ = nullptr;
  } else {
    f.caller = std::move(from);
  }
}

// A fiber's turn handed over without the scheduler in between: one switch instead of two, or none
// when the fiber's own event is next (a lone yield, a sleep with nothing due before it). The run
// is the same event for event: take_next_turn does what run_loop and dispatch do for a fiber's
// turn, and leaves everything else (a callback, a failure, the run's goal reached, the budget, the
// guard's look at the clock, a new stack) to the scheduler.
void World::suspend(detail::Fiber& f) {
  RAFTSIM_ASSERT(current_ == &f);
  detail::Fiber* next = take_next_turn();
  if (next == &f) {
    enter(f);
    return;
  }
  boost::context::fiber from;
  if (next == nullptr) {
    from = std::move(f.caller).resume();
  } else {
    next->caller = std::move(f.caller);
    handed_off_ = &f;
    enter(*next);
    from = std::move(next->context).resume();
  }
  arrive(f, std::move(from));
  // After every switch: we are back on the fiber we expect, and it is running.
  RAFTSIM_ASSERT(current_ == &f);
  RAFTSIM_ASSERT(f.state == detail::FiberState::running);
}

detail::Fiber* World::take_next_turn() {
  if (!loop_.active || failure_ || loop_.reached()) return nullptr;
  for (;;) {
    const bool from_ready = ready_is_next();
    if (!from_ready && queue_.empty()) return nullptr;
    const Event& next = from_ready ? ready_.front() : queue_.front();
    const Instant at = next.at;
    const uint32_t slot = next.slot;
    if (at > loop_.limit || slot == kNoSlot) return nullptr;
    detail::Fiber* f = slot < fibers_.size() ? fibers_[slot].get() : nullptr;
    const bool stale = f == nullptr || f->token != next.token;  // invariant 1
    if (!stale) {
      if (!f->started && idle_contexts_.empty()) return nullptr;  // a stack to map
      if (stats_.events + 1 >= options_.steps_max) return nullptr;
      if (loop_.guarded && ((stats_.events + 1) & (kGuardEvents - 1)) == 0) return nullptr;
    }
    if (from_ready) {
      ready_.pop_front();
    } else {
      heap_pop();
    }
    now_ = at;
    if (stale) continue;
    ++stats_.events;
    progress_.store(stats_.events, std::memory_order_relaxed);
    if (f->state == detail::FiberState::blocked) time_out(*f);
    if (!f->started) start_context(*f);  // a parked context: no allocation
    return f;
  }
}

WakeReason World::block(detail::WaitInfo info, Instant deadline) {
  detail::Fiber& f = current_checked();
  RAFTSIM_ASSERT(!f.unwinding);
  f.state = detail::FiberState::blocked;
  f.wait = std::move(info);
  f.blocked_since = now_;
  f.token = next_token_++;
  if (deadline != Instant::max()) push_event(std::max(deadline, now_), f.slot, f.token);
  suspend(f);
  return f.wake_reason;
}

void World::wake(detail::Fiber& f, WakeReason reason) {
  RAFTSIM_ASSERT(f.state == detail::FiberState::blocked);
  f.state = detail::FiberState::ready;
  f.wake_reason = reason;
  f.token = next_token_++;
  push_event(now_, f.slot, f.token);
}

void World::yield_current() {
  detail::Fiber& f = current_checked();
  RAFTSIM_ASSERT(!f.unwinding);
  f.state = detail::FiberState::ready;
  f.token = next_token_++;
  push_event(now_, f.slot, f.token);
  suspend(f);
}

void World::schedule(Instant at, std::function<void()> callback) {
  RAFTSIM_ASSERT(at >= now_);
  uint64_t index;
  if (!free_callbacks_.empty()) {
    index = free_callbacks_.back();
    free_callbacks_.pop_back();
    callbacks_[index] = std::move(callback);
  } else {
    index = callbacks_.size();
    callbacks_.push_back(std::move(callback));
  }
  push_event(at, kNoSlot, index);
}

// Fields, not an Event: built in place in the ready queue, the event is never stored and then
// reloaded whole (a store-to-load forwarding stall on the hottest path, every wake-up and yield).
void World::push_event(Instant at, uint32_t slot, uint64_t token) {
  const uint64_t sequence = next_key_++;
  if (options_.interleave) {
    // Same-instant events run in a seeded random order; the low half keeps keys unique.
    const uint64_t key =
        (schedule_rng_.next() & 0xffffffff00000000ULL) | (sequence & 0xffffffffULL);
    heap_push(Event{at, key, slot, token});
    return;
  }
  if (at == now_) {  // invariant 2
    Event& event = ready_.push_back();
    event.at = at;
    event.key = sequence;
    event.slot = slot;
    event.token = token;
    return;
  }
  heap_push(Event{at, sequence, slot, token});
}

// queue_ is a 4-ary min-heap on (at, key): half the levels of a binary one, and a node's four
// children share a cache line or two. Keys are unique, so the order events leave in is the one
// any heap gives.
void World::heap_push(const Event& event) {
  size_t i = queue_.size();
  queue_.push_back(event);
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!later(queue_[parent], event)) break;
    queue_[i] = queue_[parent];
    i = parent;
  }
  queue_[i] = event;
}

World::Event World::heap_pop() {
  const Event top = queue_.front();
  const Event last = queue_.back();
  queue_.pop_back();
  const size_t n = queue_.size();
  if (n == 0) return top;
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = std::min(first + 4, n);
    for (size_t c = first + 1; c < end; ++c) {
      if (later(queue_[best], queue_[c])) best = c;
    }
    if (!later(last, queue_[best])) break;
    queue_[i] = queue_[best];
    i = best;
  }
  queue_[i] = last;
  return top;
}

bool World::ready_is_next() const {
  // Invariant 2: the earlier of the two fronts is the earliest event of all.
  return !ready_.empty() && (queue_.empty() || later(queue_.front(), ready_.front()));
}

bool World::pop_event(Instant limit, Event& event) {
  const bool from_ready = ready_is_next();
  const Instant next = from_ready ? ready_.front().at : queue_.front().at;
  if (next > limit) return false;
  if (from_ready) {
    event = ready_.pop_front();
  } else {
    event = heap_pop();
  }
  return true;
}

void World::finish_fiber(detail::Fiber& f) {
  release_held_mutexes(f);
  if (f.parks) {
    idle_contexts_.push_back(IdleContext{std::move(f.context), f.guard_low, f.guard_high});
  }
  const uint32_t slot = f.slot;
  std::unique_ptr<detail::Fiber> owned = std::move(fibers_[slot]);
  free_slots_.push_back(slot);
  if (!kRecycleFibers || spare_fibers_.size() >= kSpareFibersMax) return;
  // Reset to a new fiber's state, keeping only the buffers of its name and held list (empty
  // already: release_held_mutexes emptied it).
  std::string name = std::move(owned->name);
  std::vector<Mutex*> held = std::move(owned->held);
  *owned = detail::Fiber{};
  name.clear();
  owned->name = std::move(name);
  owned->held = std::move(held);
  spare_fibers_.push_back(std::move(owned));
}

void World::destroy_fiber(detail::Fiber& f) {
  f.unwinding = true;
  if (!f.started) {  // never ran: nothing to unwind, and its body must not run now
    finish_fiber(f);
    return;
  }
  detail::Fiber* previous = current_;
  current_ = &f;
  // Destroying a suspended Boost.Context fiber unwinds its stack (forced_unwind): destructors run.
  f.context = boost::context::fiber();
  current_ = previous;
  finish_fiber(f);
}

void World::release_held_mutexes(detail::Fiber& f) {
  while (!f.held.empty()) f.held.back()->release_from(f);
}

void World::on_fiber_exception(detail::Fiber& f, std::exception_ptr error) {
  std::string what = "unknown exception";
  std::string where;  // the stack where it failed, when the exception carries one
  bool out_of_memory = false;
  try {
    std::rethrow_exception(error);
  } catch (const std::bad_alloc& e) {
    what = e.what();
    out_of_memory = true;
  } catch (const AssertionError& e) {
    what = e.what();
    if (!e.stack.empty()) where = describe_stack(e.stack);
  } catch (const std::exception& e) {
    what = fmt::format("{}: {}", boost::core::demangle(typeid(e).name()), e.what());
  } catch (...) {
  }
  if (out_of_memory) {
    // Memory ran out: the run ends as "resource", not as the implementation's crash, and nothing
    // is rethrown to the caller of run_*.
    if (!failure_) {
      failure_ =
          Failure{"resource",
                  fmt::format("memory ran out: {} got std::bad_alloc ({})", describe(f), what),
                  now_,
                  {f.node}};
    }
    return;
  }
  if (!fiber_error_) fiber_error_ = error;
  if (!failure_) {
    std::string message = describe(f) + " threw: " + what;
    if (!where.empty()) message += "\n  stack of the fiber where it failed:\n" + where;
    failure_ = Failure{"exception", std::move(message), now_, {f.node}};
  }
}

// ---------------------------------------------------------------- running

bool World::run_for(Duration duration) { return run_until(now_ + duration); }

bool World::run_until(Instant until) { return run_loop(until, nullptr); }

bool World::run_while(const std::function<bool()>& condition) {
  return run_loop(Instant::max(), &condition);
}

bool World::run_main(NodeId process, std::function<void()> body) {
  auto done = std::make_shared<bool>(false);
  spawn(process, "main", [done, body = std::move(body)] {
    body();
    *done = true;
  });
  return run_loop(Instant::max(), nullptr, done.get());
}

bool World::run_loop(Instant limit, const std::function<bool()>* condition, const bool* finished) {
  RunningScope scope(this);
  fiber_info_ = &running_fiber_info();  // this thread's
  const Stopwatch wall;
  const bool guarded = options_.guard.wall_ms_max > 0 || options_.guard.resident_bytes_max > 0;
  std::optional<detail::StallWatch> stall_watch;
  if (options_.guard.wall_ms_max > 0) {
    stall_watch.emplace(progress_, options_.guard.wall_ms_max, [this] { return stall_report(); });
  }
  // Fibers hand turns to each other (suspend) while this loop runs, and never after it returns.
  const LoopGoal goal{options_.hand_off, guarded, limit, condition, finished};
  loop_ = goal;
  struct LoopEnd {
    LoopGoal& goal;
    ~LoopEnd() { goal.active = false; }
  } loop_end{loop_};
  bool reached = false;
  while (!failure_) {
    if (goal.reached()) {
      reached = true;
      break;
    }
    if (queue_.empty() && ready_.empty()) {
      if (std::any_of(fibers_.begin(), fibers_.end(), [](auto& f) { return f != nullptr; })) {
        report_idle_deadlock();
        break;
      }
      if (condition != nullptr || finished != nullptr) {
        fail("deadlock", "deadlock: nothing is left to run, but the run's condition still holds");
        break;
      }
      now_ = std::max(now_, limit);
      reached = true;
      break;
    }
    Event event;
    if (!pop_event(limit, event)) {
      now_ = std::max(now_, limit);
      reached = true;
      break;
    }
    now_ = event.at;
    try {
      dispatch(event);
    } catch (const std::bad_alloc& error) {  // a callback (a packet delivery, a timer) ran out
      if (!failure_) {
        failure_ = Failure{"resource",
                           fmt::format("memory ran out: the runtime got std::bad_alloc ({}) "
                                       "dispatching event {}",
                                       error.what(), stats_.events),
                           now_,
                           {}};
      }
    }
    progress_.store(stats_.events, std::memory_order_relaxed);
    if (stats_.events >= options_.steps_max && !failure_) {
      fail("budget",
           "the run exceeded its step budget of " + std::to_string(options_.steps_max) + " events");
    }
    if ((stats_.events & (kGuardEvents - 1)) == 0 && guarded) check_guard(wall.seconds());
  }
  stats_.wall_seconds += wall.seconds();
  if (fiber_error_) std::rethrow_exception(std::exchange(fiber_error_, nullptr));
  return reached && !failure_;
}

void World::check_guard(double wall_s) {
  if (failure_) return;
  // Outside the simulation's logic: the wall clock and the process's size only decide whether
  // an oversized run stops, never what a run within both limits computes.
  const double spent_ms = (stats_.wall_seconds + wall_s) * 1000.0;
  const GuardOptions& guard = options_.guard;
  if (guard.wall_ms_max > 0 && spent_ms > static_cast<double>(guard.wall_ms_max)) {
    fail("resource", fmt::format("the run passed its wall-time limit of {} s at simulated time {} "
                                 "({} events)",
                                 static_cast<double>(guard.wall_ms_max) / 1000.0, to_string(now_),
                                 stats_.events));
    return;
  }
  if (guard.resident_bytes_max == 0 || (stats_.events & (kGuardEvents * 16 - 1)) != 0) return;
  const uint64_t resident = resident_bytes();
  if (resident > guard.resident_bytes_max) {
    fail("resource", fmt::format("the run passed its memory limit of {} MiB (the process holds {} "
                                 "MiB) at simulated time {} ({} events)",
                                 guard.resident_bytes_max >> 20, resident >> 20, to_string(now_),
                                 stats_.events));
  }
}

std::string World::stall_report() const {
  // The world's thread is inside the stuck fiber: the fiber and its node do not change.
  const detail::Fiber* f = running_.load(std::memory_order_relaxed);
  std::string text = fmt::format(
      "seed {}: {} never returns to the simulator (an endless loop that never waits?); the "
      "process stops, since a stuck fiber cannot be stopped from outside",
      options_.seed, f != nullptr ? describe(*f) : std::string("the run"));
  if (options_.guard.stall_note) text += "\n  " + options_.guard.stall_note(options_.seed);
  return text;
}

void World::dispatch(Event& event) {
  if (event.slot == kNoSlot) {
    ++stats_.events;
    // Moved out first: the callback may schedule more, which can grow callbacks_.
    std::function<void()> callback = std::move(callbacks_[event.token]);
    callbacks_[event.token] = nullptr;
    free_callbacks_.push_back(event.token);
    callback();
    return;
  }
  if (event.slot >= fibers_.size()) return;
  detail::Fiber* f = fibers_[event.slot].get();
  if (f == nullptr || f->token != event.token) return;  // stale (invariant 1)
  ++stats_.events;
  if (f->state == detail::FiberState::blocked) time_out(*f);
  resume(*f);
}

void World::time_out(detail::Fiber& f) {
  // Its deadline passed first. Leave the wait list now, so nothing is handed to it.
  if (f.waiter != nullptr && f.waiter->list != nullptr) f.waiter->list->remove(*f.waiter);
  f.wake_reason = WakeReason::timeout;
  TraceEvent trace_event;
  trace_event.at = now_;
  trace_event.kind = TraceKind::timer;
  trace_event.node = f.node;
  trace_event.id = f.id;
  trace_.record(std::move(trace_event));
}

void World::report_fiber_cap(NodeId spawner, const std::string& name) {
  std::vector<size_t> per_node(nodes_.size(), 0);
  for (const auto& fiber : fibers_) {
    if (fiber) ++per_node[static_cast<size_t>(fiber->node)];
  }
  const size_t busiest =
      static_cast<size_t>(std::max_element(per_node.begin(), per_node.end()) - per_node.begin());
  fail(Failure{
      "resource",
      fmt::format("fiber cap reached: node '{}' spawned fiber '{}' with {} fibers alive, "
                  "the cap (fibers_max); node '{}' holds {} of them. Bound the fibers "
                  "the implementation spawns (a fiber per RPC that nothing waits for piles up), or "
                  "raise the cap with --fibers-max or RAFTSIM_FIBERS_MAX",
                  node(spawner).name, name, options_.fibers_max, nodes_[busiest]->name,
                  per_node[busiest]),
      now_,
      {spawner}});
}

void World::report_idle_deadlock() {
  fail("deadlock",
       "deadlock: every fiber is blocked and no event is pending\n" + blocked_fibers_report());
}

// ---------------------------------------------------------------- reports

std::string World::describe(const detail::Fiber& f) const {
  return "fiber '" + f.name + "' (#" + std::to_string(f.id) + ") on node '" + node(f.node).name +
         "'";
}

std::string World::blocked_fibers_report() const {
  std::vector<const detail::Fiber*> blocked;
  for (const auto& f : fibers_) {
    if (f && f->state == detail::FiberState::blocked) blocked.push_back(f.get());
  }
  std::sort(blocked.begin(), blocked.end(), [](auto* a, auto* b) { return a->id < b->id; });
  std::string report;
  for (const detail::Fiber* f : blocked) {
    report += "  " + describe(*f) + " waits on " + f->wait.kind;
    if (!f->wait.object.empty()) report += " '" + std::string(f->wait.object) + "'";
    if (f->waiting_mutex != nullptr && f->waiting_mutex->owner() != nullptr) {
      report += " held by " + describe(*f->waiting_mutex->owner());
    }
    report += " since " + to_string(f->blocked_since) + "\n";
  }
  return report;
}

void World::check_no_lock_held(const char* operation) {
  detail::Fiber* f = current_;
  if (f == nullptr || f->held.empty()) return;
  const LockAcrossBlock policy = options_.detect.lock_across_block;
  if (policy == LockAcrossBlock::off) return;
  std::string message = describe(*f) + " blocks in " + operation + " while holding mutex '" +
                        f->held.back()->name() + "'";
  TraceEvent event;
  event.at = now_;
  event.kind = TraceKind::note;
  event.node = f->node;
  event.topic = "lock";
  event.text = message;
  trace_.record(std::move(event));
  if (policy == LockAcrossBlock::error)
    fail("lock", "lock held across a blocking call: " + message);
}

void World::fail(std::string kind, std::string message) {
  fail(Failure{std::move(kind), std::move(message), now_, {}});
}

void World::fail(Failure failure) {
  if (!failure_) {
    failure.at = now_;
    if (failure.nodes.empty() && current_ != nullptr) failure.nodes.push_back(current_->node);
    failure_ = std::move(failure);
  }
  // A failing fiber stops where it is; the loop ends the run before anything else happens.
  if (current_ != nullptr && !current_->unwinding) {
    block({"nothing (the run failed)", "", nullptr}, Instant::max());
  }
}

Stats World::stats() const {
  Stats s = stats_;
  const NetworkStats& net = network_->stats();
  s.messages_sent = net.sent;
  s.messages_delivered = net.delivered;
  s.messages_dropped = net.dropped;
  s.messages_duplicated = net.duplicated;
  s.bytes_sent = net.bytes_sent;
  s.simulated = now_.since_epoch();
  return s;
}

}  // namespace sim
