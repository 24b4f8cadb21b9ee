/*-------------------------------------------------------------------------
 *
 * number_text.h
 *	  Internal to the core: reading and writing the text of the number masks
 *	  (cn_phone, cn_id_card, bank_card and their validators).
 *
 * These values are nearly always ASCII, and ASCII is valid UTF-8 and already
 * NFKC, so one word-at-a-time test replaces validation and normalisation and
 * the parsers read bytes instead of decoding.  Not part of mv_core.h: the
 * SQL glue has no use for these.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NUMBER_TEXT_H
#define NUMBER_TEXT_H

#include "mv_core.h"

/*
 * The text a number mask parses: value checked to be UTF-8
 * (MV_ERR_BAD_UTF8 if not) and NFKC-normalised.  As mv_nfkc, *t points at
 * value itself (always so for ASCII) or at *storage; free storage with
 * mv_buf_free either way.
 */
extern mv_status mv_number_text(mv_str value, mv_str *t, mv_buf *storage);

/*
 * The start every number mask (cn_phone, cn_id_card, bank_card) shares:
 * checks the mask, reads value with mv_number_text() into *t and *storage,
 * and sets *m to the mask without its pad (these masks have none).  On an
 * error storage needs no freeing; otherwise free it with mv_buf_free.
 * Inline: it runs on every row, and a call of its own costs a number mask
 * about 4% more instructions.
 */
static inline mv_status
mv_number_mask_start(mv_str value, const mv_mask *mask, mv_str *t,
					 mv_buf *storage, mv_mask *m)
{
	mv_status	st = mv_mask_check(mask);

	if (st != MV_OK)
		return st;
	st = mv_number_text(value, t, storage);
	if (st != MV_OK)
		return st;
	*m = *mask;
	m->has_pad = false;
	return MV_OK;
}

/*
 * The whole of a number validator: true if value reads as a number mask's
 * text (mv_number_text) and test holds of that text.  Inline, so that each
 * validator calls its own test directly.
 */
static inline bool
mv_number_text_test(mv_str value, bool (*test) (mv_str t))
{
	mv_str		t;
	mv_buf		storage;
	bool		ok;

	if (mv_number_text(value, &t, &storage) != MV_OK)
		return false;
	ok = test(t);
	mv_buf_free(&storage);
	return ok;
}

/*
 * The digits a number mask hides, counting t's ASCII digits from 0: those in
 * [lo, hi) and those from `from` on.
 */
typedef struct mv_digit_plan
{
	size_t		lo;
	size_t		hi;
	size_t		from;
} mv_digit_plan;

/*
 * Appends t with the digits of plan replaced by mask_char.  Every other byte
 * is copied.
 */
extern mv_status mv_write_digits_masked(mv_str t, const mv_digit_plan *plan,
										mv_str mask_char, mv_buf *out);

/*
 * Reads t (a number mask's text, see mv_number_text) into the plan of the
 * digits to hide; false when t is no number of the mask's kind.
 */
typedef bool (*mv_digit_parser) (mv_str t, mv_digit_plan *plan);

/*
 * The whole of a number mask that hides digits of its text (cn_phone,
 * bank_card): the shared start, then the text with the digits parse plans
 * masked, or value fully masked when parse finds no number.  No pad.
 * Inline, so that each mask compiles to a direct call of its own parser.
 */
static inline mv_status
mv_mask_number_digits(mv_str value, const mv_mask *mask, mv_digit_parser parse,
					  mv_buf *out)
{
	mv_mask		m;
	mv_str		t;
	mv_buf		storage;
	mv_digit_plan plan;
	mv_status	st;

	st = mv_number_mask_start(value, mask, &t, &storage, &m);
	if (st != MV_OK || value.len == 0)
		return st;				/* (storage is unused for "") */
	if (parse(t, &plan))
		st = mv_write_digits_masked(t, &plan, m.ch, out);
	else
		st = mv_redact(value, &m, out);
	mv_buf_free(&storage);
	return st;
}

/* mv_utf8_next with ASCII decoded inline, for the parsers' per-byte loops. */
static inline uint32_t
mv_next_cp(const char *s, size_t len, size_t *pos)
{
	unsigned char c = (unsigned char) s[*pos];

	if (c < 0x80)
	{
		(*pos)++;
		return c;
	}
	return mv_utf8_next(s, len, pos);
}

#endif							/* NUMBER_TEXT_H */
