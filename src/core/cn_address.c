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
 * cn_address_ref.c keeps the previous implementation; the unit tests and the
 * fuzzer check that both give the same output on every value.
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
 * (tokens sharing one are adjacent, so the per-code-point table below can
 * point at the first of them; test_cn_address.c checks that every token is
 * found), with the
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

/* The parsed graphemes of an address and the positions where tokens end. */
typedef struct addr_text
{
	size_t		n;				/* graphemes parsed (at most
								 * ADDR_MAX_GRAPHEMES) */
	size_t		count;			/* graphemes in the whole value */
	size_t		offs[ADDR_MAX_GRAPHEMES + 1];	/* byte offset of grapheme i */
	uint32_t	cp[ADDR_MAX_GRAPHEMES]; /* code point, 0 if several */
	uint8_t		cls[ADDR_MAX_GRAPHEMES];
	int			npos;			/* candidate segment ends, pos[0] = 0 */
	size_t		pos[ADDR_MAX_CANDIDATES + 1];
	int			tok[ADDR_MAX_CANDIDATES + 1];	/* token ending at pos[i] */
} addr_text;

/* Parses the keep_level argument: one of the ten level names, exactly. */
mv_status
mv_addr_level_parse(mv_str s, mv_addr_level *level)
{
	static const char *const names[ADDR_NLEVELS] = {
		"province", "city", "district", "town", "road",
		"community", "building", "unit", "floor", "room"
	};

	for (int i = 0; i < ADDR_NLEVELS; i++)
	{
		if (s.len == strlen(names[i]) && memcmp(s.ptr, names[i], s.len) == 0)
		{
			*level = (mv_addr_level) i;
			return MV_OK;
		}
	}
	return MV_ERR_ADDRESS_LEVEL;
}

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

static void level_tables_build(void);

static void
tables_build(void)
{
	/* Token indexes must fit the low bits (the list has about 50). */
	_Static_assert(sizeof(tokens) / sizeof(tokens[0]) < CJK_TOKEN &&
				   sizeof(tokens) / sizeof(tokens[0]) < 128,
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
			   tokens[by_last[j - 1]].cp[tokens[by_last[j - 1]].len - 1] ==
			   tokens[t].cp[tokens[t].len - 1] &&
			   tokens[by_last[j - 1]].len < tokens[t].len)
		{
			by_last[j] = by_last[j - 1];
			j--;
		}
		by_last[j] = (uint8_t) t;
	}
	for (size_t j = N_TOKENS; j-- > 0;)
	{
		uint32_t	last = tokens[by_last[j]].cp[tokens[by_last[j]].len - 1];

		cjk_info[last - CJK_FIRST] =
			(uint8_t) ((cjk_info[last - CJK_FIRST] & ~CJK_TOKEN) | (j + 1));
	}
	for (size_t j = 0; j < N_TOKENS; j++)
	{
		const addr_token *tk = &tokens[by_last[j]];
		size_t		first = (cjk_info[tk->cp[tk->len - 1] - CJK_FIRST] & CJK_TOKEN) - 1;

		if (j == first)
			one_char_token[j] = -1;
		if (tk->len == 1)
			one_char_token[first] = (int8_t) by_last[j];
		else
			cjk_info[tk->cp[tk->len - 2] - CJK_FIRST] |= CJK_PENULT;
	}
	level_tables_build();
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
		const addr_token *tk = &tokens[by_last[j]];
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
 * Per token: the classes its name may be made of, plus NAME_ADMIN if the
 * name must be a plausible administrative name.  Only 市 has a level that
 * depends on the segment before it (a city, or a county-level city after
 * one), and both are administrative Han names, so this is per token.
 */
#define NAME_ADMIN 0x80
static uint8_t token_name[N_TOKENS];

/*
 * next_level() of every kind after every level (shifted by one: 0 is "no
 * segment yet"), -1 where it cannot follow, and the lowest level each
 * stands for.
 */
#define N_KINDS (K_ROOM + 1)
static int8_t next_level_of[N_KINDS][ADDR_NLEVELS + 1];
static int8_t lowest_of[N_KINDS][ADDR_NLEVELS + 1];

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
	size_t		max_name = tokens[t].max_name;
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

