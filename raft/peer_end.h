// raft::PeerEnd: a peer's handle on one other peer, like the course's labrpc ClientEnd.
//
// Contract. call_raw sends `args` to the peer's handler for `method` and blocks the calling fiber
// until the reply comes back or the call fails; it returns nullopt when the request or the reply
// was lost, the peer is down or cut off. A call may take long (the course's network fails calls
// to a cut-off peer only after up to 7 s), so protocol code must not wait for replies in a fiber
// that has other duties. The tester supplies ends with the course's network semantics
// (tests/lab/lab_network.h); SimPeerEnd calls straight through the simulated network.
#pragma once

#include <optional>
#include <string_view>

#include "raft/types.h"
#include "sim/rpc.h"
#include "sim/time.h"
#include "sim/wire.h"

namespace raft {

class PeerEnd {
 public:
  virtual ~PeerEnd() = default;

  virtual std::optional<Bytes> call_raw(std::string_view method, const Bytes& args) = 0;

  template <class Reply, class Args>
  std::optional<Reply> call(std::string_view method, const Args& args) {
    std::optional<Bytes> reply = call_raw(method, sim::wire::encode(args));
    if (!reply.has_value()) return std::nullopt;
    return sim::wire::decode<Reply>(*reply);
  }
};

// An end over sim::rpc with a fixed timeout: for scenario runs that model faults in sim/network.
class SimPeerEnd final : public PeerEnd {
 public:
  SimPeerEnd(NodeId to, sim::Duration timeout) : to_(to), timeout_(timeout) {}

  std::optional<Bytes> call_raw(std::string_view method, const Bytes& args) override {
    return sim::rpc::call_raw(to_, method, args, timeout_);
  }

 private:
  NodeId to_;
  sim::Duration timeout_;
};

}  // namespace raft
