/*-------------------------------------------------------------------------
 *
 * cn_address.c
 *	  mask.cn_address: Chinese postal addresses, kept down to a level.
 *
 * An address is read as a sequence of segments, each a name followed by a
 * level suffix (芜湖 + 市, 世贸滨江花园 + 小区, 3 + 栋), in non-decreasing
 * level order.  The output keeps the longest prefix of segments whose level
 * is at most keep_level and replaces the whole rest with exactly pad mask
 * chars, so the rest's length and structure stay hidden (even an empty rest
 * gets the pad).  Nothing recognised: only the pad.  Without a pad (has_pad
 * false; the SQL default is 4) each masked grapheme becomes one mask char,
 * which does reveal the rest's length.
 *
 * Suffixes are ambiguous (镇江市 begins with 镇, 江村区 holds 村, 市中区 is a
 * district), so the segmentation is not greedy.  Segments may only end where
 * a suffix token ends, and the token ending a segment is the longest one
 * ending there (so 小区 is never read as 小 + 区, "小区 is not a district").
 * Among all segmentations a small dynamic programme picks the one that
 *   1. has the most segments (芜湖市 + 镜湖区 rather than one district
 *      named 芜湖市镜湖; 镜湖区 + 中山路 rather than one province named
 *      镜湖区中山路安徽),
 *   2. then explains the longest prefix of the address,
 *   3. then keeps the least (ambiguity resolves toward masking more).
 * Each token also bounds the length of its name (a sentence ending in 省 is
 * no province name).
 *
 * Speed (this runs once per row of a masked view): the value is read in ONE
 * pass that validates the UTF-8, decodes each code point once, decides the
 * grapheme boundaries (every code point of a real address is "simple", one
 * code point per grapheme: mv_is_simple_code_point), classifies it, and
 * notes where a suffix token ends.  Code points of the CJK Unified
 * Ideographs block are looked up in a per-process table (built on first
 * use) that says whether the character is a numeral and which token, if
 * any, ends with it, so there is no search per character.  Only a value
 * holding a non-simple code point (combining marks, emoji ...) takes the
 * general path through ICU's grapheme segmentation.  The dynamic programme
 * then runs over the few token ends only.
 *
 * This file is the reader and the entry point; cn_address_segment.c runs
 * the dynamic programme, cn_address_tokens.c holds the suffix tokens, and
 * cn_address.h what they share.  cn_address_ref.c keeps the previous
 * parser; the unit tests and the fuzzer check that both give the same
 * output on every value.
 *
 * The contract is doc/masking-rules.md, "cn_address".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "cn_address.h"

/*
 * Per code point of the CJK Unified Ideographs block (U+4E00..U+9FFF, where
 * every suffix token's characters are): the low bits hold 1 + the index of
 * the first token ending with it (0: none), CJK_PENULT says it is the
 * second-to-last character of some token (a token longer than one can only
 * end after such a character), CJK_NUMERAL says the character numbers
 * buildings and rooms (一, 十, 甲 ...).  ascii_cls holds the class
 * of each ASCII character.  Both are filled once per process from the same
 * classify() the general path uses, so the two paths cannot disagree.
 */
#define CJK_FIRST	0x4E00
#define CJK_LAST	0x9FFF
#define CJK_NUMERAL 0x80
#define CJK_PENULT	0x40
#define CJK_TOKEN	0x3F

static uint8_t cjk_info[CJK_LAST - CJK_FIRST + 1];
static uint8_t ascii_cls[0x80];
static uint8_t by_last[N_TOKENS];
/* Per first entry of a group of by_last: its one-character token, or -1. */
static int8_t one_char_token[N_TOKENS];
static bool tables_ready;

/* The last code point of token t. */
#define LAST_CP(t) (mv_addr_tokens[t].cp[mv_addr_tokens[t].len - 1])

