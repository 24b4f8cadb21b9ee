/*
 * fuzz_cn_name.c
 *	  libFuzzer target: mv_cn_name, mv_name_keep_parse and
 *	  mv_cn_name_detect.
 *
 * Properties (doc/masking-rules.md, "cn_name"):
 * - status: MV_OK exactly when the mask is valid; MV_ERR_BAD_UTF8 for an
 *   invalid value; mv_name_keep_parse accepts exactly 'surname' and 'last'.
 * - the output is an in-order interleaving of mask chars and graphemes
 *   copied from the value (nothing invented, reordered or altered);
 * - it reveals at most max(2, words) graphemes other than separators (white
 *   space, hyphens, middle dots): two for a compound surname, one per word
 *   of an alphabetic name, one otherwise;
 * - a Han name (after trimming, every grapheme one Han code point) is
 *   exactly: surname (two graphemes when at least three and a compound
 *   surname) + masked rest, or masked rest + last grapheme for keep =>
 *   'last'; one grapheme is fully masked; pad replaces the masked count;
 * - empty or white-space-only in, nothing revealed out;
 * - mv_cn_name_detect returns MV_OK exactly for valid UTF-8.
 */
#include "fuzz_common.h"

static bool
is_separator(mv_str gr)
{
	size_t		pos = 0;
	uint32_t	cp = mv_utf8_next(gr.ptr, gr.len, &pos);

	if (pos != gr.len)
		return false;
	return mv_is_white_space(cp) || cp == '-' || cp == 0x2010 ||
		cp == 0x2011 || cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB ||
		cp == 0x2027;
}

static bool
is_white_grapheme(mv_str gr)
{
	size_t		pos = 0;
	uint32_t	cp = mv_utf8_next(gr.ptr, gr.len, &pos);

	return pos == gr.len && mv_is_white_space(cp);
}

/* The single code point of a one-code-point grapheme, else 0. */
static uint32_t
single_cp(mv_str gr)
{
	size_t		pos = 0;
	uint32_t	cp = mv_utf8_next(gr.ptr, gr.len, &pos);

	return pos == gr.len ? cp : 0;
}

static void
check_keep_parse(fz_input *in)
{
	static const struct
	{
		const char *s;
		mv_status	st;
		mv_name_keep keep;
	}			words[] = {
		{"surname", MV_OK, MV_NAME_KEEP_SURNAME},
		{"last", MV_OK, MV_NAME_KEEP_LAST},
		{"", MV_ERR_NAME_KEEP, 0},
		{"first", MV_ERR_NAME_KEEP, 0},
		{"surnames", MV_ERR_NAME_KEEP, 0},
		{"las", MV_ERR_NAME_KEEP, 0},
		{"last\n", MV_ERR_NAME_KEEP, 0},
	};
	size_t		i = fz_byte(in) % (sizeof(words) / sizeof(words[0]));
	mv_name_keep keep = MV_NAME_KEEP_SURNAME;
	mv_status	st = mv_name_keep_parse((mv_str) {words[i].s, strlen(words[i].s)}, &keep);

	FZ_CHECK(st == words[i].st && (st != MV_OK || keep == words[i].keep),
			 "mv_name_keep_parse(\"%s\") gave status %d keep %d",
			 words[i].s, (int) st, (int) keep);
}

/* The exact contract for a Han name of n >= 1 graphemes in g. */
static void
expect_han(mv_str v, const mv_graphemes *g, size_t from, size_t n,
		   const mv_mask *mask, mv_name_keep keep, mv_buf *e)
{
	size_t		start = g->offs[from];

	if (n == 1)
		mv_mask_append_span(e, mask, 1);
	else if (keep == MV_NAME_KEEP_LAST)
	{
		mv_mask_append_span(e, mask, n - 1);
		mv_buf_append(e, v.ptr + g->offs[from + n - 1],
					  g->offs[from + n] - g->offs[from + n - 1]);
	}
	else
	{
		size_t		s = (n >= 3 &&
						 mv_is_compound_surname(single_cp(fz_gr(v, g, from)),
												single_cp(fz_gr(v, g, from + 1)))) ? 2 : 1;

		mv_buf_append(e, v.ptr + start, g->offs[from + s] - start);
		mv_mask_append_span(e, mask, n - s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_mask		mask;
	bool		mask_valid;
	mv_name_keep keep;
	mv_buf		out;
	mv_status	st;
	mv_graphemes g;
	bool	   *revealed;
	size_t		nmasks;
	size_t		first;
	size_t		last;
	size_t		words = 0;
	size_t		shown = 0;
	bool		han = true;
	unsigned	bad = 0;
	mv_str		v;
	mv_str		o;

	v = fz_input_open(&in, data, size);
	mask.ch = fz_mask_char(&in, &mask_valid);
	fz_pad(&in, &mask);
	keep = (fz_byte(&in) & 1) ? MV_NAME_KEEP_LAST : MV_NAME_KEEP_SURNAME;
	check_keep_parse(&in);
	if (!mask_valid)
		bad |= FZ_BAD_MASK_CHAR;
	if (mask.has_pad && mask.pad < 0)
		bad |= FZ_BAD(MV_ERR_PAD_NEGATIVE);

	/* detect()'s name test reads any value; it fails only for bad UTF-8. */
	{
		bool		is_name;
		mv_status	ds = mv_cn_name_detect(v, &is_name);

		FZ_CHECK(ds == (mv_utf8_valid(v.ptr, v.len) ? MV_OK : MV_ERR_BAD_UTF8),
				 "mv_cn_name_detect returned %d", (int) ds);
	}

	fz_out_init(&out);
	st = mv_cn_name(v, &mask, keep, &out);
	if (!fz_mask_result("cn_name", st, bad, v, &out, &o))
		return fz_end(&in, &out);

	fz_split(v, &g);
	revealed = malloc(g.count + 1);
	FZ_CHECK(fz_decompose(o, v, &g, mask.ch, revealed, &nmasks),
			 "output is not mask chars and copied graphemes in order");

	/* Trim white-space graphemes; count words and shown graphemes. */
	for (first = 0; first < g.count && is_white_grapheme(fz_gr(v, &g, first)); first++)
		;
	for (last = g.count; last > first && is_white_grapheme(fz_gr(v, &g, last - 1)); last--)
		;
	for (size_t i = first; i < last; i++)
	{
		mv_str		gr = fz_gr(v, &g, i);
		bool		sep = is_separator(gr);

		if (!sep && (i == first || is_separator(fz_gr(v, &g, i - 1))))
			words++;
		if (!sep && revealed[i])
			shown++;
		if (!mv_is_han(single_cp(gr)))
			han = false;
	}
	FZ_CHECK(shown <= (words > 2 ? words : 2),
			 "%zu graphemes revealed for %zu words", shown, words);
	if (first == last)
		FZ_CHECK(shown == 0, "a blank name revealed %zu graphemes", shown);

	if (han && first < last)
	{
		mv_buf		e;

		mv_buf_init(&e, 0, 16);
		expect_han(v, &g, first, last - first, &mask, keep, &e);
		FZ_CHECK(fz_eq(o, (mv_str) {e.data, e.len}),
				 "Han name (%zu graphemes, keep %d, pad %d/%d) is not the contract",
				 last - first, (int) keep, (int) mask.has_pad, mask.pad);
		mv_buf_free(&e);
	}

	free(revealed);
	mv_graphemes_free(&g);
	return fz_end(&in, &out);
}
