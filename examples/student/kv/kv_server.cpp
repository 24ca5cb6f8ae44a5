#include "kv/kv_server.h"

#include "raft/kv/registry.h"
#include "sim/assert.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace student_kv {
namespace {

// How long a handler waits for its operation to apply before answering timeout.
constexpr sim::Duration kOpWaitMax = sim::Duration::seconds(2);
// How often a waiting handler checks that Raft still leads in the term of its operation.
constexpr sim::Duration kLeaderPoll = sim::Duration::milliseconds(50);

}  // namespace

std::shared_ptr<kv::Service> make_student_kv(kv::ServiceContext context) {
  auto server = std::make_shared<KvServer>(std::move(context));
  sim::keep(server);  // handlers and the applier hold `this` until the node crashes
  server->boot();
  return server;
}

KvServer::KvServer(kv::ServiceContext context) : ctx_(std::move(context)) {
  RAFTSIM_ASSERT(ctx_.raft != nullptr);
  RAFTSIM_ASSERT(ctx_.apply != nullptr);
  RAFTSIM_ASSERT(ctx_.persister != nullptr);
}

void KvServer::boot() {
  const raft::Bytes snapshot = ctx_.persister->read_snapshot();
  if (!snapshot.empty()) {
    std::optional<raft::Index> index = store_.load(snapshot);
    RAFTSIM_ASSERT(index.has_value());  // our own disk holds only our own snapshots
    last_applied_ = *index;
    last_snapshot_ = *index;
  }
  sim::rpc::handle<kv::GetArgs, kv::GetReply>(
      kv::kGetMethod, [this](const kv::GetArgs& args) { return handle_get(args); });
  sim::rpc::handle<kv::PutAppendArgs, kv::PutAppendReply>(
      kv::kPutAppendMethod,
      [this](const kv::PutAppendArgs& args) { return handle_put_append(args); });
  sim::go("student kv applier", [this] { applier_loop(); });
}

void KvServer::kill() {
  Lock lock(mu_);
  killed_ = true;
  applied_cv_.notify_all();
}

std::optional<raft::Index> KvServer::applied_index() {
  Lock lock(mu_);
  return last_applied_;
}

std::optional<uint64_t> KvServer::state_digest() {
  Lock lock(mu_);
  uint64_t digest = 0xcbf29ce484222325ULL;  // FNV-1a of the snapshot encoding
  for (uint8_t byte : store_.save(last_applied_)) {
    digest ^= byte;
    digest *= 0x100000001b3ULL;
  }
  return digest;
}

kv::GetReply KvServer::handle_get(const kv::GetArgs& args) {
  kv::GetReply reply;
  reply.err =
      run(kv::Command{args.client_id, args.seq, kv::OpKind::get, args.key, {}}, &reply.value);
  return reply;
}

kv::PutAppendReply KvServer::handle_put_append(const kv::PutAppendArgs& args) {
  if (!kv::valid(args.kind) || args.kind == kv::OpKind::get) return {kv::Err::wrong_leader};
  std::string ignored;
  return {run(kv::Command{args.client_id, args.seq, args.kind, args.key, args.value}, &ignored)};
}

