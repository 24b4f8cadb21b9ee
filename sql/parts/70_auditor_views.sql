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
SELECT po.name AS policy,
       t.relation,
       a.attname AS "column",
       COALESCE(r.action, 'hidden') AS action,
       r.expression,
       r.reason,
       r.set_by,
       r.set_at,
       false AS orphaned
  FROM mask.protected t
  JOIN mask.policy po ON po.id = t.policy_id
  JOIN pg_catalog.pg_attribute a
    ON a.attrelid = t.relation AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN mask.rule r
    ON r.policy_id = t.policy_id AND r.relation = t.relation
   AND r.column_name = a.attname AND NOT r.orphaned
UNION ALL
SELECT po.name, r.relation, r.column_name, r.action, r.expression, r.reason,
       r.set_by, r.set_at, true
  FROM mask.rule r
  JOIN mask.policy po ON po.id = r.policy_id
 WHERE r.orphaned;

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
