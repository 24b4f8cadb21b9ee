/*
 * test_cn_id_card.c
 *	  Unit tests of mv_cn_id_card and mv_cn_id_card_valid, cases in
 *	  cases/cn_id_card.tsv and cases/cn_id_card_valid.tsv: every example of
 *	  doc/masking-rules.md ("cn_id_card"), the keep limits, canonicalisation
 *	  (NFKC, white space, x), wrong shapes, check characters and dates.
 */
#include <stdlib.h>

#include "mv_test.h"

/*
 * The call under test for a row of cases/cn_id_card.tsv: its parameters are
 * keep_head and keep_tail.
 */
static mv_status
run_id(const mv_case *c, mv_buf *out)
{
	return mv_cn_id_card(c->value, mv_case_int(c, 0), mv_case_int(c, 1),
						 &c->mask, out);
}

int
main(void)
{
	mv_check_file("cases/cn_id_card.tsv", 2, &star, run_id);
	mv_check_valid_file("cases/cn_id_card_valid.tsv", mv_cn_id_card_valid);
	return MV_TEST_DONE();
}
