/*-------------------------------------------------------------------------
 *
 * bank_card.c
 *	  mask.bank_card and mask.luhn_valid: payment card and account numbers.
 *
 * The value is NFKC-normalised; it must then be ASCII digits with optional
 * spaces or hyphens (copied to the output).  After NFKC only ASCII 0-9
 * count as digits: Arabic-Indic and other digits make the value unparseable,
 * and an unparseable value is fully masked from the original (NFKC may
 * change the grapheme count; the original's length reveals no more).  An
 * ASCII value (nearly all of them) is read from its own bytes, without
 * validation or NFKC passes (number_text.h).  The contract is
 * doc/masking-rules.md, "bank_card".
 *
 *-------------------------------------------------------------------------
 */
#include "number_text.h"

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

/*
 * Masks a card number per doc/masking-rules.md ("bank_card"), appending to out:
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

	st = mv_number_mask_start(value, mask, &t, &storage, &m);
	if (st != MV_OK || value.len == 0)
		return st;				/* (storage is unused for "") */

	if (!scan_card(t, &n) || n < 8 || n > 19)
		st = mv_redact(value, &m, out);
	else
		st = mv_write_digits_masked(t, n >= 12 ? 6 : 0, n - 4, SIZE_MAX,
									m.ch, out);
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

	if (mv_number_text(value, &t, &storage) != MV_OK)
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
