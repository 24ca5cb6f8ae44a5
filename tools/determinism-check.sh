#!/usr/bin/env bash
# Determinism across builds: the gossip fixture over a fixed list of seeds, and full scenario runs
# (Raft, KV, checkers, nemesis) of every library scenario, must give identical fingerprints from two
# differently built binaries (CI: the g++ -O2 release build against the clang++ asan build, whose
# fibers run on Boost's ucontext backend instead of fcontext).
# Usage: tools/determinism-check.sh BINARY_A BINARY_B [SEEDS]   (SEEDS per scenario, default 3)
set -euo pipefail
a="$1"
b="$2"
seeds="${3:-3}"
args=(demo --seed 1 --seeds 40 --fingerprints)
out_a="$("$a" "${args[@]}")"
out_b="$("$b" "${args[@]}")"
interleaved_a="$("$a" "${args[@]}" --interleave)"
interleaved_b="$("$b" "${args[@]}" --interleave)"
# The whole stack too: Raft, KV, checkers and nemesis on every library scenario (the swarm's
# draw included), as fuzz campaigns that write each seed's fingerprint and outcome. A run's
# verdict does not matter here, only that both binaries agree; a seed that crashes a binary (a
# signal, a sanitizer report) leaves that binary's file short or missing, which shows as a
# difference.
jobs="$(nproc)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fingerprints() {  # BINARY SCENARIO IMPL -> prints the lines
  rm -f "$work/f"
  "$1" fuzz "$2" --impl "$3" --seeds "$seeds" --jobs "$jobs" --out "$work/reports" \
    --fingerprints "$work/f" >/dev/null 2>&1 || true
  cat "$work/f" 2>/dev/null || echo "$2 ($3): no fingerprints from $1"
}
# canonical/raft too when the binaries were built with it (an unknown --impl is a usage error, 64).
impls=(reference)
rc=0
"$a" run calm --seed 1 --impl canonical >/dev/null 2>&1 || rc=$?
if [ "$rc" -ne 64 ]; then impls+=(canonical); fi
runs_a=""
runs_b=""
for impl in "${impls[@]}"; do
  for scenario in $("$a" scenarios | awk '/^[a-z]/ {print $1}'); do
    runs_a+="$(fingerprints "$a" "$scenario" "$impl")"$'\n'
    runs_b+="$(fingerprints "$b" "$scenario" "$impl")"$'\n'
  done
done
if grep -q 'no fingerprints' <<<"$runs_a"; then
  echo "determinism-check: FAILED: $(grep 'no fingerprints' <<<"$runs_a")" >&2
  exit 5
fi
out_a+=$'\n'"$runs_a"
out_b+=$'\n'"$runs_b"
if [ "$out_a" != "$out_b" ] || [ "$interleaved_a" != "$interleaved_b" ]; then
  echo "determinism-check: FAILED: fingerprints differ between $a and $b" >&2
  diff <(echo "$out_a"; echo "$interleaved_a") <(echo "$out_b"; echo "$interleaved_b") >&2 || true
  exit 5
fi
count=$(( $(echo "$out_a" | grep -c .) + $(echo "$interleaved_a" | grep -c .) ))
echo "determinism-check: $count fingerprints (gossip demo, interleaved demo, full Raft+KV runs of" \
  "${impls[*]}) identical from both binaries"
