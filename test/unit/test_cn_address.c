/*
 * test_cn_address.c
 *	  Unit tests of mv_cn_address and mv_addr_level_parse: every example of
 *	  doc/masking-rules.md ("cn_address"), each keep level, ambiguous suffixes
 *	  (市中区, 小区, county-level 市, 镇江市), pad, and unparseable input;
 *	  and the one-pass implementation against the one it replaced
 *	  (cn_address_ref.c) on every value built from a table of pieces.
 */
#include <stdlib.h>

#include "mv_test.h"

static const mv_mask pad0 = {{"*", 1}, true, 0};
static const mv_mask pad2 = {{"*", 1}, true, 2};
static const mv_mask dot4 = {{"\xe2\x97\x8f", 3}, true, 4};	/* ● U+25CF */

/* The call under test, set by ADDR() before CHECK_MASK runs it. */
static mv_str t_value;
static mv_addr_level t_level;
static const mv_mask *t_mask;

static mv_status
run_addr(mv_buf *out)
{
	return mv_cn_address(t_value, t_level, t_mask, out);
}

#define ADDR_M(expected, value, level, mask) \
	do { \
		t_value = S(value); \
		t_level = (level); \
		t_mask = (mask); \
		CHECK_MASK(expected, run_addr); \
	} while (0)
#define ADDR(expected, value, level) ADDR_M(expected, value, level, &pad4)

static mv_status
addr_status(mv_str value, mv_addr_level level, const mv_mask *mask)
{
	mv_buf		out;
	mv_status	st;

	mv_buf_init(&out, 0, 16);
	st = mv_cn_address(value, level, mask, &out);
	mv_buf_free(&out);
	return st;
}

#define WUHU "安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室"

static void
test_rules_examples(void)
{
	ADDR("安徽省芜湖市镜湖区****", WUHU, MV_ADDR_DISTRICT);
	ADDR("安徽省芜湖市镜湖区世贸滨江花园小区****", WUHU, MV_ADDR_COMMUNITY);
	ADDR("安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元****", WUHU, MV_ADDR_UNIT);
	ADDR("安徽省芜湖市****", WUHU, MV_ADDR_CITY);
	ADDR("北京市海淀区****", "北京市海淀区马连洼街道289号", MV_ADDR_DISTRICT);
	ADDR("****", "某地张家大院", MV_ADDR_DISTRICT);
}

/* Administrative and building levels never repeat: the rest is masked. */
static void
test_no_repeated_levels(void)
{
	ADDR("镜湖区****", "镜湖区老菜市场东边第三家", MV_ADDR_ROOM);
	ADDR("****", "区区", MV_ADDR_ROOM);
	ADDR("芜湖市镜湖区****", "芜湖市镜湖区弋江区", MV_ADDR_ROOM);
	/* a district named with a leading 市 is real */
	ADDR("山东省青岛市市北区****", "山东省青岛市市北区延安路1号", MV_ADDR_DISTRICT);
	/* roads and communities may: 社区 then 小区 */
	ADDR("芜湖市镜湖区范罗山社区世贸滨江花园小区****",
		 "芜湖市镜湖区范罗山社区世贸滨江花园小区3栋", MV_ADDR_COMMUNITY);
}

static void
test_levels(void)
{
	ADDR("安徽省****", WUHU, MV_ADDR_PROVINCE);
	/* absent levels: no town, no road, no floor */
	ADDR("安徽省芜湖市镜湖区****", WUHU, MV_ADDR_TOWN);
	ADDR("安徽省芜湖市镜湖区****", WUHU, MV_ADDR_ROAD);
	ADDR("安徽省芜湖市镜湖区世贸滨江花园小区3栋****", WUHU, MV_ADDR_BUILDING);
	ADDR("安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元****", WUHU, MV_ADDR_FLOOR);
	/* everything kept: the pad still hides that nothing follows */
	ADDR(WUHU "****", WUHU, MV_ADDR_ROOM);
	ADDR("北京市****", "北京市海淀区马连洼街道289号", MV_ADDR_PROVINCE);
	ADDR("北京市****", "北京市海淀区马连洼街道289号", MV_ADDR_CITY);
	ADDR("北京市海淀区马连洼街道****", "北京市海淀区马连洼街道289号", MV_ADDR_TOWN);
	ADDR("北京市海淀区马连洼街道289号****", "北京市海淀区马连洼街道289号",
		 MV_ADDR_ROAD);
	ADDR("上海市浦东新区世纪大道100号****", "上海市浦东新区世纪大道100号环球金融中心",
		 MV_ADDR_ROOM);
	ADDR("浙江省杭州市西湖区文三路90号****", "浙江省杭州市西湖区文三路90号东部软件园", MV_ADDR_ROAD);
	ADDR("江苏省苏州市工业园区星湖街328号****", "江苏省苏州市工业园区星湖街328号",
		 MV_ADDR_ROOM);
	ADDR("某某县城关镇东风村****", "某某县城关镇东风村三组", MV_ADDR_COMMUNITY);
	ADDR("XX大厦12楼1203室****", "XX大厦12楼1203室", MV_ADDR_ROOM);
	ADDR("阳光小区A座3号楼****", "阳光小区A座3号楼十二层", MV_ADDR_BUILDING);
	ADDR("阳光小区A座3号楼十二层****", "阳光小区A座3号楼十二层", MV_ADDR_ROOM);
	ADDR("阳光小区３栋****", "阳光小区３栋５０１室", MV_ADDR_UNIT);
	/* Arabic-Indic digits number nothing: the building is not recognised */
	ADDR("阳光小区****", "阳光小区\xd9\xa3栋", MV_ADDR_ROOM);
}

