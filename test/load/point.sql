-- Member client: one household by its pseudonym token, the way a notice
-- printer finds the household of one unpaid bill.  A single statement, so the
-- token and the lookup use the same key even while the admin rotates it.
-- Every value read is appended to mvload_log.seen.
\set aid random(1, :n_arrears)
INSERT INTO mvload_log.seen (client, phase, kind, ref, col, val)
SELECT :client_id, :phase, 'point', :aid, c.col, c.val
  FROM mvload_notice.households AS h
 CROSS JOIN LATERAL (VALUES ('household_id', h.household_id::text),
                            ('account_no', h.account_no),
                            ('holder_name', h.holder_name),
                            ('mobile', h.mobile),
                            ('landline', h.landline),
                            ('id_card', h.id_card),
                            ('address', h.address),
                            ('bank_card', h.bank_card),
                            ('email', h.email),
                            ('opened_on', h.opened_on::text)) AS c(col, val)
 WHERE h.account_no = (SELECT a.account_no FROM mvload_notice.arrears AS a
                        WHERE a.arrear_id = :aid);
