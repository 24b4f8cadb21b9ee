/*
 * fuzz_nfkc.c
 *	  libFuzzer target: mv_nfkc (and the script predicates it sits with).
 *
 * Properties:
 * - on valid UTF-8, mv_nfkc succeeds and gives exactly what ICU's NFKC
 *   normaliser gives through the UTF-16 API (the reference path here, which
 *   also checks the shortcut that returns "obviously NFKC" input untouched);
 * - the result is valid UTF-8 and NFKC is idempotent on it;
 * - when the result points at the input, the input was already NFKC and the
 *   storage buffer is left zeroed (nothing to free);
 * - mv_is_han is true for every Han ideograph and, on assigned code points,
 *   only for Han script; mv_is_white_space is ICU's White_Space property;
 *   checked on every code point of the value.
 */
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include "fuzz_common.h"

/* NFKC through ICU's UTF-16 API into a malloc'd UTF-8 string. */
static mv_str
reference_nfkc(mv_str s)
{
	UErrorCode	status = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
	int32_t		n16 = 0;
	int32_t		nn = 0;
	int32_t		n8 = 0;
	UChar	   *u16;
	UChar	   *un;
	char	   *u8;

	FZ_CHECK(U_SUCCESS(status), "unorm2_getNFKCInstance: %s", u_errorName(status));
	u16 = malloc((s.len + 1) * sizeof(UChar));
	u_strFromUTF8(u16, (int32_t) s.len + 1, &n16, s.ptr, (int32_t) s.len, &status);
	FZ_CHECK(U_SUCCESS(status), "u_strFromUTF8: %s", u_errorName(status));

	/* NFKC expands at most 18-fold (U+FDFA); ask ICU for the exact size. */
	nn = unorm2_normalize(nfkc, u16, n16, NULL, 0, &status);
	if (status == U_BUFFER_OVERFLOW_ERROR)
		status = U_ZERO_ERROR;
	un = malloc(((size_t) nn + 1) * sizeof(UChar));
	unorm2_normalize(nfkc, u16, n16, un, nn + 1, &status);
	FZ_CHECK(U_SUCCESS(status), "unorm2_normalize: %s", u_errorName(status));

	u_strToUTF8(NULL, 0, &n8, un, nn, &status);
	if (status == U_BUFFER_OVERFLOW_ERROR)
		status = U_ZERO_ERROR;
	u8 = malloc((size_t) n8 + 1);
	u_strToUTF8(u8, n8 + 1, &n8, un, nn, &status);
	FZ_CHECK(U_SUCCESS(status), "u_strToUTF8: %s", u_errorName(status));
	free(u16);
	free(un);
	return (mv_str) {u8, (size_t) n8};
}

static void
check_props(mv_str s)
{
	size_t		pos = 0;

	while (pos < s.len)
	{
		uint32_t	cp = mv_utf8_next(s.ptr, s.len, &pos);
		UErrorCode	status = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript((UChar32) cp, &status);
		bool		ideograph = u_hasBinaryProperty((UChar32) cp, UCHAR_IDEOGRAPHIC);

		/* Han ideographs (not Han-script radicals or marks) must be Han. */
		if (sc == USCRIPT_HAN && ideograph)
			FZ_CHECK(mv_is_han(cp), "U+%04X is a Han ideograph, mv_is_han says no",
					 (unsigned) cp);
		/*
		 * The converse for assigned code points only: mv_is_han takes whole
		 * ideograph blocks without asking ICU, unassigned gaps included,
		 * which is harmless (they have no script to disagree with).
		 */
		if (mv_is_han(cp) && u_charType((UChar32) cp) != U_UNASSIGNED)
			FZ_CHECK(sc == USCRIPT_HAN, "mv_is_han(U+%04X) but its script is %d",
					 (unsigned) cp, (int) sc);
		FZ_CHECK(mv_is_white_space(cp) ==
				 (bool) u_hasBinaryProperty((UChar32) cp, UCHAR_WHITE_SPACE),
				 "mv_is_white_space(U+%04X) disagrees with ICU", (unsigned) cp);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_str		s;
	mv_str		out;
	mv_str		again;
	mv_str		ref;
	mv_buf		storage;
	mv_buf		storage2;
	mv_status	st;

	s = fz_input_open(&in, data, size);
	if (!mv_utf8_valid(s.ptr, s.len))
		return fz_end(&in, NULL);
	check_props(s);

	st = mv_nfkc(s, &out, &storage);
	FZ_CHECK(st == MV_OK, "mv_nfkc returned %d", (int) st);
	fz_cur_out = out;
	FZ_CHECK(mv_utf8_valid(out.ptr, out.len), "NFKC output is not valid UTF-8");

	ref = reference_nfkc(s);
	FZ_CHECK(fz_eq(out, ref), "mv_nfkc differs from ICU's NFKC (%zu vs %zu bytes)",
			 out.len, ref.len);
	if (out.ptr == s.ptr)
		FZ_CHECK(out.len == s.len && storage.data == NULL && storage.len == 0,
				 "input returned as its own NFKC, but storage was used");

	st = mv_nfkc(out, &again, &storage2);
	FZ_CHECK(st == MV_OK && fz_eq(again, out), "NFKC is not idempotent here");
	mv_buf_free(&storage2);

	free((void *) ref.ptr);
	mv_buf_free(&storage);
	return fz_end(&in, NULL);
}