static void
test_ambiguity(void)
{
	/* 市中区 is a district, not 市 + 中区 */
	ADDR("山东省济南市市中区****", "山东省济南市市中区经十路100号", MV_ADDR_DISTRICT);
	ADDR("山东省济南市****", "山东省济南市市中区经十路100号", MV_ADDR_CITY);
	/* a county-level 市 after a city is a district */
	ADDR("安徽省芜湖市****", "安徽省芜湖市无为市无城镇", MV_ADDR_CITY);
	ADDR("安徽省芜湖市无为市****", "安徽省芜湖市无为市无城镇", MV_ADDR_DISTRICT);
	ADDR("安徽省芜湖市无为市无城镇****", "安徽省芜湖市无为市无城镇", MV_ADDR_TOWN);
	/* names that begin with or contain a suffix */
	ADDR("江苏省镇江市****", "江苏省镇江市京口区", MV_ADDR_CITY);
	ADDR("浙江省台州市路桥区****", "浙江省台州市路桥区", MV_ADDR_DISTRICT);
	ADDR("广东省广州市江村区****", "广东省广州市江村区某路", MV_ADDR_DISTRICT);
	ADDR("北京市东城区****", "北京市东城区", MV_ADDR_DISTRICT);
	/* 小区 is not a district: the reading that masks more wins */
	ADDR("安徽省****", "安徽省芜湖市小区", MV_ADDR_DISTRICT);
	/* autonomous regions and special administrative regions */
	ADDR("新疆维吾尔自治区****", "新疆维吾尔自治区乌鲁木齐市天山区", MV_ADDR_PROVINCE);
	ADDR("新疆维吾尔自治区乌鲁木齐市天山区****", "新疆维吾尔自治区乌鲁木齐市天山区",
		 MV_ADDR_DISTRICT);
	ADDR("香港特别行政区****", "香港特别行政区九龙", MV_ADDR_PROVINCE);
	ADDR("内蒙古自治区锡林郭勒盟****", "内蒙古自治区锡林郭勒盟苏尼特左旗", MV_ADDR_CITY);
	ADDR("内蒙古自治区锡林郭勒盟苏尼特左旗****", "内蒙古自治区锡林郭勒盟苏尼特左旗",
		 MV_ADDR_DISTRICT);
	/* levels going back up end the kept prefix */
	ADDR("镜湖区中山路****", "镜湖区中山路安徽省", MV_ADDR_ROOM);
	/* a name longer than any real one is no name: 省 ends no sentence */
	ADDR("****", "张三家住在安徽省", MV_ADDR_PROVINCE);
	ADDR("****", "中国安徽省芜湖市镜湖区", MV_ADDR_DISTRICT);
	ADDR("黑龙江省****", "黑龙江省哈尔滨市", MV_ADDR_PROVINCE);
	ADDR("****", "黑龙江黑龙江省哈尔滨市", MV_ADDR_PROVINCE);
	/* a house number without a road is still road level, after the town */
	ADDR("镜湖区****", "镜湖区289号", MV_ADDR_TOWN);
}

