-- Member client: a page of 50 notices (consecutive households), every column.
\set h random(1, :n_households - 49)
INSERT INTO mvload_log.seen (client, phase, kind, col, val)
SELECT :client_id, :phase, 'page', c.col, c.val
  FROM mvload_notice.households AS h
 CROSS JOIN LATERAL (VALUES ('account_no', h.account_no),
                            ('holder_name', h.holder_name),
                            ('mobile', h.mobile),
                            ('landline', h.landline),
                            ('id_card', h.id_card),
                            ('address', h.address),
                            ('bank_card', h.bank_card),
                            ('email', h.email),
                            ('opened_on', h.opened_on::text)) AS c(col, val)
 WHERE h.household_id BETWEEN :h AND :h + 49;
