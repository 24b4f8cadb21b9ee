/*-------------------------------------------------------------------------
 *
 * hmac_sha256.c
 *	  HMAC-SHA-256 (RFC 2104) with the keyed states prepared once (mv_hmac.h).
 *
 * HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 being the key
 * padded with zeros to one block (or its digest, padded, if it is longer).
 * The two prefixes are exactly one block each, so the states after them are
 * computed here once and copied for every message.  Every temporary that
 * holds key material is wiped before returning.
 *
 *-------------------------------------------------------------------------
 */
/* First: it asks OpenSSL for its deprecated low-level API. */
#include "mv_hmac.h"

#include <string.h>

#include <openssl/crypto.h>

void
mv_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

int
mv_bytes_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
mv_hmac_sha256_init(mv_hmac_key *h, const uint8_t *key, size_t keylen)
{
	uint8_t		k0[MV_SHA256_BLOCK_LENGTH];
	uint8_t		pad[MV_SHA256_BLOCK_LENGTH];

	memset(k0, 0, sizeof(k0));
	if (keylen > MV_SHA256_BLOCK_LENGTH)
		SHA256(key, keylen, k0);
	else if (keylen > 0)
		memcpy(k0, key, keylen);

	for (int i = 0; i < MV_SHA256_BLOCK_LENGTH; i++)
		pad[i] = k0[i] ^ 0x36;
	SHA256_Init(&h->inner);
	SHA256_Update(&h->inner, pad, sizeof(pad));

	for (int i = 0; i < MV_SHA256_BLOCK_LENGTH; i++)
		pad[i] = k0[i] ^ 0x5c;
	SHA256_Init(&h->outer);
	SHA256_Update(&h->outer, pad, sizeof(pad));

	mv_wipe(k0, sizeof(k0));
	mv_wipe(pad, sizeof(pad));
}

void
mv_hmac_sha256(const mv_hmac_key *h, const uint8_t *data, size_t len,
			   uint8_t digest[MV_SHA256_DIGEST_LENGTH])
{
	SHA256_CTX	ctx;
	uint8_t		inner[MV_SHA256_DIGEST_LENGTH];

	ctx = h->inner;
	SHA256_Update(&ctx, data, len);
	SHA256_Final(inner, &ctx);
	ctx = h->outer;
	SHA256_Update(&ctx, inner, sizeof(inner));
	SHA256_Final(digest, &ctx);
	/* The copy held the keyed state: leave none of it on the stack. */
	mv_wipe(&ctx, sizeof(ctx));
}

void
mv_hmac_sha256_wipe(mv_hmac_key *h)
{
	mv_wipe(h, sizeof(*h));
}