static void
test_unparsed(void)
{
	ADDR("", "", MV_ADDR_DISTRICT);
	ADDR("", "", MV_ADDR_ROOM);
	ADDR("****", "   ", MV_ADDR_DISTRICT);
	ADDR("****", "no address here", MV_ADDR_ROOM);
	ADDR("****", "Anhui 芜湖市", MV_ADDR_DISTRICT);
	ADDR("****", "省", MV_ADDR_ROOM);	/* a suffix needs a name */
	ADDR("****", "1203室", MV_ADDR_DISTRICT);
	ADDR("1203室****", "1203室", MV_ADDR_ROOM);
	/* a mark on 省 makes it no suffix: 安徽省́芜湖 is one city name */
	ADDR("****", "安徽省\xcc\x81芜湖市镜湖区", MV_ADDR_PROVINCE);
	ADDR("安徽省\xcc\x81芜湖市****", "安徽省\xcc\x81芜湖市镜湖区", MV_ADDR_CITY);
	/* white space between levels is kept with the level after it */
	ADDR("安徽省 芜湖市 镜湖区****", "安徽省 芜湖市 镜湖区 世贸滨江花园小区",
		 MV_ADDR_DISTRICT);
	ADDR("安徽省，芜湖市****", "安徽省，芜湖市，镜湖区", MV_ADDR_CITY);
}

static void
test_pad_and_masks(void)
{
	/* without a pad each masked grapheme is one mask char (length shown) */
	ADDR_M("安徽省芜湖市镜湖区******************", WUHU, MV_ADDR_DISTRICT, &star);
	ADDR_M(WUHU, WUHU, MV_ADDR_ROOM, &star);
	ADDR_M("******", "某地张家大院", MV_ADDR_DISTRICT, &star);
	ADDR_M("安徽省芜湖市镜湖区**", WUHU, MV_ADDR_DISTRICT, &pad2);
	ADDR_M("安徽省芜湖市镜湖区", WUHU, MV_ADDR_DISTRICT, &pad0);
	ADDR_M("安徽省芜湖市●●●●", WUHU, MV_ADDR_CITY, &dot4);
}

static void
test_long_value(void)
{
	/* beyond the parsed prefix everything is masked */
	const char *head = "安徽省";
	const char *han = "啊";
	size_t		n = 300;
	char	   *v = malloc(strlen(head) + n * strlen(han) + 1);

	strcpy(v, head);
	for (size_t i = 0; i < n; i++)
		strcat(v, han);
	ADDR("安徽省****", v, MV_ADDR_DISTRICT);
	ADDR("安徽省****", v, MV_ADDR_ROOM);
	free(v);
}

/*
 * Every suffix token, alone after a name, is recognised at its level: kept
 * at that level, masked one level up.  This also guards the token table's
 * sort order, on which the lookup relies.
 */
static void
test_every_token(void)
{
	static const struct
	{
		const char *segment;
		mv_addr_level level;
	}			cases[] = {
		{"安徽省", MV_ADDR_PROVINCE}, {"广西壮族自治区", MV_ADDR_PROVINCE},
		{"香港特别行政区", MV_ADDR_PROVINCE}, {"北京市", MV_ADDR_PROVINCE},
		{"天津市", MV_ADDR_PROVINCE}, {"上海市", MV_ADDR_PROVINCE},
		{"重庆市", MV_ADDR_PROVINCE}, {"芜湖市", MV_ADDR_CITY},
		{"延边朝鲜族自治州", MV_ADDR_CITY}, {"阿里地区", MV_ADDR_CITY},
		{"锡林郭勒盟", MV_ADDR_CITY}, {"镜湖区", MV_ADDR_DISTRICT},
		{"无为县", MV_ADDR_DISTRICT}, {"苏尼特左旗", MV_ADDR_DISTRICT},
		{"长阳土家族自治县", MV_ADDR_DISTRICT}, {"鄂伦春自治旗", MV_ADDR_DISTRICT},
		{"市中区", MV_ADDR_DISTRICT}, {"马连洼街道", MV_ADDR_TOWN},
		{"城关镇", MV_ADDR_TOWN}, {"黄田乡", MV_ADDR_TOWN},
		{"中山路", MV_ADDR_ROAD}, {"王府井大街", MV_ADDR_ROAD},
		{"世纪大道", MV_ADDR_ROAD}, {"乌衣巷", MV_ADDR_ROAD},
		{"云南南弄", MV_ADDR_ROAD}, {"南锣鼓胡同", MV_ADDR_ROAD},
		{"289号", MV_ADDR_ROAD}, {"阳光小区", MV_ADDR_COMMUNITY},
		{"阳光社区", MV_ADDR_COMMUNITY}, {"张村", MV_ADDR_COMMUNITY},
		{"曹杨新村", MV_ADDR_COMMUNITY}, {"滨江花园", MV_ADDR_COMMUNITY},
		{"幸福家园", MV_ADDR_COMMUNITY}, {"碧水庄园", MV_ADDR_COMMUNITY},
		{"软件园", MV_ADDR_COMMUNITY}, {"翠苑", MV_ADDR_COMMUNITY},
		{"青年公寓", MV_ADDR_COMMUNITY}, {"国贸大厦", MV_ADDR_COMMUNITY},
		{"电信大楼", MV_ADDR_COMMUNITY}, {"万达广场", MV_ADDR_COMMUNITY},
		{"碧桂山庄", MV_ADDR_COMMUNITY}, {"江滨公馆", MV_ADDR_COMMUNITY},
		{"万达城", MV_ADDR_COMMUNITY}, {"3栋", MV_ADDR_BUILDING},
		{"3幢", MV_ADDR_BUILDING}, {"A座", MV_ADDR_BUILDING},
		{"3号楼", MV_ADDR_BUILDING}, {"2单元", MV_ADDR_UNIT},
		{"12层", MV_ADDR_FLOOR}, {"十二楼", MV_ADDR_FLOOR},
		{"1203室", MV_ADDR_ROOM}, {"501户", MV_ADDR_ROOM},
	};
	char		kept[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		snprintf(kept, sizeof(kept), "%s****", cases[i].segment);
		ADDR(kept, cases[i].segment, cases[i].level);
		ADDR(kept, cases[i].segment, MV_ADDR_ROOM);
		if (cases[i].level > MV_ADDR_PROVINCE)
			ADDR("****", cases[i].segment, cases[i].level - 1);
	}
}

