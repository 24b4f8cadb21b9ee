-- ---------------------------------------------------------------------------
-- mask.detect(): find personal data that no policy masks yet.
--
-- For every text-like column of every table it combines two kinds of
-- evidence:
--   * the column's name, against Chinese and English dictionaries
--     (xingming/name, dianhua/phone, shenfenzheng/id_card, dizhi/address,
--     youxiang/email, yinhangka/card, ...; the Chinese words are written
--     below as UTF-8 hex, see why further down);
--   * a sample of the column's values, checked with the validators: ID check
--     character and date, mobile and landline shapes (the cn_phone parser),
--     Luhn, e-mail shape, address levels in order (the cn_address parser),
--     Han-name shape (common surname + given name, or a middle-dot name: the
--     cn_name classifier).
-- Neither alone is trusted: a column called c7 full of valid ID numbers is
-- found from its contents, a column called phone full of free text is
-- reported with low confidence.  The report carries only names, counts and
-- shares, never a value, which is why auditors may run it (see mask.detect).
--
-- This file is ASCII only, like the rest of the install script: the script is
-- read in the database's encoding (EUC_CN databases too), so every Chinese
-- word is written as the hex of its UTF-8 bytes and every value and column
-- name is compared after pg_catalog.convert_to(..., 'UTF8').  Hex strings of
-- whole characters stay aligned on byte (two-digit) boundaries, which the
-- patterns below keep with '^(..)*' prefixes.  test/sql/40_detect.sql prints
-- the dictionaries decoded, so a reviewer reads them as words.
-- ---------------------------------------------------------------------------

