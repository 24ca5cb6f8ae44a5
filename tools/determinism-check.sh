#!/usr/bin/env bash
# Cross-compiler determinism: the gossip fixture over a fixed list of seeds must give identical
# fingerprints from two differently built binaries (CI: g++ -O2 and clang++ -O0).
# Usage: tools/determinism-check.sh BINARY_A BINARY_B
set -euo pipefail
a="$1"
b="$2"
args=(demo --seed 1 --seeds 40 --fingerprints)
out_a="$("$a" "${args[@]}")"
out_b="$("$b" "${args[@]}")"
interleaved_a="$("$a" "${args[@]}" --interleave)"
interleaved_b="$("$b" "${args[@]}" --interleave)"
if [ "$out_a" != "$out_b" ] || [ "$interleaved_a" != "$interleaved_b" ]; then
  echo "determinism-check: FAILED: fingerprints differ between $a and $b" >&2
  diff <(echo "$out_a"; echo "$interleaved_a") <(echo "$out_b"; echo "$interleaved_b") >&2 || true
  exit 5
fi
count=$(echo "$out_a" | wc -l)
echo "determinism-check: $((count * 2)) runs, identical fingerprints from both binaries"
