-- ---------------------------------------------------------------------------
-- mask.verify(): does the database enforce what the catalog says?
--
-- The catalog and the views cannot drift through the API (every change
-- regenerates in the same transaction), but everything around them can:
-- a GRANT on a raw table, a role made superuser, a view replaced or
-- re-owned by hand, a table given to PUBLIC, a dropped column, a tampered
-- audit log.  verify() looks at the database as it is now and reports each
-- such drift as one row (severity, policy, object, finding, hint):
--
--   error    an invariant of the security model is broken: some role can
--            read raw data, change a policy or read a key it should not, or
--            a view is not what the catalog generates, or the log is broken
--   warning  a risk: raw personal data shown by a PASS rule, a rule that no
--            longer applies, masked data readable outside the policy, DDL
--            no longer followed
--   info     nothing leaks, but an auditor wants to know: hidden columns
--            that mask.detect() classifies as personal data
--
-- No error or warning row means clean.  Findings carry names, counts and
-- the sentences of the engine's own checks, never a value or a key.
-- Global findings (the audit chain, the event triggers) have policy NULL
-- and are reported with or without only_policy.
--
-- The parts: this file, the row every finding function returns;
-- 82_verify_report.sql, mask.verify() and the one list of the finding
-- functions it runs (mask_internal._verify_findings), the members and the
-- global findings; a file per further concern, a function per finding
-- (82_verify_tables.sql, 82_verify_keys.sql, 82_verify_*.sql).
--
-- This part creates a type: it is not re-run by an upgrade (the upgrade
-- that introduced the type creates it, sql/upgrades/0.2.0--0.3.0.sql).
-- ---------------------------------------------------------------------------

-- One finding of mask.verify(): the row type of every internal finding
-- function, written once; mask.verify() returns the same columns.
CREATE TYPE mask_internal.finding AS (
    severity text,   -- error, warning or info
    policy   name,   -- NULL for a global finding
    object   text,   -- what the finding is about, quoted as SQL names it
    finding  text,   -- what is wrong, in names and counts, never a value
    hint     text    -- the statement or step that fixes it
);

COMMENT ON TYPE mask_internal.finding IS
'Internal: one finding of mask.verify() (severity error|warning|info, policy or NULL when global, object, finding, hint), the row of every internal finding function.';
