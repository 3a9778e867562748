#!/usr/bin/env bash
# The test command: set up, then run the whole suite on SQLite and again on
# PostgreSQL (started here when missing).  Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PYTHONDONTWRITEBYTECODE=1
mkdir -p artifacts
echo "== tests on SQLite"
.venv/bin/pytest -p no:cacheprovider "$@"
echo "== tests on PostgreSQL (everything but the SIP, browser and slow process tests, which ran above)"
pg_url=$(scripts/ensure_postgres.sh)
case "$pg_url" in
  postgresql*://*) ;;
  *) echo "scripts/ensure_postgres.sh did not print a PostgreSQL URL: '$pg_url'" >&2; exit 1 ;;
esac
TEST_DATABASE_URL="$pg_url" .venv/bin/pytest -p no:cacheprovider -m "not sip and not browser and not slow and not sqlite_only" "$@"