static void
test_level_parse_and_errors(void)
{
	static const char *const names[] = {
		"province", "city", "district", "town", "road",
		"community", "building", "unit", "floor", "room"
	};
	mv_addr_level level;

	for (int i = 0; i < 10; i++)
		CHECK(mv_addr_level_parse(S(names[i]), &level) == MV_OK &&
			  (int) level == i);
	CHECK(mv_addr_level_parse(S("District"), &level) == MV_ERR_ADDRESS_LEVEL);
	CHECK(mv_addr_level_parse(S("street"), &level) == MV_ERR_ADDRESS_LEVEL);
	CHECK(mv_addr_level_parse(S(""), &level) == MV_ERR_ADDRESS_LEVEL);
	CHECK(mv_addr_level_parse(S("room "), &level) == MV_ERR_ADDRESS_LEVEL);

	CHECK(addr_status(S(WUHU), (mv_addr_level) 10, &pad4) == MV_ERR_ADDRESS_LEVEL);
	CHECK(addr_status(S(WUHU), (mv_addr_level) -1, &pad4) == MV_ERR_ADDRESS_LEVEL);
	CHECK(addr_status(S(WUHU), MV_ADDR_CITY, &((mv_mask) {{"**", 2}, true, 4})) ==
		  MV_ERR_MASK_CHAR);
	CHECK(addr_status(S(WUHU), MV_ADDR_CITY, &((mv_mask) {{"*", 1}, true, -4})) ==
		  MV_ERR_PAD_NEGATIVE);
	CHECK(addr_status(S("安徽\xe7"), MV_ADDR_CITY, &pad4) == MV_ERR_BAD_UTF8);
}

/* Same status and output from mv_cn_address and mv_cn_address_ref? */
static bool
same_as_reference(mv_str value, mv_addr_level level, const mv_mask *mask)
{
	mv_buf		a,
				b;
	mv_status	sa,
				sb;
	bool		same;

	mv_buf_init(&a, 0, 16);
	mv_buf_init(&b, 0, 16);
	sa = mv_cn_address(value, level, mask, &a);
	sb = mv_cn_address_ref(value, level, mask, &b);
	same = sa == sb && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	if (!same)
		fprintf(stderr, "DIFF level %d: \"%.*s\" -> \"%.*s\" (%d), reference \"%.*s\" (%d)\n",
				(int) level, (int) value.len, value.ptr, (int) a.len, a.data,
				(int) sa, (int) b.len, b.data, (int) sb);
	mv_buf_free(&a);
	mv_buf_free(&b);
	return same;
}

/*
 * The differential test: addresses made of one choice per slot (an empty
 * choice drops the slot), a separator or none between slots, at every level
 * with three masks.  Each slot's choices cycle at a different rate, so the
 * combinations are spread over all slots.  The choices hold every kind of
 * thing the parsers treat differently: blanks and commas before names,
 * Chinese and full-width numerals, whole tokens, names too long for their
 * token, repeated levels, CR LF, combining marks and emoji (the general
 * path), invalid UTF-8.
 */
