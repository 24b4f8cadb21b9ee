#!/usr/bin/env bash
# maskview on Citus, option (b): the materialized masked copy of a protected
# distributed table (sql/parts/49_citus_copy.sql), on a coordinator and two
# workers (test/citus/cluster.sh), as admin, member, owner, auditor and a
# stranger.
#
#   1 set_citus_copy creates <view>_copy, distributed by the pseudonymised
#     raw distribution column (or a passed one, never colocated with the
#     raw table, or the column named), owned by the extension owner; its rows
#     are the view's rows; bad input is refused with 22023, non-admins 42501
#   2 members read it with pushdown: a lookup by token is one shard task;
#     members and auditors read it on every node, strangers on none
#   3 no raw data through it: only masked values in it, members cannot
#     write, truncate, refresh or re-grant it; raw shards stay denied
#   4 refresh: changes of the raw table appear only after mask.refresh(),
#     which is audited, calls the row function as maskview made it (not with
#     settings put on it by hand), shows no key to any logging setting of the caller
#     and writes none to the workers' logs; a member reading during a
#     refresh sees the old rows or the new ones, never a partial copy
#   5 a change of the rules or the row filter empties the copy at once
#     (audited), hidden columns leave it at the next refresh; the owner's
#     ALTER TABLE (add, rename a column) works and renames its column too
#   6 verify() reports a missing copy, an empty one, a key rotated since the
#     refresh, a grant made by hand, which refresh_privileges() revokes;
#     members added and removed gain and lose the copy on every node
#   7 the catalog row is dumped by pg_dump; set_citus_copy(false), unprotect,
#     DROP TABLE of the raw table and drop_policy remove the copy
#   8 a table with a copy that is made a reference table (undistribute_table,
#     create_reference_table): refresh() creates its copy again
#
# Runs when the server under test (pg_config, or PG_CONFIG) has the citus
# extension installed; otherwise prints "citus_copy: SKIPPED" and exits 0.
# Prints "citus_copy: ok" or "citus_copy: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/citus/common.sh
mv_citus_test_begin citus_copy
state() {   # SQLSTATE of a statement as a role on the coordinator, or "ok"
    as "$1" "$coord" -v VERBOSITY=verbose -c "$2" 2>&1 \
        | awk '/^ERROR:  [0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]:/ && !s { s = substr($2, 1, 5) } END { print s ? s : "ok" }'
}

mv_citus_setup -v roles='tcc_owner tcc_admin tcc_printer tcc_auditor tcc_stranger' -v owner=tcc_owner -v shards=8 -v rows=2000 \
    -v policy=tcc_notice -v row_filter='in_arrears AND balance >= 0' -v id_rule='mask.pseudonym(household_id::text, 10)' <<'SQL'
