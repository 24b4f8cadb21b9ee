/*-------------------------------------------------------------------------
 *
 * icu_state.c
 *	  The core's per-process ICU state: the last ICU error (for errdetail)
 *	  and the ICU objects kept between calls, and their shutdown.
 *
 * One file owns them so that the files using ICU depend on this one only
 * and never on each other.  Opening a break iterator costs far more than
 * using one, so the character iterator is opened once and kept; it is the
 * only ICU object that outlives a call, which keeps a longjmp out of an
 * allocator (palloc's ERROR) from leaking anything.
 *
 *-------------------------------------------------------------------------
 */
#include "icu_state.h"

static UErrorCode last_icu_error = U_ZERO_ERROR;
static UBreakIterator *char_breaker;

mv_status
mv_icu_fail(UErrorCode status)
{
	last_icu_error = status;
	return MV_ERR_ICU;
}

const char *
mv_icu_error_name(void)
{
	return u_errorName(last_icu_error);
}

mv_status
mv_icu_char_breaker(UBreakIterator **bi)
{
	if (char_breaker == NULL)
	{
		UErrorCode	status = U_ZERO_ERROR;

		char_breaker = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &status);
		if (U_FAILURE(status))
		{
			char_breaker = NULL;
			return mv_icu_fail(status);
		}
	}
	*bi = char_breaker;
	return MV_OK;
}

void
mv_core_shutdown(void)
{
	if (char_breaker)
		ubrk_close(char_breaker);
	char_breaker = NULL;
}
