/*
 * fuzz_validators.c
 *	  libFuzzer target: mv_cn_id_card_valid, mv_cn_mobile_valid and
 *	  mv_luhn_valid, against oracles written from doc/masking-rules.md, and
 *	  their agreement with the masks that use the same shapes.
 *
 * Properties:
 * - invalid UTF-8 is never valid.
 * - cn_id_card_valid: true only when the canonical form (NFKC, white space
 *   dropped, x upper-cased) is 18 characters with a correct ISO 7064
 *   MOD 11-2 check character and a real Gregorian date, or 15 digits with
 *   a real 19yy date; and always true for such values dated 1900-2099.
 * - cn_mobile_valid: for ASCII digits with an optional leading '+', exactly
 *   [86 | +86 | 0086] 1[3-9]ddddddddd; for any value, true only when its
 *   NFKC digits have one of those shapes.
 * - luhn_valid: exactly 12-19 ASCII digits (after NFKC; spaces and hyphens
 *   allowed, as bank_card reads them) passing the Luhn check.
 * - a valid mobile is masked by cn_phone as a mobile (exactly four digits
 *   masked, the rest copied); a valid ID number is not fully masked by
 *   cn_id_card; a Luhn-valid number is not fully masked by bank_card.
 */
#include "fuzz_common.h"

/* --- ID numbers ------------------------------------------------------ */

/*
 * The Julian day number of y-m-d, by Fliegel and Van Flandern's formula
 * (Communications of the ACM 11(10), 1968), valid for months 1-12 and any
 * day number: day 31 of a 30-day month is the 1st of the next.
 */
static long
julian_day(long y, long m, long d)
{
	long		a = (m - 14) / 12;

	return (1461 * (y + 4800 + a)) / 4 + (367 * (m - 2 - 12 * a)) / 12 -
		(3 * ((y + 4900 + a) / 100)) / 4 + d - 32075;
}

/*
 * True if y-m-d is a real date: the date the day number of y-m-d falls on
 * is y-m-d itself.  A round trip through day numbers, so that the oracle
 * shares no month-length table or leap rule with the code it checks.
 */
static bool
real_date(int y, int m, int d, bool any_year)
{
	long		l;
	long		n;
	long		i;
	long		j;

	if (!any_year && (y < 1900 || y > 2099))
		return false;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	/* The inverse of julian_day(), from the same paper. */
	l = julian_day(y, m, d) + 68569;
	n = 4 * l / 146097;
	l = l - (146097 * n + 3) / 4;
	i = 4000 * (l + 1) / 1461001;
	l = l - 1461 * i / 4 + 31;
	j = 80 * l / 2447;
	return l - 2447 * j / 80 == d && j + 2 - 12 * (j / 11) == m &&
		100 * (n - 49) + i + j / 11 == y;
}

/* The decimal number written by the n digits at s (n at most 4). */
static int
num(const char *s, int n)
{
	char		digits[5] = {0};

	memcpy(digits, s, n);
	return atoi(digits);
}

/*
 * The ID oracle: 1 if valid with a date in 1900-2099, 0 if invalid in any
 * case, -1 if valid except that the year lies outside 1900-2099 (where the
 * contract does not say which years count as "real").
 */
static int
id_oracle(mv_str v)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	char		c[19];
	size_t		n;
	int			sum = 0;

	if (!fz_id_canonical(v, c, &n))
		return 0;
	if (n == 15)
		return real_date(1900 + num(c + 6, 2), num(c + 8, 2), num(c + 10, 2), false);
	for (int i = 0; i < 17; i++)
		sum += (c[i] - '0') * w[i];
	if (check[sum % 11] != c[17])
		return 0;
	if (real_date(num(c + 6, 4), num(c + 10, 2), num(c + 12, 2), false))
		return 1;
	return real_date(num(c + 6, 4), num(c + 10, 2), num(c + 12, 2), true) ? -1 : 0;
}

/* --- mobiles ---------------------------------------------------------- */

/* The mobile shapes over a digit string (plus: a '+' came first). */
static bool
mobile_digits(const char *d, size_t n, bool plus)
{
	size_t		p;

	if (n == 11 && !plus)
		p = 0;
	else if (n == 13 && memcmp(d, "86", 2) == 0)
		p = 2;
	else if (n == 15 && !plus && memcmp(d, "0086", 4) == 0)
		p = 4;
	else
		return false;
	return d[p] == '1' && d[p + 1] >= '3' && d[p + 1] <= '9';
}

/*
 * 1/0 for a value of ASCII digits with an optional leading '+' (exact), or
 * for anything else: 0 if its NFKC digits cannot be a mobile, -1 if they
 * could (separators are the mask's business).
 */
