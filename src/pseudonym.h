/*-------------------------------------------------------------------------
 *
 * pseudonym.h
 *	  The SQL side of a pseudonym function f(value text, key bytea, length
 *	  int): its checked arguments and its result.  mask.pseudonym
 *	  (pseudonym.c) and the 0.2.0 implementation kept for the differential
 *	  test (reference.c) differ only in how they compute the HMAC.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_PSEUDONYM_H
#define MV_PSEUDONYM_H

#include "mv_glue.h"

/* Shortest accepted key: 128 bits, below which a key could be guessed. */
#define MV_PSEUDONYM_MIN_KEY	16
#define MV_PSEUDONYM_MIN_LENGTH 6
/* 256 bits of HMAC make 52 base32 characters (the last one half-filled). */
#define MV_PSEUDONYM_MAX_LENGTH 52

/* The arguments of one call. */
typedef struct mv_pseudonym_args
{
	const uint8 *key;
	size_t		keylen;
	int32		length;			/* base32 characters wanted */
	mv_str		value;			/* UTF-8 */
} mv_pseudonym_args;

/* The errors for a key too short and a length out of range (pseudonym.c). */
extern void mv_raise_pseudonym_key(void) pg_attribute_noreturn();
extern void mv_raise_pseudonym_length(void) pg_attribute_noreturn();

/*
 * Reads the arguments, raising for a key or length out of bounds; the value
 * is read last, so that no conversion runs for a call that fails.  Inline:
 * it runs on every row.
 */
static inline void
mv_pseudonym_args_read(FunctionCallInfo fcinfo, mv_pseudonym_args *args)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(1);

	args->key = (const uint8 *) VARDATA_ANY(key);
	args->keylen = VARSIZE_ANY_EXHDR(key);
	args->length = PG_GETARG_INT32(2);
	if (unlikely(args->keylen < MV_PSEUDONYM_MIN_KEY))
		mv_raise_pseudonym_key();
	if (unlikely(args->length < MV_PSEUDONYM_MIN_LENGTH ||
				 args->length > MV_PSEUDONYM_MAX_LENGTH))
		mv_raise_pseudonym_length();
	args->value = mv_text_utf8(PG_GETARG_TEXT_PP(0));
}

/*
 * The result: the first length Crockford base32 characters of an
 * HMAC-SHA-256 digest, as text.  The alphabet is ASCII, valid in every
 * server encoding.
 */
static inline Datum
mv_pseudonym_text(const uint8 *digest, size_t digestlen, int32 length)
{
	text	   *result = (text *) palloc(VARHDRSZ + length);

	SET_VARSIZE(result, VARHDRSZ + length);
	mv_base32_crockford(digest, digestlen, VARDATA(result), length);
	PG_RETURN_TEXT_P(result);
}

#endif							/* MV_PSEUDONYM_H */
