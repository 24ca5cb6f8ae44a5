#include "sim/disk.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/world.h"

namespace sim {

Disk::Disk(World& world, NodeId node, Rng rng, DiskOptions options)
    : world_(world), node_(node), rng_(rng), options_(options) {}

void Disk::wait(Duration min, Duration tail_mean, Duration max, const char* what) {
  detail::Fiber& me = world_.current_checked();
  RAFTSIM_ASSERT(me.node == node_);
  // Disk I/O under a lock is allowed: persisting Raft state under the core lock, before replying,
  // is the course's own pattern. Only sleeps, RPC calls and channel waits are flagged.
  const Duration latency = std::min(min + rng_.exponential(tail_mean), max);
  const Instant start = std::max(world_.now(), stalled_until_);
  world_.block({what, world_.node_name(node_), this}, start + latency);
  RAFTSIM_ASSERT(world_.current() == &me);
}

void Disk::write(const std::string& file, Bytes data) {
  std::vector<std::pair<std::string, Bytes>> files;
  files.emplace_back(file, std::move(data));
  write_all(std::move(files));
}

void Disk::write_all(std::vector<std::pair<std::string, Bytes>> files) {
  wait(options_.write_latency_min, options_.write_latency_tail_mean, options_.write_latency_max,
       "disk write");
  for (auto& [name, data] : files) buffered_[name] = Pending{true, std::move(data)};
  ++writes_;
}

void Disk::append(const std::string& file, Bytes data) {
  wait(options_.write_latency_min, options_.write_latency_tail_mean, options_.write_latency_max,
       "disk write");
  Pending& pending = buffered_[file];
  if (pending.data.empty()) {
    pending.data = std::move(data);
  } else {
    pending.data.insert(pending.data.end(), data.begin(), data.end());
  }
  ++writes_;
}

void Disk::note_save_written() {
  if (world_.hooks().on_save_written) world_.hooks().on_save_written(node_);
}

void Disk::fsync() {
  wait(options_.fsync_latency_min, options_.fsync_latency_tail_mean, options_.fsync_latency_max,
       "disk fsync");
  uint64_t bytes = 0;
  for (auto& [name, pending] : buffered_) {
    bytes += pending.data.size();
    Bytes& file = durable_[name];
    if (pending.replaces) {
      file = std::move(pending.data);
    } else {
      file.insert(file.end(), pending.data.begin(), pending.data.end());
    }
  }
  buffered_.clear();
  ++fsyncs_;
  world_.trace().record({world_.now(), TraceKind::persist, node_, kNoNode, fsyncs_, bytes, "", ""});
}

std::optional<Bytes> Disk::read(const std::string& file) const {
  const Bytes* durable = read_durable(file);
  auto it = buffered_.find(file);
  if (it == buffered_.end()) {
    if (durable == nullptr) return std::nullopt;
    return *durable;
  }
  if (it->second.replaces || durable == nullptr) return it->second.data;
  Bytes contents = *durable;
  contents.insert(contents.end(), it->second.data.begin(), it->second.data.end());
  return contents;
}

const Bytes* Disk::read_durable(const std::string& file) const {
  auto it = durable_.find(file);
  return it == durable_.end() ? nullptr : &it->second;
}

void Disk::stall_until(Instant until) { stalled_until_ = std::max(stalled_until_, until); }

}  // namespace sim
