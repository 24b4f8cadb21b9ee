/*
 * test_cn_name.c
 *	  Unit tests of mv_cn_name, mv_name_keep_parse, mv_is_compound_surname
 *	  and mv_cn_name_detect (with mv_is_common_surname): the cases of
 *	  cases/cn_name.tsv (every example of doc/masking-rules.md, "cn_name",
 *	  the compound surnames, trimming, middle dots, alphabetic and
 *	  mixed-script names, pad, errors), keep names, the compound surname
 *	  table, name detection.
 */
#include <stdlib.h>

#include "mv_test.h"

#define SUR MV_NAME_KEEP_SURNAME
#define LAST MV_NAME_KEEP_LAST

/*
 * The call under test for a row of cases/cn_name.tsv: its parameter is keep
 * by name, or as a number for a keep out of range.
 */
static mv_status
run_name(const mv_case *c, mv_buf *out)
{
	mv_name_keep keep;

	if (mv_name_keep_parse(S(c->param[0]), &keep) != MV_OK)
		keep = (mv_name_keep) mv_case_int(c, 0);
	return mv_cn_name(c->value, &c->mask, keep, out);
}

/* True if the first two code points of a two-character UTF-8 string pair. */
static bool
compound(const char *two)
{
	mv_str		s = S(two);
	size_t		pos = 0;
	uint32_t	a = mv_utf8_next(s.ptr, s.len, &pos);
	uint32_t	b = mv_utf8_next(s.ptr, s.len, &pos);

	return mv_is_compound_surname(a, b);
}

static void
test_keep_parse(void)
{
	mv_name_keep keep = LAST;

	CHECK(mv_name_keep_parse(S("surname"), &keep) == MV_OK && keep == SUR);
	CHECK(mv_name_keep_parse(S("last"), &keep) == MV_OK && keep == LAST);
	CHECK(mv_name_keep_parse(S("Surname"), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S("first"), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S(""), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S("last "), &keep) == MV_ERR_NAME_KEEP);
}

static void
test_compound_table(void)
{
	/* Each entry, typed as text: catches a wrong code point in the table. */
	static const char *const all[] = {
		"万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连",
		"皇甫", "尉迟", "公羊", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于",
		"太叔", "申屠", "公孙", "仲孙", "轩辕", "令狐", "钟离", "宇文", "长孙",
		"慕容", "鲜于", "闾丘", "司徒", "司空", "亓官", "司寇", "子车", "颛孙",
		"端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷",
		"宰父", "谷梁", "段干", "百里", "东郭", "南门", "呼延", "羊舌", "微生",
		"梁丘", "左丘", "东门", "西门", "南宫", "第五", "太史", "独孤",
		"萬俟", "司馬", "歐陽", "諸葛", "聞人", "東方", "赫連", "尉遲", "澹臺",
		"濮陽", "單于", "公孫", "仲孫", "軒轅", "鍾離", "長孫", "鮮于", "閭丘",
		"子車", "顓孫", "巫馬", "樂正", "壤駟", "夾谷", "穀梁", "東郭", "南門",
		"東門", "西門", "南宮", "獨孤",
	};
	static const char *const not_compound[] = {
		"岳帅", "言福", "仉督", "晋楚", "阳佟", "张三", "欧欧", "阳欧", "马司",
		"司司", "万万", "獨獨", "AB",
	};
	int			found = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		found += compound(all[i]);
	CHECK(found == (int) (sizeof(all) / sizeof(all[0])));
	for (size_t i = 0; i < sizeof(not_compound) / sizeof(not_compound[0]); i++)
		CHECK(!compound(not_compound[i]));
	CHECK(!mv_is_compound_surname(0, 0));
	CHECK(!mv_is_compound_surname(0x6B27, 0));	/* 欧 + NUL */
	CHECK(!mv_is_compound_surname(0x10FFFF, 0x9633));
}

/* mv_cn_name_detect on one value: 1 name, 0 not, -1 an error. */
static int
detect(const char *value)
{
	bool		is_name = true;

	if (mv_cn_name_detect(S(value), &is_name) != MV_OK)
		return -1;
	return is_name ? 1 : 0;
}

static void
test_detect(void)
{
	/* common surname + 1-3 characters, after trimming */
	CHECK(detect("张三") == 1);
	CHECK(detect(" 王芳 ") == 1);
	CHECK(detect("\xe3\x80\x80王芳\t") == 1);	/* ideographic space, tab */
	CHECK(detect("高峰电价") == 1);	/* (a word shaped like a name) */
	/* compound surnames, from the one list the mask uses too */
	CHECK(detect("欧阳娜娜") == 1);
	CHECK(detect("司马光") == 1);
	CHECK(detect("公西华") == 1);	/* 公 alone is no common surname */
	CHECK(detect("歐陽修") == 1);	/* traditional form */
	CHECK(detect("欧阳") == 1);
	/* middle-dot names: 2-4 parts of 1-8 Han characters */
	CHECK(detect("阿依古丽·买买提") == 1);
	CHECK(detect("阿依古丽・买买提") == 1);
	CHECK(detect("阿依古丽•买买提•艾力") == 1);
	CHECK(detect("阿·买·提·艾·力") == 0);	/* five parts */
	CHECK(detect("阿依古丽阿依古丽阿·买") == 0);	/* a part of nine */
	CHECK(detect("阿依古丽阿依古丽·买") == 1);	/* of eight */
	CHECK(detect("·买买提") == 0);
	CHECK(detect("买买提·") == 0);
	CHECK(detect("阿依··买买提") == 0);
	CHECK(detect("Jean·Paul") == 0);
	/* not names */
	CHECK(detect("张") == 0);
	CHECK(detect("张三丰李四") == 0);
	CHECK(detect("电费") == 0);
	CHECK(detect("国家") == 0);
	CHECK(detect("张 三") == 0);
	CHECK(detect("张三1") == 0);
	CHECK(detect("John Smith") == 0);
	CHECK(detect("13812345678") == 0);
	CHECK(detect("") == 0);
	CHECK(detect("   ") == 0);
	CHECK(detect("\xe3\x80\x80") == 0);
	CHECK(detect("张\xe4\xb8") == -1);
	/* the common surnames */
	CHECK(mv_is_common_surname(0x738B));	/* 王 */
	CHECK(mv_is_common_surname(0x5C27));	/* 尧 */
	CHECK(!mv_is_common_surname(0x56FD));	/* 国 */
	CHECK(!mv_is_common_surname('A'));
	CHECK(!mv_is_common_surname(0x10FFFF));
}

int
main(void)
{
	mv_check_file("cases/cn_name.tsv", 1, &star, run_name);
	test_keep_parse();
	test_compound_table();
	test_detect();
	return MV_TEST_DONE();
}
