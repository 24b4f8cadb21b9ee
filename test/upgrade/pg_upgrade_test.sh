#!/usr/bin/env bash
# pg_upgrade: a cluster with maskview, policies and members goes through
# `pg_upgrade --check` and a full `pg_upgrade` (15 -> 15 here: same binaries,
# from `pg_config --bindir`), after which the members read the same masked
# output and verify() says the same.
#
# Builds its own two clusters in a temp directory (not the suite's cluster):
#   old  initdb + start; maskview with the policies of
#        test/dump_restore/lifecycle.sql (dropped columns, partitions, Chinese
#        names, two schemas, a trusted function); the masked output of each
#        member, verify() and the audit chain are recorded; a second database
#        holds maskview 0.2.0, whose mask.trusted_function.func was
#        regprocedure;
#   new  initdb only, as pg_upgrade wants it.
# Then, as the postgres OS user inside the temp directory (pg_upgrade writes
# its logs there and uses it as its socket directory):
#   1. pg_upgrade --check must refuse the old cluster while the 0.2.0
#      database exists (the control: reg* columns in user tables);
#   2. ALTER EXTENSION maskview UPDATE in it; pg_upgrade --check passes;
#   3. pg_upgrade (copy mode); the new cluster starts; each member's masked
#      output, verify()'s errors and warnings and the audit chain check are
#      identical to the old cluster's.
# Prints "pg_upgrade: ok" or "pg_upgrade: FAILED <why>" last and exits
# non-zero on failure.  Needs root (runs the servers as postgres) or to be
# run as the cluster's OS user.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

bindir=$(pg_config --bindir)
work=$(mktemp -d /tmp/maskview-pg-upgrade.XXXXXX)
chmod 0755 "$work"
old=$work/old
new=$work/new
sock=$work/socket
fails=0
why=
fail() { echo "  FAIL: $*"; fails=$((fails + 1)); [ -n "$why" ] || why=$1; }
abort() { echo "pg_upgrade: FAILED $*"; exit 1; }

as_pg() {   # run as the clusters' OS user, inside the temp directory
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- bash -c 'cd "$0" && exec "$@"' "$work" "$@"
    else
        (cd "$work" && "$@")
    fi
}
stop_all() {
    as_pg "$bindir/pg_ctl" -D "$old" -m fast -w stop >/dev/null 2>&1
    as_pg "$bindir/pg_ctl" -D "$new" -m fast -w stop >/dev/null 2>&1
}
trap 'stop_all; rm -rf "$work"' EXIT

mkdir -p "$sock"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$work"
for d in "$old" "$new"; do
    as_pg "$bindir/initdb" -D "$d" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; abort "(initdb $d)"; }
    cat >>"$d/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
fsync = off
max_connections = 20
CONF
done
start() {   # start DATADIR
    as_pg "$bindir/pg_ctl" -D "$1" -l "$work/$(basename "$1").log" -w -t 60 -o "-p 5499" start >/dev/null \
        || { cat "$work/$(basename "$1").log"; abort "(start $1)"; }
}
stop() { as_pg "$bindir/pg_ctl" -D "$1" -m fast -w stop >/dev/null || abort "(stop $1)"; }
q() {   # q DB [psql args...] as the superuser
    local db=$1; shift
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p 5499 -U postgres -d "$db" "$@"
}

# --- the old cluster ----------------------------------------------------------
start "$old"
q postgres >/dev/null <<'SQL' || abort "(setup: roles)"
CREATE ROLE tdr_owner NOLOGIN;
CREATE ROLE tdr_life1 LOGIN;
CREATE ROLE tdr_life2 LOGIN;
CREATE DATABASE mv_upg;
CREATE DATABASE mv_upg_old;
SQL
q mv_upg -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview" >/dev/null \
    || abort "(setup: CREATE EXTENSION)"
q mv_upg -v pfx=tdr -f test/dump_restore/lifecycle.sql >/dev/null 2>"$work/setup.err" \
    || { cat "$work/setup.err"; abort "(setup: test/dump_restore/lifecycle.sql)"; }
