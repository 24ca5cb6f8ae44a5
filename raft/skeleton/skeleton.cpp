// The skeleton Raft. Every method is a TODO; the comments say what Figure 2 of the Raft paper
// asks of it. Rules of the simulation that the tester enforces:
// - guard your state with one sim::Mutex, and never sleep, call an RPC, send on a channel or
//   save to the persister while holding it (the run fails with kind "lock");
// - start fibers with sim::go, read time with sim::now(), draw randomness from sim::rng() (never
//   twice in one expression), and use no threads, wall clock, <random> or unordered iteration;
// - persist (ctx.persister->save) before replying or sending anything that depends on the state.
#include "raft/skeleton/skeleton.h"

#include "sim/mutex.h"
#include "sim/runtime.h"

namespace raft::skeleton {
namespace {

class SkeletonRaft final : public Peer {
 public:
  explicit SkeletonRaft(PeerContext context) : ctx_(std::move(context)) {}

  // Called once, in the node's boot fiber.
  void boot() {
    // TODO(3C): restore current term, vote and log from ctx_.persister->read_raft_state().
    // TODO(3D): restore the snapshot's index and term; the service reads the snapshot itself.
    // TODO(3A): register a handler for each of your RPCs on this node, e.g.
    //           sim::rpc::handle<RequestVoteArgs, RequestVoteReply>("Raft.RequestVote", ...)
    //           (sim/rpc.h; an args or reply struct lists its fields with RAFTSIM_WIRE_FIELDS,
    //           sim/wire.h), and call peer i with
    //           ctx_.peers[i]->call<RequestVoteReply>("Raft.RequestVote", args).
    // TODO(3A): start an election-timer fiber with sim::go: after a randomized timeout with no
    //           word from a leader, become a candidate and ask every peer for its vote (§5.2).
    // TODO(3B): start a fiber that sends committed entries, in order, on ctx_.apply.
  }

  StartResult start(const Bytes& command) override {
    std::lock_guard lock(mu_);
    // TODO(3B): if this peer leads, append {current term, command} to the log, start replicating
    //           it at once, and return {its index, the term, true}.
    (void)command;
    return {0, current_term_, false};
  }

  PeerState state() override {
    std::lock_guard lock(mu_);
    // TODO(3A): report whether this peer believes it is the leader.
    return {current_term_, false};
  }

  void snapshot(Index index, const Bytes& snapshot) override {
    std::lock_guard lock(mu_);
    // TODO(3D): discard the log through `index`, keep `snapshot` and persist both (§7).
    (void)index;
    (void)snapshot;
  }

  void kill() override {
    std::lock_guard lock(mu_);
    // Every fiber should check this and stop; the tester crashes the node right after.
    killed_ = true;
  }

 private:
  PeerContext ctx_;
  sim::Mutex mu_{"skeleton raft"};
  Term current_term_ = 0;
  bool killed_ = false;
};

}  // namespace

std::shared_ptr<Peer> make_skeleton(PeerContext context) {
  auto raft = std::make_shared<SkeletonRaft>(std::move(context));
  sim::keep(raft);
  raft->boot();
  return raft;
}

}  // namespace raft::skeleton
