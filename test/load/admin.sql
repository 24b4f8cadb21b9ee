-- Admin client (about once a second, pgbench --rate 1): all moving rules to
-- their tight or loose variant, the spare member added or removed, the key
-- rotated; one transaction, eight audited API calls (see setup.sql).
\set v random(0, 1)
SELECT mvload_ctl.step(:v);
