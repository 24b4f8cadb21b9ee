/*-------------------------------------------------------------------------
 *
 * number_text.c
 *	  Input and output of the number masks (cn_phone, cn_id_card,
 *	  bank_card): see number_text.h.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "number_text.h"

mv_status
mv_number_text(mv_str value, mv_str *t, mv_buf *storage)
{
	size_t		ascii = mv_ascii_prefix(value.ptr, value.len);

	if (ascii == value.len)
	{
		/* Valid UTF-8 and NFKC as it stands: no second pass, no ICU. */
		memset(storage, 0, sizeof(*storage));
		*t = value;
		return MV_OK;
	}
	/* The ASCII prefix ends on a character boundary; validate the rest. */
	if (!mv_utf8_valid(value.ptr + ascii, value.len - ascii))
	{
		memset(storage, 0, sizeof(*storage));
		return MV_ERR_BAD_UTF8;
	}
	return mv_nfkc(value, t, storage);
}

mv_status
mv_write_digits_masked(mv_str t, const mv_digit_plan *plan,
					   mv_str mask_char, mv_buf *out)
{
	size_t		lo = plan->lo;
	size_t		hi = plan->hi;
	size_t		from = plan->from;
	size_t		k = 0;			/* digits seen */
	size_t		run = 0;		/* start of the bytes not yet copied */
	mv_status	st = MV_OK;

	if (mask_char.len == 1)
	{
		/*
		 * The usual case: the output has t's length, so copy t whole and
		 * overwrite the masked digits in place.
		 */
		char	   *dst;

		st = mv_buf_append(out, t.ptr, t.len);
		if (st != MV_OK)
			return st;
		dst = out->data + out->len - t.len;
		for (size_t i = 0; i < t.len; i++)
		{
			if (t.ptr[i] < '0' || t.ptr[i] > '9')
				continue;
			if ((k >= lo && k < hi) || k >= from)
				dst[i] = mask_char.ptr[0];
			k++;
		}
		return MV_OK;
	}

	/* A multi-byte mask char: copy the runs between masked digits. */
	for (size_t i = 0; i < t.len && st == MV_OK; i++)
	{
		if (t.ptr[i] < '0' || t.ptr[i] > '9')
			continue;
		if ((k >= lo && k < hi) || k >= from)
		{
			st = mv_buf_append(out, t.ptr + run, i - run);
			if (st == MV_OK)
				st = mv_buf_append(out, mask_char.ptr, mask_char.len);
			run = i + 1;
		}
		k++;
	}
	if (st == MV_OK)
		st = mv_buf_append(out, t.ptr + run, t.len - run);
	return st;
}
