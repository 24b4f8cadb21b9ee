#!/usr/bin/env bash
# Attack: the rule and row-filter validator, fuzzed through the policy API.
#
# A seeded generator (test/fuzz_sql/generate.pl) writes MV_FUZZ_COUNT
# (default 100,000) random and mutated masking rules and row filters, built
# from a grammar of SQL fragments and the payload corpus
# test/fuzz_sql/payloads.txt.  Inside the server (test/fuzz_sql/runner.sql)
# each one goes through mask.set_rule or mask.protect as mvfz_admin, a
# policy admin who is not a superuser, in its own subtransaction.  Every
# input must be either
#   refused   SQLSTATE 22023 with a detail, the detail not repeating a long
#             input, no secret in the error, or
#   accepted  the generated view depends only on the table, the policy's
#             key view, maskview's masking functions and built-in objects,
#             and a member can select it without seeing a secret (errors at
#             query time that depend on values and run with the member's
#             rights -- data errors such as CAST('x' AS integer), 42501,
#             42704 from current_setting('nope'), 42P01 from a regclass
#             lookup -- are counted apart, not as failures).
# Canaries must stay untouched: a row payloads try to change, functions that
# must never run, a sequence those advance (which survives rollbacks), a
# file payloads try to read.  The server must stay up (no crash in its log).
#
# Then the identifier corpus test/fuzz_sql/identifiers.txt goes through
# mask.create_policy (policy names and view schemas), mask.protect
# (view names) and, when it exists, mask.import_policy (every string of an
# exported document replaced by a payload): each is refused with 22023 or
# creates exactly the objects it names and nothing else.
#
# Expects a running cluster reachable through PGHOST/PGPORT with a superuser
# in PGUSER (test/cluster.sh sets these) and maskview installed; MV_CLUSTER_DIR
# (optional) locates the server log.  Creates its own database and roles and
# removes them again; prints counts and a last line "attack_validator_fuzz:
# ok" or "attack_validator_fuzz: FAILED <why>", and exits non-zero on failure.
#
# Time on this 2-core machine: see the "took" line; the accepted share is
# kept to a few percent because an accepted call regenerates the view (about
# 12 ms) while a refused one costs well under a millisecond.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=maskview_validator_fuzz
su=${PGUSER:-postgres}
seed=${MV_FUZZ_SEED:-20240517}
count=${MV_FUZZ_COUNT:-100000}
batch=10000
start=$(date +%s)
fails=()
fail() { echo "  FAIL: $*"; fails+=("$*"); }

psql_su() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -U "$su" "$@"; }

drop_objects() {
    psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
    for r in mvfz_member mvfz_admin mvfz_owner; do
        psql -X -q -U "$su" -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
}
drop_objects                      # leftovers of an interrupted run
work=$(mktemp -d /tmp/maskview-validator-fuzz.XXXXXX)
trap 'drop_objects; rm -rf "$work"' EXIT
log_start=0
if [ -n "${MV_CLUSTER_DIR:-}" ] && [ -f "$MV_CLUSTER_DIR/server.log" ]; then
    log_start=$(wc -c <"$MV_CLUSTER_DIR/server.log")
fi

