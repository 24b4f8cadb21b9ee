-- Member client: one household by its pseudonym token, the way a notice
-- printer finds the household of one unpaid bill.  A single statement, so the
-- token and the lookup use the same key even while the admin rotates it.
-- Every value read (every column of the view, the row as JSON) is appended
-- to mvload_log.seen.
\set aid random(1, :n_arrears)
INSERT INTO mvload_log.seen (client, phase, kind, ref, col, val)
SELECT :client_id, :phase, 'point', :aid, c.col, c.val
  FROM mvload_notice.households AS h
 CROSS JOIN LATERAL pg_catalog.jsonb_each_text(pg_catalog.to_jsonb(h)) AS c(col, val)
 WHERE h.account_no = (SELECT a.account_no FROM mvload_notice.arrears AS a
                        WHERE a.arrear_id = :aid);
