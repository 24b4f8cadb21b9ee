/*-------------------------------------------------------------------------
 *
 * base32.c
 *	  Crockford base32, the alphabet of pseudonyms.
 *
 * Crockford's alphabet leaves out I, L, O and U, so a pseudonym printed on a
 * paper notice cannot be misread as another one.  Pseudonyms are prefixes of
 * the encoding, so no padding or check symbol is written.
 *
 *-------------------------------------------------------------------------
 */
#include "mv_core.h"

/*
 * Writes the first `length` characters of the Crockford base32 encoding of
 * bytes[0..nbytes) to out (not NUL-terminated), 5 bits per character, most
 * significant bit first; bits past the end of the input read as zero.
 */
void
mv_base32_crockford(const uint8_t *bytes, size_t nbytes, char *out,
					size_t length)
{
	static const char alphabet[] = MV_CROCKFORD_ALPHABET;
	size_t		i;

	for (i = 0; i < length; i++)
	{
		size_t		bit = i * 5;
		size_t		byte = bit / 8;
		unsigned int shift = (unsigned int) (bit % 8);
		unsigned int window;

		/* A 5-bit group spans at most two bytes: read them as 16 bits. */
		window = (unsigned int) (byte < nbytes ? bytes[byte] : 0) << 8;
		if (byte + 1 < nbytes)
			window |= bytes[byte + 1];
		out[i] = alphabet[(window >> (11 - shift)) & 0x1F];
	}
}
