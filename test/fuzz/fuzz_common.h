/*
 * fuzz_common.h
 *	  Shared pieces of the libFuzzer targets of the masking core.
 *
 * Input layout (same for every target):
 *
 *	  value [NUL params]
 *
 * The value is everything before the first NUL byte (PostgreSQL text never
 * holds NUL, so neither do values).  A value that begins with 0xFF (never
 * valid UTF-8) is a "piece program": each following byte picks a fragment
 * from fz_pieces[] (digits, separators, address and name words, combining
 * marks, emoji sequences ...) or, past the table, encodes one arbitrary code
 * point.  This lets the fuzzer build well-formed, domain-shaped UTF-8 far
 * more often than byte mutation would.  Any other value is used as is, so
 * the seed corpus is plain text.  The bytes after the NUL are the call's
 * parameters (keep counts, mask char, pad ...), read with fz_byte(); missing
 * bytes read as 0, which always means a valid default.
 *
 * A violated property prints what failed plus the value in hex and calls
 * abort(), which libFuzzer reports as a crash and saves as a reproducer.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "mv_core.h"

/* The default mask of the SQL functions: "*" without pad. */
#define MV_MASK_DEFAULT ((mv_mask) { MV_STR_LIT("*"), false, 0 })

/* ---------------------------------------------------------------------
 * Failure reporting
 * ---------------------------------------------------------------------
 */
static inline void
fz_hex(const char *what, const char *p, size_t n)
{
	fprintf(stderr, "  %s (%zu bytes):", what, n);
	for (size_t i = 0; i < n && i < 512; i++)
		fprintf(stderr, " %02x", (unsigned char) p[i]);
	fprintf(stderr, n > 512 ? " ...\n" : "\n");
}

/* The value and output of the current call, dumped when a check fails. */
static mv_str fz_cur_value;
static mv_str fz_cur_out;

#define FZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "PROPERTY VIOLATED at %s:%d: %s\n  ", \
					__FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, "\n"); \
			fz_hex("value", fz_cur_value.ptr, fz_cur_value.len); \
			fz_hex("output", fz_cur_out.ptr, fz_cur_out.len); \
			abort(); \
		} \
	} while (0)

/* ---------------------------------------------------------------------
 * Decoding the input
 * ---------------------------------------------------------------------
 */
static const char *const fz_pieces[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	" ", "-", "+", "(", ")", "x", "X", "@", ".", "a", "Z", "\r\n", "\t",
	"+86", "0086", "86", "138", "400", "800", "010", "021", "0553",
	"转", "ext", "1234", "5678", "340202", "19900101", "1231",
	"１", "８", "Ｘ", "　", "－", "＠", "＊",	/* full-width forms */
	"\xD9\xA3",					/* Arabic-Indic 3 (Nd, not ASCII) */
	"\xF0\x9D\x9F\x99",			/* mathematical double-struck 1 */
	"\xE2\x91\xA0",				/* circled 1 (NFKC: "1") */
	"\xEF\xAC\x81",				/* fi ligature */
	"\xE3\x8D\xBB",				/* square era name (NFKC expands) */
	"张", "三", "丰", "欧阳", "司马", "娜", "John", "Smith",
	"·", "•", "・", "‧",
	"省", "市", "区", "县", "旗", "街道", "镇", "乡", "路", "街", "大道",
	"巷", "弄", "号", "小区", "社区", "村", "花园", "苑", "公寓", "大厦",
	"栋", "幢", "座", "号楼", "单元", "层", "楼", "室", "户",
	"北京", "安徽", "芜湖", "镜湖", "市中区", "自治区", "特别行政区",
	"自治州", "地区", "盟", "世贸滨江",
	"e\xCC\x81", "\xCC\x81", "\xE2\x80\x8D", "\xEF\xB8\x8F",
	"👨‍👩‍👧", "🇨🇳", "\xF0\x9F\x87\xA8", "👍🏽", "\xF0\x9F\x8F\xBD",
	"\xF0\xA0\xAE\xB7",			/* 𠮷 */
	"\xE1\x84\x80", "\xE1\x85\xA1", "\xE1\x86\xA8", "한",
	"\xE0\xA4\xA8\xE0\xA5\x8D", "\xE0\xB8\x81\xE0\xB8\xB3",
	"\xEF\xBF\xBD", "\xD8\x80", "\xC2\xA0", "\xE2\x80\xA8",
};

#define FZ_NPIECES (sizeof(fz_pieces) / sizeof(fz_pieces[0]))