static void
test_same_as_reference(void)
{
	static const char *const slots[][10] = {
		{"", "安徽省", "广西壮族自治区", "北京市", "香港特别行政区", "省", "黑龙江省", "镜湖区中山路安徽省"},
		{"", "芜湖市", "延边朝鲜族自治州", "锡林郭勒盟", "大兴安岭地区", "市", "镇江市", "上海市"},
		{"", "镜湖区", "市中区", "市北区", "无为市", "芜湖县", "江村区", "积石山保安族东乡族撒拉族自治县", "区区", "达尔罕茂明安联合旗"},
		{"", "江岸街道", "湖滨镇", "云山乡", "新村"},
		{"", "青枫东路12号", "中山路", "南锣鼓巷", "大道", "长江大道 8 号", "弄堂", "三里屯胡同甲3号"},
		{"", "世贸滨江花园小区", "范罗山社区", "阳光家园", "紫云苑", "金马新村", "万象公寓", "银湖大厦", "book园"},
		{"", "3栋", "十二幢", "A座", "\xef\xbc\x95号楼", "3-1栋", "甲栋", "〇栋"},
		{"", "2单元", "二单元", "\xef\xbc\x91单元"},
		{"", "12层", "3楼"},
		{"", "1203室", "302户", "甲室"},
		{"", "老菜市场东边第三家", "\r\n", "张\xcc\x81三", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "see landlord", "号", "\xe7"},
	};
	static const char *const seps[] = {"", "", "", "", " ", "，", "、", "\xe3\x80\x80", "\t"};
	static const mv_mask *const masks[] = {&pad4, &star, &dot4};
	size_t		nslots = sizeof(slots) / sizeof(slots[0]);
	size_t		nchoice[sizeof(slots) / sizeof(slots[0])];
	char		value[1024];
	long		compared = 0;
	long		different = 0;

	for (size_t k = 0; k < nslots; k++)
	{
		nchoice[k] = 0;
		while (nchoice[k] < 10 && slots[k][nchoice[k]] != NULL)
			nchoice[k]++;
	}
	for (unsigned long i = 0; i < 20000; i++)
	{
		unsigned long h = i * 2654435761u;
		size_t		len = 0;

		for (size_t k = 0; k < nslots; k++)
		{
			const char *piece = slots[k][(h >> (k * 3)) % nchoice[k]];
			const char *sep = seps[(i / (k + 1) + k) % (sizeof(seps) / sizeof(seps[0]))];

			len += (size_t) snprintf(value + len, sizeof(value) - len, "%s%s",
									 piece, sep);
			h = h * 31 + k + i;
		}
		for (int l = MV_ADDR_PROVINCE; l <= MV_ADDR_ROOM; l++)
		{
			compared++;
			if (!same_as_reference((mv_str) {value, len}, (mv_addr_level) l,
								   masks[(i + (unsigned long) l) % 3]))
				different++;
		}
	}
	CHECK(compared == 200000 && different == 0);

	/* Past the parser's limits: 256 graphemes, 48 token ends. */
	{
		static char long_value[4096];
		size_t		len = 0;
		bool		same = true;

		for (int r = 0; r < 60; r++)
			len += (size_t) snprintf(long_value + len, sizeof(long_value) - len, "1栋");
		for (int l = MV_ADDR_PROVINCE; l <= MV_ADDR_ROOM; l++)
			same = same_as_reference((mv_str) {long_value, len}, (mv_addr_level) l, &star) && same;
		len = (size_t) snprintf(long_value, sizeof(long_value), "安徽省芜湖市镜湖区");
		for (int r = 0; r < 300; r++)
			len += (size_t) snprintf(long_value + len, sizeof(long_value) - len, "张");
		len += (size_t) snprintf(long_value + len, sizeof(long_value) - len, "3栋");
		for (int l = MV_ADDR_PROVINCE; l <= MV_ADDR_ROOM; l++)
			same = same_as_reference((mv_str) {long_value, len}, (mv_addr_level) l, &star) && same;
		CHECK(same);
	}
}

int
main(void)
{
	test_rules_examples();
	test_no_repeated_levels();
	test_levels();
	test_ambiguity();
	test_unparsed();
	test_pad_and_masks();
	test_long_value();
	test_every_token();
	test_level_parse_and_errors();
	test_same_as_reference();
	return MV_TEST_DONE();
}
