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
 * What follows is the implementation as it was before the rewrite, unchanged
 * but for the entry point's name and the level parser (cn_address.c has it).
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
 * The candidates are the few positions where a token ends, so the work per
 * value is small and nothing is allocated beyond the grapheme split.
 *
 * The contract is doc/masking-rules.md, "cn_address".
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "mv_core.h"

/* Only this many leading graphemes are parsed; the rest is masked. */
#define ADDR_MAX_GRAPHEMES 256
/* At most this many segment ends are considered (fail closed beyond). */
#define ADDR_MAX_CANDIDATES 48
/* Graphemes in one segment at most: longest name, token, blanks. */
#define ADDR_MAX_SEGMENT 32
/* Levels in the DP are stored shifted by one, "none yet" being 0. */
#define ADDR_NLEVELS 10

/* What a suffix token says about its segment. */
typedef enum addr_kind
{
	K_PROVINCE,
	K_MUNICIPALITY,				/* 北京市 ...: province and city, a whole
								 * segment */
	K_CITY,
	K_SHI,						/* 市: a city, or after one a county-level
								 * city */
	K_DISTRICT,
	K_SHIZHONG,					/* 市中区: a whole district */
	K_TOWN,
	K_ROAD,
	K_NUMBER,					/* 号 after a road: road level */
	K_COMMUNITY,
	K_BUILDING,
	K_UNIT,
	K_FLOOR,
	K_ROOM
} addr_kind;

typedef struct addr_token
{
	uint32_t	cp[5];
	int			len;
	addr_kind	kind;
	size_t		max_name;		/* graphemes: the longest real name, so that
								 * a sentence ending in 省 is no province */
} addr_token;

/*
 * The level suffixes of doc/masking-rules.md, sorted by their LAST code point
 * (token_ending_at() binary-searches on it; test_cn_address.c checks that
 * every token is found), with the
 * longest name each takes: 黑龙江 for 省, 新疆维吾尔 for 自治区, 呼和浩特
 * for 市, 克孜勒苏柯尔克孜 for 自治州, 经济技术开发 for 区, 积石山保安族东乡族
 * 撒拉族 for 自治县, 达尔罕茂明安联合 for 旗; the lower levels get generous
 * limits.
 */
static const addr_token tokens[] = {
	{{0x4E61}, 1, K_TOWN, 6},	/* 乡 */
	{{0x5355, 0x5143}, 2, K_UNIT, 8},	/* 单元 */
	/* 特别行政区 */
	{{0x7279, 0x522B, 0x884C, 0x653F, 0x533A}, 5, K_PROVINCE, 3},
	{{0x81EA, 0x6CBB, 0x533A}, 3, K_PROVINCE, 5},	/* 自治区 */
	{{0x5E02, 0x4E2D, 0x533A}, 3, K_SHIZHONG, 0},	/* 市中区 */
	{{0x5730, 0x533A}, 2, K_CITY, 4},	/* 地区 */
	{{0x5C0F, 0x533A}, 2, K_COMMUNITY, 12},	/* 小区 */
	{{0x793E, 0x533A}, 2, K_COMMUNITY, 12},	/* 社区 */
	{{0x533A}, 1, K_DISTRICT, 6},	/* 区 */
	{{0x5927, 0x53A6}, 2, K_COMMUNITY, 12},	/* 大厦 */
	{{0x81EA, 0x6CBB, 0x53BF}, 3, K_DISTRICT, 11},	/* 自治县 */
	{{0x53BF}, 1, K_DISTRICT, 5},	/* 县 */
	{{0x53F7}, 1, K_NUMBER, 8},	/* 号 */
	{{0x80E1, 0x540C}, 2, K_ROAD, 10},	/* 胡同 */
	{{0x82B1, 0x56ED}, 2, K_COMMUNITY, 12},	/* 花园 */
	{{0x5BB6, 0x56ED}, 2, K_COMMUNITY, 12},	/* 家园 */
	{{0x5E84, 0x56ED}, 2, K_COMMUNITY, 12},	/* 庄园 */
	{{0x56ED}, 1, K_COMMUNITY, 12},	/* 园 */
	{{0x5E7F, 0x573A}, 2, K_COMMUNITY, 12},	/* 广场 */
	{{0x57CE}, 1, K_COMMUNITY, 12},	/* 城 */
	{{0x5BA4}, 1, K_ROOM, 8},	/* 室 */
	{{0x516C, 0x5BD3}, 2, K_COMMUNITY, 12},	/* 公寓 */
	{{0x5C42}, 1, K_FLOOR, 8},	/* 层 */
	{{0x81EA, 0x6CBB, 0x5DDE}, 3, K_CITY, 8},	/* 自治州 */
	{{0x5DF7}, 1, K_ROAD, 10},	/* 巷 */
	{{0x5317, 0x4EAC, 0x5E02}, 3, K_MUNICIPALITY, 0},	/* 北京市 */
	{{0x5929, 0x6D25, 0x5E02}, 3, K_MUNICIPALITY, 0},	/* 天津市 */
	{{0x4E0A, 0x6D77, 0x5E02}, 3, K_MUNICIPALITY, 0},	/* 上海市 */
	{{0x91CD, 0x5E86, 0x5E02}, 3, K_MUNICIPALITY, 0},	/* 重庆市 */
	{{0x5E02}, 1, K_SHI, 5},	/* 市 */
	{{0x5E62}, 1, K_BUILDING, 8},	/* 幢 */
	{{0x5C71, 0x5E84}, 2, K_COMMUNITY, 12},	/* 山庄 */
	{{0x5EA7}, 1, K_BUILDING, 8},	/* 座 */
	{{0x5F04}, 1, K_ROAD, 10},	/* 弄 */
	{{0x6237}, 1, K_ROOM, 8},	/* 户 */
	{{0x81EA, 0x6CBB, 0x65D7}, 3, K_DISTRICT, 6},	/* 自治旗 */
	{{0x65D7}, 1, K_DISTRICT, 8},	/* 旗 */
	{{0x65B0, 0x6751}, 2, K_COMMUNITY, 12},	/* 新村 */
	{{0x6751}, 1, K_COMMUNITY, 8},	/* 村 */
	{{0x680B}, 1, K_BUILDING, 8},	/* 栋 */
	{{0x5927, 0x697C}, 2, K_COMMUNITY, 12},	/* 大楼 */
	{{0x53F7, 0x697C}, 2, K_BUILDING, 8},	/* 号楼 */
	{{0x697C}, 1, K_FLOOR, 8},	/* 楼 */
	{{0x76DF}, 1, K_CITY, 4},	/* 盟 */
	{{0x7701}, 1, K_PROVINCE, 3},	/* 省 */
	{{0x82D1}, 1, K_COMMUNITY, 12},	/* 苑 */
	{{0x8857}, 1, K_ROAD, 10},	/* 街 */
	{{0x8DEF}, 1, K_ROAD, 10},	/* 路 */
	{{0x8857, 0x9053}, 2, K_TOWN, 6},	/* 街道 */
	{{0x5927, 0x9053}, 2, K_ROAD, 10},	/* 大道 */
	{{0x9547}, 1, K_TOWN, 5},	/* 镇 */
	{{0x516C, 0x9986}, 2, K_COMMUNITY, 12},	/* 公馆 */
};