-- The column-name dictionaries: for each pii_type a regular expression over
-- the lower-cased ASCII name, and one over the hex of the name's UTF-8 bytes
-- (its alternatives are whole words, decoded by the test).  English words
-- are matched after camelCase and separators became single spaces, and
-- anchored at word starts and ends (\m, \M) where a bare substring would hit
-- unrelated names (tel in hotel, name in username); what still matches
-- wrongly (product name, card type) is settled by the content evidence.
CREATE FUNCTION mask_internal._detect_dictionary()
RETURNS TABLE (pii_type text, ascii_pattern text, utf8_hex_alternatives text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES
    ('id_card',
     '(\mid ?card|\mid ?no\M|\mid ?num|identity|citizen ?id|national ?id|\msfz|\mzjhm|cert ?no|passport)',
     -- shenfenzheng zhengjianhao zhengjian shenfenhao gongmin shenfen
     'e8baabe4bbbde8af81|e8af81e4bbb6e58fb7|e8af81e4bbb6|e8baabe4bbbde58fb7|e585ace6b091e8baabe4bbbd'),
    ('phone',
     '(phone|mobile|\mtel\M|\mtel ?no|telno|landline|\mcell|\mfax\M|msisdn|\msjh\M|\mdh\M|\mcontact)',
     -- dianhua shouji lianxi fangshi zuoji chuanzhen shoujihao
     'e794b5e8af9d|e6898be69cba|e88194e7b3bbe696b9e5bc8f|e5baa7e69cba|e4bca0e79c9f|e6898be69cbae58fb7'),
    ('bank_card',
     '(card|\mbank|account|\macct|\miban\M|\myhk\M)',
     -- yinhangka kahao zhanghao (two spellings) yinhang kaihu
     'e993b6e8a18ce58da1|e58da1e58fb7|e8b4a6e58fb7|e5b890e58fb7|e993b6e8a18c|e5bc80e688b7'),
    ('email',
     '(e ?mail|\mmail|\myx\M)',
     -- youxiang youjian dianziyou
     'e982aee7aeb1|e982aee4bbb6|e794b5e5ad90e982ae'),
    ('address',
     '(addr|adress|residence|domicile|\mdz\M|\mzz\M)',
     -- dizhi zhuzhi juzhudi zhusuo huji menpai
     'e59cb0e59d80|e4bd8fe59d80|e5b185e4bd8fe59cb0|e4bd8fe68980|e688b7e7b18d|e997a8e7898c'),
    ('name',
     '(\mnames?\M|fullname|holder|surname|\mcontact|\mxm\M)',
     -- xingming huzhu lianxiren mingzi huming yezhu chikaren kehuming zhuhu zuhu
     'e5a793e5908d|e688b7e4b8bb|e88194e7b3bbe4baba|e5908de5ad97|e688b7e5908d|e4b89ae4b8bb|e68c81e58da1e4baba|e5aea2e688b7e5908d|e4bd8fe688b7|e7a79fe688b7')
$$;

COMMENT ON FUNCTION mask_internal._detect_dictionary() IS
'Internal: the column-name dictionaries of mask.detect() (ASCII patterns and UTF-8 hex words per pii_type).';

-- The pii_types whose dictionary the column name matches.
CREATE FUNCTION mask_internal._detect_name_hints(column_name name)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- camelCase and every run of non-alphanumerics become one space, so
    -- that \m and \M (word start and end) see holder_name and holderName as
    -- the words "holder name" (the underscore is a word character to them).
    SELECT COALESCE(pg_catalog.array_agg(d.pii_type), '{}')
      FROM mask_internal._detect_dictionary() d
     WHERE pg_catalog.lower(pg_catalog.regexp_replace(
               pg_catalog.regexp_replace(column_name::text, '([a-z0-9])([A-Z])', '\1 \2', 'g'),
               '[^A-Za-z0-9]+', ' ', 'g')) ~ d.ascii_pattern
        OR pg_catalog.encode(pg_catalog.convert_to(column_name::text, 'UTF8'), 'hex')
               ~ ('^(..)*(' || d.utf8_hex_alternatives || ')')
$$;

COMMENT ON FUNCTION mask_internal._detect_name_hints(name) IS
'Internal: the pii_types whose column-name dictionary (Chinese or English) the name matches.';

-- Han-name shape, decided in C by the classifier cn_name masks with and its
-- surname lists (src/core/cn_name.c, cn_surnames.c), so that detect() and
-- the mask agree on what a name is and the lists live in one place: after
-- trimming, two to four Han characters of which the first is a common
-- surname or the first two a compound surname; or two to four runs of Han
-- characters joined by a middle dot (U+00B7, U+2022, U+30FB, U+2027), the
-- form of Uyghur and other transliterated names.  The glue reads the value
-- in UTF-8 whatever the database encoding.
CREATE FUNCTION mask_internal._detect_is_name(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'mv_sql_detect_is_name';

COMMENT ON FUNCTION mask_internal._detect_is_name(text) IS
'Internal (mask.detect): true when the value has the shape of a Han personal name (common or compound surname + 1-3 characters) or of a middle-dot name; the cn_name classifier, in C.';

-- Address: the cn_address parser (the one that masks addresses) recognises
-- at least two levels in order (district then road, community then building,
-- ...) and they make up at least half of the value.  Counting levels: each
-- keep_level gives the recognised prefix up to that level followed by one
-- mask char, so the number of distinct non-empty results is the number of
-- levels found.  One level alone (a district followed by free text, a
-- street name in a sentence) is
-- not enough.
CREATE FUNCTION mask_internal._detect_is_address(value text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.octet_length(value) > pg_catalog.length(value)
       AND (SELECT pg_catalog.count(DISTINCT o.kept) FILTER (WHERE o.kept <> '*') >= 2
               AND 2 * (pg_catalog.max(pg_catalog.length(o.kept)) - 1) >= pg_catalog.length(pg_catalog.btrim(value))
              FROM pg_catalog.unnest(ARRAY['province', 'city', 'district', 'town', 'road',
                                           'community', 'building', 'unit', 'floor', 'room']) l(level)
             CROSS JOIN LATERAL (SELECT mask.cn_address(pg_catalog.btrim(value), l.level, '*', 1) AS kept) o)
$$;

COMMENT ON FUNCTION mask_internal._detect_is_address(text) IS
'Internal (mask.detect): true when cn_address recognises at least two address levels in order and they cover at least half of the value.';

-- Phone: the cn_phone parser recognises a mobile, landline or 400/800
-- number; anything else it redacts whole, so a kept digit means recognised.
CREATE FUNCTION mask_internal._detect_is_phone(value text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask.cn_phone(value, '*') ~ '[0-9]'
$$;

COMMENT ON FUNCTION mask_internal._detect_is_phone(text) IS
'Internal (mask.detect): true when cn_phone recognises a mobile, landline or 400/800 number (it keeps some digits).';

CREATE FUNCTION mask_internal._detect_is_email(value text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.btrim(value) ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$'
$$;

COMMENT ON FUNCTION mask_internal._detect_is_email(text) IS
'Internal (mask.detect): true for local@domain.tld (no spaces, one @, a dotted domain).';

-- Rough row count of a table, a partitioned table (sum of its leaves) or a
-- materialized view, used only to size the sample.  Never-analysed relations
-- (reltuples = -1) are guessed from their size at 30 rows per 8 kB page: a
-- low guess only makes the sampling percentage larger, and LIMIT still stops
-- the scan at sample_rows.
CREATE FUNCTION mask_internal._detect_estimated_rows(relation regclass)
RETURNS double precision
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.sum(CASE WHEN c.reltuples >= 0 THEN c.reltuples::double precision
                                        ELSE pg_catalog.pg_relation_size(c.oid) / 8192.0 * 30 END), 0)
      FROM pg_catalog.pg_class c
     WHERE c.oid = relation AND c.relkind IN ('r', 'm')
        OR c.oid IN (SELECT t.relid FROM pg_catalog.pg_partition_tree(relation) t
                      WHERE t.isleaf AND t.relid <> relation)
$$;

COMMENT ON FUNCTION mask_internal._detect_estimated_rows(regclass) IS
'Internal (mask.detect): estimated rows of a table, materialized view or partitioned table, to size its sample.';

-- The query that counts, over a sample of a relation (relkind kind), the
-- non-null values of each text-like column (string category, domains over
-- them included) and the matches of each validator, one row per column:
-- (attnum, nonnull, id_card, bank_card, phone, email, address, name).
-- NULL when the relation has no such column.
CREATE FUNCTION mask_internal._detect_sample_query(rel regclass, kind "char", sample_rows integer)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_from text;
    v_cols text;
    v_vals text;
    v_est  double precision;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.format('s.%I', a.attname), ', ' ORDER BY a.attnum),
           -- COLLATE "C": a column with a nondeterministic collation would
           -- make the validators' regular expressions fail.
           pg_catalog.string_agg(pg_catalog.format('(%s::smallint, s.%I::text COLLATE "C")', a.attnum, a.attname),
                                 ', ' ORDER BY a.attnum)
      INTO v_cols, v_vals
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd'
     WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
       AND COALESCE(b.typcategory, t.typcategory) = 'S';
    IF v_cols IS NULL THEN
        RETURN NULL;
    END IF;

    -- Sample: small relations are read whole (up to sample_rows rows);
    -- larger ones through TABLESAMPLE sized from the row estimate, with some
    -- headroom so the sample is rarely short.  BERNOULLI picks rows
    -- uniformly but visits every page; above 100,000 rows SYSTEM picks whole
    -- pages and reads only those, which keeps large tables fast.  REPEATABLE
    -- makes two runs on the same data agree.  ONLY: inheritance children are
    -- reported on their own (a partitioned table is read through its leaves).
    v_from := pg_catalog.format('%s %I.%I AS s', CASE WHEN kind = 'p' THEN '' ELSE 'ONLY' END,
                                n.nspname, c.relname)
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = rel;
    v_est := mask_internal._detect_estimated_rows(rel);
    IF v_est > 2.0 * sample_rows THEN
        v_from := v_from || CASE WHEN v_est > 100000
            THEN pg_catalog.format(' TABLESAMPLE SYSTEM (%s) REPEATABLE (0)',
                                   LEAST(100, 150.0 * sample_rows / v_est))
            ELSE pg_catalog.format(' TABLESAMPLE BERNOULLI (%s) REPEATABLE (0)',
                                   LEAST(100, 120.0 * sample_rows / v_est)) END;
    END IF;

    -- One pass over the sample for every column: unpivot to (attnum, value),
    -- count non-null values and the matches of each validator.  Values
    -- longer than 512 bytes count as non-matching (no personal datum of
    -- these kinds is that long, and it bounds the validators' work).
    RETURN pg_catalog.format(
        'SELECT x.attnum, pg_catalog.count(x.v) AS nonnull,'
        ' pg_catalog.count(*) FILTER (WHERE mask.cn_id_card_valid(x.sv)) AS id_card,'
        ' pg_catalog.count(*) FILTER (WHERE mask.luhn_valid(x.sv)) AS bank_card,'
        ' pg_catalog.count(*) FILTER (WHERE mask_internal._detect_is_phone(x.sv)) AS phone,'
        ' pg_catalog.count(*) FILTER (WHERE mask_internal._detect_is_email(x.sv)) AS email,'
        ' pg_catalog.count(*) FILTER (WHERE mask_internal._detect_is_address(x.sv)) AS address,'
        ' pg_catalog.count(*) FILTER (WHERE mask_internal._detect_is_name(x.sv)) AS name'
        ' FROM (SELECT %s FROM %s LIMIT %s) s'
        ' CROSS JOIN LATERAL (VALUES %s) u(attnum, v)'
        ' CROSS JOIN LATERAL (SELECT u.attnum, u.v, CASE WHEN pg_catalog.octet_length(u.v) <= 512'
        ' THEN u.v END AS sv) x'
        ' GROUP BY x.attnum ORDER BY x.attnum',
        v_cols, v_from, sample_rows, v_vals);
END;
$$;

COMMENT ON FUNCTION mask_internal._detect_sample_query(regclass, "char", integer) IS
'Internal (mask.detect): the query counting, over a sample of a relation, the non-null values of each text-like column and the matches of each validator; NULL without such columns.';


-- The most likely kind of personal data of a column, from its counts (one
-- row of mask_internal._detect_sample_query, as JSON) and the kinds its
-- name suggests (hints): (pii_type, confidence, hits), no row when none.
-- Reading order decides ties: the stricter validators first.
CREATE FUNCTION mask_internal._detect_classify(counts jsonb, hints text[],
                                               OUT pii_type text, OUT confidence double precision,
                                               OUT hits bigint)
RETURNS SETOF record
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_nonnull bigint := (counts ->> 'nonnull')::bigint;
    v_type    text;
    v_hits    bigint;
    v_share   double precision;
    v_conf    double precision;
BEGIN
    confidence := 0;
    FOREACH v_type IN ARRAY ARRAY['id_card', 'bank_card', 'phone', 'email', 'address', 'name'] LOOP
        v_hits := (counts ->> v_type)::bigint;
        v_share := CASE WHEN v_nonnull > 0 THEN v_hits::double precision / v_nonnull ELSE 0 END;
        -- Any 12-19 digit number passes Luhn one time in ten (ID numbers,
        -- order numbers): only the share above that chance level counts.
        IF v_type = 'bank_card' THEN
            v_share := GREATEST(0, (v_share - 0.1) / 0.9);
        END IF;
        -- The share counts for less when few values were seen:
        -- n / (n + 2) is 0.91 for 20 values, 0.998 for 1000.
        v_share := v_share * v_nonnull / (v_nonnull + 2.0);
        IF v_type = ANY (hints) THEN
            -- Name and content: the name alone is worth 0.4 when there is
            -- nothing to check, 0.25 when the contents contradict it.
            v_conf := CASE WHEN v_nonnull = 0 THEN 0.4 ELSE 0.25 + 0.75 * v_share END;
        ELSIF v_share >= 0.2 THEN
            v_conf := v_share;          -- contents alone
        ELSE
            v_conf := 0;                -- a few stray matches are noise
        END IF;
        IF v_conf > confidence THEN
            pii_type := v_type;
            confidence := v_conf;
            hits := v_hits;
        END IF;
    END LOOP;
    IF pii_type IS NOT NULL THEN
        RETURN NEXT;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._detect_classify(jsonb, text[]) IS
'Internal (mask.detect): the most likely kind of personal data of a column from its sampled counts and the hints of its name, with its confidence.';


-- One relation: samples it once for all its text-like columns and returns
-- one row per column judged to hold personal data (or whose name says so).
-- Not SECURITY DEFINER itself: mask.detect() and mask.verify() call it with
-- the extension owner's rights; anyone else calling it directly (EXECUTE is
-- revoked from PUBLIC) would read with their own.
CREATE FUNCTION mask_internal._detect_relation(target regclass, sample_rows integer)
RETURNS TABLE (relation regclass, "column" name, pii_type text, confidence real,
               evidence text, suggested_rule text, covered_by name[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rel   regclass := _detect_relation.target;
    v_kind  "char";
    v_sql   text;
    v_stats jsonb;
    v_stat  jsonb;
    v_name  name;
    v_hints text[];
    v_best  record;
BEGIN
    SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid = v_rel;
    IF v_kind IS NULL OR v_kind NOT IN ('r', 'p', 'm') THEN
        RAISE EXCEPTION 'relation % is not a table, partitioned table or materialized view', v_rel
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF sample_rows IS NULL OR sample_rows < 1 OR sample_rows > 1000000 THEN
        RAISE EXCEPTION 'sample_rows must be between 1 and 1000000'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_kind = 'm' AND NOT (SELECT c.relispopulated FROM pg_catalog.pg_class c WHERE c.oid = v_rel) THEN
        RETURN;     -- nothing to read until REFRESH MATERIALIZED VIEW
    END IF;
    v_sql := mask_internal._detect_sample_query(v_rel, v_kind, sample_rows);
    IF v_sql IS NULL THEN
        RETURN;
    END IF;

    -- Read in a subtransaction that is rolled back: its ACCESS SHARE lock on
    -- the table goes with it, so an auditor running detect() or verify() in
    -- an open transaction never blocks the owner's ALTER TABLE (readers never
    -- block writers).  The counts survive in a variable.
    BEGIN
        EXECUTE 'SELECT COALESCE(pg_catalog.jsonb_agg(q ORDER BY q.attnum), ''[]'') FROM (' || v_sql || ') q'
           INTO v_stats;
        RAISE EXCEPTION 'maskview detect rollback' USING ERRCODE = 'MVV01';
    EXCEPTION WHEN SQLSTATE 'MVV01' THEN
        NULL;
    END;
    FOR v_stat IN SELECT e FROM pg_catalog.jsonb_array_elements(v_stats) e LOOP
        SELECT a.attname INTO v_name FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = v_rel AND a.attnum = (v_stat ->> 'attnum')::smallint;
        v_hints := mask_internal._detect_name_hints(v_name);
        SELECT * INTO v_best FROM mask_internal._detect_classify(v_stat, v_hints);
        CONTINUE WHEN NOT FOUND;

        relation := v_rel;
        "column" := v_name;
        pii_type := v_best.pii_type;
        confidence := pg_catalog.round(v_best.confidence::numeric, 2)::real;
        evidence := pg_catalog.format('name: %s (%s); content: %s',
            v_name,
            CASE WHEN v_best.pii_type = ANY (v_hints) THEN v_best.pii_type || ' dictionary'
                 WHEN pg_catalog.cardinality(v_hints) > 0
                 THEN pg_catalog.array_to_string(v_hints, ', ') || ' dictionary'
                 ELSE 'no dictionary match' END,
            CASE WHEN (v_stat ->> 'nonnull')::bigint = 0 THEN 'no non-null value in the sample'
                 ELSE pg_catalog.format('%s/%s sampled values %s', v_best.hits, v_stat ->> 'nonnull',
                     CASE v_best.pii_type
                         WHEN 'id_card' THEN 'are valid resident ID numbers (check character and date)'
                         WHEN 'bank_card' THEN 'are 12-19 digit numbers passing the Luhn check (1 in 10 by chance)'
                         WHEN 'phone' THEN 'are mobile, landline or 400/800 numbers'
                         WHEN 'email' THEN 'have the shape of an e-mail address'
                         WHEN 'address' THEN 'are addresses with at least two levels in order'
                         ELSE 'have the shape of a personal name (common surname, or middle dot)' END)
            END);
        suggested_rule := pg_catalog.format('mask.%s(%I)',
            CASE v_best.pii_type WHEN 'id_card' THEN 'cn_id_card' WHEN 'bank_card' THEN 'bank_card'
                                 WHEN 'phone' THEN 'cn_phone' WHEN 'email' THEN 'email'
                                 WHEN 'address' THEN 'cn_address' ELSE 'cn_name' END,
            v_name);
        -- Policies that show this column masked or as NULL (a PASS rule shows
        -- it raw; no rule hides it, which mask.verify() reports separately).
        SELECT COALESCE(pg_catalog.array_agg(DISTINCT p.name ORDER BY p.name), '{}')
          INTO covered_by
          FROM mask.rule r JOIN mask.policy p ON p.id = r.policy_id
         WHERE r.relation = v_rel AND r.column_name = v_name
           AND r.action IN ('mask', 'null') AND NOT r.orphaned;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._detect_relation(regclass, integer) IS
'Internal: mask.detect() for one table, partitioned table or materialized view.';

CREATE FUNCTION mask.detect(schema name DEFAULT NULL, sample_rows integer DEFAULT 1000)
RETURNS TABLE (relation regclass, "column" name, pii_type text, confidence real,
               evidence text, suggested_rule text, covered_by name[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: an auditor must find personal data in tables it may not
-- read.  That is safe because only names, counts and shares leave this
-- function, never a value: the sampled values go into the validators and
-- nothing else.  EXECUTE is revoked from PUBLIC; mask.grant_auditor() and
-- mask.grant_admin() grant it.
DECLARE
    v_rel regclass;
BEGIN
    IF sample_rows IS NULL OR sample_rows < 1 OR sample_rows > 1000000 THEN
        RAISE EXCEPTION 'sample_rows must be between 1 and 1000000'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('sample_rows was %s.', COALESCE(sample_rows::text, 'NULL'));
    END IF;
    IF detect.schema IS NOT NULL
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = detect.schema) THEN
        RAISE EXCEPTION 'schema "%" does not exist', detect.schema
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Tables, partitioned tables (not their partitions: the parent reads
    -- them) and materialized views; no views (they show what is in tables),
    -- no foreign tables (reading them would reach out to other servers), no
    -- temporary tables (other sessions' cannot be read).  Without a schema:
    -- every schema except the system ones and mask.
    FOR v_rel IN
        SELECT c.oid::regclass
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
           AND c.relpersistence <> 't'
           AND CASE WHEN detect.schema IS NOT NULL THEN n.nspname = detect.schema
                    ELSE n.nspname NOT IN ('pg_catalog', 'information_schema', 'mask', 'mask_internal')
                         AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)' END
         ORDER BY n.nspname, c.relname
    LOOP
        RETURN QUERY SELECT * FROM mask_internal._detect_relation(v_rel, sample_rows);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask.detect(name, integer) IS
'Finds columns holding personal data (name, phone, id_card, address, email, bank_card) from column-name dictionaries and validator checks on a sample of the values; returns confidence, evidence (counts only, never values), a ready masking rule and the policies already masking the column. Auditor report.';

