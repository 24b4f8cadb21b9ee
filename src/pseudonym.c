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
 * A view calls this once per row with the same key (the policy's, from a
 * one-row subquery), so the keyed HMAC states are prepared once per call
 * site and kept in fn_extra with a copy of the key they belong to; a row
 * with another key prepares them again.  The cache lives in the call site's
 * memory context and is wiped by a reset callback when that context goes
 * (end of query, or an error), so no key material outlives the query.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#include "mv_hmac.h"
#include "pseudonym.h"

/* The keyed states of one call site and the key they were made from. */
typedef struct pseudonym_cache
{
	mv_hmac_key state;
	uint8	   *key;			/* copy of the key, keylen bytes */
	size_t		keylen;
	size_t		keycap;			/* bytes allocated at key */
	MemoryContextCallback wipe; /* runs when fn_mcxt is reset or deleted */
} pseudonym_cache;

/* Forgets the key and its states: the call site's context is going away. */
static void
pseudonym_cache_wipe(void *arg)
{
	pseudonym_cache *cache = (pseudonym_cache *) arg;

	mv_hmac_sha256_wipe(&cache->state);
	if (cache->key != NULL)
		mv_wipe(cache->key, cache->keycap);
	cache->keylen = 0;
}

/*
 * The keyed states for key at this call site: the cached ones when the key
 * is the one they were made from, else made now (and cached).
 */
static const mv_hmac_key *
pseudonym_state(FmgrInfo *flinfo, const uint8 *key, size_t keylen)
{
	pseudonym_cache *cache = (pseudonym_cache *) flinfo->fn_extra;

	if (likely(cache != NULL && cache->keylen == keylen &&
			   mv_bytes_equal(cache->key, key, keylen)))
		return &cache->state;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(*cache));
		cache->wipe.func = pseudonym_cache_wipe;
		cache->wipe.arg = cache;
		MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &cache->wipe);
		flinfo->fn_extra = cache;
	}
	/* Mark the cache empty first, so an error below leaves no half-state. */
	cache->keylen = 0;
	if (cache->keycap < keylen)
	{
		uint8	   *bigger = MemoryContextAlloc(flinfo->fn_mcxt, keylen);

		if (cache->key != NULL)
		{
			mv_wipe(cache->key, cache->keycap);
			pfree(cache->key);
		}
		cache->key = bigger;
		cache->keycap = keylen;
	}
	mv_wipe(cache->key, cache->keycap);
	memcpy(cache->key, key, keylen);
	mv_hmac_sha256_init(&cache->state, key, keylen);
	cache->keylen = keylen;
	return &cache->state;
}

void
mv_raise_pseudonym_key(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("key must be at least %d bytes long",
					MV_PSEUDONYM_MIN_KEY),
			 errhint("Use a random key of 32 bytes, for example gen_random_bytes(32) from pgcrypto; inside a policy the policy's own key is used.")));
}

void
mv_raise_pseudonym_length(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("length must be between %d and %d",
					MV_PSEUDONYM_MIN_LENGTH, MV_PSEUDONYM_MAX_LENGTH),
			 errhint("A pseudonym has 5 bits per character; 12 characters (60 bits) is the default.")));
}

/*
 * mask.pseudonym(value text, key bytea, length int = 12): the first length
 * Crockford base32 characters of HMAC-SHA-256(key, UTF-8 bytes of value).
 */
PG_FUNCTION_INFO_V1(mv_sql_pseudonym);
Datum
mv_sql_pseudonym(PG_FUNCTION_ARGS)
{
	mv_pseudonym_args args;
	uint8		digest[MV_SHA256_DIGEST_LENGTH];

	mv_pseudonym_args_read(fcinfo, &args);
	mv_hmac_sha256(pseudonym_state(fcinfo->flinfo, args.key, args.keylen),
				   (const uint8 *) args.value.ptr, args.value.len, digest);
	return mv_pseudonym_text(digest, sizeof(digest), args.length);
}
