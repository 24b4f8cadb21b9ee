/*
 * test_cn_phone.c
 *	  Unit tests of mv_cn_phone and mv_cn_mobile_valid: every example of
 *	  doc/masking-rules.md ("cn_phone"), prefixes, separators, extensions, digits
 *	  of other widths and scripts, and the fail-closed fallback.
 */
#include "mv_test.h"


#define PHONE_M(expected, value, mask) \
	CHECK_VALUE_MASK(mv_cn_phone, expected, value, mask)
#define PHONE(expected, value) PHONE_M(expected, value, &star)

static void
test_rules_examples(void)
{
	PHONE("138****5678", "13812345678");
	PHONE("+86 138-****-5678", "+86 138-1234-5678");
	PHONE("138****5678", "１３８１２３４５６７８");
	PHONE("0553-*****67", "0553-1234567");
	PHONE("010 ******78", "010 12345678");
	PHONE("0553-*****67转***", "0553-1234567转808");
	PHONE("400-***-**67", "400-123-4567");
	PHONE("*****", "12345");
}

static void
test_mobile(void)
{
	PHONE("86138****5678", "8613812345678");
	PHONE("+86138****5678", "+8613812345678");
	PHONE("0086138****5678", "008613812345678");
	PHONE("0086 138 **** 5678", "0086 138 1234 5678");
	PHONE("+86 (138) **** 5678", "+86 (138) 1234 5678");
	PHONE("(+86)199****0000", "(+86)19912340000");
	PHONE("+86 138****5678", "＋８６　１３８１２３４５６７８");
	PHONE("  138****5678  ", "  13812345678  ");
}

static void
test_mobile_rejected(void)
{
	PHONE("**********", "1381234567");	/* one digit short */
	PHONE("************", "138123456789");	/* one digit long */
	PHONE("***********", "12812345678");	/* 1[3-9] */
	PHONE("***********", "138a2345678");	/* a letter among digits */
	PHONE("***********", "١٣٨١٢٣٤٥٦٧٨");	/* Arabic-Indic digits */
	PHONE("***********", "१३८१२३४५६७८");	/* Devanagari digits */
	PHONE("**************", "张三 13812345678");	/* text around it */
	PHONE("***************", "+8613812345678x");
	PHONE("***************", "+0086 138123456");
	PHONE("***************", "++8613812345678");
	PHONE("************", "-13812345678");
	PHONE("************", "13812345678-");
	PHONE("************", "(13812345678");
	PHONE("**************", "+8813812345678");
	PHONE("*****************", "+86 13812345678 1");
}

static void
test_landline(void)
{
	PHONE("021-******21", "021-87654321");
	PHONE("010-****-**78", "010-1234-5678");
	PHONE("(0553)*****67", "(0553)1234567");
	PHONE("0553*****67", "05531234567");
	PHONE("0553-*****67-***", "0553-1234567-808");
	PHONE("0553 *****67 x **", "0553 1234567 x 12");
	PHONE("0553-*****67 ext. **", "0553-1234567 ext. 12");
	PHONE("0553-*****67EXT****", "0553-1234567EXT1234");
	PHONE("0553-******78转*", "0553-12345678转8");
	/* rejected: local number too short or long, lone marker, bad area code */
	PHONE("***********", "0553-123456");
	PHONE("**************", "0553-123456789");
	PHONE("*************", "0553-1234567转");
	PHONE("*************", "0013812345678");
	PHONE("****************", "+86 0553 1234567");
	PHONE("********************", "0553-1234567转1234567");
	PHONE("*************", "05-53 1234567");
	PHONE("****************", "0553-1234567转8转9");
}

static void
test_service(void)
{
	PHONE("800 *** **67", "800 123 4567");
	PHONE("400*****67", "4001234567");
	PHONE("************", "500-123-4567");
	PHONE("*************", "400-123-45678");
}

static void
test_empty_and_masks(void)
{
	PHONE("", "");
	PHONE("***", "   ");
	PHONE("*", "x");
	PHONE_M("138●●●●5678", "13812345678", &dot);
	/* cn_phone has no pad: a pad in the mask changes nothing */
	PHONE_M("138****5678", "13812345678", &pad4);
	PHONE_M("*****", "12345", &pad4);
	CHECK(value_mask_status(mv_cn_phone, S("138"), &((mv_mask) {{"**", 2}, false, 0})) ==
		  MV_ERR_MASK_CHAR);
	CHECK(value_mask_status(mv_cn_phone, S(""), &((mv_mask) {{"", 0}, false, 0})) ==
		  MV_ERR_MASK_CHAR);
	CHECK(value_mask_status(mv_cn_phone, S("138"), &((mv_mask) {{"*", 1}, true, -1})) ==
		  MV_ERR_PAD_NEGATIVE);
	CHECK(value_mask_status(mv_cn_phone, S("138\xc0\x80"), &star) == MV_ERR_BAD_UTF8);
}

static void
test_mobile_valid(void)
{
	CHECK(mv_cn_mobile_valid(S("13812345678")));
	CHECK(mv_cn_mobile_valid(S("19912345678")));
	CHECK(mv_cn_mobile_valid(S("+86 138-1234-5678")));
	CHECK(mv_cn_mobile_valid(S("１３８１２３４５６７８")));
	CHECK(mv_cn_mobile_valid(S("8613812345678")));
	CHECK(mv_cn_mobile_valid(S("0086 13812345678")));
	CHECK(!mv_cn_mobile_valid(S("12812345678")));
	CHECK(!mv_cn_mobile_valid(S("1381234567")));
	CHECK(!mv_cn_mobile_valid(S("138123456789")));
	CHECK(!mv_cn_mobile_valid(S("0553-1234567")));
	CHECK(!mv_cn_mobile_valid(S("4001234567")));
	CHECK(!mv_cn_mobile_valid(S("")));
	CHECK(!mv_cn_mobile_valid(S("   ")));
	CHECK(!mv_cn_mobile_valid(S("phone")));
	CHECK(!mv_cn_mobile_valid(S("١٣٨١٢٣٤٥٦٧٨")));
	CHECK(!mv_cn_mobile_valid(S("张三 13812345678")));
	CHECK(!mv_cn_mobile_valid(S("\xff")));
}

int
main(void)
{
	test_rules_examples();
	test_mobile();
	test_mobile_rejected();
	test_landline();
	test_service();
	test_empty_and_masks();
	test_mobile_valid();
	return MV_TEST_DONE();
}
