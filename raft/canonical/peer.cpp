#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "raft/canonical/format.h"
#include "raft/canonical/heap.h"
#include "raft/canonical/library.h"
#include "raft/canonical/make.h"
#include "sim/assert.h"
#include "sim/rng.h"
#include "sim/rpc.h"
#include "sim/runtime.h"
#include "sim/semaphore.h"
#include "sim/world.h"

namespace raft::canonical {
namespace {

using namespace libraft;  // the struct raft itself is written libraft::raft (library.h)

constexpr const char* kMethod = "canonical";

raft_id id_of(NodeId node) { return static_cast<raft_id>(node) + 1; }
NodeId node_of(raft_id id) { return static_cast<NodeId>(id) - 1; }

Bytes bytes_of(const void* data, size_t size) {
  const auto* begin = static_cast<const uint8_t*>(data);
  return Bytes(begin, begin + size);
}

// A copy of `bytes` in the library's heap (never a null pointer, so an empty command is valid).
void* library_copy(const Bytes& bytes) {
  void* block = raft_malloc(bytes.empty() ? 1 : bytes.size());
  RAFTSIM_ASSERT(block != nullptr);
  if (!bytes.empty()) std::memcpy(block, bytes.data(), bytes.size());
  return block;
}

// The entries in the library's heap as its own transport and disk code deliver them: one array,
// and one batch holding every entry's data, which the library frees when it is done with them.
// nullptr for none.
raft_entry* library_entries(const std::vector<WireEntry>& entries) {
  if (entries.empty()) return nullptr;
  size_t total = 0;
  for (const WireEntry& entry : entries) total += entry.data.size();
  auto* batch = static_cast<uint8_t*>(raft_malloc(total == 0 ? 1 : total));
  auto* array = static_cast<raft_entry*>(raft_calloc(entries.size(), sizeof(raft_entry)));
  RAFTSIM_ASSERT(batch != nullptr && array != nullptr);
  size_t offset = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const WireEntry& entry = entries[i];
    if (!entry.data.empty()) std::memcpy(batch + offset, entry.data.data(), entry.data.size());
    array[i] = {entry.term, entry.type, {batch + offset, entry.data.size()}, batch};
    offset += entry.data.size();
  }
  return array;
}

// The durable state, as the journal in the persister describes it.
struct Durable {
  uint64_t term = 0;
  uint64_t vote = 0;
  std::optional<Base> base;
  uint64_t first = 1;  // the index of entries[0]
  std::vector<WireEntry> entries;

  void apply(Record record) {
    switch (record.kind) {
      case Record::term:
        term = record.value;
        vote = 0;
        return;
      case Record::vote:
        vote = record.value;
        return;
      case Record::append:
        if (entries.empty()) {
          first = record.value;
        } else {
          RAFTSIM_ASSERT(record.value >= first && record.value <= first + entries.size());
          entries.resize(record.value - first);
        }
        for (WireEntry& entry : record.entries) entries.push_back(std::move(entry));
        return;
      case Record::truncate:
        if (record.value < first) {
          entries.clear();
        } else if (record.value - first < entries.size()) {
          entries.resize(record.value - first);
        }
        return;
      case Record::base:
        RAFTSIM_ASSERT(record.snapshot.has_value());
        base = std::move(record.snapshot);
        return;
    }
    RAFTSIM_ASSERT(false && "unknown journal record");
  }

  // The snapshot is durable: an installed one (trailing 0) replaces the whole log; a snapshot of
  // the node's own keeps `trailing` entries before it and every entry after it.
  void install(Base snapshot, unsigned trailing) {
    if (trailing == 0) {
      entries.clear();
      first = snapshot.index + 1;
    } else if (snapshot.index >= trailing && snapshot.index - trailing + 1 > first) {
      const uint64_t drop =
          std::min<uint64_t>(snapshot.index - trailing + 1 - first, entries.size());
      entries.erase(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(drop));
      first += drop;
    }
    base = std::move(snapshot);
  }

  // The whole journal: what a snapshot rewrites.
  Bytes encode() const {
    sim::wire::Writer w;
    sim::wire::put(w, Record{Record::term, term, {}, std::nullopt});
    if (vote != 0) sim::wire::put(w, Record{Record::vote, vote, {}, std::nullopt});
    if (base.has_value()) sim::wire::put(w, Record{Record::base, 0, {}, base});
    if (!entries.empty()) sim::wire::put(w, Record{Record::append, first, entries, std::nullopt});
    return w.take();
  }

  static Durable decode(const Bytes& journal) {
    Durable durable;
    sim::wire::Reader r(journal);
    while (r.ok() && !r.at_end()) {
      Record record;
      sim::wire::get(r, record);
      if (r.ok()) durable.apply(std::move(record));
    }
    // The disk never tears a record (sim/persister.h): a journal that does not decode is the
    // adapter's own bug.
    RAFTSIM_ASSERT(r.ok());
    return durable;
  }
};

// The log as the adapter handed it to the disk (the library's in-memory log, less the entry
// contents), with each entry's place among the commands the service sees.
class Mirror {
 public:
  struct Position {
    uint64_t commands = 0;      // commands at or before the entry
    uint64_t command_term = 0;  // the term of the last of them (0: none)
  };

