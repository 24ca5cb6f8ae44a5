#!/usr/bin/env bash
# Determinism across builds: the gossip fixture over a fixed list of seeds, and full scenario runs
# (Raft, KV, checkers, nemesis) of every library scenario, must give identical fingerprints from two
# differently built binaries (CI: g++ -O2 against clang++ -O0, and release against the asan build,
# whose fibers run on Boost's ucontext backend instead of fcontext).
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
# draw included). A run's verdict does not matter here, only that both binaries agree; a binary
# that crashes prints no fingerprint, which shows as a difference.
fingerprint() {  # BINARY SCENARIO SEED
  { "$1" run "$2" --seed "$3" --json 2>/dev/null || true; } | grep -o '"fingerprint":"[0-9a-f]*"' || true
}
runs_a=""
runs_b=""
for scenario in $("$a" scenarios | awk '/^[a-z]/ {print $1}'); do
  for seed in $(seq 1 "$seeds"); do
    runs_a+="$scenario $seed $(fingerprint "$a" "$scenario" "$seed")"$'\n'
    runs_b+="$scenario $seed $(fingerprint "$b" "$scenario" "$seed")"$'\n'
  done
done
if grep -qv '"fingerprint"' <<<"${runs_a%$'\n'}"; then
  echo "determinism-check: FAILED: $a printed no fingerprint for:" >&2
  grep -v '"fingerprint"' <<<"${runs_a%$'\n'}" >&2
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
echo "determinism-check: $count fingerprints (gossip demo, interleaved demo, full Raft+KV runs)" \
  "identical from both binaries"
