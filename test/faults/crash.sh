#!/usr/bin/env bash
# Fault: the server is killed (pg_ctl stop -m immediate) in the middle of a
# policy change; after restart the change happened fully or not at all.
#
#   round 1  one transaction protects 50 tables and sets 3 rules on each (200
#            API calls); the server is killed while the transaction pauses
#            after table 25 -> nothing of it may survive
#   round 2  the same transaction commits and the server is killed at once,
#            before any checkpoint -> all of it must survive (WAL replay)
#   round 3  autocommitted set_rule calls on the 50-table policy; the server
#            is killed in a pause after call 20 -> exactly those 20 survive,
#            the catalog rule is the one of the last audit row, every view
#            matches the catalog
# After each restart: the policy's protected tables, rules, views, grants and
# audit rows are all there or all absent, every view's definition is what the
# catalog generates (mask_internal._view_query), the audit ids run 1..n and
# mask.verify_audit_log() is empty; at the end mask.verify() (when it exists)
# reports no error or warning.
#
# Environment: PGHOST/PGPORT/PGUSER (a superuser) and MV_CLUSTER_DIR of the
# cluster started by test/cluster.sh (its data directory is restarted here and
# left running).  Without MV_CLUSTER_DIR the script starts and removes a
# throw-away cluster of its own.  Prints one last line "fault_crash: ok" or
# "fault_crash: FAILED <why>".
set -uo pipefail

name=fault_crash
dbs=maskview_fault_crash
roles="mvcrash_owner:NOLOGIN mvcrash_member:LOGIN"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster.sh"
. "$here/../scratch.sh"

own_cluster=
if [ -z "${MV_CLUSTER_DIR:-}" ] || [ ! -f "$MV_CLUSTER_DIR/data/postmaster.pid" ]; then
    echo "note: MV_CLUSTER_DIR does not name a running test cluster; starting a throw-away one"
    mv_cluster_start || fail "could not start a cluster"
    own_cluster=1
fi
data="$MV_CLUSTER_DIR/data"

