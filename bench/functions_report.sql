-- Report of bench/functions.sql for one clock (psql variable metric:
-- wall_ms or cpu_ms); included twice by functions.sql.
\echo
\echo 'Function benchmark by' :metric_title
\echo 'median of' :runs 'runs, ms per full scan; ns/row above the baseline'
\echo 'ratio = (fn - baseline) / (SQL - baseline); target <= 1.00 (pseudonym: <= 1.00 x md5)'
WITH med AS (
    SELECT ord, kind,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY :metric) AS ms
    FROM bench.fn_run
    WHERE round > 0
    GROUP BY ord, kind
), t AS (
    SELECT p.ord, p.name, p.source, p.nrows,
           max(m.ms) FILTER (WHERE m.kind = 'fn')       AS fn,
           max(m.ms) FILTER (WHERE m.kind = 'sql')      AS sql,
           max(m.ms) FILTER (WHERE m.kind = 'baseline') AS base
    FROM bench.pair AS p JOIN med AS m USING (ord)
    GROUP BY p.ord, p.name, p.source, p.nrows
)
SELECT name AS "function",
       round(fn::numeric, 1)   AS "ms fn",
       round(sql::numeric, 1)  AS "ms SQL",
       round(base::numeric, 1) AS "ms baseline",
       round(((fn - base) * 1e6 / nrows)::numeric, 1)  AS "ns/row fn",
       round(((sql - base) * 1e6 / nrows)::numeric, 1) AS "ns/row SQL",
       round(((fn - base) / nullif(sql - base, 0))::numeric, 2) AS ratio,
       CASE WHEN round(((fn - base) / nullif(sql - base, 0))::numeric, 2) <= 1.00 THEN 'met' ELSE 'MISSED' END AS "target <= 1.0",
       nrows AS "rows",
       source
FROM t
ORDER BY ord;

\echo 'spread of the timed runs (min .. max ms), to judge the medians:'
SELECT p.name AS "function",
       string_agg(format('%s %s..%s', x.kind, round(x.mn::numeric), round(x.mx::numeric)), '   '
                  ORDER BY x.kind) AS "min..max ms"
FROM (SELECT ord, kind, min(:metric) AS mn, max(:metric) AS mx
      FROM bench.fn_run WHERE round > 0 GROUP BY ord, kind) AS x
JOIN bench.pair AS p USING (ord)
GROUP BY p.ord, p.name
ORDER BY p.ord;
