-- mask.advise() and mask.apply_advice(): the k-anonymity advisor.
--
-- 1. A lattice small enough to compute by hand (10 people, zip/age/sex,
--    3 x 3 x 2 = 18 nodes), checked against an independent brute force
--    written in plain SQL here, for k = 2 and 3 and with suppression.
-- 2. The Flash-style search against the exhaustive evaluation of every node
--    on a larger synthetic table with the built-in hierarchies (address,
--    name, amount): same minimal nodes and figures, fewer nodes evaluated.
-- 3. apply_advice(): the rules written, the view k-anonymous afterwards,
--    refusal when rows stay in small groups, suppression by row filter.
-- Everything runs in one transaction that is rolled back (roles included).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;

\i test/sql/fixtures/err.sql

BEGIN;
CREATE ROLE regress_t44_owner NOLOGIN;
CREATE SCHEMA t44 AUTHORIZATION regress_t44_owner;

-- ---------------------------------------------------------------------------
-- 1. The hand-computed lattice.
--
--   id zip   age sex      zip levels: 0 PASS, 1 first 3 digits (241**), 2 NULL
--    1 24101 23  F        age levels: 0 PASS, 1 decade, 2 NULL
--    2 24102 27  F        sex levels: 0 PASS, 1 NULL
--    3 24103 25  M
--    4 24104 29  M        row 11 (24301, 50, F) is outside the policy's row
--    5 24201 35  F        filter (active): were it counted, no node below
--    6 24202 38  F        zip level 2 would be 2-anonymous.
--    7 24203 31  M
--    8 24204 33  M
--    9 24205 44  F
--   10 24206 47  M
--
-- k = 2: zip level 0 and age level 0 keep every row unique.  At zip 1:
--   (1,1,0) 241/20/F 2, 241/20/M 2, 242/30/F 2, 242/30/M 2, 242/40/F 1, 242/40/M 1: 2 rows small
--   (1,1,1) 241/20 4, 242/30 4, 242/40 2                        anonymous, DM 16+16+4 = 36
--   (1,2,0) 241/F 2, 241/M 2, 242/F 3, 242/M 3                  anonymous, DM 4+4+9+9 = 26
--   zip 2 adds nothing minimal: (2,1,0) has the same two single rows.
-- So the minimal 2-anonymous nodes are (1,2,0) (DM 26, first) and (1,1,1) (DM 36).
-- k = 3: (1,2,1) 4+6 -> DM 52 and (2,2,0) F 5, M 5 -> DM 50 (first).
-- k = 2 with up to 20% suppressed (2 rows): (1,1,0) alone, DM 16 + 2 x 10 = 36.
CREATE TABLE t44.person (id integer PRIMARY KEY, zip text, age integer, sex text, active boolean);
INSERT INTO t44.person VALUES
    (1, '24101', 23, 'F', true), (2, '24102', 27, 'F', true), (3, '24103', 25, 'M', true),
    (4, '24104', 29, 'M', true), (5, '24201', 35, 'F', true), (6, '24202', 38, 'F', true),
    (7, '24203', 31, 'M', true), (8, '24204', 33, 'M', true), (9, '24205', 44, 'F', true),
    (10, '24206', 47, 'M', true), (11, '24301', 50, 'F', false);
ALTER TABLE t44.person OWNER TO regress_t44_owner;

SELECT mask.create_policy('p44', 'v44');
SELECT mask.protect('p44', 't44.person', 'active');

CREATE TEMP TABLE h44 AS SELECT '{
    "zip": ["PASS", "mask.partial(zip, 3, 0, ''*'', 2)", "NULL"],
    "age": ["PASS", "mask.generalize(age, 10::numeric)", "NULL"],
    "sex": ["PASS", "NULL"]}'::jsonb AS h;

-- The independent brute force: every node, generalised by plain SQL.
CREATE TEMP VIEW brute44 AS
WITH lv AS (SELECT z, a, s FROM generate_series(0, 2) z, generate_series(0, 2) a, generate_series(0, 1) s),
     g AS (SELECT lv.z, lv.a, lv.s, count(*) AS n
             FROM lv CROSS JOIN t44.person p
            WHERE p.active
            GROUP BY lv.z, lv.a, lv.s,
                     CASE lv.z WHEN 0 THEN p.zip WHEN 1 THEN left(p.zip, 3) END,
                     CASE lv.a WHEN 0 THEN p.age WHEN 1 THEN p.age / 10 END,
                     CASE lv.s WHEN 0 THEN p.sex END)
SELECT ARRAY[z, a, s] AS levels, min(n) AS min_all,
       COALESCE(sum(n) FILTER (WHERE n < 2), 0) AS small_k2,
       COALESCE(sum(n) FILTER (WHERE n < 3), 0) AS small_k3,
       sum(n) FILTER (WHERE n >= 2) AS kept_k2,
       sum(n * n) FILTER (WHERE n >= 2) AS dm_kept_k2
  FROM g GROUP BY z, a, s;

