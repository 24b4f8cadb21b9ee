#!/usr/bin/env bash
# Faults without a crash: a policy change that fails half-way leaves nothing
# changed (DROP EXTENSION is test/faults/drop_extension.sh).
#
# A "snapshot" is everything a policy change may touch: the catalog tables
# (keys and audit log included), every view in a policy's schema and the key
# views (definition, owner, privileges, options, comments), the schemas'
# privileges and the members' role settings.  Failing changes:
#   1 a transaction of valid set_rule calls, then an invalid one (22023)
#   2 a mixed transaction (protect, set_rule, add_member, rotate_key,
#     unprotect) ending in a refused row filter
#   3 an import-like batch (a DO block applying a list of rules, one naming a
#     column that does not exist)
#   4 a single set_rule on a 24-table policy cancelled by statement_timeout
#     while it regenerates the views (57014)
#   5 a single set_rule whose backend is terminated mid-call
#     (pg_terminate_backend)
# must each leave the snapshot identical.  6: a failure inside a savepoint,
# rolled back to the savepoint, keeps the calls before it: exactly their audit
# rows are added, ids stay 1..n, the chain verifies.  7: two admins race
# under REPEATABLE READ (one commits a call while the other's snapshot is
# older): the loser's call must fail with serialization_failure (40001), the
# code on which clients retry, and add nothing; the chain stays intact.
#
# Environment: PGHOST/PGPORT/PGUSER (a superuser) of a running cluster with
# maskview installed.  Prints one last line "fault_partial: ok" or
# "fault_partial: FAILED <why>".
set -uo pipefail

name=fault_partial
dbs=maskview_fault_partial
roles="mvpart_owner:NOLOGIN mvpart_member:LOGIN mvpart_spare:NOLOGIN"
. "$(dirname "$0")/../scratch.sh"

# --- setup ------------------------------------------------------------------
scratch_setup 3000 mvpart_owner <<'SQL'
SET client_min_messages = warning;
-- 22 more tables, so that one API call regenerates 24 views and takes long
-- enough to be interrupted.
CREATE SCHEMA fp AUTHORIZATION mvpart_owner;
DO $$
BEGIN
    FOR i IN 1..22 LOOP
        EXECUTE format('CREATE TABLE fp.%I (id integer PRIMARY KEY, holder_name text, mobile text)',
                       'p' || lpad(i::text, 2, '0'));
        EXECUTE format($i$INSERT INTO fp.%I SELECT g, '李' || g, '139' || lpad(g::text, 8, '0')
                          FROM generate_series(1, 10) g$i$, 'p' || lpad(i::text, 2, '0'));
        EXECUTE format('ALTER TABLE fp.%I OWNER TO mvpart_owner', 'p' || lpad(i::text, 2, '0'));
    END LOOP;
