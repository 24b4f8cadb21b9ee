-- Fuzz target for test/attacks/validator_fuzz.sh: a protected table owned by
-- a non-superuser, a policy admin who is not a superuser, and canaries that
-- any executed payload would disturb.  Run as a superuser in a fresh
-- database; the file mvfz_canary.txt in the data directory holds a
-- string that must never show up anywhere.
SET client_min_messages = warning;
CREATE EXTENSION maskview;

CREATE ROLE mvfz_owner NOLOGIN;
CREATE ROLE mvfz_admin NOLOGIN;
CREATE ROLE mvfz_member NOLOGIN;
SELECT mask.grant_admin('mvfz_admin');

CREATE SCHEMA fz AUTHORIZATION mvfz_owner;
CREATE TABLE fz.accounts (
    id           integer PRIMARY KEY,
    holder_name  text,
    phone        text,
    id_card      text,
    address      text,
    account_no   text,
    email        text,
    amount       numeric(12,2),
    active       boolean,
    opened       date,
    "Mixed Case" text,
    "we""ird"    text,
    "户主 姓名"  text,
    "select"     text
);
ALTER TABLE fz.accounts OWNER TO mvfz_owner;
-- An admin publishes only what it could read itself.
GRANT USAGE ON SCHEMA fz TO mvfz_admin;
GRANT SELECT ON fz.accounts TO mvfz_admin;
INSERT INTO fz.accounts VALUES
 (1, '张三', '13812345678', '110101199003078515', '安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室',
  'WH0000012345', 'zhang.san@example.com', 123.45, true, '2024-05-17', 'Mixed', 'q"q', '张三', 'sel'),
 (2, '欧阳娜娜', '13900001111', '11010119851212003X', '北京市朝阳区建国路88号2栋1单元501室',
  'WH0000067890', 'ouyang@example.cn', 0, false, '2023-01-02', 'case', 'w', '欧阳娜娜', 'x'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- --------------------------------------------------------------- canaries
-- A row payloads try to change or delete.  The triggers advance a sequence,
-- which survives the rollback of the subtransaction that ran the payload.
CREATE SEQUENCE public.canary_hits;
CREATE TABLE public.canary (id integer PRIMARY KEY, secret text NOT NULL);
INSERT INTO public.canary VALUES (1, 'MVFZ-CANARY-ROW-7f3a');
CREATE TABLE public.canary_log (at timestamptz DEFAULT now(), who text, what text);
CREATE FUNCTION public.canary_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_catalog.nextval('public.canary_hits');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER canary_row BEFORE INSERT OR UPDATE OR DELETE ON public.canary
    FOR EACH ROW EXECUTE FUNCTION public.canary_touched();
CREATE TRIGGER canary_truncate BEFORE TRUNCATE ON public.canary
    FOR EACH STATEMENT EXECUTE FUNCTION public.canary_touched();

-- Functions that must never run.  They claim to be IMMUTABLE (a lie an
-- attacker is free to tell) so that a volatility check alone cannot be
-- what keeps them out.  Each advances the sequence first, then logs.
CREATE FUNCTION public.canary_fn(v text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM pg_catalog.nextval('public.canary_hits');
    RETURN v;
END $$;
CREATE FUNCTION public.canary_bool(v anyelement DEFAULT NULL::text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM pg_catalog.nextval('public.canary_hits');
    RETURN true;
END $$;
CREATE FUNCTION public.canary_write(v text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_catalog.nextval('public.canary_hits');
    INSERT INTO public.canary_log (who, what) VALUES (current_user, v);
    DELETE FROM public.canary;
    RETURN v;
END $$;
-- Shadows of masking and built-in names in public and in a schema that
-- sounds trusted.
CREATE SCHEMA "Mask";
CREATE FUNCTION public.cn_name(text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
CREATE FUNCTION public.pseudonym(text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
CREATE FUNCTION public.redact(text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
CREATE FUNCTION public.length(text) RETURNS integer LANGUAGE sql IMMUTABLE AS
    $$ SELECT pg_catalog.length(public.canary_fn($1)) $$;
CREATE FUNCTION public.textlen(text) RETURNS integer LANGUAGE sql IMMUTABLE AS
    $$ SELECT pg_catalog.length(public.canary_fn($1)) $$;
CREATE FUNCTION "Mask".cn_name(text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
-- Not part of the extension although it lives in schema mask (a superuser
-- put it there): the name and the schema must not be enough.
CREATE FUNCTION mask.cn_name(integer) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1::text) $$;
CREATE FUNCTION mask.redact(text, text, integer, integer) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_fn($1) $$;
-- An operator, a type and a domain whose check runs a canary.
CREATE FUNCTION public.canary_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_bool($1) $$;
CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = public.canary_eq);
CREATE FUNCTION public.canary_teq(text, integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS
    $$ SELECT public.canary_bool($1) $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.canary_teq);
CREATE DOMAIN public.dtext AS text CHECK (public.canary_bool(VALUE));
CREATE TYPE public.mood AS ENUM ('ok');
CREATE CAST (integer AS public.mood) WITH INOUT;
CREATE TABLE public.other (secret text);
INSERT INTO public.other VALUES ('MVFZ-OTHER-TABLE-SECRET-91c2');

GRANT USAGE ON SCHEMA public, "Mask" TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;

-- The file a payload would read with pg_read_file or lo_import.
SELECT pg_catalog.current_setting('data_directory') || '/mvfz_canary.txt' AS canary_file_abs \gset
COPY (SELECT 'MVFZ-FILE-CANARY-4e1d') TO :'canary_file_abs';

SELECT mask.create_policy('fz_policy', 'fz_view');
SELECT mask.protect('fz_policy', 'fz.accounts', 'amount > 0');
SELECT mask.set_rule('fz_policy', 'fz.accounts', 'id', 'PASS');
SELECT mask.set_rule('fz_policy', 'fz.accounts', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule('fz_policy', 'fz.accounts', 'account_no', 'mask.pseudonym(account_no)');
SELECT mask.add_member('fz_policy', 'mvfz_member');
