-- Attack: COPY as a policy member.  COPY ... TO STDOUT cannot run inside a
-- pgTAP function, so it is tested here at psql level: the raw table is
-- refused in every COPY form, the masked view copies masked values only.
-- Everything is rolled back; roles too.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;
BEGIN;
CREATE ROLE regress_t31_owner NOLOGIN;
CREATE ROLE regress_t31_member NOLOGIN;
CREATE SCHEMA t31_billing AUTHORIZATION regress_t31_owner;
SET ROLE regress_t31_owner;
CREATE TABLE t31_billing.households (
    id integer PRIMARY KEY, holder_name text NOT NULL, phone text NOT NULL,
    id_card text NOT NULL, arrears numeric(10,2) NOT NULL);
INSERT INTO t31_billing.households VALUES
 (1, '张伟',     '13812345678', '110101199003078515', 120.50),
 (2, '李四',     '13987654321', '11010119851212003X',   0.00),
 (3, '欧阳娜娜', '18600001111', '440305197707074424',  33.00);
GRANT USAGE ON SCHEMA t31_billing TO PUBLIC;
RESET ROLE;
\i test/sql/fixtures/policy.sql
DO $$
BEGIN
    PERFORM pg_temp.policy('t31_notice', 't31_notice', 't31_billing.households',
                           ARRAY[['id', 'PASS'],
                                 ['holder_name', 'mask.cn_name(holder_name)'],
                                 ['phone', 'mask.cn_phone(phone)'],
                                 ['arrears', 'PASS']],
                           members => '{regress_t31_member}', set_search_path => false,
                           row_filter => 'arrears > 0', view_name => 'households');
END $$;

SET SESSION AUTHORIZATION regress_t31_member;
SAVEPOINT s;
COPY t31_billing.households TO STDOUT;
ROLLBACK TO SAVEPOINT s;
COPY t31_billing.households (id, arrears) TO STDOUT;
ROLLBACK TO SAVEPOINT s;
COPY (SELECT holder_name FROM t31_billing.households) TO STDOUT;
ROLLBACK TO SAVEPOINT s;
COPY (SELECT * FROM t31_billing.households WHERE holder_name = '张伟') TO STDOUT (FORMAT csv);
ROLLBACK TO SAVEPOINT s;
\copy t31_billing.households to stdout
ROLLBACK TO SAVEPOINT s;
-- Writing into the raw table is refused as well.
\copy t31_billing.households from /dev/null
ROLLBACK TO SAVEPOINT s;
-- A view cannot be copied directly ...
COPY t31_notice.households TO STDOUT;
ROLLBACK TO SAVEPOINT s;
-- ... a query of it can, and carries masked values of the filtered rows only.
COPY (SELECT * FROM t31_notice.households ORDER BY id) TO STDOUT (FORMAT csv, HEADER);
\copy (SELECT * FROM t31_notice.households ORDER BY id) to stdout
-- The hidden column is not there to copy.
COPY (SELECT id_card FROM t31_notice.households) TO STDOUT;
ROLLBACK TO SAVEPOINT s;
RESET SESSION AUTHORIZATION;
ROLLBACK;
