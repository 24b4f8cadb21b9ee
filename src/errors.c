/*-------------------------------------------------------------------------
 *
 * errors.c
 *	  Core status -> ereport, and the parameter errors the glue raises
 *	  itself before calling the core.
 *
 * Every parameter error is invalid_parameter_value (22023), names its
 * parameter (each status of the core names its own, so the message is right
 * whichever function returned it) and has a hint saying what is allowed.
 * The other statuses are internal failures that no argument can fix.  No
 * message quotes an argument: a masked value must never reach the server log
 * or the client through an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mv_glue.h"

void
mv_raise_negative(const char *param)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must not be negative", param),
			 errhint("Pass zero or a positive number, or leave the parameter out to use its default.")));
}

void
mv_raise_pad_too_large(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("pad must be at most %d", MV_MAX_PAD),
			 errhint("pad is the number of mask characters that replace the hidden part, such as 2 or 4.")));
}

void
mv_raise_status(mv_status st)
{
	switch (st)
	{
		case MV_OK:
			/* A caller bug: only errors come here, and nothing returns. */
			elog(ERROR, "mv_raise_status called without an error");
			break;
		case MV_ERR_MASK_CHAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mask_char must be exactly one character"),
					 errhint("Pass one user-perceived character (one grapheme), such as '*' or 'X'.")));
			break;
		case MV_ERR_MASK_CHAR_UNPRINTABLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mask_char must be a printable character"),
					 errdetail("A control character (such as a line break, a tab or an escape) or an invisible one (such as a zero width space) would garble or hide the masked value."),
					 errhint("Pass one visible character, such as '*' or 'X'.")));
			break;
		case MV_ERR_PAD_NEGATIVE:
			mv_raise_negative("pad");
			break;
		case MV_ERR_KEEP_HEAD_NEGATIVE:
			mv_raise_negative("keep_head");
			break;
		case MV_ERR_KEEP_TAIL_NEGATIVE:
			mv_raise_negative("keep_tail");
			break;
		case MV_ERR_ID_KEEP:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("keep_head must be between 0 and 6 and keep_tail between 0 and 4"),
					 errhint("An identity number may show at most its region code (6 characters) and its last 4 characters, never the birth date.")));
			break;
		case MV_ERR_NAME_KEEP:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for parameter \"keep\""),
					 errhint("Use 'surname' (keep the surname) or 'last' (keep the last character).")));
			break;
		case MV_ERR_ADDRESS_LEVEL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for parameter \"keep_level\""),
					 errhint("Use one of 'province', 'city', 'district', 'town', 'road', 'community', 'building', 'unit', 'floor' or 'room'.")));
			break;
		case MV_ERR_BAD_UTF8:
			/*
			 * Only the value is read as UTF-8 by the masks (a mask_char or
			 * keep name that is not UTF-8 is refused as such), and the
			 * server validates every text, so only a bug gets here.
			 */
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("invalid UTF-8 in argument \"value\"")));
			break;
		case MV_ERR_ICU:
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not process text with ICU"),
					 errdetail("ICU error: %s", mv_icu_error_name())));
			break;
		case MV_ERR_NOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
			break;
	}
	/* Unknown status: fail rather than return an unmasked value. */
	elog(ERROR, "unexpected maskview status %d", (int) st);
}