-- The whole lattice for k = 2 (anonymous: no row in a group below 2).
SELECT levels, min_all, small_k2, small_k2 = 0 AS anonymous_k2, small_k3 = 0 AS anonymous_k3
  FROM brute44 ORDER BY levels;

-- Minimal anonymous nodes of the brute force: anonymous, and no node one
-- level lower in one column is.
CREATE FUNCTION pg_temp.brute_minimal(k integer, allowed integer) RETURNS SETOF integer[]
LANGUAGE sql AS $$
    SELECT b.levels FROM brute44 b
     WHERE CASE k WHEN 2 THEN b.small_k2 ELSE b.small_k3 END <= allowed
       AND NOT EXISTS (SELECT FROM brute44 c
                        WHERE CASE k WHEN 2 THEN c.small_k2 ELSE c.small_k3 END <= allowed
                          AND c.levels <> b.levels
                          AND c.levels[1] <= b.levels[1] AND c.levels[2] <= b.levels[2]
                          AND c.levels[3] <= b.levels[3]
                          AND (b.levels[1] - c.levels[1]) + (b.levels[2] - c.levels[2])
                              + (b.levels[3] - c.levels[3]) = 1)
     ORDER BY 1
$$;

SELECT 'k=2' AS brute_force, pg_temp.brute_minimal(2, 0)
UNION ALL SELECT 'k=3', pg_temp.brute_minimal(3, 0)
UNION ALL SELECT 'k=2, 2 rows suppressed', pg_temp.brute_minimal(2, 2);

-- The advisor, Flash-style search and exhaustive, on the same questions.
SELECT rank, levels, rules, min_group_size, groups, rows_suppressed,
       round(share_suppressed::numeric, 3) AS share, discernibility,
       round(avg_group_size::numeric, 2) AS avg_group, round(height_loss::numeric, 3) AS height_loss,
       lattice_size
  FROM mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], 2,
                   hierarchies => (SELECT h FROM h44));
SELECT rank, levels, min_group_size, rows_suppressed, discernibility
  FROM mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], 3,
                   hierarchies => (SELECT h FROM h44));
SELECT rank, levels, min_group_size, rows_suppressed, discernibility
  FROM mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], 2, 0.2,
                   hierarchies => (SELECT h FROM h44));

-- flash_differs_from_exhaustive(cmp): how many advice rows (question k, ms
-- and the whole row of advice) one mode of the comparison table cmp gives
-- and the other does not.
CREATE FUNCTION pg_temp.flash_differs_from_exhaustive(cmp regclass) RETURNS bigint
LANGUAGE plpgsql AS $f$
DECLARE
    n bigint;
BEGIN
    EXECUTE format($q$
        WITH c AS (SELECT mode, (k, ms, rank, rules, levels, min_group_size, groups,
                                 rows_suppressed, discernibility) AS advice FROM %s)
        SELECT count(*)
          FROM ((SELECT advice FROM c WHERE mode = 'flash'
                 EXCEPT SELECT advice FROM c WHERE mode = 'exhaustive')
                UNION ALL
                (SELECT advice FROM c WHERE mode = 'exhaustive'
                 EXCEPT SELECT advice FROM c WHERE mode = 'flash')) d$q$, cmp)
        INTO n;
    RETURN n;
END $f$;

-- Same minimal nodes as the brute force, and as the exhaustive mode; the
-- search evaluated fewer nodes than the lattice has.
CREATE TEMP TABLE cmp44 AS
SELECT s.k, s.ms, s.allowed, f.*, 'flash' AS mode
  FROM (VALUES (2, 0.0::real, 0), (3, 0.0::real, 0), (2, 0.2::real, 2), (3, 0.2::real, 2),
               (1, 0.0::real, 0), (5, 0.0::real, 0), (11, 0.0::real, 0)) s(k, ms, allowed),
       mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], s.k, s.ms,
                   hierarchies => (SELECT h FROM h44)) f
UNION ALL
SELECT s.k, s.ms, s.allowed, f.*, 'exhaustive'
  FROM (VALUES (2, 0.0::real, 0), (3, 0.0::real, 0), (2, 0.2::real, 2), (3, 0.2::real, 2),
               (1, 0.0::real, 0), (5, 0.0::real, 0), (11, 0.0::real, 0)) s(k, ms, allowed),
       mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], s.k, s.ms,
                   hierarchies => (SELECT h FROM h44), exhaustive => true) f;