  void reset(uint64_t base_index, Position base, uint64_t first) {
    base_index_ = base_index;
    base_ = base;
    first_ = first;
    start_ = base;
    entries_.clear();
  }
  // A snapshot of the node's own through `index`: the entries through index - trailing go.
  void compact(uint64_t index, unsigned trailing) {
    const std::optional<Position> at_index = at(index);
    RAFTSIM_ASSERT(at_index.has_value());
    base_index_ = index;
    base_ = *at_index;
    if (index < trailing || index - trailing + 1 <= first_) return;
    const uint64_t drop = std::min<uint64_t>(index - trailing + 1 - first_, entries_.size());
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
    first_ += drop;
  }
  uint64_t last_index() const { return first_ + entries_.size() - 1; }

  std::optional<Position> at(uint64_t index) const {
    if (index >= first_ && index - first_ < entries_.size()) return entries_[index - first_].at;
    if (index == base_index_ || (index == 0 && first_ == 1)) return base_;
    return std::nullopt;
  }
  bool is_command(uint64_t index) const {
    return index >= first_ && index - first_ < entries_.size() && entries_[index - first_].command;
  }
  uint64_t term_of(uint64_t index) const { return entries_[index - first_].term; }

  // Adds an entry at the end; returns its position. The entry at the base index takes the
  // base's position (entries kept before a snapshot are counted back from it, see reload).
  Position push(uint64_t term, bool command) {
    const uint64_t index = last_index() + 1;
    Position position;
    if (index == base_index_) {
      position = base_;
    } else {
      const Position before = at(index - 1).value_or(start_);
      position = before;
      if (command) position = {before.commands + 1, term};
    }
    entries_.push_back({term, command, position});
    return position;
  }
  // Where counting starts when the log begins before the base (a restart after a snapshot with
  // trailing entries): the commands before `first`. Their last term is unknown and unused (it is
  // the previous term only of entries inside the snapshot, whose events carry no information).
  void set_start(Position start) { start_ = start; }
  void truncate(uint64_t from) {
    if (from < first_) from = first_;
    if (from - first_ < entries_.size()) entries_.resize(from - first_);
  }

 private:
  struct Entry {
    uint64_t term = 0;
    bool command = false;
    Position at;
  };
  uint64_t base_index_ = 0;
  Position base_;
  uint64_t first_ = 1;
  Position start_;
  std::vector<Entry> entries_;
};

// Work for one fiber of the node, in order: push() never blocks; pop() waits for an item, and
// returns nullopt once the queue is stopped (the peer was killed), waking a waiting fiber.
template <class T>
class Queue {
 public:
  explicit Queue(std::string name) : ready_(0, std::move(name)) {}

  void push(T item) {
    items_.push_back(std::move(item));
    ready_.release();
  }
  std::optional<T> pop() {
    for (;;) {
      ready_.acquire();
      if (stopped_) return std::nullopt;
      if (items_.empty()) continue;  // cleared since it was pushed
      T item = std::move(items_.front());
      items_.pop_front();
      return item;
    }
  }
  void clear() { items_.clear(); }
  void stop() {
    stopped_ = true;
    ready_.release();
  }

 private:
  std::deque<T> items_;
  sim::Semaphore ready_;
  bool stopped_ = false;
};

class CanonicalPeer final : public Peer {
 public:
  explicit CanonicalPeer(PeerContext context);

  void boot();

  StartResult start(const Bytes& command) override;
  PeerState state() override;
  void snapshot(Index index, const Bytes& snapshot) override;
  void kill() override;

 private:
  struct DiskOp {
    std::optional<Record> record;  // appended to the journal
    std::optional<Base> snapshot;  // or: the journal rewritten around this snapshot
    unsigned trailing = 0;         //   keeping these entries before it (Durable::install)
    Bytes service;                 //   with the service's bytes
    std::function<void()> done;    // then, inside the library (may be empty)
    bool wait = false;             // a synchronous operation: its caller waits for it
  };

  static CanonicalPeer& of(raft_io* io) { return *static_cast<CanonicalPeer*>(io->impl); }
  static CanonicalPeer& of(raft_fsm* fsm) { return *static_cast<CanonicalPeer*>(fsm->data); }

  // Runs `body` inside the library: one fiber at a time, allocating in this instance's heap,
  // and then reports what the step changed.
  template <class Body>
  void inside(Body&& body) {
    gate_.acquire();
    Heap::make_current(&heap_);
    body();
    Heap::make_current(nullptr);
    report_state();
    gate_.release();
  }
  void report_state();
  void build_configuration(raft_configuration* configuration);
  // The durable snapshot as the library takes it (load, snapshot_get), in its heap.
  raft_snapshot* durable_snapshot();

  // Queues work for the I/O fiber, which runs it in order on the node.
  void post(std::function<void()> work);
  void io_loop();
  void disk(DiskOp op);
  void disk_loop();
  void apply_loop();
  void tick_loop();
  std::optional<Bytes> receive(const Bytes& bytes);
  void restore_image(Image image);

