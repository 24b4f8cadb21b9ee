#!/usr/bin/perl
# Generates the inputs of test/attacks/validator_fuzz.sh: masking rules and
# row filters, random and mutated, as COPY text rows
#     id  kind  target  column  expression
# for fuzz.input (test/fuzz_sql/runner.sql).
#
#   perl generate.pl SEED COUNT PAYLOADS_FILE > input.copy
#
# Deterministic for a given seed (Perl's own rand, srand(SEED); no hash is
# ever iterated).  Kinds:
#   control_ok / control_bad  known answers: the run is void unless the first
#                             are all accepted and the second all refused
#   payload    a line of payloads.txt as is, or embedded in a literal, an
#              identifier, an argument list or a larger expression
#   grammar    a random tree from the grammar below (calls, nested calls,
#              casts, operators, sublinks, literals of every lexical kind,
#              comments, semicolons, quoted and qualified names, named
#              arguments, arrays, rows, parameters), sometimes decorated
#              with a trailing statement, clause, comment or odd white space
#   mutated    a payload, grammar output or valid rule with 1-4 random
#              character-level edits or splices
#   long       inputs around the 10,000-byte limit and far beyond it
#   deep       nesting around the 32-level limit and far beyond it
# The schema the names refer to is test/fuzz_sql/setup.sql.
use strict;
use warnings;
use utf8;

my ($seed, $count, $payload_file) = @ARGV;
die "usage: generate.pl SEED COUNT PAYLOADS_FILE\n" unless defined $payload_file;
srand($seed);
binmode STDOUT, ':encoding(UTF-8)';

# ------------------------------------------------------------ the corpus
my @payloads;
open my $fh, '<:encoding(UTF-8)', $payload_file or die "$payload_file: $!\n";
while (my $line = <$fh>) {
    chomp $line;
    next if $line =~ /^#/ || $line eq '';
    if ($line =~ s/^\\e //) {
        $line =~ s/\\(x\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{2})|n|t|r|\\)/
            defined $2 ? chr(hex $2) : defined $3 ? chr(hex $3)
            : $1 eq 'n' ? "\n" : $1 eq 't' ? "\t" : $1 eq 'r' ? "\r" : "\\"/ge;
    }
    push @payloads, $line;
}
close $fh;

