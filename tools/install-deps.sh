#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages raftsim needs, and only those that are missing.
# Idempotent and quiet when everything is already there. Needs root (or sudo) to install.
set -euo pipefail

packages=(
  g++ clang cmake ninja-build make git
  # clang's sanitizer runtimes, for the asan preset (only recommended by clang, so not installed
  # with --no-install-recommends)
  libclang-rt-14-dev
  libboost-context-dev catch2 nlohmann-json3-dev libcli11-dev libfmt-dev libbenchmark-dev
  clang-format
  # canonical/raft, the production Raft library under test as --impl canonical (pkg-config)
  libraft-dev pkgconf
  # a headless browser for the test that draws the run picture (tests/views); without it that
  # test is skipped
  chromium
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
