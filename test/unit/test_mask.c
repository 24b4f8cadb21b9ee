/*
 * test_mask.c
 *	  mv_mask_check and its memo of the last valid multi-byte mask char: the
 *	  memo must never let an invalid mask through.
 */
#include "mv_test.h"

static mv_status
check(const char *ch, bool has_pad, int pad)
{
	mv_mask		mask = {S(ch), has_pad, pad};

	return mv_mask_check(&mask);
}

int
main(void)
{
	/* the memo starts empty: an empty mask char must still be refused */
	CHECK(check("", false, 0) == MV_ERR_MASK_CHAR);
	CHECK(check("*", false, 0) == MV_OK);
	CHECK(check("\xe2\x97\x8f", false, 0) == MV_OK);	/* ● */
	/* once ● is remembered, others are still judged on their own */
	CHECK(check("", false, 0) == MV_ERR_MASK_CHAR);
	CHECK(check("\xe2\x97\x8f\xe2\x97\x8f", false, 0) == MV_ERR_MASK_CHAR);
	CHECK(check("ab", false, 0) == MV_ERR_MASK_CHAR);
	CHECK(check("\xe2\x97", false, 0) == MV_ERR_MASK_CHAR); /* truncated */
	CHECK(check("\xe2\x97\x8f", false, 0) == MV_OK);
	CHECK(check("\xef\xbc\x8a", false, 0) == MV_OK);	/* ＊ */
	CHECK(check("\xe2\x97\x8f", false, 0) == MV_OK);
	/* one grapheme of several code points: e + U+0301, a ZWJ family */
	CHECK(check("e\xcc\x81", false, 0) == MV_OK);
	CHECK(check("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", false, 0) == MV_OK);
	/* one non-ASCII byte is not a character */
	CHECK(check("\xe2", false, 0) == MV_ERR_MASK_CHAR);
	/* controls and invisible characters are not printable */
	CHECK(check("\n", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);
	CHECK(check("\t", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);
	CHECK(check("\x1b", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);
	CHECK(check("\x7f", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);
	CHECK(check("\r\n", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);	/* one grapheme */
	CHECK(check("\xc2\x85", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE); /* NEL */
	CHECK(check("\xe2\x80\x8b", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);	/* ZWSP */
	CHECK(check("\xe2\x80\xa8", false, 0) == MV_ERR_MASK_CHAR_UNPRINTABLE);	/* LS */
	CHECK(check(" ", false, 0) == MV_OK);
	CHECK(check("\xe3\x80\x80", false, 0) == MV_OK);	/* ideographic space */
	/* the ZWJ inside an emoji sequence is fine (checked above too) */
	CHECK(check("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", false, 0) == MV_OK);
	/* pad */
	CHECK(check("*", true, 0) == MV_OK);
	CHECK(check("*", true, -1) == MV_ERR_PAD_NEGATIVE);
	CHECK(check("\xe2\x97\x8f", true, -1) == MV_ERR_PAD_NEGATIVE);
	return MV_TEST_DONE();
}