  // raft_io
  static int io_init(raft_io*, raft_id, const char*) { return 0; }
  static void io_close(raft_io* io, raft_io_close_cb cb) {
    if (cb != nullptr) cb(io);
  }
  static int io_load(raft_io* io, raft_term* term, raft_id* voted_for, raft_snapshot** snapshot,
                     raft_index* start_index, raft_entry** entries, size_t* n_entries);
  static int io_start(raft_io* io, unsigned msecs, raft_io_tick_cb tick, raft_io_recv_cb recv);
  static int io_bootstrap(raft_io* io, const raft_configuration* configuration);
  static int io_recover(raft_io*, const raft_configuration*) { return RAFT_IOERR; }
  static int io_set_term(raft_io* io, raft_term term);
  static int io_set_vote(raft_io* io, raft_id server_id);
  static int io_send(raft_io* io, raft_io_send* req, const raft_message* message,
                     raft_io_send_cb cb);
  static int io_append(raft_io* io, raft_io_append* req, const raft_entry entries[], unsigned n,
                       raft_io_append_cb cb);
  static int io_truncate(raft_io* io, raft_index index);
  static int io_snapshot_put(raft_io* io, unsigned trailing, raft_io_snapshot_put* req,
                             const raft_snapshot* snapshot, raft_io_snapshot_put_cb cb);
  static int io_snapshot_get(raft_io* io, raft_io_snapshot_get* req, raft_io_snapshot_get_cb cb);
  static raft_time io_time(raft_io* io);
  static int io_random(raft_io* io, int min, int max);
  static int io_async_work(raft_io* io, raft_io_async_work* req, raft_io_async_work_cb cb);

  // raft_fsm
  static int fsm_apply(raft_fsm* fsm, const raft_buffer* buf, void** result);
  static int fsm_snapshot(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs);
  static int fsm_restore(raft_fsm* fsm, raft_buffer* buf);

  static void on_applied(struct raft_apply* req, int, void*) { raft_free(req); }

  // Declared first, destroyed last: everything the library allocated goes with it.
  Heap heap_;
  PeerContext ctx_;
  NodeId me_;
  Observer& observer_;
  std::vector<std::string> addresses_;  // per node: the library's address strings
  sim::Rng rng_;

  libraft::raft raft_{};
  raft_io io_{};
  raft_fsm fsm_{};
  raft_tracer tracer_{};
  sim::Semaphore gate_{1, "canonical library"};
  bool killed_ = false;

  // I/O state.
  unsigned tick_ms_ = 0;
  raft_io_tick_cb tick_cb_ = nullptr;
  raft_io_recv_cb recv_cb_ = nullptr;
  Mirror mirror_;
  Durable durable_;
  Queue<std::function<void()>> io_queue_{"canonical io"};
  Queue<DiskOp> disk_queue_{"canonical disk"};
  sim::Semaphore disk_synced_{0, "canonical sync"};

  // The state machine: what goes to the service.
  uint64_t applied_ = 0;        // commands the library applied
  uint64_t applied_term_ = 0;   // the term of the last of them
  uint64_t service_index_ = 0;  // the service's last snapshot (raft::Peer::snapshot)
  uint64_t service_term_ = 0;
  Bytes service_bytes_;
  uint64_t taken_index_ = 0;       // the service snapshot in the library's last snapshot
  std::vector<TailCommand> tail_;  // commands service_index_ + 1 .. applied_
  Queue<ApplyMsg> apply_queue_{"canonical apply"};
  uint64_t delivered_ = 0;  // the last command index the service was given

