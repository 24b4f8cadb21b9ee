#!/usr/bin/env bash
# Attack: pg_dump run as a policy member must not yield a raw value or a key.
#
# Expects a running cluster reachable through PGHOST/PGPORT with a superuser in
# PGUSER (test/cluster.sh sets these) and maskview installed.  Creates its own
# database and roles, removes them again, prints "attack pg_dump: ok" or
# "attack pg_dump: FAILED" and exits non-zero on failure.
set -uo pipefail

db=maskview_attack_dump
su=${PGUSER:-postgres}
fails=0
fail() { echo "  FAIL: $*"; fails=$((fails + 1)); }

drop_objects() {
    psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
    psql -X -q -U "$su" -d postgres \
        -c "DROP ROLE IF EXISTS tdump_member" -c "DROP ROLE IF EXISTS tdump_owner" >/dev/null 2>&1
}
drop_objects                      # leftovers of an interrupted run
work=$(mktemp -d /tmp/maskview-dump-attack.XXXXXX)
trap 'drop_objects; rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d postgres >/dev/null <<SQL || { echo "attack pg_dump: FAILED (setup)"; exit 1; }
CREATE ROLE tdump_owner NOLOGIN;
CREATE ROLE tdump_member LOGIN;
CREATE DATABASE $db;
SQL

psql -X -q -v ON_ERROR_STOP=1 -v fixture="$(dirname "$0")/../sql/fixtures/policy.sql" -U "$su" -d "$db" >/dev/null <<'SQL' \
    || { echo "attack pg_dump: FAILED (policy setup)"; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION maskview;
\i :fixture
CREATE SCHEMA tdump_billing AUTHORIZATION tdump_owner;
SET ROLE tdump_owner;
CREATE TABLE tdump_billing.households (
    id integer PRIMARY KEY, holder_name text, phone text, id_card text,
    account_no text, arrears numeric(10,2));
INSERT INTO tdump_billing.households VALUES
 (1, '张伟', '13812345678', '110101199003078515', 'ACCT-DUMP-0001', 120.50),
 (2, '李四', '13987654321', '11010119851212003X', 'ACCT-DUMP-0002',   0.00),
 (3, '欧阳娜娜', '18600001111', '440305197707074424', 'ACCT-DUMP-0003', 7.00);
-- Schema USAGE for everyone, as is common: table privileges alone keep the member out.
GRANT USAGE ON SCHEMA tdump_billing TO PUBLIC;
ANALYZE tdump_billing.households;
RESET ROLE;
SELECT pg_temp.policy('tdump_notice', 'tdump_notice', 'tdump_billing.households',
                      ARRAY[['id', 'PASS'],
                            ['holder_name', 'mask.cn_name(holder_name)'],
                            ['phone', 'mask.cn_phone(phone)'],
                            ['account_no', 'mask.pseudonym(account_no)']],
                      members => '{tdump_member}', row_filter => 'arrears > 0', view_name => 'households');
SQL

# What must never appear: raw values and the key (hex, as bytea prints it).
psql -X -A -t -U "$su" -d "$db" >"$work/secrets" -c "
    SELECT v FROM tdump_billing.households AS h,
           LATERAL (VALUES (h.holder_name), (h.phone), (h.id_card), (h.account_no)) AS c(v)
    UNION ALL
    SELECT pg_catalog.encode(k.key, 'hex') FROM mask.policy_key AS k" || { echo "attack pg_dump: FAILED (secrets)"; exit 1; }
[ "$(wc -l <"$work/secrets")" -ge 13 ] || fail "expected 12 raw values and a key, got $(wc -l <"$work/secrets") lines"

leaks() {   # leaks FILE: prints every secret found in FILE
    grep -F -f "$work/secrets" -o "$1" | sort -u
}

# The check can fail: a superuser's dump does contain the raw values and the key.
pg_dump -U "$su" -d "$db" >"$work/superuser.dump" 2>&1
[ "$(leaks "$work/superuser.dump" | wc -l)" -ge 13 ] \
    || fail "control: the superuser's dump should contain every secret"

# The member's attempts.  Each may fail (permission denied) or succeed; none
# may produce a secret, on stdout or stderr.
i=0
for args in "" "--data-only" "--schema-only" "-n tdump_billing" "-t tdump_billing.households" \
            "-n tdump_notice" "-n mask" "--inserts -n tdump_notice" "-Fc" "--enable-row-security"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    pg_dump -U tdump_member -d "$db" $args >"$work/member.$i" 2>&1
    rc=$?
    found=$(leaks "$work/member.$i")
    if [ -n "$found" ]; then
        fail "pg_dump -U tdump_member $args (exit $rc) leaked: $(echo "$found" | tr '\n' ' ')"
    fi
done

# Dumping the raw table must be refused outright.
if pg_dump -U tdump_member -d "$db" -t tdump_billing.households >/dev/null 2>"$work/raw.err"; then
    fail "pg_dump -t of the raw table succeeded as the member"
elif ! grep -q "permission denied" "$work/raw.err"; then
    fail "pg_dump -t of the raw table failed without a permission error: $(head -3 "$work/raw.err")"
fi

# Dumping the view schema works and carries the masked view's definition,
# which names the key view but not the key.
if pg_dump -U tdump_member -d "$db" -n tdump_notice >"$work/views.sql" 2>&1; then
    grep -q "CREATE VIEW tdump_notice.households" "$work/views.sql" \
        || fail "the member's dump of the view schema lacks the view"
else
    echo "  note: pg_dump -n tdump_notice as the member failed: $(grep -m1 error "$work/views.sql")"
fi

if [ "$fails" -eq 0 ]; then
    echo "attack pg_dump: ok"
else
    echo "attack pg_dump: FAILED"
    exit 1
fi