#define N_TOKENS (sizeof(tokens) / sizeof(tokens[0]))

/* Character classes of one grapheme, as bit flags. */
#define GC_HAN		0x01
#define GC_NUMERIC	0x02		/* digits, letters, -, Chinese numerals */
#define GC_ALNUM	0x04		/* any letter or digit */
#define GC_SEP		0x08		/* white space or a comma between segments */

/* The parsed graphemes of an address. */
typedef struct addr_text
{
	size_t		n;				/* graphemes parsed (at most
								 * ADDR_MAX_GRAPHEMES) */
	uint32_t	cp[ADDR_MAX_GRAPHEMES]; /* code point, 0 if several */
	uint8_t		cls[ADDR_MAX_GRAPHEMES];
} addr_text;

/*
 * Unicode White_Space, without asking ICU about CJK text: every White_Space
 * code point is at most U+3000 (IDEOGRAPHIC SPACE), and this runs per
 * character per row.
 */
static inline bool
white_space(uint32_t cp)
{
	return cp <= 0x3000 && mv_is_white_space(cp);
}

/* Chinese numerals and 甲乙丙丁, which number buildings and rooms. */
static bool
is_han_numeral(uint32_t cp)
{
	switch (cp)
	{
		case 0x3007:			/* 〇 */
		case 0x96F6:			/* 零 */
		case 0x4E00:			/* 一 */
		case 0x4E8C:			/* 二 */
		case 0x4E24:			/* 两 */
		case 0x4E09:			/* 三 */
		case 0x56DB:			/* 四 */
		case 0x4E94:			/* 五 */
		case 0x516D:			/* 六 */
		case 0x4E03:			/* 七 */
		case 0x516B:			/* 八 */
		case 0x4E5D:			/* 九 */
		case 0x5341:			/* 十 */
		case 0x767E:			/* 百 */
		case 0x7532:			/* 甲 */
		case 0x4E59:			/* 乙 */
		case 0x4E19:			/* 丙 */
		case 0x4E01:			/* 丁 */
			return true;
	}
	return false;
}

