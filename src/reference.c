/*-------------------------------------------------------------------------
 *
 * reference.c
 *	  The implementations that 0.3.0's fast paths replaced, kept for the
 *	  differential tests and the benchmark.
 *
 * mask.pseudonym computes HMAC-SHA-256 itself from cached keyed states
 * (pseudonym.c); pseudonym_pg_hmac is 0.2.0's way, one pg_hmac context per
 * call.  mask.cn_address reads an address in one pass (core/cn_address.c);
 * cn_address_reference runs the previous parser (core/cn_address_ref.c).
 * test/sql/14_fast_paths.sql compares each pair on a million values, and
 * make bench on the demo's addresses.  No SQL function of the extension
 * points at these: the tests declare their own, as superuser, for the
 * length of one transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"

#include "mv_glue.h"
#include "pseudonym.h"

/*
 * pseudonym_pg_hmac(value text, key bytea, length int): what 0.2.0's
 * mask.pseudonym returned, with the same argument checks as mask.pseudonym.
 */
PG_FUNCTION_INFO_V1(mv_sql_pseudonym_pg_hmac);
Datum
mv_sql_pseudonym_pg_hmac(PG_FUNCTION_ARGS)
{
	mv_pseudonym_args args;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	pg_hmac_ctx *ctx;

	mv_pseudonym_args_read(fcinfo, &args);
	ctx = pg_hmac_create(PG_SHA256);
	if (ctx == NULL)
		elog(ERROR, "out of memory");
	if (pg_hmac_init(ctx, args.key, args.keylen) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) args.value.ptr, args.value.len) < 0 ||
		pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
	{
		pg_hmac_free(ctx);
		elog(ERROR, "could not compute HMAC-SHA-256");
	}
	pg_hmac_free(ctx);
	return mv_pseudonym_text(digest, sizeof(digest), args.length);
}

/*
 * cn_address_reference(value text, keep_level text, mask_char text, pad
 * int): mask.cn_address through the parser mv_cn_address replaced.
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_address_reference);
Datum
mv_sql_cn_address_reference(PG_FUNCTION_ARGS)
{
	mv_mask		mask;
	mv_addr_level level;
	mv_str		value;
	mv_buf		out;

	mv_check_status(mv_addr_level_parse(mv_text_utf8(PG_GETARG_TEXT_PP(1)),
										&level));
	mv_mask_from_args(&mask, PG_GETARG_TEXT_PP(2), false, PG_GETARG_INT32(3));
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, mv_cn_address_ref(value, level, &mask, &out));
}
