// The human log of a run (`--log TOPICS`), in the style of dslogs: one line per event with its
// simulated time in milliseconds, its topic, and its text indented into its node's column.
//
// Contract. Topics: vote, append (truncations too), commit, apply, persist, snapshot, role, client
// (the notes of scenarios/trace_observer.h and scenarios/workload.h), net (send, deliver, drop,
// duplicate), fault (injected faults, crashes, restarts); "all" is every one of them. Only events
// of the chosen topics are printed. Server k's events sit in column k; the tester's processes
// (clients) share the column after the servers; fault events of no node start at column 0.
// ANSI colours, one per topic, only when asked (the CLI asks when stdout is a terminal). Events
// are printed as they are recorded (a RunOptions::trace_listener), so a hung run still shows.
#pragma once

#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace views {

// Parses "vote,append" or "all"; nullopt and `error` set for an unknown topic or an empty list.
std::optional<std::set<std::string>> parse_log_topics(const std::string& list, std::string* error);

struct LogViewOptions {
  std::set<std::string> topics;
  std::vector<std::string> node_names;  // by sim::NodeId (scenarios::node_names)
  int servers = 0;                      // the first `servers` nodes are Raft servers
  bool color = false;
  int column_width = 26;  // characters per node column; >= 8
};

class LogView {
 public:
  LogView(LogViewOptions options, std::FILE* out);
  void operator()(const sim::TraceEvent& event);

  // The log topic of an event, or "" for events no topic shows (timers, spawns, disk writes).
  static std::string topic_of(const sim::TraceEvent& event);

 private:
  std::string text_of(const sim::TraceEvent& event) const;
  std::string name(sim::NodeId node) const;

  LogViewOptions options_;
  std::FILE* out_;
};

}  // namespace views
