// Exit codes of the raftsim CLI (DESIGN.md, "tools/"). Every command returns one of these.
#pragma once

namespace raftsim::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitSafety = 1,
  kExitLinearizability = 2,
  kExitLiveness = 3,
  kExitCrash = 4,  // implementation crash, stack overflow or deadlock
  kExitNondeterminism = 5,
  kExitUnknown = 6,  // a checker ran out of budget: verdict unknown
  // A run ran out of something: its wall-time or memory guard (--seed-timeout-s,
  // --seed-memory-mb), the fiber cap (--fibers-max, RAFTSIM_FIBERS_MAX), a fiber stack the system
  // would not map, or std::bad_alloc inside the simulation. `raftsim lab` exits 7 when every
  // failing lab run failed this way.
  kExitResource = 7,
  kExitUsage = 64,
  kExitBadInput = 65,
};

}  // namespace raftsim::cli
