-- ---------------------------------------------------------------------------
-- Read-only views of the catalog for auditors (and admins).
--
-- They show everything in the catalog except the keys: mask.policy_key is
-- not referenced here, and rule expressions are shown as typed, so not even
-- the key view's name appears.  Owned by the extension owner; auditors get
-- SELECT through mask.grant_auditor().
-- ---------------------------------------------------------------------------

CREATE VIEW mask.policies AS
SELECT p.name AS policy,
       p.view_schema,
       p.description,
       (SELECT pg_catalog.count(*) FROM mask.protected t WHERE t.policy_id = p.id) AS tables,
       (SELECT pg_catalog.count(*) FROM mask.member m WHERE m.policy_id = p.id) AS members,
       p.created_by,
       p.created_at
  FROM mask.policy p;

COMMENT ON VIEW mask.policies IS
'Policies with their view schema and how many tables and members they have (auditor view; no keys).';

CREATE VIEW mask.protected_tables AS
SELECT po.name AS policy,
       t.relation,
       pg_catalog.format('%I.%I', po.view_schema, t.view_name) AS view,
       t.row_filter,
       t.added_by,
       t.added_at
  FROM mask.protected t
  JOIN mask.policy po ON po.id = t.policy_id;

COMMENT ON VIEW mask.protected_tables IS
'Protected tables of each policy with their masked view and row filter as typed (auditor view).';

-- One row per column of every protected table, like Oracle's
-- REDACTION_COLUMNS: columns without a rule appear with action 'hidden', so
-- the auditor sees the whole table and not only what was thought of; rules
-- of dropped columns appear with orphaned = true.
CREATE VIEW mask.rules AS
SELECT x.policy, x.relation, x."column", x.action, x.expression, x.reason,
       x.set_by, x.set_at, x.orphaned
  FROM (
    SELECT po.name AS policy,
           t.relation,
           a.attname AS "column",
           COALESCE(r.action, 'hidden') AS action,
           r.expression,
           r.reason,
           r.set_by,
           r.set_at,
           false AS orphaned,
           a.attnum AS position
      FROM mask.protected t
      JOIN mask.policy po ON po.id = t.policy_id
      JOIN pg_catalog.pg_attribute a
        ON a.attrelid = t.relation AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN mask.rule r
        ON r.policy_id = t.policy_id AND r.relation = t.relation
       AND r.column_name = a.attname AND NOT r.orphaned
    UNION ALL
    SELECT po.name, r.relation, r.column_name, r.action, r.expression, r.reason,
           r.set_by, r.set_at, true, NULL
      FROM mask.rule r
      JOIN mask.policy po ON po.id = r.policy_id
     WHERE r.orphaned) x
 -- A stable order for people and diffs: by policy and table name, each
 -- table's columns as the table has them, then its orphaned rules by name.
 ORDER BY x.policy COLLATE "C", x.relation::text COLLATE "C", x.orphaned, x.position, x."column" COLLATE "C";

COMMENT ON VIEW mask.rules IS
'One row per column of each protected table: action mask, pass, null or hidden (no rule), the expression as typed, reason, who and when; orphaned rules of dropped columns too (auditor view).';

CREATE VIEW mask.members AS
SELECT po.name AS policy,
       m.role AS member,
       m.role_name,
       m.search_path_set,
       m.added_by,
       m.added_at
  FROM mask.member m
  JOIN mask.policy po ON po.id = m.policy_id;

COMMENT ON VIEW mask.members IS
'Members of each policy (auditor view).';

-- Every column says what it holds (\d+ mask.<view> in psql).
COMMENT ON COLUMN mask.policies.policy IS 'The policy''s name.';
COMMENT ON COLUMN mask.policies.view_schema IS 'The schema of its masked views (created and owned by maskview).';
COMMENT ON COLUMN mask.policies.description IS 'What the policy is for, as its admin wrote it.';
COMMENT ON COLUMN mask.policies.tables IS 'How many tables it protects.';
COMMENT ON COLUMN mask.policies.members IS 'How many roles are its members.';
COMMENT ON COLUMN mask.policies.created_by IS 'The login role that created it.';
COMMENT ON COLUMN mask.policies.created_at IS 'When.';
COMMENT ON COLUMN mask.protected_tables.policy IS 'The policy.';
COMMENT ON COLUMN mask.protected_tables.relation IS 'The protected (raw) table.';
COMMENT ON COLUMN mask.protected_tables.view IS 'Its masked view, schema-qualified.';
COMMENT ON COLUMN mask.protected_tables.row_filter IS 'The row filter as typed (NULL: every row); rows it excludes are not in the view.';
COMMENT ON COLUMN mask.protected_tables.added_by IS 'The login role that protected the table.';
COMMENT ON COLUMN mask.protected_tables.added_at IS 'When.';
COMMENT ON COLUMN mask.rules.policy IS 'The policy.';
COMMENT ON COLUMN mask.rules.relation IS 'The protected table.';
COMMENT ON COLUMN mask.rules."column" IS 'The column (for an orphaned rule: the name it had).';
COMMENT ON COLUMN mask.rules.action IS 'mask, pass, null, or hidden (no rule: the column is not in the view).';
COMMENT ON COLUMN mask.rules.expression IS 'The rule as typed: PASS, NULL or the masking expression.';
COMMENT ON COLUMN mask.rules.reason IS 'Why, as the admin wrote it.';
COMMENT ON COLUMN mask.rules.set_by IS 'The login role that set the rule.';
COMMENT ON COLUMN mask.rules.set_at IS 'When.';
COMMENT ON COLUMN mask.rules.orphaned IS 'true for a rule whose column was dropped: it generates nothing.';
COMMENT ON COLUMN mask.members.policy IS 'The policy.';
COMMENT ON COLUMN mask.members.member IS 'The member role.';
COMMENT ON COLUMN mask.members.role_name IS 'Its name when it was added (still there if the role is dropped).';
COMMENT ON COLUMN mask.members.search_path_set IS 'Whether add_member set the role''s search_path to the view schema.';
COMMENT ON COLUMN mask.members.added_by IS 'The login role that added it.';
COMMENT ON COLUMN mask.members.added_at IS 'When.';
