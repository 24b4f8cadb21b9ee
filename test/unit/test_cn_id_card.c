/*
 * test_cn_id_card.c
 *	  Unit tests of mv_cn_id_card and mv_cn_id_card_valid: every example of
 *	  doc/masking-rules.md ("cn_id_card"), the keep limits, canonicalisation
 *	  (NFKC, white space, x), wrong shapes, check characters and dates.
 */
#include "mv_test.h"


/* The call under test, set by ID() before CHECK_MASK runs it. */
static mv_str t_value;
static int	t_head;
static int	t_tail;
static const mv_mask *t_mask;

static mv_status
run_id(mv_buf *out)
{
	return mv_cn_id_card(t_value, t_head, t_tail, t_mask, out);
}

#define ID_M(expected, value, head, tail, mask) \
	do { \
		t_value = S(value); \
		t_head = (head); \
		t_tail = (tail); \
		t_mask = (mask); \
		CHECK_MASK(expected, run_id); \
	} while (0)
#define ID(expected, value, head, tail) ID_M(expected, value, head, tail, &star)

static mv_status
id_status(mv_str value, int head, int tail, const mv_mask *mask)
{
	mv_buf		out;
	mv_status	st;

	mv_buf_init(&out, 0, 16);
	st = mv_cn_id_card(value, head, tail, mask, &out);
	mv_buf_free(&out);
	return st;
}

static void
test_rules_examples(void)
{
	ID("3****************1", "340202199001011231", 1, 1);
	ID("340202********1231", "340202199001011231", 6, 4);
	ID("**************", "34020219900101", 1, 1);
	/* a wrong check character is masked the same way */
	ID("3****************2", "340202199001011232", 1, 1);
}

static void
test_shapes(void)
{
	ID("1****************X", "11010519491231002X", 1, 1);
	ID("1****************X", "11010519491231002x", 1, 1);
	ID("110105**********2X", "11010519491231002x", 6, 2);
	ID("******************", "340202199001011231", 0, 0);
	ID("*****************", "34020219900101123", 1, 1);	/* one short */
	ID("*******************", "3402021990010112311", 1, 1);	/* one long */
	ID("******************", "3402021990A1011231", 1, 1);	/* a letter */
	ID("******************", "X40202199001011231", 1, 1);	/* X not last */
	ID("***************", "34020290010112X", 1, 1);	/* X in 15 digits */
	ID("******************", "٣٤٠٢٠٢١٩٩٠٠١٠١١٢٣١", 1, 1);	/* Arabic-Indic */
	ID("******************", "身份证340202199001011", 1, 1);
	ID("", "", 1, 1);
	ID("***", "   ", 1, 1);
}

static void
test_canonical_form(void)
{
	ID("3****************1", "３４０２０２１９９００１０１１２３１", 1, 1);
	ID("1****************X", "１１０１０５１９４９１２３１００２ｘ", 1, 1);
	ID("340202********1231", "340202 19900101 1231", 6, 4);
	ID("3****************1", " 340202199001011231\t", 1, 1);
	ID("3****************1", "340202\xe3\x80\x80" "199001011231", 1, 1);
}

static void
test_legacy(void)
{
	ID("3*************3", "340202900101123", 1, 1);
	/* keep_tail 4 would reveal the day's last digit: capped at 3 */
	ID("340202******123", "340202900101123", 6, 4);
	ID("340202******123", "340202900101123", 6, 3);
	ID("***************", "340202900101123", 0, 0);
}

static void
test_masks_and_errors(void)
{
	ID_M("3●●●●●●●●●●●●●●●●1", "340202199001011231", 1, 1, &dot);
	/* cn_id_card has no pad: a pad in the mask changes nothing */
	ID_M("3****************1", "340202199001011231", 1, 1, &pad4);
	ID_M("*****", "12345", 1, 1, &pad4);

	CHECK(id_status(S("340202199001011231"), 7, 1, &star) == MV_ERR_ID_KEEP);
	CHECK(id_status(S("340202199001011231"), 1, 5, &star) == MV_ERR_ID_KEEP);
	CHECK(id_status(S("340202199001011231"), -1, 1, &star) == MV_ERR_ID_KEEP);
	CHECK(id_status(S("340202199001011231"), 1, -1, &star) == MV_ERR_ID_KEEP);
	CHECK(id_status(S(""), 7, 0, &star) == MV_ERR_ID_KEEP);
	CHECK(id_status(S("340202199001011231"), 6, 4, &star) == MV_OK);
	CHECK(id_status(S("340202199001011231"), 0, 0, &star) == MV_OK);
	CHECK(id_status(S("340202199001011231"), 1, 1,
					&((mv_mask) {{"ab", 2}, false, 0})) == MV_ERR_MASK_CHAR);
	CHECK(id_status(S("34\xed\xa0\x80"), 1, 1, &star) == MV_ERR_BAD_UTF8);
}

static void
test_valid(void)
{
	CHECK(mv_cn_id_card_valid(S("340202199001011231")));
	CHECK(mv_cn_id_card_valid(S("11010519491231002X")));
	CHECK(mv_cn_id_card_valid(S("11010519491231002x")));
	CHECK(mv_cn_id_card_valid(S("１１０１０５１９４９１２３１００２Ｘ")));
	CHECK(mv_cn_id_card_valid(S("340202 19900101 1231")));
	CHECK(mv_cn_id_card_valid(S("340202200002291234")));	/* 2000-02-29 */
	CHECK(mv_cn_id_card_valid(S("340202900101123")));
	CHECK(mv_cn_id_card_valid(S("340202960229123")));	/* 1996-02-29 */
	/* wrong check character */
	CHECK(!mv_cn_id_card_valid(S("340202199001011232")));
	CHECK(!mv_cn_id_card_valid(S("11010519491231002Y")));
	/* right check character, impossible date */
	CHECK(!mv_cn_id_card_valid(S("340202199002301230")));	/* Feb 30 */
	CHECK(!mv_cn_id_card_valid(S("340202190002291238")));	/* 1900 not leap */
	CHECK(!mv_cn_id_card_valid(S("340202199013011239")));	/* month 13 */
	CHECK(!mv_cn_id_card_valid(S("340202179912311237")));	/* 1799 */
	CHECK(!mv_cn_id_card_valid(S("340202900230123")));
	CHECK(!mv_cn_id_card_valid(S("340202000229123")));	/* 1900-02-29 */
	CHECK(!mv_cn_id_card_valid(S("340202900100123")));	/* day 0 */
	/* wrong shapes */
	CHECK(!mv_cn_id_card_valid(S("34020219900101123")));
	CHECK(!mv_cn_id_card_valid(S("3402021990010112311")));
	CHECK(!mv_cn_id_card_valid(S("٣٤٠٢٠٢١٩٩٠٠١٠١١٢٣١")));
	CHECK(!mv_cn_id_card_valid(S("")));
	CHECK(!mv_cn_id_card_valid(S("  ")));
	CHECK(!mv_cn_id_card_valid(S("\xff")));
}

int
main(void)
{
	test_rules_examples();
	test_shapes();
	test_canonical_form();
	test_legacy();
	test_masks_and_errors();
	test_valid();
	return MV_TEST_DONE();
}
