/*-------------------------------------------------------------------------
 *
 * utf8.c
 *	  UTF-8 validation and decoding.
 *
 * Values reaching the core from the server are already valid in the server
 * encoding (and converted to UTF-8 by the glue); fuzzers and unit tests feed
 * arbitrary bytes, so entry points that might see them validate first.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "mv_core.h"

/* Every byte's high bit, eight bytes at a time. */
#define HIGH_BITS UINT64_C(0x8080808080808080)

/*
 * Length of the ASCII prefix of s.  Phone, ID and card numbers are nearly
 * always ASCII, so this is tested eight bytes at a time (memcpy keeps the
 * loads legal at any alignment; compilers turn it into one load).
 */
size_t
mv_ascii_prefix(const char *s, size_t len)
{
	size_t		i = 0;

	for (; i + 8 <= len; i += 8)
	{
		uint64_t	w;

		memcpy(&w, s + i, 8);
		if (w & HIGH_BITS)
			break;
	}
	while (i < len && (unsigned char) s[i] < 0x80)
		i++;
	return i;
}

/* Strict RFC 3629 validation: no overlongs, no surrogates, <= U+10FFFF. */
bool
mv_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = p[i];
		size_t		n;
		uint32_t	cp;

		/* A run of ASCII (also between CJK characters) is skipped whole. */
		if (c < 0x80)
		{
			i += mv_ascii_prefix(s + i, len - i);
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
		{
			n = 2;
			cp = c & 0x1F;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			n = 3;
			cp = c & 0x0F;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			n = 4;
			cp = c & 0x07;
		}
		else
			return false;
		if (len - i < n)
			return false;
		for (size_t k = 1; k < n; k++)
		{
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

uint32_t
mv_utf8_next(const char *s, size_t len, size_t *pos)
{
	const unsigned char *p = (const unsigned char *) s + *pos;
	size_t		left = len - *pos;
	uint32_t	cp;

	if (p[0] < 0x80)
	{
		*pos += 1;
		return p[0];
	}
	if (p[0] < 0xE0 && left >= 2)
	{
		*pos += 2;
		return ((uint32_t) (p[0] & 0x1F) << 6) | (p[1] & 0x3F);
	}
	if (p[0] < 0xF0 && left >= 3)
	{
		*pos += 3;
		return ((uint32_t) (p[0] & 0x0F) << 12) |
			((uint32_t) (p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	}
	if (left >= 4)
	{
		cp = ((uint32_t) (p[0] & 0x07) << 18) |
			((uint32_t) (p[1] & 0x3F) << 12) |
			((uint32_t) (p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		*pos += 4;
		return cp;
	}
	/* Truncated sequence: consume the rest, report U+FFFD. */
	*pos = len;
	return 0xFFFD;
}