# -------------------------------------------------------------- helpers
sub pick { return $_[int(rand(@_))]; }
sub chance { return rand() < $_[0]; }
sub quote_ident { my $s = shift; $s =~ s/"/""/g; return "\"$s\""; }
sub quote_lit { my $s = shift; $s =~ s/'/''/g; return "'$s'"; }

# ------------------------------------------------------- grammar: names
my @text_cols = ('holder_name', 'phone', 'id_card', 'address', 'account_no', 'email',
                 'Mixed Case', 'we"ird', '户主 姓名', 'select');
my @other_cols = ('id', 'amount', 'active', 'opened');
my @all_cols = (@text_cols, @other_cols);
my @missing_cols = ('nope', 'secret', 'key', 'HOLDER_NAME', 'holder name', 'Holder_Name',
                    '户主', 'accounts', 'fz', 'mask', 'pg_catalog', '');
my @system_cols = ('ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid');
# set_rule's column_name argument: mostly real columns
my @rule_targets = (@all_cols, @all_cols, @all_cols, 'nope', 'HOLDER_NAME', 'ctid', '');

my @trusted = qw(partial redact digits email cn_name cn_phone cn_id_card cn_address
                 bank_card pseudonym generalize);
my @mask_other = qw(cn_id_card_valid cn_mobile_valid luhn_valid _random_bytes _new_key
                    _regenerate_policy _validate_expression set_rule create_policy
                    drop_policy grant_admin trust_function _audit _internal_begin
                    _key_sql verify detect export_policy import_policy linkability);
my @builtin_safe = qw(lower upper length char_length btrim ltrim rtrim left right substr
                      md5 abs round trunc floor ceil coalesce nullif greatest least concat
                      concat_ws format replace translate split_part starts_with position
                      date_trunc date_part to_char to_date to_number now age
                      textlen octet_length reverse repeat lpad rpad initcap quote_ident
                      quote_literal encode decode sha256 regexp_replace regexp_match
                      jsonb_build_object row_to_json to_jsonb array_length);
my @builtin_bad = qw(pg_read_file pg_read_binary_file pg_ls_dir pg_stat_file lo_import
                     lo_export set_config current_setting pg_sleep pg_terminate_backend
                     pg_cancel_backend pg_reload_conf txid_current nextval setval currval
                     random gen_random_uuid clock_timestamp pg_advisory_lock query_to_xml
                     table_to_xml cursor_to_xml ts_stat ts_rewrite dblink dblink_exec
                     pg_switch_wal pg_logical_emit_message pg_notify pg_backend_pid
                     string_agg array_agg count sum max row_number generate_series unnest
                     json_populate_record pg_get_viewdef has_table_privilege to_regclass
                     pg_get_userbyid version inet_server_addr);
my @user_funcs = ('public.canary_fn', 'canary_fn', 'public.canary_bool', 'public.canary_write',
                  'public.cn_name', 'public.pseudonym', 'public.redact', 'public.lower',
                  'public.length', 'public.textlen', '"Mask".cn_name', 'fz.leak',
                  'pg_temp.cn_name', 'information_schema._pg_truetypid');
my @types = ('text', 'integer', 'int', 'int4', 'int8', 'bigint', 'smallint', 'numeric',
             'numeric(10,2)', 'numeric(1,2,3)', 'numeric(-1)', 'varchar(5)', 'varchar(0)',
             'character varying', 'char(3)', '"char"', 'name', 'bytea', 'boolean', 'bool',
             'date', 'timestamp', 'timestamptz', 'timestamp(3) with time zone', 'interval',
             'interval year to month', 'time', 'json', 'jsonb', 'xml', 'uuid', 'inet',
             'money', 'bit(3)', 'bit varying', 'float8', 'double precision', 'real',
             'regclass', 'regproc', 'regprocedure', 'regtype', 'regrole', 'oid', 'tid',
             'pg_lsn', 'tsvector', 'tsquery', 'text[]', 'integer[]', 'int[][]',
             'text ARRAY', 'pg_catalog.text', 'pg_catalog."text"', '"TEXT"', 'TEXT',
             'public.mood', 'public.dtext', 'fz.accounts', 'mask.policy', 'mask.rule',
             'anyelement', 'anyarray', 'record', 'void', 'cstring', 'internal', 'unknown',
             'trigger', 'nonexistent_type', 'pg_catalog.nonexistent', 'a.b.c',
             'holder_name%TYPE', 'SETOF text', 'text COLLATE "C"', 'double', 'varchar(99999999)');
my @binops = ('+', '-', '*', '/', '%', '^', '||', '=', '<>', '!=', '<', '>', '<=', '>=',
              '~~', '!~~', '~', '~*', '!~', '@>', '<@', '&&', '->', '->>', '#>', '?', '@@',
              '<<', '>>', '&', '|', '#', '===', 'OPERATOR(pg_catalog.=)',
              'OPERATOR(pg_catalog.||)', 'OPERATOR(public.===)', 'OPERATOR(public.=)',
              'OPERATOR(mask.=)', 'OPERATOR(pg_catalog.pg_catalog.=)', 'OPERATOR(===)',
              'AND', 'OR', 'LIKE', 'ILIKE', 'NOT LIKE', 'SIMILAR TO', 'IS DISTINCT FROM',
              'IS NOT DISTINCT FROM', '*/', '/*', '--', ';', '::', ':=', '=>');
my @prefixops = ('-', '+', 'NOT ', '@', '|/', '||/', '~', '!!', 'OPERATOR(pg_catalog.-) ');
my @arg_names = ('value', 'mask_char', 'keep', 'pad', 'key', 'length', 'keep_head',
                 'keep_tail', 'unit', 'step', 'keep_level', 'bogus', '"value"', '"Value"',
                 'VALUE', '"mask_char"', 'x');

# ------------------------------------------------------ grammar: literals
my @odd_chars = ("'", '"', '$', ';', '(', ')', ',', '.', ':', '-', '/', '*', '\\', '[', ']',
                 '{', '}', '|', '&', '<', '>', '=', '!', '?', '@', '#', '%', '^', '~', '+',
                 '`', "\t", "\n", "\r", "\f", "\x01", "\x02", "\x08", "\x0b", "\x1b", "\x1f",
                 "\x7f", "\x{85}", "\x{a0}", "\x{ad}", "\x{301}", "\x{200b}", "\x{200d}",
                 "\x{202e}", "\x{2028}", "\x{3000}", "\x{feff}", "\x{fffd}", "\x{ff07}",
                 "\x{ff1b}", "\x{ff08}", "\x{ff10}", "\x{0663}", "张", "伟", "é", "ß",
                 "\x{1f600}", "\x{10fffd}", 'E', 'U', '&', '0', '9', 'x', ' ');

sub rand_text {
    my $n = int(rand(12));
    my $s = '';
    for (1 .. $n) {
        $s .= chance(0.5) ? pick('a' .. 'z', '张', '三', ' ', '0' .. '9', '*') : pick(@odd_chars);
    }
    return $s;
}

sub literal {
    my $r = int(rand(30));
    return pick('0', '1', '-1', '2', '12', '4', '2147483647', '2147483648', '-2147483649',
                '9223372036854775807', '99999999999999999999999', '00012') if $r < 4;
    return pick('1.5', '.5', '5.', '1e3', '1e400', '-0.0', '1.2.3', '0x1F', '0b101', '0o17',
                '1_000', '3abc', 'NaN', "'NaN'", "'Infinity'") if $r < 6;
    return quote_lit(pick('*', '#', 'x', '', ' ', '**', 'surname', 'given', 'all', 'none',
                          'province', 'city', 'district', 'street', 'year', 'month', 'day',
                          '2024-01-01', '13812345678', 'NULL', 'PASS', 'true')) if $r < 12;
    return quote_lit(rand_text()) if $r < 15;
    if ($r < 17) {                              # E'' with escapes
        my $s = rand_text();
        $s =~ s/\\/\\\\/g; $s =~ s/'/\\'/g;
        $s .= pick('\\x41', '\\101', '\\u0041', '\\U0001F600', '\\n', '\\t', '\\\\', "\\'",
                   '\\x27', '\\000', '\\x00', '\\u0000', '\\uD800', '\\U00110000', '\\xZZ',
                   '\\', '\\b', '\\f', '\\r', '\\z');
        return pick('E', 'e') . "'$s'";
    }
    if ($r < 19) {                              # U&'' and U&""
        my $esc = pick('\\0041', '\\+01F600', '\\0027', '\\0000', '\\D800', '\\XYZW', '\\',
                       '\\\\', '!0041');
        my $s = "U&'" . rand_text() . $esc . "'";
        $s =~ s/^U&'([^']*)'([^']*)'$/U&'$1''$2'/;
        $s .= pick('', '', " UESCAPE '!'", " UESCAPE ''''", " UESCAPE '+'", " UESCAPE 'ab'",
                   " UESCAPE");
        return $s;
    }
    if ($r < 21) {                              # dollar quotes
        my $tag = pick('', '', 'x', 'tag', 'a_b', '张', '1', 'a$b', 'ĳ');
        my $body = rand_text();
        my $close = chance(0.9) ? "\$$tag\$" : pick('$', "\$${tag}", '$$', '');
        return "\$$tag\$$body$close";
    }
    return pick("B'1010'", "b'0'", "X'1F'", "x'ff'", "B'102'", "X'G'", "N'abc'",
                "n'张'") if $r < 22;
    return pick('TRUE', 'false', 'NULL', 'null', 'DEFAULT', 'UNKNOWN') if $r < 24;
    return pick('date', 'timestamp', 'interval', 'text', 'json', 'inet', 'int4', 'bytea',
                'xml', 'regclass', 'public.mood', 'pg_catalog.text', 'numeric(3)', 'bit')
        . ' ' . quote_lit(pick('2024-01-01', '1 day', 'x', '{"a":1}', '127.0.0.1', '12',
                               '\\x00', '<a/>', 'public.other', 'pg_catalog.pg_authid',
                               'ok', rand_text())) if $r < 26;
    return "'" . rand_text() if $r < 27;        # unterminated
    return pick('$1', '$2', '$0', '$99', '$2147483648', '?', ':x', ':"x"', '$x') if $r < 29;
    return pick('CURRENT_USER', 'SESSION_USER', 'USER', 'CURRENT_ROLE', 'CURRENT_SCHEMA',
                'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP(3)',
                'LOCALTIME', 'localtimestamp(99)', 'SYSTEM_USER');
}

