/*-------------------------------------------------------------------------
 *
 * cn_address.h
 *	  Internal to the core: what the parts of mask.cn_address share.
 *
 * cn_address.c reads a value in one pass (the reader and the entry point),
 * cn_address_segment.c finds the segmentation and how much of it is kept,
 * cn_address_tokens.c holds the suffix tokens and the level names.  The
 * reference implementation (cn_address_ref.c) uses the same tokens,
 * classes and level rules, so the differential tests compare only the two
 * parsers, not two copies of the vocabulary.  The small helpers are static
 * inline: the reader calls classify() per code point of every row.
 *
 * The contract is doc/masking-rules.md, "cn_address".
 *
 *-------------------------------------------------------------------------
 */
#ifndef CN_ADDRESS_H
#define CN_ADDRESS_H

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
 * The level suffixes of doc/masking-rules.md (cn_address_tokens.c), sorted
 * by their LAST code point.  The count is checked where the table is
 * defined (its definition must agree with this declaration).
 */
#define N_TOKENS 52
extern const addr_token mv_addr_tokens[N_TOKENS];

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

/* Chinese numerals and 甲乙丙丁, which number buildings and rooms. */
static inline bool
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
static inline uint8_t
classify(uint32_t cp, bool single)
{
	uint8_t		c = 0;
	bool		digit = (cp >= '0' && cp <= '9') ||
		(cp >= 0xFF10 && cp <= 0xFF19);	/* full-width ０-９ */

	if (single && (mv_is_white_space_inline(cp) || cp == ',' || cp == 0xFF0C ||
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

/* The classes of grapheme a name of this level and token kind is made of. */
static inline uint8_t
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
static inline int
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
 * The level of a segment ending in a token of this kind after a segment of
 * level cur (-1: none), or -1 if it cannot follow it; *lowest gets the
 * lowest level it stands for (a municipality is province and city).
 * cn_address_segment.c stores every answer in a table; cn_address_ref.c
 * asks per segment.
 */
static inline int
mv_addr_next_level(addr_kind kind, int cur, int *lowest)
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

/*
 * cn_address_ref.c: the reference parser.  Reads value (not empty) as
 * parse_address() in cn_address.c does, by other means: *kept_end is the
 * byte length of the graphemes keep_level keeps, *nmasked the number of
 * graphemes after them.  MV_ERR_BAD_UTF8 if value is not UTF-8.
 */
extern mv_status mv_addr_parse_ref(mv_str value, mv_addr_level keep_level,
								   size_t *kept_end, size_t *nmasked);

/* cn_address_segment.c: graphemes kept of a read address for keep_level. */
extern size_t mv_addr_kept_graphemes(const addr_text *a,
									 mv_addr_level keep_level);

#endif							/* CN_ADDRESS_H */
