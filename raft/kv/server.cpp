#include "raft/kv/server.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace kv {

std::shared_ptr<Server> Server::start(std::shared_ptr<raft::Peer> peer,
                                      std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply,
                                      sim::Persister& persister, ServerOptions options) {
  auto server = std::make_shared<Server>(std::move(peer), std::move(apply), persister, options);
  sim::keep(server);  // handlers and the applier hold `this`: it lives as long as the node's life
  Server* raw = server.get();
  sim::rpc::handle<GetArgs, GetReply>(kGetMethod,
                                      [raw](const GetArgs& args) { return raw->on_get(args); });
  sim::rpc::handle<PutAppendArgs, PutAppendReply>(
      kPutAppendMethod, [raw](const PutAppendArgs& args) { return raw->on_put_append(args); });
  sim::go("kv applier", [raw] { raw->applier_loop(); });
  return server;
}

std::shared_ptr<Service> make_server(ServiceContext context) {
  RAFTSIM_ASSERT(context.persister != nullptr);
  ServerOptions options;
  options.max_raft_state = context.max_raft_state;
  options.mutant = context.mutant;
  return Server::start(std::move(context.raft), std::move(context.apply), *context.persister,
                       options);
}

Server::Server(std::shared_ptr<raft::Peer> peer,
               std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply, sim::Persister& persister,
               ServerOptions options)
    : peer_(std::move(peer)), apply_(std::move(apply)), persister_(persister), options_(options) {
  RAFTSIM_ASSERT(peer_ != nullptr);
  RAFTSIM_ASSERT(apply_ != nullptr);
  RAFTSIM_ASSERT(options_.apply_wait_max > sim::Duration::zero());
  RAFTSIM_ASSERT(options_.leadership_poll > sim::Duration::zero());
  RAFTSIM_ASSERT(options_.apply_cost >= sim::Duration::zero());
  if (options_.mutant == raft::Mutant::kv_reads_skip_log) options_.reads_skip_log = true;
  state_.set_mutant(options_.mutant);
  // Raft starts delivering after its snapshot (§7): the service restores that snapshot itself.
  const raft::Bytes snapshot = persister_.read_snapshot();
  if (!snapshot.empty()) {
    std::optional<raft::Index> index = state_.restore(snapshot);
    // The disk is the node's own: an undecodable snapshot is a bug in this service, not a fault.
    RAFTSIM_ASSERT(index.has_value());
    last_applied_ = *index;
    snapshot_index_ = *index;
  }
}

void Server::kill() {
  Lock lock(mu_);
  killed_ = true;
  applied_cv_.notify_all();
}

std::optional<raft::Index> Server::applied_index() {
  Lock lock(mu_);
  return last_applied_;
}

std::optional<uint64_t> Server::state_digest() {
  Lock lock(mu_);
  uint64_t digest = 0xcbf29ce484222325ULL;  // FNV-1a over the state's snapshot encoding
  for (uint8_t byte : state_.encode(last_applied_)) {
    digest ^= byte;
    digest *= 0x100000001b3ULL;
  }
  return digest;
}

// ---------------------------------------------------------------- handlers

GetReply Server::on_get(const GetArgs& args) {
  GetReply reply;
  if (options_.reads_skip_log) {
    // The broken variant: a leader's local state is not necessarily the latest (§8).
    if (!peer_->state().is_leader) return {Err::wrong_leader, {}, 0};
    Lock lock(mu_);
    reply.value = state_.apply(Command{args.client_id, args.seq, OpKind::get, args.key, {}});
    reply.index = last_applied_;  // the local state answered, as of this index
    return reply;
  }
  reply.err = submit(Command{args.client_id, args.seq, OpKind::get, args.key, {}}, &reply.value,
                     &reply.index);
  return reply;
}

PutAppendReply Server::on_put_append(const PutAppendArgs& args) {
  // The kind comes off the wire unchecked; a get here would be a clerk bug.
  if (!valid(args.kind) || args.kind == OpKind::get) return {Err::wrong_leader, 0};
  std::string ignored;
  PutAppendReply reply;
  reply.err = submit(Command{args.client_id, args.seq, args.kind, args.key, args.value}, &ignored,
                     &reply.index);
  return reply;
}

Err Server::submit(const Command& command, std::string* value, raft::Index* index) {
  auto waiter = std::make_shared<Waiter>();
  waiter->client_id = command.client_id;
  waiter->seq = command.seq;
  uint64_t id = 0;
  {
    // Registered before start(), so an apply that comes at once cannot be missed.
    Lock lock(mu_);
    if (killed_) return Err::wrong_leader;
    id = next_waiter_id_++;
    waiters_[id] = waiter;
  }
  const raft::StartResult started = peer_->start(sim::wire::encode(command));  // mu_ released
  Lock lock(mu_);
  if (!started.is_leader) {
    waiters_.erase(id);
    return Err::wrong_leader;
  }
  if (!waiter->done) {
    waiter->index = started.index;
    waiter->term = started.term;
    // Something else already applied at our index: our entry was overwritten.
    if (last_applied_ >= started.index) {
      waiter->done = true;
      waiter->err = Err::wrong_leader;
    }
  }
  await(lock, *waiter);
  waiters_.erase(id);
  if (waiter->err == Err::ok) {
    *value = std::move(waiter->value);
    *index = waiter->applied_at;
  }
  return waiter->err;
}

