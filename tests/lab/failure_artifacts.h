// The artifacts of a failing lab run: what `raftsim replay` can show of a run, written beside the
// failure so that a student can look at it without another tool.
//
// Contract. write_failure_artifacts creates `dir` (and its parents) and writes into it, replacing
// what an earlier run of the same (test, seed, implementation, KV service, mutant) left there:
//   failure.txt          the failure in full: test, seed, code, kind, time, fingerprints, the
//                        reproduce command, the whole message
//   log.txt              the human log (views/log_view.h) of the chosen topics, no colours
//   trace.perfetto.json  the Chrome trace-event JSON (views/perfetto_export.h) for ui.perfetto.dev
//   events.jsonl         every trace event, one JSON object a line (sim::Trace::to_json)
//   history.json         the KV labs only: the client history (raftsim-history/1), which
//                        `raftsim check` reads
//   history.html         the KV labs only: its picture (views/history_picture.h)
// `tester` must have run with TesterOptions::record_trace. Returns the names of the files written,
// or the error that stopped it.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/lab/tester.h"

namespace lab {

struct FailureDescription {
  std::string test;
  uint64_t seed = 0;
  std::string code;  // "implementation skeleton, kv reference, mutant none"
  RunFailure failure;
  uint64_t fingerprint = 0;
  uint64_t rerun_fingerprint = 0;  // the re-run that recorded the trace
  std::string reproduce;
};

struct ArtifactsWritten {
  std::vector<std::string> files;
  std::string error;  // not empty: what could not be written
};

ArtifactsWritten write_failure_artifacts(const std::filesystem::path& dir,
                                         const FailureDescription& description,
                                         const Tester& tester,
                                         const std::set<std::string>& log_topics);

}  // namespace lab
