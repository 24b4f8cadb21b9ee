/*-------------------------------------------------------------------------
 *
 * generic.c
 *	  SQL glue of the generic masks: mask.partial, mask.redact, mask.digits,
 *	  mask.email.
 *
 * partial and redact have a pad parameter that defaults to NULL, so they
 * are not STRICT (a STRICT function would return NULL whenever pad is left
 * out): they handle a NULL value themselves.  digits and email are STRICT.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "mv_glue.h"

/*
 * mask.partial(value text, keep_head int, keep_tail int, mask_char text =
 * '*', pad int = NULL): keeps keep_head leading and keep_tail trailing
 * graphemes; NULL value or keep count gives NULL, as a STRICT call would.
 */
PG_FUNCTION_INFO_V1(mv_sql_partial);
Datum
mv_sql_partial(PG_FUNCTION_ARGS)
{
	mv_mask		mask;
	mv_str		value;
	mv_buf		out;
	int32		keep_head;
	int32		keep_tail;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	keep_head = PG_GETARG_INT32(1);
	keep_tail = PG_GETARG_INT32(2);
	mv_check_keep_counts(keep_head, keep_tail);
	mv_mask_from_nullable_args(&mask, fcinfo, 3, 4);
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, mv_partial(value, keep_head, keep_tail, &mask,
										&out));
}

/*
 * mask.redact(value text, mask_char text = '*', pad int = NULL): masks every
 * grapheme, or writes exactly pad mask chars; NULL value gives NULL.
 */
PG_FUNCTION_INFO_V1(mv_sql_redact);
Datum
mv_sql_redact(PG_FUNCTION_ARGS)
{
	mv_mask		mask;
	mv_str		value;
	mv_buf		out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	mv_mask_from_nullable_args(&mask, fcinfo, 1, 2);
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, mv_redact(value, &mask, &out));
}

/*
 * mask.digits(value text, keep_head int, keep_tail int, mask_char text =
 * '*'): masks decimal digits of the NFKC form except keep_head leading and
 * keep_tail trailing digits; other characters are copied.
 */
PG_FUNCTION_INFO_V1(mv_sql_digits);
Datum
mv_sql_digits(PG_FUNCTION_ARGS)
{
	return mv_call_keep_mask(fcinfo, mv_digits);
}

/*
 * mask.email(value text, mask_char text = '*'): keeps the domain and the
 * local part's first grapheme, hides the local part's length.
 */
PG_FUNCTION_INFO_V1(mv_sql_email);
Datum
mv_sql_email(PG_FUNCTION_ARGS)
{
	return mv_call_value_mask(fcinfo, mv_email);
}
