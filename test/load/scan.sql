-- Member client: full scans.  Aggregates over every masked column of the
-- whole view (every row is masked to compute them), then the buildings with
-- the most unpaid bills (a join of the two views on the pseudonym token).
-- What the member sees, i.e. the aggregates' results, is recorded.
INSERT INTO mvload_log.seen (client, phase, kind, col, val)
SELECT :client_id, :phase, 'scan', c.col, c.val
  FROM (SELECT pg_catalog.count(*) AS n,
               pg_catalog.count(DISTINCT h.account_no) AS tokens,
               pg_catalog.min(h.holder_name) AS name_lo, pg_catalog.max(h.holder_name) AS name_hi,
               pg_catalog.min(h.mobile) AS mobile_lo, pg_catalog.max(h.mobile) AS mobile_hi,
               pg_catalog.min(h.landline) AS landline_lo, pg_catalog.max(h.landline) AS landline_hi,
               pg_catalog.min(h.id_card) AS id_lo, pg_catalog.max(h.id_card) AS id_hi,
               pg_catalog.min(h.address) AS addr_lo, pg_catalog.max(h.address) AS addr_hi,
               pg_catalog.min(h.bank_card) AS card_lo, pg_catalog.max(h.bank_card) AS card_hi,
               pg_catalog.min(h.email) AS email_lo, pg_catalog.max(h.email) AS email_hi,
               pg_catalog.min(h.opened_on::text) AS opened_lo
          FROM mvload_notice.households AS h) AS s
 CROSS JOIN LATERAL (VALUES ('count', s.n::text), ('count_tokens', s.tokens::text),
                            ('holder_name', s.name_lo), ('holder_name', s.name_hi),
                            ('mobile', s.mobile_lo), ('mobile', s.mobile_hi),
                            ('landline', s.landline_lo), ('landline', s.landline_hi),
                            ('id_card', s.id_lo), ('id_card', s.id_hi),
                            ('address', s.addr_lo), ('address', s.addr_hi),
                            ('bank_card', s.card_lo), ('bank_card', s.card_hi),
                            ('email', s.email_lo), ('email', s.email_hi),
                            ('opened_on', s.opened_lo)) AS c(col, val);
INSERT INTO mvload_log.seen (client, phase, kind, col, val)
SELECT :client_id, :phase, 'group', 'address', g.address
  FROM (SELECT h.address, pg_catalog.count(*) AS bills, pg_catalog.sum(a.amount) AS owed
          FROM mvload_notice.households AS h
          JOIN mvload_notice.arrears AS a ON a.account_no = h.account_no
         GROUP BY h.address
         ORDER BY bills DESC, owed DESC
         LIMIT 20) AS g;
