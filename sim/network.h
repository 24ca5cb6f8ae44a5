// The simulated network: nodes exchange bytes.
//
// Contract and fault model. A packet sent from `from` to `to` is, in this order: dropped if the
// directed link is cut or a node is down; dropped with probability drop_p; otherwise delivered
// after latency_min + Exp(latency_tail_mean), capped at latency_max, or, with probability
// long_delay_p, after a uniform delay in [long_delay_min, long_delay_max] (so packets reorder).
// With probability duplicate_p a second, independent copy is scheduled the same way. A clogged
// link or node holds packets until the clog's end (FoundationDB style): delivery happens at
// max(arrival, clog end), in order of release. At delivery the link and the receiver are checked
// again: packets in flight across a link cut since they left, or to a node that crashed, are lost.
// Every draw comes from the world's "network" stream.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/ids.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace sim {

class World;

struct NetworkOptions {
  Duration latency_min = Duration::microseconds(500);        // >= 0; default 0.5 ms
  Duration latency_tail_mean = Duration::microseconds(500);  // >= 0; default 0.5 ms
  Duration latency_max = Duration::milliseconds(20);         // >= latency_min; default 20 ms
  double drop_p = 0.0;                                       // [0, 1]
  double duplicate_p = 0.0;                                  // [0, 1]
  double long_delay_p = 0.0;                                 // [0, 1]
  Duration long_delay_min = Duration::milliseconds(100);     // >= 0
  Duration long_delay_max = Duration::seconds(2);            // >= long_delay_min
};

struct Packet {
  uint64_t id = 0;  // unique per world, in send order
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Bytes payload;
};

struct NodeTraffic {
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
};

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t dropped = 0;
  uint64_t duplicated = 0;
  uint64_t bytes_sent = 0;
};

class Network {
 public:
  Network(World& world, Rng rng, NetworkOptions options);

  void set_options(const NetworkOptions& options);
  const NetworkOptions& options() const { return options_; }

  // Called by the world when a node is added: links to and from it start connected.
  void add_node();

  void send(NodeId from, NodeId to, Bytes payload);
  // Where delivered packets go (the world routes them to the receiving node's RPC endpoint).
  void set_receiver(std::function<void(Packet&&)> receiver) { receiver_ = std::move(receiver); }

  // Connectivity: a directed matrix. partition() touches only the links among listed nodes:
  // two listed nodes are connected iff they share a group. Unlisted nodes keep their links.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void isolate(NodeId node);             // cut every link to and from `node`
  void reconnect(NodeId node);           // restore every link to and from `node`
  void cut(NodeId from, NodeId to);      // one direction only
  void connect(NodeId from, NodeId to);  // one direction only
  void heal();                           // every link connected, every clog lifted
  bool connected(NodeId from, NodeId to) const;

  // Hold packets on the link (or to and from the node) until `until` (global time).
  void clog_link(NodeId from, NodeId to, Instant until);
  void clog_node(NodeId node, Instant until);

  const NetworkStats& stats() const { return stats_; }
  const NodeTraffic& traffic(NodeId node) const;

 private:
  size_t index(NodeId from, NodeId to) const;
  Duration draw_delay();
  void schedule_delivery(Packet packet);
  void deliver_at(Instant at, Packet packet);
  void deliver(Packet&& packet);

  World& world_;
  Rng rng_;
  NetworkOptions options_;
  size_t node_count_ = 0;
  std::vector<uint8_t> connected_;   // node_count_ x node_count_, row = from
  std::vector<Instant> clog_until_;  // per link
  uint64_t next_packet_id_ = 1;
  NetworkStats stats_;
  std::vector<NodeTraffic> traffic_;
  std::function<void(Packet&&)> receiver_;
  std::vector<Packet> in_flight_;         // packets scheduled for delivery, by slot
  std::vector<uint32_t> free_in_flight_;  // slots of in_flight_ not in use
};

}  // namespace sim