/* Appends the UTF-8 form of a (valid, non-surrogate) code point. */
static inline size_t
fz_put_cp(char *dst, uint32_t cp)
{
	if (cp < 0x80)
	{
		dst[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		dst[0] = (char) (0xC0 | (cp >> 6));
		dst[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		dst[0] = (char) (0xE0 | (cp >> 12));
		dst[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		dst[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	dst[0] = (char) (0xF0 | (cp >> 18));
	dst[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	dst[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	dst[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

typedef struct fz_input
{
	mv_str		value;			/* the value (maybe not valid UTF-8) */
	char	   *owned;			/* storage of a decoded piece program */
	const uint8_t *params;
	size_t		nparams;
	size_t		pos;			/* next parameter byte */
} fz_input;

/*
 * Opens a fuzzer input: the value is the bytes up to the first NUL (or a
 * piece program, decoded), the parameters the bytes after it.  Returns the
 * value.
 */
static inline mv_str
fz_input_open(fz_input *in, const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		vlen = nul ? (size_t) (nul - data) : size;

	memset(in, 0, sizeof(*in));
	in->params = nul ? nul + 1 : data + size;
	in->nparams = nul ? size - vlen - 1 : 0;
	in->value = (mv_str) {(const char *) data, vlen};

	if (vlen > 0 && data[0] == 0xFF)
	{
		/* A piece program: no piece is longer than 24 bytes. */
		char	   *out = malloc(vlen * 24 + 1);
		size_t		n = 0;

		for (size_t i = 1; i < vlen; i++)
		{
			size_t		b = data[i];

			if (b < FZ_NPIECES)
			{
				size_t		plen = strlen(fz_pieces[b]);

				memcpy(out + n, fz_pieces[b], plen);
				n += plen;
			}
			else
			{
				/* Any code point: plane from b, the rest from two bytes. */
				uint32_t	cp = (uint32_t) (b - FZ_NPIECES) << 16;

				if (i + 2 < vlen)
				{
					cp |= (uint32_t) data[i + 1] << 8 | data[i + 2];
					i += 2;
				}
				cp %= 0x110000;
				if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
					cp = 0xFFFD;
				n += fz_put_cp(out + n, cp);
			}
		}
		in->owned = out;
		in->value = (mv_str) {out, n};
	}
	fz_cur_value = in->value;
	fz_cur_out = (mv_str) {"", 0};
	return in->value;
}

static inline void
fz_input_close(fz_input *in)
{
	free(in->owned);
	in->owned = NULL;
}

static inline uint8_t
fz_byte(fz_input *in)
{
	return in->pos < in->nparams ? in->params[in->pos++] : 0;
}

/*
 * A keep count: mostly small (0..20), sometimes negative, and the extremes
 * INT_MAX / INT_MIN to provoke overflow in keep_head + keep_tail.
 */
static inline int
fz_keep(fz_input *in)
{
	uint8_t		b = fz_byte(in);

	if (b == 255)
		return INT_MAX;
	if (b == 254)
		return INT_MIN;
	if (b >= 240)
		return -(int) (b - 239);	/* -1 .. -14 */
	return b % 21;
}

/*
 * Mask characters: index 0 is the default; the valid ones are exactly one
 * printable grapheme; the others are not (and must give MV_ERR_MASK_CHAR, or
 * MV_ERR_MASK_CHAR_UNPRINTABLE: FZ_BAD_MASK_CHAR).
 */
typedef struct fz_mask_char
{
	const char *ch;
	size_t		len;
	bool		valid;
} fz_mask_choice;

#define FZ_MC(s, v) {(s), sizeof(s) - 1, (v)}
static const fz_mask_choice fz_mask_chars[] = {
	FZ_MC("*", true), FZ_MC("X", true), FZ_MC("\xEF\xBC\x8A", true),	/* ＊ */
	FZ_MC("\xE2\x97\x8F", true),	/* ● */
	FZ_MC("#", true), FZ_MC("e\xCC\x81", true),
	FZ_MC("👨‍👩‍👧", true), FZ_MC("\r\n", false), FZ_MC("\xE5\xBC\xA0", true),	/* 张 */
	FZ_MC("", false), FZ_MC("**", false), FZ_MC("ab", false),
	FZ_MC("\xFF", false), FZ_MC("\xC3", false), FZ_MC("\xE5\xBC", false),
	FZ_MC("\n\r", false), FZ_MC("🇨🇳🇨🇳", false),
};

#define FZ_NMASKCHARS (sizeof(fz_mask_chars) / sizeof(fz_mask_chars[0]))

/* Reads a mask char; *valid tells whether it is one grapheme. */
static inline mv_str
fz_mask_char(fz_input *in, bool *valid)
{
	const fz_mask_choice *m = &fz_mask_chars[fz_byte(in) % FZ_NMASKCHARS];

	*valid = m->valid;
	return (mv_str) {m->ch, m->len};
}

/* Reads a pad: absent (byte 0 or odd), else -3..60. */
static inline void
fz_pad(fz_input *in, mv_mask *mask)
{
	uint8_t		b = fz_byte(in);

	mask->has_pad = (b & 1) != 0;
	mask->pad = mask->has_pad ? (int) (b >> 2) - 3 : 0;
}

/* ---------------------------------------------------------------------
 * Checking outputs
 * ---------------------------------------------------------------------
 */

/*
 * Checks a call's status against its parameters: `bad` is the set (bits
 * 1 << status) of errors the bad parameters justify.  With no bad parameter
 * the call must succeed whatever the value (values never cause errors);
 * with one it must fail with one of the justified errors, whatever the
 * value, empty included.
 */
#define FZ_BAD(status) (1u << (status))
#define FZ_BAD_MASK_CHAR (FZ_BAD(MV_ERR_MASK_CHAR) | \
						  FZ_BAD(MV_ERR_MASK_CHAR_UNPRINTABLE))

static inline void
fz_check_status(const char *fn, mv_status st, unsigned bad)
{
	if (bad == 0)
		FZ_CHECK(st == MV_OK, "%s: status %d with valid parameters", fn, (int) st);
	else
		FZ_CHECK(st != MV_OK && (bad & FZ_BAD(st)) != 0,
				 "%s: status %d, expected one of the errors 0x%x", fn,
				 (int) st, bad);
}

/*
 * The same for a function that validates its value: on invalid UTF-8 it
 * must fail, with MV_ERR_BAD_UTF8 or (if a parameter is bad too) with a
 * parameter error.
 */
static inline void
fz_check_status_utf8(const char *fn, mv_status st, unsigned bad,
					 bool value_valid)
{
	if (value_valid)
		fz_check_status(fn, st, bad);
	else if (bad == 0)
		FZ_CHECK(st == MV_ERR_BAD_UTF8,
				 "%s: status %d on invalid UTF-8", fn, (int) st);
	else
		fz_check_status(fn, st, bad | FZ_BAD(MV_ERR_BAD_UTF8));
}

/*
 * The leak guard of doc/masking-rules.md: of n units keep at most keep_head
 * first and keep_tail last, reducing keep_tail first, then keep_head, until
 * at least one unit is masked.
 */
static inline void
fz_leak_guard(size_t n, int keep_head, int keep_tail, size_t *h, size_t *t)
{
	*h = *t = 0;
	if (n == 0)
		return;
	*h = (size_t) keep_head < n - 1 ? (size_t) keep_head : n - 1;
	*t = (size_t) keep_tail < n - 1 - *h ? (size_t) keep_tail : n - 1 - *h;
}

/* Splits s, aborting if the splitter fails (it must not on valid UTF-8). */
static inline void
fz_split(mv_str s, mv_graphemes *g)
{
	mv_status	st = mv_graphemes_split(s, g);

	FZ_CHECK(st == MV_OK, "mv_graphemes_split returned %d", (int) st);
}

static inline bool
fz_eq(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline mv_str
fz_sub(mv_str s, size_t from, size_t to)
{
	return (mv_str) {s.ptr + from, to - from};
}

/* Grapheme i of s. */
static inline mv_str
fz_gr(mv_str s, const mv_graphemes *g, size_t i)
{
	return fz_sub(s, g->offs[i], g->offs[i + 1]);
}

/* True if s is `times` copies of ch and nothing else. */
static inline bool
fz_is_repeat(mv_str s, mv_str ch, size_t times)
{
	if (s.len != ch.len * times)
		return false;
	for (size_t i = 0; i < times; i++)
		if (memcmp(s.ptr + i * ch.len, ch.ptr, ch.len) != 0)
			return false;
	return true;
}

/* If s is made only of copies of ch, returns how many; else -1. */
static inline long
fz_count_repeat(mv_str s, mv_str ch)
{
	if (ch.len == 0 || s.len % ch.len != 0)
		return -1;
	return fz_is_repeat(s, ch, s.len / ch.len) ? (long) (s.len / ch.len) : -1;
}

/*
 * Explains out as an in-order interleaving of mask chars and graphemes of
 * the input (kept graphemes are copied byte for byte, never reordered or
 * invented).  Marks the input graphemes that appear in out in revealed[]
 * and counts the mask chars.  The match is greedy: at each point the
 * longest matching input grapheme (the earliest of equal length) or the
 * mask char; where both match, the longer wins and on a tie the mask char,
 * so an input grapheme equal to the mask char is never counted as revealed.
 * Returns false when out cannot be explained this way.
 */
static inline bool
fz_decompose(mv_str out, mv_str in, const mv_graphemes *g, mv_str mask,
			 bool *revealed, size_t *nmasks)
{
	size_t		p = 0;
	size_t		j = 0;

	*nmasks = 0;
	for (size_t i = 0; i < g->count; i++)
		revealed[i] = false;
	while (p < out.len)
	{
		bool		mask_fits = mask.len > 0 && p + mask.len <= out.len &&
			memcmp(out.ptr + p, mask.ptr, mask.len) == 0;
		size_t		k = g->count;

		/*
		 * The longest input grapheme that matches here, so that a kept
		 * "湖" + U+1F3FD is not read as a kept "湖" and a stray modifier.
		 */
		for (size_t c = j; c < g->count; c++)
		{
			mv_str		gc = fz_gr(in, g, c);

			if (p + gc.len <= out.len &&
				memcmp(out.ptr + p, gc.ptr, gc.len) == 0 &&
				(k == g->count || gc.len > fz_gr(in, g, k).len))
				k = c;
		}
		if (k < g->count &&
			(!mask_fits || fz_gr(in, g, k).len > mask.len))
		{
			revealed[k] = true;
			p += fz_gr(in, g, k).len;
			j = k + 1;
		}
		else if (mask_fits)
		{
			(*nmasks)++;
			p += mask.len;
		}
		else
			return false;
	}
	return true;
}

/* Number of true entries. */
static inline size_t
fz_count_true(const bool *v, size_t n)
{
	size_t		c = 0;

	for (size_t i = 0; i < n; i++)
		c += v[i];
	return c;
}

/* True if the grapheme holds a decimal digit (Unicode Nd). */
static inline bool
fz_has_digit(mv_str gr)
{
	size_t		pos = 0;

	while (pos < gr.len)
		if (u_charType((UChar32) mv_utf8_next(gr.ptr, gr.len, &pos)) ==
			U_DECIMAL_DIGIT_NUMBER)
			return true;
	return false;
}

/*
 * Output buffers reserve FZ_RESERVED bytes holding a sentinel, as the glue
 * reserves a varlena header: masking functions must only append after it.
 */
#define FZ_RESERVED 4
#define FZ_SENTINEL "\xA5\x5A\xC3\x3C"

static inline void
fz_out_init(mv_buf *out)
{
	mv_status	st = mv_buf_init(out, FZ_RESERVED, 8);

	FZ_CHECK(st == MV_OK && out->len == FZ_RESERVED, "mv_buf_init failed");
	memcpy(out->data, FZ_SENTINEL, FZ_RESERVED);
}

/* The bytes a call appended. */
static inline mv_str
fz_out_str(const mv_buf *out)
{
	return (mv_str) {out->data + FZ_RESERVED, out->len - FZ_RESERVED};
}

/*
 * Checks every successful call's output: the reserved bytes untouched,
 * valid UTF-8, and empty in gives empty out.  Returns the output.
 */
static inline mv_str
fz_check_output(mv_str value, const mv_buf *out)
{
	mv_str		o;

	FZ_CHECK(out->len >= FZ_RESERVED &&
			 memcmp(out->data, FZ_SENTINEL, FZ_RESERVED) == 0,
			 "the reserved prefix of the output buffer was overwritten");
	o = fz_out_str(out);
	fz_cur_out = o;
	FZ_CHECK(mv_utf8_valid(o.ptr, o.len), "output is not valid UTF-8");
	FZ_CHECK(value.len > 0 || o.len == 0, "empty value gave a nonempty output");
	return o;
}

/* NFKC of s into a malloc'd copy the caller frees (aborts on failure). */
static inline mv_str
fz_nfkc_copy(mv_str s)
{
	mv_buf		storage;
	mv_str		norm;
	mv_status	st = mv_nfkc(s, &norm, &storage);
	char	   *copy;

	FZ_CHECK(st == MV_OK, "mv_nfkc returned %d", (int) st);
	copy = malloc(norm.len + 1);
	memcpy(copy, norm.ptr, norm.len);
	mv_buf_free(&storage);
	return (mv_str) {copy, norm.len};
}

/*
 * The canonical form of an identity number v into c (at most 18 chars: the
 * NFKC form without white space, x as X); false if it is not ID-shaped (15
 * or 18 digits, X only as the 18th).  fuzz_cn_id_card and the validators'
 * oracle read numbers this way.
 */
static inline bool
fz_id_canonical(mv_str v, char *c, size_t *n)
{
	mv_str		norm = fz_nfkc_copy(v);
	size_t		pos = 0;
	bool		ok = true;

	*n = 0;
	while (pos < norm.len && ok)
	{
		uint32_t	cp = mv_utf8_next(norm.ptr, norm.len, &pos);

		if (mv_is_white_space(cp))
			continue;
		if (cp == 'x')
			cp = 'X';
		if (*n == 18 || !((cp >= '0' && cp <= '9') || cp == 'X'))
			ok = false;
		else
			c[(*n)++] = (char) cp;
	}
	free((void *) norm.ptr);
	if (!ok || (*n != 18 && *n != 15))
		return false;
	for (size_t i = 0; i < *n; i++)
		if (c[i] == 'X' && i != 17)
			return false;
	return true;
}

/*
 * The end of a target: frees out (when given) and the input.  Returns 0,
 * what LLVMFuzzerTestOneInput returns.
 */
static inline int
fz_end(fz_input *in, mv_buf *out)
{
	if (out != NULL)
		mv_buf_free(out);
	fz_input_close(in);
	return 0;
}

/*
 * Checks a mask call on v: its status st against the parameter errors bad
 * (MV_ERR_BAD_UTF8 too for invalid UTF-8), and on MV_OK its output, into
 * *o.  Returns whether st was MV_OK; the caller frees out either way.
 */
static inline bool
fz_mask_result(const char *name, mv_status st, unsigned bad, mv_str v,
			   const mv_buf *out, mv_str *o)
{
	fz_check_status_utf8(name, st, bad, mv_utf8_valid(v.ptr, v.len));
	if (st != MV_OK)
		return false;
	*o = fz_check_output(v, out);
	return true;
}

/*
 * Checks that o, the output for v that was no number of its kind (what: "a
 * card number"), is a full mask: one mask char ch per grapheme of v or of
 * its NFKC form, and nothing else.
 */
static inline void
fz_check_full_mask(const char *what, mv_str o, mv_str v, mv_str ch)
{
	long		full = fz_count_repeat(o, ch);
	mv_str		norm = fz_nfkc_copy(v);
	size_t		gc;
	size_t		nc;

	mv_grapheme_count(v, &gc);
	mv_grapheme_count(norm, &nc);
	FZ_CHECK(full >= 1 && ((size_t) full == gc || (size_t) full == nc),
			 "not %s, but not a full mask (%ld mask chars, %zu graphemes)",
			 what, full, gc);
	free((void *) norm.ptr);
}

/*
 * A number mask's call (bank_card, cn_phone): the input, the mask, the
 * output, and for a call that succeeded the output's text.
 */
typedef mv_status (*fz_number_mask) (mv_str value, const mv_mask *mask,
									 mv_buf *out);

typedef struct fz_number_call
{
	fz_input	in;
	mv_str		value;			/* in.value */
	mv_mask		mask;
	mv_buf		out;
	mv_str		o;
} fz_number_call;

/*
 * The start of a number mask's target: opens the input, draws the mask
 * char (these masks have no pad parameter, the glue never sets one), runs
 * fn on the value and checks the call (fz_mask_result).  Returns whether the
 * status was MV_OK; the caller ends with fz_end(&c->in, &c->out) either way.
 */
static inline bool
fz_number_mask_run(const char *name, fz_number_mask fn, const uint8_t *data,
				   size_t size, fz_number_call *c)
{
	bool		mask_valid;

	c->value = fz_input_open(&c->in, data, size);
	c->mask = MV_MASK_DEFAULT;
	c->mask.ch = fz_mask_char(&c->in, &mask_valid);
	fz_out_init(&c->out);
	return fz_mask_result(name, fn(c->value, &c->mask, &c->out),
						  mask_valid ? 0 : FZ_BAD_MASK_CHAR, c->value, &c->out,
						  &c->o);
}

#endif							/* FUZZ_COMMON_H */