static void
tables_build(void)
{
	/* Token indexes must fit the low bits (the list has about 50). */
	_Static_assert(N_TOKENS < CJK_TOKEN && N_TOKENS < 128,
				   "too many address tokens for cjk_info");

	for (uint32_t cp = 0; cp < 0x80; cp++)
		ascii_cls[cp] = classify(cp, true);
	for (uint32_t cp = CJK_FIRST; cp <= CJK_LAST; cp++)
		cjk_info[cp - CJK_FIRST] =
			(classify(cp, true) & GC_NUMERIC) ? CJK_NUMERAL : 0;
	/*
	 * by_last: the tokens ordered by last code point, longest first among
	 * those sharing one, so the first that matches is the longest.  Walk it
	 * backwards, so that each last code point points at its first entry.
	 */
	for (size_t t = 0; t < N_TOKENS; t++)
	{
		size_t		j = t;

		/* insertion sort: the list is short and sorted by last code point */
		while (j > 0 &&
			   LAST_CP(by_last[j - 1]) == LAST_CP(t) &&
			   mv_addr_tokens[by_last[j - 1]].len < mv_addr_tokens[t].len)
		{
			by_last[j] = by_last[j - 1];
			j--;
		}
		by_last[j] = (uint8_t) t;
	}
	for (size_t j = N_TOKENS; j-- > 0;)
	{
		uint32_t	last = LAST_CP(by_last[j]);

		cjk_info[last - CJK_FIRST] =
			(uint8_t) ((cjk_info[last - CJK_FIRST] & ~CJK_TOKEN) | (j + 1));
	}
	for (size_t j = 0; j < N_TOKENS; j++)
	{
		const addr_token *tk = &mv_addr_tokens[by_last[j]];
		size_t		first = (cjk_info[tk->cp[tk->len - 1] - CJK_FIRST] & CJK_TOKEN) - 1;

		if (j == first)
			one_char_token[j] = -1;
		if (tk->len == 1)
			one_char_token[first] = (int8_t) by_last[j];
		else
			cjk_info[tk->cp[tk->len - 2] - CJK_FIRST] |= CJK_PENULT;
	}
	tables_ready = true;
}

/*
 * The longest token ending just before grapheme b, or -1.  Only characters
 * that end some token get past the table lookup; their few tokens (the
 * same last code point, longest first) are compared backwards, and the
 * first that matches is the answer.
 */
static int
token_ending_at(const addr_text *a, size_t b)
{
	uint32_t	last = a->cp[b - 1];
	size_t		first;

	if (last < CJK_FIRST || last > CJK_LAST)
		return -1;
	first = cjk_info[last - CJK_FIRST] & CJK_TOKEN;
	if (first == 0)
		return -1;
	/* Most characters before a suffix end no longer token (湖 of 镜湖区). */
	if (b < 2 || a->cp[b - 2] < CJK_FIRST || a->cp[b - 2] > CJK_LAST ||
		(cjk_info[a->cp[b - 2] - CJK_FIRST] & CJK_PENULT) == 0)
		return one_char_token[first - 1];
	for (size_t j = first - 1; j < N_TOKENS; j++)
	{
		const addr_token *tk = &mv_addr_tokens[by_last[j]];
		size_t		len = (size_t) tk->len;
		bool		match = len <= b;

		if (tk->cp[len - 1] != last)
			break;
		for (size_t k = len - 1; match && k-- > 0;)
			match = (a->cp[b - len + k] == tk->cp[k]);
		if (match)
			return by_last[j];
	}
	return -1;
}

/* Notes a token ending after grapheme n (0-based) as a candidate end. */
static inline void
note_token(addr_text *a, size_t n)
{
	if (a->npos <= ADDR_MAX_CANDIDATES)
	{
		int			t = token_ending_at(a, n + 1);

		if (t >= 0)
		{
			a->pos[a->npos] = n + 1;
			a->tok[a->npos++] = t;
		}
	}
}

/* Result of the one-pass reader. */
typedef enum read_result
{
	READ_OK,
	READ_NOT_SIMPLE,			/* some code point may join its neighbours */
	READ_BAD_UTF8
} read_result;