\i test/citus/billing.sql
SET ROLE tcc_owner;
CREATE TABLE billing.meters (meter_id bigint PRIMARY KEY, account_no text, reading int);
CREATE TABLE billing.notes (account_no text, note text);
GRANT SELECT ON billing.households, billing.meters, billing.districts, billing.notes TO tcc_admin;
RESET ROLE;
SELECT create_distributed_table('billing.meters', 'meter_id', shard_count => 4);
INSERT INTO billing.meters SELECT g, 'ACCT-' || g, g * 7 FROM pg_catalog.generate_series(1, 300) g;
INSERT INTO billing.notes VALUES ('ACCT-1', 'n');
SELECT mask.grant_admin('tcc_admin');
SET ROLE tcc_admin;
SELECT mask.create_policy('tcc_notice', 'tcc_notice', 'Citus copy test');
\i test/citus/policy.sql
SELECT mask.protect('tcc_notice', 'billing.meters');
SELECT mask.set_rule('tcc_notice', 'billing.meters', 'meter_id', 'PASS');
SELECT mask.set_rule('tcc_notice', 'billing.meters', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('tcc_notice', 'billing.meters', 'reading', 'PASS');
SELECT mask.protect('tcc_notice', 'billing.notes');
SELECT mask.set_rule('tcc_notice', 'billing.notes', 'note', 'PASS');
SELECT mask.add_member('tcc_notice', 'tcc_printer');
RESET ROLE;
SELECT mask.grant_auditor('tcc_auditor');
SQL
policy_key tcc_notice

# --- 1: opting in ----------------------------------------------------------------
for bad in "'billing.households', true, 'no_such_column'" "'billing.households', true, 'in_arrears'" \
           "'billing.districts', true" "'billing.notes', true" "'billing.households', false" \
           "'billing.households', true, NULL, 'households'"; do
    got=$(state tcc_admin "SELECT mask.set_citus_copy('tcc_notice', $bad)")
    [ "$got" = 22023 ] || problem "1: set_citus_copy($bad) gave $got, expected 22023"
done
for role in tcc_printer tcc_owner tcc_auditor; do
    got=$(state $role "SELECT mask.set_citus_copy('tcc_notice', 'billing.households', true)")
    [ "$got" = 42501 ] || problem "1: $role calling set_citus_copy: $got, expected 42501"
    got=$(state $role "SELECT mask.refresh('tcc_notice')")
    [ "$got" = 42501 ] || problem "1: $role calling refresh: $got, expected 42501"
done
got=$(as tcc_admin "$coord" -c "SELECT mask.set_citus_copy('tcc_notice', 'billing.households', true)" \
                            -c "SELECT mask.set_citus_copy('tcc_notice', 'billing.meters', true)" 2>&1 | tr '\n' ' ')
[ "$got" = "set_citus_copy: policy tcc_notice, billing.households set_citus_copy: policy tcc_notice, billing.meters " ] \
    || problem "1: set_citus_copy as the admin: $got"
got=$(q -c "SELECT t.table_name || ' ' || t.citus_table_type || ' ' || t.distribution_column || ' ' || t.table_owner FROM public.citus_tables t WHERE t.table_name::text LIKE 'tcc_notice.%' ORDER BY 1" | tr '\n' ' ')
[ "$got" = "tcc_notice.households_copy distributed household_id postgres tcc_notice.meters_copy distributed meter_id postgres " ] \
    || problem "1: the copies as Citus sees them: $got"
got=$(q -c "SELECT count(DISTINCT t.colocation_id) FROM public.citus_tables t WHERE t.table_name IN ('billing.meters'::regclass, 'tcc_notice.meters_copy'::regclass)")
[ "$got" = 2 ] || problem "1: the copy distributed by a passed column is colocated with its raw table (a refresh would be refused)"
got=$(q -c "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'tcc_notice.households_copy'::regclass AND a.attname = 'household_id'")
[ "$got" = text ] || problem "1: the copy's distribution column is not the token: $got"
view=$(as tcc_printer "$coord" -c "SELECT t::text FROM tcc_notice.households t ORDER BY 1" | md5sum)
copy=$(as tcc_printer "$coord" -c "SELECT t::text FROM tcc_notice.households_copy t ORDER BY 1" | md5sum)
[ "$view" = "$copy" ] || problem "1: the copy's rows differ from the view's"
got=$(q -c "SELECT pg_catalog.col_description('tcc_notice.households_copy'::regclass, 3)")
grep -q 'cn_phone' <<<"$got" || problem "1: the copy's column comment does not name the rule: $got"
as tcc_admin "$coord" -c "SELECT mask.set_citus_copy('tcc_notice', 'billing.households', true, 'account_no')" >/dev/null 2>&1
got=$(q -c "SELECT t.distribution_column FROM public.citus_tables t WHERE t.table_name = 'tcc_notice.households_copy'::regclass" 2>&1)
[ "$got" = account_no ] || problem "1: distribution_column => account_no gave $got"

# --- 2: members read it with pushdown, on every node ---------------------------
token=$(as tcc_printer "$coord" -c "SELECT account_no FROM tcc_notice.households_copy WHERE balance = 3.0 ORDER BY 1 LIMIT 1")
want=$(q -c "SELECT mask.pseudonym(account_no, '\\x$key'::bytea, 8) FROM billing.households WHERE in_arrears AND balance = 3.0 ORDER BY 1 LIMIT 1")
[ -n "$token" ] && [ "$token" = "$want" ] || problem "2: tokens in the copy differ from mask.pseudonym() with the key: $token vs $want"
got=$(as tcc_printer "$coord" -c "EXPLAIN SELECT * FROM tcc_notice.households_copy WHERE account_no = '$token'" 2>&1 | grep 'Task Count')
grep -q 'Task Count: 1$' <<<"$got" || problem "2: a lookup by token is not routed to one shard: $got"
got=$(as tcc_printer "$coord" -c "EXPLAIN SELECT * FROM tcc_notice.households_copy WHERE balance = 3.0 LIMIT 5" 2>&1)
grep -q 'Filter: (balance = 3.0)' <<<"$got" && grep -q 'Limit' <<<"$got" \
    || problem "2: WHERE and LIMIT are not pushed to the shards: $(echo "$got" | head -8)"
for port in $coord $w1 $w2; do
    for role in tcc_printer tcc_auditor; do
        got=$(as $role "$port" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
        [ "$got" = 1600 ] || problem "2: $role reads the copy on port $port: $got"
    done
    got=$(as tcc_stranger "$port" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "2: a stranger reads the copy on port $port: $got"
done

# --- 3: no raw data through the copy ---------------------------------------------
got=$(q -c "SELECT count(*) FROM tcc_notice.households_copy WHERE account_no LIKE 'ACCT-%' OR mobile ~ '^[0-9]{11}$' OR holder_name IN (SELECT holder_name FROM billing.households)")
[ "$got" = 0 ] || problem "3: $got rows of the copy hold raw values"
for sql in "INSERT INTO tcc_notice.households_copy (account_no) VALUES ('x')" \
           "UPDATE tcc_notice.households_copy SET mobile = 'x'" "DELETE FROM tcc_notice.households_copy" \
           "TRUNCATE tcc_notice.households_copy" \
           "ALTER TABLE tcc_notice.households_copy ADD COLUMN x int" "SELECT count(*) FROM billing.households"; do
    got=$(state tcc_printer "$sql")
    [ "$got" = 42501 ] || problem "3: member: $sql gave $got, expected 42501"
done
as tcc_printer "$coord" -c "GRANT SELECT ON tcc_notice.households_copy TO tcc_stranger" >/dev/null 2>&1
got=$(as tcc_stranger "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
grep -q 'permission denied' <<<"$got" || problem "3: a member passed SELECT on the copy on to a stranger: $got"
for port in $w1 $w2; do
    for shard in $(mv_citus_psql "$port" -d postgres -c "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = 'billing'::regnamespace AND c.relname ~ '^households_[0-9]+$'"); do
        got=$(as tcc_printer "$port" -c "SELECT count(*) FROM billing.$shard" 2>&1)
        grep -q 'permission denied' <<<"$got" || problem "3: member reads raw shard $shard on port $port: $got"
    done
    got=$(as tcc_printer "$port" -c "UPDATE tcc_notice.households_copy SET mobile = 'x'" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "3: member writes the copy on port $port: $got"
done

# --- 4: refresh -------------------------------------------------------------------
q -c "INSERT INTO billing.households SELECT g, '赵六', '13900000000', 'ACCT-' || g, 1, true, 1.5 FROM pg_catalog.generate_series(2001, 2100) g" >/dev/null
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy")
[ "$got" = 1600 ] || problem "4: the copy changed before a refresh: $got"
for port in $w1 $w2; do
    mv_citus_psql "$port" -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_catalog.pg_reload_conf()" >/dev/null
done
# a setting put on the row function (which receives the key) by hand is gone
# before a refresh calls it (the owner cannot reach it: no USAGE on the view
# schema; this is what a change by anyone else would look like)
got=$(as tcc_owner "$coord" -c "ALTER FUNCTION tcc_notice.households_rows(bytea) SET application_name = 'x'" 2>&1)
grep -q 'permission denied for schema' <<<"$got" || problem "4: the table owner reaches its row function in the view schema: $got"
q -c "SET citus.enable_ddl_propagation = off" -c "ALTER FUNCTION tcc_notice.households_rows(bytea) SET application_name = 'tcc_owner_was_here'" >/dev/null
# a member reads while a refresh is under way (its transaction open)
as tcc_admin "$coord" -c "BEGIN" -c "SELECT mask.refresh('tcc_notice')" -c "SELECT pg_catalog.pg_sleep(4)" -c "COMMIT" \
    >"$MV_CITUS_DIR/refresh.out" 2>&1 &
bg=$!
sleep 2
during=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
wait $bg
grep -q '^refresh: policy tcc_notice$' "$MV_CITUS_DIR/refresh.out" || problem "4: refresh as the admin: $(cat "$MV_CITUS_DIR/refresh.out")"
[ "$during" = 1600 ] || [ "$during" = 1700 ] || problem "4: a member reading during a refresh saw $during rows (1600 before, 1700 after)"
got=$(q -c "SELECT count(*) FROM pg_catalog.pg_proc p WHERE p.proname = 'households_rows' AND pg_catalog.array_to_string(p.proconfig, ',') LIKE '%tcc_owner_was_here%'")
[ "$got" = 0 ] || problem "4: the refresh passed the key to a row function with settings maskview did not give it"
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy WHERE holder_name = '赵*'")
[ "$got" = 100 ] || problem "4: the refreshed copy lacks the new rows: $got"
for port in $w1 $w2; do
    mv_citus_psql "$port" -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_catalog.pg_reload_conf()" >/dev/null
    grep -qi "$key" "$MV_CITUS_DIR/$port/server.log" && problem "4: the key is in the log of the worker on port $port"
    grep -q 'INSERT INTO\|COPY' "$MV_CITUS_DIR/$port/server.log" || problem "4: the worker on port $port logged no statement of the refresh (the log check checks nothing)"
done
out=$(as tcc_admin "$coord" 2>&1 <<'SQL'
SET citus.log_remote_commands = on;
SET client_min_messages = debug5;
SET citus.worker_min_messages = debug5;
SELECT mask.refresh('tcc_notice');
SHOW citus.log_remote_commands;
SQL
)
grep -qi "$key" <<<"$out" && problem "4: the key shows in what the admin's settings print during a refresh"
[ "$(tail -1 <<<"$out")" = on ] || problem "4: refresh did not restore the caller's citus.log_remote_commands: $(tail -1 <<<"$out")"
got=$(q -c "SELECT l.details ->> 'copies' FROM mask.audit_log l WHERE l.action = 'refresh' ORDER BY l.id DESC LIMIT 1")
[ "$got" = '{"billing.meters": 300, "billing.households": 1700}' ] || problem "4: the audit row of the refresh: $got"

# --- 5: a change of the rules empties the copy ----------------------------------
as tcc_admin "$coord" -c "SELECT mask.set_rule('tcc_notice', 'billing.households', 'mobile', 'NULL')" >/dev/null
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy WHERE mobile IS NOT NULL")
[ "$got" = 0 ] || problem "5: after set_rule(mobile => NULL) the copy still shows $got masked mobiles"
got=$(q -c "SELECT count(*) FROM mask.audit_log l WHERE l.action = 'citus_copy_emptied' AND l.object = 'billing.households'")
[ "$got" = 1 ] || problem "5: emptying the copy was audited $got times"
got=$(q -c "SELECT finding FROM mask.verify('tcc_notice') WHERE object = 'tcc_notice.households_copy' AND severity = 'warning'")
grep -q 'empty' <<<"$got" || problem "5: verify() does not report the emptied copy: $got"
as tcc_admin "$coord" -c "SELECT mask.protect('tcc_notice', 'billing.households', 'in_arrears AND balance >= 100')" \
    -c "SELECT mask.drop_rule('tcc_notice', 'billing.households', 'balance')" -c "SELECT mask.refresh('tcc_notice')" >/dev/null
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
want=$(q -c "SELECT count(*) FROM billing.households WHERE in_arrears AND balance >= 100")
[ "$got" = "$want" ] || problem "5: the copy after a new row filter and a refresh: $got rows, the filter leaves $want"
got=$(as tcc_printer "$coord" -c "SELECT balance FROM tcc_notice.households_copy LIMIT 1" 2>&1)
grep -q 'column "balance" does not exist' <<<"$got" || problem "5: a hidden column is still in the copy: $got"

# the owner's DDL on the raw table is followed: a renamed column empties the copy
# (inside the owner's ALTER, no deadlock across nodes), the refresh renames it
got=$(timeout 120 "$MV_CITUS_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$coord" -U tcc_owner -d postgres \
        -c "ALTER TABLE billing.households ADD COLUMN note text" -c "ALTER TABLE billing.households RENAME COLUMN mobile TO phone" 2>&1)
[ -z "$got" ] || grep -q '^NOTICE' <<<"$got" || problem "5: the owner's ALTER TABLE on a table with a copy: $got"
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
[ "$got" = 0 ] || problem "5: the copy after the owner renamed a column: $got rows (expected emptied)"
as tcc_admin "$coord" -c "SELECT mask.refresh('tcc_notice')" >/dev/null
got=$(as tcc_printer "$coord" -c "SELECT count(phone) FROM tcc_notice.households_copy" 2>&1)
[ "$got" = 0 ] || problem "5: the refreshed copy after the rename (phone, ruled NULL): $got"

# --- 6: verify ----------------------------------------------------------------------
got=$(q -c "SELECT severity || ': ' || finding FROM mask.verify() WHERE severity IN ('error', 'warning')")
[ -z "$got" ] || problem "6: verify() is not clean after a refresh: $got"
q -c "GRANT SELECT ON tcc_notice.households_copy TO tcc_stranger" >/dev/null
got=$(q -c "SELECT severity FROM mask.verify() WHERE object = 'tcc_notice.households_copy' AND finding LIKE 'tcc_stranger holds SELECT%'")
[ "$got" = error ] || problem "6: verify() does not report a grant of the copy to a stranger: $got"
# a reader's SELECT with grant option (it could pass the copy on): reported and revoked
q -c "GRANT SELECT ON tcc_notice.households_copy TO tcc_printer WITH GRANT OPTION" >/dev/null
got=$(q -c "SELECT severity FROM mask.verify() WHERE object = 'tcc_notice.households_copy' AND finding LIKE 'tcc_printer holds SELECT WITH GRANT OPTION%'")
[ "$got" = error ] || problem "6: verify() does not report a reader's grant option on the copy: $got"
got=$(as tcc_admin "$coord" -c "SELECT mask.refresh_privileges()" 2>&1 | grep ERROR)
[ -z "$got" ] || problem "6: refresh_privileges() as the admin: $got"
for port in $coord $w1 $w2; do
    got=$(as tcc_stranger "$port" -c "SELECT count(*) FROM tcc_notice.households_copy" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "6: refresh_privileges() left the stranger's grant (port $port): $got"
done
got=$(q -c "SELECT count(*) FROM pg_catalog.aclexplode((SELECT c.relacl FROM pg_catalog.pg_class c WHERE c.oid = 'tcc_notice.households_copy'::regclass)) g WHERE g.is_grantable")
[ "$got" = 0 ] || problem "6: refresh_privileges() left a grant option on the copy: $got"
got=$(as tcc_printer "$coord" -c "SELECT count(*) > 0 FROM tcc_notice.households_copy" 2>&1)
[ "$got" = t ] || problem "6: the reader lost SELECT on the copy with its grant option: $got"
as tcc_admin "$coord" -c "SELECT mask.rotate_key('tcc_notice')" >/dev/null
got=$(q -c "SELECT finding FROM mask.verify() WHERE object = 'tcc_notice.households_copy' AND severity = 'warning'")
grep -q 'rotate_key' <<<"$got" || problem "6: verify() does not report a copy older than the key: $got"
q -c "SET citus.enable_ddl_propagation = on" -c "DROP TABLE tcc_notice.meters_copy" >/dev/null
got=$(q -c "SELECT finding FROM mask.verify() WHERE object = 'tcc_notice.meters_copy'")
grep -q 'missing' <<<"$got" || problem "6: verify() does not report a missing copy: $got"
as tcc_admin "$coord" -c "SELECT mask.refresh('tcc_notice')" >/dev/null
got=$(q -c "SELECT severity || ': ' || finding FROM mask.verify() WHERE severity IN ('error', 'warning')")
[ -z "$got" ] || problem "6: verify() is not clean after refresh recreated the copy: $got"
got=$(as tcc_printer "$coord" -c "SELECT count(*) FROM tcc_notice.meters_copy" 2>&1)
[ "$got" = 300 ] || problem "6: the recreated copy as the member: $got"

q -c "CREATE ROLE tcc_temp LOGIN" >/dev/null
as tcc_admin "$coord" -c "SELECT mask.add_member('tcc_notice', 'tcc_temp')" >/dev/null
got=$(as tcc_temp "$w2" -c "SELECT count(*) FROM tcc_notice.meters_copy" 2>&1)
[ "$got" = 300 ] || problem "6: a new member reads the copy on a worker: $got"
as tcc_admin "$coord" -c "SELECT mask.remove_member('tcc_notice', 'tcc_temp')" >/dev/null
for port in $coord $w1 $w2; do
    got=$(as tcc_temp "$port" -c "SELECT count(*) FROM tcc_notice.meters_copy" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "6: a removed member still reads the copy on port $port: $got"
done

# --- 7: dump, opting out, unprotect, drop_policy ------------------------------------
got=$("$MV_CITUS_BIN/pg_dump" -h 127.0.0.1 -p "$coord" -U postgres -d postgres --data-only -t mask.citus_copy 2>&1 | grep -c '^[0-9]*	billing\.')
[ "$got" = 2 ] || problem "7: pg_dump carries $got rows of mask.citus_copy (expected 2)"
as tcc_admin "$coord" -c "SELECT mask.set_citus_copy('tcc_notice', 'billing.meters', false)" >/dev/null 2>&1
got=$(q -c "SELECT pg_catalog.to_regclass('tcc_notice.meters_copy') IS NULL, (SELECT count(*) FROM mask.citus_copy)")
[ "$got" = "t|1" ] || problem "7: set_citus_copy(false) left the copy or its row: $got"
as tcc_admin "$coord" -c "SELECT mask.unprotect('tcc_notice', 'billing.households')" >/dev/null 2>&1 || problem "7: unprotect failed"
got=$(q -c "SELECT pg_catalog.to_regclass('tcc_notice.households_copy') IS NULL, (SELECT count(*) FROM mask.citus_copy)")
[ "$got" = "t|0" ] || problem "7: unprotect left the copy or its row: $got"
for port in $w1 $w2; do
    got=$(mv_citus_psql "$port" -d postgres -c "SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = 'tcc_notice'::regnamespace")
    [ "$got" = 0 ] || problem "7: the worker on port $port keeps $got relations of the copies"
done
as tcc_admin "$coord" -c "SELECT mask.protect('tcc_notice', 'billing.meters')" \
    -c "SELECT mask.set_citus_copy('tcc_notice', 'billing.meters', true)" -c "SELECT mask.drop_policy('tcc_notice')" >/dev/null 2>&1 \
    || problem "7: drop_policy with a copy failed"
got=$(q -c "SELECT pg_catalog.to_regnamespace('tcc_notice') IS NULL, (SELECT count(*) FROM mask.citus_copy)")
[ "$got" = "t|0" ] || problem "7: drop_policy left the view schema or a copy row: $got"
q -c "SET ROLE tcc_owner" -c "CREATE TABLE billing.readings (meter_id bigint, reading int)" -c "GRANT SELECT ON billing.readings TO tcc_admin" \
  -c "RESET ROLE" -c "SELECT create_distributed_table('billing.readings', 'meter_id', shard_count => 4)" >/dev/null
as tcc_admin "$coord" -c "SELECT mask.create_policy('tcc_second', 'tcc_second')" -c "SELECT mask.protect('tcc_second', 'billing.readings')" \
    -c "SELECT mask.set_rule('tcc_second', 'billing.readings', 'meter_id', 'PASS')" \
    -c "SELECT mask.set_citus_copy('tcc_second', 'billing.readings', true)" >/dev/null 2>&1
got=$(q -c "SELECT pg_catalog.to_regclass('tcc_second.readings_copy') IS NOT NULL")
[ "$got" = t ] || problem "7: no copy of billing.readings (the next check checks nothing)"
as tcc_owner "$coord" -c "DROP TABLE billing.readings" >/dev/null 2>&1
got=$(q -c "SELECT pg_catalog.to_regclass('tcc_second.readings_copy') IS NULL, (SELECT count(*) FROM mask.citus_copy)")
[ "$got" = "t|0" ] || problem "7: DROP TABLE of the raw table left its copy or its row: $got"

# --- 8: a table with a copy made a reference table -----------------------------------
# undistribute_table rebuilds the table (the protection and the copy's row follow,
# the copy goes with the view); refresh() then creates the copy again, with
# Citus's default shard count since the table has no shards of its own.
q -c "SET ROLE tcc_owner" -c "CREATE TABLE billing.levels (meter_id bigint, level int)" -c "GRANT SELECT ON billing.levels TO tcc_admin" \
  -c "RESET ROLE" -c "SELECT create_distributed_table('billing.levels', 'meter_id', shard_count => 4)" \
  -c "INSERT INTO billing.levels SELECT g, g FROM pg_catalog.generate_series(1, 30) g" >/dev/null
as tcc_admin "$coord" -c "SELECT mask.protect('tcc_second', 'billing.levels')" \
    -c "SELECT mask.set_rule('tcc_second', 'billing.levels', 'meter_id', 'PASS')" \
    -c "SELECT mask.set_citus_copy('tcc_second', 'billing.levels', true)" -c "SELECT mask.refresh('tcc_second')" >/dev/null 2>&1 \
    || problem "8: no copy of billing.levels"
q -c "SELECT undistribute_table('billing.levels')" -c "SELECT create_reference_table('billing.levels')" >/dev/null 2>&1 \
    || problem "8: making billing.levels a reference table failed"
got=$(as tcc_admin "$coord" -c "SELECT mask.refresh_privileges()" -c "SELECT mask.refresh('tcc_second')" 2>&1 | grep ERROR)
[ -z "$got" ] || problem "8: refresh() of a copy whose table is now a reference table: $got"
got=$(q -c "SELECT count(*) FROM tcc_second.levels_copy")
[ "$got" = 30 ] || problem "8: the copy of the reference table holds $got rows (expected 30)"

mv_citus_test_end
