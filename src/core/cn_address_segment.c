/*-------------------------------------------------------------------------
 *
 * cn_address_segment.c
 *	  mask.cn_address: the segmentation of a read address (the dynamic
 *	  programme of cn_address.c's header) and how much of it is kept.
 *
 * The level rules are looked up in tables built once per process from the
 * same inline rules (cn_address.h) the reference implementation applies
 * per segment.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "cn_address.h"

/*
 * Per token: the classes its name may be made of, plus NAME_ADMIN if the
 * name must be a plausible administrative name.  Only 市 has a level that
 * depends on the segment before it (a city, or a county-level city after
 * one), and both are administrative Han names, so this is per token.
 */
#define NAME_ADMIN 0x80
static uint8_t token_name[N_TOKENS];

/*
 * mv_addr_next_level() of every kind after every level (shifted by one: 0 is "no
 * segment yet"), -1 where it cannot follow, and the lowest level each
 * stands for.
 */
#define N_KINDS (K_ROOM + 1)
static int8_t next_level_of[N_KINDS][ADDR_NLEVELS + 1];
static int8_t lowest_of[N_KINDS][ADDR_NLEVELS + 1];
static bool level_tables_ready;

/*
 * The first grapheme a name ending at token_start may start at, for token
 * t: names are at most max_name graphemes long, made of the classes their
 * level takes, and, for administrative levels, plausible (no 省, 区 or 县,
 * and 市 only as the first character).  Every condition holds for a name
 * exactly when it holds for all of its graphemes but a leading 市, so one
 * scan leftwards from the token finds the bound, and a name is acceptable
 * if and only if it starts at or after it (token_name holds the classes and
 * NAME_ADMIN).
 */
static inline size_t
name_start_bound(const addr_text *a, size_t token_start, int t)
{
	size_t		max_name = mv_addr_tokens[t].max_name;
	size_t		lowest = token_start > max_name ? token_start - max_name : 0;
	uint8_t		allowed = token_name[t] & ~NAME_ADMIN;
	bool		admin = (token_name[t] & NAME_ADMIN) != 0;
	size_t		i = token_start;

	while (i > lowest)
	{
		uint32_t	cp = a->cp[i - 1];

		if ((a->cls[i - 1] & allowed) == 0)
			break;
		if (admin)
		{
			if (cp == 0x7701 || cp == 0x533A || cp == 0x53BF)	/* 省 区 县 */
				break;
			if (cp == 0x5E02)	/* 市: may start the name, no more */
				return i - 1;
		}
		i--;
	}
	return i;
}

/* Fills the per-token and per-kind tables above, once per process. */
static void
level_tables_build(void)
{
	for (size_t t = 0; t < N_TOKENS; t++)
	{
		addr_kind	kind = mv_addr_tokens[t].kind;
		int			level = kind_level(kind, -1);

		token_name[t] = name_classes(level, kind) |
			(level <= MV_ADDR_TOWN ? NAME_ADMIN : 0);
	}
	for (int k = 0; k < N_KINDS; k++)
		for (int l = 0; l <= ADDR_NLEVELS; l++)
		{
			int			lowest = 0;

			next_level_of[k][l] =
				(int8_t) mv_addr_next_level((addr_kind) k, l - 1, &lowest);
			lowest_of[k][l] = (int8_t) lowest;
		}
	level_tables_ready = true;
}

/*
 * The worth of a way to reach a position: more segments first, then a
 * shorter kept prefix, packed so that a larger number is a better way
 * (kept is at most ADDR_MAX_GRAPHEMES).  0 is "not reached": every reached
 * state, the start included, has the low half at least 0xFFFF - 256.
 */
#define SCORE(nsegs, kept) (((uint32_t) (nsegs) << 16) | (uint32_t) (0xFFFF - (kept)))
#define SCORE_NSEGS(score) ((int) ((score) >> 16))
#define SCORE_KEPT(score) ((size_t) (0xFFFF - ((score) & 0xFFFF)))

/*
 * Best ways found to reach one candidate position, per current level
 * (shifted by one, 0 being "no segment yet").
 */
typedef struct addr_states
{
	uint16_t	reached;		/* bit l: score[l] is set */
	uint32_t	score[ADDR_NLEVELS + 1];
} addr_states;

/*
 * Finds the segmentation of a described in cn_address.c's header and returns how
 * many leading graphemes it keeps for keep_level.
 *
 * Positions are taken in order; each one collects the segments ending there
 * from every earlier position within reach (a segment is no longer than a
 * name, a token and a few blanks).  Whether graphemes [pos[p], pos[q]) can
 * be a segment at all is decided once per pair; only the level rules are
 * applied per level reached at p.  The preferred end state has the most
 * segments, then the widest coverage, then the shortest kept prefix.
 */
size_t
mv_addr_kept_graphemes(const addr_text *a, mv_addr_level keep_level)
{
	addr_states st[ADDR_MAX_CANDIDATES + 1];
	/* the preferred end state so far: segments, position, then score */
	uint64_t	best = (uint64_t) SCORE(0, 0);

	if (!level_tables_ready)
		level_tables_build();
	st[0].reached = 1;
	st[0].score[0] = SCORE(0, 0);

	for (int q = 1; q < a->npos; q++)
	{
		int			t = a->tok[q];
		size_t		b = a->pos[q];
		size_t		token_start = b - (size_t) mv_addr_tokens[t].len;
		size_t		max_name = mv_addr_tokens[t].max_name;
		addr_kind	kind = mv_addr_tokens[t].kind;
		size_t		bound = name_start_bound(a, token_start, t);
		addr_states *d = &st[q];

		d->reached = 0;
		memset(d->score, 0, sizeof(d->score));
		for (int p = q - 1; p >= 0 && b - a->pos[p] <= ADDR_MAX_SEGMENT; p--)
		{
			const addr_states *s = &st[p];
			size_t		start = a->pos[p];

			/* A token belongs wholly to one segment. */
			if (start > token_start)
				continue;
			while (start < token_start && a->cls[start] == GC_SEP)
				start++;

			/*
			 * A name starting before the bound is too long or holds a
			 * grapheme it may not; starting earlier would only add to it.
			 */
			if (start < bound)
				break;
			/* Whole tokens (北京市, 市中区) take no name; all others need one. */
			if (s->reached == 0 || (start == token_start) != (max_name == 0))
				continue;

			for (unsigned int m = s->reached; m != 0; m &= m - 1)
			{
				int			l = __builtin_ctz(m);
				int			level = next_level_of[kind][l];
				uint32_t	from = s->score[l];
				uint32_t	score;

				if (level < 0)
					continue;
				score = SCORE(SCORE_NSEGS(from) + 1,
							  lowest_of[kind][l] <= (int) keep_level ?
							  b : SCORE_KEPT(from));
				if (score > d->score[level + 1])
					d->score[level + 1] = score;
				d->reached |= (uint16_t) (1u << (level + 1));
			}
		}

		/* More segments, then (q being further) wider, then less kept. */
		for (unsigned int m = d->reached; m != 0; m &= m - 1)
		{
			uint32_t	score = d->score[__builtin_ctz(m)];
			uint64_t	key = ((uint64_t) SCORE_NSEGS(score) << 32) |
				((uint64_t) q << 16) | (score & 0xFFFF);

			if (key > best)
				best = key;
		}
	}
	return (size_t) (0xFFFF - (best & 0xFFFF));
}