# ------------------------------------------------- grammar: expressions
sub col_ref {
    my $r = rand();
    my $c;
    if ($r < 0.80) { $c = pick(@text_cols, @text_cols, @other_cols); }
    elsif ($r < 0.90) { $c = pick(@missing_cols); }
    else { return pick(@system_cols, '*', 'accounts.*', 'accounts', 'fz.accounts'); }
    my $plain = $c =~ /^[a-z_][a-z0-9_]*$/ && $c ne 'select';
    my $q = ($plain && chance(0.6)) ? $c
          : ($plain && chance(0.3)) ? uc($c)
          : quote_ident($c);
    $q = pick('accounts.', 'fz.accounts.', 'a.', '"fz"."accounts".', 'other.', 'public.other.',
              'fztest.fz.accounts.', 'excluded.', 'new.', 'old.') . $q if chance(0.05);
    $q .= pick('[1]', '.x', '.*', '[1:2]', '.holder_name') if chance(0.02);
    return $q;
}

my @builtin_safe_q = (@builtin_safe, map { "pg_catalog.$_" } @builtin_safe);
my @builtin_bad_q = (@builtin_bad, map { "pg_catalog.$_" } @builtin_bad);

sub func_name {
    my $r = rand();
    if ($r < 0.55) {
        my $f = pick(@trusted);
        return pick($f, "mask.$f", "mask.$f", "\"mask\".\"$f\"", uc("mask.$f"), "Mask.$f",
                    "mask.\"$f\"", "\"Mask\".$f", "public.$f", "pg_catalog.$f",
                    "mask . $f", "mask.${f}_x", "mask.\"\U$f\E\"");
    }
    return pick(@mask_other) =~ s/^/mask./r if $r < 0.65;
    return pick(@builtin_safe_q) if $r < 0.80;
    return pick(@builtin_bad_q) if $r < 0.92;
    return pick(@user_funcs);
}

