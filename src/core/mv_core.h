/*-------------------------------------------------------------------------
 *
 * mv_core.h
 *	  The maskview masking core: plain C99 + ICU, no PostgreSQL headers.
 *
 * Every masking function reads a UTF-8 value and appends its masked form to
 * an output buffer.  Functions never fail because of the value (a value they
 * cannot parse is masked fully); they return an error status only for bad
 * parameters, so that the SQL glue can raise a parameter error without ever
 * quoting the value.  The contract of each function is doc/masking-rules.md.
 *
 * Memory comes from the allocator installed with mv_set_allocator() (palloc
 * inside the server, malloc in unit tests and fuzzers).  Nothing allocated by
 * ICU outlives a call except the per-process break iterator, so a longjmp out
 * of an allocator (palloc's ERROR) leaks nothing.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_CORE_H
#define MV_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Status codes
 * ---------------------------------------------------------------------
 *
 * A parameter error names its parameter, so that the glue's message names
 * the right one whichever function returned it.
 */
typedef enum mv_status
{
	MV_OK = 0,
	MV_ERR_MASK_CHAR,			/* mask_char is not exactly one grapheme */
	MV_ERR_MASK_CHAR_UNPRINTABLE,	/* mask_char is a control or format
									 * character */
	MV_ERR_PAD_NEGATIVE,		/* pad is negative */
	MV_ERR_KEEP_HEAD_NEGATIVE,	/* keep_head is negative */
	MV_ERR_KEEP_TAIL_NEGATIVE,	/* keep_tail is negative */
	MV_ERR_ID_KEEP,				/* cn_id_card: keep_head not 0-6 or keep_tail
								 * not 0-4 */
	MV_ERR_NAME_KEEP,			/* cn_name: keep is not 'surname' or 'last' */
	MV_ERR_ADDRESS_LEVEL,		/* cn_address: unknown keep_level */
	MV_ERR_BAD_UTF8,			/* input is not valid UTF-8 */
	MV_ERR_ICU,					/* ICU failed: see mv_icu_error_name() */
	MV_ERR_NOMEM				/* allocator returned NULL */
} mv_status;

/* Name of the ICU error behind the last MV_ERR_ICU (for errdetail). */
extern const char *mv_icu_error_name(void);

/* ---------------------------------------------------------------------
 * Memory and buffers
 * ---------------------------------------------------------------------
 */
typedef struct mv_allocator
{
	void	   *(*alloc) (size_t size);
	void	   *(*realloc) (void *ptr, size_t size);
	void		(*free) (void *ptr);
} mv_allocator;

/* Installs the allocator used by the core (default: malloc/realloc/free). */
extern void mv_set_allocator(const mv_allocator *allocator);
extern void *mv_alloc(size_t size);
extern void *mv_realloc(void *ptr, size_t size);
extern void mv_free(void *ptr);

/* A borrowed UTF-8 string (not NUL-terminated). */
typedef struct mv_str
{
	const char *ptr;
	size_t		len;
} mv_str;

#define MV_STR_LIT(s) ((mv_str) { (s), sizeof(s) - 1 })

/*
 * Growable output buffer.  The first `reserved` bytes are left for the
 * caller (the glue reserves a varlena header so the result needs no copy);
 * `len` counts them too.  Masking functions only append.
 */
typedef struct mv_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} mv_buf;

extern mv_status mv_buf_init(mv_buf *buf, size_t reserved, size_t expected);
extern mv_status mv_buf_grow(mv_buf *buf, size_t n);
extern mv_status mv_buf_append_repeat(mv_buf *buf, mv_str s, size_t times);
extern void mv_buf_free(mv_buf *buf);

/* Appends n bytes; inline because masks call it per kept span, per row. */
static inline mv_status
mv_buf_append(mv_buf *buf, const char *bytes, size_t n)
{
	if (buf->cap - buf->len < n)
	{
		mv_status	st = mv_buf_grow(buf, n);

		if (st != MV_OK)
			return st;
	}
	if (n > 0)
		memcpy(buf->data + buf->len, bytes, n);
	buf->len += n;
	return MV_OK;
}

/* ---------------------------------------------------------------------
 * UTF-8, graphemes, normalisation
 * ---------------------------------------------------------------------
 */

/* True if the bytes are well-formed UTF-8 (no surrogates, no overlongs). */
extern bool mv_utf8_valid(const char *s, size_t len);

/* Length of the ASCII prefix of s, read a word at a time. */
extern size_t mv_ascii_prefix(const char *s, size_t len);

