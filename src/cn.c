/*-------------------------------------------------------------------------
 *
 * cn.c
 *	  SQL glue of the Chinese personal-information masks and validators:
 *	  mask.cn_name, cn_phone, cn_id_card, cn_address, bank_card,
 *	  cn_id_card_valid, cn_mobile_valid, luhn_valid, and detect()'s name
 *	  test.
 *
 * cn_name has a pad parameter defaulting to NULL and is therefore not
 * STRICT; every other function here is STRICT, so its arguments are never
 * NULL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#include "mv_glue.h"

/*
 * mask.cn_name(value text, mask_char text = '*', keep text = 'surname', pad
 * int = NULL): masks a personal name, keeping the surname (or the last
 * character); NULL value gives NULL, other NULLs mean the default.
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_name);
Datum
mv_sql_cn_name(PG_FUNCTION_ARGS)
{
	mv_mask		mask;
	mv_name_keep keep = MV_NAME_KEEP_SURNAME;
	mv_str		value;
	mv_buf		out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	mv_mask_from_nullable_args(&mask, fcinfo, 1, 3);
	if (!PG_ARGISNULL(2))
		mv_check_status(mv_name_keep_parse(mv_text_utf8(PG_GETARG_TEXT_PP(2)),
										   &keep));
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, mv_cn_name(value, &mask, keep, &out));
}

/*
 * mask.cn_phone(value text, mask_char text = '*'): masks the middle of a
 * mobile number, the local part of a landline, or the whole of anything
 * else.
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_phone);
Datum
mv_sql_cn_phone(PG_FUNCTION_ARGS)
{
	return mv_call_value_mask(fcinfo, mv_cn_phone);
}

/*
 * mask.cn_id_card(value text, keep_head int = 1, keep_tail int = 1,
 * mask_char text = '*'): masks a resident identity number, never revealing
 * the birth date (keep_head 0-6, keep_tail 0-4).
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_id_card);
Datum
mv_sql_cn_id_card(PG_FUNCTION_ARGS)
{
	int32		keep_head = PG_GETARG_INT32(1);
	int32		keep_tail = PG_GETARG_INT32(2);

	/* Checked here as well as in the core: the range is the privacy bound. */
	if (keep_head < 0 || keep_head > 6 || keep_tail < 0 || keep_tail > 4)
		mv_raise_status(MV_ERR_ID_KEEP);
	return mv_call_keep_mask(fcinfo, mv_cn_id_card);
}

/*
 * The keep_level of one call site, parsed once: a view passes the same
 * constant on every row, so a row only compares its bytes with the last
 * level name parsed here (names are at most 9 bytes).
 */
typedef struct cn_address_level_cache
{
	mv_addr_level level;
	size_t		len;
	char		name[16];
} cn_address_level_cache;

static mv_addr_level
cn_address_level(FmgrInfo *flinfo, mv_str name)
{
	cn_address_level_cache *cache = (cn_address_level_cache *) flinfo->fn_extra;
	mv_addr_level level;

	if (likely(cache != NULL && cache->len == name.len &&
			   memcmp(cache->name, name.ptr, name.len) == 0))
		return cache->level;
	mv_check_status(mv_addr_level_parse(name, &level));
	if (name.len <= sizeof(cache->name))
	{
		if (cache == NULL)
		{
			cache = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(*cache));
			flinfo->fn_extra = cache;
		}
		cache->level = level;
		cache->len = name.len;
		memcpy(cache->name, name.ptr, name.len);
	}
	return level;
}

/*
 * mask.cn_address(value text, keep_level text = 'district', mask_char text =
 * '*', pad int = 4): keeps the recognised levels up to keep_level and
 * replaces the rest with exactly pad mask chars.
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_address);
Datum
mv_sql_cn_address(PG_FUNCTION_ARGS)
{
	mv_mask		mask;
	mv_addr_level level;
	mv_str		value;
	mv_buf		out;

	level = cn_address_level(fcinfo->flinfo,
							 mv_text_utf8(PG_GETARG_TEXT_PP(1)));
	mv_mask_from_args(&mask, PG_GETARG_TEXT_PP(2), false, PG_GETARG_INT32(3));
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, mv_cn_address(value, level, &mask, &out));
}

/*
 * mask.bank_card(value text, mask_char text = '*'): keeps the issuer prefix
 * (6 digits) and the last 4 digits of a card number, redacts anything else.
 */
PG_FUNCTION_INFO_V1(mv_sql_bank_card);
Datum
mv_sql_bank_card(PG_FUNCTION_ARGS)
{
	return mv_call_value_mask(fcinfo, mv_bank_card);
}

/*
 * mask.cn_id_card_valid(value text): true for an 18-character number with a
 * correct check character and a real date, or a 15-digit one with a real
 * date.
 */
PG_FUNCTION_INFO_V1(mv_sql_cn_id_card_valid);
Datum
mv_sql_cn_id_card_valid(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(mv_cn_id_card_valid(mv_text_utf8(PG_GETARG_TEXT_PP(0))));
}

/* mask.cn_mobile_valid(value text): true for a mainland mobile number. */
PG_FUNCTION_INFO_V1(mv_sql_cn_mobile_valid);
Datum
mv_sql_cn_mobile_valid(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(mv_cn_mobile_valid(mv_text_utf8(PG_GETARG_TEXT_PP(0))));
}

/* mask.luhn_valid(value text): true for 12-19 digits passing the Luhn check. */
PG_FUNCTION_INFO_V1(mv_sql_luhn_valid);
Datum
mv_sql_luhn_valid(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(mv_luhn_valid(mv_text_utf8(PG_GETARG_TEXT_PP(0))));
}

/*
 * mask_internal._detect_is_name(value text) -> boolean, for mask.detect():
 * whether value has the shape of a Chinese personal name
 * (mv_cn_name_detect), read by the classes and surname lists cn_name masks
 * with.
 */
PG_FUNCTION_INFO_V1(mv_sql_detect_is_name);
Datum
mv_sql_detect_is_name(PG_FUNCTION_ARGS)
{
	bool		is_name;

	mv_check_status(mv_cn_name_detect(mv_text_utf8(PG_GETARG_TEXT_PP(0)),
									  &is_name));
	PG_RETURN_BOOL(is_name);
}
