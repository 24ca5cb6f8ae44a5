// The trace: every observable event of a run, and the run's fingerprint.
//
// Contract: each event is folded into a running 64-bit fingerprint through a canonical encoding
// (fixed field order, integers as 64-bit words, strings as length then bytes; a note recorded as
// numbers as the text it renders to, sim/trace_text.h), so the same
// scenario, seed and binary give the same fingerprint on any machine and compiler. The most recent
// events are kept in a ring for failure reports; all events are kept only when asked (record_all).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/ids.h"
#include "sim/time.h"
#include "sim/trace_text.h"

namespace sim {

enum class TraceKind : uint8_t {
  spawn,      // a fiber was created (id = fiber id, text = its name)
  timer,      // a sleeping fiber's timer fired (id = fiber id)
  send,       // a packet left `node` for `peer` (id = packet id, size = bytes)
  deliver,    // a packet reached `node` from `peer`
  drop,       // a packet was lost (text says why)
  duplicate,  // the network duplicated a packet
  crash,      // a node crashed: its fibers and volatile state are gone
  restart,    // a node booted again from its disk
  persist,    // durable state written (size = bytes)
  fault,      // a fault was injected or healed (text describes it)
  note,       // a protocol-level event reported by a layer above sim (topic + text)
};

const char* to_string(TraceKind kind);

struct TraceEvent {
  Instant at;
  TraceKind kind = TraceKind::note;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;
  uint64_t id = 0;
  uint64_t size = 0;
  std::string topic;
  TraceText text;
};

struct TraceOptions {
  bool record_all = false;  // keep every event (for --trace exports and divergence reports)
  size_t recent_max = 64;   // events kept for failure reports; 0 keeps none
};

class Trace {
 public:
  explicit Trace(TraceOptions options = {});

  void record(TraceEvent&& event);
  void record(const TraceEvent& event) { record(TraceEvent(event)); }
  // An event for the eyes only: kept, listened to and exported like any other, but not folded
  // into the fingerprint, so that a run's fingerprint is the same whether or not anyone watches.
  // For state that the folded events already decide (a leader's view of a follower's log).
  void record_view(TraceEvent&& event);
  void record_view(const TraceEvent& event) { record_view(TraceEvent(event)); }
  // Someone reads the events (a listener, or every event kept): view events are worth making.
  bool watched() const { return listener_ != nullptr || options_.record_all; }

  uint64_t fingerprint() const { return fingerprint_; }
  uint64_t count() const { return count_; }
  // The last `recent_max` events, oldest first.
  std::vector<TraceEvent> recent() const;
  // Every event, when record_all is set; empty otherwise.
  const std::vector<TraceEvent>& all() const { return all_; }
  // Called for every event as it is recorded (for live logs). Must not record events itself.
  void set_listener(std::function<void(const TraceEvent&)> listener) {
    listener_ = std::move(listener);
  }

  // One JSON object per line: {"at_ns":..,"kind":"send","node":0,"peer":1,...}.
  static std::string to_json(const TraceEvent& event);
  void write_jsonl(std::ostream& out) const;

  // The fingerprint contribution of one event, folded into `h`.
  static uint64_t fold(uint64_t h, const TraceEvent& event);

 private:
  TraceOptions options_;
  uint64_t fingerprint_;
  uint64_t count_ = 0;
  std::vector<TraceEvent> ring_;
  size_t ring_next_ = 0;
  std::vector<TraceEvent> all_;
  std::function<void(const TraceEvent&)> listener_;
};

// "0123456789abcdef": how fingerprints are shown everywhere.
std::string fingerprint_hex(uint64_t fingerprint);

// The version of what a run folds into its fingerprint. Every commit that changes the fingerprint
// of the same scenario, seed and implementation (the runtime's event order, the trace's canonical
// encoding, what the built-in implementations do or save) bumps it by one, in that commit. Reports
// record it, so a replay of a report from another version says so instead of claiming that the
// run is not deterministic.
//   1: the first wave.
//   2: the reference Raft saves a journal of what changed instead of its whole state.
//   3: the reference Raft sends at most append_entries_max entries in one AppendEntries.
//   4: KV replies name the log index that answered; the client trace notes who answered.
inline constexpr uint64_t kFingerprintVersion = 4;

}  // namespace sim
