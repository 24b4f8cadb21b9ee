/*
 * fuzz_cn_phone.c
 *	  libFuzzer target: mv_cn_phone.
 *
 * Properties (doc/masking-rules.md, "cn_phone"):
 * - status: MV_OK exactly when the mask char is valid, MV_ERR_BAD_UTF8 for
 *   an invalid value.
 * - the output is either a full mask (mask chars only, at least one for a
 *   nonempty value, at most one per grapheme of the value or of its NFKC
 *   form), or the NFKC form with some digits masked: an in-order
 *   interleaving of mask chars and copied graphemes of the NFKC form in
 *   which every grapheme that is not a digit is copied (only digits are
 *   masked), every masked grapheme becomes exactly one mask char, at least
 *   four digits are masked (a mobile masks 4, a landline at least 5, a
 *   400/800 number 5) and at most eleven digits are shown (a 0086 prefix
 *   and the 7 digits a mobile keeps).
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_number_call c;
	mv_str		v;
	mv_str		norm;
	mv_graphemes g;
	mv_graphemes ng;
	bool	   *revealed;
	size_t		nmasks;
	long		full;

	if (!fz_number_mask_run("cn_phone", mv_cn_phone, data, size, &c))
		return fz_end(&c.in, &c.out);
	v = c.value;

	norm = fz_nfkc_copy(v);
	fz_split(v, &g);
	fz_split(norm, &ng);
	full = fz_count_repeat(c.o, c.mask.ch);
	if (v.len > 0 && full >= 0)
	{
		/* A full mask (no mask char is a digit, so nothing was kept). */
		FZ_CHECK(full >= 1 && ((size_t) full <= g.count || (size_t) full <= ng.count),
				 "full mask of %ld chars for %zu graphemes", full, g.count);
	}
	else if (v.len > 0)
	{
		size_t		shown_digits = 0;
		size_t		hidden = 0;

		revealed = malloc(ng.count + 1);
		FZ_CHECK(fz_decompose(c.o, norm, &ng, c.mask.ch, revealed, &nmasks),
				 "output is not mask chars and copied graphemes of the NFKC form");
		for (size_t i = 0; i < ng.count; i++)
		{
			mv_str		gr = fz_gr(norm, &ng, i);

			if (revealed[i])
				shown_digits += fz_has_digit(gr);
			else
			{
				hidden++;

				/*
				 * A grapheme equal to the mask char is read as a mask char,
				 * so "not revealed" can also be a copied mask-char lookalike.
				 */
				FZ_CHECK(fz_has_digit(gr) || fz_eq(gr, c.mask.ch),
						 "non-digit grapheme %zu was masked", i);
			}
		}
		FZ_CHECK(nmasks == hidden, "%zu mask chars for %zu masked graphemes",
				 nmasks, hidden);
		FZ_CHECK(shown_digits <= 11, "%zu digits shown", shown_digits);
		FZ_CHECK(hidden >= 4, "only %zu digits masked", hidden);
		free(revealed);
	}

	mv_graphemes_free(&ng);
	mv_graphemes_free(&g);
	free((void *) norm.ptr);
	return fz_end(&c.in, &c.out);
}