END $$;
\o /dev/null
SELECT mask.create_policy('part', 'part_v', 'fault_partial.sh');
SELECT mask.protect('part', 'billing.households', 'household_id % 10 <> 0');
SELECT mask.set_rule('part', 'billing.households', 'holder_name', 'mask.cn_name(holder_name)', 'surname');
SELECT mask.set_rule('part', 'billing.households', 'mobile', 'mask.cn_phone(mobile)');
SELECT mask.set_rule('part', 'billing.households', 'id_card', 'mask.cn_id_card(id_card)');
SELECT mask.set_rule('part', 'billing.households', 'address', $$mask.cn_address(address, 'unit')$$);
SELECT mask.set_rule('part', 'billing.households', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.protect('part', 'billing.arrears', NULL, 'bills');
SELECT mask.set_rule('part', 'billing.arrears', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('part', 'billing.arrears', 'amount', 'PASS');
SELECT mask.protect('part', format('fp.%I', 'p' || lpad(i::text, 2, '0'))::regclass) FROM generate_series(1, 22) i;
SELECT mask.set_rule('part', format('fp.%I', 'p' || lpad(i::text, 2, '0'))::regclass, 'holder_name',
                     'mask.cn_name(holder_name)') FROM generate_series(1, 22) i;
SELECT mask.add_member('part', 'mvpart_member');
SELECT mask.create_policy('empty', 'empty_v', 'a policy that protects nothing yet');
SQL

# same CASE FILE: the snapshot now must equal FILE
same() {
    scratch_snapshot "$work/after.$1" || { problem "case $1: snapshot failed"; return; }
    if ! diff -q "$2" "$work/after.$1" >/dev/null; then
        diff "$2" "$work/after.$1" | head -6 | cut -c1-200
        problem "case $1: the failed change left $(diff "$2" "$work/after.$1" | grep -c '^[<>]') snapshot lines changed"
    fi
}

# sqlstate CASE EXPECTED FILE-OF-PSQL-OUTPUT: the error code the case ended with
sqlstate() {
    local got
    got=$(sed -n 's/^sqlstate=//p' "$3" | tail -1)
    [ "$got" = "$2" ] || problem "case $1: error $got, expected $2 ($(grep -m1 ERROR "$3"))"
}

# refused CASE: runs the SQL on stdin as the superuser; it must end with error
# 22023 and leave the snapshot as it was before the cases
refused() {
    { cat; echo '\echo sqlstate=:LAST_ERROR_SQLSTATE'; } | psql -X -q -U "$su" -d "$db" >"$work/c$1.out" 2>&1
    sqlstate "$1" 22023 "$work/c$1.out"
    same "$1" "$work/before"
}

scratch_snapshot "$work/before" || fail "snapshot"
[ "$(grep -c '^relation part_v\.' "$work/before")" = 24 ] || fail "setup: expected 24 views in part_v, got $(grep -c '^relation part_v\.' "$work/before")"

# --- 1: valid calls, then an invalid one, in one transaction ------------------
refused 1 <<'SQL'
BEGIN;
SELECT mask.set_rule('part', 'billing.households', 'holder_name', 'mask.redact(holder_name)');
SELECT mask.set_rule('part', 'billing.households', 'email', 'mask.email(email)');
SELECT mask.set_rule('part', 'fp.p01', 'mobile', 'mask.cn_phone(mobile)');
SELECT mask.set_rule('part', 'billing.households', 'bank_card', $$mask.bank_card(bank_card) || 'x'$$);
COMMIT;
SQL

# --- 2: a mixed transaction ending in a refused row filter --------------------
refused 2 <<'SQL'
BEGIN;
SELECT mask.protect('empty', 'fp.p22');
SELECT mask.set_rule('empty', 'fp.p22', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.add_member('part', 'mvpart_spare');
SELECT mask.rotate_key('part');
SELECT mask.unprotect('part', 'fp.p02');
SELECT mask.drop_rule('part', 'billing.households', 'mobile');
SELECT mask.protect('part', 'fp.p03', 'id IN (SELECT id FROM fp.p04)');
COMMIT;
SQL

# --- 3: an import-like batch, one rule names a missing column ------------------
refused 3 <<'SQL'
DO $$
DECLARE
    r jsonb;
BEGIN
    FOR r IN SELECT * FROM jsonb_array_elements('[
        {"table": "billing.households", "column": "landline", "rule": "mask.cn_phone(landline)"},
        {"table": "billing.households", "column": "opened_on", "rule": "mask.generalize(opened_on, ''year'')"},
        {"table": "fp.p05", "column": "mobile", "rule": "mask.redact(mobile)"},
        {"table": "fp.p06", "column": "phone_number", "rule": "mask.cn_phone(phone_number)"},
        {"table": "fp.p07", "column": "mobile", "rule": "mask.redact(mobile)"}]'::jsonb)
    LOOP
        PERFORM mask.set_rule('part', (r->>'table')::regclass, (r->>'column')::name, r->>'rule', 'import');
    END LOOP;
END $$;
SQL

# --- 4: one call cancelled by statement_timeout while it regenerates ----------
cancelled=0
for ms in 1 2 5 10 20 40; do
    scratch_snapshot "$work/base4" || fail "snapshot"
    psql -X -q -U "$su" -d "$db" >"$work/c4.out" 2>&1 <<SQL
SET statement_timeout = '${ms}ms';
SELECT mask.set_rule('part', 'fp.p08', 'holder_name', 'mask.redact(holder_name, ''*'', $ms)');
\echo sqlstate=:LAST_ERROR_SQLSTATE
SQL
    st=$(sed -n 's/^sqlstate=//p' "$work/c4.out")
    if [ "$st" = 57014 ]; then
        cancelled=$((cancelled + 1))
        same "4 (${ms} ms)" "$work/base4"
    elif [ "$st" != 00000 ]; then
        problem "case 4 (${ms} ms): unexpected error $st: $(grep -m1 ERROR "$work/c4.out")"
    fi
done
echo "case 4: $cancelled of 6 calls cancelled by statement_timeout"
[ $cancelled -gt 0 ] || problem "case 4: no call was cancelled (regeneration faster than 1 ms?)"

# --- 5: one call whose backend is terminated mid-call -------------------------
terminated=0
for attempt in 1 2 3 4 5; do
    scratch_snapshot "$work/base5" || fail "snapshot"
    psql -X -q -U "$su" -d "$db" >"$work/c5.out" 2>&1 <<SQL &
SET application_name = 'mvpart_victim';
SELECT mask.set_rule('part', 'fp.p09', 'holder_name', 'mask.redact(holder_name, ''#'', $attempt)');
SQL
    bg_pid=$!
    hit=
    for _ in $(seq 1 200); do
        hit=$(psql -X -q -A -t -U "$su" -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = 'mvpart_victim' AND state = 'active' AND query LIKE '%set_rule%'" 2>/dev/null)
        [ "$hit" = t ] && break
        kill -0 "$bg_pid" 2>/dev/null || break
    done
    wait "$bg_pid"; bg_pid=
    if [ "$hit" = t ]; then
        terminated=$((terminated + 1))
        same "5 (attempt $attempt)" "$work/base5"
    fi
done
echo "case 5: $terminated of 5 calls terminated mid-call"
[ $terminated -gt 0 ] || problem "case 5: no call could be caught running"

# --- 6: a failure inside a savepoint keeps what came before it ----------------
before6=$(q -c "SELECT max(id) FROM mask.audit_log")
psql -X -q -U "$su" -d "$db" >"$work/c6.out" 2>&1 <<'SQL'
BEGIN;
SELECT mask.set_rule('part', 'fp.p10', 'mobile', 'mask.cn_phone(mobile)', 'kept');
SAVEPOINT s;
SELECT mask.set_rule('part', 'fp.p11', 'mobile', 'mask.cn_phone(mobile)', 'rolled back');
SELECT mask.set_rule('part', 'fp.p12', 'mobile', 'mobile');
ROLLBACK TO SAVEPOINT s;
SELECT mask.set_rule('part', 'fp.p13', 'mobile', 'mask.redact(mobile)', 'kept');
COMMIT;
SQL
r6=$(q -c "SELECT string_agg(object || ':' || (details->>'reason'), ',' ORDER BY id) FROM mask.audit_log WHERE id > $before6")
[ "$r6" = "fp.p10.mobile:kept,fp.p13.mobile:kept" ] || problem "case 6: audit rows after the savepoint: '$r6'"
r6=$(q -c "SELECT string_agg(relation::text, ',' ORDER BY relation::text) FROM mask.rule WHERE column_name = 'mobile' AND relation::text LIKE 'fp.%'")
[ "$r6" = "fp.p10,fp.p13" ] || problem "case 6: mobile rules on fp.*: '$r6'"
[ "$(q -c "SELECT count(*) FROM mask.verify_audit_log()")" = 0 ] || problem "case 6: $(q -c "SELECT id || ' ' || problem FROM mask.verify_audit_log()")"
[ "$(q -c "SELECT count(*) = max(id) FROM mask.audit_log")" = t ] || problem "case 6: audit ids are not 1..n"

# Control: the snapshot does see a committed change (case 6's), so the
# comparisons above can fail.
scratch_snapshot "$work/after6" || fail "snapshot"
diff -q "$work/before" "$work/after6" >/dev/null && problem "control: the snapshot did not change after committed calls"

# --- 7: an admin who loses a race under REPEATABLE READ -----------------------
# The second session's snapshot predates the first session's committed call;
# its own call (on another policy) must fail as a serialization failure.
scratch_snapshot "$work/base7" || fail "snapshot"
psql -X -q -A -t -U "$su" -d "$db" >"$work/c7.out" 2>&1 <<SQL &
SET application_name = 'mvpart_racer';
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT 'audit rows seen=' || count(*) FROM mask.audit_log;
\\! while [ ! -f "$work/go7" ]; do sleep 0.05; done
SELECT mask.rotate_key('empty');
\\echo sqlstate=:LAST_ERROR_SQLSTATE
COMMIT;
SQL
bg_pid=$!
# Once the racer holds its snapshot (idle in its transaction), the other admin
# commits a call; then the racer makes its own.
for _ in $(seq 1 600); do
    [ "$(psql -X -q -A -t -U "$su" -d postgres -c "SELECT count(*) FROM pg_stat_activity
            WHERE application_name = 'mvpart_racer' AND state = 'idle in transaction'")" = 1 ] && break
    sleep 0.05
done
q -c "SELECT mask.set_rule('part', 'fp.p14', 'mobile', 'mask.redact(mobile)', 'race winner')" >/dev/null \
    || problem "case 7: the first admin's call failed"
touch "$work/go7"
wait "$bg_pid"; bg_pid=
st7=$(sed -n 's/^sqlstate=//p' "$work/c7.out")
case "$st7" in
    40001) ;;
    00000) problem "case 7: the call with the old snapshot succeeded" ;;
    *) problem "case 7: the losing call failed with $st7, not 40001 (serialization_failure), so clients do not retry it: $(grep -m1 -E 'ERROR|DETAIL' "$work/c7.out")" ;;
esac
r7=$(q -c "SELECT string_agg(action || ':' || coalesce(details->>'reason', '-'), ',' ORDER BY id)
             FROM mask.audit_log WHERE id > $(grep -c '^audit ' "$work/base7")")
[ "$r7" = "set_rule:race winner" ] || problem "case 7: audit rows after the race: '$r7'"
[ "$(q -c "SELECT count(*) FROM mask.verify_audit_log()")" = 0 ] || problem "case 7: $(q -c "SELECT id || ' ' || problem FROM mask.verify_audit_log()")"
[ "$(q -c "SELECT count(*) = max(id) FROM mask.audit_log")" = t ] || problem "case 7: audit ids are not 1..n"

scratch_finish
