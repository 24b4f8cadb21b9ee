/*
 * icu_state.h
 *	  The core's per-process ICU state (icu_state.c): the last ICU error and
 *	  the cached break iterator.  Internal to the core, not part of mv_core.h.
 */
#ifndef MV_ICU_STATE_H
#define MV_ICU_STATE_H

#include <unicode/ubrk.h>
#include <unicode/utypes.h>

#include "mv_core.h"

/* Records an ICU failure for mv_icu_error_name() and returns MV_ERR_ICU. */
extern mv_status mv_icu_fail(UErrorCode status);

/*
 * The process's character (grapheme) break iterator, opened on first use and
 * kept until mv_core_shutdown().  Callers set its text and must not close it.
 */
extern mv_status mv_icu_char_breaker(UBreakIterator **bi);

#endif							/* MV_ICU_STATE_H */
