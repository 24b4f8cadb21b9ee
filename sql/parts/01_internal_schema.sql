-- ---------------------------------------------------------------------------
-- Schema mask_internal: everything of maskview that people do not call or
-- read -- the policy engine's helpers, trigger and event trigger functions,
-- the key views -- so that \df mask.* and \dv mask.* show an auditor the
-- masking functions, the API, the catalog views and the reports only.
-- Created by maskview and owned by the extension owner; PUBLIC gets no
-- USAGE and no EXECUTE on anything in it (90_privileges.sql).  Generated
-- views reach what they need by reference, not by name, so they need no
-- USAGE either.
-- ---------------------------------------------------------------------------

CREATE SCHEMA mask_internal;
