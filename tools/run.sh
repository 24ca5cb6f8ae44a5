#!/usr/bin/env bash
# The two entry points of the README, from a fresh clone:
#   tools/run.sh main   installs what is missing, builds (release), runs the main job
#   tools/run.sh test   installs what is missing, builds, and runs every test: the g++ suite,
#                       the suite again under AddressSanitizer + UBSan (clang++), and the
#                       cross-build determinism check (g++ -O2 release against the clang++ asan
#                       build)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
jobs="$(nproc)"

# Each step prints how long it took, so a slow CI run says where its time went.
step() {  # step NAME COMMAND...
  local name="$1" start=$SECONDS
  shift
  "$@"
  echo "run.sh: step '$name' took $((SECONDS - start)) s" >&2
}

step install-deps bash tools/install-deps.sh

# Test programs compile as one file each (RAFTSIM_UNITY_TESTS): a cold build is minutes shorter,
# and the libraries and raftsim itself, whose speed is measured, are built as always.
build() {  # build PRESET [TARGET...]
  local preset="$1"
  shift
  cmake --preset "$preset" -DRAFTSIM_UNITY_TESTS=ON >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build --preset "$preset" -j "$jobs" --target "$@"
  else
    cmake --build --preset "$preset" -j "$jobs"
  fi
}

# A short fuzz campaign on the reference: every library scenario over 20 seeds, a quarter of them
# run twice to check determinism; then a report written by `run` and one written by `fuzz` for a
# mutant must replay to the same outcome and fingerprint.
fuzz_campaign() {
  local raftsim="$1" out=build/ci-fuzz status
  rm -rf "$out"
  mkdir -p "$out"
  for scenario in $("$raftsim" scenarios | awk '/^[a-z]/ {print $1}'); do
    "$raftsim" fuzz "$scenario" --seeds 20 --jobs "$jobs" --check-determinism 0.25 --out "$out"
  done
  "$raftsim" run default --seed 7 --report "$out/run-report.json" >/dev/null
  "$raftsim" replay "$out/run-report.json"
  status=0
  "$raftsim" fuzz default --seeds 1 --mutant no-prev-check --out "$out/mutant" >/dev/null || status=$?
  [ "$status" -eq 1 ] || { echo "fuzz_campaign: the no-prev-check mutant was not caught" >&2; exit 1; }
  status=0
  "$raftsim" replay "$out/mutant/default-seed1.json" || status=$?
  [ "$status" -eq 1 ] || { echo "fuzz_campaign: the mutant's report did not replay" >&2; exit 1; }
}

case "$mode" in
  main)
    build release raftsim
    build/release/tools/raftsim fuzz --seeds 300 --jobs "$jobs" --out build/raftsim-failures
    ;;
  test)
    step "build release" build release
    step "build asan" build asan
    # Every label but `install` under AddressSanitizer + UBSan (clang++, fibers on Boost's
    # ucontext backend). The 300-seed mutant gate, a measure of detection power rather than of
    # memory safety, runs in the release suite only; so do the install tests, which check the
    # package's layout and CMake files by building projects against it (a minute and a half of
    # compiling under asan, and no raftsim code that the other labels do not run).
    step "ctest asan" ctest --test-dir build/asan --output-on-failure --no-tests=error -j "$jobs" \
      -LE install
    # The asan build differs from release in compiler (clang++ -O1 against g++ -O2) and in fiber
    # backend: it must run the same simulation.
    step "determinism check" \
      bash tools/determinism-check.sh build/release/tools/raftsim build/asan/tools/raftsim
    step "fuzz campaign" fuzz_campaign build/release/tools/raftsim
    step "ctest release" \
      ctest --test-dir build/release --output-on-failure --no-tests=error -j "$jobs"
    ;;
  *)
    echo "usage: tools/run.sh main|test" >&2
    exit 64
    ;;
esac