finish() {
    echo "  took $(( $(date +%s) - start )) s"
    if [ ${#fails[@]} -eq 0 ]; then
        echo "attack_validator_fuzz: ok"
        exit 0
    fi
    echo "attack_validator_fuzz: FAILED ${fails[0]}$([ ${#fails[@]} -gt 1 ] && echo " (and $(( ${#fails[@]} - 1 )) more)")"
    exit 1
}

# ----------------------------------------------------------------- setup
psql_su -d postgres -c "CREATE DATABASE $db" >/dev/null || { fail "create database"; finish; }
psql_su -d "$db" -f test/fuzz_sql/setup.sql >"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log"; fail "setup"; finish; }
psql_su -d "$db" -f test/fuzz_sql/runner.sql >/dev/null || { fail "runner setup"; finish; }

perl test/fuzz_sql/generate.pl "$seed" "$count" test/fuzz_sql/payloads.txt >"$work/input.copy" \
    || { fail "generator"; finish; }
generated=$(wc -l <"$work/input.copy")
psql_su -d "$db" -c "\\copy fuzz.input FROM '$work/input.copy'" >/dev/null || { fail "load inputs"; finish; }
echo "  generated $generated inputs (seed $seed) in $(( $(date +%s) - start )) s"

# ------------------------------------------------------------- the fuzz
# One CALL per batch, so that a crash names the batch it happened in.
first=1
while [ "$first" -le "$generated" ]; do
    last=$((first + batch - 1))
    if ! psql_su -d "$db" -c "CALL fuzz.run($first, $last)" >"$work/run.log" 2>&1; then
        grep -v '^WARNING:' "$work/run.log" | head -5
        fail "the run of inputs $first-$last ended with an error (server crash?)"
        break
    fi
    first=$((last + 1))
done

if ! psql -X -q -U "$su" -d postgres -Atc "SELECT 1" >/dev/null 2>&1; then
    fail "the server does not answer any more"
    finish
fi

# ------------------------------------------------------------ the counts
psql -X -U "$su" -d "$db" -P pager=off -c "
    SELECT i.kind, i.target, pg_catalog.count(*) AS sent,
           pg_catalog.count(*) FILTER (WHERE r.outcome = 'refused') AS refused,
           pg_catalog.count(*) FILTER (WHERE r.outcome = 'accepted') AS accepted,
           pg_catalog.count(*) FILTER (WHERE r.outcome = 'accepted_runtime_error') AS accepted_view_errs,
           pg_catalog.count(*) FILTER (WHERE r.outcome = 'FAIL') AS failed,
           pg_catalog.count(*) FILTER (WHERE r.id IS NULL) AS not_run
      FROM fuzz.input i LEFT JOIN fuzz.result r USING (id)
     GROUP BY ROLLUP (i.kind, i.target) ORDER BY i.kind NULLS LAST, i.target NULLS LAST" | sed 's/^/  /'

q() { psql -X -A -t -U "$su" -d "$db" -c "$1"; }
n_run=$(q "SELECT count(*) FROM fuzz.result")
[ "$n_run" -eq "$generated" ] || fail "$((generated - n_run)) of $generated inputs were not run"
[ "$n_run" -ge 100000 ] || [ "$count" -lt 100000 ] || fail "only $n_run inputs run"

# Known answers: the run proves nothing if these are wrong.
bad_controls=$(q "SELECT string_agg(i.kind || ' ' || i.id || ' ' || coalesce(r.outcome, 'not run'), ', ')
                    FROM fuzz.input i LEFT JOIN fuzz.result r USING (id)
                   WHERE (i.kind = 'control_ok' AND r.outcome IS DISTINCT FROM 'accepted')
                      OR (i.kind = 'control_bad' AND r.outcome IS DISTINCT FROM 'refused')")
[ -z "$bad_controls" ] || fail "known answers wrong: $bad_controls"
n_accepted=$(q "SELECT count(*) FROM fuzz.result WHERE outcome LIKE 'accepted%'")
[ "$n_accepted" -ge 100 ] || [ "$count" -lt 10000 ] || fail "only $n_accepted inputs accepted: the accepted path was hardly exercised"

# Every failure class, with a count and its first reproducer.
n_failed=$(q "SELECT count(*) FROM fuzz.result WHERE outcome = 'FAIL'")
if [ "$n_failed" -gt 0 ]; then
    echo "  failures by class (first reproducer of each: target, column, input):"
    psql -X -A -t -U "$su" -d "$db" -F ' | ' -c "
        SELECT count(*) || 'x', regexp_replace(r.problem, '(took|changed:|repeats|contains|depends on) .*', '\1 ...'), min(r.id),
               (array_agg(i.target || ' ' || coalesce(quote_ident(i.col), '-') || ' ' || left(i.expr, 160)
                          ORDER BY r.id))[1],
               (array_agg(coalesce(r.message, '') ORDER BY r.id))[1]
          FROM fuzz.result r JOIN fuzz.input i USING (id)
         WHERE r.outcome = 'FAIL'
         GROUP BY 2 ORDER BY count(*) DESC" | sed 's/^/    /'
    fail "$n_failed inputs broke the contract (see the classes above)"
fi
echo "  accepted with a view that raises at query time (data or member-privilege errors), by SQLSTATE:"
psql -X -A -t -U "$su" -d "$db" -F ' ' -c "
    SELECT '   ', sqlstate, count(*), min(message) FROM fuzz.result
     WHERE outcome = 'accepted_runtime_error' GROUP BY 2 ORDER BY 3 DESC LIMIT 8"

# Canaries, after everything.
canary=$(q "SELECT (SELECT last_value || ':' || is_called FROM public.canary_hits) || '/'
                || (SELECT count(*) || ':' || max(secret) FROM public.canary) || '/'
                || (SELECT count(*) FROM public.canary_log)")
[ "$canary" = "1:false/1:MVFZ-CANARY-ROW-7f3a/0" ] || fail "canaries disturbed: $canary"
for f in /tmp/mvfz_pwned; do
    [ -e "$f" ] && fail "$f exists: a payload ran a program or wrote a file"
done

# ------------------------------------------ identifiers: policies, views
q_ident=$(psql_su -d "$db" -A -t <test/fuzz_sql/identifiers.txt \
          -f test/fuzz_sql/identifiers.sql 2>&1)
rc=$?
echo "$q_ident" | grep -v '^$' | sed 's/^/  /'
[ $rc -eq 0 ] || fail "identifier corpus script failed"
echo "$q_ident" | grep -q '^identifiers: ok' || fail "identifier corpus: $(echo "$q_ident" | grep -m1 'FAIL')"

# Canaries again, after the identifier and import runs.
canary=$(q "SELECT (SELECT last_value || ':' || is_called FROM public.canary_hits) || '/'
                || (SELECT count(*) || ':' || max(secret) FROM public.canary) || '/'
                || (SELECT count(*) FROM public.canary_log)")
[ "$canary" = "1:false/1:MVFZ-CANARY-ROW-7f3a/0" ] || fail "canaries disturbed after identifiers: $canary"

# ------------------------------------------------------------ the server
if [ -n "${MV_CLUSTER_DIR:-}" ] && [ -f "$MV_CLUSTER_DIR/server.log" ]; then
    if tail -c +"$((log_start + 1))" "$MV_CLUSTER_DIR/server.log" \
        | grep -E 'terminated by signal|server process .* was terminated|PANIC' >"$work/crash" ; then
        head -3 "$work/crash"
        fail "the server log reports a crashed backend"
    fi
fi
pg_isready -q || fail "pg_isready: the server is not ready"

finish
