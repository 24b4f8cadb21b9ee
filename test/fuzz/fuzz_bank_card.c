/*
 * fuzz_bank_card.c
 *	  libFuzzer target: mv_bank_card.
 *
 * Properties (doc/masking-rules.md, "bank_card"):
 * - status: MV_OK exactly when the mask char is valid, MV_ERR_BAD_UTF8 for
 *   an invalid value.
 * - when the NFKC form is ASCII digits, spaces and hyphens with 12-19
 *   digits, the output is that form with every digit but the first 6 and
 *   the last 4 replaced by one mask char (separators copied); with 8-11
 *   digits only the last 4 are kept; so at most 10 digits are ever shown.
 * - anything else is a full mask: one mask char per grapheme of the value
 *   (or of its NFKC form) and nothing else.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_number_call c;
	mv_str		v;
	mv_str		norm;
	size_t		ndigits = 0;
	bool		card_shaped = true;

	if (!fz_number_mask_run("bank_card", mv_bank_card, data, size, &c) ||
		c.value.len == 0)
		return fz_end(&c.in, &c.out);
	v = c.value;

	norm = fz_nfkc_copy(v);
	for (size_t i = 0; i < norm.len; i++)
	{
		if (norm.ptr[i] >= '0' && norm.ptr[i] <= '9')
			ndigits++;
		else if (norm.ptr[i] != ' ' && norm.ptr[i] != '-')
			card_shaped = false;
	}
	if (card_shaped && ndigits >= 8 && ndigits <= 19)
	{
		size_t		lo = ndigits >= 12 ? 6 : 0;
		size_t		hi = ndigits - 4;
		size_t		k = 0;
		mv_buf		e;

		mv_buf_init(&e, 0, 32);
		for (size_t i = 0; i < norm.len; i++)
		{
			bool		digit = norm.ptr[i] >= '0' && norm.ptr[i] <= '9';

			if (digit && k >= lo && k < hi)
				mv_buf_append(&e, c.mask.ch.ptr, c.mask.ch.len);
			else
				mv_buf_append(&e, norm.ptr + i, 1);
			k += digit;
		}
		FZ_CHECK(fz_eq(c.o, (mv_str) {e.data, e.len}),
				 "card number of %zu digits is not the contract", ndigits);
		mv_buf_free(&e);
	}
	else
		fz_check_full_mask("a card number", c.o, v, c.mask.ch);

	free((void *) norm.ptr);
	return fz_end(&c.in, &c.out);
}
