-- Load test (test/load/load_test.sh): roles, policy and log table, run as the
-- cluster superuser in the load test's own database after
-- demo/generate_data.sql.
--
--   mvload_owner   owns the billing data (never a superuser)
--   mvload_admin   policy admin (mask.grant_admin); the admin client
--   mvload_member  member of policy mvload_notice; all 8 reading clients
--   mvload_spare   a member the admin client adds and removes again
--
-- The member clients append every value they read to the UNLOGGED table
-- mvload_log.seen (INSERT only); check.sql compares it with the raw tables.

\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;

ALTER SCHEMA billing OWNER TO mvload_owner;
ALTER TABLE billing.households OWNER TO mvload_owner;
ALTER TABLE billing.arrears OWNER TO mvload_owner;
-- The admin names the tables (regclass arguments) and publishes only what
-- it could read itself: USAGE and SELECT.
GRANT USAGE ON SCHEMA billing TO mvload_admin;
GRANT SELECT ON billing.households, billing.arrears TO mvload_admin;

CREATE SCHEMA mvload_log;
CREATE UNLOGGED TABLE mvload_log.seen (
    client  integer NOT NULL,       -- pgbench client id
    phase   integer NOT NULL,       -- 1 = members only, 2 = with the admin client
    kind    text NOT NULL,          -- point | page | scan | group
    ref     bigint,                 -- point: the arrear_id looked up
    col     text NOT NULL,          -- column of the masked view
    val     text                    -- the value the member read
);
GRANT USAGE ON SCHEMA mvload_log TO mvload_member;
GRANT INSERT ON mvload_log.seen TO mvload_member;

-- The admin client's one-second step (test/load/admin.sql calls it): every
-- rule that the admin client moves is set to its tight (v = 0) or loose
-- (v = 1) masking expression, never PASS; the spare member is added if absent
-- and removed if present; the key is rotated.  Eight API calls, so eight
-- audit rows per committed step; mvload_ctl.steps counts committed steps.
CREATE SCHEMA mvload_ctl AUTHORIZATION mvload_admin;
CREATE TABLE mvload_ctl.steps (n bigserial PRIMARY KEY, v integer NOT NULL,
                               at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp());
ALTER TABLE mvload_ctl.steps OWNER TO mvload_admin;

CREATE TABLE mvload_ctl.variant (col name, v integer, expression text, PRIMARY KEY (col, v));
INSERT INTO mvload_ctl.variant VALUES
    ('holder_name', 0, 'mask.redact(holder_name, ''*'', 2)'),
    ('holder_name', 1, 'mask.cn_name(holder_name)'),
    ('mobile',      0, 'mask.redact(mobile)'),
    ('mobile',      1, 'mask.cn_phone(mobile)'),
    ('landline',    0, 'mask.redact(landline)'),
    ('landline',    1, 'mask.cn_phone(landline)'),
    ('id_card',     0, 'mask.cn_id_card(id_card, 0, 0)'),
    ('id_card',     1, 'mask.cn_id_card(id_card, 6, 4)'),
    ('address',     0, 'mask.cn_address(address, ''district'')'),
    ('address',     1, 'mask.cn_address(address, ''unit'')'),
    ('opened_on',   0, 'mask.generalize(opened_on, ''year'')'),
    ('opened_on',   1, 'mask.generalize(opened_on, ''month'')');
ALTER TABLE mvload_ctl.variant OWNER TO mvload_admin;

CREATE FUNCTION mvload_ctl.step(v integer) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT x.col, x.expression FROM mvload_ctl.variant x
              WHERE x.v = step.v ORDER BY x.col LOOP
        PERFORM mask.set_rule('mvload_notice', 'billing.households', r.col, r.expression,
                              'load test: ' || CASE step.v WHEN 0 THEN 'tight' ELSE 'loose' END);
    END LOOP;
    IF EXISTS (SELECT FROM mask.members m
                WHERE m.policy = 'mvload_notice' AND m.member::text = 'mvload_spare') THEN
        PERFORM mask.remove_member('mvload_notice', 'mvload_spare');
    ELSE
        PERFORM mask.add_member('mvload_notice', 'mvload_spare');
    END IF;
    PERFORM mask.rotate_key('mvload_notice');
    INSERT INTO mvload_ctl.steps (v) VALUES (step.v);
    RETURN step.v;
END;
$$;
ALTER FUNCTION mvload_ctl.step(integer) OWNER TO mvload_admin;

-- ---------------------------------------------------------------------------
-- The policy: what the notice printer may see (starts with the loose rules).

\o /dev/null
SELECT mask.grant_admin('mvload_admin');
SELECT mask.create_policy('mvload_notice', 'mvload_notice', 'load test');
SELECT mask.protect('mvload_notice', 'billing.households');
SELECT mask.protect('mvload_notice', 'billing.arrears');
SELECT mask.set_rule('mvload_notice', 'billing.households', 'household_id', 'PASS',
                     'surrogate key, carries no personal data; pages of notices');
SELECT mask.set_rule('mvload_notice', 'billing.households', 'account_no',
                     'mask.pseudonym(account_no, 8)', 'token on the notice');
SELECT mask.set_rule('mvload_notice', 'billing.households', x.col, x.expression, 'initial')
  FROM mvload_ctl.variant x WHERE x.v = 1 ORDER BY x.col;
SELECT mask.set_rule('mvload_notice', 'billing.households', 'bank_card', 'mask.bank_card(bank_card)');
SELECT mask.set_rule('mvload_notice', 'billing.households', 'email', 'mask.email(email)');
SELECT mask.set_rule('mvload_notice', 'billing.arrears', 'arrear_id', 'PASS');
SELECT mask.set_rule('mvload_notice', 'billing.arrears', 'account_no',
                     'mask.pseudonym(account_no, 8)', 'same token as the household');
SELECT mask.set_rule('mvload_notice', 'billing.arrears', c, 'PASS')
  FROM pg_catalog.unnest(ARRAY['utility', 'period', 'amount', 'due_date']) AS c;
SELECT mask.add_member('mvload_notice', 'mvload_member');
\o
