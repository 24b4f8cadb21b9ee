/*-------------------------------------------------------------------------
 *
 * cn_id_card.c
 *	  mask.cn_id_card and mask.cn_id_card_valid: resident identity numbers
 *	  (GB 11643-1999), 18 characters or the legacy 15 digits.
 *
 * The value is NFKC-normalised, white space anywhere is dropped and x is
 * upper-cased, giving the canonical form the mask is written from.  After
 * NFKC only ASCII 0-9 count as digits: Arabic-Indic and other digits make
 * the value unparseable, and an unparseable value is fully masked from the
 * original (NFKC may change the grapheme count; the original's length
 * reveals no more).
 *
 * keep_head is at most 6 (the region code) and keep_tail at most 4 (the
 * sequence and check characters), so the birth date is never revealed; for
 * the 15-digit form, whose date runs to its 12th digit, keep_tail is capped
 * at 3 for the same reason.  An ASCII value (nearly all of them) is read
 * from its own bytes, without validation or NFKC passes (number_text.h).
 * The contract is doc/masking-rules.md, "cn_id_card".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "number_text.h"

#define ID_LEN 18
#define ID_LEN_LEGACY 15

/* The canonical characters of an ID number. */
typedef struct id_chars
{
	char		c[ID_LEN];
	int			n;
} id_chars;

/*
 * Canonicalises t (already NFKC): drops white space, upper-cases x, and
 * checks the shape [0-9]{17}[0-9X] or [0-9]{15}.  One pass: X is taken only
 * as the 18th character, and nothing may follow it.
 */
static bool
canonical_id(mv_str t, id_chars *id)
{
	size_t		pos = 0;

	id->n = 0;
	while (pos < t.len)
	{
		uint32_t	cp = mv_next_cp(t.ptr, t.len, &pos);

		if (cp == 'x')
			cp = 'X';
		if ((cp >= '0' && cp <= '9') || (cp == 'X' && id->n == ID_LEN - 1))
		{
			if (id->n == ID_LEN)
				return false;
			id->c[id->n++] = (char) cp;
		}
		else if (!mv_is_white_space(cp))
			return false;
	}
	return id->n == ID_LEN || id->n == ID_LEN_LEGACY;
}

/*
 * Masks a resident ID number per doc/masking-rules.md ("cn_id_card"),
 * appending to out: keep_head (0-6) and keep_tail (0-4) canonical characters are kept.
 * A value of the wrong shape is fully masked.  The function has no pad.
 */
mv_status
mv_cn_id_card(mv_str value, int keep_head, int keep_tail, const mv_mask *mask,
			  mv_buf *out)
{
	mv_mask		m;
	mv_str		t;
	mv_buf		storage;
	id_chars	id;
	bool		parsed;
	int			tail;
	mv_status	st;

	if (keep_head < 0 || keep_head > 6 || keep_tail < 0 || keep_tail > 4)
		return MV_ERR_ID_KEEP;
	st = mv_number_mask_start(value, mask, &t, &storage, &m);
	if (st != MV_OK || value.len == 0)
		return st;				/* (storage is unused for "") */
	parsed = canonical_id(t, &id);
	mv_buf_free(&storage);
	if (!parsed)
		return mv_redact(value, &m, out);

	/* The legacy form's date ends at its 12th digit: keep 3 at most. */
	tail = keep_tail;
	if (id.n == ID_LEN_LEGACY && tail > 3)
		tail = 3;
	if (m.ch.len == 1)
	{
		/*
		 * The usual mask char: one character per character, so copy the ID
		 * and overwrite its middle.
		 */
		st = mv_buf_append(out, id.c, (size_t) id.n);
		if (st == MV_OK)
			memset(out->data + out->len - id.n + keep_head, m.ch.ptr[0],
				   (size_t) (id.n - keep_head - tail));
		return st;
	}
	return mv_append_masked_middle(out, (mv_str) {id.c, (size_t) id.n},
								   (size_t) keep_head, &m,
								   (size_t) (id.n - keep_head - tail),
								   (size_t) (id.n - tail));
}

/* Gregorian leap year. */
static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True if y-m-d is a date of the Gregorian calendar (1800-2099). */
static bool
real_date(int y, int m, int d)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (y < 1800 || y > 2099 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

/* The decimal number written by n digits at s. */
static int
digits_value(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* ISO 7064 MOD 11-2 check character of the first 17 digits. */
static char
id_check_char(const char *c)
{
	static const int weights[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	static const char check[11] = {
		'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'
	};
	int			sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (c[i] - '0') * weights[i];
	return check[sum % 11];
}

/*
 * True if t (already NFKC) canonicalises to an 18-character ID with a
 * correct check character and a real birth date, or a 15-digit ID with a
 * real date (19yy).
 */
static bool
id_valid(mv_str t)
{
	id_chars	id;

	if (!canonical_id(t, &id))
		return false;
	if (id.n == ID_LEN)
		return id_check_char(id.c) == id.c[17] &&
			real_date(digits_value(id.c + 6, 4), digits_value(id.c + 10, 2),
					  digits_value(id.c + 12, 2));
	return real_date(1900 + digits_value(id.c + 6, 2),
					 digits_value(id.c + 8, 2), digits_value(id.c + 10, 2));
}

/*
 * True if value (after NFKC, white space dropped, x upper-cased) is an
 * 18-character ID with a correct check character and a real birth date, or
 * a 15-digit ID with a real date (19yy).
 */
bool
mv_cn_id_card_valid(mv_str value)
{
	return mv_number_text_test(value, id_valid);
}
