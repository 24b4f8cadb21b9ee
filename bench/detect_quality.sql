-- Precision and recall of mask.detect() on the synthetic data set.
--
--   psql -v households=20000 -f demo/generate_data.sql
--   psql -f bench/detect_quality.sql          (maskview installed)
--
-- Besides billing.households and billing.arrears (demo/generate_data.sql),
-- it builds schema detect_bench with personal data under meaningless names
-- (disguised) and non-personal data under personal-sounding or neutral
-- names (decoys), all derived from the generated households, then compares
-- what detect() reports with a ground-truth table written here by hand.
--
-- A column counts as detected when detect() reports it with confidence
-- >= 0.5 (the threshold this file prints the figures for; the README quotes
-- them); lower-confidence rows are the "name says so, contents do not" hints
-- and are listed separately.  A detection of the wrong pii_type counts as a
-- false positive and its column as a false negative.
-- Deterministic: the data are, and detect() samples with REPEATABLE.

\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;

DROP SCHEMA IF EXISTS detect_bench CASCADE;
CREATE SCHEMA detect_bench;

-- One row per household, columns drawn from the household's own data or
-- made from its number.
CREATE TABLE detect_bench.mixed AS
SELECT h.household_id AS id,
       -- disguised personal data
       h.id_card      AS c7,
       h.mobile       AS c8,
       h.address      AS memo1,
       h.holder_name  AS f_a,
       h.bank_card    AS k9,
       h.email        AS contact_info,
       h.holder_name  AS "户主",
       h.mobile       AS "联系方式",
       -- personal data detect() is not built to see: a phone inside a
       -- sentence, and names in Latin script
       '请联系 ' || COALESCE(h.mobile, '13905531234') || ' 预约上门' AS visit_note,
       (ARRAY['Anna','David','Maria','Peter','Olga','Ivan'])[1 + h.household_id % 6] || ' '
         || (ARRAY['Smith','Novak','Berger','Jensen','Silva'])[1 + h.household_id % 5] AS latin_holder,
       -- decoys (ticket_no: 11 digits starting 13-19, shaped like a mobile
       -- number, which detect() cannot tell apart)
       '1' || (3 + h.household_id % 7)::text || pg_catalog.lpad((h.household_id * 7919 % 1000000000)::text, 9, '0') AS ticket_no,
       '2024' || pg_catalog.lpad((h.household_id * 7919 % 1000000000000)::text, 12, '0') AS order_no,
       '3402' || pg_catalog.lpad((h.household_id * 104729 % 100000000)::text, 8, '0') AS meter_no,
       ((h.household_id * 37 % 100000) / 10.0)::text AS meter_reading,
       pg_catalog.to_char(timestamp '2024-01-01' + h.household_id * interval '7 minutes',
                          'YYYY-MM-DD HH24:MI:SS') AS read_at,
       ((h.household_id * 13 % 50000) / 100.0)::numeric(10,2)::text AS amount,
       (ARRAY['请下午联系', '无', '见备注', 'call after 6pm', '暂无', '已停机'])[1 + h.household_id % 6] AS phone,
       (ARRAY['银联', 'VISA', 'Master', '储蓄卡'])[1 + h.household_id % 4] AS card_type,
       (ARRAY['电费', '水费', '燃气费', '高峰电价', '低谷电价', '阶梯水价'])[1 + h.household_id % 6] AS product_name,
       (ARRAY['paid', 'overdue', 'notified', 'disputed'])[1 + h.household_id % 4] AS status,
       pg_catalog.md5(h.household_id::text) AS serial,
       (ARRAY['241000', '241002', '241003', '238300'])[1 + h.household_id % 4] AS postcode,
       (ARRAY['表计正常', '抄表员未入户', '用户申请缓缴', '水表更换', '电表读数异常'])[1 + h.household_id % 5] AS remark
  FROM billing.households h;
ANALYZE detect_bench.mixed;

