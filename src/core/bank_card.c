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
 * The plan of a card number (t already NFKC): 12-19 digits keep the first 6
 * and last 4, 8-11 digits the last 4; false for anything else.
 */
static bool
parse_card(mv_str t, mv_digit_plan *plan)
{
	size_t		n;

	if (!scan_card(t, &n) || n < 8 || n > 19)
		return false;
	plan->lo = n >= 12 ? 6 : 0;
	plan->hi = n - 4;
	plan->from = SIZE_MAX;
	return true;
}

/* True if t (already NFKC) has 12-19 digits passing the Luhn check. */
static bool
luhn_ok(mv_str t)
{
	size_t		n;
	size_t		k = 0;			/* digits seen from the right */
	int			sum = 0;

	if (!scan_card(t, &n) || n < 12 || n > 19)
		return false;
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
	return sum % 10 == 0;
}

/*
 * Masks a card number per doc/masking-rules.md ("bank_card"), appending to
 * out: the digits parse_card() plans are masked, anything that is no card
 * number is fully masked.  The function has no pad.
 */
mv_status
mv_bank_card(mv_str value, const mv_mask *mask, mv_buf *out)
{
	return mv_mask_number_digits(value, mask, parse_card, out);
}

/*
 * True if value (after NFKC; spaces and hyphens allowed) has 12-19 digits
 * passing the Luhn check.
 */
bool
mv_luhn_valid(mv_str value)
{
	return mv_number_text_test(value, luhn_ok);
}
