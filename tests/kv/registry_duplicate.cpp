// A program that registers a second "reference" Raft: it must not start, and must say why
// (tests/kv/CMakeLists.txt checks the message and the exit code).
#include "raft/reference/make.h"
#include "raft/registry.h"

RAFTSIM_REGISTER_IMPLEMENTATION("reference", "a second reference", &raft::reference::make_reference,
                                true);

int main() { return 0; }