/*
 * Decodes the code point at s[*pos] and advances *pos.  The input must be
 * valid UTF-8 (checked by mv_utf8_valid or guaranteed by the server).
 */
extern uint32_t mv_utf8_next(const char *s, size_t len, size_t *pos);

/*
 * Grapheme boundaries of a UTF-8 string: offs[0] = 0 < offs[1] < ... <
 * offs[count] = len.  Grapheme i is bytes [offs[i], offs[i+1]).  Short
 * strings use the inline array, so most calls allocate nothing.
 */
#define MV_GRAPHEMES_INLINE 64
typedef struct mv_graphemes
{
	size_t		count;
	size_t	   *offs;
	size_t		cap;
	size_t		inline_offs[MV_GRAPHEMES_INLINE + 1];
} mv_graphemes;

/*
 * True if cp is one grapheme whatever surrounds it (apart from CR LF), i.e.
 * its Grapheme_Cluster_Break is Other or Control and no rule of UAX #29 joins
 * it to a neighbour that is itself simple.  Inline: the grapheme fast path
 * and cn_address's one-pass reader ask it for every code point.
 */
static inline bool
mv_is_simple_code_point(uint32_t cp)
{
	if (cp < 0x300)				/* ASCII, Latin-1, Latin Extended-A/B */
		return true;
	if (cp >= 0x4E00 && cp <= 0x9FFF)	/* CJK Unified Ideographs */
		return true;
	if (cp >= 0x3400 && cp <= 0x4DBF)	/* Extension A */
		return true;
	if (cp >= 0x3000 && cp <= 0x3029)	/* CJK symbols before the tone
										 * marks U+302A..302F */
		return true;
	if (cp >= 0x3041 && cp <= 0x3096)	/* Hiragana (not U+3099/309A) */
		return true;
	if (cp >= 0x30A0 && cp <= 0x30FF)	/* Katakana incl. ・ U+30FB */
		return true;
	if (cp >= 0x2010 && cp <= 0x2027)	/* dashes, quotes, • ‧ */
		return true;
	if (cp >= 0xFF01 && cp <= 0xFF5E)	/* full-width ASCII forms */
		return true;
	if (cp >= 0xF900 && cp <= 0xFAFF)	/* CJK Compatibility Ideographs */
		return true;
	if (cp >= 0x20000 && cp <= 0x3134F) /* Extensions B..G */
		return true;
	return false;
}

/* Splits into extended grapheme clusters; fast path when possible. */
extern mv_status mv_graphemes_split(mv_str s, mv_graphemes *g);

/* The ICU path alone (UAX #29 through ubrk, reading UTF-8 directly). */
extern mv_status mv_graphemes_split_icu(mv_str s, mv_graphemes *g);

/*
 * The fast path alone: returns false (and leaves g undefined) when the string
 * holds anything other than "simple" code points, i.e. where one code point
 * might not be one grapheme.  \r\n is handled as one grapheme.
 */
extern bool mv_graphemes_split_fast(mv_str s, mv_graphemes *g);

extern void mv_graphemes_free(mv_graphemes *g);

/* Number of graphemes (convenience over mv_graphemes_split). */
extern mv_status mv_grapheme_count(mv_str s, size_t *count);

/*
 * NFKC-normalises s.  On MV_OK *out points either at s itself (already NFKC,
 * e.g. ASCII) or at *storage, which the function filled; free storage with
 * mv_buf_free (it is zeroed when unused).
 */
extern mv_status mv_nfkc(mv_str s, mv_str *out, mv_buf *storage);

/* Script checks over one code point. */
extern bool mv_is_han(uint32_t cp);
extern bool mv_is_alphabetic(uint32_t cp);
extern bool mv_is_white_space(uint32_t cp);

/*
 * mv_is_white_space without a call for CJK text: every White_Space code
 * point is at most U+3000 (IDEOGRAPHIC SPACE).  The name and address masks
 * ask it per character per row.
 */
static inline bool
mv_is_white_space_inline(uint32_t cp)
{
	return cp <= 0x3000 && mv_is_white_space(cp);
}

/*
 * True for a code point that shows nothing by itself or acts on the text
 * around it: a control (Cc: line breaks, tabs, escape), a format character
 * (Cf: zero width space, bidirectional controls), a line or paragraph
 * separator (Zl, Zp).
 */
extern bool mv_is_unprintable(uint32_t cp);

/* Releases the per-process ICU objects (for leak checkers; optional). */
extern void mv_core_shutdown(void);

/* ---------------------------------------------------------------------
 * Masks
 * ---------------------------------------------------------------------
 */

