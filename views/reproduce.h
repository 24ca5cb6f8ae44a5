// The command that reproduces one lab run, as `raftsim lab` and a failing lab program both print
// it, and the name of the directory a failing lab program writes its artifacts to.
//
// Contract. The command is the environment a lab program reads (harness.h) followed by the program
// and the test name, each word shell-quoted when it needs to be:
//   RAFTSIM_SEED=N RAFTSIM_IMPL=NAME [RAFTSIM_KV=NAME] [RAFTSIM_MUTANT=NAME]
//   [RAFTSIM_FIBERS_MAX=N] [RAFTSIM_IGNORE_PROPERTY=NAME,...] PROGRAM TEST
// RAFTSIM_KV is left out for the reference KV service, RAFTSIM_MUTANT for none,
// RAFTSIM_FIBERS_MAX for the default cap (0 here) and RAFTSIM_IGNORE_PROPERTY when no property is
// ignored. Typed in the directory it was printed in, it
// runs the same (test, seed) with the same code, so it fails the same way with the same
// fingerprint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace views {

struct LabRun {
  uint64_t seed = 1;
  std::string impl = "reference";
  std::string kv = "reference";                 // "" counts as the reference
  std::string mutant;                           // "" = none
  uint64_t fibers_max = 0;                      // 0 = the default (sim::WorldOptions::fibers_max)
  std::vector<std::string> ignored_properties;  // RAFTSIM_IGNORE_PROPERTY, comma-joined
  std::string program;                          // as shown: lab_program_shown
  std::string test;                             // e.g. "TestInitialElection3A"
};

std::string lab_reproduce_command(const LabRun& run);

// "<test>[-<impl>][-kv-<kv>][-<mutant>]-seed<N>": the implementation unless it is the reference,
// the KV service unless it is the reference, the mutant if any; characters other than letters,
// digits, '-', '_' and '.' become '_'.
std::string lab_artifact_name(const LabRun& run);

// `word` as one shell word: unchanged when it holds only safe characters, else single-quoted.
std::string shell_quote(const std::string& word);

// A program's path as a user in the current directory types it: "./x" or "dir/x" when it is
// below the current directory, else absolute.
std::string shown_path(const std::filesystem::path& absolute);

}  // namespace views