SELECT k, ms, mode, array_agg(levels ORDER BY rank) AS minimal_nodes,
       min(nodes_evaluated) AS evaluated, min(lattice_size) AS lattice
  FROM cmp44 GROUP BY k, ms, mode ORDER BY k, ms, mode;
-- (k = 11 > 10 rows: nothing is anonymous, no advice.)
SELECT pg_temp.flash_differs_from_exhaustive('cmp44') AS flash_differs_from_exhaustive;
SELECT s.k, s.allowed,
       (SELECT array_agg(m ORDER BY m) FROM pg_temp.brute_minimal(s.k, s.allowed) m)
       IS NOT DISTINCT FROM
       (SELECT array_agg(c.levels ORDER BY c.levels) FROM cmp44 c
         WHERE c.k = s.k AND c.allowed = s.allowed AND c.mode = 'flash') AS advisor_equals_brute_force
  FROM (VALUES (2, 0), (3, 0), (2, 2), (3, 2)) s(k, allowed);
-- Discernibility and the kept groups against the brute force (k = 2, nothing suppressed).
SELECT c.levels, c.discernibility = b.dm_kept_k2 AS dm_matches, c.groups
  FROM cmp44 c JOIN brute44 b USING (levels)
 WHERE c.k = 2 AND c.allowed = 0 AND c.mode = 'flash' ORDER BY c.rank;

-- ---------------------------------------------------------------------------
-- 2. A larger synthetic table with the built-in hierarchies: 1,200
-- households in 3 districts, 6 communities, 4 buildings, 3 units, 6 floors;
-- names from 12 surnames; balances up to 600.  The default hierarchies come
-- from the column names and types (address, name, amount).
CREATE TABLE t44.households (household_id integer PRIMARY KEY, holder_name text,
                             address text, balance numeric(10,2));
INSERT INTO t44.households
SELECT i,
       (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙'])[1 + (h % 12)]
         || (ARRAY['伟','芳','娜','敏','静','丽','强'])[1 + (h / 12 % 7)]
         || CASE WHEN h % 3 = 0 THEN '明' ELSE '' END,
       '安徽省芜湖市' || (ARRAY['镜湖区','弋江区','鸠江区'])[1 + (h / 7 % 3)]
         || (ARRAY['青枫路','银杏路'])[1 + (h / 5 % 2)] || (h / 3 % 20) || '号'
         || (ARRAY['世贸','阳光','锦绣','碧水','星河','万象'])[1 + (h / 11 % 6)] || '小区'
         || (1 + h / 13 % 4) || '栋' || (1 + h / 17 % 3) || '单元'
         || (1 + h / 19 % 6) || '0' || (1 + h % 4) || '室',
       round((h % 60000) / 100.0, 2)
  FROM (SELECT i, abs(hashtext('t44-' || i)) AS h FROM generate_series(1, 1200) i) s;
ALTER TABLE t44.households OWNER TO regress_t44_owner;
SELECT mask.protect('p44', 't44.households');

CREATE TEMP TABLE cmp44b AS
SELECT s.k, s.ms, f.*, 'flash' AS mode
  FROM (VALUES (2, 0.0::real), (5, 0.0::real), (5, 0.02::real), (10, 0.05::real)) s(k, ms),
       mask.advise('p44', 't44.households', ARRAY['address', 'holder_name', 'balance'], s.k, s.ms) f
UNION ALL
SELECT s.k, s.ms, f.*, 'exhaustive'
  FROM (VALUES (2, 0.0::real), (5, 0.0::real), (5, 0.02::real), (10, 0.05::real)) s(k, ms),
       mask.advise('p44', 't44.households', ARRAY['address', 'holder_name', 'balance'], s.k, s.ms,
                   exhaustive => true) f;
SELECT k, ms, mode, count(*) AS minimal_nodes, min(nodes_evaluated) AS evaluated,
       min(lattice_size) AS lattice, min(nodes_evaluated) < min(lattice_size) AS pruned
  FROM cmp44b GROUP BY k, ms, mode ORDER BY k, ms, mode;
SELECT pg_temp.flash_differs_from_exhaustive('cmp44b') AS flash_differs_from_exhaustive;
-- The best advice for k = 5.
SELECT rank, rules, min_group_size, rows_suppressed, discernibility
  FROM cmp44b WHERE k = 5 AND ms = 0 AND mode = 'flash' AND rank <= 3 ORDER BY rank;

-- Columns can be fixed (their current rule) or hidden, and the built-in
-- hierarchies can be replaced per column.
SELECT mask.set_rule('p44', 't44.households', 'holder_name', $r$mask.cn_name(holder_name, '*', 'surname', 2)$r$);
SELECT rank, rules, levels, lattice_size
  FROM mask.advise('p44', 't44.households', ARRAY['address', 'holder_name', 'balance'], 5,
                   hierarchies => '{"holder_name": "fixed", "balance": "hidden"}') WHERE rank <= 2;

-- A DBA's own hierarchy, named once and used by a column ({col} is the column).
SELECT rank, rules, levels, lattice_size
  FROM mask.advise('p44', 't44.households', ARRAY['address', 'balance'], 5,
                   hierarchies => '{"address": "fixed",
                                    "fee_band": ["PASS", "mask.generalize({col}, 250::numeric)", "NULL"],
                                    "balance": "fee_band"}');

-- Refused arguments (22023, nothing evaluated).
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 0)$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 2, 1.0)$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['nope'], 2)$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 2, hierarchies => '{"age": "amount"}')$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 2, hierarchies => '{"zip": "postcode"}')$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 2, hierarchies => '{"zip": ["PASS", "upper(zip)"]}')$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('p44', 't44.person', ARRAY['zip'], 2, hierarchies => '{"zip": []}')$$);
SELECT pg_temp.err($$SELECT * FROM mask.advise('nope', 't44.person', ARRAY['zip'], 2)$$);

