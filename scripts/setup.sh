#!/usr/bin/env bash
# One-shot set-up for a fresh Debian machine with Node 20: the Debian packages Lockstep's
# tests and tools use (installed only when missing), then the locked npm dependencies.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: python3 (+ numpy, pandas, scipy) runs the independent test oracles;
# chromium renders the HTML reports in the browser tests.
APT_PACKAGES=(python3 python3-numpy python3-pandas python3-scipy chromium)

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

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
