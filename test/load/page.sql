-- Member client: a page of 50 notices (consecutive households), every column
-- but the surrogate key (each row of the view as JSON, one value per column).
\set h random(1, :n_households - 49)
INSERT INTO mvload_log.seen (client, phase, kind, col, val)
SELECT :client_id, :phase, 'page', c.col, c.val
  FROM mvload_notice.households AS h
 CROSS JOIN LATERAL pg_catalog.jsonb_each_text(pg_catalog.to_jsonb(h) - 'household_id') AS c(col, val)
 WHERE h.household_id BETWEEN :h AND :h + 49;