-- Ground truth: every text column that holds personal data of one of the
-- six kinds.  billing.households.account_no (a utility account number) and
-- billing.arrears' text columns are not among them.
CREATE TEMPORARY TABLE truth (relation regclass, "column" name, pii_type text);
INSERT INTO truth VALUES
    ('billing.households', 'holder_name', 'name'),
    ('billing.households', 'mobile', 'phone'),
    ('billing.households', 'landline', 'phone'),
    ('billing.households', 'id_card', 'id_card'),
    ('billing.households', 'address', 'address'),
    ('billing.households', 'bank_card', 'bank_card'),
    ('billing.households', 'email', 'email'),
    ('detect_bench.mixed', 'c7', 'id_card'),
    ('detect_bench.mixed', 'c8', 'phone'),
    ('detect_bench.mixed', 'memo1', 'address'),
    ('detect_bench.mixed', 'f_a', 'name'),
    ('detect_bench.mixed', 'k9', 'bank_card'),
    ('detect_bench.mixed', 'contact_info', 'email'),
    ('detect_bench.mixed', '户主', 'name'),
    ('detect_bench.mixed', '联系方式', 'phone'),
    ('detect_bench.mixed', 'visit_note', 'phone'),
    ('detect_bench.mixed', 'latin_holder', 'name');

-- The candidates: every text-like column of the tables looked at.
CREATE TEMPORARY TABLE candidates AS
SELECT a.attrelid::regclass AS relation, a.attname AS "column"
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid IN ('billing.households'::regclass, 'billing.arrears'::regclass,
                      'detect_bench.mixed'::regclass)
   AND a.attnum > 0 AND NOT a.attisdropped
   AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype);

CREATE TEMPORARY TABLE found AS
SELECT * FROM mask.detect('billing')
UNION ALL
SELECT * FROM mask.detect('detect_bench');

\echo
\echo '== mask.detect() on billing (households, arrears) and detect_bench.mixed'
SELECT c.relation, c."column", t.pii_type AS truth, f.pii_type AS reported, f.confidence,
       CASE WHEN f.confidence >= 0.5 AND f.pii_type = t.pii_type THEN 'TP'
            WHEN f.confidence >= 0.5 THEN 'FP' || CASE WHEN t.pii_type IS NOT NULL THEN ' + FN' ELSE '' END
            WHEN t.pii_type IS NOT NULL THEN 'FN'
            WHEN f.pii_type IS NOT NULL THEN 'TN (low-confidence hint)'
            ELSE 'TN' END AS verdict
  FROM candidates c
  LEFT JOIN truth t USING (relation, "column")
  LEFT JOIN found f USING (relation, "column")
 ORDER BY c.relation::text COLLATE "C", c."column" COLLATE "C";

\echo '== precision and recall at confidence >= 0.5'
SELECT pg_catalog.count(*) FILTER (WHERE tp) AS true_positives,
       pg_catalog.count(*) FILTER (WHERE reported AND NOT tp) AS false_positives,
       pg_catalog.count(*) FILTER (WHERE is_pii AND NOT tp) AS false_negatives,
       pg_catalog.count(*) FILTER (WHERE NOT is_pii) AS non_pii_columns,
       pg_catalog.round(pg_catalog.count(*) FILTER (WHERE tp)::numeric
                        / NULLIF(pg_catalog.count(*) FILTER (WHERE reported), 0), 3) AS "precision",
       pg_catalog.round(pg_catalog.count(*) FILTER (WHERE tp)::numeric
                        / NULLIF(pg_catalog.count(*) FILTER (WHERE is_pii), 0), 3) AS recall
  FROM (SELECT t.pii_type IS NOT NULL AS is_pii,
               COALESCE(f.confidence >= 0.5, false) AS reported,
               COALESCE(f.confidence >= 0.5 AND f.pii_type = t.pii_type, false) AS tp
          FROM candidates c
          LEFT JOIN truth t USING (relation, "column")
          LEFT JOIN found f USING (relation, "column")) x;

\echo '== time of mask.detect() with the default sample (1000 rows)'
\timing on
SELECT pg_catalog.count(*) AS billing_columns_reported FROM mask.detect('billing');
SELECT pg_catalog.count(*) AS detect_bench_columns_reported FROM mask.detect('detect_bench');
\timing off
