/*-------------------------------------------------------------------------
 *
 * legacy_symbols.c
 *	  The C symbols the frozen 0.1.0 and 0.2.0 install scripts name.
 *
 * Since 0.3.0 every SQL-callable function of the library carries the
 * project prefix (mv_sql_partial for mask.partial ...), so that its exported
 * names cannot collide with another library's.  The released scripts are
 * frozen and still say AS 'MODULE_PATHNAME', 'partial': CREATE EXTENSION
 * maskview VERSION '0.2.0' runs them against this library, and a database
 * keeps its version, calling these symbols, until ALTER EXTENSION maskview
 * UPDATE re-creates its functions on the new names.  Each old symbol here
 * only passes its call on.
 *
 * _random_bytes begins with an underscore, a name C reserves at file scope;
 * it is kept because the frozen scripts name it, and nothing else does.
 * (The validator's old entry point, _validate_expression, is
 * rule_validator_legacy.c: it does more than pass the call on.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

/* Defines the old symbol `old` as a call of the current entry point `cur`. */
#define MV_LEGACY_SYMBOL(old, cur) \
	extern Datum cur(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(old); \
	Datum \
	old(PG_FUNCTION_ARGS) \
	{ \
		return cur(fcinfo); \
	}

MV_LEGACY_SYMBOL(partial, mv_sql_partial)
MV_LEGACY_SYMBOL(redact, mv_sql_redact)
MV_LEGACY_SYMBOL(digits, mv_sql_digits)
MV_LEGACY_SYMBOL(email, mv_sql_email)
MV_LEGACY_SYMBOL(cn_name, mv_sql_cn_name)
MV_LEGACY_SYMBOL(cn_phone, mv_sql_cn_phone)
MV_LEGACY_SYMBOL(cn_id_card, mv_sql_cn_id_card)
MV_LEGACY_SYMBOL(cn_address, mv_sql_cn_address)
MV_LEGACY_SYMBOL(bank_card, mv_sql_bank_card)
MV_LEGACY_SYMBOL(cn_id_card_valid, mv_sql_cn_id_card_valid)
MV_LEGACY_SYMBOL(cn_mobile_valid, mv_sql_cn_mobile_valid)
MV_LEGACY_SYMBOL(luhn_valid, mv_sql_luhn_valid)
MV_LEGACY_SYMBOL(pseudonym, mv_sql_pseudonym)
MV_LEGACY_SYMBOL(generalize_numeric, mv_sql_generalize_numeric)
MV_LEGACY_SYMBOL(generalize_bigint, mv_sql_generalize_bigint)
MV_LEGACY_SYMBOL(generalize_date, mv_sql_generalize_date)
MV_LEGACY_SYMBOL(_random_bytes, mv_sql_random_bytes)
