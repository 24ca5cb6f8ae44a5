// The course's network (labrpc) in simulated time, as the lab tester sees it.
//
// Contract, per call from server `from` to server `to`, reproducing labrpc's processReq:
// - unreliable mode first delays the request 0-26 ms, then drops 10% of requests (the call
//   fails at once) and, after the handler ran, 10% of replies (the call fails then);
// - a call on a disabled end (either server disconnected) or to a dead server fails after
//   0-7000 ms, as the course's long-delays mode does (0-99 ms with it off, as the KV labs run);
// - a server that is killed, restarted or cut off while the call is in its handler makes the
//   call fail (checked every 100 ms, as labrpc does);
// - long reordering delays a reply, with probability 2/3, by 200 + rand(1 + rand(2000)) ms.
// Clients (the KV labs' clerks) have ends of their own, one per server, each enabled or not
// (the course's ConnectClient); their calls follow the same rules, with the client's end in place
// of the server pair. The underlying simulated network is reliable and fast; all faults come from
// here, drawn from the world's "labrpc" stream. Counts follow labrpc: every call counts in
// rpc_total and its request bytes in bytes_total, reply bytes count when delivered, and
// rpc_count(server) counts the requests that reached that server.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "raft/peer_end.h"
#include "sim/world.h"

namespace lab {

class LabNetwork {
 public:
  LabNetwork(sim::World& world, int servers);

  void set_reliable(bool reliable) { reliable_ = reliable; }
  void set_long_reordering(bool on) { long_reordering_ = on; }
  // labrpc's LongDelays: a call on a disabled end fails after 0-7000 ms when on (the Raft labs,
  // the default), after 0-99 ms when off (the KV labs).
  void set_long_delays(bool on) { long_delays_ = on; }
  void enable(sim::NodeId from, sim::NodeId to, bool enabled);
  bool enabled(sim::NodeId from, sim::NodeId to) const;

  // Blocks the calling fiber, which runs on `from`.
  std::optional<sim::Bytes> call(sim::NodeId from, sim::NodeId to, std::string_view method,
                                 const sim::Bytes& args);

  // Client ends: add_client returns a new client's number, with every end disabled.
  int add_client();
  void enable_client(int client, sim::NodeId to, bool enabled);
  bool client_enabled(int client, sim::NodeId to) const;
  // Blocks the calling fiber (a client's, on a tester process).
  std::optional<sim::Bytes> call_from_client(int client, sim::NodeId to, std::string_view method,
                                             const sim::Bytes& args);

  uint64_t rpc_total() const { return rpc_total_; }
  uint64_t bytes_total() const { return bytes_total_; }
  uint64_t rpc_count(sim::NodeId server) const { return rpc_counts_[static_cast<size_t>(server)]; }

 private:
  using LinkUp = std::function<bool()>;
  std::optional<sim::Bytes> call_over(const LinkUp& link_up, sim::NodeId to,
                                      std::string_view method, const sim::Bytes& args);
  bool dead(const LinkUp& link_up, sim::NodeId to, uint64_t incarnation) const;
  std::optional<sim::Bytes> await_reply(const LinkUp& link_up, sim::NodeId to,
                                        std::string_view method, const sim::Bytes& args);

  sim::World& world_;
  sim::Rng rng_;
  int servers_;
  bool reliable_ = true;
  bool long_reordering_ = false;
  bool long_delays_ = true;
  std::vector<uint8_t> enabled_;  // servers x servers, row = from
  uint64_t rpc_total_ = 0;
  uint64_t bytes_total_ = 0;
  std::vector<uint64_t> rpc_counts_;
  std::vector<std::vector<uint8_t>> client_enabled_;  // [client][server]
};

// One server's end towards another: labrpc's ClientEnd.
class LabEnd final : public raft::PeerEnd {
 public:
  LabEnd(LabNetwork& network, sim::NodeId from, sim::NodeId to)
      : network_(network), from_(from), to_(to) {}

  std::optional<sim::Bytes> call_raw(std::string_view method, const sim::Bytes& args) override {
    return network_.call(from_, to_, method, args);
  }

 private:
  LabNetwork& network_;
  sim::NodeId from_;
  sim::NodeId to_;
};

// A client's end towards one server: the KV labs' clerk ends.
class LabClientEnd final : public raft::PeerEnd {
 public:
  LabClientEnd(LabNetwork& network, int client, sim::NodeId to)
      : network_(network), client_(client), to_(to) {}

  std::optional<sim::Bytes> call_raw(std::string_view method, const sim::Bytes& args) override {
    return network_.call_from_client(client_, to_, method, args);
  }

 private:
  LabNetwork& network_;
  int client_;
  sim::NodeId to_;
};

}  // namespace lab
