/*-------------------------------------------------------------------------
 *
 * generic.c
 *	  The generic masks: partial, redact, digits, email.
 *
 * All of them count graphemes (never bytes or code points), copy kept
 * graphemes byte for byte and write masked spans through
 * mv_mask_append_span(), so that pad and mask_char mean the same thing in
 * every function.  The contract is doc/masking-rules.md, "Generic functions".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include <unicode/uchar.h>

#include "mv_core.h"

/*
 * Applies the leak guard to a keep_head/keep_tail pair over n units: while
 * they would reveal all n, keep_tail is reduced first, then keep_head, so
 * that at least one unit is masked.  Both must be non-negative.
 */
static void
leak_guard(size_t n, int keep_head, int keep_tail, size_t *head, size_t *tail)
{
	size_t		h = (size_t) keep_head;
	size_t		t = (size_t) keep_tail;

	if (n == 0)
	{
		*head = *tail = 0;
		return;
	}
	if (h > n - 1)
		h = n - 1;
	if (t > n - 1 - h)
		t = n - 1 - h;
	*head = h;
	*tail = t;
}

/*
 * Checks the parameters every generic mask shares: keep counts not negative
 * and the mask itself well-formed.
 */
static mv_status
check_params(int keep_head, int keep_tail, const mv_mask *mask)
{
	if (keep_head < 0 || keep_tail < 0)
		return keep_head < 0 ? MV_ERR_KEEP_HEAD_NEGATIVE :
			MV_ERR_KEEP_TAIL_NEGATIVE;
	return mv_mask_check(mask);
}

/*
 * Keeps the first keep_head and last keep_tail graphemes of value and masks
 * the rest (leak guard: at least one grapheme is always masked).
 */
mv_status
mv_partial(mv_str value, int keep_head, int keep_tail, const mv_mask *mask,
		   mv_buf *out)
{
	mv_graphemes g;
	mv_status	st;
	size_t		head;
	size_t		tail;

	st = check_params(keep_head, keep_tail, mask);
	if (st != MV_OK || value.len == 0)
		return st;

	st = mv_graphemes_split(value, &g);
	if (st != MV_OK)
		return st;
	leak_guard(g.count, keep_head, keep_tail, &head, &tail);

	st = mv_append_masked_middle(out, value, g.offs[head], mask,
								 g.count - head - tail,
								 g.offs[g.count - tail]);
	mv_graphemes_free(&g);
	return st;
}

/*
 * Masks every grapheme of value (or writes exactly pad mask chars when pad
 * is given); the empty string stays empty.
 */
mv_status
mv_redact(mv_str value, const mv_mask *mask, mv_buf *out)
{
	mv_status	st;
	size_t		n;

	st = mv_mask_check(mask);
	if (st != MV_OK || value.len == 0)
		return st;

	/* With a pad the length is hidden anyway: no need to count. */
	if (mask->has_pad)
		return mv_mask_append_span(out, mask, 1);

	st = mv_grapheme_count(value, &n);
	if (st != MV_OK)
		return st;
	return mv_mask_append_span(out, mask, n);
}

/*
 * True if grapheme [start, end) of s is a decimal digit, i.e. its first code
 * point is of general category Nd.  A digit with a combining mark on it is
 * masked whole, so that no grapheme is ever split.
 */
static bool
grapheme_is_digit(mv_str s, size_t start)
{
	size_t		pos = start;

	return u_isdigit((UChar32) mv_utf8_next(s.ptr, s.len, &pos)) != 0;
}

/*
 * Writes the NFKC form of value with its decimal digits masked except the
 * first keep_head and last keep_tail digits (leak guard counted in digits);
 * every other grapheme is copied.
 */
mv_status
mv_digits(mv_str value, int keep_head, int keep_tail, const mv_mask *mask,
		  mv_buf *out)
{
	mv_buf		storage;
	mv_graphemes g;
	mv_str		norm;
	mv_status	st;
	size_t		ndigits = 0;
	size_t		seen = 0;
	size_t		head;
	size_t		tail;
	size_t		i;

	st = check_params(keep_head, keep_tail, mask);
	if (st != MV_OK || value.len == 0)
		return st;
	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;

	st = mv_nfkc(value, &norm, &storage);
	if (st != MV_OK)
		return st;
	st = mv_graphemes_split(norm, &g);
	if (st != MV_OK)
	{
		mv_buf_free(&storage);
		return st;
	}

	for (i = 0; i < g.count; i++)
		if (grapheme_is_digit(norm, g.offs[i]))
			ndigits++;
	leak_guard(ndigits, keep_head, keep_tail, &head, &tail);

	for (i = 0; i < g.count && st == MV_OK; i++)
	{
		size_t		start = g.offs[i];
		size_t		end = g.offs[i + 1];

		if (grapheme_is_digit(norm, start))
		{
			bool		keep = seen < head || seen >= ndigits - tail;

			seen++;
			if (!keep)
			{
				/* One mask char per digit: digits() takes no pad. */
				st = mv_buf_append(out, mask->ch.ptr, mask->ch.len);
				continue;
			}
		}
		st = mv_buf_append(out, norm.ptr + start, end - start);
	}

	mv_graphemes_free(&g);
	mv_buf_free(&storage);
	return st;
}

/*
 * Masks the local part of an e-mail address as its first grapheme plus
 * exactly three mask chars ("***" alone for a one-grapheme local part) and
 * keeps the domain; anything that is not local@domain is redacted whole.
 */
mv_status
mv_email(mv_str value, const mv_mask *mask, mv_buf *out)
{
	mv_mask		fixed;
	mv_graphemes g;
	mv_status	st;
	size_t		at = value.len;
	mv_str		local;

	st = mv_mask_check(mask);
	if (st != MV_OK || value.len == 0)
		return st;

	/* '@' is ASCII, so a byte search cannot land inside a code point. */
	while (at > 0 && value.ptr[at - 1] != '@')
		at--;
	if (at <= 1 || at == value.len)
	{
		/* No '@', empty local part or empty domain: hide everything. */
		fixed = *mask;
		fixed.has_pad = false;
		return mv_redact(value, &fixed, out);
	}
	at--;						/* index of the last '@' */

	local.ptr = value.ptr;
	local.len = at;
	st = mv_graphemes_split(local, &g);
	if (st != MV_OK)
		return st;

	/* The local part's length is hidden: always three mask chars. */
	fixed = *mask;
	fixed.has_pad = true;
	fixed.pad = 3;
	st = mv_append_masked_middle(out, value, g.count > 1 ? g.offs[1] : 0,
								 &fixed, 1, at);
	mv_graphemes_free(&g);
	return st;
}
