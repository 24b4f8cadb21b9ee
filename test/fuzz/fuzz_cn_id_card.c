/*
 * fuzz_cn_id_card.c
 *	  libFuzzer target: mv_cn_id_card.
 *
 * Properties (doc/masking-rules.md, "cn_id_card"):
 * - status: MV_OK exactly when keep_head is 0-6, keep_tail 0-4 and the
 *   mask char valid; MV_ERR_ID_KEEP (or MV_ERR_KEEP_*_NEGATIVE for a negative
 *   keep) and MV_ERR_MASK_CHAR otherwise; MV_ERR_BAD_UTF8 for an invalid
 *   value.
 * - canonical form: NFKC, white space dropped, x upper-cased.  When it is
 *   [0-9]{17}[0-9X] or [0-9]{15}, the output is exactly its first keep_head
 *   characters, one mask char per hidden character, and its last keep_tail
 *   characters (at most 3 for the 15-digit form, whose birth date runs to
 *   its 12th digit), so the birth date is never shown.  Otherwise the output
 *   is a full mask: one mask char per grapheme of the value (or of its NFKC
 *   form), nothing else.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_mask		mask = MV_MASK_DEFAULT;
	bool		mask_valid;
	int			keep_head;
	int			keep_tail;
	unsigned	bad = 0;
	mv_buf		out;
	mv_status	st;
	mv_str		v;
	mv_str		o;
	char		c[18];
	size_t		n;

	v = fz_input_open(&in, data, size);
	keep_head = fz_keep(&in);
	keep_tail = fz_keep(&in);
	mask.ch = fz_mask_char(&in, &mask_valid);
	if (!mask_valid)
		bad |= FZ_BAD_MASK_CHAR;
	if (keep_head < 0 || keep_head > 6 || keep_tail < 0 || keep_tail > 4)
		bad |= FZ_BAD(MV_ERR_ID_KEEP);
	if (keep_head < 0)
		bad |= FZ_BAD(MV_ERR_KEEP_HEAD_NEGATIVE);
	if (keep_tail < 0)
		bad |= FZ_BAD(MV_ERR_KEEP_TAIL_NEGATIVE);

	/* cn_id_card has no pad parameter: the glue never sets one. */
	fz_out_init(&out);
	st = mv_cn_id_card(v, keep_head, keep_tail, &mask, &out);
	if (!fz_mask_result("cn_id_card", st, bad, v, &out, &o))
		return fz_end(&in, &out);

	if (v.len > 0 && fz_id_canonical(v, c, &n))
	{
		size_t		h = (size_t) keep_head;
		size_t		t = (size_t) keep_tail;
		mv_buf		e;

		if (n == 15 && t > 3)
			t = 3;
		mv_buf_init(&e, 0, 32);
		mv_buf_append(&e, c, h);
		mv_buf_append_repeat(&e, mask.ch, n - h - t);
		mv_buf_append(&e, c + n - t, t);
		FZ_CHECK(fz_eq(o, (mv_str) {e.data, e.len}),
				 "ID number (%zu chars, keep %d/%d) is not the contract",
				 n, keep_head, keep_tail);
		mv_buf_free(&e);
	}
	else if (v.len > 0)
		fz_check_full_mask("an ID number", o, v, mask.ch);

	return fz_end(&in, &out);
}