sub args {
    my ($depth, $mode) = @_;
    my $n = pick(0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5);
    my @a;
    for my $i (1 .. $n) {
        my $x = expr($depth + 1, $mode);
        $x = pick(@arg_names) . pick(' => ', ' := ', '=>', ' =>') . $x if $i > 1 && chance(0.15);
        push @a, $x;
    }
    my $s = join(pick(', ', ',', ' , '), @a);
    $s = "VARIADIC $s" if chance(0.01);
    $s = "DISTINCT $s" if chance(0.01);
    $s .= ' ORDER BY ' . col_ref() if chance(0.01) && @a;
    $s = '*' if chance(0.01);
    return $s;
}

sub call {
    my ($depth, $mode) = @_;
    my $s = func_name() . '(' . args($depth, $mode) . ')';
    $s .= pick(' OVER ()', ' FILTER (WHERE true)', ' WITHIN GROUP (ORDER BY 1)', '[1]', '.x',
               ' OVER w', ' AT TIME ZONE \'UTC\'') if chance(0.02);
    return $s;
}

sub cast {
    my ($depth, $mode) = @_;
    my $x = expr($depth + 1, $mode);
    my $t = pick(@types);
    my $r = rand();
    return "${x}::$t" if $r < 0.5;
    return "CAST($x AS $t)" if $r < 0.8;
    return "($x)::$t" if $r < 0.9;
    return "$x :: $t" if $r < 0.95;
    return "TREAT($x AS $t)";
}

sub sublink {
    my ($depth, $mode) = @_;
    my $x = expr($depth + 1, $mode);
    my $from = pick('', ' FROM public.other', ' FROM fz.accounts', ' FROM mask.policy_key',
                    ' FROM public.canary WHERE public.canary_bool()', ' FROM pg_authid',
                    ' FROM mask_internal."_key_1"', ' FROM generate_series(1, 3)');
    return pick("(SELECT $x$from)", "EXISTS (SELECT 1$from)", "ARRAY(SELECT $x$from)",
                "$x IN (SELECT secret$from)", "$x = ANY (SELECT 1$from)",
                "(SELECT secret FROM public.other)", "(WITH w AS (DELETE FROM public.canary RETURNING 1) SELECT 1)",
                "(VALUES (1))", "(SELECT $x UNION SELECT 2)", "(TABLE public.other)",
                "LATERAL (SELECT 1)");
}

