// A broken Raft for the resource tests, registered as "flood": every 10 microseconds it sends a
// heartbeat in a fiber of its own and never waits for the ones before, the classic lab mistake of
// a goroutine per RPC without a bound (here each one waits 10 s for a reply that never comes).
// Fibers pile up until the fiber cap (sim::WorldOptions::fibers_max) ends the run as "resource";
// without a cap, the stacks would run the process out of memory mappings. It never elects a
// leader and ignores every command. Linked only into the test programs that need it (raftsim_flood
// and lab_3a_flood).
#include <memory>

#include "raft/peer.h"
#include "raft/registry.h"
#include "sim/runtime.h"

namespace {

class FloodRaft final : public raft::Peer {
 public:
  explicit FloodRaft(raft::PeerContext context) : ctx_(std::move(context)) {
    sim::go("heartbeats", [] {
      for (;;) {
        sim::go("AppendEntries", [] { sim::sleep_for(sim::Duration::seconds(10)); });
        sim::sleep_for(sim::Duration::microseconds(10));
      }
    });
  }

  raft::StartResult start(const raft::Bytes&) override { return {0, 0, false}; }
  raft::PeerState state() override { return {0, false}; }
  void snapshot(raft::Index, const raft::Bytes&) override {}
  void kill() override {}

 private:
  raft::PeerContext ctx_;
};

std::shared_ptr<raft::Peer> make_flood(raft::PeerContext context) {
  return std::make_shared<FloodRaft>(std::move(context));
}

}  // namespace

RAFTSIM_REGISTER_IMPLEMENTATION("flood", "a Raft that spawns a fiber per heartbeat without bound",
                                &make_flood, false);
