#!/usr/bin/env bash
# maskview on Citus: a coordinator and two workers on loopback ports
# (test/citus/cluster.sh), a policy over a distributed, a reference and a
# local table, and the roles it exists for.
#
#   1 members read masked rows of all three, and joins on pseudonym tokens
#     between them are exact; tokens equal mask.pseudonym() with the key
#   2 the masks other than pseudonym run on the workers (the shard queries
#     hold mask.cn_name), and the key is in no shard query
#   3 raw data stays out of a member's reach on every node: the raw tables on
#     the coordinator and the workers, the shard tables on the workers
#   4 a member's leaky function sees masked rows only, never a row the row
#     filter excludes nor a raw value
#   5 the key: no logging setting of the member shows it; the row function
#     called directly with a key of the member's choice gives no pseudonyms
#   6 the auditor reads the views and runs linkability(); mask.verify() is
#     clean; unprotect removes the view and its row function
#
# Runs when the server under test (pg_config, or PG_CONFIG) has the citus
# extension installed; otherwise it says so and exits 0 with "citus: SKIPPED".
# Prints "citus: ok" or "citus: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/citus/common.sh
mv_citus_test_begin citus

mv_citus_setup -v roles='tc_owner tc_printer tc_auditor' -v owner=tc_owner -v shards=8 -v rows=2000 \
    -v policy=tc_notice -v row_filter='in_arrears AND balance >= 0 AND district_id IN (1, 2, 3)' -v id_rule='mask.pseudonym(household_id::text, 10)' <<'SQL'
