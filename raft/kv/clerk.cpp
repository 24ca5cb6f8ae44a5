#include "raft/kv/clerk.h"

#include "sim/assert.h"
#include "sim/runtime.h"

namespace kv {

Clerk::Clerk(std::vector<std::shared_ptr<raft::PeerEnd>> servers, ClerkOptions options,
             HistoryRecorder* recorder)
    : servers_(std::move(servers)), options_(options), recorder_(recorder) {
  RAFTSIM_ASSERT(!servers_.empty());
  RAFTSIM_ASSERT(options_.op_timeout > sim::Duration::zero());
  RAFTSIM_ASSERT(options_.retry_pause > sim::Duration::zero());
  client_id_ = sim::rng().next() >> 2;
  if (recorder_ != nullptr) history_client_ = recorder_->add_client();
}

std::optional<std::string> Clerk::get(const std::string& key) { return run(OpKind::get, key, {}); }

bool Clerk::put(const std::string& key, const std::string& value) {
  return run(OpKind::put, key, value).has_value();
}

bool Clerk::append(const std::string& key, const std::string& value) {
  return run(OpKind::append, key, value).has_value();
}

std::optional<std::string> Clerk::run(OpKind kind, const std::string& key,
                                      const std::string& value) {
  const uint64_t seq = ++seq_;
  const sim::Instant called = sim::now();
  std::optional<size_t> op;
  if (recorder_ != nullptr) op = recorder_->call(history_client_, called.ns(), kind, key, value);
  const bool bounded = options_.op_timeout != sim::Duration::max();
  for (;;) {
    for (size_t tried = 0; tried < servers_.size(); ++tried) {
      if (bounded && sim::now() - called >= options_.op_timeout) return std::nullopt;
      std::string output;
      const std::optional<Err> err = attempt(leader_, kind, key, value, seq, &output);
      if (err == Err::ok) {
        if (op.has_value()) {
          std::optional<std::string> recorded;
          if (kind == OpKind::get) recorded = output;
          recorder_->complete(*op, sim::now().ns(), std::move(recorded));
        }
        return output;
      }
      leader_ = (leader_ + 1) % servers_.size();
    }
    sim::sleep_for(options_.retry_pause);
  }
}

std::optional<Err> Clerk::attempt(size_t server, OpKind kind, const std::string& key,
                                  const std::string& value, uint64_t seq, std::string* output) {
  raft::PeerEnd& end = *servers_[server];
  if (kind == OpKind::get) {
    std::optional<GetReply> reply = end.call<GetReply>(kGetMethod, GetArgs{key, client_id_, seq});
    if (!reply.has_value() || !valid(reply->err)) return std::nullopt;
    if (reply->err == Err::ok) *output = std::move(reply->value);
    return reply->err;
  }
  std::optional<PutAppendReply> reply =
      end.call<PutAppendReply>(kPutAppendMethod, PutAppendArgs{kind, key, value, client_id_, seq});
  if (!reply.has_value() || !valid(reply->err)) return std::nullopt;
  return reply->err;
}

}  // namespace kv
