#!/usr/bin/env bash
# Runs the ```sh blocks of a Markdown document, in order, as a reader would type them, and fails
# if one of them does not do what the document says.
#
#   tests/docs/run-doc.sh DOC.md START_DIR
#
# Each block runs with `bash -e -o pipefail` in the directory the previous block left (`cd` in a
# block carries over), starting in START_DIR. HOME is whatever the caller set (the test points it
# at a scratch directory, so `~` is scratch). The HTML comment on the line before a block says
# what it must do:
#   (none)                         exit 0
#   <!-- doc-test: fails -->       exit non-zero (the document shows a failing run)
#   <!-- doc-test: skip (why) -->  not run; the reason is printed
# and, after either of the first two, `prints "TEXT"` (inside the comment) requires TEXT in the
# block's output, e.g. <!-- doc-test: fails prints "expected one leader, got none" -->.
# Prints each block, its outcome and, on a mismatch, its output; exits 1 on the first mismatch,
# 2 on bad usage or a malformed document.
set -uo pipefail

if [ $# -ne 2 ] || [ ! -f "$1" ] || [ ! -d "$2" ]; then
  echo "usage: run-doc.sh DOC.md START_DIR (an existing file and directory)" >&2
  exit 2
fi
doc=$1
cwd=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Splits the document into blocks: block N's text in $work/N.sh, its directive in $work/N.how,
# the line it starts on in $work/N.line.
awk -v dir="$work" '
  /^```sh[[:space:]]*$/ {
    if (inside) { printf "line %d: a ```sh block opens inside another\n", NR > "/dev/stderr"; exit 2 }
    inside = 1; n++
    file = dir "/" n ".sh"; printf "" > file
    print previous > (dir "/" n ".how")
    print NR > (dir "/" n ".line")
    next
  }
  /^```[[:space:]]*$/ && inside { inside = 0; close(file); previous = ""; next }
  inside { print >> file; next }
  { if ($0 !~ /^[[:space:]]*$/) previous = $0 }
  END {
    if (inside) { print "the document ends inside a ```sh block" > "/dev/stderr"; exit 2 }
    print n + 0 > (dir "/count")
  }' "$doc" || exit 2

count=$(cat "$work/count")
if [ "$count" -eq 0 ]; then
  echo "$doc: no \`\`\`sh blocks" >&2
  exit 2
fi

for ((i = 1; i <= count; i++)); do
  how=$(cat "$work/$i.how")
  line=$(cat "$work/$i.line")
  echo "---- $doc:$line (in $cwd)"
  sed 's/^/  $ /' "$work/$i.sh"
  if [[ $how =~ \<!--\ doc-test:\ skip ]]; then
    reason=${how#*skip }
    echo "  skipped: ${reason% -->}"
    continue
  fi
  expect_fail=0
  [[ $how =~ \<!--\ doc-test:\ fails ]] && expect_fail=1
  expect_text=""
  if [[ $how =~ prints\ \"([^\"]*)\" ]]; then
    expect_text=${BASH_REMATCH[1]}
  fi
  if [[ $how =~ \<!--\ doc-test: ]] && [ $expect_fail -eq 0 ] && [ -z "$expect_text" ]; then
    echo "$doc:$line: unknown doc-test directive: $how" >&2
    exit 2
  fi

  output="$work/$i.out"
  (cd "$cwd" && bash -e -o pipefail -c "$(cat "$work/$i.sh")
pwd > '$work/$i.pwd'") > "$output" 2>&1
  status=$?
  if [ $expect_fail -eq 0 ] && [ $status -ne 0 ]; then
    echo "  FAILED: exited $status; the document says it succeeds. Its output:"
    sed 's/^/    /' "$output"
    exit 1
  fi
  if [ $expect_fail -eq 1 ] && [ $status -eq 0 ]; then
    echo "  FAILED: exited 0; the document says it fails. Its output:"
    sed 's/^/    /' "$output"
    exit 1
  fi
  if [ -n "$expect_text" ] && ! grep -qF -- "$expect_text" "$output"; then
    echo "  FAILED: the output does not contain \"$expect_text\". Its output:"
    sed 's/^/    /' "$output"
    exit 1
  fi
  [ -f "$work/$i.pwd" ] && cwd=$(cat "$work/$i.pwd")
  echo "  ok (exit $status)"
done
echo "all $count blocks of $doc do what it says"
