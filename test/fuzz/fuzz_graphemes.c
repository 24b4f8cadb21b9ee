/*
 * fuzz_graphemes.c
 *	  libFuzzer target: UTF-8 validation and decoding, and the grapheme
 *	  splitters (fast path, ICU path, public entry point).
 *
 * Properties:
 * - mv_utf8_valid agrees with ICU's strict UTF-8 conversion on any bytes,
 *   and mv_utf8_next decodes valid input exactly as ICU's U8_NEXT.
 * - On valid UTF-8 the ICU split is well formed (offsets start at 0, rise
 *   strictly, end at the length, never inside a code point);
 *   mv_graphemes_split and mv_grapheme_count agree with it; wherever the
 *   fast path accepts a string it gives the same boundaries, and it never
 *   accepts a code point whose Grapheme_Cluster_Break class could join it
 *   to a neighbour (Extend, ZWJ, SpacingMark, Prepend, regional indicator,
 *   Hangul jamo L/V/T).
 */
#include <unicode/utf8.h>
#include <unicode/ustring.h>

#include "fuzz_common.h"

/* What ICU's converter says about the bytes' well-formedness. */
static bool
icu_utf8_valid(const char *s, size_t len)
{
	UErrorCode	status = U_ZERO_ERROR;
	int32_t		n16 = 0;

	if (len > INT32_MAX / 2)
		return false;
	/* Preflight only: a NULL destination just measures. */
	u_strFromUTF8(NULL, 0, &n16, s, (int32_t) len, &status);
	return status == U_BUFFER_OVERFLOW_ERROR || status == U_ZERO_ERROR ||
		status == U_STRING_NOT_TERMINATED_WARNING;
}

static void
check_utf8(const char *s, size_t len)
{
	bool		valid = mv_utf8_valid(s, len);
	size_t		pos = 0;
	int32_t		ipos = 0;

	FZ_CHECK(valid == icu_utf8_valid(s, len),
			 "mv_utf8_valid says %d, ICU disagrees", (int) valid);
	if (!valid)
		return;
	while (pos < len)
	{
		UChar32		expect;
		uint32_t	cp;

		U8_NEXT(s, ipos, (int32_t) len, expect);
		cp = mv_utf8_next(s, len, &pos);
		FZ_CHECK(expect >= 0 && cp == (uint32_t) expect && pos == (size_t) ipos,
				 "mv_utf8_next decoded U+%04X ending at %zu, ICU U+%04X at %d",
				 (unsigned) cp, pos, (unsigned) expect, (int) ipos);
	}
}

static void
check_well_formed(const char *which, mv_str s, const mv_graphemes *g)
{
	FZ_CHECK(g->offs != NULL && g->offs[0] == 0 && g->offs[g->count] == s.len,
			 "%s: offsets do not span the input", which);
	FZ_CHECK((s.len == 0) == (g->count == 0),
			 "%s: %zu graphemes for %zu bytes", which, g->count, s.len);
	for (size_t i = 0; i < g->count; i++)
	{
		size_t		b = g->offs[i + 1];

		FZ_CHECK(g->offs[i] < b, "%s: offsets not increasing at %zu", which, i);
		FZ_CHECK(b == s.len || ((unsigned char) s.ptr[b] & 0xC0) != 0x80,
				 "%s: boundary inside a code point at %zu", which, b);
	}
}

static bool
same_boundaries(const mv_graphemes *a, const mv_graphemes *b)
{
	return a->count == b->count &&
		memcmp(a->offs, b->offs, (a->count + 1) * sizeof(size_t)) == 0;
}

/* Could this code point join a neighbour into one grapheme? */
static bool
is_joiner(uint32_t cp)
{
	switch (u_getIntPropertyValue((UChar32) cp, UCHAR_GRAPHEME_CLUSTER_BREAK))
	{
		case U_GCB_EXTEND:
		case U_GCB_ZWJ:
		case U_GCB_SPACING_MARK:
		case U_GCB_PREPEND:
		case U_GCB_REGIONAL_INDICATOR:
		case U_GCB_L:
		case U_GCB_V:
		case U_GCB_T:
			return true;
		default:
			return false;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_str		s;
	mv_graphemes icu;
	mv_graphemes pub;
	mv_graphemes fast;
	size_t		count = 0;
	mv_status	st;

	/* Validation and decoding see the raw bytes, NULs and all. */
	fz_cur_value = (mv_str) {(const char *) data, size};
	check_utf8((const char *) data, size);

	s = fz_input_open(&in, data, size);
	if (!mv_utf8_valid(s.ptr, s.len))
		return fz_end(&in, NULL);
	check_utf8(s.ptr, s.len);

	st = mv_graphemes_split_icu(s, &icu);
	FZ_CHECK(st == MV_OK, "mv_graphemes_split_icu returned %d", (int) st);
	check_well_formed("icu", s, &icu);

	st = mv_graphemes_split(s, &pub);
	FZ_CHECK(st == MV_OK, "mv_graphemes_split returned %d", (int) st);
	check_well_formed("split", s, &pub);
	FZ_CHECK(same_boundaries(&icu, &pub),
			 "mv_graphemes_split differs from ICU (%zu vs %zu graphemes)",
			 pub.count, icu.count);
	mv_graphemes_free(&pub);

	st = mv_grapheme_count(s, &count);
	FZ_CHECK(st == MV_OK && count == icu.count,
			 "mv_grapheme_count gave %zu (status %d), ICU %zu",
			 count, (int) st, icu.count);

	if (mv_graphemes_split_fast(s, &fast))
	{
		size_t		pos = 0;

		check_well_formed("fast", s, &fast);
		FZ_CHECK(same_boundaries(&icu, &fast),
				 "fast path differs from ICU (%zu vs %zu graphemes)",
				 fast.count, icu.count);
		mv_graphemes_free(&fast);
		while (pos < s.len)
		{
			uint32_t	cp = mv_utf8_next(s.ptr, s.len, &pos);

			FZ_CHECK(!is_joiner(cp),
					 "fast path accepted U+%04X, which can join a neighbour",
					 (unsigned) cp);
		}
	}
	mv_graphemes_free(&icu);
	return fz_end(&in, NULL);
}
