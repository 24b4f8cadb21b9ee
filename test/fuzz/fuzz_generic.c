/*
 * fuzz_generic.c
 *	  libFuzzer target: the generic masks partial, redact, digits and email,
 *	  each called on every input with parameters drawn from it.
 *
 * Properties (doc/masking-rules.md, "Generic functions"):
 * - status: MV_OK exactly when the parameters are valid, whatever the value;
 *   otherwise an error the bad parameter explains (MV_ERR_*_NEGATIVE,
 *   MV_ERR_MASK_CHAR); digits also rejects invalid UTF-8 values.
 * - partial and redact: the output equals the contract computed here from
 *   the grapheme split (kept graphemes copied, leak guard, pad), so partial
 *   never reveals more than keep_head + keep_tail graphemes and always masks
 *   one of a nonempty value.
 * - digits: walking the NFKC form in step with the output, every non-digit
 *   grapheme is copied, and digit i is revealed exactly when the leak guard
 *   keeps it; a digit is masked by one mask char.
 * - email: first grapheme of the local part + three mask chars + "@domain",
 *   "***@domain" for a one-grapheme local part, and a full redact when there
 *   is no '@', or the local part or domain is empty.
 * - every output valid UTF-8, written after the buffer's reserved bytes,
 *   empty for an empty value.
 */
#include "fuzz_common.h"

typedef struct params
{
	int			keep_head;
	int			keep_tail;
	mv_mask		mask;
	bool		mask_valid;
} params;

/* Errors the parameters justify, for a function taking keeps and a pad. */
static unsigned
bad_params(const params *p, bool keeps, bool pad)
{
	unsigned	bad = 0;

	if (keeps && p->keep_head < 0)
		bad |= FZ_BAD(MV_ERR_KEEP_HEAD_NEGATIVE);
	if (keeps && p->keep_tail < 0)
		bad |= FZ_BAD(MV_ERR_KEEP_TAIL_NEGATIVE);
	if (pad && p->mask.has_pad && p->mask.pad < 0)
		bad |= FZ_BAD(MV_ERR_PAD_NEGATIVE);
	if (!p->mask_valid)
		bad |= FZ_BAD_MASK_CHAR;
	return bad;
}

/* Appends n copies of the mask char (or pad copies when a pad is set). */
static void
expect_span(mv_buf *e, const mv_mask *mask, size_t n)
{
	mv_buf_append_repeat(e, mask->ch, mask->has_pad ? (size_t) mask->pad : n);
}

static void
check_partial(mv_str v, const mv_graphemes *g, const params *p)
{
	mv_buf		out;
	mv_buf		e;
	mv_str		o;
	mv_status	st;
	size_t		h;
	size_t		t;
	unsigned	bad = bad_params(p, true, true);

	fz_out_init(&out);
	st = mv_partial(v, p->keep_head, p->keep_tail, &p->mask, &out);
	fz_check_status("partial", st, bad);
	if (bad)
	{
		mv_buf_free(&out);
		return;
	}
	o = fz_check_output(v, &out);

	mv_buf_init(&e, 0, 16);
	if (g->count > 0)
	{
		fz_leak_guard(g->count, p->keep_head, p->keep_tail, &h, &t);
		mv_buf_append(&e, v.ptr, g->offs[h]);
		expect_span(&e, &p->mask, g->count - h - t);
		mv_buf_append(&e, v.ptr + g->offs[g->count - t],
					  v.len - g->offs[g->count - t]);
	}
	FZ_CHECK(fz_eq(o, (mv_str) {e.data, e.len}),
			 "partial(keep_head %d, keep_tail %d, pad %d/%d) is not the contract",
			 p->keep_head, p->keep_tail, (int) p->mask.has_pad, p->mask.pad);
	mv_buf_free(&e);
	mv_buf_free(&out);
}

static void
check_redact(mv_str v, const mv_graphemes *g, const params *p)
{
	mv_buf		out;
	mv_str		o;
	mv_status	st;
	unsigned	bad = bad_params(p, false, true);

	fz_out_init(&out);
	st = mv_redact(v, &p->mask, &out);
	fz_check_status("redact", st, bad);
	if (!bad)
	{
		size_t		n = g->count == 0 ? 0 :
			p->mask.has_pad ? (size_t) p->mask.pad : g->count;

		o = fz_check_output(v, &out);
		FZ_CHECK(fz_is_repeat(o, p->mask.ch, n),
				 "redact is not %zu mask chars", n);
	}
	mv_buf_free(&out);
}

/* Graphemes whose first code point is a decimal digit (Nd). */
static bool
is_digit_grapheme(mv_str gr)
{
	size_t		pos = 0;

	return u_charType((UChar32) mv_utf8_next(gr.ptr, gr.len, &pos)) ==
		U_DECIMAL_DIGIT_NUMBER;
}

