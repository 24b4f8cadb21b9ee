-- maskview's catalog as people and the engine read it, without what is
-- bound to differ between two databases that ran the same API calls at
-- different times: ids (policies are named instead), timestamps and keys.
-- For test/upgrade/upgrade_test.sh, comparing an upgraded database with a fresh
-- install (run as a superuser: psql -X -A -t -q -f ...).  The audit log is
-- compared by its sequence of actions and details; its hashes cover the
-- times, so they differ, and each database's chain is verified on its own.

SELECT 'policy ' || p.name || ' schema=' || p.view_schema
       || ' schema_created=' || p.schema_created || ' by=' || p.created_by
       || ' description=' || COALESCE(p.description, '<null>')
  FROM mask.policy AS p
 ORDER BY p.name COLLATE "C";

SELECT 'protected ' || p.name || ' ' || t.relation::text
       || ' name=' || t.relation_name || ' view=' || t.view_name
       || ' filter=' || COALESCE(t.row_filter, '<null>')
       || ' filter_sql=' || COALESCE(t.row_filter_sql, '<null>')
       || ' columns=' || t.columns::text || ' by=' || t.added_by
  FROM mask.protected AS t JOIN mask.policy AS p ON p.id = t.policy_id
 ORDER BY p.name COLLATE "C", t.relation::text COLLATE "C";

SELECT 'rule ' || p.name || ' ' || r.relation::text || ' ' || r.column_name
       || ' action=' || r.action || ' expression=' || r.expression
       || ' sql=' || COALESCE(r.expression_sql, '<null>')
       || ' reason=' || COALESCE(r.reason, '<null>')
       || ' orphaned=' || r.orphaned || ' by=' || r.set_by
  FROM mask.rule AS r JOIN mask.policy AS p ON p.id = r.policy_id
 ORDER BY p.name COLLATE "C", r.relation::text COLLATE "C", r.column_name COLLATE "C";

SELECT 'member ' || p.name || ' ' || m.role::text || ' name=' || m.role_name
       || ' search_path_set=' || m.search_path_set || ' by=' || m.added_by
  FROM mask.member AS m JOIN mask.policy AS p ON p.id = m.policy_id
 ORDER BY p.name COLLATE "C", m.role::text COLLATE "C";

SELECT 'admin ' || a.role::text || ' name=' || a.role_name || ' by=' || a.granted_by
  FROM mask.admin AS a ORDER BY 1;

SELECT 'auditor ' || a.role::text || ' name=' || a.role_name || ' by=' || a.granted_by
  FROM mask.auditor AS a ORDER BY 1;

SELECT 'trusted ' || f.func::text || ' by=' || f.trusted_by
  FROM mask.trusted_function AS f ORDER BY 1;

-- One key per policy, of the right length; the bytes are the test's business
-- (it copies them from one database to the other before comparing output).
SELECT 'key ' || p.name || ' bytes=' || pg_catalog.octet_length(k.key)
  FROM mask.policy AS p LEFT JOIN mask.policy_key AS k ON k.policy_id = p.id
 ORDER BY p.name COLLATE "C";

SELECT 'audit ' || pg_catalog.row_number() OVER (ORDER BY l.id) || ' ' || l.action
       || ' session_user=' || l.login_role || ' current_user=' || l.acting_role
       || ' policy=' || COALESCE(l.policy::text, '<null>')
       || ' object=' || COALESCE(l.object, '<null>')
       || ' details=' || COALESCE(l.details::text, '<null>')
  FROM mask.audit_log AS l
 ORDER BY l.id;
