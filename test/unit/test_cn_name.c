/*
 * test_cn_name.c
 *	  Unit tests of mv_cn_name, mv_name_keep_parse, mv_is_compound_surname
 *	  and mv_cn_name_detect (with mv_is_common_surname):
 *	  every example of doc/masking-rules.md ("cn_name"), the compound surnames,
 *	  trimming, middle dots, alphabetic and mixed-script names, pad, errors.
 */
#include "mv_test.h"

static const mv_mask pad1 = {{"*", 1}, true, 1};
static const mv_mask pad2 = {{"*", 1}, true, 2};
static const mv_mask pad3 = {{"*", 1}, true, 3};

/* The call under test, set by NAME() before CHECK_MASK runs it. */
static mv_str t_value;
static const mv_mask *t_mask;
static mv_name_keep t_keep;

static mv_status
run_name(mv_buf *out)
{
	return mv_cn_name(t_value, t_mask, t_keep, out);
}

#define NAME(expected, value, keep, mask) \
	do { \
		t_value = S(value); \
		t_keep = (keep); \
		t_mask = (mask); \
		CHECK_MASK(expected, run_name); \
	} while (0)

#define SUR MV_NAME_KEEP_SURNAME
#define LAST MV_NAME_KEEP_LAST

/* Status of a call with a discarded output. */
static mv_status
name_status(mv_str value, const mv_mask *mask, mv_name_keep keep)
{
	mv_buf		out;
	mv_status	st;

	mv_buf_init(&out, 0, 16);
	st = mv_cn_name(value, mask, keep, &out);
	mv_buf_free(&out);
	return st;
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
test_rules_examples(void)
{
	NAME("张*", "张三", SUR, &star);
	NAME("张**", "张三丰", SUR, &star);
	NAME("欧阳**", "欧阳娜娜", SUR, &star);
	NAME("欧*", "欧阳", SUR, &star);
	NAME("司马*", "司马光", SUR, &star);
	NAME("*", "张", SUR, &star);
	NAME("**丰", "张三丰", LAST, &star);
	NAME("阿***·***", "阿依古丽·买买提", SUR, &star);
	NAME("J*** S****", "John Smith", SUR, &star);
	NAME("张**", "张三", SUR, &pad2);
}

static void
test_han(void)
{
	/* compound surnames, simplified and traditional, and two-grapheme ones */
	NAME("诸葛*", "诸葛亮", SUR, &star);
	NAME("歐陽*", "歐陽修", SUR, &star);
	NAME("上官**", "上官婉儿", SUR, &star);
	NAME("独孤**", "独孤求败", SUR, &star);
	NAME("太史*", "太史慈", SUR, &star);
	NAME("司*", "司马", SUR, &star);
	NAME("上*", "上官", SUR, &star);
	/* listed together in the 百家姓 but not one surname: reveal less */
	NAME("岳**", "岳帅强", SUR, &star);
	NAME("言**", "言福明", SUR, &star);
	/* keep => 'last' */
	NAME("***娜", "欧阳娜娜", LAST, &star);
	NAME("*三", "张三", LAST, &star);
	NAME("*", "张", LAST, &star);
	/* pad per name */
	NAME("欧阳**", "欧阳娜娜", SUR, &pad2);
	NAME("张***", "张三丰", SUR, &pad3);
	NAME("*丰", "张三丰", LAST, &pad1);
	NAME("***", "张", SUR, &pad3);
	/* Han outside the BMP (U+20BB7), 々, and a variation selector */
	NAME("𠮷**", "𠮷野家", SUR, &star);
	NAME("佐**", "佐々木", SUR, &star);
	NAME("葛\xf3\xa0\x84\x80*", "葛\xf3\xa0\x84\x80优", SUR, &star);
	/* other mask chars */
	NAME("张●", "张三", SUR, &dot);
	NAME("**丰", "张三丰", LAST, &((mv_mask) {{"*", 1}, false, 0}));
}

static void
test_white_space(void)
{
	NAME("张*", "  张三 ", SUR, &star);
	NAME("张*", "\xe3\x80\x80张三\xe3\x80\x80", SUR, &star);	/* U+3000 */
	NAME("张*", "\t张三\n", SUR, &star);
	NAME("", "   ", SUR, &star);
	NAME("", "\xe3\x80\x80", SUR, &pad2);
	NAME("", "", SUR, &star);
	NAME("", "", SUR, &pad2);
	/* a space carrying a combining mark is a grapheme, never split */
	NAME(" \xcc\x81*", " \xcc\x81张", SUR, &star);
	NAME("张**", "张三 \xcc\x81", SUR, &star);
	NAME("张*", "\xe3\x80\x80 张三\r\n", SUR, &star);
	/* inner white space in a Han name is not a Han name: partial */
	NAME("张**", "张 三", SUR, &star);
}

static void
test_dotted(void)
{
	NAME("阿***•***", "阿依古丽•买买提", SUR, &star);
	NAME("阿***・***", "阿依古丽・买买提", SUR, &star);
	NAME("阿***‧***", "阿依古丽‧买买提", SUR, &star);
	NAME("阿**·**", "阿依古丽·买买提", SUR, &pad2);
	NAME("玛*·*·***", "玛丽·安·史密斯", SUR, &star);
	NAME("J***·*******", "Jean·Kirsten", SUR, &star);
	/* empty parts or spaces around the dot: partial(value, 1, 0) */
	NAME("·***", "·买买提", SUR, &star);
	NAME("阿****", "阿依古丽·", SUR, &star);
	NAME("阿********", "阿依古丽··买买提", SUR, &star);
	NAME("阿*********", "阿依古丽 · 买买提", SUR, &star);
	/* one name alone, no dot part: a dot with a digit is "anything else" */
	NAME("阿*****", "阿依古丽·3", SUR, &star);
}

static void
test_alphabetic(void)
{
	NAME("J***", "John", SUR, &star);
	NAME("M***-J*** W*****", "Mary-Jane Watson", SUR, &star);
	NAME("J**  S****", "Jon  Smith", SUR, &star);
	NAME("J** S**", "John Smith", SUR, &pad2);
	NAME("J** S**", "J Smith", SUR, &pad2);
	NAME("J S****", "J Smith", SUR, &star);
	NAME("J*** G*****", "José García", SUR, &star);
	/* e + U+0301 is one grapheme: John's "é" masked whole */
	NAME("J***", "Jose\xcc\x81", SUR, &star);
	NAME("И*** П*****", "Иван Петров", SUR, &star);
	NAME("Ｊ***", "Ｊｏｈｎ", SUR, &star);
	/* keep => 'last' only concerns Han names */
	NAME("J*** S****", "John Smith", LAST, &star);
	/* a lone letter is the whole name */
	NAME("*", "J", SUR, &star);
	NAME("**", "J", SUR, &pad2);
	NAME("***", "J -", SUR, &star);
}

static void
test_other(void)
{
	/* mixed scripts: Latin with Cyrillic П, Han with Latin */
	NAME("I**********", "Ivan Пetrov", SUR, &star);
	NAME("J***", "Jоhn", SUR, &star);	/* Cyrillic о */
	NAME("张****", "张John", SUR, &star);
	NAME("张******", "张三 John", SUR, &star);
	/* digits of any kind, emoji, punctuation */
	NAME("张*", "张3", SUR, &star);
	NAME("李**", "李四2", SUR, &star);
	NAME("张*", "张\xd9\xa3", SUR, &star);	/* Arabic-Indic ٣ */
	NAME("张*", "张３", SUR, &star);
	NAME("1**", "123", SUR, &star);
	NAME("张**", "张三😀", SUR, &star);
	NAME("张**", "张三丰", SUR, &star);
	NAME("张**", "张三.", SUR, &pad2);
}

static void
test_errors(void)
{
	mv_name_keep keep = LAST;

	CHECK(mv_name_keep_parse(S("surname"), &keep) == MV_OK && keep == SUR);
	CHECK(mv_name_keep_parse(S("last"), &keep) == MV_OK && keep == LAST);
	CHECK(mv_name_keep_parse(S("Surname"), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S("first"), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S(""), &keep) == MV_ERR_NAME_KEEP);
	CHECK(mv_name_keep_parse(S("last "), &keep) == MV_ERR_NAME_KEEP);

	CHECK(name_status(S("张三"), &((mv_mask) {{"**", 2}, false, 0}), SUR) ==
		  MV_ERR_MASK_CHAR);
	CHECK(name_status(S("张三"), &((mv_mask) {{"", 0}, false, 0}), SUR) ==
		  MV_ERR_MASK_CHAR);
	CHECK(name_status(S("张三"), &((mv_mask) {{"*", 1}, true, -1}), SUR) ==
		  MV_ERR_PAD_NEGATIVE);
	/* the mask is checked even when the value is empty */
	CHECK(name_status(S(""), &((mv_mask) {{"**", 2}, false, 0}), SUR) ==
		  MV_ERR_MASK_CHAR);
	CHECK(name_status(S("张三"), &star, (mv_name_keep) 7) == MV_ERR_NAME_KEEP);
	CHECK(name_status(S("\xff张"), &star, SUR) == MV_ERR_BAD_UTF8);
	CHECK(name_status(S("张\xe4\xb8"), &star, SUR) == MV_ERR_BAD_UTF8);
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
	test_rules_examples();
	test_han();
	test_white_space();
	test_dotted();
	test_alphabetic();
	test_other();
	test_errors();
	test_compound_table();
	test_detect();
	return MV_TEST_DONE();
}
