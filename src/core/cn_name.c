/*-------------------------------------------------------------------------
 *
 * cn_name.c
 *	  mask.cn_name: personal names, Chinese first.
 *
 * After trimming outer white space the name is classified by its graphemes
 * (a grapheme's script is that of its first code point, so a Han character
 * carrying a variation selector is still Han):
 *
 * - Han names (every grapheme Han): keep the surname (two graphemes for a
 *   compound surname, see cn_surnames.c) or only the last grapheme.
 * - names with a middle dot (阿依古丽·买买提): keep the first grapheme and the
 *   dots; the parts on either side of a dot must be non-empty runs of letters.
 * - alphabetic names (John Smith, Иван Петров): words split by white space
 *   and hyphens, first grapheme of each word kept.  All letters must share
 *   one script; Latin mixed with Cyrillic look-alikes, or Han with Latin, is
 *   "mixed scripts" and takes the fallback.
 * - anything else: mv_partial(trimmed, 1, 0), which masks more.
 *
 * With a pad, each masked span (per name for Han names, per word or part
 * otherwise) becomes exactly pad mask chars.  keep => 'last' concerns Han
 * names only; the other shapes have one rule each and ignore it.  The
 * contract is doc/masking-rules.md, "cn_name".  mask.detect() reads values
 * with the same classes and surname lists (mv_cn_name_detect,
 * cn_name_detect.c; cn_name.h holds what the two share).
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include <unicode/uscript.h>

#include "cn_name.h"

/* The shapes of name doc/masking-rules.md distinguishes. */
typedef enum name_shape
{
	NS_HAN,
	NS_DOTTED,
	NS_ALPHABETIC,
	NS_OTHER
} name_shape;

/* Parses the keep argument: 'surname' or 'last', spelt exactly. */
mv_status
mv_name_keep_parse(mv_str s, mv_name_keep *keep)
{
	if (s.len == 7 && memcmp(s.ptr, "surname", 7) == 0)
		*keep = MV_NAME_KEEP_SURNAME;
	else if (s.len == 4 && memcmp(s.ptr, "last", 4) == 0)
		*keep = MV_NAME_KEEP_LAST;
	else
		return MV_ERR_NAME_KEEP;
	return MV_OK;
}

/* Script of a letter, without asking ICU for ASCII. */
static int
letter_script(uint32_t cp)
{
	UErrorCode	status = U_ZERO_ERROR;
	UScriptCode sc;

	if (cp < 0x80)
		return USCRIPT_LATIN;
	sc = uscript_getScript((UChar32) cp, &status);
	if (U_FAILURE(status))
		return USCRIPT_INVALID_CODE;
	return sc;
}

/*
 * Decides the shape of the (trimmed, non-empty) name split into g, and counts
 * its letters (Han or not) into *letters.  One pass over the graphemes; ICU
 * is only asked for the script of non-ASCII letters.
 */
static name_shape
classify_name(mv_str s, const mv_graphemes *g, size_t *letters)
{
	size_t		n_han = 0;
	size_t		n_letter = 0;
	size_t		n_dot = 0;
	size_t		n_sep = 0;
	int			script = USCRIPT_INVALID_CODE;
	bool		mixed = false;
	name_class	prev = NC_DOT;	/* a leading dot makes an empty part */
	bool		empty_part = false;

	for (size_t i = 0; i < g->count; i++)
	{
		uint32_t	cp;
		name_class	c = classify_grapheme(s, g->offs[i], g->offs[i + 1], &cp);

		switch (c)
		{
			case NC_OTHER:
				return NS_OTHER;
			case NC_HAN:
				n_han++;
				break;
			case NC_LETTER:
				{
					int			sc = letter_script(cp);

					n_letter++;
					/* Common/Inherited letters (rare) join any script. */
					if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
						break;
					if (script == USCRIPT_INVALID_CODE)
						script = sc;
					else if (sc != script)
						mixed = true;
					break;
				}
			case NC_DOT:
				n_dot++;
				if (prev == NC_DOT)
					empty_part = true;
				break;
			case NC_WORD_SEP:
				n_sep++;
				break;
		}
		prev = c;
	}
	if (prev == NC_DOT)
		empty_part = true;
	*letters = n_han + n_letter;

	if (n_dot == 0 && n_sep == 0 && n_letter == 0)
		return NS_HAN;
	if (n_dot > 0)
		return (n_sep == 0 && !empty_part) ? NS_DOTTED : NS_OTHER;
	if (n_han == 0 && !mixed && n_letter > 0)
		return NS_ALPHABETIC;
	return NS_OTHER;
}

