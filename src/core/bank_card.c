/*-------------------------------------------------------------------------
 *
 * bank_card.c
 *	  mask.bank_card and mask.luhn_valid: payment card and account numbers.
 *
 * The value is NFKC-normalised; it must then be ASCII digits with optional
 * spaces or hyphens (copied to the output).  After NFKC only ASCII 0-9
 * count as digits: Arabic-Indic and other digits make the value unparseable,
 * and an unparseable value is fully masked from the original (NFKC may
 * change the grapheme count; the original's length reveals no more).  The
 * contract is MASKING_RULES.md, "bank_card".
 *
 *-------------------------------------------------------------------------
 */
#include "mv_core.h"

/*
 * Counts the digits of t (already NFKC) into *ndigits; false if t holds
 * anything but digits, spaces and hyphens.
 */
static bool
scan_card(mv_str t, size_t *ndigits)
{
	*ndigits = 0;
	for (size_t i = 0; i < t.len; i++)
	{
		char		c = t.ptr[i];

		if (c >= '0' && c <= '9')
			(*ndigits)++;
		else if (c != ' ' && c != '-')
			return false;
	}
	return true;
}

/* Writes t with digits [lo, hi) (counted in digits) masked. */
static mv_status
write_masked(mv_str t, size_t lo, size_t hi, const mv_mask *mask, mv_buf *out)
{
	size_t		k = 0;
	size_t		run = 0;		/* start of the bytes not yet copied */
	mv_status	st = MV_OK;

	for (size_t i = 0; i < t.len && st == MV_OK; i++)
	{
		if (t.ptr[i] < '0' || t.ptr[i] > '9')
			continue;
		if (k >= lo && k < hi)
		{
			st = mv_buf_append(out, t.ptr + run, i - run);
			if (st == MV_OK)
				st = mv_buf_append(out, mask->ch.ptr, mask->ch.len);
			run = i + 1;
		}
		k++;
	}
	if (st == MV_OK)
		st = mv_buf_append(out, t.ptr + run, t.len - run);
	return st;
}

/*
 * Masks a card number per MASKING_RULES ("bank_card"), appending to out:
 * 12-19 digits keep the first 6 and last 4, 8-11 digits the last 4, anything
 * else is fully masked.  The function has no pad.
 */
mv_status
mv_bank_card(mv_str value, const mv_mask *mask, mv_buf *out)
{
	mv_mask		m;
	mv_str		t;
	mv_buf		storage;
	size_t		n;
	mv_status	st;

	st = mv_mask_check(mask);
	if (st != MV_OK)
		return st;
	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;
	if (value.len == 0)
		return MV_OK;
	m = *mask;
	m.has_pad = false;

	st = mv_nfkc(value, &t, &storage);
	if (st != MV_OK)
		return st;
	if (!scan_card(t, &n) || n < 8 || n > 19)
		st = mv_redact(value, &m, out);
	else if (n >= 12)
		st = write_masked(t, 6, n - 4, &m, out);
	else
		st = write_masked(t, 0, n - 4, &m, out);
	mv_buf_free(&storage);
	return st;
}

/*
 * True if value (after NFKC; spaces and hyphens allowed) has 12-19 digits
 * passing the Luhn check.
 */
bool
mv_luhn_valid(mv_str value)
{
	mv_str		t;
	mv_buf		storage;
	size_t		n;
	int			sum = 0;
	bool		ok = false;

	if (!mv_utf8_valid(value.ptr, value.len) ||
		mv_nfkc(value, &t, &storage) != MV_OK)
		return false;
	if (scan_card(t, &n) && n >= 12 && n <= 19)
	{
		size_t		k = 0;		/* digits seen from the right */

		/* From the right, every second digit is doubled. */
		for (size_t i = t.len; i-- > 0;)
		{
			int			d = t.ptr[i] - '0';

			if (d < 0 || d > 9)
				continue;
			if (k++ % 2 == 1)
				d = d * 2 > 9 ? d * 2 - 9 : d * 2;
			sum += d;
		}
		ok = (sum % 10 == 0);
	}
	mv_buf_free(&storage);
	return ok;
}
