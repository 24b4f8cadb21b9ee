/*-------------------------------------------------------------------------
 *
 * graphemes.c
 *	  Extended grapheme clusters (UAX #29) of UTF-8 strings.
 *
 * Two paths that must agree (test/unit/test_graphemes.c and the fuzzer
 * check it):
 *
 * - The fast path, for strings made only of "simple" code points, where
 *   one code point is one grapheme: ASCII, Latin-1, common punctuation, CJK
 *   ideographs and kana, full-width forms.  None of these is Extend,
 *   SpacingMark, Prepend, ZWJ, a regional indicator or a Hangul jamo, so no
 *   UAX #29 rule joins two of them, with the single exception of CR LF
 *   (GB3), handled here.  This is the common case for names, addresses and
 *   numbers, and it needs no ICU call.
 *
 * - The ICU path: the process's UBRK_CHARACTER break iterator (icu_state.c)
 *   fed the UTF-8 bytes directly through a stack UText, so there is neither
 *   a UTF-16 copy nor any per-call ICU allocation that an ERROR could leak.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include <unicode/utext.h>

#include "icu_state.h"

/* Makes sure g can hold n+1 offsets. */
static mv_status
graphemes_reserve(mv_graphemes *g, size_t n)
{
	size_t	   *offs;
	size_t		cap;

	if (g->offs == NULL)
	{
		g->offs = g->inline_offs;
		g->cap = MV_GRAPHEMES_INLINE;
	}
	if (n <= g->cap)
		return MV_OK;
	cap = g->cap * 2 > n ? g->cap * 2 : n;
	if (g->offs == g->inline_offs)
	{
		offs = mv_alloc((cap + 1) * sizeof(size_t));
		if (offs)
			memcpy(offs, g->inline_offs, (g->cap + 1) * sizeof(size_t));
	}
	else
		offs = mv_realloc(g->offs, (cap + 1) * sizeof(size_t));
	if (offs == NULL)
		return MV_ERR_NOMEM;
	g->offs = offs;
	g->cap = cap;
	return MV_OK;
}

/* Starts an empty split; offs[0] = 0. */
static void
graphemes_start(mv_graphemes *g)
{
	g->offs = g->inline_offs;
	g->cap = MV_GRAPHEMES_INLINE;
	g->count = 0;
	g->offs[0] = 0;
}

static inline mv_status
graphemes_push(mv_graphemes *g, size_t end)
{
	if (g->count + 1 > g->cap)
	{
		mv_status	st = graphemes_reserve(g, g->count + 1);

		if (st != MV_OK)
			return st;
	}
	g->offs[++g->count] = end;
	return MV_OK;
}

void
mv_graphemes_free(mv_graphemes *g)
{
	if (g->offs && g->offs != g->inline_offs)
		mv_free(g->offs);
	g->offs = NULL;
	g->count = g->cap = 0;
}

bool
mv_graphemes_split_fast(mv_str s, mv_graphemes *g)
{
	const unsigned char *p = (const unsigned char *) s.ptr;
	size_t		pos = 0;

	graphemes_start(g);
	while (pos < s.len)
	{
		if (p[pos] < 0x80)
		{
			/* GB3: CR LF is one grapheme. */
			if (p[pos] == '\r' && pos + 1 < s.len && p[pos + 1] == '\n')
				pos += 2;
			else
				pos++;
		}
		else
		{
			uint32_t	cp = mv_utf8_next(s.ptr, s.len, &pos);

			if (!mv_is_simple_code_point(cp))
			{
				mv_graphemes_free(g);
				return false;
			}
		}
		if (graphemes_push(g, pos) != MV_OK)
		{
			mv_graphemes_free(g);
			return false;
		}
	}
	return true;
}

mv_status
mv_graphemes_split_icu(mv_str s, mv_graphemes *g)
{
	UText		ut = UTEXT_INITIALIZER;
	UErrorCode	status = U_ZERO_ERROR;
	UBreakIterator *bi;
	mv_status	st;
	int32_t		end;

	graphemes_start(g);
	if (s.len == 0)
		return MV_OK;
	if (s.len > INT32_MAX)
		return MV_ERR_NOMEM;
	st = mv_icu_char_breaker(&bi);
	if (st != MV_OK)
		return st;

	/* For a UTF-8 UText, native indexes are byte offsets. */
	utext_openUTF8(&ut, s.ptr, (int64_t) s.len, &status);
	ubrk_setUText(bi, &ut, &status);
	if (U_FAILURE(status))
	{
		utext_close(&ut);
		return mv_icu_fail(status);
	}
	ubrk_first(bi);
	while ((end = ubrk_next(bi)) != UBRK_DONE)
	{
		st = graphemes_push(g, (size_t) end);
		if (st != MV_OK)
			break;
	}
	utext_close(&ut);
	if (st != MV_OK)
		mv_graphemes_free(g);
	return st;
}

mv_status
mv_graphemes_split(mv_str s, mv_graphemes *g)
{
	if (mv_graphemes_split_fast(s, g))
		return MV_OK;
	return mv_graphemes_split_icu(s, g);
}

mv_status
mv_grapheme_count(mv_str s, size_t *count)
{
	mv_graphemes g;
	mv_status	st = mv_graphemes_split(s, &g);

	*count = (st == MV_OK) ? g.count : 0;
	mv_graphemes_free(&g);
	return st;
}
