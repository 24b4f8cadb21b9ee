/*-------------------------------------------------------------------------
 *
 * normalize.c
 *	  NFKC normalisation, so that full-width and other compatibility digits
 *	  read as the digits they are (doc/masking-rules.md, principle 4).
 *
 * Most values (ASCII numbers, plain Chinese text) are already NFKC; a scan
 * over the bytes recognises them and returns the input untouched, so only
 * values with compatibility characters pay for ICU's UTF-16 round trip.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "icu_state.h"

/*
 * True when s certainly is NFKC already: ASCII and CJK Unified Ideographs
 * (with Extension A) are stable and never compose with a neighbour.
 */
static bool
obviously_nfkc(mv_str s)
{
	size_t		pos = 0;

	while (pos < s.len)
	{
		uint32_t	cp;

		if ((unsigned char) s.ptr[pos] < 0x80)
		{
			pos++;
			continue;
		}
		cp = mv_utf8_next(s.ptr, s.len, &pos);
		if (!((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)))
			return false;
	}
	return true;
}

/* UTF-8 -> UTF-16 into a fresh allocation; *n16 gets its length. */
static mv_status
to_utf16(mv_str s, UChar **u16, int32_t *n16)
{
	UErrorCode	status = U_ZERO_ERROR;
	int32_t		cap;

	/* A UTF-8 string never has more UTF-16 units than bytes. */
	if (s.len >= (size_t) INT32_MAX / 2)
		return MV_ERR_NOMEM;
	cap = (int32_t) s.len + 1;
	*u16 = mv_alloc(cap * sizeof(UChar));
	if (*u16 == NULL)
		return MV_ERR_NOMEM;
	u_strFromUTF8(*u16, cap, n16, s.ptr, (int32_t) s.len, &status);
	if (U_FAILURE(status))
	{
		mv_free(*u16);
		*u16 = NULL;
		return mv_icu_fail(status);
	}
	return MV_OK;
}

/* Normalises src into a fresh allocation, growing once if ICU asks for it. */
static mv_status
normalize_utf16(const UNormalizer2 *nfkc, const UChar *src, int32_t nsrc,
				UChar **dst, int32_t *ndst)
{
	int32_t		cap = nsrc + nsrc / 2 + 16;

	for (int attempt = 0; attempt < 2; attempt++)
	{
		UErrorCode	status = U_ZERO_ERROR;

		*dst = mv_alloc((size_t) cap * sizeof(UChar));
		if (*dst == NULL)
			return MV_ERR_NOMEM;
		*ndst = unorm2_normalize(nfkc, src, nsrc, *dst, cap, &status);
		if (U_SUCCESS(status))
			return MV_OK;
		mv_free(*dst);
		*dst = NULL;
		if (status != U_BUFFER_OVERFLOW_ERROR)
			return mv_icu_fail(status);
		cap = *ndst + 1;
	}
	return mv_icu_fail(U_BUFFER_OVERFLOW_ERROR);
}

mv_status
mv_nfkc(mv_str s, mv_str *out, mv_buf *storage)
{
	UErrorCode	status = U_ZERO_ERROR;
	const UNormalizer2 *nfkc;
	UChar	   *u16 = NULL;
	UChar	   *norm = NULL;
	int32_t		n16;
	int32_t		nnorm;
	int32_t		n8;
	mv_status	st;

	memset(storage, 0, sizeof(*storage));
	*out = s;
	if (obviously_nfkc(s))
		return MV_OK;

	/* ICU owns this singleton; it must not be closed. */
	nfkc = unorm2_getNFKCInstance(&status);
	if (U_FAILURE(status))
		return mv_icu_fail(status);

	st = to_utf16(s, &u16, &n16);
	if (st != MV_OK)
		return st;
	if (unorm2_isNormalized(nfkc, u16, n16, &status) && U_SUCCESS(status))
	{
		mv_free(u16);
		return MV_OK;
	}
	st = normalize_utf16(nfkc, u16, n16, &norm, &nnorm);
	mv_free(u16);
	if (st != MV_OK)
		return st;

	/* Back to UTF-8: at most 3 bytes per UTF-16 unit. */
	st = mv_buf_init(storage, 0, (size_t) nnorm * 3 + 1);
	if (st == MV_OK)
	{
		status = U_ZERO_ERROR;
		u_strToUTF8(storage->data, (int32_t) storage->cap, &n8, norm, nnorm, &status);
		if (U_FAILURE(status))
		{
			mv_buf_free(storage);
			st = mv_icu_fail(status);
		}
		else
		{
			storage->len = (size_t) n8;
			out->ptr = storage->data;
			out->len = storage->len;
		}
	}
	mv_free(norm);
	return st;
}
