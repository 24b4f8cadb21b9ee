/*-------------------------------------------------------------------------
 *
 * cn_surnames.c
 *	  The compound surnames (复姓) of the 百家姓 and common later ones, for
 *	  mv_cn_name: a name that begins with one keeps two graphemes.
 *
 * The 百家姓's closing lines also pair single surnames that were merely
 * listed together (仉督 晋楚 闫法 汝鄢 涂钦 归海 岳帅 缑亢 况后 有琴 商牟 佘佴
 * 伯赏 墨哈 谯笪 年爱 阳佟 言福).  They are deliberately left out: treating
 * 岳帅 as one surname would reveal the first character of 岳帅强's given name,
 * and when in doubt we reveal less.  太史 and 独孤 are added (MASKING_RULES),
 * and so are the traditional forms that differ from the simplified ones.
 *
 *-------------------------------------------------------------------------
 */
#include "mv_core.h"

typedef struct surname_pair
{
	uint32_t	first;
	uint32_t	second;
} surname_pair;

/* Sorted by (first, second) for the binary search below. */
static const surname_pair compound_surnames[] = {
	{0x4E07, 0x4FDF},		/* 万俟 */
	{0x4E0A, 0x5B98},		/* 上官 */
	{0x4E1C, 0x65B9},		/* 东方 */
	{0x4E1C, 0x90ED},		/* 东郭 */
	{0x4E1C, 0x95E8},		/* 东门 */
	{0x4E50, 0x6B63},		/* 乐正 */
	{0x4E93, 0x5B98},		/* 亓官 */
	{0x4EE4, 0x72D0},		/* 令狐 */
	{0x4EF2, 0x5B59},		/* 仲孙 */
	{0x4EF2, 0x5B6B},		/* 仲孫 */
	{0x516C, 0x51B6},		/* 公冶 */
	{0x516C, 0x5B59},		/* 公孙 */
	{0x516C, 0x5B6B},		/* 公孫 */
	{0x516C, 0x7F8A},		/* 公羊 */
	{0x516C, 0x826F},		/* 公良 */
	{0x516C, 0x897F},		/* 公西 */
	{0x5355, 0x4E8E},		/* 单于 */
	{0x5357, 0x5BAB},		/* 南宫 */
	{0x5357, 0x5BAE},		/* 南宮 */
	{0x5357, 0x9580},		/* 南門 */
	{0x5357, 0x95E8},		/* 南门 */
	{0x53F8, 0x5BC7},		/* 司寇 */
	{0x53F8, 0x5F92},		/* 司徒 */
	{0x53F8, 0x7A7A},		/* 司空 */
	{0x53F8, 0x99AC},		/* 司馬 */
	{0x53F8, 0x9A6C},		/* 司马 */
	{0x547C, 0x5EF6},		/* 呼延 */
	{0x55AE, 0x4E8E},		/* 單于 */
	{0x58E4, 0x99DF},		/* 壤駟 */
	{0x58E4, 0x9A77},		/* 壤驷 */
	{0x590F, 0x4FAF},		/* 夏侯 */
	{0x592A, 0x53D4},		/* 太叔 */
	{0x592A, 0x53F2},		/* 太史 */
	{0x5939, 0x8C37},		/* 夹谷 */
	{0x593E, 0x8C37},		/* 夾谷 */
	{0x5B50, 0x8ECA},		/* 子車 */
	{0x5B50, 0x8F66},		/* 子车 */
	{0x5B87, 0x6587},		/* 宇文 */
	{0x5B97, 0x653F},		/* 宗政 */
	{0x5BB0, 0x7236},		/* 宰父 */
	{0x5C09, 0x8FDF},		/* 尉迟 */
	{0x5C09, 0x9072},		/* 尉遲 */
	{0x5DE6, 0x4E18},		/* 左丘 */
	{0x5DEB, 0x99AC},		/* 巫馬 */
	{0x5DEB, 0x9A6C},		/* 巫马 */
	{0x5FAE, 0x751F},		/* 微生 */
	{0x6155, 0x5BB9},		/* 慕容 */
	{0x62D3, 0x8DCB},		/* 拓跋 */
	{0x6771, 0x65B9},		/* 東方 */
	{0x6771, 0x90ED},		/* 東郭 */
	{0x6771, 0x9580},		/* 東門 */
	{0x6881, 0x4E18},		/* 梁丘 */
	{0x6A02, 0x6B63},		/* 樂正 */
	{0x6B27, 0x9633},		/* 欧阳 */
	{0x6B50, 0x967D},		/* 歐陽 */
	{0x6BB5, 0x5E72},		/* 段干 */
	{0x6DF3, 0x4E8E},		/* 淳于 */
	{0x6F06, 0x96D5},		/* 漆雕 */
	{0x6FB9, 0x53F0},		/* 澹台 */
	{0x6FB9, 0x81FA},		/* 澹臺 */
	{0x6FEE, 0x9633},		/* 濮阳 */
	{0x6FEE, 0x967D},		/* 濮陽 */
	{0x72EC, 0x5B64},		/* 独孤 */
	{0x7368, 0x5B64},		/* 獨孤 */
	{0x7533, 0x5C60},		/* 申屠 */
	{0x767E, 0x91CC},		/* 百里 */
	{0x7687, 0x752B},		/* 皇甫 */
	{0x7A40, 0x6881},		/* 穀梁 */
	{0x7AEF, 0x6728},		/* 端木 */
	{0x7B2C, 0x4E94},		/* 第五 */
	{0x7F8A, 0x820C},		/* 羊舌 */
	{0x805E, 0x4EBA},		/* 聞人 */
	{0x842C, 0x4FDF},		/* 萬俟 */
	{0x897F, 0x9580},		/* 西門 */
	{0x897F, 0x95E8},		/* 西门 */
	{0x8AF8, 0x845B},		/* 諸葛 */
	{0x8BF8, 0x845B},		/* 诸葛 */
	{0x8C37, 0x6881},		/* 谷梁 */
	{0x8D6B, 0x8FDE},		/* 赫连 */
	{0x8D6B, 0x9023},		/* 赫連 */
	{0x8ED2, 0x8F45},		/* 軒轅 */
	{0x8F69, 0x8F95},		/* 轩辕 */
	{0x937E, 0x96E2},		/* 鍾離 */
	{0x949F, 0x79BB},		/* 钟离 */
	{0x9577, 0x5B6B},		/* 長孫 */
	{0x957F, 0x5B59},		/* 长孙 */
	{0x95AD, 0x4E18},		/* 閭丘 */
	{0x95FB, 0x4EBA},		/* 闻人 */
	{0x95FE, 0x4E18},		/* 闾丘 */
	{0x9853, 0x5B6B},		/* 顓孫 */
	{0x989B, 0x5B59},		/* 颛孙 */
	{0x9BAE, 0x4E8E},		/* 鮮于 */
	{0x9C9C, 0x4E8E},		/* 鲜于 */
};

