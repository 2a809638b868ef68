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
status=0
for nb in [0-9]*.ipynb; do
  start=$(date +%s)
  if jupyter nbconvert --to notebook --execute "$nb" --ExecutePreprocessor.timeout=600 \
      --ExecutePreprocessor.kernel_name=tslab --output-dir "$out" >"$out/$nb.log" 2>&1; then
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
