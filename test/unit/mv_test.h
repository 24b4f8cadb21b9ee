/*
 * mv_test.h
 *	  A minimal assertion kit for the core's unit tests: each CHECK, and each
 *	  row of a cases file (below), counts as one test; main() ends with
 *	  MV_TEST_DONE(), which prints
 *	  "unit: N passed, N failed" for the harness and returns the exit status.
 */
#ifndef MV_TEST_H
#define MV_TEST_H

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "mv_core.h"

static int	mv_test_passed;
static int	mv_test_failed;

#define CHECK(cond) \
	do { \
		if (cond) \
			mv_test_passed++; \
		else \
		{ \
			mv_test_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Counts one test: st is MV_OK and out holds exactly the expected UTF-8. */
static inline void
mv_check_output(const char *expected, mv_status st, mv_buf *out,
				const char *file, int line)
{
	if (st == MV_OK && out->len == strlen(expected) &&
		memcmp(out->data, expected, out->len) == 0)
		mv_test_passed++;
	else
	{
		mv_test_failed++;
		fprintf(stderr, "FAIL %s:%d: expected \"%s\", got \"%.*s\" (status %d)\n",
				file, line, expected, (int) out->len,
				out->data ? out->data : "", (int) st);
	}
	mv_buf_free(out);
}

/* Runs a masking call and compares its output with the expected UTF-8. */
#define CHECK_MASK(expected, call_with_out) \
	do { \
		mv_buf		out_; \
		mv_buf_init(&out_, 0, 16); \
		mv_check_output((expected), call_with_out(&out_), &out_, \
						__FILE__, __LINE__); \
	} while (0)

#define MV_TEST_DONE() \
	(mv_core_shutdown(), \
	 printf("unit: %d passed, %d failed\n", mv_test_passed, mv_test_failed), \
	 mv_test_failed == 0 ? 0 : 1)

/* The masks most tests use: '*', '*' padded to 4, and the three-byte '●'. */
static const mv_mask star = {{"*", 1}, false, 0};
static const mv_mask pad4 = {{"*", 1}, true, 4};
static const mv_mask dot = {{"\xe2\x97\x8f", 3}, false, 0};	/* U+25CF */

static inline mv_str
S(const char *s)
{
	return (mv_str) {s, strlen(s)};
}

/* ---------------------------------------------------------------------
 * Table-driven tests: cases in files under cases/
 * ---------------------------------------------------------------------
 *
 * One row a line, fields separated by tabs; blank lines and lines starting
 * with '#' (the comments that say why a case is there) are skipped.  A mask
 * test's rows are
 *
 *	 expected <TAB> value <TAB> param... [<TAB> mask]
 *
 * expected is the exact output, or !STATUS (a name such as
 * MV_ERR_MASK_CHAR) for a call that must return that status, !MV_OK for one
 * whose output is not compared.  param... are the mask's own parameters, as
 * many as the test passes to mv_check_file (keep counts, a level or keep
 * name).  mask is mask_char, or mask_char/pad for a mask with a pad (●,
 * ●/4), the test's default mask when left out.  A validator test's rows are
 * value <TAB> true|false.  A field starting with '#' begins a comment to
 * the end of the line.  No field is empty: "" stands for the empty string.
 * Fields take the escapes \t \r \n \\ and \xHH (bytes that are not UTF-8,
 * characters one cannot see, spaces at either end).  Each row counts as one
 * test; a failure names the file and the line.  A malformed row fails and
 * is not run: an empty field (two tabs), white space at an end of a field,
 * an unknown escape, too many fields or a parameter the test cannot read
 * (mv_case_int);
 * so does a file without rows.
 */
#define MV_ROW_MAX_FIELDS 6

/* One row, its fields unescaped in place. */
typedef struct mv_row
{
	const char *file;
	int			line;
	int			nfields;
	char	   *field[MV_ROW_MAX_FIELDS];
	size_t		len[MV_ROW_MAX_FIELDS];
} mv_row;

/* A mask test's row, as its test function receives it. */
typedef struct mv_case
{
	mv_str		value;
	const char *const *param;	/* the mask's own parameters, as written */
	mv_mask		mask;
	bool	   *bad_param;		/* set by mv_case_int: the row fails */
} mv_case;

/*
 * Parameter i of case c as a decimal int.  One the test cannot read ("6x",
 * a misspelt name) makes the row fail; it reads as 0.
 */
static inline int
mv_case_int(const mv_case *c, int i)
{
	char	   *end;
	long		l = strtol(c->param[i], &end, 10);

	if (end == c->param[i] || *end != '\0' || l < INT_MIN || l > INT_MAX)
	{
		*c->bad_param = true;
		return 0;
	}
	return (int) l;
}

/* Runs the mask under test on one case. */
typedef mv_status (*mv_case_fn) (const mv_case *c, mv_buf *out);

/* The statuses by name, in mv_status order (for !STATUS): one per status. */
static const char *const mv_status_names[] = {
	"MV_OK", "MV_ERR_MASK_CHAR", "MV_ERR_MASK_CHAR_UNPRINTABLE",
	"MV_ERR_PAD_NEGATIVE", "MV_ERR_KEEP_HEAD_NEGATIVE",
	"MV_ERR_KEEP_TAIL_NEGATIVE", "MV_ERR_ID_KEEP", "MV_ERR_NAME_KEEP",
	"MV_ERR_ADDRESS_LEVEL", "MV_ERR_BAD_UTF8", "MV_ERR_ICU", "MV_ERR_NOMEM",
};

/* Counts one failed test, with its place and what went wrong. */
#define MV_ROW_FAIL(row, ...) \
	do { \
		mv_test_failed++; \
		fprintf(stderr, "FAIL %s:%d: ", (row)->file, (row)->line); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} while (0)

/* The value of hex digit c (isxdigit). */
static inline int
mv_hex_digit(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/*
 * Unescapes a field in place into *len bytes; NULL, or what is wrong with
 * it: an escape other than \t \r \n \\ \xHH (two hex digits, not 00: no
 * text value holds a NUL byte).
 */
static inline const char *
mv_unescape(char *s, size_t *len)
{
	char	   *o = s;
	const char *p = s;

	if (strcmp(s, "\"\"") == 0)
		p = "";
	while (*p)
	{
		if (p[0] != '\\')
		{
			*o++ = *p++;
			continue;
		}
		switch (p[1])
		{
			case 't':
				*o++ = '\t';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case '\\':
				*o++ = '\\';
				break;
			case 'x':
				if (!isxdigit((unsigned char) p[2]) ||
					!isxdigit((unsigned char) p[3]) ||
					(p[2] == '0' && p[3] == '0'))
					return "\\x takes two hex digits, not 00";
				*o++ = (char) (mv_hex_digit(p[2]) * 16 + mv_hex_digit(p[3]));
				p += 2;
				break;
			default:
				return "an unknown escape (\\t \\r \\n \\\\ \\xHH)";
		}
		p += 2;
	}
	*o = '\0';
	*len = (size_t) (o - s);
	return NULL;
}

/*
 * What is wrong with a field as written, or NULL: it is empty (write ""
 * for the empty string) or has white space at either end (write \x20), a
 * split tab or an editor's trailing space or \r that would change the case.
 */
static inline const char *
mv_field_problem(const char *f)
{
	size_t		n = strlen(f);

	if (n == 0)
		return "an empty field (\"\" is the empty string)";
	if (isspace((unsigned char) f[0]) || isspace((unsigned char) f[n - 1]))
		return "white space at an end of a field (write \\x20)";
	return NULL;
}

/*
 * Calls fn on every well-formed row of file (a path below the test's
 * directory), with ctx.  Each malformed row (a field mv_field_problem or
 * mv_unescape refuses, more than MV_ROW_MAX_FIELDS fields) counts as one
 * failed test, as does a file that cannot be read or has no rows.
 */
static inline void
mv_read_rows(const char *file, void (*fn) (const mv_row *row, void *ctx),
			 void *ctx)
{
	FILE	   *f = fopen(file, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n;
	int			nrows = 0;
	mv_row		row = {file, 0, 0, {NULL}, {0}};

	if (f == NULL)
	{
		MV_ROW_FAIL(&row, "cannot read the cases");
		return;
	}
	while ((n = getline(&line, &cap, f)) >= 0)
	{
		const char *bad = NULL;

		row.line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		nrows++;
		row.nfields = 0;
		/* Every tab separates two fields: two tabs make an empty one. */
		for (char *p = line; p != NULL && bad == NULL;)
		{
			char	   *tab = strchr(p, '\t');

			if (tab != NULL)
				*tab = '\0';
			if (p[0] == '#')
				break;			/* a comment to the end of the line */
			bad = mv_field_problem(p);
			if (bad == NULL && row.nfields == MV_ROW_MAX_FIELDS)
				bad = "too many fields";
			if (bad == NULL)
			{
				row.field[row.nfields] = p;
				bad = mv_unescape(p, &row.len[row.nfields]);
				row.nfields++;
			}
			p = tab != NULL ? tab + 1 : NULL;
		}
		if (bad != NULL)
			MV_ROW_FAIL(&row, "malformed row: %s", bad);
		else
			fn(&row, ctx);
	}
	if (nrows == 0)
		MV_ROW_FAIL(&row, "no cases");
	free(line);
	fclose(f);
}


/* A mask of the plain signature (value, mask, out): cn_phone, bank_card. */
typedef mv_status (*mv_value_mask_fn) (mv_str value, const mv_mask *mask,
									   mv_buf *out);

/* What mv_check_file passes to mv_check_row: fn, or value_fn. */
typedef struct mv_case_test
{
	int			nparams;
	const mv_mask *default_mask;
	mv_case_fn	fn;
	mv_value_mask_fn value_fn;
} mv_case_test;

/* Reads a mask_char[/pad] field into mask (pointing into the field). */
static inline void
mv_parse_mask(char *field, size_t len, mv_mask *mask)
{
	char	   *slash = strrchr(field, '/');
	char	   *end = NULL;
	long		pad = slash != NULL && slash[1] != '\0' ?
		strtol(slash + 1, &end, 10) : 0;

	mask->has_pad = end != NULL && *end == '\0';
	mask->pad = mask->has_pad ? (int) pad : 0;
	mask->ch.ptr = field;
	mask->ch.len = mask->has_pad ? (size_t) (slash - field) : len;
}

static inline void
mv_check_row(const mv_row *row, void *ctx)
{
	const mv_case_test *t = (const mv_case_test *) ctx;
	const char *expected = row->field[0];
	mv_case		c;
	mv_buf		out;
	mv_status	st;
	int			want = -1;
	bool		bad_param = false;

	if (row->nfields != 2 + t->nparams && row->nfields != 3 + t->nparams)
	{
		MV_ROW_FAIL(row, "%d fields, not %d or %d", row->nfields,
					2 + t->nparams, 3 + t->nparams);
		return;
	}
	c.value = (mv_str) {row->field[1], row->len[1]};
	c.param = (const char *const *) &row->field[2];
	c.mask = *t->default_mask;
	c.bad_param = &bad_param;
	if (row->nfields == 3 + t->nparams)
		mv_parse_mask(row->field[2 + t->nparams], row->len[2 + t->nparams],
					  &c.mask);
	if (expected[0] == '!')
		for (int i = 0; i < (int) (sizeof(mv_status_names) / sizeof(char *)); i++)
			if (strcmp(expected + 1, mv_status_names[i]) == 0)
				want = i;
	if (expected[0] == '!' && want < 0)
	{
		MV_ROW_FAIL(row, "unknown status %s", expected);
		return;
	}

	mv_buf_init(&out, 0, 16);
	st = t->fn != NULL ? t->fn(&c, &out) : t->value_fn(c.value, &c.mask, &out);
	if (bad_param)
	{
		MV_ROW_FAIL(row, "malformed row: a parameter the test cannot read");
		mv_buf_free(&out);
	}
	else if (want < 0)
		mv_check_output(expected, st, &out, row->file, row->line);
	else
	{
		if (st == (mv_status) want)
			mv_test_passed++;
		else
			MV_ROW_FAIL(row, "expected status %s, got %d", expected + 1,
						(int) st);
		mv_buf_free(&out);
	}
}

/*
 * Checks every row of a mask test's file: fn runs the mask with the row's
 * value, nparams parameters and mask (default_mask when the row has none).
 */
static inline void
mv_check_file(const char *file, int nparams, const mv_mask *default_mask,
			  mv_case_fn fn)
{
	mv_case_test t = {nparams, default_mask, fn, NULL};

	mv_read_rows(file, mv_check_row, &t);
}

/*
 * mv_check_file for a mask of the plain signature: rows without parameters,
 * the mask '*' unless given.
 */
static inline void
mv_check_value_mask_file(const char *file, mv_value_mask_fn fn)
{
	mv_case_test t = {0, &star, NULL, fn};

	mv_read_rows(file, mv_check_row, &t);
}

static inline void
mv_check_valid_row(const mv_row *row, void *ctx)
{
	bool		(*valid) (mv_str value) = *(bool (**) (mv_str)) ctx;
	bool		expected = row->nfields == 2 && strcmp(row->field[1], "true") == 0;

	if (row->nfields != 2 ||
		(!expected && strcmp(row->field[1], "false") != 0))
		MV_ROW_FAIL(row, "a validator's row is value <TAB> true|false");
	else if (valid((mv_str) {row->field[0], row->len[0]}) == expected)
		mv_test_passed++;
	else
		MV_ROW_FAIL(row, "\"%s\" is not %s", row->field[0],
					expected ? "valid" : "invalid");
}

/* Checks every row of a validator test's file (value, true|false). */
static inline void
mv_check_valid_file(const char *file, bool (*valid) (mv_str value))
{
	mv_read_rows(file, mv_check_valid_row, &valid);
}

#endif							/* MV_TEST_H */