-- ---------------------------------------------------------------------------
-- 3. apply_advice(): writes the best rule set with set_rule, in one go.
SELECT mask.apply_advice('p44', 't44.person',
         (SELECT rules FROM mask.advise('p44', 't44.person', ARRAY['zip', 'age', 'sex'], 2,
                                        hierarchies => (SELECT h FROM h44)) WHERE rank = 1), 2);
SELECT "column", action, expression, reason FROM mask.rules
 WHERE policy = 'p44' AND relation = 't44.person'::regclass ORDER BY "column";
SELECT zip, age, sex FROM v44.person ORDER BY 1, 2, 3;
SELECT min_group_size, rows_below_k FROM mask.linkability_summary('v44.person', ARRAY['zip', 'age', 'sex'], 2);

-- A rule set that leaves rows in small groups is refused without suppression,
-- and nothing changes ...
SELECT pg_temp.err($$SELECT mask.apply_advice('p44', 't44.person',
    '{"zip": "mask.partial(zip, 3, 0, ''*'', 2)", "age": "mask.generalize(age, 10::numeric)", "sex": "PASS"}', 2)$$);
SELECT "column", expression FROM mask.rules
 WHERE policy = 'p44' AND relation = 't44.person'::regclass ORDER BY "column";
-- Suppression lists the primary keys of the suppressed rows in the row
-- filter, which members can read: refused while the key is hidden from them ...
SELECT pg_temp.err($$SELECT mask.apply_advice('p44', 't44.person',
    '{"zip": "mask.partial(zip, 3, 0, ''*'', 2)", "age": "mask.generalize(age, 10::numeric)", "sex": "PASS"}',
    2, suppress => true)$$);
-- ... and once the key is shown as it is (PASS) the rows in small groups (9
-- and 10) leave the view through the row filter, kept with the policy's own
-- filter.  The policy's masked view can name the table, too.
SELECT mask.set_rule('p44', 't44.person', 'id', 'PASS');
SELECT mask.apply_advice('p44', 'v44.person',
    '{"zip": "mask.partial(zip, 3, 0, ''*'', 2)", "age": "mask.generalize(age, 10::numeric)", "sex": "PASS"}',
    2, suppress => true);
SELECT row_filter FROM mask.protected_tables WHERE policy = 'p44' AND relation = 't44.person'::regclass;
SELECT zip, age, sex FROM v44.person ORDER BY 1, 2, 3;
SELECT min_group_size, rows_below_k, total_rows FROM mask.linkability_summary('v44.person', ARRAY['zip', 'age', 'sex'], 2);
SELECT pg_temp.err($$SELECT mask.apply_advice('p44', 't44.person', '{"zip": "PASS"}', 2, suppress => NULL)$$);
SELECT pg_temp.err($$SELECT mask.apply_advice('p44', 't44.person', '{"nope": "PASS"}')$$);
SELECT pg_temp.err($$SELECT mask.apply_advice('p44', 't44.person', '[]')$$);

-- Without k the rule set is written as given, unmeasured (an admin's choice).
SELECT mask.apply_advice('p44', 't44.person', '{"age": "NULL", "sex": null}');
SELECT "column", action, expression FROM mask.rules
 WHERE policy = 'p44' AND relation = 't44.person'::regclass ORDER BY "column";

-- The audit log: one row per advise() call, set_rule/protect rows and one
-- apply_advice row per application.
SELECT action, count(*) FROM mask.audit_log
 WHERE action IN ('advise', 'apply_advice', 'set_rule', 'protect') GROUP BY action ORDER BY action;
SELECT details - 'hierarchies' AS details FROM mask.audit_log WHERE action = 'apply_advice' ORDER BY id;

ROLLBACK;