server_up() { psql -X -q -A -t -U "$su" -d postgres -c "SELECT 1" >/dev/null 2>&1; }
start_server() {
    server_up && return 0
    mv_as_postgres "$MV_PGBIN/pg_ctl" -D "$data" -l "$MV_CLUSTER_DIR/server.log" -w -t 120 start >/dev/null 2>&1
    server_up
}
kill_server() { mv_as_postgres "$MV_PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1; }

cleanup() {
    [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null
    start_server || echo "  the server did not come back"   # whatever happened, leave it running
    scratch_cleanup
    [ -n "$own_cluster" ] && mv_cluster_stop
}
trap cleanup EXIT

# --- setup: 50 tables of personal data, an empty policy with one member --------
scratch_create
q >/dev/null <<'SQL' || fail "setup (tables, policy)"
SET client_min_messages = warning;
CREATE SCHEMA fc AUTHORIZATION mvcrash_owner;
DO $$
BEGIN
    FOR i IN 1..50 LOOP
        EXECUTE format('CREATE TABLE fc.%I (id integer PRIMARY KEY, holder_name text, mobile text,
                                            id_card text, address text)', 't' || lpad(i::text, 2, '0'));
        EXECUTE format($i$INSERT INTO fc.%I SELECT g, '张' || g, '138' || lpad(g::text, 8, '0'),
                          '11010119900307' || lpad(g::text, 4, '0'), '浙江省杭州市西湖区文三路' || g || '号'
                          FROM generate_series(1, 20) g$i$, 't' || lpad(i::text, 2, '0'));
        EXECUTE format('ALTER TABLE fc.%I OWNER TO mvcrash_owner', 't' || lpad(i::text, 2, '0'));
    END LOOP;
END $$;
SELECT mask.create_policy('crash', 'crash_v', 'fault_crash.sh');
SELECT mask.add_member('crash', 'mvcrash_member');
SQL

# The whole change as one transaction: 50 protect + 150 set_rule calls.
# change_halfway.sql is the same transaction with a pause after table 25, so
# that round 1 kills the server in the middle of it whatever the machine's
# speed (without the pause the change can finish between two polls).
change() {  # change PAUSE_AFTER_TABLE (0: none)
    echo "SET application_name = 'mvcrash_change';"
    echo "BEGIN;"
    for i in $(seq -w 1 50); do
        echo "SELECT mask.protect('crash', 'fc.t$i');"
        echo "SELECT mask.set_rule('crash', 'fc.t$i', 'holder_name', 'mask.cn_name(holder_name)');"
        echo "SELECT mask.set_rule('crash', 'fc.t$i', 'mobile', 'mask.cn_phone(mobile)');"
        echo "SELECT mask.set_rule('crash', 'fc.t$i', 'address', 'mask.cn_address(address)');"
        if [ "$((10#$i))" -eq "$1" ]; then echo "SELECT pg_sleep(120) AS halfway_fc_t$i;"; fi
    done
    echo "COMMIT;"
}
change 0 >"$work/change.sql"
change 25 >"$work/change_halfway.sql"

# state: "prot rules views granted audit" of policy crash since audit id $1
state() {
    q -c "SELECT (SELECT count(*) FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id WHERE po.name = 'crash')
         || ' ' || (SELECT count(*) FROM mask.rule r JOIN mask.policy po ON po.id = r.policy_id WHERE po.name = 'crash')
         || ' ' || (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'crash_v' AND c.relkind = 'v')
         || ' ' || (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'crash_v' AND c.relkind = 'v'
                       AND has_table_privilege('mvcrash_member', c.oid, 'SELECT'))
         || ' ' || (SELECT count(*) FROM mask.audit_log WHERE id > $1)"
}

# consistent: prints what is wrong with the catalog, views and log (nothing if all is well)
consistent() {
    q <<'SQL'
SET client_min_messages = warning;
-- Every protected table has its view, defined as the catalog generates it.
CREATE TEMP TABLE mismatch (what text);
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT t.policy_id, t.relation, po.view_schema, t.view_name
               FROM mask.protected t JOIN mask.policy po ON po.id = t.policy_id LOOP
        IF to_regclass(format('%I.%I', p.view_schema, p.view_name)) IS NULL THEN
            INSERT INTO mismatch VALUES (format('view %I.%I is missing', p.view_schema, p.view_name));
            CONTINUE;
        END IF;
        EXECUTE format('CREATE TEMP VIEW expected_view AS %s', mask_internal._view_query(p.policy_id, p.relation));
        IF pg_get_viewdef('expected_view'::regclass) IS DISTINCT FROM
           pg_get_viewdef(format('%I.%I', p.view_schema, p.view_name)::regclass) THEN
            INSERT INTO mismatch VALUES (format('view %I.%I differs from the catalog', p.view_schema, p.view_name));
        END IF;
        DROP VIEW expected_view;
    END LOOP;
END $$;
-- No view in a policy's schema without its catalog row.
INSERT INTO mismatch
SELECT format('view %I.%I is not in the catalog', n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v' AND n.nspname IN (SELECT view_schema FROM mask.policy)
   AND NOT EXISTS (SELECT FROM mask.protected t JOIN mask.policy po ON po.id = t.policy_id
                    WHERE po.view_schema = n.nspname AND t.view_name = c.relname);
-- Rules only of protected tables (the foreign key says so; checked after recovery anyway).
INSERT INTO mismatch
SELECT format('rule of unprotected %s', r.relation) FROM mask.rule r
 WHERE NOT EXISTS (SELECT FROM mask.protected t WHERE t.policy_id = r.policy_id AND t.relation = r.relation);
INSERT INTO mismatch SELECT format('audit chain: %s %s', v.id, v.problem) FROM mask.verify_audit_log() v;
INSERT INTO mismatch SELECT 'audit ids are not 1..n' FROM mask.audit_log HAVING count(*) <> coalesce(max(id), 0);
SELECT what FROM mismatch;
SQL
}

check_round() {   # check_round ROUND EXPECTED-STATE-PATTERNS...
    local round=$1 got bad; shift
    start_server || fail "round $round: the server did not restart (see $MV_CLUSTER_DIR/server.log)"
    got=$(state "$audit0") || fail "round $round: state query failed"
    bad=$(consistent 2>&1)
    echo "round $round: protected rules views granted audit-rows = $got${bad:+; $bad}"
    [ -z "$bad" ] || problem "round $round: $(echo "$bad" | head -3 | tr '\n' ';')"
    local ok=
    # shellcheck disable=SC2053
    for e in "$@"; do [[ "$got" == $e ]] && ok=1; done
    [ -n "$ok" ] || problem "round $round: state '$got', expected one of: $*"
}

# wait_for PATTERN SECONDS: until the change session's current statement matches
wait_for() {
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        psql -X -q -A -t -U "$su" -d postgres -c "SELECT 1 FROM pg_stat_activity
            WHERE application_name = 'mvcrash_change' AND state = 'active' AND query ~ '$1'" 2>/dev/null | grep -q 1 && return 0
        kill -0 "$bg_pid" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}

audit0=$(q -c "SELECT max(id) FROM mask.audit_log")
none="0 0 0 0 0"
all="50 150 50 50 200"

# --- round 1: killed half-way through the transaction ---------------------------
psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d "$db" -f "$work/change_halfway.sql" >"$work/r1.out" 2>&1 &
bg_pid=$!
t0=$SECONDS
if wait_for 'halfway_fc_t25' 300; then
    kill_server
    echo "round 1: killed at table 25 after $((SECONDS - t0)) s"
else
    problem "round 1: the change ended before table 25 was reached: $(tail -1 "$work/r1.out")"
fi
wait "$bg_pid"; bg_pid=
check_round 1 "$none"

# --- round 2: killed right after COMMIT ---------------------------------------
t0=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d "$db" -f "$work/change.sql" >"$work/r2.out" 2>&1 \
    || problem "round 2: the change failed: $(tail -1 "$work/r2.out")"
kill_server
echo "round 2: committed after $((SECONDS - t0)) s, killed at once"
check_round 2 "$all"

# --- round 3: killed during one of a series of autocommitted set_rule calls ---
{
    echo "SET application_name = 'mvcrash_change';"
    for i in $(seq 1 200); do
        if [ $((i % 2)) -eq 0 ]; then e="mask.cn_name(holder_name)"; else e="mask.redact(holder_name)"; fi
        echo "SELECT mask.set_rule('crash', 'fc.t01', 'holder_name', '$e', 'call $i');"
        # a pause between two committed calls, so the kill lands there
        # however fast the calls run
        if [ "$i" -eq 20 ]; then echo "SELECT pg_sleep(120) AS pause_after_call_20;"; fi
    done
} >"$work/calls.sql"
audit2=$(q -c "SELECT max(id) FROM mask.audit_log")
psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d "$db" -f "$work/calls.sql" >"$work/r3.out" 2>&1 &
bg_pid=$!
if wait_for 'pause_after_call_20' 300; then
    kill_server
else
    problem "round 3: the calls ended before the pause after call 20: $(tail -1 "$work/r3.out")"
fi
wait "$bg_pid"; bg_pid=
check_round 3 "50 150 50 50 *"
r3=$(q -c "SELECT (SELECT count(*) FROM mask.audit_log WHERE id > $audit2)
            || ' ' || (SELECT r.reason FROM mask.rule r WHERE r.column_name = 'holder_name'
                          AND r.relation = 'fc.t01'::regclass)
            || ' ' || (SELECT details->>'reason' FROM mask.audit_log ORDER BY id DESC LIMIT 1)")
read -r calls rule_reason_a rule_reason_b log_reason_a log_reason_b <<<"$r3"
echo "round 3: $calls calls committed before the kill; rule says '$rule_reason_a $rule_reason_b', last audit row says '$log_reason_a $log_reason_b'"
# The kill came during the pause after call 20: calls 1-20 had returned, and
# every one of them must have survived.
[ "${calls:-0}" -eq 20 ] || problem "round 3: ${calls:-0} committed calls survived, 20 had returned"
[ "$rule_reason_b" = "$calls" ] || problem "round 3: $calls committed calls in the log but the rule is from call $rule_reason_b"
[ "$rule_reason_b" = "$log_reason_b" ] || problem "round 3: the rule (call $rule_reason_b) and the last audit row (call $log_reason_b) disagree"
bad=$(consistent 2>&1); [ -z "$bad" ] || problem "round 3: $(echo "$bad" | head -3 | tr '\n' ';')"

scratch_verify error warning
scratch_finish
