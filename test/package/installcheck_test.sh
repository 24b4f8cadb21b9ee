#!/usr/bin/env bash
# `make installcheck` the PGXS way, under Debian's pg_virtualenv: a temporary
# cluster of the system PostgreSQL 15 reached over TCP with a password
# (PGHOST, PGPORT, PGUSER, PGPASSWORD set by pg_virtualenv), the extension
# installed into that server by `make install`.  Prints "installcheck: ok",
# "installcheck: SKIPPED <why>" or "installcheck: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
pgconfig=/usr/lib/postgresql/15/bin/pg_config

command -v pg_virtualenv >/dev/null || { echo "installcheck: SKIPPED (pg_virtualenv is not installed)"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "installcheck: SKIPPED (installing into the system PostgreSQL needs root)"; exit 0; }

# The system PostgreSQL is shared with the package test: one at a time.
exec 8>/tmp/maskview-deb.lock
flock 8
PG_CONFIG=$pgconfig make -s install >/dev/null 2>&1 || { echo "installcheck: FAILED (make install)"; exit 1; }
out=$(PG_CONFIG=$pgconfig pg_virtualenv -v 15 make -s installcheck PG_CONFIG=$pgconfig 2>&1); rc=$?
echo "$out" | grep -E '\.\.\. |tests (passed|failed)' | tail -5
if [ $rc -eq 0 ] && echo "$out" | grep -q 'All [0-9]* tests passed'; then
    echo "installcheck: ok ($(echo "$out" | grep -o 'All [0-9]* tests passed') under pg_virtualenv)"
else
    [ -f regression.diffs ] && head -40 regression.diffs
    echo "installcheck: FAILED (make installcheck under pg_virtualenv)"; exit 1
fi
