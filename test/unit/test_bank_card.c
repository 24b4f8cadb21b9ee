/*
 * test_bank_card.c
 *	  Unit tests of mv_bank_card and mv_luhn_valid: every example of
 *	  doc/masking-rules.md ("bank_card"), each length boundary, separators,
 *	  digits of other widths and scripts, and the Luhn check.
 */
#include "mv_test.h"


#define CARD_M(expected, value, mask) \
	CHECK_VALUE_MASK(mv_bank_card, expected, value, mask)
#define CARD(expected, value) CARD_M(expected, value, &star)

static void
test_rules_examples(void)
{
	CARD("622202*********0128", "6222021234567890128");
	CARD("6222 02** **** ***0 128", "6222 0212 3456 7890 128");
}

static void
test_lengths(void)
{
	CARD("**************************", "62220212345678901281234567");
	CARD("********************", "62220212345678901281");	/* 20 */
	CARD("411111******1111", "4111111111111111");	/* 16 */
	CARD("622202**3456", "622202123456");	/* 12 */
	CARD("*******2345", "62220212345");	/* 11 */
	CARD("****5678", "12345678");	/* 8 */
	CARD("*******", "1234567");	/* 7 */
	CARD("*", "1");
	CARD("", "");
	CARD("**", "  ");
}

static void
test_forms(void)
{
	CARD("6222-02**-****-7890", "6222-0212-3456-7890");
	CARD("622202*********0128", "６２２２０２１２３４５６７８９０１２８");
	CARD("6222 02** **** ***0 128", "６２２２　０２１２　３４５６　７８９０　１２８");
	CARD("*******************", "6222a21234567890128");	/* a letter */
	CARD("*********", "6222.0212");
	CARD("*******************", "٦٢٢٢٠٢١٢٣٤٥٦٧٨٩٠١٢٨");	/* Arabic-Indic */
	CARD("******************", "卡号6222021234567890");
	CARD("*****************", "6222\t021234567890");
	CARD_M("622202●●●●●●●●●0128", "6222021234567890128", &dot);
	/* bank_card has no pad: a pad in the mask changes nothing */
	CARD_M("622202*********0128", "6222021234567890128", &pad4);
	CARD_M("*******", "1234567", &pad4);
}

static void
test_errors(void)
{
	CHECK(value_mask_status(mv_bank_card, S("6222021234567890128"),
					  &((mv_mask) {{"**", 2}, false, 0})) == MV_ERR_MASK_CHAR);
	CHECK(value_mask_status(mv_bank_card, S(""), &((mv_mask) {{"*", 1}, true, -2})) ==
		  MV_ERR_PAD_NEGATIVE);
	CHECK(value_mask_status(mv_bank_card, S("6222\x80"), &star) == MV_ERR_BAD_UTF8);
}

static void
test_luhn(void)
{
	CHECK(mv_luhn_valid(S("6222021234567890128")));
	CHECK(mv_luhn_valid(S("4111111111111111")));
	CHECK(mv_luhn_valid(S("4111 1111 1111 1111")));
	CHECK(mv_luhn_valid(S("4111-1111-1111-1111")));
	CHECK(mv_luhn_valid(S("４１１１１１１１１１１１１１１１")));
	CHECK(mv_luhn_valid(S("622202123452")));	/* 12 digits */
	CHECK(mv_luhn_valid(S("1234567890123456785")));	/* 19 digits */
	CHECK(!mv_luhn_valid(S("4111111111111112")));	/* wrong check digit */
	CHECK(!mv_luhn_valid(S("6222021234567890127")));
	CHECK(!mv_luhn_valid(S("79927398713")));	/* Luhn-valid, 11 digits */
	CHECK(!mv_luhn_valid(S("12345678901234567894")));	/* Luhn-valid, 20 */
	CHECK(!mv_luhn_valid(S("4111a11111111111")));
	CHECK(!mv_luhn_valid(S("٤١١١١١١١١١١١١١١١")));
	CHECK(!mv_luhn_valid(S("")));
	CHECK(!mv_luhn_valid(S("000000000000a")));
	CHECK(!mv_luhn_valid(S("\xfe")));
	/* all zeros pass Luhn: the check alone, not a card number judgement */
	CHECK(mv_luhn_valid(S("000000000000")));
}

int
main(void)
{
	test_rules_examples();
	test_lengths();
	test_forms();
	test_errors();
	test_luhn();
	return MV_TEST_DONE();
}
