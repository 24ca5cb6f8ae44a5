// Construction, the raft::Peer methods, and the helpers through which every change of Figure 2's
// state passes, so that each is reported to the observer exactly once and in order.
#include "raft/student_raft.h"

#include "raft/registry.h"
#include "sim/assert.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace student {

std::shared_ptr<raft::Peer> make_student_raft(raft::PeerContext context) {
  auto peer = std::make_shared<StudentRaft>(std::move(context));
  sim::keep(peer);  // the fibers and handlers hold `this` until the node crashes
  peer->boot();
  return peer;
}

StudentRaft::StudentRaft(raft::PeerContext context)
    : ctx_(std::move(context)), me_(ctx_.me), observer_(*ctx_.observer) {
  RAFTSIM_ASSERT(ctx_.persister != nullptr);
  RAFTSIM_ASSERT(ctx_.apply != nullptr);
  RAFTSIM_ASSERT(me_ >= 0);
  RAFTSIM_ASSERT(static_cast<size_t>(me_) < ctx_.peers.size());
  next_index_.assign(peer_count(), 1);
  match_index_.assign(peer_count(), 0);
}

void StudentRaft::boot() {
  restore_from_disk();
  {
    Lock lock(mu_);
    reset_election_timer(lock);
  }
  register_handlers();
  sim::go("student election timer", [this] { election_timer_loop(); });
  sim::go("student heartbeat", [this] { heartbeat_loop(); });
  sim::go("student applier", [this] { applier_loop(); });
  sim::go("student saver", [this] { saver_loop(); });
}

namespace {

// A handler whose nullopt sends no reply at all (a killed peer is silent).
template <class Request, class Response, class Handler>
void serve(const char* method, Handler handler) {
  sim::rpc::handle_raw(method, [handler](const Bytes& bytes) -> std::optional<Bytes> {
    std::optional<Request> request = sim::wire::decode<Request>(bytes);
    if (!request.has_value()) return std::nullopt;
    std::optional<Response> response = handler(*request);
    if (!response.has_value()) return std::nullopt;
    return sim::wire::encode(*response);
  });
}

}  // namespace

void StudentRaft::register_handlers() {
  serve<VoteRequest, VoteResponse>(
      kRequestVote, [this](const VoteRequest& request) { return handle_request_vote(request); });
  serve<AppendRequest, AppendResponse>(kAppendEntries, [this](const AppendRequest& request) {
    return handle_append_entries(request);
  });
  serve<SnapshotRequest, SnapshotResponse>(
      kInstallSnapshot,
      [this](const SnapshotRequest& request) { return handle_install_snapshot(request); });
}

raft::StartResult StudentRaft::start(const Bytes& command) {
  Lock lock(mu_);
  if (killed_ || role_ != Role::leader) return {0, current_term_, false};
  append(lock, LogEntry{current_term_, command});
  kick_replication(lock);  // the saver writes the entry; followers need not wait for it
  return {log_.last_index(), current_term_, true};
}

raft::PeerState StudentRaft::state() {
  Lock lock(mu_);
  return {current_term_, role_ == Role::leader && !killed_};
}

void StudentRaft::kill() {
  Lock lock(mu_);
  killed_ = true;
  apply_cv_.notify_all();
  heartbeat_cv_.notify_all();
  save_cv_.notify_all();
  durable_cv_.notify_all();
}

// ---------------------------------------------------------------- state changes

// Figure 2, all servers: a higher term seen anywhere makes this peer a follower of that term.
void StudentRaft::observe_term(Lock& lock, Term term) {
  if (term <= current_term_) return;
  current_term_ = term;
  voted_for_ = sim::kNoNode;
  role_ = Role::follower;
  changed(lock);
  observer_.on_role(me_, current_term_, role_);
}

void StudentRaft::become(Lock&, Role role) {
  if (role_ == role) return;
  role_ = role;
  observer_.on_role(me_, current_term_, role_);
}

void StudentRaft::append(Lock& lock, LogEntry entry) {
  const Index index = log_.last_index() + 1;
  const Term prev_term = log_.last_term();
  RAFTSIM_ASSERT(entry.term >= prev_term);
  log_.push(std::move(entry));
  changed(lock);
  const LogEntry& added = log_.entry(index);
  observer_.on_append(me_, index, added.term, prev_term, added.command);
}

void StudentRaft::truncate(Lock& lock, Index from) {
  // §5.4: a committed entry is never removed, and a leader never removes its own entries.
  RAFTSIM_ASSERT(from > commit_index_);
  RAFTSIM_ASSERT(role_ != Role::leader);
  log_.cut_from(from);
  changed(lock);
  observer_.on_truncate(me_, from);
}

void StudentRaft::compact(Lock& lock, Index index, Term term, Bytes snapshot) {
  log_.compact_through(index, term);
  snapshot_ = std::move(snapshot);
  changed(lock);
  observer_.on_snapshot(me_, index, term);
}

void StudentRaft::commit_to(Lock&, Index index) {
  if (index <= commit_index_) return;
  RAFTSIM_ASSERT(index <= log_.last_index());
  commit_index_ = index;
  observer_.on_commit(me_, commit_index_);
  apply_cv_.notify_one();
}

void StudentRaft::kick_replication(Lock&) {
  heartbeat_due_ = true;
  heartbeat_cv_.notify_one();
}

}  // namespace student

RAFTSIM_REGISTER_IMPLEMENTATION("student",
                                "a student's Raft (examples/student/raft/): Figure 2, snapshots, "
                                "saves outside the lock",
                                &student::make_student_raft, true);
