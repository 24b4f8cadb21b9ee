/*-------------------------------------------------------------------------
 *
 * random.c
 *	  Secret key material for policies.
 *
 * Keys come from pg_strong_random (the operating system's CSPRNG through
 * PostgreSQL), not from random() or a digest of timestamps, so that a member
 * cannot reconstruct a policy's key and compute pseudonyms of its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "port.h"

/* Shortest and longest key the policy engine may ask for, in bytes. */
#define MV_KEY_MIN_BYTES 16
#define MV_KEY_MAX_BYTES 1024

/*
 * mask_internal._random_bytes(n int) returns bytea: n bytes from pg_strong_random.
 */
PG_FUNCTION_INFO_V1(mv_sql_random_bytes);
Datum
mv_sql_random_bytes(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);
	bytea	   *result;

	if (n < MV_KEY_MIN_BYTES || n > MV_KEY_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key length must be between %d and %d bytes",
						MV_KEY_MIN_BYTES, MV_KEY_MAX_BYTES),
				 errhint("Policy keys are 32 bytes.")));

	result = palloc(VARHDRSZ + n);
	SET_VARSIZE(result, VARHDRSZ + n);
	if (!pg_strong_random(VARDATA(result), n))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random bytes for a policy key"),
				 errhint("The operating system's random number source failed; try again.")));
	PG_RETURN_BYTEA_P(result);
}