  // What the observer was told.
  int reported_state_ = RAFT_UNAVAILABLE;
  uint64_t reported_term_ = 0;
  uint64_t reported_commit_ = 0;
};

CanonicalPeer::CanonicalPeer(PeerContext context)
    : ctx_(std::move(context)), me_(ctx_.me), observer_(*ctx_.observer), rng_(sim::rng().next()) {
  RAFTSIM_ASSERT(ctx_.persister != nullptr && ctx_.apply != nullptr);
  for (size_t node = 0; node < ctx_.peers.size(); ++node) {
    addresses_.push_back(std::to_string(node + 1));
  }
  io_.version = 2;
  io_.impl = this;
  io_.init = &io_init;
  io_.close = &io_close;
  io_.load = &io_load;
  io_.start = &io_start;
  io_.bootstrap = &io_bootstrap;
  io_.recover = &io_recover;
  io_.set_term = &io_set_term;
  io_.set_vote = &io_set_vote;
  io_.send = &io_send;
  io_.append = &io_append;
  io_.truncate = &io_truncate;
  io_.snapshot_put = &io_snapshot_put;
  io_.snapshot_get = &io_snapshot_get;
  io_.time = &io_time;
  io_.random = &io_random;
  io_.async_work = &io_async_work;
  fsm_.version = 1;
  fsm_.data = this;
  fsm_.apply = &fsm_apply;
  fsm_.snapshot = &fsm_snapshot;
  fsm_.restore = &fsm_restore;
  // The library's trace messages, as the log's "library" topic, when someone reads the trace
  // (they never reach the fingerprint; formatting them costs the library time otherwise).
  tracer_.enabled = observer_.wants_notes();
  tracer_.impl = this;
  tracer_.emit = [](raft_tracer* tracer, const char* file, int line, const char* message) {
    auto* self = static_cast<CanonicalPeer*>(tracer->impl);
    self->observer_.on_note(self->me_, fmt::format("{}:{} {}", file, line, message));
  };
}

void CanonicalPeer::boot() {
  Heap::install();
  sim::go("canonical disk", [this] { disk_loop(); });
  sim::go("canonical io", [this] { io_loop(); });
  sim::go("canonical applier", [this] { apply_loop(); });
  const RaftOptions& options = ctx_.options;
  Heap::make_current(&heap_);
  int rv = raft_init(&raft_, &io_, &fsm_, id_of(me_), addresses_[me_].c_str());
  RAFTSIM_ASSERT(rv == 0);
  raft_.tracer = &tracer_;
  raft_set_heartbeat_timeout(&raft_,
                             static_cast<unsigned>(options.heartbeat_interval.ns() / 1000000));
  // The library draws each timeout in [election_timeout, 2 * election_timeout).
  raft_set_election_timeout(&raft_,
                            static_cast<unsigned>(options.election_timeout_min.ns() / 1000000));
  // A snapshot is tried after every applied batch, and taken when the service gave a new one.
  raft_set_snapshot_threshold(&raft_, 1);
  // Trailing 0 means "install" in the I/O contract; 1 keeps the log as short as the library
  // allows, so the service's size limit (a KV service's maxraftstate) holds.
  raft_set_snapshot_trailing(&raft_, 1);
  Heap::make_current(nullptr);
  sim::rpc::handle_raw(kMethod, [this](const Bytes& bytes) { return receive(bytes); });
  // Bootstrapping a fresh node writes to its disk, which blocks: the factory returns at once (the
  // Peer contract) and the library starts in a fiber of its own. Until then the peer is a
  // follower of no term, and start() waits for the gate.
  sim::go("canonical boot", [this] {
    inside([this] {
      if (ctx_.persister->raft_state_size() == 0) {
        raft_configuration configuration;
        build_configuration(&configuration);
        const int bootstrapped = raft_bootstrap(&raft_, &configuration);
        raft_configuration_close(&configuration);
        RAFTSIM_ASSERT(bootstrapped == 0);
      }
      const int started = raft_start(&raft_);
      RAFTSIM_ASSERT(started == 0);
    });
  });
}

raft_snapshot* CanonicalPeer::durable_snapshot() {
  RAFTSIM_ASSERT(durable_.base.has_value());
  const Base& base = *durable_.base;
  auto* snapshot = static_cast<raft_snapshot*>(raft_calloc(1, sizeof(raft_snapshot)));
  RAFTSIM_ASSERT(snapshot != nullptr);
  snapshot->index = base.index;
  snapshot->term = base.term;
  build_configuration(&snapshot->configuration);
  snapshot->configuration_index = base.configuration_index;
  const Bytes image = sim::wire::encode(Image{base.meta, ctx_.persister->read_snapshot()});
  snapshot->bufs = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
  RAFTSIM_ASSERT(snapshot->bufs != nullptr);
  snapshot->bufs[0] = {library_copy(image), image.size()};
  snapshot->n_bufs = 1;
  return snapshot;
}

void CanonicalPeer::build_configuration(raft_configuration* configuration) {
  raft_configuration_init(configuration);
  for (size_t node = 0; node < addresses_.size(); ++node) {
    const int rv = raft_configuration_add(configuration, id_of(static_cast<NodeId>(node)),
                                          addresses_[node].c_str(), RAFT_VOTER);
    RAFTSIM_ASSERT(rv == 0);
  }
}

void CanonicalPeer::report_state() {
  const int state = raft_.state;
  if (state == RAFT_UNAVAILABLE) return;
  if (state != reported_state_ || raft_.current_term != reported_term_) {
    reported_state_ = state;
    reported_term_ = raft_.current_term;
    const Role role = state == RAFT_LEADER      ? Role::leader
                      : state == RAFT_CANDIDATE ? Role::candidate
                                                : Role::follower;
    observer_.on_role(me_, raft_.current_term, role);
  }
  const std::optional<Mirror::Position> commit = mirror_.at(raft_.commit_index);
  if (commit.has_value() && commit->commands > reported_commit_) {
    reported_commit_ = commit->commands;
    observer_.on_commit(me_, reported_commit_);
  }
}

StartResult CanonicalPeer::start(const Bytes& command) {
  StartResult result;
  if (killed_) return result;
  inside([&] {
    result.term = raft_.current_term;
    if (raft_.state != RAFT_LEADER) return;
    raft_buffer buf{library_copy(command), command.size()};
    auto* req = static_cast<struct raft_apply*>(raft_malloc(sizeof(struct raft_apply)));
    RAFTSIM_ASSERT(req != nullptr);
    const int rv = raft_apply(&raft_, req, &buf, 1, &on_applied);
    if (rv != 0) {
      // Refused before the command reached the log (a leadership transfer): nothing was taken.
      raft_free(req);
      if (rv == RAFT_NOTLEADER) raft_free(buf.base);
      return;
    }
    const std::optional<Mirror::Position> at = mirror_.at(req->index);
    RAFTSIM_ASSERT(at.has_value() && mirror_.is_command(req->index));
    result = {at->commands, raft_.current_term, true};
  });
  return result;
}

PeerState CanonicalPeer::state() {
  return {raft_.current_term, !killed_ && raft_.state == RAFT_LEADER};
}

void CanonicalPeer::snapshot(Index index, const Bytes& snapshot) {
  if (index <= service_index_ || index > applied_) return;
  const uint64_t kept = index - service_index_;  // commands of the tail the snapshot covers
  service_term_ = tail_[kept - 1].term;
  tail_.erase(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(kept));
  service_index_ = index;
  service_bytes_ = snapshot;
}

void CanonicalPeer::kill() {
  killed_ = true;
  io_queue_.stop();
  apply_queue_.stop();
}

// --- Fibers ---------------------------------------------------------------------------------

void CanonicalPeer::post(std::function<void()> work) { io_queue_.push(std::move(work)); }

void CanonicalPeer::io_loop() {
  for (;;) {
    std::optional<std::function<void()>> work = io_queue_.pop();
    if (!work.has_value()) return;
    (*work)();
  }
}

void CanonicalPeer::disk(DiskOp op) {
  const bool wait = op.wait;
  disk_queue_.push(std::move(op));
  if (!wait) return;
  disk_synced_.acquire();
  Heap::make_current(&heap_);  // other fibers ran meanwhile
}

void CanonicalPeer::disk_loop() {
  for (;;) {
    DiskOp op = std::move(*disk_queue_.pop());  // never stopped: the disk runs until the crash
    if (op.snapshot.has_value()) {
      Durable next = durable_;
      next.install(std::move(*op.snapshot), op.trailing);
      ctx_.persister->save(next.encode(), std::move(op.service));
      durable_ = std::move(next);
    } else {
      ctx_.persister->append_raft_state(sim::wire::encode(*op.record));
      durable_.apply(std::move(*op.record));
    }
    const std::optional<Mirror::Position> last =
        durable_.entries.empty() ? std::optional<Mirror::Position>()
                                 : mirror_.at(durable_.first + durable_.entries.size() - 1);
    observer_.on_persist(me_, durable_.term,
                         durable_.vote == 0 ? sim::kNoNode : node_of(durable_.vote),
                         last.has_value() ? last->commands : 0);
    if (op.wait) disk_synced_.release();
    if (op.done) post([this, done = std::move(op.done)] { inside(done); });
  }
}

void CanonicalPeer::tick_loop() {
  for (;;) {
    sim::sleep_for(sim::Duration::milliseconds(tick_ms_));
    if (killed_) return;
    inside([this] { tick_cb_(&io_); });
  }
}

void CanonicalPeer::apply_loop() {
  for (;;) {
    std::optional<ApplyMsg> next = apply_queue_.pop();
    if (!next.has_value()) return;
    ApplyMsg msg = std::move(*next);
    if (msg.command_valid) {
      if (msg.command_index <= delivered_) continue;  // a snapshot covered it
      RAFTSIM_ASSERT(msg.command_index == delivered_ + 1);
      delivered_ = msg.command_index;
    } else {
      if (msg.snapshot_index <= delivered_) continue;  // older than what the service has
      delivered_ = msg.snapshot_index;
    }
    observer_.on_apply(me_, msg);
    if (!ctx_.apply->send(std::move(msg))) return;
  }
}

// --- Network --------------------------------------------------------------------------------

int CanonicalPeer::io_send(raft_io* io, raft_io_send* req, const raft_message* message,
                           raft_io_send_cb cb) {
  CanonicalPeer& self = of(io);
  Message out;
  out.type = static_cast<uint8_t>(message->type);
  out.from = id_of(self.me_);
  switch (message->type) {
    case RAFT_IO_REQUEST_VOTE: {
      const raft_request_vote& m = message->request_vote;
      out.term = m.term;
      out.candidate_id = m.candidate_id;
      out.last_log_index = m.last_log_index;
      out.last_log_term = m.last_log_term;
      out.disrupt_leader = m.disrupt_leader;
      out.pre_vote = m.pre_vote;
      break;
    }
    case RAFT_IO_REQUEST_VOTE_RESULT: {
      const raft_request_vote_result& m = message->request_vote_result;
      out.term = m.term;
      out.vote_granted = m.vote_granted;
      out.pre_vote_result = static_cast<uint8_t>(m.pre_vote);
      break;
    }
    case RAFT_IO_APPEND_ENTRIES: {
      const raft_append_entries& m = message->append_entries;
      out.term = m.term;
      out.prev_log_index = m.prev_log_index;
      out.prev_log_term = m.prev_log_term;
      out.leader_commit = m.leader_commit;
      out.entries.reserve(m.n_entries);
      for (unsigned i = 0; i < m.n_entries; ++i) {
        const raft_entry& entry = m.entries[i];
        out.entries.push_back({entry.term, static_cast<uint8_t>(entry.type),
                               bytes_of(entry.buf.base, entry.buf.len)});
      }
      break;
    }
    case RAFT_IO_APPEND_ENTRIES_RESULT: {
      const raft_append_entries_result& m = message->append_entries_result;
      out.term = m.term;
      out.rejected = m.rejected;
      out.last_log_index = m.last_log_index;
      break;
    }
    case RAFT_IO_INSTALL_SNAPSHOT: {
      const raft_install_snapshot& m = message->install_snapshot;
      out.term = m.term;
      out.last_log_index = m.last_index;
      out.last_log_term = m.last_term;
      out.configuration_index = m.conf_index;
      out.data = bytes_of(m.data.base, m.data.len);
      break;
    }
    case RAFT_IO_TIMEOUT_NOW: {
      const raft_timeout_now& m = message->timeout_now;
      out.term = m.term;
      out.last_log_index = m.last_log_index;
      out.last_log_term = m.last_log_term;
      break;
    }
    default:
      return RAFT_MALFORMED;
  }
  const NodeId to = node_of(message->server_id);
  if (to < 0 || static_cast<size_t>(to) >= self.addresses_.size()) return RAFT_NOCONNECTION;
  // Sent from the node (the library may run in a tester's fiber: start()), through the peer's
  // end, so the tester's network (its cuts, losses and RPC counts) applies. The end's calls are
  // request and reply; the reply (an empty acknowledgement) is not waited for: the send completes
  // when the message has left, as a socket write does, and the library's own messages answer.
  self.post([&self, to, req, cb, bytes = sim::wire::encode(out)]() mutable {
    std::shared_ptr<PeerEnd> end = self.ctx_.peers[static_cast<size_t>(to)];
    RAFTSIM_ASSERT(end != nullptr);
    sim::go("canonical send",
            [end = std::move(end), bytes = std::move(bytes)] { end->call_raw(kMethod, bytes); });
    self.inside([req, cb] { cb(req, 0); });
  });
  return 0;
}

std::optional<Bytes> CanonicalPeer::receive(const Bytes& bytes) {
  if (killed_ || recv_cb_ == nullptr) return std::nullopt;  // the sender's call fails
  std::optional<Message> decoded = sim::wire::decode<Message>(bytes);
  if (!decoded.has_value()) return std::nullopt;  // garbage: dropped
  const Message& in = *decoded;
  const NodeId from = node_of(in.from);
  if (from < 0 || static_cast<size_t>(from) >= addresses_.size()) return std::nullopt;
  inside([&] {
    raft_message message{};
    message.type = in.type;
    message.server_id = in.from;
    message.server_address = addresses_[from].c_str();
    switch (in.type) {
      case RAFT_IO_REQUEST_VOTE:
        message.request_vote = {in.term,          in.candidate_id,   in.last_log_index,
                                in.last_log_term, in.disrupt_leader, in.pre_vote};
        break;
      case RAFT_IO_REQUEST_VOTE_RESULT:
        message.request_vote_result = {in.term, in.vote_granted,
                                       static_cast<raft_tribool>(in.pre_vote_result)};
        break;
      case RAFT_IO_APPEND_ENTRIES: {
        raft_append_entries& m = message.append_entries;
        m.term = in.term;
        m.prev_log_index = in.prev_log_index;
        m.prev_log_term = in.prev_log_term;
        m.leader_commit = in.leader_commit;
        m.n_entries = static_cast<unsigned>(in.entries.size());
        m.entries = library_entries(in.entries);
        break;
      }
      case RAFT_IO_APPEND_ENTRIES_RESULT:
        message.append_entries_result = {in.term, in.rejected, in.last_log_index};
        break;
      case RAFT_IO_INSTALL_SNAPSHOT: {
        raft_install_snapshot& m = message.install_snapshot;
        m.term = in.term;
        m.last_index = in.last_log_index;
        m.last_term = in.last_log_term;
        build_configuration(&m.conf);
        m.conf_index = in.configuration_index;
        m.data = {library_copy(in.data), in.data.size()};
        break;
      }
      case RAFT_IO_TIMEOUT_NOW:
        message.timeout_now = {in.term, in.last_log_index, in.last_log_term};
        break;
      default:
        return;  // unknown type: dropped, as the library's own transport does
    }
    recv_cb_(&io_, &message);
  });
  return Bytes{};  // the acknowledgement that ends the sender's call
}

// --- Disk -----------------------------------------------------------------------------------

int CanonicalPeer::io_load(raft_io* io, raft_term* term, raft_id* voted_for,
                           raft_snapshot** snapshot, raft_index* start_index, raft_entry** entries,
                           size_t* n_entries) {
  CanonicalPeer& self = of(io);
  // Only what is durable: a restart after a crash sees what the last completed fsync left.
  self.durable_ = Durable::decode(self.ctx_.persister->read_raft_state());
  const Durable& durable = self.durable_;
  *term = durable.term;
  *voted_for = durable.vote;
  *snapshot = nullptr;
  Mirror::Position base_position;
  uint64_t base_index = 0;
  if (durable.base.has_value()) {
    const Base& base = *durable.base;
    base_index = base.index;
    base_position = {base.meta.commands, base.meta.command_term};
    *snapshot = self.durable_snapshot();
  }
  *start_index = durable.entries.empty() ? base_index + 1 : durable.first;
  self.mirror_.reset(base_index, base_position, *start_index);
  // Entries kept before the snapshot are counted back from it.
  uint64_t commands_before_base = 0;
  for (size_t i = 0; i < durable.entries.size() && durable.first + i <= base_index; ++i) {
    if (durable.entries[i].type == RAFT_COMMAND) ++commands_before_base;
  }
  self.mirror_.set_start({base_position.commands - commands_before_base, 0});
  *n_entries = durable.entries.size();
  *entries = library_entries(durable.entries);
  for (const WireEntry& entry : durable.entries) {
    self.mirror_.push(entry.term, entry.type == RAFT_COMMAND);
  }
  // The restored log, as the observer's contract asks at boot.
  if (base_position.commands > 0) {
    self.observer_.on_snapshot(self.me_, base_position.commands, base_position.command_term);
  }
  for (uint64_t index = std::max<uint64_t>(*start_index, base_index + 1);
       index <= self.mirror_.last_index(); ++index) {
    if (!self.mirror_.is_command(index)) continue;
    const Mirror::Position at = *self.mirror_.at(index);
    const Mirror::Position before = *self.mirror_.at(index - 1);
    const WireEntry& entry = durable.entries[index - durable.first];
    self.observer_.on_append(self.me_, at.commands, at.command_term, before.command_term,
                             entry.data);
  }
  self.reported_commit_ = base_position.commands;
  self.observer_.on_commit(self.me_, base_position.commands);
  return 0;
}

int CanonicalPeer::io_start(raft_io* io, unsigned msecs, raft_io_tick_cb tick,
                            raft_io_recv_cb recv) {
  CanonicalPeer& self = of(io);
  self.tick_ms_ = msecs;
  self.tick_cb_ = tick;
  self.recv_cb_ = recv;
  sim::go("canonical tick", [&self] { self.tick_loop(); });
  return 0;
}

int CanonicalPeer::io_bootstrap(raft_io* io, const raft_configuration* configuration) {
  CanonicalPeer& self = of(io);
  if (self.ctx_.persister->raft_state_size() != 0) return RAFT_CANTBOOTSTRAP;
  raft_buffer encoded{};
  const int rv = raft_configuration_encode(configuration, &encoded);
  if (rv != 0) return rv;
  Record entry{Record::append, 1, {{1, RAFT_CHANGE, bytes_of(encoded.base, encoded.len)}}, {}};
  raft_free(encoded.base);
  self.disk({Record{Record::term, 1, {}, std::nullopt}, std::nullopt, 0, {}, {}, false});
  self.disk({std::move(entry), std::nullopt, 0, {}, {}, true});
  return 0;
}

int CanonicalPeer::io_set_term(raft_io* io, raft_term term) {
  CanonicalPeer& self = of(io);
  self.disk({Record{Record::term, term, {}, std::nullopt}, std::nullopt, 0, {}, {}, true});
  return 0;
}

int CanonicalPeer::io_set_vote(raft_io* io, raft_id server_id) {
  CanonicalPeer& self = of(io);
  self.disk({Record{Record::vote, server_id, {}, std::nullopt}, std::nullopt, 0, {}, {}, true});
  // set_term blocks until durable and the disk keeps issue order: the durable term is the one
  // this vote is cast in.
  if (server_id != 0) self.observer_.on_vote(self.me_, self.durable_.term, node_of(server_id));
  return 0;
}

int CanonicalPeer::io_append(raft_io* io, raft_io_append* req, const raft_entry entries[],
                             unsigned n, raft_io_append_cb cb) {
  CanonicalPeer& self = of(io);
  Record record{Record::append, self.mirror_.last_index() + 1, {}, std::nullopt};
  record.entries.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    const raft_entry& entry = entries[i];
    Bytes data = bytes_of(entry.buf.base, entry.buf.len);
    const bool command = entry.type == RAFT_COMMAND;
    const Term before = self.mirror_.at(self.mirror_.last_index())->command_term;
    const Mirror::Position at = self.mirror_.push(entry.term, command);
    if (command) self.observer_.on_append(self.me_, at.commands, entry.term, before, data);
    record.entries.push_back({entry.term, static_cast<uint8_t>(entry.type), std::move(data)});
  }
  self.disk({std::move(record), std::nullopt, 0, {}, [req, cb] { cb(req, 0); }, false});
  return 0;
}

