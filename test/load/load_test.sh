#!/usr/bin/env bash
# Load while policies change: 8 member clients read masked views with pgbench
# (test/load/point.sql, page.sql, scan.sql), first alone, then while an admin
# client (test/load/admin.sql, about once a second) moves every personal
# column between a tight and a loose masking expression, adds or removes a
# spare member and rotates the key.  The members record every value they read;
# afterwards test/load/check.sql looks for raw values among them.
#
# Fails when: a member or admin transaction fails (after pgbench's retries of
# deadlocks, see below) or a client aborts; any recorded value is a raw name,
# phone, ID number, address, card, email or account number (the check must
# also find raw values planted on purpose); the members never saw the tight
# rules (the admin's changes did not reach them); the audit rows written during
# the run are not exactly 8 per committed admin step; mask.verify_audit_log()
# reports a broken chain; mask.verify() (when it exists) reports an error.
# Timings are printed, never asserted.
#
# Lock waits are expected and documented: every API call regenerates the
# policy's views (CREATE OR REPLACE VIEW takes an ACCESS EXCLUSIVE lock held
# until the admin commits), so members wait for the admin's step and the admin
# for running scans.  A member statement reading both views (point and group
# lookups) can deadlock with a step that replaces them in the other order;
# PostgreSQL aborts one of the two after deadlock_timeout and pgbench retries
# it (--max-tries).  Retries are reported, not counted as failures.
#
# Environment: PGHOST/PGPORT/PGUSER (a superuser) of a running cluster with
# maskview installed; MV_LOAD_SECONDS per phase (default 60), MV_LOAD_CLIENTS
# (default 8), MV_LOAD_HOUSEHOLDS (default 20000); MV_LOAD_RESULTS=FILE also
# writes the figures as Markdown to FILE.  Prints one last line
# "load_test: ok" or "load_test: FAILED <why>".
set -uo pipefail

name=load_test
here=$(cd "$(dirname "$0")" && pwd)
secs=${MV_LOAD_SECONDS:-60}
clients=${MV_LOAD_CLIENTS:-8}
households=${MV_LOAD_HOUSEHOLDS:-20000}
dbs=maskview_load
roles="mvload_owner:NOLOGIN mvload_admin:LOGIN mvload_member:LOGIN mvload_spare:NOLOGIN"
. "$here/../scratch.sh"
chmod 0755 "$work"

# --- setup ------------------------------------------------------------------
scratch_create
t0=$(date +%s.%N)
scratch_demo_data "$households"
q -f "$here/setup.sql" >"$work/setup.out" 2>&1 \
    || { tail -5 "$work/setup.out"; fail "test/load/setup.sql"; }
q -c "VACUUM ANALYZE" >/dev/null || fail "VACUUM"
t1=$(date +%s.%N)
n_arrears=$(q -c "SELECT max(arrear_id) FROM billing.arrears")
n_households=$(q -c "SELECT max(household_id) FROM billing.households")
[ "${n_arrears:-0}" -gt 100 ] && [ "${n_households:-0}" -ge 1000 ] || fail "no data ($n_households households, $n_arrears bills)"
echo "setup: $n_households households, $n_arrears bills, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

# --- runs -------------------------------------------------------------------
pgbench_common=(-n -M extended --max-tries=10 --failures-detailed -T "$secs" -l)

run_members() {   # run_members PHASE: the member clients for $secs seconds
    pgbench "${pgbench_common[@]}" -c "$clients" -j 2 --log-prefix="$work/m$1" \
        -D phase="$1" -D n_arrears="$n_arrears" -D n_households="$n_households" \
        -f "$here/point.sql@7" -f "$here/page.sql@2" -f "$here/scan.sql@1" \
        -U mvload_member "$db" >"$work/m$1.out" 2>&1
}

# pgbench_figure FILE KEY: a number from pgbench's summary (0 when absent)
pgbench_figure() {
    local v
    case "$2" in
        tps)      v=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$1") ;;
        txns)     v=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$1") ;;
        failed)   v=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$1") ;;
        retried)  v=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$1") ;;
        retries)  v=$(sed -n 's/^total number of retries: \([0-9]*\).*/\1/p' "$1") ;;
        deadlock) v=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$1") ;;
    esac
    echo "${v:-0}"
}

# percentiles PREFIX [SCRIPT]: "n p50 p95 p99 max" in ms of the successful
# transactions in pgbench's per-transaction logs PREFIX.* (field 3 is the
# latency in µs, field 4 the script number); nearest-rank percentiles.
percentiles() {
    cat "$1".* 2>/dev/null | awk -v s="${2:-}" '$3 ~ /^[0-9]+$/ && (s == "" || $4 == s) { print $3 }' \
        | sort -n | awk '{ v[NR] = $1 }
            END { if (NR == 0) { print "0 - - - -"; exit }
                  split("50 95 99", p, " "); out = NR
                  for (i = 1; i <= 3; i++) { k = int((p[i] * NR + 99) / 100); out = out sprintf(" %.1f", v[k] / 1000) }
                  print out sprintf(" %.1f", v[NR] / 1000) }'
}