\i test/citus/billing.sql
SET ROLE tc_owner;
CREATE TABLE billing.notes (household_id bigint, account_no text, note text);
RESET ROLE;
INSERT INTO billing.notes SELECT g, 'ACCT-' || g, 'note ' || g FROM pg_catalog.generate_series(1, 50) g;
SELECT mask.create_policy('tc_notice', 'tc_notice', 'Citus test');
\i test/citus/policy.sql
SELECT mask.protect('tc_notice', 'billing.notes');
SELECT mask.set_rule('tc_notice', 'billing.notes', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('tc_notice', 'billing.notes', 'note', 'PASS');
SELECT mask.add_member('tc_notice', 'tc_printer');
SELECT mask.grant_auditor('tc_auditor');
SQL
policy_key tc_notice

# --- 1: members read all three kinds of table ---------------------------------
got=$(as tc_printer "$coord" -c "SELECT count(*) FROM tc_notice.households" 2>&1)
[ "$got" = 1600 ] || problem "1: member count(*) over the distributed table: $got (expected the 1600 rows in arrears)"
got=$(as tc_printer "$coord" -c "SELECT holder_name || ' ' || mobile || ' ' || balance FROM tc_notice.households WHERE balance = 1.5 ORDER BY 1" 2>&1 | md5sum)
want=$(q -c "SELECT mask.cn_name(holder_name) || ' ' || mask.cn_phone(mobile) || ' ' || balance FROM billing.households WHERE in_arrears AND balance = 1.5 ORDER BY 1" | md5sum)
[ "$got" = "$want" ] || problem "1: the masked rows as the member differ from the masks applied by hand"
got=$(as tc_printer "$coord" -c "SELECT count(*) FROM tc_notice.districts" -c "SELECT count(*) FROM tc_notice.notes" 2>&1 | tr '\n' ' ')
[ "$got" = "3 50 " ] || problem "1: member reads of the reference and the local table: $got"
got=$(as tc_printer "$coord" -c "SELECT count(*) FROM tc_notice.households h JOIN tc_notice.notes n USING (account_no) JOIN tc_notice.districts d USING (district_id)" 2>&1)
want=$(q -c "SELECT count(*) FROM billing.households h JOIN billing.notes n USING (account_no) WHERE h.in_arrears")
[ "$got" = "$want" ] || problem "1: join on pseudonym tokens distributed x local x reference: $got, raw join gives $want"
got=$(as tc_printer "$coord" -c "SELECT account_no FROM tc_notice.households WHERE balance = 3.0 ORDER BY 1" 2>&1 | tr '\n' ' ')
want=$(q -c "SELECT mask.pseudonym(account_no, '\\x$key'::bytea, 8) FROM billing.households WHERE in_arrears AND balance = 3.0 ORDER BY 1" | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] || problem "1: tokens differ from mask.pseudonym() with the policy key: $got vs $want"

# --- 2: masks on the workers, the key on the coordinator ------------------------
fn=$(q -c "SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p WHERE p.proname = 'households_rows' AND p.pronamespace = 'tc_notice'::regnamespace")
[ -n "$fn" ] || problem "2: no row function for the distributed table's view"
src=$(q -c "SELECT p.prosrc FROM pg_catalog.pg_proc p WHERE p.oid = '$fn'::regprocedure")
inner=$(echo "$src" | sed -n 's/.*FROM (\(SELECT .* OFFSET 0\)) _maskview_s.*/\1/p' | sed 's/ OFFSET 0$//')
[ -n "$inner" ] || problem "2: the row function has no inner query: $src"
remote=$(q -c "SET citus.log_remote_commands = on" -c "SET client_min_messages = notice" -c "$inner" 2>&1 >/dev/null | grep 'issuing SELECT')
grep -q 'mask.cn_name' <<<"$remote" || problem "2: the shard queries do not run mask.cn_name on the workers: $(echo "$remote" | head -1)"
grep -q 'mask.pseudonym' <<<"$remote" && problem "2: a shard query computes a pseudonym on a worker"
grep -q "$key" <<<"$src" && problem "2: the row function's source holds the key"
owner=$(q -c "SELECT pg_catalog.pg_get_userbyid(p.proowner) || ' ' || p.prosecdef::text FROM pg_catalog.pg_proc p WHERE p.oid = '$fn'::regprocedure")
[ "$owner" = "tc_owner true" ] || problem "2: the row function is not SECURITY DEFINER of the table owner: $owner"

# --- 3: raw data is out of the member's reach on every node ----------------------
for port in $coord $w1 $w2; do
    got=$(as tc_printer "$port" -c "SELECT count(*) FROM billing.households" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "3: member reads billing.households on port $port: $got"
done
for port in $w1 $w2; do
    for shard in $(mv_citus_psql "$port" -d postgres -c "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = 'billing'::regnamespace AND c.relname ~ '^households_[0-9]+$'"); do
        got=$(as tc_printer "$port" -c "SELECT count(*) FROM billing.$shard" 2>&1)
        grep -q 'permission denied' <<<"$got" || problem "3: member reads shard $shard on port $port: $got"
    done
done

# --- 4: leaky functions --------------------------------------------------------
out=$(as tc_printer "$coord" 2>&1 <<'SQL'
CREATE FUNCTION pg_temp.leak(a text, b text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS
$$ BEGIN RAISE NOTICE 'leak: % %', a, b; RETURN true; END $$;
SELECT count(*) FROM tc_notice.households WHERE pg_temp.leak(holder_name, mobile);
SQL
)
grep -q 'leak: ' <<<"$out" || problem "4: the leaky function never ran: $(echo "$out" | head -2)"
echo "$out" | grep 'leak: ' | grep -vq '^NOTICE:  leak: [^ ]*\* 1[0-9][0-9]\*\*\*\*[0-9]\{4\}$' \
    && problem "4: the leaky function saw something other than masked values: $(echo "$out" | grep 'leak: ' | grep -v '\*' | head -2)"
n=$(echo "$out" | grep -c 'leak: ')
[ "$n" -eq 1600 ] || problem "4: the leaky function saw $n rows (the row filter leaves 1600)"

# --- 5: the key -----------------------------------------------------------------
out=$(as tc_printer "$coord" 2>&1 <<'SQL'
SET citus.log_remote_commands = on;
SET citus.worker_min_messages = debug5;
SET client_min_messages = debug5;
SET citus.explain_all_tasks = on;
SELECT count(*) FROM tc_notice.households WHERE account_no IS NOT NULL;
EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM tc_notice.households;
SQL
)
grep -qi "$key" <<<"$out" && problem "5: the key shows in what a member can make the server print"
got=$(as tc_printer "$coord" -c "SELECT count(account_no) || '/' || count(*) FROM $(echo "$fn" | sed "s/(bytea)/('\\\\x00112233'::bytea)/")" 2>&1)
[ "$got" = "0/1600" ] || problem "5: the row function called with the member's own key: $got (expected no pseudonyms)"
got=$(as tc_auditor "$coord" -c "SELECT count(*) FROM $(echo "$fn" | sed 's/(bytea)/(NULL)/')" 2>&1)
[ "$got" = 1600 ] || problem "5: the auditor, a reader of the view, may call its row function: $got"
got=$(as tc_owner "$coord" -c "SELECT count(*) FROM mask_internal.\"_key_1\"" 2>&1)
[ "$got" = 0 ] || grep -q 'permission denied' <<<"$got" || problem "5: the table owner reads a key: $got"

# --- 6: auditor, verify, unprotect ----------------------------------------------
got=$(as tc_auditor "$coord" -c "SELECT count(*) FROM tc_notice.households" 2>&1)
[ "$got" = 1600 ] || problem "6: the auditor reads the masked view: $got"
got=$(as tc_auditor "$coord" -c "SELECT count(*) FROM mask.linkability('tc_notice.households', ARRAY['district_id'], 5)" 2>&1)
[ "$got" = 0 ] || problem "6: linkability() on the Citus view as the auditor: $got"
got=$(q -c "SELECT severity || ': ' || finding FROM mask.verify() WHERE severity IN ('error', 'warning')" 2>&1)
[ -z "$got" ] || problem "6: verify() is not clean: $got"
q -c "SELECT mask.unprotect('tc_notice', 'billing.households')" >/dev/null 2>&1 || problem "6: unprotect failed"
got=$(q -c "SELECT count(*) FROM pg_catalog.pg_proc p WHERE p.proname = 'households_rows'")
[ "$got" = 0 ] || problem "6: unprotect left the row function behind"

mv_citus_test_end
