/*
 * test_cn_address.c
 *	  Unit tests of mv_cn_address and mv_addr_level_parse: the cases of
 *	  cases/cn_address.tsv (every example of doc/masking-rules.md,
 *	  "cn_address", each keep level, ambiguous suffixes such as 市中区, 小区,
 *	  county-level 市 and 镇江市, pad, unparseable input, parameter errors),
 *	  every suffix token, long values; and the one-pass implementation
 *	  against the one it replaced (cn_address_ref.c) on every value built
 *	  from a table of pieces.
 */
#include <stdlib.h>

#include "mv_test.h"

static const mv_mask dot4 = {{"\xe2\x97\x8f", 3}, true, 4};	/* ● U+25CF */

/*
 * The call under test for a row of cases/cn_address.tsv: its parameter is
 * keep_level by name, or as a number for a level out of range.
 */
static mv_status
run_addr(const mv_case *c, mv_buf *out)
{
	mv_addr_level level;

	if (mv_addr_level_parse(S(c->param[0]), &level) != MV_OK)
		level = (mv_addr_level) mv_case_int(c, 0);
	return mv_cn_address(c->value, level, &c->mask, out);
}

/* Counts one test: value masked at level with pad 4 gives expected. */
static void
check_addr(const char *expected, const char *value, mv_addr_level level)
{
	mv_buf		out;

	mv_buf_init(&out, 0, 16);
	mv_check_output(expected, mv_cn_address(S(value), level, &pad4, &out),
					&out, __FILE__, __LINE__);
}

#define WUHU "安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室"

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
	check_addr("安徽省****", v, MV_ADDR_DISTRICT);
	check_addr("安徽省****", v, MV_ADDR_ROOM);
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
		check_addr(kept, cases[i].segment, cases[i].level);
		check_addr(kept, cases[i].segment, MV_ADDR_ROOM);
		if (cases[i].level > MV_ADDR_PROVINCE)
			check_addr("****", cases[i].segment, cases[i].level - 1);
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
	mv_check_file("cases/cn_address.tsv", 1, &pad4, run_addr);
	test_long_value();
	test_every_token();
	test_level_parse_and_errors();
	test_same_as_reference();
	return MV_TEST_DONE();
}
