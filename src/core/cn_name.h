/*-------------------------------------------------------------------------
 *
 * cn_name.h
 *	  Internal to the core: what mask.cn_name (cn_name.c) and mask.detect()'s
 *	  name classifier (cn_name_detect.c) share, so that the two read a name
 *	  with the same grapheme classes and the same trimming.
 *
 * Static inline: the mask classifies every grapheme of every row.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CN_NAME_H
#define CN_NAME_H

#include "mv_core.h"

/* What one grapheme of a name is, for classification. */
typedef enum name_class
{
	NC_HAN,						/* Han script */
	NC_LETTER,					/* alphabetic, not Han */
	NC_DOT,						/* a middle dot separator */
	NC_WORD_SEP,				/* white space or hyphen between words */
	NC_OTHER					/* digits, punctuation, symbols ... */
} name_class;

/* The separators of transliterated names: · • ・ ‧ (doc/masking-rules.md). */
static inline bool
is_middle_dot(uint32_t cp)
{
	return cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB || cp == 0x2027;
}

/* Hyphens that join the words of a double-barrelled name. */
static inline bool
is_hyphen(uint32_t cp)
{
	return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

/*
 * Classifies grapheme [start, end) of s.  Separators count only when they
 * stand alone: a dot carrying a combining mark is not a separator.
 */
static inline name_class
classify_grapheme(mv_str s, size_t start, size_t end, uint32_t *first_cp)
{
	size_t		pos = start;
	uint32_t	cp = mv_utf8_next(s.ptr, s.len, &pos);
	bool		single = (pos == end);

	*first_cp = cp;
	if (single && is_middle_dot(cp))
		return NC_DOT;
	if (single && (is_hyphen(cp) || mv_is_white_space_inline(cp)))
		return NC_WORD_SEP;
	if (mv_is_han(cp))
		return NC_HAN;
	if (mv_is_alphabetic(cp))
		return NC_LETTER;
	return NC_OTHER;
}

/*
 * True if grapheme i of s is white space: all its code points are (one
 * space, or CR LF); a space carrying a combining mark is not.
 */
static inline bool
grapheme_is_white_space(mv_str s, const mv_graphemes *g, size_t i)
{
	size_t		pos = g->offs[i];

	while (pos < g->offs[i + 1])
		if (!mv_is_white_space_inline(mv_utf8_next(s.ptr, s.len, &pos)))
			return false;
	return true;
}

/*
 * Splits value into graphemes (*g, to be freed with mv_graphemes_free) and
 * makes *name the view of them without outer white space, trimmed by whole
 * graphemes: a space carrying a combining mark is a grapheme of the name,
 * and a grapheme is never split.  name's offsets stay relative to value (the
 * helpers read value, not the trimmed name); it is never freed itself.
 * White space alone trims to a name of no graphemes.
 */
static inline mv_status
split_trimmed(mv_str value, mv_graphemes *g, mv_graphemes *name)
{
	size_t		lo = 0;
	size_t		hi;
	mv_status	st = mv_graphemes_split(value, g);

	if (st != MV_OK)
		return st;
	hi = g->count;
	while (lo < hi && grapheme_is_white_space(value, g, lo))
		lo++;
	while (hi > lo && grapheme_is_white_space(value, g, hi - 1))
		hi--;
	*name = *g;
	name->count = hi - lo;
	name->offs = g->offs + lo;
	return MV_OK;
}

#endif							/* CN_NAME_H */
