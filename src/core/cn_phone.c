/*-------------------------------------------------------------------------
 *
 * cn_phone.c
 *	  mask.cn_phone and mask.cn_mobile_valid: Chinese telephone numbers.
 *
 * The value is NFKC-normalised first, so full-width digits and brackets read
 * as ASCII.  After NFKC only ASCII 0-9 count as digits: any other decimal
 * digit (Arabic-Indic, Devanagari ...) makes the value unparseable, and an
 * unparseable value is fully masked (fail closed).  A parsed number is
 * written from the normalised text ("１３８…" gives "138****5678"); the
 * fallback masks every grapheme of the original value, since NFKC may change
 * the grapheme count and the original's length reveals no more.
 *
 * Parsing is in two steps: scan_phone() checks the characters and cuts the
 * digits into groups (separated by spaces, hyphens, brackets or an extension
 * marker), then classify() recognises a mobile, landline or 400/800 number
 * and returns the digit ranges to mask.  An ASCII value (nearly all of
 * them) is parsed from its own bytes, without validation or NFKC passes
 * (number_text.h).  The contract is doc/masking-rules.md, "cn_phone".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "number_text.h"

/* Longer inputs are not telephone numbers: fail closed. */
#define PHONE_MAX_DIGITS 24
#define PHONE_MAX_GROUPS 8

/* What separates a digit group from the one before it. */
#define SEP_DASH	0x01
#define SEP_SPACE	0x02
#define SEP_BRACKET 0x04
#define SEP_EXT		0x08		/* 转, ext or x */

/* The digits of a phone value, cut into groups. */
typedef struct phone_scan
{
	char		digits[PHONE_MAX_DIGITS];
	int			ndigits;
	int			ngroups;
	int			group_start[PHONE_MAX_GROUPS + 1];	/* digit index; [ngroups]
													 * = ndigits */
	unsigned char sep_before[PHONE_MAX_GROUPS];
	bool		plus;			/* a leading '+' */
	int			ext_group;		/* first group of the extension, or -1 */
} phone_scan;

/* Length of an "ext" marker (any case) at t[pos], or 0. */
static size_t
ext_marker_len(mv_str t, size_t pos)
{
	if (pos + 3 <= t.len &&
		(t.ptr[pos] | 0x20) == 'e' &&
		(t.ptr[pos + 1] | 0x20) == 'x' &&
		(t.ptr[pos + 2] | 0x20) == 't')
		return (pos + 4 <= t.len && t.ptr[pos + 3] == '.') ? 4 : 3;
	if ((t.ptr[pos] | 0x20) == 'x')
		return 1;
	return 0;
}

/*
 * Checks that t holds only digits, separators, a leading '+' and at most one
 * extension marker, and records the digit groups.  False when t cannot be a
 * phone number.
 */
static bool
scan_phone(mv_str t, phone_scan *ps)
{
	size_t		pos = 0;
	unsigned char pending = 0;
	bool		in_digits = false;
	bool		in_bracket = false;
	bool		ext_marker = false;
	bool		ends_well = false;	/* last non-space was a digit or ')' */

	memset(ps, 0, sizeof(*ps));
	ps->ext_group = -1;
	while (pos < t.len)
	{
		size_t		at = pos;
		uint32_t	cp = mv_next_cp(t.ptr, t.len, &pos);
		size_t		mlen = 0;

		if (cp >= '0' && cp <= '9')
		{
			if (!in_digits)
			{
				/* Nothing may follow the extension. */
				if (ps->ngroups == PHONE_MAX_GROUPS || ps->ext_group >= 0)
					return false;
				if (pending & SEP_EXT)
					ps->ext_group = ps->ngroups;
				ps->group_start[ps->ngroups] = ps->ndigits;
				ps->sep_before[ps->ngroups++] = pending;
				pending = 0;
			}
			if (ps->ndigits == PHONE_MAX_DIGITS)
				return false;
			ps->digits[ps->ndigits++] = (char) cp;
			in_digits = true;
			ends_well = true;
			continue;
		}
		in_digits = false;
		if (cp == ' ')
		{
			pending |= SEP_SPACE;
			continue;
		}
		ends_well = false;
		if (cp == '-' && ps->ngroups > 0)
			pending |= SEP_DASH;
		else if (cp == '(' && !in_bracket)
		{
			in_bracket = true;
			pending |= SEP_BRACKET;
		}
		else if (cp == ')' && in_bracket)
		{
			in_bracket = false;
			pending |= SEP_BRACKET;
			ends_well = true;
		}
		else if (cp == '+' && ps->ngroups == 0 && !ps->plus)
			ps->plus = true;
		else if (ps->ngroups > 0 && !ext_marker &&
				 (cp == 0x8F6C /* 转 */ || (mlen = ext_marker_len(t, at)) > 0))
		{
			if (cp != 0x8F6C)
				pos = at + mlen;
			ext_marker = true;
			pending |= SEP_EXT;
		}
		else
			return false;
	}
	ps->group_start[ps->ngroups] = ps->ndigits;
	/* A marker needs an extension; a bracket must close. */
	if (ext_marker && ps->ext_group < 0)
		return false;
	return ps->ngroups > 0 && !in_bracket && ends_well;
}

/* Number of digits in group g. */
static int
group_len(const phone_scan *ps, int g)
{
	return ps->group_start[g + 1] - ps->group_start[g];
}

