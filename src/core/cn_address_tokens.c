/*-------------------------------------------------------------------------
 *
 * cn_address_tokens.c
 *	  mask.cn_address's vocabulary: the level suffixes and the level names.
 *
 * One table for both parsers (cn_address.c and the reference
 * cn_address_ref.c), so they cannot drift apart.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "cn_address.h"

/*
 * The level suffixes of doc/masking-rules.md, sorted by their LAST code point
 * (tokens sharing one are adjacent, so the per-code-point table of
 * cn_address.c can point at the first of them, and cn_address_ref.c
 * binary-searches it; test_cn_address.c checks that every token is
 * found), with the
 * longest name each takes: 黑龙江 for 省, 新疆维吾尔 for 自治区, 呼和浩特
 * for 市, 克孜勒苏柯尔克孜 for 自治州, 经济技术开发 for 区, 积石山保安族东乡族
 * 撒拉族 for 自治县, 达尔罕茂明安联合 for 旗; the lower levels get generous
 * limits.
 */
const addr_token mv_addr_tokens[] = {
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
