-- Stand-in data generator for the benchmark, used only while
-- demo/generate_data.sql does not exist yet (run_bench.sh picks the demo
-- generator as soon as it lands). Same tables and columns as the demo data:
-- billing.households and billing.arrears, deterministic, no real person.
--
--   psql -v households=1000000 -f bench/fallback_data.sql

\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS billing;
DROP TABLE IF EXISTS billing.arrears, billing.households;

CREATE TABLE billing.households (
    household_id bigint PRIMARY KEY,
    account_no   text NOT NULL,
    holder_name  text,
    mobile       text,
    landline     text,
    id_card      text,
    address      text,
    bank_card    text,
    email        text,
    opened_on    date
);

CREATE TABLE billing.arrears (
    arrear_id    bigint PRIMARY KEY,
    household_id bigint NOT NULL REFERENCES billing.households,
    account_no   text NOT NULL,
    utility      text NOT NULL,
    period       date NOT NULL,
    amount       numeric(10,2) NOT NULL,
    due_date     date NOT NULL
);

-- Small pick-lists; a row's choice is a pure function of its id (hashint8),
-- so every run produces the same data.
INSERT INTO billing.households
SELECT i,
       'WH' || lpad(i::text, 10, '0'),
       -- surname (one compound in ~1/12) + one or two given-name characters
       (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','欧阳'])[1 + (h1 % 12)]
         || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳'])[1 + (h2 % 12)]
         || CASE WHEN h3 % 3 = 0 THEN '' ELSE
            (ARRAY['华','明','红','平','刚','霞','杰','婷','鹏','燕','辉','玲'])[1 + (h3 % 12)] END,
       '1' || (ARRAY['3','5','7','8','9'])[1 + (h1 % 5)] || lpad((h2 % 1000000000)::text, 9, '0'),
       '0553-' || lpad((h3 % 10000000)::text, 7, '0'),
       '340202' || to_char(date '1950-01-01' + (h1 % 20000)::int, 'YYYYMMDD')
         || lpad((h2 % 1000)::text, 3, '0') || (ARRAY['0','1','2','3','4','5','6','7','8','9','X'])[1 + (h3 % 11)],
       '安徽省芜湖市' || (ARRAY['镜湖区','弋江区','鸠江区','湾沚区','繁昌区','南陵县','无为市'])[1 + (h1 % 7)]
         || (ARRAY['世贸滨江花园小区','新时代公寓','绿地新都会','凤凰家园','赭山社区','汀棠苑'])[1 + (h2 % 6)]
         || (1 + h3 % 30) || '栋' || (1 + h1 % 4) || '单元' || (1 + h2 % 30) || lpad((1 + h3 % 4)::text, 2, '0') || '室',
       '622202' || lpad((h1 % 1000000000)::text, 9, '0') || lpad((h2 % 10000)::text, 4, '0'),
       (ARRAY['zhang','li','wang','liu','chen','yang'])[1 + (h3 % 6)] || (h1 % 10000)
         || '@' || (ARRAY['example.com','mail.example.cn','qq.example.com'])[1 + (h2 % 3)],
       date '2000-01-01' + (h2 % 8000)::int
FROM (SELECT i,
             abs(hashint8(i)) AS h1,
             abs(hashint8(i + 7919)) AS h2,
             abs(hashint8(i + 104729)) AS h3
      FROM generate_series(1, :households) AS i) AS s;

-- Arrears for about a third of the households, one to three periods each.
INSERT INTO billing.arrears
SELECT row_number() OVER (ORDER BY h.household_id, p.n),
       h.household_id, h.account_no,
       (ARRAY['water','electricity','gas'])[1 + (abs(hashint8(h.household_id + p.n)) % 3)],
       date '2024-01-01' + make_interval(months => p.n),
       round((abs(hashint8(h.household_id * 3 + p.n)) % 50000) / 100.0, 2),
       date '2024-02-15' + make_interval(months => p.n)
FROM billing.households AS h
CROSS JOIN LATERAL generate_series(1, 1 + (abs(hashint8(h.household_id + 31)) % 3)::int) AS p(n)
WHERE h.household_id % 3 = 0;
