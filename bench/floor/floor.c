/*-------------------------------------------------------------------------
 *
 * floor.c
 *	  The physical floor of a masked view, for the benchmark only.
 *
 * Built and loaded by bench/run_bench.sh from its throw-away cluster's
 * directory; never installed with the extension.  floor_copy(text) returns
 * a copy of its input: a C function's call, argument and result with no
 * work at all, i.e. the least a masking function could cost on a column.
 * floor_hmac(text, bytea, int) is HMAC-SHA-256 with the key's inner and
 * outer states prepared once per call site, the least a keyed pseudonym
 * could cost; the first n hex digits are returned.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(floor_copy);
Datum
floor_copy(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	text	   *r = (text *) palloc(VARHDRSZ + len);

	SET_VARSIZE(r, VARHDRSZ + len);
	memcpy(VARDATA(r), VARDATA_ANY(t), len);
	PG_RETURN_TEXT_P(r);
}

/* The keyed states of one call site (the key is the benchmark's). */
typedef struct floor_key
{
	SHA256_CTX	inner;
	SHA256_CTX	outer;
} floor_key;

PG_FUNCTION_INFO_V1(floor_hmac);
Datum
floor_hmac(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		n = PG_GETARG_INT32(2);
	floor_key  *k = (floor_key *) fcinfo->flinfo->fn_extra;
	SHA256_CTX	ctx;
	uint8		digest[32];
	text	   *r;
	static const char hex[] = "0123456789ABCDEF";

	if (k == NULL)
	{
		bytea	   *key = PG_GETARG_BYTEA_PP(1);
		uint8		block[64] = {0};
		uint8		pad[64];

		if (VARSIZE_ANY_EXHDR(key) > 64)
			elog(ERROR, "floor_hmac takes keys of at most 64 bytes");
		memcpy(block, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
		k = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(*k));
		for (int i = 0; i < 64; i++)
			pad[i] = block[i] ^ 0x36;
		SHA256_Init(&k->inner);
		SHA256_Update(&k->inner, pad, 64);
		for (int i = 0; i < 64; i++)
			pad[i] = block[i] ^ 0x5c;
		SHA256_Init(&k->outer);
		SHA256_Update(&k->outer, pad, 64);
		fcinfo->flinfo->fn_extra = k;
	}
	if (n < 1 || n > 64)
		elog(ERROR, "floor_hmac length must be 1 to 64");

	ctx = k->inner;
	SHA256_Update(&ctx, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	SHA256_Final(digest, &ctx);
	ctx = k->outer;
	SHA256_Update(&ctx, digest, sizeof(digest));
	SHA256_Final(digest, &ctx);

	r = (text *) palloc(VARHDRSZ + n);
	SET_VARSIZE(r, VARHDRSZ + n);
	for (int i = 0; i < n; i++)
		VARDATA(r)[i] = hex[(digest[i / 2] >> (i % 2 ? 0 : 4)) & 0x0F];
	PG_RETURN_TEXT_P(r);
}
