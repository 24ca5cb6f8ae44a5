// The run picture (`--html FILE` on run and replay, and `<report>.html` beside every failure report
// that fuzz writes): one self-contained, offline HTML file that shows the cluster over simulated
// time, with the history picture (views/history_picture.h) below it.
//
// Contract. RunPictureBuilder reads the run's trace events as they happen (a sim::Trace listener,
// so no trace is kept in memory) and builds the data model, RunPicture: per server a lane with its
// role and term over time, the spans it was down (crash to restart), bands for what cut it off or
// slowed it (partitions and one-way cuts from the fault injector's "links" view events, clogs,
// disk stalls, slow disks, clock drift), and its last log index and commit index as step series;
// the fault events as marks; the client operations (from the checked history) with the ones a
// linearizability check could not place marked; and the failure, at its time, with the servers it
// names. run_html embeds the model as JSON and draws it in the browser (inline SVG, zoomable),
// with no file fetched. It reads the trace notes that scenarios/trace_observer.h and
// scenarios/fault_injector.h document. A run has to be watched for its "links" events to be made:
// a listener on the trace is enough (sim::Trace::watched), and changes nothing in the run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/linearizability/history_html.h"
#include "sim/trace.h"

namespace views {

struct RunFailure {
  std::string status;    // "safety", "liveness", ...
  std::string property;  // e.g. "Election Safety"
  std::string message;
  int64_t at_ns = 0;
  std::vector<int> nodes;  // the servers it names
};

struct RunPicture {
  // A span of a lane. Roles: kind "follower", "candidate" or "leader" with `term`; down spans:
  // kind "down"; bands: kind "partition", "clog", "disk-stall", "disk-slow" or "drift" with a
  // label.
  struct Span {
    int64_t from_ns = 0;
    int64_t to_ns = 0;
    std::string kind;
    uint64_t term = 0;
    std::string label;
    friend bool operator==(const Span&, const Span&) = default;
  };
  // A step series: the value holds from at_ns to the next point; -1 is unknown (the node is down,
  // or it restarted and has not said yet).
  struct Point {
    int64_t at_ns = 0;
    int64_t value = 0;
    friend bool operator==(const Point&, const Point&) = default;
  };
  struct Lane {
    std::string name;
    std::vector<Span> roles;
    std::vector<Span> down;
    std::vector<Span> bands;
    std::vector<Point> last_index;
    std::vector<Point> commit_index;
  };
  struct Mark {
    int64_t at_ns = 0;
    int node = -1;      // the server it acts on, -1 for the cluster (or a leader not yet resolved)
    std::string label;  // short: the kind and its target
    std::string detail;
  };
  struct Operation {
    int64_t client = 0;
    int64_t call_ns = 0;
    std::optional<int64_t> return_ns;  // empty: outcome unknown
    std::string label;
    bool unplaced = false;  // in an illegal partition, after its longest partial linearization
    std::string answer;     // who answered (server and log index), when the history says
  };

  std::string title;
  int64_t end_ns = 0;
  std::vector<Lane> servers;
  std::vector<Mark> faults;
  std::vector<Operation> operations;
  std::optional<RunFailure> failure;
};

class RunPictureBuilder {
 public:
  // `node_names` by sim::NodeId; the first `servers` are the Raft servers.
  RunPictureBuilder(std::vector<std::string> node_names, int servers);

  void add(const sim::TraceEvent& event);
  // The picture of the run so far, ended at `end_ns` (open spans close there). `history` is the
  // checked client history (views::history_picture_input), if the run has one.
  RunPicture finish(std::string title, int64_t end_ns, std::optional<RunFailure> failure,
                    const checkers::linearizability::PictureInput* history) const;

 private:
  struct Open {
    std::optional<RunPicture::Span> role;
    std::optional<int64_t> down_since;
    std::optional<RunPicture::Span> links;  // the partition band in effect
    std::optional<RunPicture::Span> slow;   // disk-slow
    std::optional<RunPicture::Span> drift;
  };
  void on_fault(const sim::TraceEvent& event);
  void on_links(const sim::TraceEvent& event);
  void on_note(const sim::TraceEvent& event);
  static void set_point(std::vector<RunPicture::Point>& series, int64_t at_ns, int64_t value);
  // Ends `open` at `at_ns` and keeps it in `into` unless it is empty.
  static void close(std::optional<RunPicture::Span>& open, std::vector<RunPicture::Span>& into,
                    int64_t at_ns);
  std::string name(int node) const;

  std::vector<std::string> names_;
  int servers_;
  std::vector<RunPicture::Lane> lanes_;
  std::vector<Open> open_;
  std::vector<RunPicture::Mark> faults_;
  std::vector<int64_t> last_index_;  // by server, -1 unknown
};

// The model as the page reads it (the `run-data` JSON of run_html).
std::string run_picture_json(const RunPicture& picture);

// The whole HTML document: the run picture, then the history picture of `history` if given.
std::string run_html(const RunPicture& picture,
                     const checkers::linearizability::PictureInput* history);

}  // namespace views
