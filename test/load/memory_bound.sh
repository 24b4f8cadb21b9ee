#!/usr/bin/env bash
# Memory stays bounded: no masking function leaks per call (issue 5).
#
# In one fresh connection, each masking function runs 100,000 times in one
# query, then 1,000,000 times in one query, over varied inputs (ASCII, Han,
# emoji and combining marks so the ICU path runs, full-width digits so NFKC
# runs).  After each query the backend's memory is read two ways:
#   - pg_backend_memory_contexts: the sum of total_bytes of every memory
#     context (palloc memory kept past the query, e.g. in TopMemoryContext or
#     CacheMemoryContext);
#   - RssAnon from /proc/<backend pid>/status: the backend's private
#     anonymous memory, which is where malloc'd memory lives (ICU allocates
#     with malloc, outside palloc).  RssAnon leaves out the shared buffers the
#     backend touches, which VmRSS would count.
# The growth between the two measurements must stay under the bound below.
#
# Needs PGHOST/PGPORT/PGUSER (and optionally PGDATABASE) of a cluster with
# maskview installed (CREATE EXTENSION is run in a scratch database), on this
# machine (the script reads /proc/<pid>/status of the backend; if it cannot,
# only the memory contexts are checked).  Prints exactly one line,
# "memory: ok" or "memory: FAILED ...", and exits non-zero on failure.
#
# The bound.  Between the two measurements run 1,000,000 more calls; every
# input kind (one of six, see `gen`) is used by one call in six, i.e.
# 166,666 calls.  The smallest per-call leak possible is one palloc chunk
# (8 bytes of data + 8 bytes of header = 16 bytes) or one malloc chunk (32
# bytes): on a path taken by one call in six that is at least 2.5 MB
# (palloc) or 5 MB (malloc), and 16-32 MB when every call leaks.  What
# legitimately moves between two such queries (allocator free lists, glibc
# not returning freed pages, the catalog caches) is well under 1 MB here.
# So the bound is 2 MB: above the noise, below any per-call leak.
set -uo pipefail

bound_kb=${MV_MEMORY_BOUND_KB:-2048}
small=${MV_MEMORY_SMALL:-100000}
large=${MV_MEMORY_LARGE:-1000000}
db=maskview_memory_bound
work=$(mktemp -d /tmp/maskview-memory.XXXXXX)
cleanup() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "memory: FAILED $*"; exit 1; }

export PGDATABASE=${PGDATABASE:-postgres}
psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" \
    >"$work/setup.log" 2>&1 || fail "cannot create database $db: $(tail -1 "$work/setup.log")"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION maskview" \
    >>"$work/setup.log" 2>&1 || fail "cannot create extension: $(tail -1 "$work/setup.log")"

# The input of call i: six kinds, all different from call to call (so that a
# cache keyed on the value would grow too).
gen="CASE i % 6
        WHEN 0 THEN '138' || lpad(i::text, 8, '0')
        WHEN 1 THEN 'zhang' || i || ' san-feng'
        WHEN 2 THEN '安徽省芜湖市镜湖区' || chr(19968 + i % 20000) || '花园小区' || i % 100 || '栋'
        WHEN 3 THEN chr(128512 + i % 80) || 'e' || chr(769) || chr(19968 + i % 20000)
                    || chr(127462 + i % 26) || chr(127462 + (i / 26) % 26) || '👨‍👩‍👧'
        WHEN 4 THEN translate('13' || lpad(i::text, 9, '0'), '0123456789', '０１２３４５６７８９')
        ELSE '欧阳' || chr(19968 + i % 20000) || chr(19968 + (i * 7) % 20000) END"
key="'\\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea"