echo "phase 1: $clients member clients, no admin load, $secs s"
run_members 1; rc1=$?

audit_before=$(q -c "SELECT coalesce(max(id), 0) FROM mask.audit_log")
echo "phase 2: $clients member clients + admin client (about 1 step/s), $secs s"
pgbench "${pgbench_common[@]}" -c 1 -j 1 -R 1 --log-prefix="$work/a" \
    -f "$here/admin.sql" -U mvload_admin "$db" >"$work/a.out" 2>&1 &
bg_pid=$!
run_members 2; rc2=$?
wait "$bg_pid"; rca=$?
bg_pid=

# --- figures ----------------------------------------------------------------
label_of() { case "$1" in m1) echo "members, no admin load" ;; m2) echo "members, with admin load" ;; a) echo "admin client" ;; esac; }
{
    echo "| run | tps | transactions | failed | retried (deadlocks) | p50 ms | p95 ms | p99 ms | max ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in m1 m2 a; do
        read -r n p50 p95 p99 mx <<<"$(percentiles "$work/$r")"
        echo "| $(label_of $r) | $(pgbench_figure "$work/$r.out" tps) | $(pgbench_figure "$work/$r.out" txns) | $(pgbench_figure "$work/$r.out" failed) | $(pgbench_figure "$work/$r.out" retried) | $p50 | $p95 | $p99 | $mx |"
    done
    echo
    echo "| member script, latency ms (p50 / p95 / p99) | no admin load | with admin load |"
    echo "|---|---:|---:|"
    i=0
    for s in "point (1 household by token)" "page (50 households)" "scan (aggregates + join of both views)"; do
        read -r n1 a1 b1 c1 _ <<<"$(percentiles "$work/m1" $i)"
        read -r n2 a2 b2 c2 _ <<<"$(percentiles "$work/m2" $i)"
        echo "| $s | $a1 / $b1 / $c1 (n=$n1) | $a2 / $b2 / $c2 (n=$n2) |"
        i=$((i + 1))
    done
} >"$work/figures.md"
cat "$work/figures.md"
[ -n "${MV_LOAD_RESULTS:-}" ] && cp "$work/figures.md" "$MV_LOAD_RESULTS"

# --- checks -----------------------------------------------------------------
for r in m1 m2 a; do
    out="$work/$r.out"
    rc=$rc1; [ $r = m2 ] && rc=$rc2; [ $r = a ] && rc=$rca
    if [ "$rc" -ne 0 ] || grep -q 'aborted' "$out"; then
        grep -iE 'error|abort' "$out" | sort | uniq -c | sort -rn | head -5
        problem "$(label_of $r): pgbench exit $rc"
    fi
    [ "$(pgbench_figure "$out" failed)" -eq 0 ] || problem "$(label_of $r): $(pgbench_figure "$out" failed) failed transactions"
    [ "$(pgbench_figure "$out" txns)" -gt 0 ] || problem "$(label_of $r): no transaction"
    echo "$(label_of $r): $(pgbench_figure "$out" retried) transactions retried, $(pgbench_figure "$out" retries) retries, $(pgbench_figure "$out" deadlock) deadlock failures"
done

q -f "$here/check.sql" >"$work/check.out" 2>&1 || { tail -5 "$work/check.out"; fail "test/load/check.sql"; }
grep -v '^$' "$work/check.out"
val() { sed -n "s/^$1=//p" "$work/check.out" | head -1; }
[ "$(val leaks)" = 0 ] || problem "$(val leaks) recorded values are raw values"
[ "$(val control_found)" = 4 ] || problem "control: the check found $(val control_found) of 4 planted raw values"
[ "$(val values_seen_point)" -gt 0 ] 2>/dev/null && [ "$(val values_seen_scan)" -gt 0 ] 2>/dev/null \
    || problem "members recorded too little (point $(val values_seen_point), scan $(val values_seen_scan))"
[ "$(val id_tight_phase1)" = 0 ] || problem "phase 1 saw the tight rules, which were not in force"
[ "$(val id_tight_phase2)" -gt 0 ] 2>/dev/null && [ "$(val id_loose_phase2)" -gt 0 ] 2>/dev/null \
    || problem "the members did not see both rule variants during the admin load"

steps=$(q -c "SELECT count(*) FROM mvload_ctl.steps")
audit_rows=$(q -c "SELECT count(*) FROM mask.audit_log WHERE id > $audit_before")
chain=$(q -c "SELECT count(*) FROM mask.verify_audit_log()")
ids=$(q -c "SELECT count(*) = max(id) FROM mask.audit_log")
echo "admin: $steps steps committed, $audit_rows audit rows written during the run; chain problems: $chain"
[ "${steps:-0}" -gt 0 ] || problem "the admin client committed no step"
[ "$audit_rows" = "$((steps * 8))" ] || problem "$audit_rows audit rows for $steps steps of 8 API calls"
[ "$chain" = 0 ] || problem "mask.verify_audit_log(): $(q -c "SELECT id || ' ' || problem FROM mask.verify_audit_log()")"
[ "$ids" = t ] || problem "audit ids are not 1..n"
scratch_verify error
scratch_finish
