#!/usr/bin/env bash
# The handout's commands work as written: runs docs/write-your-own-raft.md's ```sh blocks
# (run-doc.sh) from a scratch "clone" whose build/release is this build tree, with HOME pointing
# at a scratch directory, so that ~/raftsim and ~/myraft are made fresh and removed afterwards.
#   tests/docs/handout-test.sh SOURCE_DIR BUILD_DIR SCRATCH_DIR
set -euo pipefail
source_dir=$1 build_dir=$2 scratch=$3
rm -rf "$scratch"
mkdir -p "$scratch/home" "$scratch/clone/build"
trap 'rm -rf "$scratch"' EXIT
ln -s "$build_dir" "$scratch/clone/build/release"
ln -s "$source_dir/tools" "$scratch/clone/tools"
# Nothing from the caller's environment may steer the student's build or runs.
unset CMAKE_PREFIX_PATH CMAKE_GENERATOR RAFTSIM_IMPL RAFTSIM_KV RAFTSIM_SEED RAFTSIM_SEEDS \
  RAFTSIM_LAB_DIR RAFTSIM_LOG RAFTSIM_MUTANT
HOME="$scratch/home" "$source_dir/tests/docs/run-doc.sh" \
  "$source_dir/docs/write-your-own-raft.md" "$scratch/clone"