/* Copies grapheme i of s to out. */
static mv_status
append_grapheme(mv_buf *out, mv_str s, const mv_graphemes *g, size_t i)
{
	return mv_buf_append(out, s.ptr + g->offs[i], g->offs[i + 1] - g->offs[i]);
}

/* The first code point of grapheme i of s. */
static uint32_t
grapheme_first_cp(mv_str s, const mv_graphemes *g, size_t i)
{
	size_t		pos = g->offs[i];

	return mv_utf8_next(s.ptr, s.len, &pos);
}

/*
 * The Han-name rule: one grapheme is all surname (or all "last"), so it is
 * masked whole; keep 'last' masks all but the last grapheme; otherwise the
 * surname is kept and the rest masked as one span.  name holds n graphemes,
 * end[k] is the byte where grapheme k ends (k = 0, 1), last the byte where
 * the last one starts, cp[] the first code points of the first two (read
 * only for three graphemes or more).  Both paths below end here.
 */
static inline mv_status
mask_han_rule(mv_str name, size_t n, const size_t end[2], size_t last,
			  const uint32_t cp[2], const mv_mask *mask, mv_name_keep keep,
			  mv_buf *out)
{
	size_t		surname = 1;
	mv_status	st;

	if (n == 1)
		return mv_mask_append_span(out, mask, 1);
	if (keep == MV_NAME_KEEP_LAST)
	{
		st = mv_mask_append_span(out, mask, n - 1);
		return st == MV_OK ? mv_buf_append(out, name.ptr + last,
										   name.len - last) : st;
	}

	/*
	 * 欧阳 alone is surname 欧 + given name 阳: a two-grapheme name always has
	 * a one-grapheme surname, otherwise nothing would be masked.
	 */
	if (n >= 3 && mv_is_compound_surname(cp[0], cp[1]))
		surname = 2;
	st = mv_buf_append(out, name.ptr, end[surname - 1]);
	return st == MV_OK ? mv_mask_append_span(out, mask, n - surname) : st;
}

/* A Han name split into graphemes g (offsets into s). */
static mv_status
mask_han(mv_str s, const mv_graphemes *g, const mv_mask *mask,
		 mv_name_keep keep, mv_buf *out)
{
	size_t		n = g->count;
	size_t		base = g->offs[0];
	mv_str		name = {s.ptr + base, g->offs[n] - base};
	size_t		end[2] = {g->offs[1] - base, 0};
	uint32_t	cp[2] = {0, 0};

	if (n >= 3)
	{
		end[1] = g->offs[2] - base;
		cp[0] = grapheme_first_cp(s, g, 0);
		cp[1] = grapheme_first_cp(s, g, 1);
	}
	return mask_han_rule(name, n, end, g->offs[n - 1] - base, cp, mask, keep,
						 out);
}

/*
 * Names made of parts: dotted names (first grapheme of the whole name kept)
 * and alphabetic names (first grapheme of every word kept).  Separators are
 * copied; each part's masked rest is one span, so pad applies per part.
 * One pass, classifying each grapheme once.
 */
static mv_status
mask_parts(mv_str s, const mv_graphemes *g, const mv_mask *mask,
		   bool keep_each_word, mv_buf *out)
{
	bool		in_part = false;
	bool		first_part = true;
	size_t		masked = 0;		/* graphemes of the current part to mask */
	mv_status	st = MV_OK;

	for (size_t i = 0; i < g->count && st == MV_OK; i++)
	{
		uint32_t	cp;
		name_class	c = classify_grapheme(s, g->offs[i], g->offs[i + 1], &cp);

		if (c == NC_DOT || c == NC_WORD_SEP)
		{
			/* A part ends: its masked rest is one span (pad per part). */
			if (in_part)
				st = mv_mask_append_span(out, mask, masked);
			if (st == MV_OK)
				st = append_grapheme(out, s, g, i);
			in_part = false;
		}
		else if (in_part)
			masked++;
		else
		{
			/* A part starts: its first grapheme is kept or masked. */
			bool		keep = first_part || keep_each_word;

			if (keep)
				st = append_grapheme(out, s, g, i);
			masked = keep ? 0 : 1;
			in_part = true;
			first_part = false;
		}
	}
	if (st == MV_OK && in_part)
		st = mv_mask_append_span(out, mask, masked);
	return st;
}

