-- The community whose notice the demo shows, in :community (sample.sql and
-- notice.sql show the same one): the 镜湖区 community with the most bills in
-- arrears, found through its masked address so that the "before" and "after"
-- notices are about the same households.
SELECT c.community
FROM (SELECT mask.cn_address(h.address, 'community') AS community, pg_catalog.count(*) AS bills
      FROM billing.arrears AS a JOIN billing.households AS h USING (household_id)
      WHERE h.address LIKE '安徽省芜湖市镜湖区%'
      GROUP BY 1) AS c
WHERE c.community LIKE '安徽省芜湖市镜湖区_%****'
ORDER BY c.bills DESC, c.community
LIMIT 1 \gset
