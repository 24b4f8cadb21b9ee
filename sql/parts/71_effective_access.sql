-- ---------------------------------------------------------------------------
-- The auditor's two questions, one query each:
--
--   mask.effective_access  who can see which column of which table, and how:
--                          every role that reads a policy's masked views
--                          (members, roles that inherit or can SET ROLE to a
--                          member, auditors), with each column of each
--                          protected table as that role sees it, the row
--                          filter, and the path by which it has access.
--   mask.changes           who changed what, when: the audit log with names
--                          that need no quoting.
--
-- Superusers and the owners of the raw tables read the raw tables
-- themselves, outside maskview: they are not listed (mask.verify() reports
-- members that also reach raw data).  Both views are built on the auditor
-- views of 70_auditor_views.sql, so they show exactly what those show.
-- ---------------------------------------------------------------------------

CREATE VIEW mask.effective_access AS
WITH grantee AS (
    -- A policy's readers: its members and the auditors (who read every
    -- policy's masked views), each with the roles that act as them.
    SELECT m.policy, m.member::oid AS via, 'member' AS kind
      FROM mask.members m
    UNION ALL
    SELECT p.policy, a.role::oid, 'auditor'
      FROM mask.auditor a CROSS JOIN mask.policies p
), reader AS (
    SELECT g.policy, r.rolname AS role,
           CASE WHEN r.oid = g.via THEN g.kind
                WHEN pg_catalog.pg_has_role(r.oid, g.via, 'USAGE')
                    THEN pg_catalog.format('inherits %s %s', g.kind, pg_catalog.pg_get_userbyid(g.via)::text)
                ELSE pg_catalog.format('can SET ROLE to %s %s', g.kind, pg_catalog.pg_get_userbyid(g.via)::text)
           END AS path
      FROM grantee g
      JOIN pg_catalog.pg_roles r
        ON r.oid = g.via
        OR (NOT r.rolsuper AND pg_catalog.pg_has_role(r.oid, g.via, 'MEMBER'))
)
SELECT rd.role,
       rd.policy,
       ru.relation,
       t.view,
       ru."column" AS column_name,
       ru.action,
       CASE ru.action
           WHEN 'pass' THEN 'the raw value'
           WHEN 'mask' THEN 'masked: ' || ru.expression
           WHEN 'null' THEN 'NULL'
           ELSE 'nothing (the column is not in the view)'
       END AS sees,
       t.row_filter,
       rd.path
  FROM reader rd
  JOIN mask.protected_tables t ON t.policy = rd.policy
  JOIN mask.rules ru ON ru.policy = t.policy AND ru.relation = t.relation AND NOT ru.orphaned;

COMMENT ON VIEW mask.effective_access IS
'Who can see which column of which table, and how: one row per reading role (members, roles inheriting or able to SET ROLE to a member, auditors), policy and column of a protected table, with what the role sees (the raw value, the masking expression, NULL, or nothing), the row filter and the path of its access. Superusers and table owners, who read raw tables directly, are not listed (auditor view).';

COMMENT ON COLUMN mask.effective_access.role IS 'The role that can read the masked view.';
COMMENT ON COLUMN mask.effective_access.policy IS 'The policy whose view it reads.';
COMMENT ON COLUMN mask.effective_access.relation IS 'The protected (raw) table.';
COMMENT ON COLUMN mask.effective_access.view IS 'The masked view the role reads instead.';
COMMENT ON COLUMN mask.effective_access.column_name IS 'A column of the raw table.';
COMMENT ON COLUMN mask.effective_access.action IS 'mask, pass, null or hidden (no rule).';
COMMENT ON COLUMN mask.effective_access.sees IS 'What the role sees of the column, in words.';
COMMENT ON COLUMN mask.effective_access.row_filter IS 'The row filter of the view as typed: rows it excludes are never seen.';
COMMENT ON COLUMN mask.effective_access.path IS 'How the role has access: member, auditor, inherits ..., or can SET ROLE to ...';

CREATE VIEW mask.changes AS
SELECT l.id, l.at, l.login_role AS who, l.acting_role, l.action, l.policy, l.object, l.details
  FROM mask.audit_log l;

COMMENT ON VIEW mask.changes IS
'Who changed what, when: the audit log without its hash columns, with column names that need no quoting (who = the login role, acting_role = the role set by SET ROLE). Order by id (auditor view).';

COMMENT ON COLUMN mask.changes.id IS 'Position in the audit chain.';
COMMENT ON COLUMN mask.changes.at IS 'When.';
COMMENT ON COLUMN mask.changes.who IS 'The role that logged in (session_user).';
COMMENT ON COLUMN mask.changes.acting_role IS 'The role in effect (SET ROLE), else who.';
COMMENT ON COLUMN mask.changes.action IS 'What was done: the API call or the followed DDL.';
COMMENT ON COLUMN mask.changes.policy IS 'The policy changed, if any.';
COMMENT ON COLUMN mask.changes.object IS 'The object changed (table, column, role), if any.';
COMMENT ON COLUMN mask.changes.details IS 'Arguments and outcome; never key material.';
