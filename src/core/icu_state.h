/*
 * icu_state.h
 *	  Per-process ICU objects shared by the core's files (not part of the
 *	  public core API).
 */
#ifndef MV_ICU_STATE_H
#define MV_ICU_STATE_H

#include <unicode/utypes.h>

#include "mv_core.h"

/* Records an ICU failure for mv_icu_error_name() and returns MV_ERR_ICU. */
extern mv_status mv_icu_fail(UErrorCode status);

/* Closes the cached break iterator (graphemes.c). */
extern void mv_graphemes_shutdown(void);

#endif							/* MV_ICU_STATE_H */
