/*-------------------------------------------------------------------------
 *
 * mv_glue.h
 *	  Helpers shared by the SQL-callable glue: text arguments viewed as
 *	  UTF-8 (encoding.c), results built in place as text, and the errors
 *	  (errors.c).
 *
 * In a UTF8 database a text argument is handed to the core without a copy
 * and the result buffer becomes the returned varlena, so the hot path does
 * no conversion and no extra allocation.  Other encodings convert on the
 * way in and out (encoding.c); SQL_ASCII cannot be converted and is refused.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_GLUE_H
#define MV_GLUE_H

#include "fmgr.h"
#include "mb/pg_wchar.h"

#include "mv_core.h"

/* The slow paths of the inline helpers below (encoding.c). */
extern mv_str mv_text_to_utf8_convert(const text *t);
extern Datum mv_result_convert(mv_buf *out);

/*
 * Views a (detoasted, possibly short-header) text as UTF-8: the text itself
 * in a UTF8 database, a converted copy otherwise.
 */
static inline mv_str
mv_text_utf8(const text *t)
{
	mv_str		s;

	if (likely(GetDatabaseEncoding() == PG_UTF8))
	{
		s.ptr = VARDATA_ANY(t);
		s.len = VARSIZE_ANY_EXHDR(t);
		return s;
	}
	return mv_text_to_utf8_convert(t);
}

/* Starts a result buffer with room for a varlena header before the text. */
static inline void
mv_result_init(mv_buf *out, size_t expected)
{
	/* With palloc as the allocator this cannot fail: palloc raises ERROR. */
	(void) mv_buf_init(out, VARHDRSZ, expected);
}

/*
 * Turns a result buffer started with mv_result_init() into a text Datum:
 * the buffer itself in a UTF8 database, converted to the server encoding
 * otherwise.
 */
static inline Datum
mv_result_text(mv_buf *out)
{
	if (likely(GetDatabaseEncoding() == PG_UTF8))
	{
		SET_VARSIZE(out->data, out->len);
		return PointerGetDatum(out->data);
	}
	return mv_result_convert(out);
}

/*
 * Raises the error for a status other than MV_OK (errors.c): a parameter
 * error names the parameter its status names.  Never quotes any argument.
 */
extern void mv_raise_status(mv_status st) pg_attribute_noreturn();

/* Raises unless st is MV_OK; the check is inline, the error is not. */
static inline void
mv_check_status(mv_status st)
{
	if (unlikely(st != MV_OK))
		mv_raise_status(st);
}

/* Raises the parameter error "<param> must not be negative". */
extern void mv_raise_negative(const char *param) pg_attribute_noreturn();

/* Raises the parameter error for a negative keep_head or keep_tail. */
static inline void
mv_check_keep_counts(int32 keep_head, int32 keep_tail)
{
	if (unlikely(keep_head < 0))
		mv_raise_negative("keep_head");
	if (unlikely(keep_tail < 0))
		mv_raise_negative("keep_tail");
}

/*
 * Longest pad accepted.  pad hides a value's length behind a few mask
 * characters; without a bound, pad => 2147483647 asks for gigabytes per row
 * and fails with an internal allocation error instead of a parameter error.
 */
#define MV_MAX_PAD 10000

/* Raises the parameter error "pad must be at most MV_MAX_PAD". */
extern void mv_raise_pad_too_large(void) pg_attribute_noreturn();

/*
 * Builds the mask of a call from its mask_char and pad arguments; a NULL
 * mask_char means '*' and pad_is_null means "no pad".  A negative pad or
 * one above MV_MAX_PAD raises.  The core checks that mask_char is one
 * printable grapheme (one ASCII byte is checked without ICU, so the default
 * costs nothing).
 */
static inline void
mv_mask_from_args(mv_mask *mask, const text *mask_char, bool pad_is_null,
				  int32 pad)
{
	if (mask_char == NULL)
		mask->ch = MV_STR_LIT("*");
	else
		mask->ch = mv_text_utf8(mask_char);
	mask->has_pad = !pad_is_null;
	mask->pad = pad_is_null ? 0 : pad;
	if (unlikely(mask->has_pad && pad < 0))
		mv_raise_negative("pad");
	if (unlikely(mask->has_pad && pad > MV_MAX_PAD))
		mv_raise_pad_too_large();
}

/*
 * mv_mask_from_args for a function that is not STRICT because its pad
 * defaults to NULL (partial, redact, cn_name): mask_char is argument
 * mask_arg, pad argument pad_arg, and a NULL in either means its default.
 */
static inline void
mv_mask_from_nullable_args(mv_mask *mask, FunctionCallInfo fcinfo,
						   int mask_arg, int pad_arg)
{
	mv_mask_from_args(mask,
					  PG_ARGISNULL(mask_arg) ? NULL : PG_GETARG_TEXT_PP(mask_arg),
					  PG_ARGISNULL(pad_arg),
					  PG_ARGISNULL(pad_arg) ? 0 : PG_GETARG_INT32(pad_arg));
}

/*
 * The mask functions' SQL bodies.  Each is inline, so that every SQL
 * function compiles to a direct call of its own core mask: sharing them
 * costs a row nothing.
 */

/* A core mask taking only a value and a mask (email, cn_phone, bank_card, redact). */
typedef mv_status (*mv_value_mask_fn) (mv_str value, const mv_mask *mask,
									   mv_buf *out);

/* A core mask with keep counts (partial, digits, cn_id_card). */
typedef mv_status (*mv_keep_mask_fn) (mv_str value, int keep_head,
									  int keep_tail, const mv_mask *mask,
									  mv_buf *out);

/*
 * The start of every mask's result: returns argument 0 viewed as UTF-8 and
 * starts *out with room for about as much.
 */
static inline mv_str
mv_mask_begin(FunctionCallInfo fcinfo, mv_buf *out)
{
	mv_str		value = mv_text_utf8(PG_GETARG_TEXT_PP(0));

	/* (+2: a short e-mail local part grows to three mask chars) */
	mv_result_init(out, value.len + 2);
	return value;
}

/*
 * The end of it: raises for a status st other than MV_OK (that of the core
 * mask that wrote *out), else returns *out as text.
 */
static inline Datum
mv_mask_end(mv_buf *out, mv_status st)
{
	mv_check_status(st);
	return mv_result_text(out);
}

/*
 * The whole body of a STRICT SQL function f(value text, mask_char text):
 * reads the arguments, runs fn, returns its result.
 */
static inline Datum
mv_call_value_mask(FunctionCallInfo fcinfo, mv_value_mask_fn fn)
{
	mv_mask		mask;
	mv_buf		out;
	mv_str		value;

	mv_mask_from_args(&mask, PG_GETARG_TEXT_PP(1), true, 0);
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, fn(value, &mask, &out));
}

/*
 * The whole body of a STRICT SQL function f(value text, keep_head int,
 * keep_tail int, mask_char text): a negative keep count raises, then fn
 * runs as in mv_call_value_mask.
 */
static inline Datum
mv_call_keep_mask(FunctionCallInfo fcinfo, mv_keep_mask_fn fn)
{
	int32		keep_head = PG_GETARG_INT32(1);
	int32		keep_tail = PG_GETARG_INT32(2);
	mv_mask		mask;
	mv_buf		out;
	mv_str		value;

	mv_check_keep_counts(keep_head, keep_tail);
	mv_mask_from_args(&mask, PG_GETARG_TEXT_PP(3), true, 0);
	value = mv_mask_begin(fcinfo, &out);
	return mv_mask_end(&out, fn(value, keep_head, keep_tail, &mask, &out));
}

#endif							/* MV_GLUE_H */
