// A node's simulated disk: named files, write and fsync latency, stalls, crash semantics.
//
// Contract and fault model. write() buffers a whole-file replacement and append() buffers bytes
// added at a file's end; each blocks the calling fiber for the write latency. fsync() blocks for
// the fsync latency and then makes every buffered write and append durable at once, in the order
// they were made. A crash drops what is buffered: only what a completed fsync covered survives,
// so a file is always what some fsync left, never part of a write or of an append.
// While the disk is stalled (stall_until), every operation waits for the stall to end first.
// Reads see buffered writes (the page cache) and cost nothing. Latencies are min + Exp(tail mean),
// capped, drawn from the world's "disk/<node>" stream.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/ids.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace sim {

class World;

struct DiskOptions {
  Duration write_latency_min = Duration::microseconds(10);         // >= 0
  Duration write_latency_tail_mean = Duration::microseconds(10);   // >= 0
  Duration write_latency_max = Duration::milliseconds(1);          // >= write_latency_min
  Duration fsync_latency_min = Duration::microseconds(100);        // >= 0
  Duration fsync_latency_tail_mean = Duration::microseconds(100);  // >= 0
  Duration fsync_latency_max = Duration::milliseconds(5);          // >= fsync_latency_min
};

class Disk {
 public:
  Disk(World& world, NodeId node, Rng rng, DiskOptions options);

  void set_options(const DiskOptions& options) { options_ = options; }
  const DiskOptions& options() const { return options_; }

  // Blocking calls: must run in a fiber on this disk's node.
  void write(const std::string& file, Bytes data);
  // Replaces several files at once: readers see all of them change together, after the latency.
  void write_all(std::vector<std::pair<std::string, Bytes>> files);
  // Adds `data` at the end of the file (creating it), without rewriting what is there: the cost
  // of an append is the size of what it adds.
  void append(const std::string& file, Bytes data);
  void fsync();
  // Tells the world's on_save_written hook (sim/fault_hooks.h) that a save of this node has
  // written its files and is about to fsync them.
  void note_save_written();

  // The file's current contents (buffered or durable), or nullopt if it was never written.
  // A copy, because a buffered append has no contiguous contents until an fsync.
  std::optional<Bytes> read(const std::string& file) const;
  const Bytes* read_durable(const std::string& file) const;

  // Every operation started before `until` (global time) waits until then.
  void stall_until(Instant until);

  // The node crashed: what was not fsynced is lost.
  void on_crash() { buffered_.clear(); }

  uint64_t writes() const { return writes_; }
  uint64_t fsyncs() const { return fsyncs_; }

 private:
  // What is buffered for one file since the last fsync. Invariant 1: when `replaces`, `data` is
  // the file's whole new contents; otherwise it is what goes after the durable contents.
  struct Pending {
    bool replaces = false;
    Bytes data;
  };

  void wait(Duration min, Duration tail_mean, Duration max, const char* what);

  World& world_;
  NodeId node_;
  Rng rng_;
  DiskOptions options_;
  Instant stalled_until_;
  std::map<std::string, Bytes> durable_;
  std::map<std::string, Pending> buffered_;
  uint64_t writes_ = 0;
  uint64_t fsyncs_ = 0;
};

}  // namespace sim