# The released 0.2.0 stored trusted functions as regprocedure.
q mv_upg_old -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview VERSION '0.2.0'" \
    -c "SELECT mask.trust_function('pg_catalog.upper(text)')" >/dev/null \
    || abort "(setup: maskview 0.2.0)"

record() {   # record TAG
    local m
    for m in tdr_life1 tdr_life2; do
        psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p 5499 -U "$m" -d mv_upg \
            -f test/upgrade/masked_output.sql >"$work/$1.$m" 2>&1 \
            || fail "$1: masked output as $m: $(head -3 "$work/$1.$m")"
    done
    q mv_upg -F ' ' >"$work/$1.report" 2>&1 <<'SQL' || fail "$1: reports: $(head -3 "$work/$1.report")"
SELECT 'verify', v.severity, v.policy, v.object, v.finding
  FROM mask.verify() v WHERE v.severity IN ('error', 'warning');
SELECT 'audit_chain', count(*) FROM mask.verify_audit_log();
SELECT 'trusted', f.func, pg_catalog.to_regprocedure(f.func) IS NOT NULL FROM mask.trusted_function f;
SELECT 'rule', r.relation::text, r.column_name, r.action, r.orphaned
  FROM mask.rule r ORDER BY r.relation::text COLLATE "C", r.column_name COLLATE "C", r.action;
SQL
}
record before
[ "$(wc -l <"$work/before.tdr_life1")" -eq 4 ] || fail "before: tdr_life1 should read 4 views: $(cat "$work/before.tdr_life1")"
grep -q '^verify ' "$work/before.report" && fail "before: verify() is not clean: $(grep '^verify' "$work/before.report")"
grep -q '^trusted life_a.initial(text) t$' "$work/before.report" \
    || fail "before: the trusted function is not stored as its signature: $(grep trusted "$work/before.report")"
stop "$old"

upgrade() {   # upgrade [--check]
    as_pg "$bindir/pg_upgrade" -b "$bindir" -B "$bindir" -d "$old" -D "$new" \
        -p 5499 -P 5498 -s "$sock" -U postgres "$@"
}

# --- 1. the control: 0.2.0's regprocedure column is refused ------------------
out=$(upgrade --check 2>&1)
if [ $? -eq 0 ]; then
    fail "control: pg_upgrade --check accepted a database with maskview 0.2.0 (regprocedure column)"
else
    echo "$out" | grep -q 'reg\*' \
        || fail "control: pg_upgrade --check refused for another reason: $(echo "$out" | tail -5)"
fi

# --- 2. after ALTER EXTENSION UPDATE the check passes --------------------------
start "$old"
q mv_upg_old -c "SET client_min_messages = warning" -c "ALTER EXTENSION maskview UPDATE" \
    -c "SELECT mask.refresh_privileges()" >/dev/null || abort "(ALTER EXTENSION maskview UPDATE)"
[ "$(q mv_upg_old -c "SELECT func FROM mask.trusted_function")" = "pg_catalog.upper(text)" ] \
    || fail "update: the trusted function was not migrated to its signature"
stop "$old"
out=$(upgrade --check 2>&1) || fail "pg_upgrade --check refused maskview 0.3.0: $(echo "$out" | tail -8)"
echo "$out" | grep -q 'Clusters are compatible' || fail "pg_upgrade --check did not say the clusters are compatible"

# --- 3. the upgrade ------------------------------------------------------------
if [ "$fails" -eq 0 ]; then
    out=$(upgrade 2>&1) || abort "(pg_upgrade: $(echo "$out" | tail -8))"
    start "$new"
    record after
    for m in tdr_life1 tdr_life2; do
        cmp -s "$work/before.$m" "$work/after.$m" \
            || { fail "masked output as $m differs after pg_upgrade"; diff -u "$work/before.$m" "$work/after.$m" | head -20; }
    done
    cmp -s "$work/before.report" "$work/after.report" \
        || { fail "verify(), audit chain or rules differ after pg_upgrade"; diff -u "$work/before.report" "$work/after.report" | head -20; }
fi

if [ "$fails" -eq 0 ]; then
    echo "pg_upgrade: ok"
else
    echo "pg_upgrade: FAILED $why ($fails problems)"
    exit 1
fi
