#!/usr/bin/env bash
# Executes every notebook in notebooks/ with the tslab kernel into a temporary folder
# (committed notebooks keep no outputs) and fails on the first cell error.
set -euo pipefail
cd "$(dirname "$0")/../notebooks"
# npm install prunes the self-link tslab resolves lockstep through: restore it.
ln -sfn .. ../node_modules/lockstep
# This clone's own kernel spec (written by scripts/setup.sh), ahead of any system-wide one.
export JUPYTER_PATH="$(cd .. && pwd)/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# What the notebooks write (data/synth, data/ml, reports/nb-*) goes there too: the tree stays clean.
export LOCKSTEP_NB_WORK="$out/work"
mkdir -p "$LOCKSTEP_NB_WORK"
# A kernel that has not answered within startup_timeout (nbclient's default, 60 s, was
# once exceeded on a loaded CI machine) is a start-up failure, not a notebook failure:
# such a notebook gets one more try, said so on stderr. Cell errors are never retried.
# LOCKSTEP_NB_STARTUP_TIMEOUT (seconds, default 180) sets the wait.
execute() {
  jupyter nbconvert --to notebook --execute "$1" --ExecutePreprocessor.timeout=600 \
    --ExecutePreprocessor.startup_timeout="${LOCKSTEP_NB_STARTUP_TIMEOUT:-180}" \
    --ExecutePreprocessor.kernel_name=tslab --output-dir "$out" >"$out/$1.log" 2>&1
}
kernel_start_failed() {
  grep -q "Kernel didn't respond in\|Kernel died before replying to kernel_info" "$out/$1.log"
}
status=0
for nb in [0-9]*.ipynb; do
  start=$(date +%s)
  rc=0; execute "$nb" || rc=$?
  if [ $rc -ne 0 ] && kernel_start_failed "$nb"; then
    echo "notebook $nb: the kernel did not start ($(grep -o "Kernel di[^\"]*" "$out/$nb.log" | tail -1)); one more try" >&2
    start=$(date +%s)
    rc=0; execute "$nb" || rc=$?
  fi
  if [ $rc -eq 0 ]; then
    echo "notebook $nb: ok ($(( $(date +%s) - start )) s)"
    # The executed copy as a page, for the figure check below.
    jupyter nbconvert --to html "$out/$nb" --output-dir "$out/html" >/dev/null 2>&1
  else
    echo "notebook $nb: FAILED" >&2
    grep -v '^0.00s' "$out/$nb.log" | tail -30 >&2
    status=1
  fi
done
# Every plotly figure in the outputs must draw in Chromium, offline, without script errors.
if [ $status -eq 0 ]; then
  (cd .. && node --import tsx scripts/check-notebook-figures.ts "$out"/html/*.html) || status=1
fi
exit $status