/* Classifies a grapheme whose first code point is cp (single: no marks). */
static uint8_t
classify(uint32_t cp, bool single)
{
	uint8_t		c = 0;
	bool		digit = (cp >= '0' && cp <= '9') ||
		(cp >= 0xFF10 && cp <= 0xFF19);	/* full-width ０-９ */

	if (single && (white_space(cp) || cp == ',' || cp == 0xFF0C ||
				   cp == 0x3001))
		return GC_SEP;
	if (mv_is_han(cp))
	{
		c |= GC_HAN;
		if (single && is_han_numeral(cp))
			c |= GC_NUMERIC;
		return c;
	}
	if (digit || mv_is_alphabetic(cp))
		c |= GC_ALNUM | GC_NUMERIC;
	if (single && (cp == '-' || cp == 0xFF0D))
		c |= GC_NUMERIC;
	return c;
}

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
		const addr_token *t = &tokens[mid];

		if (t->cp[t->len - 1] < last)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t t = lo; t < N_TOKENS; t++)
	{
		int			len = tokens[t].len;
		bool		match = (size_t) len <= b;

		if (tokens[t].cp[len - 1] != last)
			break;
		for (int k = 0; match && k < len - 1; k++)
			match = (a->cp[b - len + k] == tokens[t].cp[k]);
		if (match && (best < 0 || len > tokens[best].len))
			best = (int) t;
	}
	return best;
}

/* The classes of grapheme a name of this level and token kind is made of. */
static uint8_t
name_classes(int level, addr_kind kind)
{
	/* Numbers: 3, 12, A, 3-1, 十二, 甲. */
	if (kind == K_NUMBER || level >= MV_ADDR_BUILDING)
		return GC_NUMERIC;
	/* Administrative names are Han. */
	if (level <= MV_ADDR_TOWN)
		return GC_HAN;
	return GC_HAN | GC_ALNUM;
}

/* The level a named segment ending in a token of this kind stands for. */
static int
kind_level(addr_kind kind, int cur)
{
	switch (kind)
	{
		case K_PROVINCE:
			return MV_ADDR_PROVINCE;
		case K_MUNICIPALITY:
			return MV_ADDR_CITY;
		case K_SHIZHONG:
			return MV_ADDR_DISTRICT;
		case K_SHI:
			return cur < MV_ADDR_CITY ? MV_ADDR_CITY : MV_ADDR_DISTRICT;
		case K_CITY:
			return MV_ADDR_CITY;
		case K_DISTRICT:
			return MV_ADDR_DISTRICT;
		case K_TOWN:
			return MV_ADDR_TOWN;
		case K_ROAD:
		case K_NUMBER:
			return MV_ADDR_ROAD;
		case K_COMMUNITY:
			return MV_ADDR_COMMUNITY;
		case K_BUILDING:
			return MV_ADDR_BUILDING;
		case K_UNIT:
			return MV_ADDR_UNIT;
		case K_FLOOR:
			return MV_ADDR_FLOOR;
		case K_ROOM:
			break;
	}
	return MV_ADDR_ROOM;
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
	token_start = b - (size_t) tokens[t].len;
	/* A token belongs wholly to one segment. */
	if (token_start < from)
		return false;
	while (start < token_start && a->cls[start] == GC_SEP)
		start++;
	kind = tokens[t].kind;

	/* Whole tokens (北京市, 市中区) take no name; all others need one. */
	if ((start == token_start) != (tokens[t].max_name == 0) ||
		token_start - start > tokens[t].max_name)
		return false;
	/* A municipality is a province too, so it can only come first. */
	if (kind == K_MUNICIPALITY && cur >= 0)
		return false;
	*level = kind_level(kind, cur);
	*lowest = kind == K_MUNICIPALITY ? MV_ADDR_PROVINCE : *level;
	if (*level < cur)
		return false;

	/*
	 * Roads (路 then 巷, 路 then 号), communities (社区 then 小区) and
	 * buildings (A座 then 3号楼) may follow one of their own level; an
	 * administrative level never does, so "镜湖区老菜市场" reads no county-level 市 after the
	 * district and masks the market's name with the rest.
	 */
	if (*level == cur && *level != MV_ADDR_ROAD &&
		*level != MV_ADDR_COMMUNITY && *level != MV_ADDR_BUILDING)
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

/*
 * Masks an address per doc/masking-rules.md ("cn_address"), appending to
 * out: the recognised levels up to keep_level are kept, the rest becomes pad
 * mask chars (one per grapheme without a pad).
 */
mv_status
mv_cn_address_ref(mv_str value, mv_addr_level keep_level, const mv_mask *mask,
			  mv_buf *out)
{
	mv_graphemes g;
	addr_text	a;
	size_t		kept;
	mv_status	st;

	st = mv_mask_check(mask);
	if (st != MV_OK)
		return st;
	if ((int) keep_level < MV_ADDR_PROVINCE || keep_level > MV_ADDR_ROOM)
		return MV_ERR_ADDRESS_LEVEL;
	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;
	if (value.len == 0)
		return MV_OK;

	st = mv_graphemes_split(value, &g);
	if (st == MV_OK)
	{
		read_text(value, &g, &a);
		kept = kept_graphemes(&a, keep_level);
		st = mv_buf_append(out, value.ptr, g.offs[kept]);
		if (st == MV_OK)
			st = mv_mask_append_span(out, mask, g.count - kept);
	}
	mv_graphemes_free(&g);
	return st;
}
