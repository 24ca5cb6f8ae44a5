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
  kExitResource =
      7,  // a run passed its wall-time or memory guard (--seed-timeout-s, --seed-memory-mb)
  kExitUsage = 64,
  kExitBadInput = 65,
};

}  // namespace raftsim::cli