sub special {
    my ($depth, $mode) = @_;
    my $x = expr($depth + 1, $mode);
    my $y = expr($depth + 1, $mode);
    return pick("CASE WHEN $x THEN $y ELSE $x END", "CASE $x WHEN $y THEN 1 END",
                "COALESCE($x, $y)", "NULLIF($x, $y)", "GREATEST($x, $y)", "LEAST($x)",
                "ARRAY[$x, $y]", "ARRAY[]", "ARRAY[ARRAY[$x]]", "ROW($x, $y)", "($x, $y)",
                "ROW()", "$x IS NULL", "$x IS NOT NULL", "$x ISNULL", "$x IS TRUE",
                "$x IS NOT UNKNOWN", "$x IS DOCUMENT", "$x BETWEEN $y AND $x",
                "$x NOT BETWEEN SYMMETRIC $y AND 1", "$x IN ($y, $x)", "$x NOT IN ($y)",
                "$x IN ()", "$x = ANY (ARRAY[$y])", "$x LIKE $y ESCAPE '!'",
                "$x COLLATE \"C\"", "$x COLLATE pg_catalog.\"default\"", "$x COLLATE \"nope\"",
                "POSITION($x IN $y)", "SUBSTRING($x FROM 1 FOR 2)", "TRIM(BOTH 'x' FROM $x)",
                "EXTRACT(year FROM $x)", "OVERLAY($x PLACING $y FROM 1)", "$x AT TIME ZONE 'UTC'",
                "XMLELEMENT(NAME x, $x)", "XMLPARSE(DOCUMENT $x)", "XMLSERIALIZE(CONTENT $x AS text)",
                "GROUPING($x)", "$x IS OF (text)", "DEFAULT", "($x).f", "($x)[1]", "$x\[1:2]",
                "$x OPERATOR(pg_catalog.||) $y", "NOT $x", "$x AND $y", "$x OR NOT $y",
                "$x NOTNULL", "$x IS JSON", "${x}::text IS NORMALIZED");
}

# a random expression of any shape; mode 'rule' or 'filter' biases the
# top towards calls of trusted functions or boolean comparisons
sub expr {
    my ($depth, $mode) = @_;
    return pick(col_ref(), literal()) if $depth > 5;
    my $r = rand();
    return call($depth, $mode) if $r < 0.30;
    return col_ref() if $r < 0.48;
    return literal() if $r < 0.62;
    return cast($depth, $mode) if $r < 0.70;
    if ($r < 0.80) {
        my $op = pick(@binops);
        return expr($depth + 1, $mode) . " $op " . expr($depth + 1, $mode);
    }
    return pick(@prefixops) . expr($depth + 1, $mode) if $r < 0.83;
    return '(' . expr($depth + 1, $mode) . ')' if $r < 0.86;
    return sublink($depth, $mode) if $r < 0.90;
    return special($depth, $mode);
}

# A well-formed call of a trusted function, with arguments that have a fair
# chance of type-checking: this is what reaches the accepted path.
sub good_rule {
    my $depth = shift // 0;
    my $col = quote_ident(pick(@text_cols));
    $col = pick($col, 'holder_name', 'phone', 'HOLDER_NAME', 'address') if chance(0.3);
    my $v = ($depth < 2 && chance(0.15)) ? good_rule($depth + 1) : $col;
    $v = "CAST($v AS text)" if chance(0.05);
    $v = "$v\::pg_catalog.text" if chance(0.03);
    my $ch = quote_lit(pick('*', '#', 'x', '张', 'X'));
    my $f = pick(@trusted);
    my $prefix = pick('mask.', 'mask.', '', '"mask".', 'MASK.');
    my @form = (
        "cn_name($v)", "cn_name($v, $ch)", "cn_name($v, $ch, 'given')", "cn_name($v, pad => 3)",
        "redact($v)", "redact($v, $ch)", "redact($v, $ch, 4)", "redact($v, pad => 2)",
        "partial($v, 1, 2)", "partial($v, 0, 0, $ch)", "partial($v, keep_head => 1, keep_tail => 1)",
        "digits($v, 3, 4)", "email($v)", "email($v, $ch)", "cn_phone($v)", "cn_phone($v, $ch)",
        "cn_id_card($v)", "cn_id_card($v, 2, 2)", "cn_address($v)", "cn_address($v, 'city')",
        "bank_card($v)", "pseudonym($v)", "pseudonym($v, 8)", "pseudonym($v, length => 16)",
        "generalize(amount, 100)", "generalize(id::bigint, 10::bigint)", "generalize(opened, 'year')",
        "generalize(amount, 0.5)", "$f($v)");
    return $prefix . pick(@form);
}

