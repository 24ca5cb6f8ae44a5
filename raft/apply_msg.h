// ApplyMsg: what a Raft peer delivers, in order, on its apply channel (the course's ApplyMsg).
//
// Contract: exactly one of command_valid and snapshot_valid is true. Commands arrive with
// command_index = last delivered index + 1; a snapshot replaces the service state up to
// snapshot_index, and the commands after it follow from snapshot_index + 1.
#pragma once

#include "raft/types.h"

namespace raft {

struct ApplyMsg {
  bool command_valid = false;
  Bytes command;
  Index command_index = 0;
  Term command_term = 0;

  bool snapshot_valid = false;
  Bytes snapshot;
  Term snapshot_term = 0;
  Index snapshot_index = 0;
};

}  // namespace raft
