/*-------------------------------------------------------------------------
 *
 * mask.c
 *	  The mask character: checking it and writing masked spans.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "mv_core.h"

/*
 * The last multi-byte mask character found valid.  A view calls a mask with
 * the same mask_char on every row; remembering it keeps ICU out of the
 * per-row path for '●' or '＊' too.
 */
#define MEMO_MAX 16
static char memo_bytes[MEMO_MAX];
static size_t memo_len;

/*
 * A mask is valid when its character is exactly one printable grapheme of
 * valid UTF-8 and its pad, if any, is not negative.  One ASCII byte (the
 * usual "*") is decided without segmenting.  A control character (a line
 * break, an escape that a terminal would obey) or an invisible one (zero
 * width space) is refused: written over the hidden part it would garble or
 * hide the masked output rather than mark what was masked.  A control always
 * stands alone as a grapheme (UAX #29, GB4/GB5; CR LF begins with CR), so
 * only the grapheme's first code point needs checking.
 */
mv_status
mv_mask_check(const mv_mask *mask)
{
	size_t		count;
	size_t		pos;
	mv_status	st;

	if (mask->has_pad && mask->pad < 0)
		return MV_ERR_PAD_NEGATIVE;
	if (mask->ch.len == 1)
	{
		unsigned char c = (unsigned char) mask->ch.ptr[0];

		/* Printable ASCII is 0x20..0x7E (mv_is_unprintable, without a call). */
		if ((unsigned char) (c - 0x20) < 0x5F)
			return MV_OK;
		return (c >= 0x80) ? MV_ERR_MASK_CHAR : MV_ERR_MASK_CHAR_UNPRINTABLE;
	}
	if (mask->ch.len == 0)
		return MV_ERR_MASK_CHAR;
	if (mask->ch.len == memo_len &&
		memcmp(mask->ch.ptr, memo_bytes, memo_len) == 0)
		return MV_OK;
	if (!mv_utf8_valid(mask->ch.ptr, mask->ch.len))
		return MV_ERR_MASK_CHAR;
	st = mv_grapheme_count(mask->ch, &count);
	if (st != MV_OK)
		return st;
	if (count != 1)
		return MV_ERR_MASK_CHAR;
	pos = 0;
	if (mv_is_unprintable(mv_utf8_next(mask->ch.ptr, mask->ch.len, &pos)))
		return MV_ERR_MASK_CHAR_UNPRINTABLE;
	if (mask->ch.len <= MEMO_MAX)
	{
		memcpy(memo_bytes, mask->ch.ptr, mask->ch.len);
		memo_len = mask->ch.len;
	}
	return MV_OK;
}

mv_status
mv_mask_append_span(mv_buf *out, const mv_mask *mask, size_t n)
{
	size_t		times = mask->has_pad ? (size_t) mask->pad : n;

	return mv_buf_append_repeat(out, mask->ch, times);
}
