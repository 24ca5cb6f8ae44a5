#!/usr/bin/env bash
# The two entry points of the README, from a fresh clone:
#   tools/run.sh main   installs what is missing, builds (release), runs the main job
#   tools/run.sh test   installs what is missing, builds, and runs every test: the g++ suite,
#                       the sim suite under AddressSanitizer + UBSan, and the cross-compiler
#                       determinism check (g++ -O2 against clang++ -O0)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
jobs="$(nproc)"

bash tools/install-deps.sh

build() {  # build PRESET [TARGET...]
  local preset="$1"
  shift
  cmake --preset "$preset" >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build --preset "$preset" -j "$jobs" --target "$@"
  else
    cmake --build --preset "$preset" -j "$jobs"
  fi
}

case "$mode" in
  main)
    build release raftsim
    build/release/tools/raftsim demo --seed 1 --seeds 20
    ;;
  test)
    build release
    build clang-debug raftsim
    bash tools/determinism-check.sh build/release/tools/raftsim build/clang-debug/tools/raftsim
    build asan sim_tests
    ctest --test-dir build/asan --output-on-failure --no-tests=error -j "$jobs" -L sim
    ctest --test-dir build/release --output-on-failure --no-tests=error -j "$jobs"
    ;;
  *)
    echo "usage: tools/run.sh main|test" >&2
    exit 64
    ;;
esac