int CanonicalPeer::io_truncate(raft_io* io, raft_index index) {
  CanonicalPeer& self = of(io);
  const std::optional<Mirror::Position> before = self.mirror_.at(index - 1);
  RAFTSIM_ASSERT(before.has_value());
  self.mirror_.truncate(index);
  self.observer_.on_truncate(self.me_, before->commands + 1);
  self.disk({Record{Record::truncate, index, {}, std::nullopt}, std::nullopt, 0, {}, {}, false});
  return 0;
}

int CanonicalPeer::io_snapshot_put(raft_io* io, unsigned trailing, raft_io_snapshot_put* req,
                                   const raft_snapshot* snapshot, raft_io_snapshot_put_cb cb) {
  CanonicalPeer& self = of(io);
  Bytes image_bytes;
  for (unsigned i = 0; i < snapshot->n_bufs; ++i) {
    const raft_buffer& buf = snapshot->bufs[i];
    const Bytes part = bytes_of(buf.base, buf.len);
    image_bytes.insert(image_bytes.end(), part.begin(), part.end());
  }
  std::optional<Image> image = sim::wire::decode<Image>(image_bytes);
  // Every snapshot is one the adapter's state machine made, here or on another node.
  RAFTSIM_ASSERT(image.has_value());
  const ImageMeta& meta = image->meta;
  if (trailing == 0) {
    // An installed snapshot (the library's contract): it replaces the whole log.
    self.mirror_.reset(snapshot->index, {meta.commands, meta.command_term}, snapshot->index + 1);
  } else {
    self.mirror_.compact(snapshot->index, trailing);
    RAFTSIM_ASSERT(self.mirror_.at(snapshot->index)->commands == meta.commands);
  }
  if (meta.commands > 0) self.observer_.on_snapshot(self.me_, meta.commands, meta.command_term);
  Base base{snapshot->index, snapshot->term, snapshot->configuration_index, meta};
  self.disk({std::nullopt, std::move(base), trailing, std::move(image->service),
             [req, cb] { cb(req, 0); }, false});
  return 0;
}

