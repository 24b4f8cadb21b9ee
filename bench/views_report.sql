-- Report of bench/views.sql for one clock (psql variable metric: wall_ms or
-- cpu_ms); included twice by views.sql.
\echo
\echo 'COPY ... TO /dev/null by' :metric_title
\echo 'median of' :runs 'runs; target masked <= 1.5 x raw'
\echo '(same rows = the raw table with the view''s row filter and columns, unmasked)'
WITH med AS (
    SELECT setting, kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY :metric) AS ms,
           min(:metric) AS mn, max(:metric) AS mx
    FROM bench.view_run WHERE round > 0
    GROUP BY setting, kind
)
SELECT r.setting,
       round(r.ms::numeric, 1) AS "ms raw",
       round(m.ms::numeric, 1) AS "ms masked",
       round((m.ms / NULLIF(r.ms, 0))::numeric, 2) AS "masked / raw",
       CASE WHEN m.ms <= 1.5 * r.ms THEN 'met' ELSE 'MISSED' END AS "target <= 1.5",
       round(sr.ms::numeric, 1) AS "ms same rows",
       round((m.ms / NULLIF(sr.ms, 0))::numeric, 2) AS "masked / same rows",
       format('%s..%s / %s..%s / %s..%s', round(r.mn::numeric), round(r.mx::numeric),
              round(m.mn::numeric), round(m.mx::numeric),
              round(sr.mn::numeric), round(sr.mx::numeric)) AS "min..max raw / masked / same"
FROM med AS r
JOIN med AS m ON m.setting = r.setting AND m.kind = 'masked'
JOIN med AS sr ON sr.setting = r.setting AND sr.kind = 'same rows'
WHERE r.kind = 'raw'
ORDER BY r.setting DESC;

