#!/usr/bin/env bash
# Runs a command (the test suite, the notebooks) and fails when it left anything in the
# working tree: changed tracked files, new files, or new files in ignored folders such as
# reports/ — tests write only under temporary folders.
set -uo pipefail
cd "$(dirname "$0")/.."
snapshot() {
  git status --porcelain --ignored --untracked-files=all -- . ':(exclude)node_modules' ':(exclude).jupyter' | sort
}
before="$(mktemp)"; after="$(mktemp)"
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"
"$@"
status=$?
snapshot >"$after"
left="$(comm -13 "$before" "$after")"
if [ -n "$left" ]; then
  echo "left in the working tree by: $*" >&2
  echo "$left" | head -40 >&2
  [ $status -eq 0 ] && status=1
fi
exit $status
