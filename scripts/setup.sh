#!/usr/bin/env bash
# One-shot set-up for a fresh Debian machine with Node 20: the Debian packages Lockstep's
# tests and tools use (installed only when missing), then the locked npm dependencies.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: python3 (+ numpy, pandas, scipy) runs the independent test oracles;
# chromium renders the HTML reports in the browser tests; jupyter-nbconvert and
# python3-ipykernel execute the tslab notebooks; python3-optuna (+ psycopg2) runs Bayesian
# optimization; postgresql is started by the distributed-optimization test; python3-sklearn
# and python3-onnx train and export the ONNX signal models (`lockstep ml train`);
# python3-statsmodels is the oracle of the time-series diagnostics (ACF, Ljung-Box, ADF);
# zstd (the reference command-line compressor) writes the Zstandard decoder's test inputs.
APT_PACKAGES=(python3 python3-numpy python3-pandas python3-scipy chromium jupyter-nbconvert python3-ipykernel
  python3-optuna python3-psycopg2 postgresql python3-sklearn python3-onnx python3-statsmodels zstd)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile. onnxruntime-node's install
# script would download GPU binaries from GitHub: skipped (the CPU build ships in the package).
# Set here rather than in .npmrc, where npm warns about the unknown key on every command.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi

# The compiled JavaScript the lockstep command runs (dist/; it falls back to the TypeScript
# sources through tsx whenever a source file is newer than the build).
node scripts/build.mjs >/dev/null

# Notebooks: tslab's TypeScript 5.0 resolves modules the Node10 way (no package "exports"),
# so `lockstep` is linked into node_modules (package.json "types" points at src/index.ts),
# and the kernel runs under tsx so the TypeScript sources load as they are.
ln -sfn .. node_modules/lockstep
# The kernel spec goes into the project (.jupyter/, used by scripts/run-notebooks.sh so
# that several clones never run each other's code) and into Jupyter's system-wide list.
npx --no-install tslab install --python=/usr/bin/python3 --binary="$PWD/scripts/tslab-kernel" --prefix "$PWD/.jupyter" >/dev/null
npx --no-install tslab install --python=/usr/bin/python3 --binary="$PWD/scripts/tslab-kernel" >/dev/null 2>&1 \
  || echo "setup: could not register the tslab kernel system-wide (notebooks still run with npm run notebooks)" >&2
