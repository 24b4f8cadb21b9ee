/*
 * test_generic.c
 *	  Unit tests of the generic masks (partial, redact, digits, email): every
 *	  example of doc/masking-rules.md, the leak guard at each edge, pad, other
 *	  mask chars and parameter errors.
 */
#include "mv_test.h"


/* Masks with pad = 2 and pad = 4, and with a multi-byte mask char. */
static const mv_mask pad2 = {{"*", 1}, true, 2};
static const mv_mask twochars = {{"**", 2}, false, 0};
static const mv_mask negpad = {{"*", 1}, true, -1};

/* Calls are wrapped in small functions so CHECK_MASK can pass the buffer. */
#define CASE(name, call) static mv_status name(mv_buf *o) { return call; }

CASE(p_phone, mv_partial(S("13812345678"), 3, 4, &star, o))
CASE(p_zhangsan, mv_partial(S("张三"), 1, 1, &star, o))
CASE(p_ouyang, mv_partial(S("欧阳娜娜"), 2, 0, &star, o))
CASE(p_a, mv_partial(S("a"), 1, 1, &star, o))
CASE(p_pad_zsf, mv_partial(S("张三丰"), 1, 0, &pad2, o))
CASE(p_pad_zs, mv_partial(S("张三"), 1, 0, &pad2, o))
CASE(p_family, mv_partial(S("👨‍👩‍👧张三"), 1, 0, &star, o))
CASE(p_combining, mv_partial(S("te\xcc\x81st"), 2, 0, &star, o))
CASE(p_empty, mv_partial(S(""), 1, 1, &star, o))
CASE(p_head_only_guard, mv_partial(S("abc"), 5, 0, &star, o))
CASE(p_tail_first, mv_partial(S("abcd"), 2, 5, &star, o))
CASE(p_zero, mv_partial(S("abc"), 0, 0, &star, o))
CASE(p_dot, mv_partial(S("张三丰"), 1, 0, &dot, o))
CASE(p_flag, mv_partial(S("🇨🇳🇨🇳x"), 1, 0, &star, o))
CASE(p_crlf, mv_partial(S("a\r\nb"), 0, 1, &star, o))
CASE(p_pad0, mv_partial(S("abc"), 1, 1, &((mv_mask) {{"*", 1}, true, 0}), o))
CASE(r_zs, mv_redact(S("张三"), &star, o))
CASE(r_zs_pad, mv_redact(S("张三"), &pad4, o))
CASE(r_empty, mv_redact(S(""), &pad4, o))
CASE(r_supp, mv_redact(S("𠮷野e\xcc\x81"), &star, o))
CASE(d_landline, mv_digits(S("0553-6512 3456"), 4, 2, &star, o))
CASE(d_fullwidth, mv_digits(S("１２３４"), 0, 2, &star, o))
CASE(d_guard, mv_digits(S("12"), 2, 2, &star, o))
CASE(d_none, mv_digits(S("无数字"), 1, 1, &star, o))
CASE(d_empty, mv_digits(S(""), 1, 1, &star, o))
CASE(d_arabic, mv_digits(S("\xd9\xa1\xd9\xa2-3"), 0, 1, &star, o))	/* Arabic-Indic ١٢ */
CASE(d_pad_ignored, mv_digits(S("a1b2"), 0, 0, &pad4, o))
CASE(e_zhangsan, mv_email(S("zhangsan@example.com"), &star, o))
CASE(e_short, mv_email(S("a@b.cn"), &star, o))
CASE(e_none, mv_email(S("not-an-email"), &star, o))
CASE(e_no_local, mv_email(S("@b.cn"), &star, o))
CASE(e_no_domain, mv_email(S("ab@"), &star, o))
CASE(e_last_at, mv_email(S("a@b@c.cn"), &star, o))
CASE(e_han, mv_email(S("张三丰@例子.中国"), &dot, o))
CASE(e_empty, mv_email(S(""), &star, o))

/* Returns the status of a call whose output is discarded. */
static mv_status
status_of(mv_status (*fn) (mv_buf *))
{
	mv_buf		b;
	mv_status	st;

	mv_buf_init(&b, 0, 8);
	st = fn(&b);
	mv_buf_free(&b);
	return st;
}