#define N_COMPOUND_SURNAMES \
	(sizeof(compound_surnames) / sizeof(compound_surnames[0]))

/*
 * One bit per CJK Unified Ideograph U+4E00..U+9FFF that begins a compound
 * surname, built on first use.  Nearly every name starts with a character
 * that begins none (张, 王, 李 ...), and this answers for them with one load
 * instead of a binary search, once per row.
 */
#define FIRST_CP_MIN 0x4E00
#define FIRST_CP_MAX 0x9FFF
static uint64_t first_cp_bits[(FIRST_CP_MAX - FIRST_CP_MIN + 64) / 64];
static bool first_cp_bits_ready;

static inline bool
may_begin_compound(uint32_t cp)
{
	uint32_t	i = cp - FIRST_CP_MIN;

	if (!first_cp_bits_ready)
	{
		for (size_t k = 0; k < N_COMPOUND_SURNAMES; k++)
		{
			uint32_t	j = compound_surnames[k].first - FIRST_CP_MIN;

			/* (every entry is in range; test_cn_name.c checks them all) */
			if (j <= FIRST_CP_MAX - FIRST_CP_MIN)
				first_cp_bits[j / 64] |= UINT64_C(1) << (j % 64);
		}
		first_cp_bits_ready = true;
	}
	return (first_cp_bits[i / 64] >> (i % 64)) & 1;
}

/*
 * True if the code points first, second spell a compound surname.  A binary
 * search over 93 pairs: at most 7 comparisons, no allocation, no ICU.
 */
bool
mv_is_compound_surname(uint32_t first, uint32_t second)
{
	size_t		lo = 0;
	size_t		hi = N_COMPOUND_SURNAMES;

	/* Every entry is a CJK Unified Ideograph: reject anything else cheaply. */
	if (first < FIRST_CP_MIN || first > FIRST_CP_MAX || !may_begin_compound(first))
		return false;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		const surname_pair *p = &compound_surnames[mid];

		if (p->first < first || (p->first == first && p->second < second))
			lo = mid + 1;
		else if (p->first == first && p->second == second)
			return true;
		else
			hi = mid;
	}
	return false;
}
