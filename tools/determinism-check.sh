#!/usr/bin/env bash
# Cross-compiler determinism: the gossip fixture over a fixed list of seeds, and full scenario runs
# (Raft, KV, checkers, nemesis), must give identical fingerprints from two differently built
# binaries (CI: g++ -O2 and clang++ -O0).
# Usage: tools/determinism-check.sh BINARY_A BINARY_B
set -euo pipefail
a="$1"
b="$2"
args=(demo --seed 1 --seeds 40 --fingerprints)
out_a="$("$a" "${args[@]}")"
out_b="$("$b" "${args[@]}")"
interleaved_a="$("$a" "${args[@]}" --interleave)"
interleaved_b="$("$b" "${args[@]}" --interleave)"
# The whole stack too: Raft, KV, checkers and nemesis on the swarm (its draw included) and a
# few library scenarios.
runs_a=""
runs_b=""
for scenario in swarm default chaos figure8; do
  for seed in 1 2 3; do
    runs_a+="$scenario $seed $("$a" run "$scenario" --seed "$seed" --json | grep -o '"fingerprint":"[0-9a-f]*"')"$'\n'
    runs_b+="$scenario $seed $("$b" run "$scenario" --seed "$seed" --json | grep -o '"fingerprint":"[0-9a-f]*"')"$'\n'
  done
done
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
