/*-------------------------------------------------------------------------
 *
 * unicode_props.c
 *	  Character properties used by the masks (scripts, letters, spaces).
 *
 * The common ranges are tested before asking ICU, because these run once per
 * code point of every masked value.
 *
 *-------------------------------------------------------------------------
 */
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "mv_core.h"

bool
mv_is_han(uint32_t cp)
{
	UErrorCode	status = U_ZERO_ERROR;

	if (cp < 0x2E80)
		return false;
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
		(cp >= 0x20000 && cp <= 0x3134F))
		return true;
	return uscript_getScript((UChar32) cp, &status) == USCRIPT_HAN &&
		U_SUCCESS(status);
}

bool
mv_is_alphabetic(uint32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	return u_hasBinaryProperty((UChar32) cp, UCHAR_ALPHABETIC);
}

bool
mv_is_unprintable(uint32_t cp)
{
	int8_t		type;

	if (cp < 0xA0)
		return cp < 0x20 || cp >= 0x7F;
	type = u_charType((UChar32) cp);
	return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR ||
		type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR;
}

bool
mv_is_white_space(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
	/* U+3000 IDEOGRAPHIC SPACE is the highest White_Space code point. */
	if (cp > 0x3000)
		return false;
	return u_hasBinaryProperty((UChar32) cp, UCHAR_WHITE_SPACE);
}
