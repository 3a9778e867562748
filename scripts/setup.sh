#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine, idempotently:
# system packages (only those missing), the virtual environment in .venv with
# the exact versions of requirements.lock, compiled translations.
#   scripts/setup.sh demo   # what the demo needs
#   scripts/setup.sh test   # plus PostgreSQL, SIPp, sox, espeak-ng, Chromium for the tests
set -euo pipefail
mode=${1:-demo}
cd "$(dirname "$0")/.."

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need python3 python3
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
need gcc gcc
[ -e /usr/include/stdio.h ] || missing+=(libc6-dev)   # the pod's SIP guard (telephony/pjsip/sipguard.c)
if [ "$mode" = test ]; then
  need pg_ctlcluster postgresql
  need sipp sip-tester
  need sox sox
  need espeak-ng espeak-ng
  need chromium chromium
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
  need redis-server redis-server
  need node nodejs
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing Python packages from requirements.lock"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  echo "$want" > "$stamp"
fi
.venv/bin/python scripts/compile_translations.py >/dev/null
