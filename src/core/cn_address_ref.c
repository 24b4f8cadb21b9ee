/*-------------------------------------------------------------------------
 *
 * cn_address_ref.c
 *	  The 0.2.0 mask.cn_address, kept as the reference of the new one.
 *
 * cn_address.c was rewritten for speed (one decoding pass, suffixes found
 * by table lookup, segment checks in constant time).  Its output must be
 * identical to this implementation's on every value: test_cn_address.c,
 * fuzz_cn_address.c and test/sql/14_* compare the two.  Delete this file
 * once the new one has proven itself in a release.
 *
 * What it keeps of its own is the parser the rewrite replaced: the grapheme
 * split through mv_graphemes_split, a binary search for the token ending at
 * each grapheme, a check per (segment, level) and a dynamic programme over
 * states.  The vocabulary and the rules a segment obeys (the tokens, the
 * character classes, name_classes(), mv_addr_next_level()) come from
 * cn_address.h, and the entry point around the parser (argument checks and
 * output, mv_cn_address_ref) from cn_address.c: the comparison is between
 * two parsers of one contract (described in cn_address.c's header), and a
 * change of the vocabulary reaches both.
 *
 * Why it is in the core and so in the shipped library: the unit tests and
 * the fuzzer link the whole core, and test/sql/14_fast_paths.sql and make
 * bench compare the two inside the server, through the C entry point
 * mv_sql_cn_address_reference (src/reference.c).  No SQL function of the
 * extension points at it; a superuser must declare one (the test does, in
 * pg_temp, for one transaction), so it adds no callable surface.  It goes,
 * with reference.c's entry point, when the file goes (see above).
 *
 * The contract is doc/masking-rules.md, "cn_address".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "cn_address.h"

/* Fills a from the first graphemes of value. */
static void
read_text(mv_str value, const mv_graphemes *g, addr_text *a)
{
	a->n = g->count < ADDR_MAX_GRAPHEMES ? g->count : ADDR_MAX_GRAPHEMES;
	for (size_t i = 0; i < a->n; i++)
	{
		size_t		pos = g->offs[i];
		uint32_t	cp = mv_utf8_next(value.ptr, value.len, &pos);
		bool		single = (pos == g->offs[i + 1]);

		a->cp[i] = single ? cp : 0;
		a->cls[i] = classify(cp, single);
	}
}

/*
 * The longest token ending just before grapheme b, or -1.  A binary search
 * on the last code point, then the few tokens sharing it: this runs for
 * every grapheme of every row.
 */
static int
token_ending_at(const addr_text *a, size_t b)
{
	uint32_t	last = a->cp[b - 1];
	size_t		lo = 0;
	size_t		hi = N_TOKENS;
	int			best = -1;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		const addr_token *t = &mv_addr_tokens[mid];

		if (t->cp[t->len - 1] < last)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t t = lo; t < N_TOKENS; t++)
	{
		int			len = mv_addr_tokens[t].len;
		bool		match = (size_t) len <= b;

		if (mv_addr_tokens[t].cp[len - 1] != last)
			break;
		for (int k = 0; match && k < len - 1; k++)
			match = (a->cp[b - len + k] == mv_addr_tokens[t].cp[k]);
		if (match && (best < 0 || len > mv_addr_tokens[best].len))
			best = (int) t;
	}
	return best;
}

/*
 * An administrative name holds no 省, 区 or 县 and no 市 but as its first
 * character (市北区, 市南区 are real): otherwise "镜湖区老菜市场" would read
 * as a city named 镜湖区老菜 and keep the market's name.
 */
static bool
admin_name_plausible(const addr_text *a, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
	{
		uint32_t	cp = a->cp[i];

		if (cp == 0x7701 || cp == 0x533A || cp == 0x53BF)	/* 省 区 县 */
			return false;
		if (cp == 0x5E02 && i != start) /* 市 */
			return false;
	}
	return true;
}

/*
 * Reads graphemes [from, b), ending with token t (the longest ending at b),
 * as one segment that follows a segment of level cur (-1: none).  False if
 * it is not one; else sets its level and the lowest level it stands for (a
 * municipality is province and city).
 */