static void
check_digits(mv_str v, const params *p)
{
	mv_buf		out;
	mv_str		o;
	mv_str		norm;
	mv_graphemes ng;
	mv_status	st;
	mv_mask		mask = p->mask;
	size_t		ndigits = 0;
	size_t		seen = 0;
	size_t		h;
	size_t		t;
	size_t		pos = 0;
	unsigned	bad;

	/* digits has no pad parameter. */
	mask.has_pad = false;
	bad = bad_params(p, true, false);

	fz_out_init(&out);
	st = mv_digits(v, p->keep_head, p->keep_tail, &mask, &out);
	fz_check_status("digits", st, bad);
	if (bad)
	{
		mv_buf_free(&out);
		return;
	}
	o = fz_check_output(v, &out);

	norm = fz_nfkc_copy(v);
	fz_split(norm, &ng);
	for (size_t i = 0; i < ng.count; i++)
		ndigits += is_digit_grapheme(fz_gr(norm, &ng, i));
	fz_leak_guard(ndigits, p->keep_head, p->keep_tail, &h, &t);

	for (size_t i = 0; i < ng.count; i++)
	{
		mv_str		gr = fz_gr(norm, &ng, i);
		bool		reveal = true;
		mv_str		expect;

		if (is_digit_grapheme(gr))
		{
			reveal = seen < h || seen >= ndigits - t;
			seen++;
		}
		expect = reveal ? gr : mask.ch;
		FZ_CHECK(pos + expect.len <= o.len &&
				 memcmp(o.ptr + pos, expect.ptr, expect.len) == 0,
				 "digits(keep_head %d, keep_tail %d): grapheme %zu of the NFKC "
				 "form should be %s at output byte %zu (%zu digits)",
				 p->keep_head, p->keep_tail, i, reveal ? "copied" : "masked",
				 pos, ndigits);
		pos += expect.len;
	}
	FZ_CHECK(pos == o.len, "digits: output has %zu extra bytes", o.len - pos);

	mv_graphemes_free(&ng);
	free((void *) norm.ptr);
	mv_buf_free(&out);
}

static void
check_email(mv_str v, const mv_graphemes *g, const params *p)
{
	mv_buf		out;
	mv_buf		e;
	mv_str		o;
	mv_status	st;
	mv_mask		mask = p->mask;
	size_t		at = v.len;
	unsigned	bad;

	/* email has no pad parameter. */
	mask.has_pad = false;
	bad = bad_params(p, false, false);

	fz_out_init(&out);
	st = mv_email(v, &mask, &out);
	fz_check_status("email", st, bad);
	if (bad)
	{
		mv_buf_free(&out);
		return;
	}
	o = fz_check_output(v, &out);

	while (at > 0 && v.ptr[at - 1] != '@')
		at--;
	mv_buf_init(&e, 0, 16);
	if (v.len == 0)
		;
	else if (at <= 1 || at == v.len)
		mv_buf_append_repeat(&e, mask.ch, g->count);
	else
	{
		mv_str		local = fz_sub(v, 0, at - 1);
		mv_graphemes lg;

		fz_split(local, &lg);
		if (lg.count > 1)
			mv_buf_append(&e, local.ptr, lg.offs[1]);
		mv_buf_append_repeat(&e, mask.ch, 3);
		mv_buf_append(&e, v.ptr + at - 1, v.len - at + 1);
		mv_graphemes_free(&lg);
	}
	FZ_CHECK(fz_eq(o, (mv_str) {e.data, e.len}), "email is not the contract");
	mv_buf_free(&e);
	mv_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	params		p;
	mv_graphemes g;

	fz_input_open(&in, data, size);
	p.keep_head = fz_keep(&in);
	p.keep_tail = fz_keep(&in);
	p.mask.ch = fz_mask_char(&in, &p.mask_valid);
	fz_pad(&in, &p.mask);

	if (!mv_utf8_valid(in.value.ptr, in.value.len))
	{
		/* digits checks its value; with valid parameters it must say so. */
		mv_buf		out;
		mv_mask		mask = p.mask;
		mv_status	st;

		mask.has_pad = false;
		fz_out_init(&out);
		st = mv_digits(in.value, p.keep_head, p.keep_tail, &mask, &out);
		if (bad_params(&p, true, false) == 0)
			FZ_CHECK(st == MV_ERR_BAD_UTF8,
					 "digits on invalid UTF-8 returned %d", (int) st);
		return fz_end(&in, &out);
	}

	fz_split(in.value, &g);
	check_partial(in.value, &g, &p);
	check_redact(in.value, &g, &p);
	check_digits(in.value, &p);
	check_email(in.value, &g, &p);
	mv_graphemes_free(&g);
	return fz_end(&in, NULL);
}
