#!/usr/bin/env bash
# Start a local PostgreSQL (installing it if missing) and make sure the test
# role and database exist.  Prints the DATABASE_URL to use, and nothing else,
# on stdout (everything else goes to stderr).  Idempotent.
set -euo pipefail
PGUSER_NAME=${PGUSER_NAME:-dialer}
PGPASS=${PGPASS:-dialer}
PGDB=${PGDB:-dialer_test}
PGPORT=${PGPORT:-5432}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing postgresql" >&2
  apt-get install -y -qq postgresql >&2
fi
if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    pg_createcluster "$version" main >&2
  fi
  # Its messages (e.g. "Removed stale pid file.") go to stderr: stdout is the URL only.
  # A postmaster that was just killed can still hold its socket lock for a moment: retry once.
  pg_ctlcluster "$version" main start >&2 || { sleep 3; pg_ctlcluster "$version" main start >&2; }
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.5; done
fi
run_psql() { su postgres -c "psql -p $PGPORT -qtA -c \"$1\""; }
if [ "$(run_psql "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_NAME'")" != "1" ]; then
  run_psql "CREATE ROLE $PGUSER_NAME LOGIN PASSWORD '$PGPASS' CREATEDB" >/dev/null
fi
if [ "$(run_psql "SELECT 1 FROM pg_database WHERE datname='$PGDB'")" != "1" ]; then
  run_psql "CREATE DATABASE $PGDB OWNER $PGUSER_NAME" >/dev/null
fi
echo "postgresql+psycopg://$PGUSER_NAME:$PGPASS@127.0.0.1:$PGPORT/$PGDB"