sub good_filter {
    my $c = pick(@text_cols);
    my $q = quote_ident($c);
    my @form = ("amount > " . int(rand(200)), "amount BETWEEN 1 AND 100", "active",
                "NOT active", "active IS TRUE", "opened >= '2024-01-01'", "$q IS NOT NULL",
                "$q = " . quote_lit(rand_text()), "lower($q) LIKE 'z%'", "length($q) > 2",
                "$q IN ('a', 'b')", "id IN (1, 2)", "COALESCE(amount, 0) > 0",
                "amount > 0 AND $q <> ''", "upper($q) = 'X' OR amount < 0",
                "CASE WHEN amount > 0 THEN true ELSE false END", "$q ~ '^1[3-9]'",
                "starts_with($q, '1')", "amount::integer % 2 = 0", "id = ANY (ARRAY[1, 3])",
                "opened > CURRENT_DATE - 30", "$q IS NULL OR id > 1");
    my $f = pick(@form);
    $f = "$f AND " . pick(@form) if chance(0.2);
    return $f;
}

# top-level decorations: statements, clauses, comments, odd white space
sub decorate {
    my $s = shift;
    my $r = rand();
    return $s . pick('; DELETE FROM public.canary', ';', ';;', '; --', ' -- x', ' /* x */',
                     "/* /* nested */ */", '/*', '--', "\n-- DELETE FROM public.canary",
                     ' AS x', ' AS "x"', ' x', ' FROM public.other', ' WHERE true',
                     ' ORDER BY 1', ' LIMIT 1', ' OFFSET 1', ' GROUP BY 1', ' HAVING true',
                     ' FOR UPDATE', ' INTO x', ', 1', ', public.canary_fn()',
                     ' UNION SELECT secret FROM public.other', ' WINDOW w AS ()',
                     ")", "(", "'", '"', '$$', ' ::text', '[1]', '.x') if $r < 0.45;
    return pick('; ', ' ', "\t", "\n", "\r\n", "\f", "\x{a0}", "\x{3000}", "\x{feff}", '(',
                '/* x */ ', '-- x' . "\n", 'SELECT ', 'DISTINCT ', 'ALL ', 'TABLE ',
                'VALUES (', 'WITH x AS (SELECT 1) SELECT ', 'EXPLAIN ', 'DO $$ BEGIN END $$; ',
                'CALL ', 'DELETE FROM public.canary; SELECT ') . $s if $r < 0.75;
    $s =~ s/ /pick("\t", "\n", "  ", "\f", "\r", " \/**\/ ", "\x{a0}", "\x{3000}")/e
        for 1 .. 1 + int(rand(3));
    return $s;
}

# ------------------------------------------------------------ mutation
sub mutate {
    my $s = shift;
    my $n = 1 + int(rand(4));
    for (1 .. $n) {
        my $len = length $s;
        my $pos = int(rand($len + 1));
        my $r = rand();
        if ($r < 0.30) {
            substr($s, $pos, 0) = pick(@odd_chars);
        } elsif ($r < 0.45 && $len) {
            substr($s, $pos, 1 + int(rand(3))) = '';
        } elsif ($r < 0.55 && $len) {
            substr($s, $pos, 1) = pick(@odd_chars);
        } elsif ($r < 0.62 && $len) {
            my $l = 1 + int(rand(8));
            substr($s, $pos, 0) = substr($s, $pos, $l);
        } elsif ($r < 0.68) {
            $s = chance(0.5) ? uc($s) : lc($s);
        } elsif ($r < 0.74 && $len) {
            $s = substr($s, 0, $pos);
        } elsif ($r < 0.82) {
            my $other = pick(@payloads);
            $s = substr($s, 0, $pos) . substr($other, int(rand(length($other) + 1)));
        } elsif ($r < 0.90) {
            substr($s, $pos, 0) = pick(@payloads);
        } elsif ($r < 0.96) {
            substr($s, $pos, 0) = expr(3, 'rule');
        } else {
            $s = "$s$s";
        }
    }
    return $s;
}

# ------------------------------------------------------------- output
my $id = 0;
sub emit {
    my ($kind, $target, $expr) = @_;
    $id++;
    my $col = $target eq 'rule' ? pick(@rule_targets) : undef;
    for my $v ($expr, $col) {
        next unless defined $v;
        $v =~ s/\x00//g;
        $v =~ s/\\/\\\\/g; $v =~ s/\n/\\n/g; $v =~ s/\r/\\r/g; $v =~ s/\t/\\t/g;
    }
    print join("\t", $id, $kind, $target, defined $col ? $col : '\N', $expr), "\n";
}
sub emit_col {     # set_rule on a fixed column
    my ($kind, $col, $expr) = @_;
    $id++;
    s/\\/\\\\/g, s/\n/\\n/g, s/\t/\\t/g for $col, $expr;
    print join("\t", $id, $kind, 'rule', $col, $expr), "\n";
}