/*
 * The common case, in one pass and without ICU: a name made only of CJK
 * Unified Ideographs U+4E00..U+9FFF (张三, 欧阳娜娜), i.e. of three-byte UTF-8
 * sequences led by E4 (second byte >= B8) to E9.  Each is one grapheme of
 * Han script and none is white space, so the general path would come to the
 * same result; this one validates, counts and reads the first two code points
 * while it scans.  Returns false for anything else.
 */
static bool
plain_han_name(mv_str v, size_t *count, uint32_t first_two[2])
{
	const unsigned char *p = (const unsigned char *) v.ptr;
	size_t		n = 0;

	if (v.len == 0 || v.len % 3 != 0)
		return false;
	for (size_t i = 0; i < v.len; i += 3)
	{
		unsigned char c0 = p[i];
		unsigned char c1 = p[i + 1];
		unsigned char c2 = p[i + 2];

		if (c0 < 0xE4 || c0 > 0xE9 || (c0 == 0xE4 && c1 < 0xB8) ||
			(c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80)
			return false;
		if (n < 2)
			first_two[n] = ((uint32_t) (c0 & 0x0F) << 12) |
				((uint32_t) (c1 & 0x3F) << 6) | (c2 & 0x3F);
		n++;
	}
	*count = n;
	return true;
}

/* mask_han() for a plain Han name, where grapheme i is bytes [3i, 3i+3). */
static inline mv_status
mask_plain_han(mv_str v, size_t n, const uint32_t first_two[2],
			   const mv_mask *mask, mv_name_keep keep, mv_buf *out)
{
	static const size_t end[2] = {3, 6};

	return mask_han_rule(v, n, end, v.len - 3, first_two, mask, keep, out);
}

/*
 * Masks a personal name per doc/masking-rules.md ("cn_name"), appending to out.
 * Errors only for a bad mask or invalid UTF-8; a value of no known shape is
 * masked by mv_partial(trimmed, 1, 0).
 */
mv_status
mv_cn_name(mv_str value, const mv_mask *mask, mv_name_keep keep, mv_buf *out)
{
	mv_graphemes g;
	mv_graphemes name_g;
	mv_str		name;
	size_t		letters;
	size_t		n_han;
	uint32_t	first_two[2];
	mv_status	st;

	st = mv_mask_check(mask);
	if (st != MV_OK)
		return st;
	if (keep != MV_NAME_KEEP_SURNAME && keep != MV_NAME_KEEP_LAST)
		return MV_ERR_NAME_KEEP;
	if (plain_han_name(value, &n_han, first_two))
		return mask_plain_han(value, n_han, first_two, mask, keep, out);
	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;

	st = split_trimmed(value, &g, &name_g);
	/* White space alone carries no name: it trims to the empty result. */
	if (st != MV_OK || name_g.count == 0)
	{
		mv_graphemes_free(&g);
		return st;
	}
	name.ptr = value.ptr + name_g.offs[0];
	name.len = name_g.offs[name_g.count] - name_g.offs[0];

	switch (classify_name(value, &name_g, &letters))
	{
		case NS_HAN:
			st = mask_han(value, &name_g, mask, keep, out);
			break;
		case NS_DOTTED:
			st = mask_parts(value, &name_g, mask, false, out);
			break;
		case NS_ALPHABETIC:
			/* A lone letter is the whole name: mask it all, as for 张. */
			if (letters == 1)
				st = mv_redact(name, mask, out);
			else
				st = mask_parts(value, &name_g, mask, true, out);
			break;
		case NS_OTHER:
			st = mv_partial(name, 1, 0, mask, out);
			break;
	}
	mv_graphemes_free(&g);
	return st;
}