CASE(err_neg_head, mv_partial(S("abc"), -1, 0, &star, o))
CASE(err_neg_tail, mv_partial(S("abc"), 0, -1, &star, o))
CASE(err_two_chars, mv_partial(S("abc"), 1, 0, &twochars, o))
CASE(err_neg_pad, mv_partial(S("abc"), 1, 0, &negpad, o))
CASE(err_neg_pad_empty, mv_partial(S(""), 1, 0, &negpad, o))
CASE(err_redact_mask, mv_redact(S("abc"), &twochars, o))
CASE(err_digits_neg, mv_digits(S("123"), 0, -2, &star, o))
CASE(err_digits_mask, mv_digits(S("123"), 0, 0, &twochars, o))
CASE(err_email_mask, mv_email(S("a@b.cn"), &twochars, o))
CASE(err_digits_utf8, mv_digits(S("1\xff"), 0, 0, &star, o))

int
main(void)
{
	/* partial: every example of doc/masking-rules.md */
	CHECK_MASK("138****5678", p_phone);
	CHECK_MASK("张*", p_zhangsan);
	CHECK_MASK("欧阳**", p_ouyang);
	CHECK_MASK("*", p_a);
	CHECK_MASK("张**", p_pad_zsf);
	CHECK_MASK("张**", p_pad_zs);
	CHECK_MASK("👨‍👩‍👧**", p_family);
	CHECK_MASK("te\xcc\x81**", p_combining);
	/* partial: edges */
	CHECK_MASK("", p_empty);
	CHECK_MASK("ab*", p_head_only_guard);
	CHECK_MASK("ab*d", p_tail_first);
	CHECK_MASK("***", p_zero);
	CHECK_MASK("张\xe2\x97\x8f\xe2\x97\x8f", p_dot);
	CHECK_MASK("🇨🇳**", p_flag);
	CHECK_MASK("**b", p_crlf);
	CHECK_MASK("ac", p_pad0);

	/* redact */
	CHECK_MASK("**", r_zs);
	CHECK_MASK("****", r_zs_pad);
	CHECK_MASK("", r_empty);
	CHECK_MASK("***", r_supp);

	/* digits */
	CHECK_MASK("0553-**** **56", d_landline);
	CHECK_MASK("**34", d_fullwidth);
	CHECK_MASK("1*", d_guard);
	CHECK_MASK("无数字", d_none);
	CHECK_MASK("", d_empty);
	CHECK_MASK("**-3", d_arabic);
	CHECK_MASK("a*b*", d_pad_ignored);

	/* email */
	CHECK_MASK("z***@example.com", e_zhangsan);
	CHECK_MASK("***@b.cn", e_short);
	CHECK_MASK("************", e_none);
	CHECK_MASK("*****", e_no_local);
	CHECK_MASK("***", e_no_domain);
	CHECK_MASK("a***@c.cn", e_last_at);
	CHECK_MASK("张\xe2\x97\x8f\xe2\x97\x8f\xe2\x97\x8f@例子.中国", e_han);
	CHECK_MASK("", e_empty);

	/* parameter errors */
	CHECK(status_of(err_neg_head) == MV_ERR_KEEP_HEAD_NEGATIVE);
	CHECK(status_of(err_neg_tail) == MV_ERR_KEEP_TAIL_NEGATIVE);
	CHECK(status_of(err_two_chars) == MV_ERR_MASK_CHAR);
	CHECK(status_of(err_neg_pad) == MV_ERR_PAD_NEGATIVE);
	CHECK(status_of(err_neg_pad_empty) == MV_ERR_PAD_NEGATIVE);
	CHECK(status_of(err_redact_mask) == MV_ERR_MASK_CHAR);
	CHECK(status_of(err_digits_neg) == MV_ERR_KEEP_TAIL_NEGATIVE);
	CHECK(status_of(err_digits_mask) == MV_ERR_MASK_CHAR);
	CHECK(status_of(err_email_mask) == MV_ERR_MASK_CHAR);
	CHECK(status_of(err_digits_utf8) == MV_ERR_BAD_UTF8);

	return MV_TEST_DONE();
}
