// canonical/raft's C header, inside namespace libraft: the library names its central type
// `struct raft`, which would clash with raftsim's namespace raft at global scope. The functions
// keep their C linkage, so they link to the library as they are.
#pragma once

// raft.h's own includes, first, so that they stay at global scope.
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

namespace libraft {
extern "C" {
#include <raft.h>
}
}  // namespace libraft