# label | expression over v (the input) and i (the call number)
cases=${MV_MEMORY_CASES:-"partial|mask.partial(v, 1, 1)
partial_pad|mask.partial(v, 1, 0, '●', 3)
redact|mask.redact(v)
digits|mask.digits(v, 3, 2)
email|mask.email(v || '@例子.cn')
cn_name|mask.cn_name(v)
cn_name_last|mask.cn_name(v, '＊', 'last', 2)
cn_phone|mask.cn_phone(v)
cn_id_card|mask.cn_id_card(v || '1234567')
cn_address|mask.cn_address(v, 'community')
bank_card|mask.bank_card(v || '12345678')
cn_id_card_valid|mask.cn_id_card_valid(v)
cn_mobile_valid|mask.cn_mobile_valid(v)
luhn_valid|mask.luhn_valid(v)
pseudonym|mask.pseudonym(v, $key)
generalize_numeric|mask.generalize(i * 1.5, 7.0)
generalize_bigint|mask.generalize(i::bigint, 1000::bigint)
generalize_date|mask.generalize(date '2000-01-01' + i % 100000, 'week')"}

# One psql session: after each query, the memory contexts come back as a
# row and \! appends the backend's RssAnon to a file (psql interpolates
# variables into \setenv, the shell expands them in \!).
{
    echo '\set ON_ERROR_STOP 1'
    echo 'SET max_parallel_workers_per_gather = 0;'   # every call in this backend
    echo 'SET jit = off;'                             # JIT code is not a leak
    echo 'SELECT pg_backend_pid() AS pid \gset'
    echo '\setenv MV_PID :pid'
    echo "\\setenv MV_RSS_FILE $work/rss"
    echo "SELECT 'pid', :pid;"
    while IFS='|' read -r label expr; do
        [ -z "$label" ] && continue
        for n in $small $large; do
            # generate_series in the target list streams (no tuplestore).
            echo "SELECT count($expr) FROM (SELECT $gen AS v, i FROM (SELECT generate_series(1, $n) AS i) g) t \\g /dev/null"
            echo "SELECT 'mem', '$label', $n, sum(total_bytes) FROM pg_backend_memory_contexts;"
            echo "\\! echo \"$label $n \$(awk '/^RssAnon:/ {print \$2}' /proc/\$MV_PID/status 2>/dev/null || echo -1)\" >> \"\$MV_RSS_FILE\""
        done
    done <<<"$cases"
} >"$work/run.sql"

psql -X -q -A -t -F ' ' -d "$db" -f "$work/run.sql" >"$work/ctx" 2>"$work/err" \
    || fail "a query raised: $(grep -m1 ERROR "$work/err" || tail -1 "$work/err")"

# Per function: growth of the context total (KB) and of RssAnon (KB) between
# the small and the large run.
report=$(awk -v small="$small" -v large="$large" -v bound="$bound_kb" '
    FNR == NR { if ($1 == "mem") { ctx[$2, $3] = $4 } next }
    { rss[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END {
        bad = ""; worst = ""; wmax = -1e18; checked_rss = 0
        for (k = 1; k <= n; k++) {
            f = order[k]
            if (!(((f, small) in ctx) && ((f, large) in ctx))) { bad = bad " " f ":no-measure"; continue }
            dc = (ctx[f, large] - ctx[f, small]) / 1024
            dr = (rss[f, small] >= 0 && rss[f, large] >= 0) ? rss[f, large] - rss[f, small] : 0
            if (rss[f, small] >= 0 && rss[f, large] >= 0) checked_rss++
            if (dc > bound || dr > bound)
                bad = bad sprintf(" %s (contexts %+d KB, RssAnon %+d KB)", f, dc, dr)
            m = dc > dr ? dc : dr
            if (m > wmax) { wmax = m; worst = sprintf("%s %+d KB", f, m) }
        }
        printf "%d|%d|%s|%s\n", n, checked_rss, worst, bad
    }' "$work/ctx" "$work/rss")

nfun=${report%%|*}; rest=${report#*|}
nrss=${rest%%|*}; rest=${rest#*|}
worst=${rest%%|*}; bad=${rest#*|}
expected=$(grep -c '|' <<<"$cases")

[ "$nfun" -eq "$expected" ] || fail "measured $nfun of $expected functions"
[ -z "$bad" ] || fail "growth over ${bound_kb} KB from $small to $large calls:$bad"
if [ "$nrss" -eq "$nfun" ]; then how="contexts and RssAnon"; else how="contexts only, RssAnon unreadable"; fi
# MV_MEMORY_VERBOSE=1: the measurements on stderr (the harness wants one line).
[ -n "${MV_MEMORY_VERBOSE:-}" ] && { cat "$work/ctx" "$work/rss";
    echo "$nfun functions x $large calls; largest growth $worst; bound ${bound_kb} KB; $how"; } >&2
echo "memory: ok"
