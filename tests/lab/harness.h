// Runs one course lab test over its seeds, with the implementation named by RAFTSIM_IMPL
// (default "reference").
//
// Seeds: RAFTSIM_SEED=N runs seed N only; otherwise seeds 1..RAFTSIM_SEEDS (default
// RAFTSIM_LAB_SEEDS_DEFAULT, set by CMake, so CI runs every test on several seeds). RAFTSIM_MUTANT
// switches a mutant on, RAFTSIM_KV picks the KV service of 4A/4B, and RAFTSIM_FIBERS_MAX caps the
// fibers alive at once (1..10,000,000; default 20,000), past which a run fails as "resource".
// RAFTSIM_IGNORE_PROPERTY="Leader Commit Rule[,...]" counts violations of those safety properties
// instead of failing on them (a known bug of the code under test; `raftsim lab --ignore-property`).
// Each passing seed prints the course's summary line and the run's figures (simulated s, wall
// ms, RPCs), and, when it violated an ignored property, a line
//   [<test> seed <N>] ignored (RAFTSIM_IGNORE_PROPERTY): <property> violated <K> time(s)[; ...]
// The first failing seed fails the Catch2 test after printing, in a few lines:
//   <test> failed on seed <N> with implementation <impl>:
//   <the failure message, its first six lines>
//     seed <N>, kind <kind>, fingerprint <16 hex digits>, at <time> simulated
//     reproduce: RAFTSIM_SEED=<N> RAFTSIM_IMPL=<impl> [RAFTSIM_KV=..] [RAFTSIM_MUTANT=..]
//                [RAFTSIM_FIBERS_MAX=..] [RAFTSIM_IGNORE_PROPERTY=..] <program> <test>
//                                                                  (views/reproduce.h)
//     artifacts: <dir> (failure.txt, log.txt, trace.perfetto.json, events.jsonl[, history.json,
//                history.html])
// The kind is "test" (a check of the tester), "safety", "deadlock", "lock", "exception", "budget"
// or "resource" (the fiber cap, a stack the system would not map, std::bad_alloc). For the
// artifacts (tests/lab/failure_artifacts.h) the seed runs once more recording every event; the
// directory is <RAFTSIM_LAB_ARTIFACTS, default ./raftsim-lab-failures>/<test>[-<impl>][-kv-<kv>]
// [-<mutant>]-seed<N> (views::lab_artifact_name), RAFTSIM_LAB_ARTIFACTS=off writes none, and
// RAFTSIM_LOG picks log.txt's topics as `raftsim run --log` does (default all). A malformed
// RAFTSIM_FIBERS_MAX, RAFTSIM_LOG or RAFTSIM_IGNORE_PROPERTY fails the test with a message
// naming it.
#pragma once

#include <functional>

#include "tests/lab/tester.h"

namespace lab {

struct LabTest {
  const char* name;  // the course's name, e.g. "TestInitialElection3A"
  int servers;
  bool reliable;
  bool snapshot;
};

void run_lab_test(const LabTest& test, const std::function<void(Tester&)>& body);

// The same, with `configure` adjusting each seed's TesterOptions (a service above Raft) before
// the tester is built.
void run_lab_test(const LabTest& test, const std::function<void(TesterOptions&)>& configure,
                  const std::function<void(Tester&)>& body);

}  // namespace lab
