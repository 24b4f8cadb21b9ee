/*-------------------------------------------------------------------------
 *
 * mv_hmac.h
 *	  HMAC-SHA-256 with the key's inner and outer hash states prepared once.
 *
 * A masked view calls mask.pseudonym once per row with the same key, so the
 * key-dependent half of HMAC (hashing key XOR ipad and key XOR opad, one
 * SHA-256 block each) is done once per key and the per-row work is hashing
 * the value plus one block for the outer hash: two compressions for values
 * under 56 bytes, no allocation, no lock, no provider lookup.
 *
 * The hashing is OpenSSL's libcrypto at its lowest level (SHA256_Init,
 * SHA256_Update, SHA256_Final on a plain struct that can be copied): the
 * library the server itself links, with SHA-NI / AVX2 code chosen at run
 * time, and no crypto code of our own.  Those functions are deprecated in
 * OpenSSL 3.0 (in favour of EVP, whose per-call provider and context
 * bookkeeping is exactly the overhead avoided here) but still part of 3.x.
 *
 * The state is as secret as the key: wipe it with mv_hmac_sha256_wipe;
 * include this header before any other OpenSSL header (it asks for the
 * deprecated API).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_HMAC_H
#define MV_HMAC_H

#include <stddef.h>
#include <stdint.h>

/* Deprecated in 3.0, not removed: say we use them knowingly. */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#define MV_SHA256_DIGEST_LENGTH 32
#define MV_SHA256_BLOCK_LENGTH 64

/* The keyed states: SHA-256 after one block of key^ipad, and of key^opad. */
typedef struct mv_hmac_key
{
	SHA256_CTX	inner;
	SHA256_CTX	outer;
} mv_hmac_key;

/* Prepares h for key (any length; longer than a block is hashed first). */
extern void mv_hmac_sha256_init(mv_hmac_key *h, const uint8_t *key,
								size_t keylen);

/* HMAC-SHA-256(key of h, data) into digest; h is not changed. */
extern void mv_hmac_sha256(const mv_hmac_key *h, const uint8_t *data,
						   size_t len,
						   uint8_t digest[MV_SHA256_DIGEST_LENGTH]);

/* Overwrites n bytes in a way the compiler may not drop (OPENSSL_cleanse). */
extern void mv_wipe(void *p, size_t n);

/* Wipes the keyed states. */
extern void mv_hmac_sha256_wipe(mv_hmac_key *h);

/* Constant-time equality of two byte strings of length n (CRYPTO_memcmp). */
extern int	mv_bytes_equal(const void *a, const void *b, size_t n);

#endif							/* MV_HMAC_H */
