-- The start of every Citus suite's setup (\i'd as the superuser on the
-- coordinator), with psql variables:
--   roles   the suite's login roles, space-separated
--   owner   the one of them that owns the schema billing and its tables
--   shards  the shard count billing.households is distributed with
--   rows    how many households: every fifth one is not in arrears
-- maskview, the roles, the schema billing (USAGE for all), the households,
-- distributed by household_id, and the districts, a reference table.
SET client_min_messages = warning;
CREATE EXTENSION maskview;
SELECT pg_catalog.format('CREATE ROLE %I LOGIN', r)
  FROM pg_catalog.unnest(pg_catalog.string_to_array(:'roles', ' ')) r \gexec
CREATE SCHEMA billing AUTHORIZATION :"owner";
GRANT USAGE ON SCHEMA billing TO PUBLIC;
SET ROLE :"owner";
CREATE TABLE billing.households (
    household_id bigint PRIMARY KEY, holder_name text, mobile text, account_no text,
    district_id int, in_arrears boolean, balance numeric(10,2));
CREATE TABLE billing.districts (district_id int PRIMARY KEY, district text, manager text);
RESET ROLE;
SELECT create_distributed_table('billing.households', 'household_id', shard_count => :shards);
INSERT INTO billing.households
SELECT g, (ARRAY['张','王','李','欧阳'])[1 + g % 4] || (ARRAY['三','小明','建国'])[1 + g % 3],
       '138' || pg_catalog.lpad(g::text, 8, '0'), 'ACCT-' || g, 1 + g % 3, g % 5 <> 0, (g % 97) * 1.5
  FROM pg_catalog.generate_series(1, :rows) g;
SELECT create_reference_table('billing.districts');
INSERT INTO billing.districts VALUES (1, '镜湖区', '张三'), (2, '弋江区', '李四'), (3, '鸠江区', '王五');
