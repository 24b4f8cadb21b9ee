#!/usr/bin/env bash
# make bench-citus: maskview on a local Citus cluster (coordinator + 2 workers
# on loopback, test/citus/cluster.sh), BENCH_HOUSEHOLDS households (default
# 1,000,000) in a distributed table of 32 shards.  Medians of BENCH_RUNS
# (default 3) runs, in one run of this script, for both mechanisms: (a) the
# masked view (reads through the row function) and (b) the materialized
# masked copy (mask.set_citus_copy, distributed by the account_no token):
#   raw COPY of the distributed table (as its owner) against COPY of the
#   masked rows (as a member); a point lookup by pseudonym token; count(*)
#   with the row filter (the view's, the copy's) against count(*) of the raw
#   rows; and for (b) the time of mask.refresh().
# Needs the citus extension in the server pg_config names (README 'Citus').
set -euo pipefail
cd "$(dirname "$0")/.."
households=${BENCH_HOUSEHOLDS:-1000000}
runs=${BENCH_RUNS:-3}
. test/citus/cluster.sh
if ! mv_citus_available; then
    echo "bench-citus: SKIPPED (the citus extension is not installed; README 'Citus')"
    exit 0
fi
mv_citus_start
set -- $MV_CITUS_PORTS
coord=$1
q() { mv_citus_psql "$coord" -d postgres -v ON_ERROR_STOP=1 "$@"; }
as() { local role=$1; shift; "$MV_CITUS_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$coord" -U "$role" -d postgres -v ON_ERROR_STOP=1 "$@"; }

q >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION maskview;
CREATE ROLE cb_owner LOGIN;
CREATE ROLE cb_printer LOGIN;
CREATE SCHEMA billing AUTHORIZATION cb_owner;
GRANT USAGE ON SCHEMA billing TO PUBLIC;
SET ROLE cb_owner;
CREATE TABLE billing.households (
    household_id bigint PRIMARY KEY, holder_name text, mobile text, id_card text,
    address text, email text, account_no text, in_arrears boolean, balance numeric(10,2));
RESET ROLE;
SELECT create_distributed_table('billing.households', 'household_id', shard_count => 32);
INSERT INTO billing.households
SELECT g, (ARRAY['张','王','李','欧阳'])[1 + g % 4] || (ARRAY['三','小明','建国'])[1 + g % 3],
       '138' || pg_catalog.lpad(g::text, 8, '0'), '34020219800101' || pg_catalog.lpad((g % 10000)::text, 4, '0'),
       '安徽省芜湖市镜湖区世贸滨江花园小区' || (g % 30) || '栋' || (g % 6) || '单元' || (g % 2000) || '室',
       'user' || g || '@example.cn', 'ACCT-' || g, g % 5 <> 0, (g % 97) * 1.5
  FROM pg_catalog.generate_series(1, $households) g;
ANALYZE billing.households;
SELECT mask.create_policy('cb_notice', 'cb_notice');
SELECT mask.protect('cb_notice', 'billing.households', 'in_arrears');
SELECT mask.set_rule('cb_notice', 'billing.households', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('cb_notice', 'billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule('cb_notice', 'billing.households', 'mobile', 'mask.cn_phone(mobile)');
SELECT mask.set_rule('cb_notice', 'billing.households', 'id_card', 'mask.cn_id_card(id_card)');
SELECT mask.set_rule('cb_notice', 'billing.households', 'address', \$\$mask.cn_address(address, 'unit')\$\$);
SELECT mask.set_rule('cb_notice', 'billing.households', 'email', 'mask.email(email)');
SELECT mask.set_rule('cb_notice', 'billing.households', 'balance', 'PASS');
SELECT mask.add_member('cb_notice', 'cb_printer');
SQL

ms() {   # ms ROLE SQL: median wall time in ms over $runs runs
    local role=$1 sql=$2 i t
    for i in $(seq "$runs"); do
        t=$( { /usr/bin/time -f '%e' "$MV_CITUS_BIN/psql" -X -q -h 127.0.0.1 -p "$coord" -U "$role" -d postgres \
                 -c "$sql" >/dev/null; } 2>&1 | tail -1)
        echo "$t"
    done | sort -n | sed -n "$(( (runs + 1) / 2 ))p" | awk '{printf "%.0f", $1 * 1000}'
}
# (b): the copy, created and filled once before the measurements
q -c "SELECT mask.set_citus_copy('cb_notice', 'billing.households', true)" >/dev/null
token=$(as cb_printer -c "SELECT account_no FROM cb_notice.households_copy LIMIT 1")
raw_copy=$(ms cb_owner "COPY (SELECT household_id, holder_name, mobile, id_card, address, email, account_no, balance FROM billing.households WHERE in_arrears) TO STDOUT")
a_copy=$(ms cb_printer "COPY (SELECT * FROM cb_notice.households) TO STDOUT")
b_copy=$(ms cb_printer "COPY (SELECT * FROM cb_notice.households_copy) TO STDOUT")
raw_point=$(ms cb_owner "SELECT * FROM billing.households WHERE account_no = 'ACCT-4242'")
a_point=$(ms cb_printer "SELECT * FROM cb_notice.households WHERE account_no = '$token'")
b_point=$(ms cb_printer "SELECT * FROM cb_notice.households_copy WHERE account_no = '$token'")
raw_count=$(ms cb_owner "SELECT count(*) FROM billing.households WHERE in_arrears")
a_count=$(ms cb_printer "SELECT count(*) FROM cb_notice.households")
b_count=$(ms cb_printer "SELECT count(*) FROM cb_notice.households_copy")
refresh=$(ms postgres "SELECT mask.refresh('cb_notice')")
rows=$(as cb_printer -c "SELECT count(*) FROM cb_notice.households_copy")
sizes=$(q -c "SELECT pg_catalog.pg_size_pretty(pg_catalog.citus_total_relation_size('billing.households')) || ' raw, ' || pg_catalog.pg_size_pretty(pg_catalog.citus_total_relation_size('cb_notice.households_copy')) || ' copy'")
echo "Citus 3 nodes on one machine, $households households, 32 shards, medians of $runs (ms):"
printf '%-46s %8s %9s %6s %9s %6s\n' "" raw "(a) view" ratio "(b) copy" ratio
row() { awk -v l="$1" -v r="$2" -v a="$3" -v b="$4" 'BEGIN { printf "%-46s %8d %9d %6.1f %9d %6.1f\n", l, r, a, a / (r ? r : 1), b, b / (r ? r : 1) }'; }
row "COPY of the rows in arrears, 7 columns" "$raw_copy" "$a_copy" "$b_copy"
row "point lookup (raw: account_no; masked: token)" "$raw_point" "$a_point" "$b_point"
row "count(*) of the rows in arrears" "$raw_count" "$a_count" "$b_count"
echo "(b) mask.refresh() of the copy ($rows rows): $refresh ms; storage: $sizes"
mv_citus_stop
