/*
 * test_cn_phone.c
 *	  Unit tests of mv_cn_phone and mv_cn_mobile_valid, cases in
 *	  cases/cn_phone.tsv and cases/cn_mobile_valid.tsv: every example of
 *	  doc/masking-rules.md ("cn_phone"), prefixes, separators, extensions,
 *	  digits of other widths and scripts, and the fail-closed fallback.
 */
#include "mv_test.h"

int
main(void)
{
	mv_check_value_mask_file("cases/cn_phone.tsv", mv_cn_phone);
	mv_check_valid_file("cases/cn_mobile_valid.tsv", mv_cn_mobile_valid);
	return MV_TEST_DONE();
}