/* How masked graphemes are written. */
typedef struct mv_mask
{
	mv_str		ch;				/* exactly one grapheme, e.g. "*" */
	bool		has_pad;		/* pad given: masked span is exactly pad chars */
	int			pad;
} mv_mask;

/* Checks the mask parameters (one grapheme, pad not negative). */
extern mv_status mv_mask_check(const mv_mask *mask);

/* Appends the mask for a span of n graphemes (pad chars if has_pad). */
extern mv_status mv_mask_append_span(mv_buf *out, const mv_mask *mask, size_t n);

/*
 * Appends value with its bytes [head_end, tail_start) replaced by the mask
 * of a span of n graphemes: the kept head, the masked span, the kept tail.
 * Inline: the masks that keep a head or a tail write every row through it.
 */
static inline mv_status
mv_append_masked_middle(mv_buf *out, mv_str value, size_t head_end,
						const mv_mask *mask, size_t n, size_t tail_start)
{
	mv_status	st = mv_buf_append(out, value.ptr, head_end);

	if (st == MV_OK)
		st = mv_mask_append_span(out, mask, n);
	if (st == MV_OK)
		st = mv_buf_append(out, value.ptr + tail_start,
						   value.len - tail_start);
	return st;
}

/* Generic (generic.c) */
extern mv_status mv_partial(mv_str value, int keep_head, int keep_tail,
							const mv_mask *mask, mv_buf *out);
extern mv_status mv_redact(mv_str value, const mv_mask *mask, mv_buf *out);
extern mv_status mv_digits(mv_str value, int keep_head, int keep_tail,
						   const mv_mask *mask, mv_buf *out);
extern mv_status mv_email(mv_str value, const mv_mask *mask, mv_buf *out);

/* Chinese names (cn_name.c) */
typedef enum mv_name_keep
{
	MV_NAME_KEEP_SURNAME,
	MV_NAME_KEEP_LAST
} mv_name_keep;

extern mv_status mv_name_keep_parse(mv_str s, mv_name_keep *keep);
extern mv_status mv_cn_name(mv_str value, const mv_mask *mask,
							mv_name_keep keep, mv_buf *out);

/* True if the first two code points form a compound surname (欧阳 ...). */
extern bool mv_is_compound_surname(uint32_t first, uint32_t second);

/* True if cp is one of the common single-character surnames (王, 李 ...). */
extern bool mv_is_common_surname(uint32_t cp);

/*
 * Sets *is_name to whether value has the shape of a Chinese personal name,
 * as mask.detect() counts one (cn_name.c).  MV_ERR_BAD_UTF8 if value is not
 * UTF-8.
 */
extern mv_status mv_cn_name_detect(mv_str value, bool *is_name);

/* Phone numbers (cn_phone.c) */
extern mv_status mv_cn_phone(mv_str value, const mv_mask *mask, mv_buf *out);
extern bool mv_cn_mobile_valid(mv_str value);

/* Resident ID numbers (cn_id_card.c) */
extern mv_status mv_cn_id_card(mv_str value, int keep_head, int keep_tail,
							   const mv_mask *mask, mv_buf *out);
extern bool mv_cn_id_card_valid(mv_str value);

/* Addresses (cn_address.c) */
typedef enum mv_addr_level
{
	MV_ADDR_PROVINCE = 0,
	MV_ADDR_CITY,
	MV_ADDR_DISTRICT,
	MV_ADDR_TOWN,
	MV_ADDR_ROAD,
	MV_ADDR_COMMUNITY,
	MV_ADDR_BUILDING,
	MV_ADDR_UNIT,
	MV_ADDR_FLOOR,
	MV_ADDR_ROOM
} mv_addr_level;

extern mv_status mv_addr_level_parse(mv_str s, mv_addr_level *level);
extern mv_status mv_cn_address(mv_str value, mv_addr_level keep_level,
							   const mv_mask *mask, mv_buf *out);

/*
 * mv_cn_address through the parser it replaced (cn_address_ref.c), kept
 * only for the differential tests: same contract, same output.
 */
extern mv_status mv_cn_address_ref(mv_str value, mv_addr_level keep_level,
								   const mv_mask *mask, mv_buf *out);

/* Bank cards (bank_card.c) */
extern mv_status mv_bank_card(mv_str value, const mv_mask *mask, mv_buf *out);
extern bool mv_luhn_valid(mv_str value);

/* Pseudonym encoding (base32.c): first `length` Crockford base32 chars. */
#define MV_CROCKFORD_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
extern void mv_base32_crockford(const uint8_t *bytes, size_t nbytes,
								char *out, size_t length);

#endif							/* MV_CORE_H */