/*
 * The one pass: validates value as mv_utf8_valid does (RFC 3629: no
 * overlongs, surrogates or code points beyond U+10FFFF), splits it into
 * graphemes as mv_graphemes_split_fast does (one per code point, CR LF as
 * one), and fills a.  Stops early at an invalid byte or at a code point that
 * is not simple; the caller then takes the general path.
 */
static read_result
read_fast(mv_str value, addr_text *a)
{
	const unsigned char *p = (const unsigned char *) value.ptr;
	size_t		len = value.len;
	size_t		i = 0;
	size_t		n = 0;

	a->offs[0] = 0;
	while (i < len)
	{
		unsigned char c = p[i];
		uint32_t	cp;
		uint8_t		cls;
		uint8_t		info = 0;	/* cjk_info of an ideograph */

		if (c < 0x80)
		{
			if (c == '\r' && i + 1 < len && p[i + 1] == '\n')
			{
				/* GB3: one grapheme of two code points, class none. */
				i += 2;
				cp = 0;
				cls = 0;
			}
			else
			{
				i++;
				cp = c;
				cls = ascii_cls[c];
			}
		}
		else
		{
			if (c >= 0xE0 && c <= 0xEF)
			{
				/* Three bytes: every CJK ideograph, so tested first. */
				if (len - i < 3 || (p[i + 1] & 0xC0) != 0x80 ||
					(p[i + 2] & 0xC0) != 0x80)
					return READ_BAD_UTF8;
				cp = ((uint32_t) (c & 0x0F) << 12) |
					((uint32_t) (p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
				i += 3;
				if (cp - CJK_FIRST <= CJK_LAST - CJK_FIRST)
				{
					/* An ideograph: simple, Han, maybe a numeral or a token end. */
					info = cjk_info[cp - CJK_FIRST];
					cls = (info & CJK_NUMERAL) ? (GC_HAN | GC_NUMERIC) : GC_HAN;
					goto store;
				}
				if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
					return READ_BAD_UTF8;
			}
			else if (c >= 0xC2 && c <= 0xDF)
			{
				if (len - i < 2 || (p[i + 1] & 0xC0) != 0x80)
					return READ_BAD_UTF8;
				cp = ((uint32_t) (c & 0x1F) << 6) | (p[i + 1] & 0x3F);
				i += 2;
			}
			else if (c >= 0xF0 && c <= 0xF4)
			{
				if (len - i < 4 || (p[i + 1] & 0xC0) != 0x80 ||
					(p[i + 2] & 0xC0) != 0x80 || (p[i + 3] & 0xC0) != 0x80)
					return READ_BAD_UTF8;
				cp = ((uint32_t) (c & 0x07) << 18) |
					((uint32_t) (p[i + 1] & 0x3F) << 12) |
					((uint32_t) (p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
				if (cp < 0x10000 || cp > 0x10FFFF)
					return READ_BAD_UTF8;
				i += 4;
			}
			else
				return READ_BAD_UTF8;

			if (!mv_is_simple_code_point(cp))
				return READ_NOT_SIMPLE;
			cls = n < ADDR_MAX_GRAPHEMES ? classify(cp, true) : 0;
		}

store:
		if (n < ADDR_MAX_GRAPHEMES)
		{
			a->cp[n] = cp;
			a->cls[n] = cls;
			a->offs[n + 1] = i;
			/* Only characters that end a token can end a segment. */
			if ((info & CJK_TOKEN) != 0)
				note_token(a, n);
		}
		n++;
	}
	a->count = n;
	a->n = n < ADDR_MAX_GRAPHEMES ? n : ADDR_MAX_GRAPHEMES;
	return READ_OK;
}

/*
 * The general path, for values holding code points that may join their
 * neighbours: ICU's grapheme segmentation, then each grapheme classified by
 * its first code point (single: no marks joined to it).
 */
static mv_status
read_general(mv_str value, addr_text *a)
{
	mv_graphemes g;
	mv_status	st = mv_graphemes_split_icu(value, &g);

	if (st != MV_OK)
	{
		mv_graphemes_free(&g);
		return st;
	}
	a->count = g.count;
	a->n = g.count < ADDR_MAX_GRAPHEMES ? g.count : ADDR_MAX_GRAPHEMES;
	a->offs[0] = 0;
	for (size_t i = 0; i < a->n; i++)
	{
		size_t		pos = g.offs[i];
		uint32_t	cp = mv_utf8_next(value.ptr, value.len, &pos);
		bool		single = (pos == g.offs[i + 1]);

		a->cp[i] = single ? cp : 0;
		a->cls[i] = classify(cp, single);
		a->offs[i + 1] = g.offs[i + 1];
		note_token(a, i);
	}
	mv_graphemes_free(&g);
	return MV_OK;
}

/*
 * Inline even where the compiler's heuristics would not: parse_address() and
 * mask_address() were mv_cn_address's own body, and sharing the entry point
 * with the reference must cost a row no call.
 */
#ifdef __GNUC__
#define ADDR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ADDR_ALWAYS_INLINE inline
#endif

/*
 * The one-pass parser: reads value (not empty); *kept_end is the byte
 * length of the graphemes keep_level keeps, *nmasked the number of
 * graphemes after them.
 */
static ADDR_ALWAYS_INLINE mv_status
parse_address(mv_str value, mv_addr_level keep_level, size_t *kept_end,
			  size_t *nmasked)
{
	addr_text	a;
	size_t		kept;
	mv_status	st;

	if (!tables_ready)
		tables_build();

	a.npos = 1;
	a.pos[0] = 0;
	a.tok[0] = -1;
	switch (read_fast(value, &a))
	{
		case READ_OK:
			break;
		case READ_BAD_UTF8:
			return MV_ERR_BAD_UTF8;
		case READ_NOT_SIMPLE:
			if (!mv_utf8_valid(value.ptr, value.len))
				return MV_ERR_BAD_UTF8;
			a.npos = 1;
			st = read_general(value, &a);
			if (st != MV_OK)
				return st;
			break;
	}

	kept = mv_addr_kept_graphemes(&a, keep_level);
	*kept_end = a.offs[kept];
	*nmasked = a.count - kept;
	return MV_OK;
}

/*
 * What both entry points do around their parser (reference: the one of
 * cn_address_ref.c): check the mask and the level, keep what the parser
 * keeps and mask the rest; the empty string stays empty.
 */
static ADDR_ALWAYS_INLINE mv_status
mask_address(mv_str value, mv_addr_level keep_level, const mv_mask *mask,
			 bool reference, mv_buf *out)
{
	size_t		kept_end;
	size_t		nmasked;
	mv_status	st = mv_mask_check(mask);

	if (st == MV_OK &&
		((int) keep_level < MV_ADDR_PROVINCE || keep_level > MV_ADDR_ROOM))
		st = MV_ERR_ADDRESS_LEVEL;
	if (st != MV_OK || value.len == 0)
		return st;
	st = reference ? mv_addr_parse_ref(value, keep_level, &kept_end, &nmasked)
		: parse_address(value, keep_level, &kept_end, &nmasked);
	if (st == MV_OK)
		st = mv_append_masked_middle(out, value, kept_end, mask, nmasked,
									 value.len);
	return st;
}

/*
 * Masks an address per doc/masking-rules.md ("cn_address"), appending to
 * out: the recognised levels up to keep_level are kept, the rest becomes pad
 * mask chars (one per grapheme without a pad).
 */
mv_status
mv_cn_address(mv_str value, mv_addr_level keep_level, const mv_mask *mask,
			  mv_buf *out)
{
	return mask_address(value, keep_level, mask, false, out);
}

/* mv_cn_address through the reference parser, for the differential tests. */
mv_status
mv_cn_address_ref(mv_str value, mv_addr_level keep_level, const mv_mask *mask,
				  mv_buf *out)
{
	return mask_address(value, keep_level, mask, true, out);
}