int CanonicalPeer::io_snapshot_get(raft_io* io, raft_io_snapshot_get* req,
                                   raft_io_snapshot_get_cb cb) {
  CanonicalPeer& self = of(io);
  self.post(
      [&self, req, cb] { self.inside([&self, req, cb] { cb(req, self.durable_snapshot(), 0); }); });
  return 0;
}

raft_time CanonicalPeer::io_time(raft_io* io) {
  CanonicalPeer& self = of(io);
  // The node's own (drifting) clock, whichever fiber asks.
  return static_cast<raft_time>(sim::world().local_now(self.me_).ns() / 1000000);
}

int CanonicalPeer::io_random(raft_io* io, int min, int max) {
  CanonicalPeer& self = of(io);
  if (max <= min) return min;
  return static_cast<int>(self.rng_.between(min, max - 1));
}

int CanonicalPeer::io_async_work(raft_io* io, raft_io_async_work* req, raft_io_async_work_cb cb) {
  CanonicalPeer& self = of(io);
  self.post([&self, req, cb] {
    self.inside([req, cb] {
      const int status = req->work(req);
      cb(req, status);
    });
  });
  return 0;
}

// --- State machine --------------------------------------------------------------------------

int CanonicalPeer::fsm_apply(raft_fsm* fsm, const raft_buffer* buf, void** result) {
  CanonicalPeer& self = of(fsm);
  const raft_index index = self.raft_.last_applied + 1;
  const std::optional<Mirror::Position> at = self.mirror_.at(index);
  RAFTSIM_ASSERT(at.has_value() && self.mirror_.is_command(index));
  RAFTSIM_ASSERT(at->commands == self.applied_ + 1);
  self.applied_ = at->commands;
  self.applied_term_ = at->command_term;
  Bytes command = bytes_of(buf->base, buf->len);
  self.tail_.push_back({at->command_term, command});
  ApplyMsg msg;
  msg.command_valid = true;
  msg.command = std::move(command);
  msg.command_index = at->commands;
  msg.command_term = at->command_term;
  self.apply_queue_.push(std::move(msg));
  *result = nullptr;
  return 0;
}

