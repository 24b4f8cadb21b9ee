/*-------------------------------------------------------------------------
 *
 * pseudonym.c
 *	  SQL glue of mask.pseudonym: keyed HMAC-SHA-256 in Crockford base32.
 *
 * The HMAC runs over the value's UTF-8 bytes, converted from the server
 * encoding when needed, so one value and key give one pseudonym in every
 * database and masked views stay joinable across them.  The key is secret:
 * no message here says anything about it beyond its required length.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"

#include "mv_glue.h"

/* Shortest accepted key: 128 bits, below which a key could be guessed. */
#define MV_PSEUDONYM_MIN_KEY	16
#define MV_PSEUDONYM_MIN_LENGTH 6
/* 256 bits of HMAC make 52 base32 characters (the last one half-filled). */
#define MV_PSEUDONYM_MAX_LENGTH 52

/*
 * Computes HMAC-SHA-256(key, data) into digest, freeing the context on every
 * path; a failure raises an error that names neither the key nor the data.
 */
static void
hmac_sha256(const uint8 *key, size_t keylen, const uint8 *data, size_t len,
			uint8 *digest)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);
	const char *reason;

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, key, keylen) < 0 ||
		pg_hmac_update(ctx, data, len) < 0 ||
		pg_hmac_final(ctx, digest, PG_SHA256_DIGEST_LENGTH) < 0)
	{
		/* Copy the reason out: it lives in the context we free first. */
		reason = pg_hmac_error(ctx);
		reason = pstrdup(reason ? reason : "unknown failure");
		pg_hmac_free(ctx);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute HMAC-SHA-256"),
				 errdetail("%s", reason)));
	}
	pg_hmac_free(ctx);
}

/*
 * mask.pseudonym(value text, key bytea, length int = 12): the first length
 * Crockford base32 characters of HMAC-SHA-256(key, UTF-8 bytes of value).
 */
PG_FUNCTION_INFO_V1(pseudonym);
Datum
pseudonym(PG_FUNCTION_ARGS)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	int32		length = PG_GETARG_INT32(2);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	mv_str		value;
	text	   *result;

	if (VARSIZE_ANY_EXHDR(key) < MV_PSEUDONYM_MIN_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key must be at least %d bytes long",
						MV_PSEUDONYM_MIN_KEY),
				 errhint("Use a random key of 32 bytes, for example gen_random_bytes(32) from pgcrypto; inside a policy the policy's own key is used.")));
	if (length < MV_PSEUDONYM_MIN_LENGTH || length > MV_PSEUDONYM_MAX_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("length must be between %d and %d",
						MV_PSEUDONYM_MIN_LENGTH, MV_PSEUDONYM_MAX_LENGTH),
				 errhint("A pseudonym has 5 bits per character; 12 characters (60 bits) is the default.")));

	value = mv_text_utf8(PG_GETARG_TEXT_PP(0));
	hmac_sha256((const uint8 *) VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key),
				(const uint8 *) value.ptr, value.len, digest);

	/* The alphabet is ASCII, valid in every server encoding. */
	result = (text *) palloc(VARHDRSZ + length);
	SET_VARSIZE(result, VARHDRSZ + length);
	mv_base32_crockford(digest, sizeof(digest), VARDATA(result), length);
	PG_RETURN_TEXT_P(result);
}