/* True if d[0..1] starts a mobile number: 1[3-9]. */
static bool
mobile_start(const char *d)
{
	return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* The plan of a mobile number whose eleven digits start at digit p. */
static void
mobile_plan(int p, int ndigits, mv_digit_plan *plan)
{
	plan->lo = p + 3;
	plan->hi = p + 7;
	plan->from = ndigits;
}

/*
 * A mobile number: optional +86, 0086 or 86, then 1[3-9] and nine more
 * digits.  Masks the 4th to 7th digits of the eleven.
 */
static bool
classify_mobile(const phone_scan *ps, mv_digit_plan *plan)
{
	const char *d = ps->digits;
	int			p;

	if (ps->ext_group >= 0)
		return false;
	if (ps->ndigits == 11 && !ps->plus)
		p = 0;
	else if (ps->ndigits == 13 && memcmp(d, "86", 2) == 0)
		p = 2;
	else if (ps->ndigits == 15 && memcmp(d, "0086", 4) == 0 && !ps->plus)
		p = 4;
	else
		return false;
	if (!mobile_start(d + p))
		return false;
	mobile_plan(p, ps->ndigits, plan);
	return true;
}

/*
 * Most values are a bare mobile number, eleven digits and nothing else.
 * scan_phone() would make them one group, which classify_mobile() accepts
 * first, so they are recognised here without the scan.
 */
static bool
bare_mobile(mv_str t, mv_digit_plan *plan)
{
	if (t.len != 11 || !mobile_start(t.ptr))
		return false;
	for (size_t i = 2; i < 11; i++)
		if (t.ptr[i] < '0' || t.ptr[i] > '9')
			return false;
	mobile_plan(0, 11, plan);
	return true;
}

/*
 * A landline: 0, an area code (010 and 02x: three digits with the 0; else
 * four), 7-8 local digits, and an optional extension after a marker or a
 * final hyphen.  Keeps the area code and the last two local digits.
 */
static bool
classify_landline(const phone_scan *ps, mv_digit_plan *plan)
{
	const char *d = ps->digits;
	int			area;
	int			ext_group = ps->ext_group;
	int			main_digits;
	int			local;

	if (ps->plus || ps->ndigits < 10 || d[0] != '0')
		return false;
	if (d[1] == '1' && d[2] == '0')
		area = 3;
	else if (d[1] == '2')
		area = 3;
	else if (d[1] >= '3' && d[1] <= '9')
		area = 4;
	else
		return false;
	/* The area code is never split by a separator. */
	if (group_len(ps, 0) < area)
		return false;

	main_digits = ext_group >= 0 ? ps->group_start[ext_group] : ps->ndigits;
	local = main_digits - area;

	/*
	 * Without a marker, a last group after a hyphen is an extension when the
	 * digits before it make a whole local number: 0553-1234567-808.
	 */
	if (ext_group < 0 && (local < 7 || local > 8) && ps->ngroups >= 2 &&
		(ps->sep_before[ps->ngroups - 1] & SEP_DASH))
	{
		int			last = ps->ngroups - 1;
		int			before = ps->group_start[last] - area;

		if (before >= 7 && before <= 8)
		{
			ext_group = last;
			main_digits = ps->group_start[last];
			local = before;
		}
	}
	if (local < 7 || local > 8)
		return false;
	if (ext_group >= 0 && ps->ndigits - main_digits > 6)
		return false;
	plan->lo = area;
	plan->hi = main_digits - 2;
	plan->from = main_digits;
	return true;
}

/* 400 and 800 service numbers: ten digits, first three and last two kept. */
static bool
classify_service(const phone_scan *ps, mv_digit_plan *plan)
{
	if (ps->plus || ps->ext_group >= 0 || ps->ndigits != 10 ||
		(memcmp(ps->digits, "400", 3) != 0 &&
		 memcmp(ps->digits, "800", 3) != 0))
		return false;
	plan->lo = 3;
	plan->hi = 8;
	plan->from = 10;
	return true;
}

/*
 * Parses t (already NFKC) into the digits to mask (the extension, from
 * `from` on, is masked whole); false when it is no phone number of ours.
 */
static bool
parse_phone(mv_str t, mv_digit_plan *plan)
{
	phone_scan	ps;

	if (bare_mobile(t, plan))
		return true;
	return scan_phone(t, &ps) &&
		(classify_mobile(&ps, plan) ||
		 classify_landline(&ps, plan) ||
		 classify_service(&ps, plan));
}

/* True if t (already NFKC) is a mobile number, prefix allowed. */
static bool
is_mobile(mv_str t)
{
	phone_scan	ps;
	mv_digit_plan plan;

	return t.len > 0 &&
		(bare_mobile(t, &plan) ||
		 (scan_phone(t, &ps) && classify_mobile(&ps, &plan)));
}

/*
 * Masks a telephone number per doc/masking-rules.md ("cn_phone"), appending
 * to out.
 * Only digits are masked; a value of no known shape is fully masked.  The
 * function has no pad: a pad in mask is ignored.
 */
mv_status
mv_cn_phone(mv_str value, const mv_mask *mask, mv_buf *out)
{
	return mv_mask_number_digits(value, mask, parse_phone, out);
}

/* True if value is a mobile number (+86/0086/86 prefix allowed), after NFKC. */
bool
mv_cn_mobile_valid(mv_str value)
{
	return mv_number_text_test(value, is_mobile);
}
