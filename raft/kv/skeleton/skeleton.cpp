// The skeleton KV server. Every handler is a TODO; the comments say what the course's lab 4 asks
// of it. Rules of the simulation that the tester enforces (as for the skeleton Raft):
// - guard your state with one sim::Mutex, and never call into Raft (start, state, snapshot),
//   receive from the apply channel, sleep or call an RPC while holding it;
// - start fibers with sim::go, read time with sim::now(), and use no threads, wall clock,
//   <random> or unordered iteration.
#include "raft/kv/skeleton/skeleton.h"

#include <map>
#include <string>

#include "sim/mutex.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace kv::skeleton {
namespace {

class SkeletonServer final : public Service {
 public:
  explicit SkeletonServer(ServiceContext context) : ctx_(std::move(context)) {}

  // Called once, in the node's boot fiber.
  void boot() {
    // TODO(4B): restore the table, the duplicate table and the last applied index from
    //           ctx_.persister->read_snapshot() (empty when there is none).
    sim::rpc::handle<GetArgs, GetReply>(kGetMethod,
                                        [this](const GetArgs& args) { return get(args); });
    sim::rpc::handle<PutAppendArgs, PutAppendReply>(
        kPutAppendMethod, [this](const PutAppendArgs& args) { return put_append(args); });
    // TODO(4A): start a fiber with sim::go that receives every ApplyMsg from ctx_.apply, in
    //           order, applies each kv::Command (decode it with sim::wire::decode<Command>) to the
    //           table once per (client_id, seq), and wakes the handler waiting for it.
    // TODO(4B): there, install snapshots the apply channel delivers, and once
    //           ctx_.persister->raft_state_size() reaches ctx_.max_raft_state (when >= 0), hand
    //           Raft a snapshot of your state with ctx_.raft->snapshot(index, bytes).
  }

  void kill() override {
    std::lock_guard lock(mu_);
    // Waiting handlers should give up (answer wrong_leader); the tester crashes the node next.
    killed_ = true;
  }

 private:
  GetReply get(const GetArgs& args) {
    // TODO(4A): start a Command{args.client_id, args.seq, OpKind::get, args.key} in Raft with
    //           ctx_.raft->start(sim::wire::encode(command)); answer Err::wrong_leader if this
    //           server does not lead; otherwise wait (without holding mu_ across the call) until
    //           that command applies and answer with the value it read, or wrong_leader if another
    //           command applied at its index or the term changed.
    (void)args;
    return {Err::ok, ""};
  }

  PutAppendReply put_append(const PutAppendArgs& args) {
    // TODO(4A): as get(), with Command{client_id, seq, args.kind, args.key, args.value}. A retry
    //           of an operation already applied (same client_id, seq not newer) changes nothing.
    (void)args;
    return {Err::ok};
  }

  ServiceContext ctx_;
  sim::Mutex mu_{"skeleton kv"};
  bool killed_ = false;
  std::map<std::string, std::string> table_;  // TODO(4A): the state machine
};

}  // namespace

std::shared_ptr<Service> make_skeleton(ServiceContext context) {
  auto server = std::make_shared<SkeletonServer>(std::move(context));
  sim::keep(server);  // the handlers hold `this`: it lives as long as the node's life
  server->boot();
  return server;
}

std::optional<raft::Index> snapshot_index(const raft::Bytes& snapshot) {
  // TODO(4B): decode the last applied index your snapshots store.
  (void)snapshot;
  return std::nullopt;
}

}  // namespace kv::skeleton