static int
mobile_oracle(mv_str v)
{
	mv_str		norm = fz_nfkc_copy(v);
	char		d[64];
	size_t		n = 0;
	bool		plain = v.len > 0;
	bool		plus = v.len > 0 && v.ptr[0] == '+';
	int			r;

	for (size_t i = 0; i < v.len; i++)
		if (!((v.ptr[i] >= '0' && v.ptr[i] <= '9') || (i == 0 && plus)))
			plain = false;
	for (size_t i = 0; i < norm.len; i++)
		if (norm.ptr[i] >= '0' && norm.ptr[i] <= '9' && n < sizeof(d))
			d[n++] = norm.ptr[i];
	if (plain)
		r = mobile_digits(d, n, plus);
	else
		r = (mobile_digits(d, n, false) || mobile_digits(d, n, true)) ? -1 : 0;
	free((void *) norm.ptr);
	return r;
}

/* --- Luhn ------------------------------------------------------------ */

static bool
luhn_oracle(mv_str v)
{
	mv_str		norm = fz_nfkc_copy(v);
	size_t		n = 0;
	int			sum = 0;
	bool		ok = true;

	for (size_t i = norm.len; i-- > 0;)
	{
		char		ch = norm.ptr[i];

		if (ch >= '0' && ch <= '9')
		{
			int			dg = ch - '0';

			if (n++ % 2 == 1)
				dg = dg * 2 > 9 ? dg * 2 - 9 : dg * 2;
			sum += dg;
		}
		else if (ch != ' ' && ch != '-')
			ok = false;
	}
	free((void *) norm.ptr);
	return ok && n >= 12 && n <= 19 && sum % 10 == 0;
}

/*
 * Runs a mask with "*": true if the output is only mask chars; *nmasks
 * counts the '*' in it.
 */
typedef mv_status (*mask_fn) (mv_str value, const mv_mask *mask, mv_buf *out);

static mv_status
id_card_1_1(mv_str value, const mv_mask *mask, mv_buf *out)
{
	return mv_cn_id_card(value, 1, 1, mask, out);
}

static bool
fully_masked_by(mask_fn fn, mv_str v, size_t *nmasks)
{
	mv_mask		mask = MV_MASK_DEFAULT;
	mv_buf		out;
	mv_status	st;
	mv_str		o;
	long		full;

	fz_out_init(&out);
	st = fn(v, &mask, &out);
	FZ_CHECK(st == MV_OK, "mask returned %d", (int) st);
	o = fz_check_output(v, &out);
	full = fz_count_repeat(o, mask.ch);
	*nmasks = 0;
	for (size_t i = 0; i < o.len; i++)
		*nmasks += o.ptr[i] == '*';
	mv_buf_free(&out);
	return full >= 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_str		v;
	bool		id_valid;
	bool		mobile_valid;
	bool		luhn_valid;
	size_t		nmasks;
	int			r;

	v = fz_input_open(&in, data, size);
	id_valid = mv_cn_id_card_valid(v);
	mobile_valid = mv_cn_mobile_valid(v);
	luhn_valid = mv_luhn_valid(v);

	if (!mv_utf8_valid(v.ptr, v.len))
	{
		FZ_CHECK(!id_valid && !mobile_valid && !luhn_valid,
				 "invalid UTF-8 passed a validator");
		return fz_end(&in, NULL);
	}

	r = id_oracle(v);
	FZ_CHECK(r == -1 || id_valid == (r == 1),
			 "cn_id_card_valid says %d, the contract %d", (int) id_valid, r);
	r = mobile_oracle(v);
	FZ_CHECK(r == -1 || mobile_valid == (r == 1),
			 "cn_mobile_valid says %d, the contract %d", (int) mobile_valid, r);
	FZ_CHECK(!mobile_valid || r != 0,
			 "cn_mobile_valid accepted digits of no mobile shape");
	FZ_CHECK(luhn_valid == luhn_oracle(v),
			 "luhn_valid says %d, the contract %d", (int) luhn_valid,
			 (int) luhn_oracle(v));

	/* The validators and the masks must read the same shapes. */
	if (mobile_valid)
	{
		bool		full = fully_masked_by(mv_cn_phone, v, &nmasks);

		FZ_CHECK(!full && nmasks == 4,
				 "a valid mobile is masked with %zu mask chars (full %d)",
				 nmasks, (int) full);
	}
	if (id_valid)
		FZ_CHECK(!fully_masked_by(id_card_1_1, v, &nmasks),
				 "a valid ID number is fully masked by cn_id_card");
	if (luhn_valid)
		FZ_CHECK(!fully_masked_by(mv_bank_card, v, &nmasks),
				 "a Luhn-valid number is fully masked by bank_card");

	return fz_end(&in, NULL);
}