int CanonicalPeer::fsm_snapshot(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs) {
  CanonicalPeer& self = of(fsm);
  // The library snapshots when the service has given a snapshot it has not taken yet.
  if (self.service_index_ <= self.taken_index_) return RAFT_BUSY;
  Image image{
      {self.applied_, self.applied_term_, self.service_index_, self.service_term_, self.tail_},
      self.service_bytes_};
  const Bytes bytes = sim::wire::encode(image);
  *bufs = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
  RAFTSIM_ASSERT(*bufs != nullptr);
  (*bufs)[0] = {library_copy(bytes), bytes.size()};
  *n_bufs = 1;
  self.taken_index_ = self.service_index_;
  return 0;
}

int CanonicalPeer::fsm_restore(raft_fsm* fsm, raft_buffer* buf) {
  CanonicalPeer& self = of(fsm);
  std::optional<Image> image = sim::wire::decode<Image>(
      std::span<const uint8_t>(static_cast<uint8_t*>(buf->base), buf->len));
  raft_free(buf->base);  // the state machine owns it now
  RAFTSIM_ASSERT(image.has_value());
  self.restore_image(std::move(*image));
  return 0;
}

void CanonicalPeer::restore_image(Image image) {
  ImageMeta& meta = image.meta;
  applied_ = meta.commands;
  applied_term_ = meta.command_term;
  service_index_ = meta.service_index;
  service_term_ = meta.service_term;
  service_bytes_ = image.service;
  taken_index_ = meta.service_index;
  // What was queued for the service is older than the snapshot, or the snapshot's tail says it
  // again: the service gets the snapshot, then the commands after it.
  apply_queue_.clear();
  if (meta.service_index > 0) {
    ApplyMsg msg;
    msg.snapshot_valid = true;
    msg.snapshot = std::move(image.service);
    msg.snapshot_index = meta.service_index;
    msg.snapshot_term = meta.service_term;
    apply_queue_.push(std::move(msg));
  }
  uint64_t index = meta.service_index;
  for (const TailCommand& command : meta.tail) {
    ApplyMsg msg;
    msg.command_valid = true;
    msg.command = command.command;
    msg.command_index = ++index;
    msg.command_term = command.term;
    apply_queue_.push(std::move(msg));
  }
  tail_ = std::move(meta.tail);
}

}  // namespace

std::shared_ptr<Peer> make_canonical(PeerContext context) {
  auto peer = std::make_shared<CanonicalPeer>(std::move(context));
  sim::keep(peer);  // fibers hold `this`: the peer lives exactly as long as the node's life
  peer->boot();
  return peer;
}

}  // namespace raft::canonical
