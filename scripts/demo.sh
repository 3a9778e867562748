#!/usr/bin/env bash
# The main job: set up, then run the demo call centre on embedded defaults
# (SQLite and an embedded Redis under ./instance) at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh demo
exec .venv/bin/python -m core.launcher demo "$@"