/*
 * The level of a segment ending in a token of this kind after a segment of
 * level cur (-1: none), or -1 if it cannot follow it; *lowest gets the
 * lowest level it stands for (a municipality is province and city).
 * tables_build() stores every answer in next_level_of[][].
 */
static int
next_level(addr_kind kind, int cur, int *lowest)
{
	int			level;

	/* A municipality is a province too, so it can only come first. */
	if (kind == K_MUNICIPALITY && cur >= 0)
		return -1;
	level = kind_level(kind, cur);
	*lowest = kind == K_MUNICIPALITY ? MV_ADDR_PROVINCE : level;
	if (level < cur)
		return -1;

	/*
	 * Roads (路 then 巷, 路 then 号), communities (社区 then 小区) and
	 * buildings (A座 then 3号楼) may follow one of their own level; an
	 * administrative level never does, so "镜湖区老菜市场" reads no
	 * county-level 市 after the district and masks the market's name with
	 * the rest.
	 */
	if (level == cur && level != MV_ADDR_ROAD &&
		level != MV_ADDR_COMMUNITY && level != MV_ADDR_BUILDING)
		return -1;
	return level;
}

/* Fills the per-token and per-kind tables above (with tables_build()). */
static void
level_tables_build(void)
{
	for (size_t t = 0; t < N_TOKENS; t++)
	{
		addr_kind	kind = tokens[t].kind;
		int			level = kind_level(kind, -1);

		token_name[t] = name_classes(level, kind) |
			(level <= MV_ADDR_TOWN ? NAME_ADMIN : 0);
	}
	for (int k = 0; k < N_KINDS; k++)
		for (int l = 0; l <= ADDR_NLEVELS; l++)
		{
			int			lowest = 0;

			next_level_of[k][l] = (int8_t) next_level((addr_kind) k, l - 1,
													  &lowest);
			lowest_of[k][l] = (int8_t) lowest;
		}
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
 * Finds the segmentation of a described in the file header and returns how
 * many leading graphemes it keeps for keep_level.
 *
 * Positions are taken in order; each one collects the segments ending there
 * from every earlier position within reach (a segment is no longer than a
 * name, a token and a few blanks).  Whether graphemes [pos[p], pos[q]) can
 * be a segment at all is decided once per pair; only the level rules are
 * applied per level reached at p.  The preferred end state has the most
 * segments, then the widest coverage, then the shortest kept prefix.
 */
static size_t
kept_graphemes(const addr_text *a, mv_addr_level keep_level)
{
	addr_states st[ADDR_MAX_CANDIDATES + 1];
	/* the preferred end state so far: segments, position, then score */
	uint64_t	best = (uint64_t) SCORE(0, 0);

	st[0].reached = 1;
	st[0].score[0] = SCORE(0, 0);

	for (int q = 1; q < a->npos; q++)
	{
		int			t = a->tok[q];
		size_t		b = a->pos[q];
		size_t		token_start = b - (size_t) tokens[t].len;
		size_t		max_name = tokens[t].max_name;
		addr_kind	kind = tokens[t].kind;
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

/*
 * Masks an address per doc/masking-rules.md ("cn_address"), appending to
 * out: the recognised levels up to keep_level are kept, the rest becomes pad
 * mask chars (one per grapheme without a pad).
 */
mv_status
mv_cn_address(mv_str value, mv_addr_level keep_level, const mv_mask *mask,
			  mv_buf *out)
{
	addr_text	a;
	size_t		kept;
	mv_status	st;

	st = mv_mask_check(mask);
	if (st != MV_OK)
		return st;
	if ((int) keep_level < MV_ADDR_PROVINCE || keep_level > MV_ADDR_ROOM)
		return MV_ERR_ADDRESS_LEVEL;
	if (value.len == 0)
		return MV_OK;
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

	kept = kept_graphemes(&a, keep_level);
	st = mv_buf_append(out, value.ptr, a.offs[kept]);
	if (st == MV_OK)
		st = mv_mask_append_span(out, mask, a.count - kept);
	return st;
}
