# What test/upgrade/upgrade_test.sh and test/dump_restore/dump_restore_test.sh
# share (sourced, not run): both build databases from demo/generate_data.sql
# and test/upgrade/policies.sql, then compare what the members read and check
# the audit chain and verify() in each copy.
#
# The caller sets su (the superuser), work (its temporary folder) and members
# (the roles of policies.sql that read masked views); it gets:
#   fail WHY        counts a failure ($fails; the first one's WHY in $why)
#   note TEXT       prints TEXT indented
#   q DB ARGS...    psql as the superuser: quiet, unaligned, stop on error
#   masked DB TAG   each member's masked output into $work/TAG.MEMBER; each
#                   must read exactly its two views, with rows
#   clean DB TAG    the audit chain verifies and verify() reports no error or
#                   warning
#   setup DB PFX [VERSION]  in DB: CREATE EXTENSION maskview (at VERSION), the
#                   demo data ($households households) and policies.sql for the
#                   roles PFX_*; on an error, the caller's abort WHY

fails=0
why=
fail() { echo "  FAIL: $*"; fails=$((fails + 1)); [ -n "$why" ] || why=$1; }
note() { echo "  $*"; }

q() {   # q DB [psql args...]: quiet, unaligned, stop on error, as the superuser
    local db=$1; shift
    psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$su" -d "$db" "$@"
}

masked() {
    local db=$1 tag=$2 m
    for m in $members; do
        psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$m" -d "$db" -f test/upgrade/masked_output.sql \
            >"$work/$tag.$m" 2>&1 || fail "$tag: masked output as $m: $(head -3 "$work/$tag.$m")"
        [ "$(grep -c ' [1-9][0-9]* [0-9a-f]\{32\}$' "$work/$tag.$m")" -eq 2 ] \
            || fail "$tag: $m should read two non-empty masked views, got: $(tr '\n' ';' <"$work/$tag.$m")"
    done
}

clean() {
    local db=$1 tag=$2 out
    out=$(q "$db" -c "SELECT id || ': ' || problem FROM mask.verify_audit_log()" 2>&1)
    [ -z "$out" ] || fail "$tag: mask.verify_audit_log() reports: $out"
    if [ "$(q "$db" -c "SELECT pg_catalog.to_regprocedure('mask.verify(name)') IS NOT NULL")" != t ]; then
        note "SKIP ($tag): mask.verify(name) does not exist in this database (release before 0.2.0 or a broken build), so the clean-verify check is skipped"
    else
        out=$(q "$db" -F ' | ' -c "SELECT severity, policy, object, finding FROM mask.verify()
                                   WHERE severity IN ('error', 'warning')" 2>&1)
        [ -z "$out" ] || fail "$tag: mask.verify() is not clean: $out"
    fi
}

setup() {
    local db=$1 pfx=$2 version=
    [ -n "${3:-}" ] && version=" VERSION '$3'"
    q "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview$version" >/dev/null \
        || abort "(setup $db: CREATE EXTENSION maskview$version)"
    q "$db" -v households="$households" -f demo/generate_data.sql >/dev/null 2>"$work/setup.err" \
        || { cat "$work/setup.err"; abort "(setup $db: demo/generate_data.sql)"; }
    q "$db" -v pfx="$pfx" -f test/upgrade/policies.sql >/dev/null 2>"$work/setup.err" \
        || { cat "$work/setup.err"; abort "(setup $db: test/upgrade/policies.sql)"; }
}
