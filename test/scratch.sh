# A scratch database for a shell check (sourced, not run).  The fault scripts
# (test/faults/*.sh) and the load test (test/load/load_test.sh) each build a
# database and roles of their own on the running test cluster, check it, and
# remove everything again; this file is what they share.
#
# Set before sourcing:
#   name    the check's name: its last line is "$name: ok" or "$name: FAILED <why>"
#   dbs     its databases, separated by spaces (the first is $db, where q runs)
#   roles   its roles in the order they are created, each NAME:LOGIN or NAME:NOLOGIN
# Then it has su (PGUSER), db, work (a private temporary folder), bg_pid (a
# background client scratch_cleanup stops) and:
#   q ARGS...           psql as the superuser in $db: unaligned, tuples only,
#                       stopping at the first error
#   fail WHY            prints "$name: FAILED WHY" and exits
#   problem WHAT        notes a problem (printed at once; scratch_finish fails on any)
#   scratch_create      drops what an interrupted run left, creates the roles and
#                       databases, and maskview in $db
#   scratch_demo_data N [OWNER]  demo/generate_data.sql with N households in
#                       $db (schema billing and its tables owned by OWNER)
#   scratch_setup N OWNER  scratch_create, scratch_demo_data N OWNER, then the
#                       SQL on stdin with q (fails "policy setup" on an error)
#   scratch_cleanup     stops $bg_pid, drops the databases and roles, removes $work
#                       (the EXIT trap unless the check sets its own)
#   scratch_snapshot FILE  everything a policy change may touch, a line an object
#   scratch_verify SEVERITY...  prints mask.verify()'s errors and warnings; those
#                       of the severities named are problems
#   scratch_finish      fails with the problems noted, or prints "$name: ok"

scratch_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
su=${PGUSER:-postgres}
db=${dbs%% *}
work=$(mktemp -d "/tmp/maskview-$name.XXXXXX")
bg_pid=
problems=()

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$su" -d "$db" "$@"; }
fail() { echo "$name: FAILED $*"; exit 1; }
problem() { echo "  problem: $*"; problems+=("$*"); }

scratch_role_names() { local r; for r in $roles; do echo "${r%%:*}"; done; }

scratch_drop() {
    local d r
    for d in $dbs; do
        psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
    for r in $(scratch_role_names); do
        psql -X -q -U "$su" -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
}

scratch_cleanup() {
    [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null
    scratch_drop
    rm -rf "$work"
}
trap scratch_cleanup EXIT

scratch_create() {
    local r d
    scratch_drop
    {
        for r in $roles; do echo "CREATE ROLE ${r%%:*} ${r#*:};"; done
        for d in $dbs; do echo "CREATE DATABASE $d;"; done
    } | psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d postgres >/dev/null || fail "setup (roles, databases)"
    q -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview" >/dev/null || fail "CREATE EXTENSION maskview"
}

scratch_demo_data() {
    q -v households="$1" -f "$scratch_top/demo/generate_data.sql" >"$work/generate.out" 2>&1 \
        || { tail -5 "$work/generate.out"; fail "demo/generate_data.sql"; }
    [ -z "${2:-}" ] && return
    q -c "ALTER SCHEMA billing OWNER TO $2" -c "ALTER TABLE billing.households OWNER TO $2" \
      -c "ALTER TABLE billing.arrears OWNER TO $2" >/dev/null || fail "demo data owner $2"
}

scratch_setup() {
    scratch_create </dev/null
    scratch_demo_data "$1" "$2" </dev/null
    q >"$work/setup.out" 2>&1 || { tail -3 "$work/setup.out"; fail "policy setup"; }
}

# Catalog (keys and audit log included), every relation in a policy's view
# schema and the key views (definition, owner, privileges, options, comments,
# columns), the view schemas' privileges, the event triggers and the check's
# roles' settings (add_member sets them).
scratch_snapshot() {
    q -v roles="$(scratch_role_names | tr '\n' ' ')" >"$1" <<'SQL'
SELECT 'policy ' || p::text FROM mask.policy p ORDER BY p.id;
SELECT 'protected ' || p::text FROM mask.protected p ORDER BY p.policy_id, p.relation;
SELECT 'rule ' || r::text FROM mask.rule r ORDER BY r.policy_id, r.relation, r.column_name;
SELECT 'member ' || m::text FROM mask.member m ORDER BY m.policy_id, m.role;
SELECT 'key ' || k.policy_id || ' ' || md5(k.key) || ' ' || k.created_at FROM mask.policy_key k ORDER BY 1;
SELECT 'admin ' || a::text FROM mask.admin a ORDER BY 1;
SELECT 'auditor ' || a::text FROM mask.auditor a ORDER BY 1;
SELECT 'audit ' || l.id || ' ' || encode(l.hash, 'hex') FROM mask.audit_log l ORDER BY l.id;
SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' owner=' || c.relowner::regrole
       || ' acl=' || coalesce(c.relacl::text, '-') || ' options=' || coalesce(c.reloptions::text, '-')
       || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '-')
       || ' def=' || coalesce(pg_get_viewdef(c.oid), '-')
       || ' columns=' || coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod)
                                                     || ':' || coalesce(col_description(c.oid, a.attnum), '-'), ', ' ORDER BY a.attnum)
                                     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN (SELECT view_schema FROM mask.policy)
    OR (n.nspname = 'mask_internal' AND c.relname LIKE '\_key\_%')
 ORDER BY 1;
SELECT 'schema ' || n.nspname || ' ' || coalesce(n.nspacl::text, '-') FROM pg_namespace n
 WHERE n.nspname IN (SELECT view_schema FROM mask.policy) ORDER BY 1;
SELECT 'event trigger ' || evtname || ' ' || evtenabled::text FROM pg_event_trigger ORDER BY 1;
SELECT 'setting ' || s.setrole::regrole || ' ' || s.setconfig::text FROM pg_db_role_setting s
 WHERE s.setrole::regrole::text = ANY (string_to_array(btrim(:'roles'), ' ')) ORDER BY 1;
SQL
}

scratch_verify() {
    local out sev
    out=$(q -c "SELECT severity || '|' || object || '|' || finding FROM mask.verify()
                 WHERE severity IN ('error', 'warning') ORDER BY 1" 2>&1) \
        || { problem "mask.verify() raised: $(echo "$out" | head -1)"; return; }
    [ -n "$out" ] && echo "$out"
    for sev in "$@"; do
        echo "$out" | grep -q "^$sev|" && problem "mask.verify() reports: $(echo "$out" | grep "^$sev|" | head -2 | tr '\n' ';')"
    done
    return 0
}

scratch_finish() {
    [ ${#problems[@]} -eq 0 ] || fail "$(IFS=';'; echo "${problems[*]}")"
    echo "$name: ok"
}
