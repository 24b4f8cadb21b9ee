/*
 * test_base32.c
 *	  Unit tests of mv_base32_crockford: known encodings (RFC 4648 test
 *	  vectors mapped to Crockford's alphabet), prefixes, zero padding of the
 *	  last group, and the full 52-character form of a 32-byte HMAC.
 */
#include "mv_test.h"

/* Encodes the first `length` characters and compares them with expected. */
static int
encodes_to(const char *bytes, size_t nbytes, size_t length, const char *expected)
{
	char		out[64];

	memset(out, '#', sizeof(out));
	mv_base32_crockford((const uint8_t *) bytes, nbytes, out, length);
	/* Nothing may be written past `length` characters. */
	return memcmp(out, expected, length) == 0 && out[length] == '#';
}

int
main(void)
{
	uint8_t		ones[32];
	uint8_t		zeros[32];
	char		out[52];
	int			i;
	int			all_in_alphabet = 1;

	/*
	 * RFC 4648 vectors: "f" -> MY, "fo" -> MZXQ, "foo" -> MZXW6, "foobar" ->
	 * MZXW6YTBOI; translated into Crockford's alphabet they read as below.
	 */
	CHECK(encodes_to("f", 1, 2, "CR"));
	CHECK(encodes_to("fo", 2, 4, "CSQG"));
	CHECK(encodes_to("foo", 3, 5, "CSQPY"));
	CHECK(encodes_to("foobar", 6, 10, "CSQPYRK1E8"));
	/* A prefix of an encoding is the prefix of the longer one. */
	CHECK(encodes_to("foobar", 6, 6, "CSQPYR"));
	/* Bits past the end read as zero. */
	CHECK(encodes_to("\xff", 1, 2, "ZW"));
	CHECK(encodes_to("\x00\x01", 2, 4, "000G"));
	CHECK(encodes_to("", 0, 3, "000"));

	/* 32 bytes of ones: 51 full groups of 11111, then 1 bit + 4 zero bits. */
	memset(ones, 0xff, sizeof(ones));
	mv_base32_crockford(ones, sizeof(ones), out, 52);
	for (i = 0; i < 51; i++)
		if (out[i] != 'Z')
			all_in_alphabet = 0;
	CHECK(all_in_alphabet);
	CHECK(out[51] == 'G');

	memset(zeros, 0, sizeof(zeros));
	mv_base32_crockford(zeros, sizeof(zeros), out, 52);
	CHECK(out[0] == '0' && out[51] == '0');

	/* Every symbol of the alphabet is reachable: 0..31 in 5-bit groups. */
	{
		/* 00000 00001 00010 ... 11111 packed MSB first: 20 bytes. */
		uint8_t		seq[20];
		int			bit = 0;

		memset(seq, 0, sizeof(seq));
		for (i = 0; i < 32; i++)
		{
			int			b;

			for (b = 4; b >= 0; b--, bit++)
				if ((i >> b) & 1)
					seq[bit / 8] |= (uint8_t) (0x80 >> (bit % 8));
		}
		CHECK(encodes_to((const char *) seq, sizeof(seq), 32, MV_CROCKFORD_ALPHABET));
	}

	return MV_TEST_DONE();
}
