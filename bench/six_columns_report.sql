-- Report of bench/six_columns.sql for one clock (psql variable metric:
-- wall_ms or cpu_ms); included twice by six_columns.sql.  (NULLIF: on a small
-- data set the on-CPU clock, which moves in steps of ~4 ms, can read 0.)
\echo
\echo 'six masked columns, COPY ... TO /dev/null by' :metric_title
\echo 'median of' :runs 'runs over' :rows 'households; targets: maskview <= 2.0 x raw (serial)'
WITH med AS (
    SELECT setting, kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY :metric) AS ms,
           min(:metric) AS mn, max(:metric) AS mx
    FROM bench.six_run WHERE round > 0 AND col = '(all six)'
    GROUP BY setting, kind
)
SELECT m.setting, m.kind AS view,
       round(m.ms::numeric, 1) AS ms,
       round((m.ms / NULLIF(r.ms, 0))::numeric, 2) AS "x raw",
       round(((m.ms - r.ms) * 1e6 / current_setting('bench.rows')::numeric)::numeric) AS "ns/row above raw",
       CASE WHEN m.kind = 'maskview' AND m.setting = 'serial'
            THEN CASE WHEN m.ms <= 2.0 * r.ms THEN 'met' ELSE 'MISSED' END END AS "target <= 2.0",
       format('%s..%s', round(m.mn::numeric), round(m.mx::numeric)) AS "min..max"
FROM med AS m
JOIN med AS r ON r.setting = m.setting AND r.kind = 'raw'
ORDER BY m.setting DESC, CASE m.kind WHEN 'raw' THEN 1 WHEN 'floor' THEN 2 WHEN 'maskview' THEN 3
                                      WHEN 'SQL' THEN 4 ELSE 5 END;

\echo
\echo 'each column alone (serial), ns/row above the raw column; x floor = whole COPY of the'
\echo 'column through the maskview view / through the trivial C function on the same column'
\echo 'targets: pseudonym and cn_address <= 200 ns/row above raw; the four small masks <= ~1.5 x floor'
WITH med AS (
    SELECT col, kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY :metric) AS ms
    FROM bench.six_run WHERE round > 0 AND col <> '(all six)' AND setting = 'serial'
    GROUP BY col, kind
), ns AS (
    SELECT c.ord, c.col, c.fn,
           r.ms AS raw_ms,
           (f.ms - r.ms) * 1e6 / current_setting('bench.rows')::numeric AS floor_ns,
           (m.ms - r.ms) * 1e6 / current_setting('bench.rows')::numeric AS mask_ns,
           (s.ms - r.ms) * 1e6 / current_setting('bench.rows')::numeric AS sql_ns,
           m.ms / NULLIF(f.ms, 0) AS x_floor
    FROM bench.six_col AS c
    JOIN med AS r ON r.col = c.col AND r.kind = 'raw'
    JOIN med AS f ON f.col = c.col AND f.kind = 'floor'
    JOIN med AS m ON m.col = c.col AND m.kind = 'maskview'
    JOIN med AS s ON s.col = c.col AND s.kind = 'SQL'
)
SELECT col AS column, fn AS "maskview rule",
       round(raw_ms::numeric, 1) AS "ms raw",
       round(floor_ns::numeric) AS "ns floor",
       round(mask_ns::numeric) AS "ns maskview",
       round(sql_ns::numeric) AS "ns SQL",
       round(x_floor::numeric, 2) AS "x floor",
       CASE WHEN fn IN ('pseudonym') OR col = 'address'
            THEN CASE WHEN mask_ns <= 200 THEN 'met (<= 200 ns)' ELSE 'MISSED (<= 200 ns)' END
            ELSE CASE WHEN x_floor <= 1.5 THEN 'met (<= 1.5 x floor)' ELSE 'MISSED (<= 1.5 x floor)' END
       END AS target
FROM ns ORDER BY ord;
