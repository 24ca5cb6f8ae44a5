#include "sim/network.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/world.h"

namespace sim {

Network::Network(World& world, Rng rng, NetworkOptions options)
    : world_(world), rng_(rng), options_(options) {}

void Network::set_options(const NetworkOptions& options) {
  RAFTSIM_ASSERT(options.latency_min >= Duration::zero());
  RAFTSIM_ASSERT(options.latency_max >= options.latency_min);
  RAFTSIM_ASSERT(options.long_delay_max >= options.long_delay_min);
  options_ = options;
}

void Network::add_node() {
  const size_t n = node_count_ + 1;
  std::vector<uint8_t> connected(n * n, 1);
  std::vector<Instant> clogs(n * n);
  for (size_t from = 0; from < node_count_; ++from) {
    for (size_t to = 0; to < node_count_; ++to) {
      connected[from * n + to] = connected_[from * node_count_ + to];
      clogs[from * n + to] = clog_until_[from * node_count_ + to];
    }
  }
  connected_ = std::move(connected);
  clog_until_ = std::move(clogs);
  node_count_ = n;
  traffic_.emplace_back();
}

size_t Network::index(NodeId from, NodeId to) const {
  RAFTSIM_ASSERT(from >= 0 && static_cast<size_t>(from) < node_count_);
  RAFTSIM_ASSERT(to >= 0 && static_cast<size_t>(to) < node_count_);
  return static_cast<size_t>(from) * node_count_ + static_cast<size_t>(to);
}

bool Network::connected(NodeId from, NodeId to) const { return connected_[index(from, to)] != 0; }

const NodeTraffic& Network::traffic(NodeId node) const {
  RAFTSIM_ASSERT(node >= 0 && static_cast<size_t>(node) < traffic_.size());
  return traffic_[static_cast<size_t>(node)];
}

void Network::partition(const std::vector<std::vector<NodeId>>& groups) {
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t h = 0; h < groups.size(); ++h) {
      for (NodeId a : groups[g]) {
        for (NodeId b : groups[h]) {
          if (a != b) connected_[index(a, b)] = g == h ? 1 : 0;
        }
      }
    }
  }
}

void Network::isolate(NodeId node) {
  for (size_t other = 0; other < node_count_; ++other) {
    const NodeId o = static_cast<NodeId>(other);
    if (o == node) continue;
    connected_[index(node, o)] = 0;
    connected_[index(o, node)] = 0;
  }
}

void Network::reconnect(NodeId node) {
  for (size_t other = 0; other < node_count_; ++other) {
    const NodeId o = static_cast<NodeId>(other);
    connected_[index(node, o)] = 1;
    connected_[index(o, node)] = 1;
  }
}

void Network::cut(NodeId from, NodeId to) { connected_[index(from, to)] = 0; }
void Network::connect(NodeId from, NodeId to) { connected_[index(from, to)] = 1; }

void Network::heal() {
  std::fill(connected_.begin(), connected_.end(), 1);
  std::fill(clog_until_.begin(), clog_until_.end(), Instant());
}

void Network::clog_link(NodeId from, NodeId to, Instant until) {
  Instant& clog = clog_until_[index(from, to)];
  clog = std::max(clog, until);
}

void Network::clog_node(NodeId node, Instant until) {
  for (size_t other = 0; other < node_count_; ++other) {
    clog_link(node, static_cast<NodeId>(other), until);
    clog_link(static_cast<NodeId>(other), node, until);
  }
}

Duration Network::draw_delay() {
  if (rng_.chance(options_.long_delay_p)) {
    return rng_.between(options_.long_delay_min, options_.long_delay_max);
  }
  const Duration tail = rng_.exponential(options_.latency_tail_mean);
  return std::min(options_.latency_min + tail, options_.latency_max);
}

void Network::send(NodeId from, NodeId to, Bytes payload) {
  Packet packet;
  packet.id = next_packet_id_++;
  packet.from = from;
  packet.to = to;
  packet.payload = std::move(payload);
  ++stats_.sent;
  stats_.bytes_sent += packet.payload.size();
  NodeTraffic& traffic = traffic_[static_cast<size_t>(from)];
  ++traffic.messages_sent;
  traffic.bytes_sent += packet.payload.size();

  TraceEvent event;
  event.at = world_.now();
  event.kind = TraceKind::send;
  event.node = from;
  event.peer = to;
  event.id = packet.id;
  event.size = packet.payload.size();
  world_.trace().record(std::move(event));

  if (!connected(from, to) || !world_.is_up(to)) {
    ++stats_.dropped;
    world_.trace().record({world_.now(), TraceKind::drop, from, to, packet.id, 0, "",
                           world_.is_up(to) ? "link cut" : "receiver down"});
    return;
  }
  if (rng_.chance(options_.drop_p)) {
    ++stats_.dropped;
    world_.trace().record(
        {world_.now(), TraceKind::drop, from, to, packet.id, 0, "", "random loss"});
    return;
  }
  const bool duplicate = rng_.chance(options_.duplicate_p);
  if (duplicate) {
    ++stats_.duplicated;
    world_.trace().record({world_.now(), TraceKind::duplicate, from, to, packet.id, 0, "", ""});
    schedule_delivery(packet);  // an independent copy, with its own delay
  }
  schedule_delivery(std::move(packet));
}

void Network::schedule_delivery(Packet packet) {
  const Duration delay = draw_delay();
  Instant at = world_.now() + delay;
  at = std::max(at, clog_until_[index(packet.from, packet.to)]);
  deliver_at(at, std::move(packet));
}

// The packet waits in a slot of in_flight_, so that the scheduled callback holds only its index
// and fits std::function without an allocation of its own.
void Network::deliver_at(Instant at, Packet packet) {
  uint32_t slot;
  if (!free_in_flight_.empty()) {
    slot = free_in_flight_.back();
    free_in_flight_.pop_back();
    in_flight_[slot] = std::move(packet);
  } else {
    slot = static_cast<uint32_t>(in_flight_.size());
    in_flight_.push_back(std::move(packet));
  }
  world_.schedule(at, [this, slot] {
    Packet p = std::move(in_flight_[slot]);
    free_in_flight_.push_back(slot);
    deliver(std::move(p));
  });
}

void Network::deliver(Packet&& packet) {
  // A clog set after the packet left still holds it.
  const Instant clog = clog_until_[index(packet.from, packet.to)];
  if (clog > world_.now()) {
    deliver_at(clog, std::move(packet));
    return;
  }
  if (!connected(packet.from, packet.to) || !world_.is_up(packet.to)) {
    ++stats_.dropped;
    world_.trace().record({world_.now(), TraceKind::drop, packet.from, packet.to, packet.id, 0, "",
                           world_.is_up(packet.to) ? "link cut in flight" : "receiver down"});
    return;
  }
  ++stats_.delivered;
  NodeTraffic& traffic = traffic_[static_cast<size_t>(packet.to)];
  ++traffic.messages_received;
  traffic.bytes_received += packet.payload.size();
  world_.trace().record({world_.now(), TraceKind::deliver, packet.to, packet.from, packet.id,
                         packet.payload.size(), "", ""});
  if (receiver_) receiver_(std::move(packet));
}

}  // namespace sim
