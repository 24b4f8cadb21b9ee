/*-------------------------------------------------------------------------
 *
 * pseudonym_reference.c
 *	  The 0.2.0 pseudonym through PostgreSQL's pg_hmac, kept for testing.
 *
 * mask.pseudonym computes HMAC-SHA-256 itself from cached keyed states
 * (pseudonym.c).  This is the implementation it replaced, one pg_hmac
 * context per call, which test/sql/14_pseudonym_hmac.sql compares it with
 * on a million values.  No SQL function of the extension points at it: the
 * test creates its own, as superuser, for the length of one transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"

#include "mv_glue.h"

/*
 * pseudonym_pg_hmac(value text, key bytea, length int): what 0.2.0's
 * mask.pseudonym returned, without its argument checks (the test calls it
 * only with valid arguments).
 */
PG_FUNCTION_INFO_V1(pseudonym_pg_hmac);
Datum
pseudonym_pg_hmac(PG_FUNCTION_ARGS)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	int32		length = PG_GETARG_INT32(2);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	mv_str		value = mv_text_utf8(PG_GETARG_TEXT_PP(0));
	pg_hmac_ctx *ctx;
	text	   *result;

	if (length < 1 || length > 52)
		elog(ERROR, "length out of range");
	ctx = pg_hmac_create(PG_SHA256);
	if (ctx == NULL)
		elog(ERROR, "out of memory");
	if (pg_hmac_init(ctx, (const uint8 *) VARDATA_ANY(key),
					 VARSIZE_ANY_EXHDR(key)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) value.ptr, value.len) < 0 ||
		pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
	{
		pg_hmac_free(ctx);
		elog(ERROR, "could not compute HMAC-SHA-256");
	}
	pg_hmac_free(ctx);

	result = (text *) palloc(VARHDRSZ + length);
	SET_VARSIZE(result, VARHDRSZ + length);
	mv_base32_crockford(digest, sizeof(digest), VARDATA(result), length);
	PG_RETURN_TEXT_P(result);
}