void Server::await(Lock& lock, Waiter& waiter) {
  const sim::Instant deadline = sim::now() + options_.apply_wait_max;
  while (!waiter.done && !killed_) {
    const sim::Instant now = sim::now();
    if (now >= deadline) {
      waiter.done = true;
      waiter.err = Err::timeout;
      break;
    }
    applied_cv_.wait_for(lock, std::min(options_.leadership_poll, deadline - now));
    if (waiter.done || killed_) break;
    lock.unlock();
    const raft::PeerState state = peer_->state();  // never call into Raft under mu_
    lock.lock();
    if (!waiter.done && (state.term != waiter.term || !state.is_leader)) {
      waiter.done = true;
      waiter.err = Err::wrong_leader;
    }
  }
  if (!waiter.done) {  // killed
    waiter.done = true;
    waiter.err = Err::wrong_leader;
  }
}

// ---------------------------------------------------------------- applier

void Server::applier_loop() {
  for (;;) {
    std::optional<raft::ApplyMsg> msg = apply_->recv();  // never under mu_
    if (!msg.has_value()) return;
    std::optional<raft::Bytes> snapshot;
    raft::Index index = 0;
    {
      Lock lock(mu_);
      if (killed_) return;
      if (msg->snapshot_valid) {
        install_snapshot(lock, *msg);
      } else if (msg->command_valid) {
        if (options_.mutant == raft::Mutant::kv_snapshot_index_off_by_one &&
            msg->command_index == last_applied_ + 1)
          snapshot = snapshot_due(lock, msg->command_index);  // the table lacks this command yet
        apply_command(lock, *msg);
      }
      if (!snapshot.has_value()) snapshot = snapshot_due(lock, last_applied_);
      index = snapshot_index_;
    }
    applied_cv_.notify_all();
    if (snapshot.has_value()) peer_->snapshot(index, *snapshot);  // mu_ released
    if (msg->command_valid && options_.apply_cost > sim::Duration::zero()) {
      sim::sleep_for(options_.apply_cost);
    }
  }
}

void Server::apply_command(Lock& lock, const raft::ApplyMsg& msg) {
  if (msg.command_index <= last_applied_) return;  // covered by a snapshot already installed
  // Raft delivers commands in order without gaps (raft/apply_msg.h).
  RAFTSIM_ASSERT(msg.command_index == last_applied_ + 1);
  std::optional<Command> command = sim::wire::decode<Command>(msg.command);
  // Only this service writes commands into the log.
  RAFTSIM_ASSERT(command.has_value());
  std::string value = state_.apply(*command);
  last_applied_ = msg.command_index;
  for (auto& [id, waiter] : waiters_) {
    if (waiter->done) continue;
    if (waiter->client_id == command->client_id && waiter->seq == command->seq) {
      // The same operation, applied here or at an earlier index from an earlier attempt.
      waiter->done = true;
      waiter->err = Err::ok;
      waiter->value = value;
      waiter->applied_at = msg.command_index;
    }
  }
  fail_waiters_through(lock, last_applied_);
}

void Server::install_snapshot(Lock& lock, const raft::ApplyMsg& msg) {
  if (msg.snapshot_index <= last_applied_) return;  // older than what we have
  std::optional<raft::Index> index = state_.restore(msg.snapshot);
  RAFTSIM_ASSERT(index.has_value());
  RAFTSIM_ASSERT(*index == msg.snapshot_index);
  last_applied_ = msg.snapshot_index;
  snapshot_index_ = std::max(snapshot_index_, msg.snapshot_index);
  // Operations inside the snapshot applied, but a get's value is lost: let the clerk retry.
  fail_waiters_through(lock, last_applied_);
}

void Server::fail_waiters_through(Lock&, raft::Index index) {
  for (auto& [id, waiter] : waiters_) {
    if (!waiter->done && waiter->index != 0 && waiter->index <= index) {
      waiter->done = true;
      waiter->err = Err::wrong_leader;
    }
  }
}

std::optional<raft::Bytes> Server::snapshot_due(Lock&, raft::Index index) {
  if (options_.max_raft_state <= 0) return std::nullopt;
  if (index <= snapshot_index_) return std::nullopt;
  if (persister_.raft_state_size() < static_cast<size_t>(options_.max_raft_state)) {
    return std::nullopt;
  }
  snapshot_index_ = index;
  return state_.encode(index);
}

}  // namespace kv