# known answers first
emit_col('control_ok', 'holder_name', 'mask.cn_name(holder_name)');
emit_col('control_ok', 'phone', 'mask.cn_phone(phone)');
emit_col('control_ok', 'Mixed Case', 'mask.redact("Mixed Case", \'#\')');
emit_col('control_ok', '户主 姓名', 'mask.cn_name("户主 姓名")');
emit_col('control_ok', 'we"ird', 'mask.partial("we""ird", 1, 0)');
emit_col('control_ok', 'account_no', 'mask.pseudonym(account_no, 8)');
emit_col('control_ok', 'address', "mask.cn_address(address, 'city')");
emit('control_ok', 'filter', $_) for ('amount > 0', "holder_name <> '''); DROP TABLE public.canary; --'",
                                      'lower("Mixed Case") = \'mixed\' AND active');
emit_col('control_bad', 'phone', 'public.canary_fn(phone)');
emit_col('control_bad', 'phone', "mask.cn_phone(phone); DELETE FROM public.canary");
emit_col('control_bad', 'phone', 'mask.cn_phone((SELECT secret FROM public.other))');
emit('control_bad', 'filter', $_) for ('public.canary_bool(amount)', "pg_read_file('mvfz_canary.txt') <> ''",
                                       'EXISTS (SELECT FROM public.canary)');

# every payload as it is, as a rule and as a row filter
for my $p (@payloads) {
    emit('payload', 'rule', $p);
    emit('payload', 'filter', $p);
}

# long inputs around and beyond the 10,000-byte limit
for my $n (9_999, 10_000, 10_001, 10_002, 20_000, 100_000, 1_000_000) {
    my $head = "mask.redact(holder_name, '*', ";
    my $tail = ")";
    emit('long', 'rule', "mask.cn_name('" . ('x' x ($n - 17)) . "')");
    emit('long', 'rule', $head . ('0' x ($n - length($head) - 1)) . $tail);
    emit('long', 'filter', "holder_name = '" . ('张' x int(($n - 17) / 3)) . "'");
    emit('long', 'filter', "amount > 0" . (' AND amount > 0' x int(($n - 10) / 15)));
    emit('long', 'rule', "mask.cn_name(holder_name)" . (' ' x ($n - 25)));
    emit('long', 'rule', "mask.cn_name(holder_name); " . ('DELETE FROM public.canary; ' x int($n / 27)));
    emit('long', 'filter', "'" . ('a' x ($n - 2)));          # unterminated, error quotes the rest
    emit('long', 'rule', "mask.cn_name(\"" . ('h' x ($n - 16)) . "\")");   # identifier truncated
    emit('long', 'rule', "mask.cn_name(holder_name)" . ('/*' x int(($n - 25) / 2)));
    emit('long', 'rule', 'mask.' . ('cn_name' x int($n / 7)) . '(holder_name)');
}
for (1 .. 150) {                                # random long ones
    my $n = pick(200, 500, 1000, 5000, 9990, 10_010, 30_000);
    my $s = '';
    $s .= expr(2, pick('rule', 'filter')) . pick(' ', ', ', ' || ', ' AND ') while length($s) < $n;
    emit('long', pick('rule', 'filter'), $s);
}

# nesting around and beyond the 32-level limit
for my $d (30, 31, 32, 33, 34, 40, 64, 100, 500, 1000, 2000, 3000, 5000, 10_000, 50_000) {
    emit('deep', 'rule', ('mask.redact(' x $d) . 'holder_name' . (')' x $d));
    emit('deep', 'rule', 'mask.redact(' . ('(' x $d) . 'holder_name' . (')' x $d) . ')');
    emit('deep', 'rule', 'mask.redact(holder_name' . ('::text' x $d) . ')');
    emit('deep', 'rule', 'mask.redact(' . ('CAST(' x $d) . 'holder_name' . (' AS text)' x $d) . ')');
    emit('deep', 'filter', ('NOT ' x $d) . 'active');
    emit('deep', 'filter', 'amount > ' . ('-' x $d) . '1');
    emit('deep', 'filter', 'amount > ' . ('- ' x $d) . '1');
    emit('deep', 'filter', ('(' x $d) . 'amount > 0' . (')' x $d));
    emit('deep', 'filter', ('abs(' x $d) . 'amount' . (')' x $d) . ' > 0');
    emit('deep', 'filter', 'amount > 0' . (' OR amount > 0' x $d));
    emit('deep', 'filter', 'id IN (' . join(', ', 1 .. $d) . ')');
    emit('deep', 'filter', ('CASE WHEN active THEN ' x $d) . 'true' . (' END' x $d));
    emit('deep', 'filter', 'id = ' . ('ARRAY[' x $d) . '1' . (']' x $d) . '');
    emit('deep', 'filter', ('ROW(' x $d) . '1' . (')' x $d) . ' IS NULL');
    emit('deep', 'filter', 'amount > (' . ('(SELECT ' x $d) . '1' . (')' x $d) . ')');
    emit('deep', 'rule', 'mask.redact(' . ('COALESCE(' x $d) . 'holder_name' . (')' x $d) . ')');
    emit('deep', 'rule', 'mask.redact(holder_name' . (' || holder_name' x $d) . ')');
}

