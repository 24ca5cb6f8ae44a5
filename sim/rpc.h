// sim::rpc: labrpc-style remote procedure calls over the simulated network.
//
// Contract. ClientEnd::call<Reply>(method, args) encodes `args`, sends a request packet from the
// calling fiber's node to the end's node, and blocks that fiber until the reply arrives or the
// call's timeout passes; it returns nullopt when the request or the reply was lost, the server was
// down or cut off, or the reply could not be decoded. Each incoming request runs its handler in a
// fiber of its own on the receiving node. Handlers are volatile: a crash removes them and the
// boot function registers them again. A reply that reaches a caller whose call has ended (timed
// out, or its node crashed) is dropped. Requests and replies are counted per node, with bytes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/ids.h"
#include "sim/network.h"
#include "sim/time.h"
#include "sim/wire.h"

namespace sim {
class World;
}

namespace sim::rpc {

struct RpcStats {
  uint64_t calls = 0;       // requests this node sent
  uint64_t bytes_sent = 0;  // request and reply bytes this node sent
  uint64_t served = 0;      // requests this node's handlers answered
  uint64_t failed = 0;      // calls that returned nullopt
};

// A raw handler: request bytes in, reply bytes out (nullopt: no reply, e.g. undecodable request).
using RawHandler = std::function<std::optional<Bytes>(const Bytes&)>;

// One per node; owned by the world. Handlers and pending calls are cleared by a crash.
class Endpoint {
 public:
  Endpoint(World& world, NodeId node) : world_(world), node_(node) {}

  void handle(std::string method, RawHandler handler);
  // Blocks the calling fiber, which must be on this endpoint's node.
  std::optional<Bytes> call(NodeId to, std::string_view method, std::span<const uint8_t> args,
                            Duration timeout);

  void on_packet(Packet&& packet);
  void on_crash();

  const RpcStats& stats() const { return stats_; }

 private:
  struct Pending;
  void serve(NodeId from, uint64_t call_id, const std::string& method, Bytes args);

  World& world_;
  NodeId node_;
  std::map<std::string, std::shared_ptr<const RawHandler>, std::less<>> handlers_;
  // Removes the call from pending_; its record, or nullptr when it had ended already.
  Pending* forget_pending(uint64_t call_id);
  // Calls in flight, in id order: a flat vector allocates nothing per call once it has grown.
  std::vector<std::pair<uint64_t, Pending*>> pending_;
  uint64_t next_call_id_ = 1;
  std::string fiber_name_;  // "rpc <method>", built here without a new allocation each time
  RpcStats stats_;
};

inline constexpr Duration kDefaultCallTimeout = Duration::seconds(1);

// Registers a typed handler for `method` on the current fiber's node.
void handle_raw(std::string method, RawHandler handler);

template <class Args, class Reply>
void handle(std::string method, std::function<Reply(const Args&)> handler) {
  handle_raw(std::move(method), [handler = std::move(handler)](const Bytes& request) {
    std::optional<Args> args = wire::decode<Args>(request);
    if (!args.has_value()) return std::optional<Bytes>();
    return std::optional<Bytes>(wire::encode(handler(*args)));
  });
}

std::optional<Bytes> call_raw(NodeId to, std::string_view method, std::span<const uint8_t> args,
                              Duration timeout);

// A caller's handle on one server, like labrpc's ClientEnd.
class ClientEnd {
 public:
  explicit ClientEnd(NodeId to, Duration timeout = kDefaultCallTimeout)
      : to_(to), timeout_(timeout) {}

  template <class Reply, class Args>
  std::optional<Reply> call(std::string_view method, const Args& args) const {
    return call_for<Reply>(method, args, timeout_);
  }
  template <class Reply, class Args>
  std::optional<Reply> call_for(std::string_view method, const Args& args, Duration timeout) const {
    std::optional<Bytes> reply = call_raw(to_, method, wire::encode(args), timeout);
    if (!reply.has_value()) return std::nullopt;
    return wire::decode<Reply>(*reply);
  }

  NodeId to() const { return to_; }
  Duration timeout() const { return timeout_; }
  void set_timeout(Duration timeout) { timeout_ = timeout; }

 private:
  NodeId to_;
  Duration timeout_;
};

}  // namespace sim::rpc
