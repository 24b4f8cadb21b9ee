/*
 * fuzz_cn_address.c
 *	  libFuzzer target: mv_cn_address and mv_addr_level_parse.
 *
 * Properties (doc/masking-rules.md, "cn_address"):
 * - status: MV_OK exactly when the level is one of the ten, the mask char
 *   valid and the pad not negative; MV_ERR_ADDRESS_LEVEL, MV_ERR_MASK_CHAR,
 *   MV_ERR_PAD_NEGATIVE otherwise; MV_ERR_BAD_UTF8 for an invalid value.
 *   mv_addr_level_parse accepts exactly the ten level names.
 * - the output is a prefix of the value ending at a grapheme boundary,
 *   followed by exactly pad mask chars (without a pad: one per grapheme of
 *   the rest).  When the prefix is the whole value, zero or pad mask chars.
 * - called with every level from province to room, the kept prefix never
 *   shrinks as the level deepens (the longest prefix of levels up to
 *   keep_level can only grow when more levels are allowed).
 * - differential: mv_cn_address_ref, the implementation mv_cn_address
 *   replaced, gives the same status and the same bytes for every call.
 */
#include "fuzz_common.h"

static void
check_level_parse(fz_input *in)
{
	static const char *const names[] = {
		"province", "city", "district", "town", "road",
		"community", "building", "unit", "floor", "room",
		"", "street", "rooms", "distric", "country", "room\n",
	};
	size_t		i = fz_byte(in) % (sizeof(names) / sizeof(names[0]));
	mv_addr_level level = MV_ADDR_PROVINCE;
	mv_status	st = mv_addr_level_parse((mv_str) {names[i], strlen(names[i])},
										 &level);

	if (i < 10)
		FZ_CHECK(st == MV_OK && level == (mv_addr_level) i,
				 "level \"%s\" parsed as %d (status %d)", names[i],
				 (int) level, (int) st);
	else
		FZ_CHECK(st == MV_ERR_ADDRESS_LEVEL,
				 "level \"%s\" gave status %d", names[i], (int) st);
}

/*
 * Finds how many graphemes of v the output keeps: the largest k such that
 * o = v[0 .. offs[k]) + the right number of mask chars.  Aborts if none.
 */
static size_t
kept_graphemes(mv_str v, const mv_graphemes *g, mv_str o, const mv_mask *mask)
{
	for (size_t k = g->count + 1; k-- > 0;)
	{
		size_t		plen = g->offs[k];
		mv_str		rest;
		long		m;

		if (plen > o.len || memcmp(o.ptr, v.ptr, plen) != 0)
			continue;
		rest = fz_sub(o, plen, o.len);
		m = rest.len == 0 ? 0 : fz_count_repeat(rest, mask->ch);
		if (m < 0)
			continue;
		if (mask->has_pad ? (m == mask->pad || (k == g->count && m == 0)) :
			(size_t) m == g->count - k)
			return k;
	}
	FZ_CHECK(false, "output is not a prefix of the value plus %s mask chars",
			 mask->has_pad ? "pad" : "one-per-grapheme");
	return 0;
}

/* The reference implementation gives status st and the bytes in out too. */
static void
check_same_as_reference(mv_str v, int level, const mv_mask *mask,
						mv_status st, const mv_buf *out)
{
	mv_buf		ref;
	mv_status	ref_st;

	fz_out_init(&ref);
	ref_st = mv_cn_address_ref(v, (mv_addr_level) level, mask, &ref);
	FZ_CHECK(ref_st == st &&
			 (st != MV_OK ||
			  (ref.len == out->len && memcmp(ref.data, out->data, ref.len) == 0)),
			 "level %d: status %d and %zu bytes, the reference gives status %d and %zu bytes",
			 level, (int) st, out->len, (int) ref_st, ref.len);
	mv_buf_free(&ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input	in;
	mv_mask		mask;
	bool		mask_valid;
	int			level;
	unsigned	bad = 0;
	mv_buf		out;
	mv_status	st;
	mv_str		v;
	mv_graphemes g;
	size_t		prev_kept = 0;

	v = fz_input_open(&in, data, size);
	mask.ch = fz_mask_char(&in, &mask_valid);
	fz_pad(&in, &mask);
	level = (int) (fz_byte(&in) % 12) - 1;	/* -1 .. 10 */
	check_level_parse(&in);
	if (!mask_valid)
		bad |= FZ_BAD_MASK_CHAR;
	if (mask.has_pad && mask.pad < 0)
		bad |= FZ_BAD(MV_ERR_PAD_NEGATIVE);

	/* One call with the drawn (maybe invalid) level, for the status. */
	fz_out_init(&out);
	st = mv_cn_address(v, (mv_addr_level) level, &mask, &out);
	fz_check_status_utf8("cn_address", st,
						 bad | (level < 0 || level > 9 ?
								FZ_BAD(MV_ERR_ADDRESS_LEVEL) : 0),
						 mv_utf8_valid(v.ptr, v.len));
	check_same_as_reference(v, level, &mask, st, &out);
	mv_buf_free(&out);
	if (bad || !mv_utf8_valid(v.ptr, v.len))
		return fz_end(&in, NULL);

	fz_split(v, &g);
	for (int l = MV_ADDR_PROVINCE; l <= MV_ADDR_ROOM; l++)
	{
		mv_str		o;
		size_t		kept;

		fz_out_init(&out);
		st = mv_cn_address(v, (mv_addr_level) l, &mask, &out);
		fz_check_status("cn_address", st, 0);
		check_same_as_reference(v, l, &mask, st, &out);
		o = fz_check_output(v, &out);
		kept = kept_graphemes(v, &g, o, &mask);
		FZ_CHECK(kept >= prev_kept,
				 "level %d keeps %zu graphemes, the level above it kept %zu",
				 l, kept, prev_kept);
		prev_kept = kept;
		mv_buf_free(&out);
	}
	mv_graphemes_free(&g);
	return fz_end(&in, NULL);
}