kv::Err KvServer::run(const kv::Command& command, std::string* value) {
  {
    Lock lock(mu_);
    if (killed_) return kv::Err::wrong_leader;
  }
  const raft::StartResult started = ctx_.raft->start(sim::wire::encode(command));
  if (!started.is_leader) return kv::Err::wrong_leader;

  auto pending = std::make_shared<Pending>();
  pending->client_id = command.client_id;
  pending->seq = command.seq;
  Lock lock(mu_);
  // Applied before we got here: we cannot tell whether it was ours, so let the clerk retry.
  if (killed_ || last_applied_ >= started.index) return kv::Err::wrong_leader;
  // A handler from an earlier term waiting at this index has lost its entry.
  if (auto old = pending_.find(started.index); old != pending_.end()) {
    old->second->done = true;
    old->second->err = kv::Err::wrong_leader;
  }
  pending_[started.index] = pending;

  const sim::Instant deadline = sim::now() + kOpWaitMax;
  while (!pending->done && !killed_) {
    if (sim::now() >= deadline) {
      pending->done = true;
      pending->err = kv::Err::timeout;
      break;
    }
    applied_cv_.wait_for(lock, std::min(kLeaderPoll, deadline - sim::now()));
    if (pending->done || killed_) break;
    lock.unlock();
    const raft::PeerState now = ctx_.raft->state();  // never call into Raft under mu_
    lock.lock();
    if (!pending->done && (now.term != started.term || !now.is_leader)) {
      pending->done = true;
      pending->err = kv::Err::wrong_leader;
    }
  }
  if (auto it = pending_.find(started.index); it != pending_.end() && it->second == pending) {
    pending_.erase(it);
  }
  if (!pending->done || killed_) return kv::Err::wrong_leader;
  if (pending->err == kv::Err::ok) *value = std::move(pending->value);
  return pending->err;
}

void KvServer::applier_loop() {
  for (;;) {
    std::optional<raft::ApplyMsg> msg = ctx_.apply->recv();  // never under mu_
    if (!msg.has_value()) return;
    std::optional<raft::Bytes> snapshot;
    raft::Index snapshot_at = 0;
    {
      Lock lock(mu_);
      if (killed_) return;
      if (msg->snapshot_valid && msg->snapshot_index > last_applied_) {
        std::optional<raft::Index> index = store_.load(msg->snapshot);
        RAFTSIM_ASSERT(index.has_value());
        RAFTSIM_ASSERT(*index == msg->snapshot_index);
        last_applied_ = *index;
        last_snapshot_ = std::max(last_snapshot_, *index);
        finish_through(lock, last_applied_);  // their results are inside the snapshot
      } else if (msg->command_valid && msg->command_index > last_applied_) {
        RAFTSIM_ASSERT(msg->command_index == last_applied_ + 1);
        std::optional<kv::Command> command = sim::wire::decode<kv::Command>(msg->command);
        RAFTSIM_ASSERT(command.has_value());
        RAFTSIM_ASSERT(kv::valid(command->kind));
        std::string result = store_.execute(*command);
        last_applied_ = msg->command_index;
        if (auto it = pending_.find(last_applied_); it != pending_.end() && !it->second->done) {
          Pending& pending = *it->second;
          pending.done = true;
          const bool mine = pending.client_id == command->client_id && pending.seq == command->seq;
          pending.err = mine ? kv::Err::ok : kv::Err::wrong_leader;
          if (mine) pending.value = std::move(result);
        }
        finish_through(lock, last_applied_ - 1);
      }
      // §7: keep Raft's saved state under max_raft_state by handing it a snapshot.
      if (ctx_.max_raft_state > 0 && last_applied_ > last_snapshot_ &&
          ctx_.persister->raft_state_size() >= static_cast<size_t>(ctx_.max_raft_state)) {
        snapshot = store_.save(last_applied_);
        snapshot_at = last_applied_;
        last_snapshot_ = last_applied_;
      }
    }
    applied_cv_.notify_all();
    if (snapshot.has_value()) ctx_.raft->snapshot(snapshot_at, *snapshot);  // mu_ released
  }
}

// Handlers waiting at indexes through `index` will never see their entry applied now.
void KvServer::finish_through(Lock&, raft::Index index) {
  for (auto it = pending_.begin(); it != pending_.end() && it->first <= index; ++it) {
    if (it->second->done) continue;
    it->second->done = true;
    it->second->err = kv::Err::wrong_leader;
  }
}

}  // namespace student_kv

RAFTSIM_REGISTER_KV_SERVICE("student",
                            "a student's KV server (examples/student/kv/): dedup and snapshots",
                            &student_kv::make_student_kv, &student_kv::snapshot_index);