static bool
read_segment(const addr_text *a, size_t from, size_t b, int t, int cur,
			 int *level, int *lowest)
{
	size_t		start = from;
	size_t		token_start;
	addr_kind	kind;
	uint8_t		allowed;

	if (t < 0)
		return false;
	token_start = b - (size_t) mv_addr_tokens[t].len;
	/* A token belongs wholly to one segment. */
	if (token_start < from)
		return false;
	while (start < token_start && a->cls[start] == GC_SEP)
		start++;
	kind = mv_addr_tokens[t].kind;

	/* Whole tokens (北京市, 市中区) take no name; all others need one. */
	if ((start == token_start) != (mv_addr_tokens[t].max_name == 0) ||
		token_start - start > mv_addr_tokens[t].max_name)
		return false;
	*level = mv_addr_next_level(kind, cur, lowest);
	if (*level < 0)
		return false;

	allowed = name_classes(*level, kind);
	for (size_t i = start; i < token_start; i++)
		if ((a->cls[i] & allowed) == 0)
			return false;
	if (*level <= MV_ADDR_TOWN && !admin_name_plausible(a, start, token_start))
		return false;
	return true;
}

/* Best way found to reach a position with a given current level. */
typedef struct addr_state
{
	bool		reached;
	int			nsegs;
	size_t		kept;			/* graphemes of the kept prefix */
} addr_state;

/* True if (nsegs, kept) is better than state s: more segments, less kept. */
static bool
better(const addr_state *s, int nsegs, size_t kept)
{
	return !s->reached || nsegs > s->nsegs ||
		(nsegs == s->nsegs && kept < s->kept);
}

/*
 * True if a parse ending in state s at position p is preferred to one ending
 * in state o at position op: more segments, then wider coverage, then less
 * kept.
 */
static bool
preferred(const addr_state *s, int p, const addr_state *o, int op)
{
	if (s->nsegs != o->nsegs)
		return s->nsegs > o->nsegs;
	if (p != op)
		return p > op;
	return s->kept < o->kept;
}

/*
 * Finds the segmentation of a described in the file header and returns how
 * many leading graphemes it keeps for keep_level.
 */
static size_t
kept_graphemes(const addr_text *a, mv_addr_level keep_level)
{
	size_t		pos[ADDR_MAX_CANDIDATES + 1];
	int			tok[ADDR_MAX_CANDIDATES + 1];
	addr_state	dp[ADDR_MAX_CANDIDATES + 1][ADDR_NLEVELS + 1];
	int			npos = 1;
	int			best_p = 0;
	int			best_l = 0;

	/* Positions: the start, then every end of a token. */
	pos[0] = 0;
	tok[0] = -1;
	for (size_t b = 1; b <= a->n && npos <= ADDR_MAX_CANDIDATES; b++)
	{
		int			t = token_ending_at(a, b);

		if (t >= 0)
		{
			pos[npos] = b;
			tok[npos++] = t;
		}
	}

	memset(dp, 0, sizeof(addr_state) * (size_t) npos * (ADDR_NLEVELS + 1));
	dp[0][0].reached = true;

	for (int p = 0; p < npos; p++)
	{
		for (int l = 0; l <= ADDR_NLEVELS; l++)
		{
			const addr_state *s = &dp[p][l];

			if (!s->reached)
				continue;
			if (preferred(s, p, &dp[best_p][best_l], best_p))
			{
				best_p = p;
				best_l = l;
			}
			/* No segment is longer than a name, a token and a few blanks. */
			for (int q = p + 1;
				 q < npos && pos[q] - pos[p] <= ADDR_MAX_SEGMENT; q++)
			{
				int			level;
				int			lowest;
				size_t		kept;
				addr_state *d;

				if (!read_segment(a, pos[p], pos[q], tok[q], l - 1, &level,
								  &lowest))
					continue;
				kept = lowest <= (int) keep_level ? pos[q] : s->kept;
				d = &dp[q][level + 1];
				if (better(d, s->nsegs + 1, kept))
				{
					d->reached = true;
					d->nsegs = s->nsegs + 1;
					d->kept = kept;
				}
			}
		}
	}
	return dp[best_p][best_l].kept;
}

/* The reference parser (cn_address.h): segments, then reads. */
mv_status
mv_addr_parse_ref(mv_str value, mv_addr_level keep_level, size_t *kept_end,
				  size_t *nmasked)
{
	mv_graphemes g;
	addr_text	a;
	size_t		kept;
	mv_status	st;

	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;
	st = mv_graphemes_split(value, &g);
	if (st == MV_OK)
	{
		read_text(value, &g, &a);
		kept = kept_graphemes(&a, keep_level);
		*kept_end = g.offs[kept];
		*nmasked = g.count - kept;
	}
	mv_graphemes_free(&g);
	return st;
}
