#include "tests/lab/lab_network.h"

#include "sim/channel.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace lab {
namespace {

using sim::Duration;

// How long the transport below may take with a handler; handlers block only on a lock and a
// disk write, so this bound is never reached by a live server.
constexpr Duration kTransportTimeout = Duration::seconds(10);
constexpr Duration kDeadPoll = Duration::milliseconds(100);  // labrpc's isServerDead period
constexpr int kDeadPollsMax = 100;                           // 10 s, then the call fails

}  // namespace

LabNetwork::LabNetwork(sim::World& world, int servers)
    : world_(world),
      rng_(world.fork_rng("labrpc")),
      servers_(servers),
      enabled_(static_cast<size_t>(servers * servers), 0),
      rpc_counts_(static_cast<size_t>(servers), 0) {}

void LabNetwork::enable(sim::NodeId from, sim::NodeId to, bool enabled) {
  enabled_[static_cast<size_t>(from * servers_ + to)] = enabled ? 1 : 0;
}

bool LabNetwork::enabled(sim::NodeId from, sim::NodeId to) const {
  return enabled_[static_cast<size_t>(from * servers_ + to)] != 0;
}

bool LabNetwork::dead(const LinkUp& link_up, sim::NodeId to, uint64_t incarnation) const {
  return !link_up() || !world_.is_up(to) || world_.incarnation(to) != incarnation;
}

std::optional<sim::Bytes> LabNetwork::call(sim::NodeId from, sim::NodeId to,
                                           std::string_view method, const sim::Bytes& args) {
  return call_over([this, from, to] { return enabled(from, to); }, to, method, args);
}

int LabNetwork::add_client() {
  client_enabled_.emplace_back(static_cast<size_t>(servers_), 0);
  return static_cast<int>(client_enabled_.size()) - 1;
}

void LabNetwork::enable_client(int client, sim::NodeId to, bool enabled) {
  client_enabled_[static_cast<size_t>(client)][static_cast<size_t>(to)] = enabled ? 1 : 0;
}

bool LabNetwork::client_enabled(int client, sim::NodeId to) const {
  return client_enabled_[static_cast<size_t>(client)][static_cast<size_t>(to)] != 0;
}

std::optional<sim::Bytes> LabNetwork::call_from_client(int client, sim::NodeId to,
                                                       std::string_view method,
                                                       const sim::Bytes& args) {
  return call_over([this, client, to] { return client_enabled(client, to); }, to, method, args);
}

std::optional<sim::Bytes> LabNetwork::call_over(const LinkUp& link_up, sim::NodeId to,
                                                std::string_view method, const sim::Bytes& args) {
  ++rpc_total_;
  bytes_total_ += args.size();
  const bool was_enabled = link_up() && world_.is_up(to);
  if (!reliable_) sim::sleep_for(Duration::milliseconds(static_cast<int64_t>(rng_.below(27))));
  if (!was_enabled) {
    // No reply and an eventual timeout.
    const uint64_t spread_ms = long_delays_ ? 7000 : 100;
    sim::sleep_for(Duration::milliseconds(static_cast<int64_t>(rng_.below(spread_ms))));
    return std::nullopt;
  }
  if (!reliable_ && rng_.below(1000) < 100) return std::nullopt;  // request dropped
  ++rpc_counts_[static_cast<size_t>(to)];
  std::optional<sim::Bytes> reply = await_reply(link_up, to, method, args);
  if (!reply.has_value()) return std::nullopt;
  if (!reliable_ && rng_.below(1000) < 100) return std::nullopt;  // reply dropped
  if (long_reordering_ && rng_.below(900) < 600) {
    const uint64_t spread = rng_.below(2000);
    const uint64_t extra = rng_.below(1 + spread);
    sim::sleep_for(Duration::milliseconds(200 + static_cast<int64_t>(extra)));
  }
  bytes_total_ += reply->size();
  return reply;
}

// Runs the call in a helper fiber and watches, like labrpc, whether the server died meanwhile.
std::optional<sim::Bytes> LabNetwork::await_reply(const LinkUp& link_up, sim::NodeId to,
                                                  std::string_view method, const sim::Bytes& args) {
  const uint64_t incarnation = world_.incarnation(to);
  auto box = std::make_shared<sim::Channel<std::optional<sim::Bytes>>>(1, "labrpc reply");
  sim::go("labrpc call", [box, to, name = std::string(method), args] {
    box->send(sim::rpc::call_raw(to, name, args, kTransportTimeout));
  });
  for (int poll = 0; poll < kDeadPollsMax; ++poll) {
    if (std::optional<std::optional<sim::Bytes>> reply = box->recv_for(kDeadPoll)) {
      // labrpc does not deliver a reply from a server deleted meanwhile.
      if (dead(link_up, to, incarnation)) return std::nullopt;
      return std::move(*reply);
    }
    if (dead(link_up, to, incarnation)) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace lab
