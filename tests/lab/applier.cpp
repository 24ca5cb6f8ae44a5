// The tester's apply readers (config.go's applier and applierSnap): every applied command is
// compared with what every other server applied at that index, applies must come in order, and
// in snapshot mode the reader hands Raft a snapshot every kSnapshotInterval commands.
#include <fmt/core.h>

#include "sim/wire.h"
#include "tests/lab/tester.h"

namespace lab {
namespace {

// The service's snapshot: the last included index and every command up to it (the course's
// xlog), so a restored server can be compared like any other.
struct SnapshotBody {
  raft::Index last_index = 0;
  std::vector<raft::Bytes> log;  // log[k] is the command at index k + 1
  RAFTSIM_WIRE_FIELDS(last_index, log)
};

}  // namespace

void Tester::apply_loop(int server, sim::Channel<raft::ApplyMsg>& channel, raft::Peer* peer) {
  const size_t s = static_cast<size_t>(server);
  while (std::optional<raft::ApplyMsg> msg = channel.recv()) {
    // An implementation that reports no events is still checked through its apply stream.
    if (!options_.implementation->reports_events) observer_->on_apply(server, *msg);
    std::string error;
    if (options_.snapshot) {
      error = apply_snapshot_mode(server, *msg, *peer);
    } else if (msg->command_valid) {
      const bool previous_known = logs_[s].count(msg->command_index - 1) > 0;
      error = check_logs(server, *msg);
      if (msg->command_index > 1 && !previous_known && error.empty()) {
        error = fmt::format("server {} apply out of order {}", server, msg->command_index);
      }
    }
    if (!error.empty()) {
      apply_errors_[s] = "apply error: " + error;
      fatal(apply_errors_[s]);
    }
  }
}

std::string Tester::check_logs(int server, const raft::ApplyMsg& msg) {
  std::string error;
  for (int j = 0; j < options_.servers; ++j) {
    const auto& log = logs_[static_cast<size_t>(j)];
    auto it = log.find(msg.command_index);
    if (it != log.end() && it->second != msg.command) {
      // Some server has already committed a different value for this entry!
      error = fmt::format("commit index={} server={} {} != server={} {}", msg.command_index, server,
                          describe_command(msg.command), j, describe_command(it->second));
    }
  }
  logs_[static_cast<size_t>(server)][msg.command_index] = msg.command;
  max_index_ = std::max(max_index_, msg.command_index);
  return error;
}

std::string Tester::apply_snapshot_mode(int server, const raft::ApplyMsg& msg, raft::Peer& peer) {
  const size_t s = static_cast<size_t>(server);
  if (msg.snapshot_valid)
    return ingest_snapshot(server, msg.snapshot, static_cast<int64_t>(msg.snapshot_index));
  if (!msg.command_valid) return "";
  if (msg.command_index != last_applied_[s] + 1) {
    return fmt::format("server {} apply out of order, expected index {}, got {}", server,
                       last_applied_[s] + 1, msg.command_index);
  }
  std::string error = check_logs(server, msg);
  last_applied_[s] = msg.command_index;
  if (!error.empty()) return error;
  if ((msg.command_index + 1) % kSnapshotInterval == 0) {
    SnapshotBody body;
    body.last_index = msg.command_index;
    for (raft::Index index = 1; index <= msg.command_index; ++index) {
      auto it = logs_[s].find(index);
      body.log.push_back(it != logs_[s].end() ? it->second : raft::Bytes());
    }
    peer.snapshot(msg.command_index, sim::wire::encode(body));
  }
  return "";
}

std::string Tester::ingest_snapshot(int server, const raft::Bytes& snapshot, int64_t index) {
  std::optional<SnapshotBody> body = sim::wire::decode<SnapshotBody>(snapshot);
  if (!body.has_value()) return fmt::format("server {} snapshot decode error", server);
  if (index != -1 && static_cast<raft::Index>(index) != body->last_index) {
    return fmt::format("server {} snapshot doesn't match m.SnapshotIndex", server);
  }
  const size_t s = static_cast<size_t>(server);
  logs_[s].clear();
  for (size_t k = 0; k < body->log.size(); ++k) logs_[s][k + 1] = body->log[k];
  last_applied_[s] = body->last_index;
  return "";
}

}  // namespace lab
