/*
 * test_hmac.c
 *	  mv_hmac_sha256 against the HMAC-SHA-256 vectors of RFC 4231 (test cases
 *	  1-7: short, long and block-sized keys, a key longer than a block, the
 *	  truncated case 5), and the reuse of one prepared state for many
 *	  messages: a state is never changed by hashing with it.
 */
#include <stdlib.h>

#include "mv_test.h"
#include "mv_hmac.h"

/* Decodes hex into a malloc'd buffer; *len gets the byte count. */
static uint8_t *
unhex(const char *hex, size_t *len)
{
	size_t		n = strlen(hex) / 2;
	uint8_t    *b = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++)
	{
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (uint8_t) v;
	}
	*len = n;
	return b;
}

/* HMAC of data under key (hex), compared over the first cmp bytes. */
static int
hmac_matches(const char *key_hex, const uint8_t *data, size_t len,
			 const char *expected_hex, size_t cmp)
{
	size_t		klen,
				elen;
	uint8_t    *key = unhex(key_hex, &klen);
	uint8_t    *expected = unhex(expected_hex, &elen);
	uint8_t		digest[MV_SHA256_DIGEST_LENGTH];
	mv_hmac_key h;
	int			ok;

	mv_hmac_sha256_init(&h, key, klen);
	mv_hmac_sha256(&h, data, len, digest);
	ok = elen >= cmp && memcmp(digest, expected, cmp) == 0;
	/* the same state again gives the same digest: it was not consumed */
	mv_hmac_sha256(&h, data, len, digest);
	ok = ok && memcmp(digest, expected, cmp) == 0;
	mv_hmac_sha256_wipe(&h);
	free(key);
	free(expected);
	return ok;
}

#define STR(s) (const uint8_t *) (s), strlen(s)

static void
test_rfc4231(void)
{
	uint8_t		dd[50];
	uint8_t		cd[50];
	char		key131[2 * 131 + 1];

	memset(dd, 0xdd, sizeof(dd));
	memset(cd, 0xcd, sizeof(cd));
	for (int i = 0; i < 131; i++)
		memcpy(key131 + 2 * i, "aa", 2);
	key131[2 * 131] = '\0';

	/* 1: 20-byte key */
	CHECK(hmac_matches("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
					   STR("Hi There"),
					   "b0344c61d8db38535ca8afceaf0bf12b"
					   "881dc200c9833da726e9376c2e32cff7", 32));
	/* 2: a key shorter than the digest */
	CHECK(hmac_matches("4a656665", STR("what do ya want for nothing?"),
					   "5bdcc146bf60754e6a042426089575c7"
					   "5a003f089d2739839dec58b964ec3843", 32));
	/* 3: data of 0xdd */
	CHECK(hmac_matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", dd, 50,
					   "773ea91e36800e46854db8ebd09181a7"
					   "2959098b3ef8c122d9635514ced565fe", 32));
	/* 4: a 25-byte key */
	CHECK(hmac_matches("0102030405060708090a0b0c0d0e0f10111213141516171819",
					   cd, 50,
					   "82558a389a443c0ea4cc819899f2083a"
					   "85f0faa3e578f8077a2e3ff46729665b", 32));
	/* 5: truncated to 128 bits */
	CHECK(hmac_matches("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
					   STR("Test With Truncation"),
					   "a3b6167473100ee06e0c796c2955552b", 16));
	/* 6: a key longer than a block is hashed first */
	CHECK(hmac_matches(key131,
					   STR("Test Using Larger Than Block-Size Key - Hash Key First"),
					   "60e431591ee0b67f0d8a26aacbf5b77f"
					   "8e0bc6213728c5140546040f0ee37f54", 32));
	/* 7: long key, long data (several blocks) */
	CHECK(hmac_matches(key131,
					   STR("This is a test using a larger than block-size key "
						   "and a larger than block-size data. The key needs "
						   "to be hashed before being used by the HMAC "
						   "algorithm."),
					   "9b09ffa71b942fcb27635fbcd5b0e944"
					   "bfdc63644f0713938a7f51535c3a35e2", 32));
}

/*
 * One state serves many messages, and interleaving two states changes
 * neither: each message's digest is what a fresh state gives.
 */
static void
test_state_reuse(void)
{
	static const uint8_t key_a[32] = "0123456789abcdef0123456789abcdef";
	static const uint8_t key_b[64] = "a block-sized key, exactly sixty-four bytes long, for the test!!";
	mv_hmac_key a,
				b,
				fresh;
	uint8_t		msg[200];
	int			ok = 1;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t) (i * 7 + 1);
	mv_hmac_sha256_init(&a, key_a, sizeof(key_a));
	mv_hmac_sha256_init(&b, key_b, sizeof(key_b));
	/* lengths around the 55/56/64-byte padding boundaries and beyond */
	for (size_t len = 0; len <= sizeof(msg); len++)
	{
		uint8_t		d1[32],
					d2[32],
					d3[32];

		mv_hmac_sha256(&a, msg, len, d1);
		mv_hmac_sha256(&b, msg, len, d2);
		mv_hmac_sha256_init(&fresh, key_a, sizeof(key_a));
		mv_hmac_sha256(&fresh, msg, len, d3);
		ok = ok && memcmp(d1, d3, 32) == 0 && memcmp(d1, d2, 32) != 0;
	}
	CHECK(ok);
	/* a wiped state holds nothing of the key */
	mv_hmac_sha256_wipe(&a);
	{
		static const mv_hmac_key zero;

		CHECK(memcmp(&a, &zero, sizeof(a)) == 0);
	}
	CHECK(mv_bytes_equal(key_a, key_a, 32));
	CHECK(!mv_bytes_equal(key_a, key_b, 32));
}

int
main(void)
{
	test_rfc4231();
	test_state_reuse();
	return MV_TEST_DONE();
}
