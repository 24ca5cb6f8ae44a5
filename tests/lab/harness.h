// Runs one course lab test over its seeds, with the implementation named by RAFTSIM_IMPL
// (default "reference").
//
// Seeds: RAFTSIM_SEED=N runs seed N only; otherwise seeds 1..RAFTSIM_SEEDS (default
// RAFTSIM_LAB_SEEDS_DEFAULT, set by CMake, so CI runs every test on several seeds). Each passing
// seed prints the course's summary line and the run's figures (simulated s, wall ms, RPCs); the
// first failing seed prints the failure, the seed and the command that reproduces it, and fails
// the Catch2 test.
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
