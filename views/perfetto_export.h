// The Chrome trace-event JSON of a run (`--perfetto FILE`), which ui.perfetto.dev and
// chrome://tracing open.
//
// Contract. One JSON object {"traceEvents": [...], "displayTimeUnit": "ms"}, times in
// microseconds of simulated time (three decimals: nanosecond exact). Every node of the run
// (servers, then the tester's processes by name) is a process (pid = node id + 1) with two
// threads: tid 1 "raft" for a server (role spans "follower term T" / "candidate term T" /
// "leader term T" as B/E pairs, crash and restart instants, protocol notes as instants) or "ops"
// for a client (one B/E span per operation, named "<op> <key>", its value and outcome as args);
// and tid 2 "rpc", one 1 ns slice per instant the node sent or received packets, to which the
// flows bind: every delivered packet is a flow ("s" at its send, "f" with "bp": "e" at its first
// delivery, id = the packet id); drops and duplicates are instants there. Fault events are
// instants on the "nemesis" process (pid = node count + 1). Spans still open at the end of the
// trace are closed at its last event. It reads the trace notes that scenarios/trace_observer.h
// and scenarios/workload.h document.
#pragma once

#include <string>
#include <vector>

#include "sim/trace.h"

namespace views {

// `node_names` by sim::NodeId (RunResult::node_names); the first `servers` are Raft servers.
std::string perfetto_json(const std::vector<sim::TraceEvent>& trace,
                          const std::vector<std::string>& node_names, int servers);

}  // namespace views
