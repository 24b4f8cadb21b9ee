/*
 * test_bank_card.c
 *	  Unit tests of mv_bank_card and mv_luhn_valid, cases in
 *	  cases/bank_card.tsv and cases/luhn_valid.tsv: every example of
 *	  doc/masking-rules.md ("bank_card"), each length boundary, separators,
 *	  digits of other widths and scripts, and the Luhn check.
 */
#include "mv_test.h"

int
main(void)
{
	mv_check_value_mask_file("cases/bank_card.tsv", mv_bank_card);
	mv_check_valid_file("cases/luhn_valid.tsv", mv_luhn_valid);
	return MV_TEST_DONE();
}
