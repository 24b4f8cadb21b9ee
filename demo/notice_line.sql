-- One line of the arrears notice as the utility prints it, written once for
-- the demo's "before" and "after" prints: the household's name, address and
-- account number as given (raw or masked), then the bill.  Defines
-- pg_temp.notice_line for this session (each role's connection runs it).
--
--   \ir notice_line.sql
--
-- STABLE like to_char and format, so the planner inlines it: timing the print
-- times the query, not a function call per line.

CREATE FUNCTION pg_temp.notice_line(holder_name text, address text, account_no text,
                                    period date, utility text, amount numeric, due_date date)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT pg_catalog.format('%s  %s  户号 %s  %s %s  欠费 %s 元，请于 %s 前缴纳',
               holder_name, address, account_no,
               pg_catalog.to_char(period, 'YYYY"年"MM"月"'),
               CASE utility WHEN 'water' THEN '水费' WHEN 'electricity' THEN '电费' ELSE '燃气费' END,
               pg_catalog.to_char(amount, 'FM999990.00'),
               pg_catalog.to_char(due_date, 'YYYY-MM-DD'))
$$;
