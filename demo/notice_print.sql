-- The printing job as the connected role runs it; demo/notice.sql includes
-- this file once as billing_owner and once as notice_printer, so both run the
-- same query text.  Shows the first eight lines of the community's notice
-- (:prefix) under the heading :heading, then times printing every notice
-- (every line formatted, none sent; median of three runs, server side) into
-- :print_ms and :print_lines.

\ir notice_line.sql

-- The query binds the unqualified names when the temporary view is created:
-- to billing.* for billing_owner (its search_path), to notice.* for
-- notice_printer (set by mask.add_member).
CREATE TEMPORARY VIEW all_notices AS
SELECT h.address AS addr, a.period,
       pg_temp.notice_line(h.holder_name, h.address, h.account_no,
                           a.period, a.utility, a.amount, a.due_date) AS line
FROM households AS h
JOIN arrears AS a ON a.household_id = h.household_id;

SELECT n.line AS :"heading"
FROM pg_temp.all_notices AS n
WHERE n.addr LIKE :'prefix' || '%'
ORDER BY n.addr COLLATE "C", n.period
LIMIT 8;

DO $t$
DECLARE
    t  timestamptz;
    ms float8[] := '{}';
    n  bigint;
    b  bigint;
BEGIN
    FOR i IN 1..3 LOOP
        t := pg_catalog.clock_timestamp();
        SELECT pg_catalog.count(*), pg_catalog.sum(pg_catalog.octet_length(l.line)) INTO n, b
        FROM pg_temp.all_notices AS l;
        ms := ms || (1000 * extract(epoch FROM pg_catalog.clock_timestamp() - t))::float8;
    END LOOP;
    PERFORM pg_catalog.set_config('demo.print_ms',
        (SELECT pg_catalog.percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
         FROM pg_catalog.unnest(ms) AS x)::text, false);
    PERFORM pg_catalog.set_config('demo.print_lines', n::text, false);
END $t$;

SELECT pg_catalog.current_setting('demo.print_ms') AS print_ms,
       pg_catalog.current_setting('demo.print_lines') AS print_lines \gset