# the rest: grammar, payloads in context, mutations
my @valid_seeds = map { good_rule() } 1 .. 200;
push @valid_seeds, map { good_filter() } 1 .. 200;
while ($id < $count) {
    my $r = rand();
    if ($r < 0.48) {
        my $mode = chance(0.55) ? 'rule' : 'filter';
        my $s;
        my $g = rand();
        if ($g < 0.03) { $s = $mode eq 'rule' ? good_rule() : good_filter(); }
        elsif ($mode eq 'rule' && $g < 0.55) { $s = call(0, $mode); }
        elsif ($mode eq 'filter' && $g < 0.55) {
            $s = expr(1, $mode) . ' ' . pick('=', '>', '<>', 'LIKE', 'AND', 'OR', '~', '>=')
               . ' ' . expr(1, $mode);
        }
        else { $s = expr(0, $mode); }
        $s = decorate($s) if chance(0.15);
        emit('grammar', chance(0.9) ? $mode : ($mode eq 'rule' ? 'filter' : 'rule'), $s);
    } elsif ($r < 0.62) {
        my $p = pick(@payloads);
        my $c = quote_ident(pick(@text_cols));
        my $lit = quote_lit($p);
        my $dq = $p =~ /\$x\$/ ? '$y$' : '$x$';
        my $estr = $p; $estr =~ s/\\/\\\\/g; $estr =~ s/'/\\'/g;
        my $ustr = join('', map { sprintf('\\%04X', ord $_) } grep { ord($_) < 0x10000 } split //, substr($p, 0, 60));
        my $in_literal = chance(0.2);   # mostly accepted, and dear: keep them few
        my $rule = $in_literal
            ? pick("mask.redact($c, $lit)", "mask.cn_name($c, '*', $lit)", "mask.redact($c, $dq$p$dq)",
                   "mask.redact($c, E'$estr')", "mask.redact($c, U&'$ustr')",
                   "mask.redact($c, mask_char => $lit)", "mask.cn_name(${lit}::text)",
                   "mask.cn_name(CAST($lit AS text))")
            : pick("mask.cn_name($p)", "mask.cn_name(" . quote_ident($p) . ")",
                   "mask.partial($c, 1, 1, $p)", "mask.cn_name($c) $p", "$p(holder_name)",
                   "mask.cn_name(mask.redact($p))", "mask." . quote_ident($p) . "($c)",
                   quote_ident($p) . ".cn_name($c)");
        my $filter = $in_literal
            ? pick("$c = $lit", "$c <> $dq$p$dq", "$c = E'$estr'", "$c = U&'$ustr'", "$c LIKE $lit",
                   "$c IN ($lit, 'x')", "lower($c) = lower($lit)", "position($lit in $c) > 0")
            : pick("amount > 0 AND ($p)", "($p) OR active", quote_ident($p) . " IS NULL", "$p",
                   "NOT ($p)", "COALESCE($p, false)", "$c = $p", "amount > 0 AND $c IN ($p)");
        if (chance(0.5)) { emit('payload', 'rule', $rule); }
        else { emit('payload', 'filter', $filter); }
    } else {
        my $w = int(rand(6));
        my $seed_s = $w == 0 ? pick(@payloads) : $w <= 2 ? pick(@valid_seeds)
                    : $w == 3 ? call(0, 'rule') : $w == 4 ? good_rule() : good_filter();
        emit('mutated', pick('rule', 'filter'), mutate($seed_s));
    }
}
