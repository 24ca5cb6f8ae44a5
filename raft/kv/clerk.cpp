#include "raft/kv/clerk.h"

#include <algorithm>
#include <limits>

#include "sim/assert.h"
#include "sim/runtime.h"

namespace kv {
namespace {

// A reply's log index as the history can hold it: a server's index past the history format's
// integers (a broken service's) is taken as unsaid rather than written as one no reader accepts.
uint64_t named_index(uint64_t index) {
  return index <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? index : 0;
}

}  // namespace

Clerk::Clerk(std::vector<std::shared_ptr<raft::PeerEnd>> servers, ClerkOptions options,
             HistoryRecorder* recorder)
    : servers_(std::move(servers)), options_(options), recorder_(recorder) {
  RAFTSIM_ASSERT(!servers_.empty());
  RAFTSIM_ASSERT(options_.op_timeout > sim::Duration::zero());
  RAFTSIM_ASSERT(options_.retry_pause > sim::Duration::zero());
  RAFTSIM_ASSERT(options_.silent_passes_max >= 1);
  client_id_ = sim::rng().next() >> 2;
  if (recorder_ != nullptr) history_client_ = recorder_->add_client();
}

void Clerk::set_op_timeout(sim::Duration op_timeout) {
  RAFTSIM_ASSERT(op_timeout > sim::Duration::zero());
  options_.op_timeout = op_timeout;
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
  const size_t n = servers_.size();
  std::vector<bool> refused(n, false);  // refused this operation since the clerk last started over
  int silent_passes = 0;                // passes in a row in which every call was lost
  for (;;) {
    bool refusal = false;  // some server refused in this pass
    bool running = false;  // some server asked in this pass did not refuse: its call was lost
    const size_t first = leader_.value_or(next_);
    for (size_t k = 0; k < n; ++k) {
      const size_t server = (first + k) % n;
      if (refused[server]) continue;
      if (bounded && sim::now() - called >= options_.op_timeout) return std::nullopt;
      std::string output;
      uint64_t index = 0;
      const std::optional<Err> err = attempt(server, kind, key, value, seq, &output, &index);
      if (err == Err::ok) {
        leader_ = server;
        last_answer_ = RecordedAnswer{static_cast<int64_t>(server), index};
        if (op.has_value()) {
          std::optional<std::string> recorded;
          if (kind == OpKind::get) recorded = output;
          recorder_->complete(*op, sim::now().ns(), std::move(recorded), last_answer_);
        }
        return output;
      }
      next_ = (server + 1) % n;
      if (err.has_value()) {
        refused[server] = true;
        refusal = true;
        if (leader_ == server) leader_.reset();
      } else {
        running = true;
      }
    }
    silent_passes = refusal ? 0 : silent_passes + 1;
    if (!running || silent_passes >= options_.silent_passes_max) {
      std::fill(refused.begin(), refused.end(), false);
      silent_passes = 0;
      sim::sleep_for(options_.retry_pause);
    }
  }
}

std::optional<Err> Clerk::attempt(size_t server, OpKind kind, const std::string& key,
                                  const std::string& value, uint64_t seq, std::string* output,
                                  uint64_t* index) {
  raft::PeerEnd& end = *servers_[server];
  if (kind == OpKind::get) {
    std::optional<GetReply> reply = end.call<GetReply>(kGetMethod, GetArgs{key, client_id_, seq});
    if (!reply.has_value() || !valid(reply->err)) return std::nullopt;
    if (reply->err == Err::ok) *output = std::move(reply->value);
    *index = named_index(reply->index);
    return reply->err;
  }
  std::optional<PutAppendReply> reply =
      end.call<PutAppendReply>(kPutAppendMethod, PutAppendArgs{kind, key, value, client_id_, seq});
  if (!reply.has_value() || !valid(reply->err)) return std::nullopt;
  *index = named_index(reply->index);
  return reply->err;
}

}  // namespace kv
