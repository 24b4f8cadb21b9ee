/*
 * test_graphemes.c
 *	  Differential test of the grapheme splitters: the fast path
 *	  (mv_graphemes_split_fast), the ICU path (mv_graphemes_split_icu) and the
 *	  public mv_graphemes_split, which picks one of them.
 *
 * The contract checked here: wherever the fast path accepts a string it gives
 * exactly ICU's boundaries; it refuses every string holding a code point that
 * can join a neighbour into one grapheme (combining marks, ZWJ, variation
 * selectors, regional indicators, Hangul jamo, emoji modifiers, spacing marks,
 * prepended concatenation marks); and mv_graphemes_split always equals ICU.
 * ICU is the reference for UAX #29, so named cases pin counts only where they
 * do not depend on the Unicode version (Devanagari conjuncts changed in 15.1
 * and get a range instead).
 */
#include <stdlib.h>

#include "mv_test.h"

/* How the fast path must treat a string. */
typedef enum
{
	FAST_ANY,					/* may accept or refuse (but agree if it accepts) */
	FAST_ACCEPT,				/* plain ASCII / CJK: must accept */
	FAST_REFUSE					/* holds a joining code point: must refuse */
} fast_expect;

typedef struct named_case
{
	const char *name;
	const char *text;
	size_t		min_count;		/* expected grapheme count range */
	size_t		max_count;
	fast_expect fast;
} named_case;

static const named_case cases[] = {
	{"empty", "", 0, 0, FAST_ACCEPT},
	{"ascii", "abc", 3, 3, FAST_ACCEPT},
	{"crlf inside", "a\r\nb", 3, 3, FAST_ACCEPT},
	{"crlf alone", "\r\n", 1, 1, FAST_ACCEPT},
	{"lf cr", "\n\r", 2, 2, FAST_ACCEPT},
	{"cr crlf", "\r\r\n", 2, 2, FAST_ACCEPT},
	{"crlf crlf", "\r\n\r\n", 2, 2, FAST_ACCEPT},
	{"controls", "\x01\x02\t\x7f", 4, 4, FAST_ACCEPT},
	{"plain cjk", "张三丰", 3, 3, FAST_ACCEPT},
	{"cjk and ascii", "张三 Zhang San", 12, 12, FAST_ACCEPT},
	{"outside bmp", "\xF0\xA0\xAE\xB7野家", 3, 3, FAST_ANY},
	{"e acute decomposed", "e\xCC\x81", 1, 1, FAST_REFUSE},
	{"te-acute-st", "te\xCC\x81st", 4, 4, FAST_REFUSE},
	{"e acute precomposed", "\xC3\xA9", 1, 1, FAST_ANY},
	{"zwj family", "👨‍👩‍👧", 1, 1, FAST_REFUSE},
	{"zwj family then han", "👨‍👩‍👧张三", 3, 3, FAST_REFUSE},
	{"flag", "🇨🇳", 1, 1, FAST_REFUSE},
	{"two flags", "🇨🇳🇺🇸", 2, 2, FAST_REFUSE},
	{"three regional indicators", "🇨🇳🇺", 2, 2, FAST_REFUSE},
	{"variation selector", "\xE2\x9D\xA4\xEF\xB8\x8F", 1, 1, FAST_REFUSE},
	{"keycap", "1\xEF\xB8\x8F\xE2\x83\xA3", 1, 1, FAST_REFUSE},
	{"hangul jamo L V T", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 1, 1, FAST_REFUSE},
	{"hangul L then LV", "\xE1\x84\x80\xEA\xB0\x80", 1, 1, FAST_REFUSE},
	{"hangul LV then T", "\xEA\xB0\x80\xE1\x86\xA8", 1, 1, FAST_REFUSE},
	{"hangul syllables", "한국어", 3, 3, FAST_ANY},
	{"devanagari vowel sign", "\xE0\xA4\x95\xE0\xA4\xBF", 1, 1, FAST_REFUSE},
	{"devanagari virama", "नमस्ते", 3, 4, FAST_REFUSE},
	{"thai sara am", "\xE0\xB8\x81\xE0\xB8\xB3", 1, 1, FAST_REFUSE},
	{"thai word", "ภาษาไทย", 7, 7, FAST_ANY},
	{"skin tone", "👍🏽", 1, 1, FAST_REFUSE},
	{"lone mark at start", "\xCC\x81" "a", 2, 2, FAST_REFUSE},
	{"mark after control", "a\x01\xCC\x81", 3, 3, FAST_REFUSE},
	{"zwj between letters", "a\xE2\x80\x8D" "b", 2, 2, FAST_REFUSE},
	{"lone zwj", "\xE2\x80\x8D", 1, 1, FAST_REFUSE},
	{"prepend", "\xD8\x80" "1", 1, 1, FAST_REFUSE},
	{"replacement char", "a\xEF\xBF\xBD" "b", 3, 3, FAST_ANY},
	{"full-width digits", "１３８", 3, 3, FAST_ANY},
	{"middle dot name", "阿依古丽·买买提", 8, 8, FAST_ANY},
};

/* Pieces the random strings are drawn from; joiners must make fast refuse. */
typedef struct piece
{
	const char *text;
	bool		joiner;
} piece;

static const piece pieces[] = {
	{"a", false}, {"Z", false}, {" ", false}, {"7", false},
	{"\r", false}, {"\n", false}, {"\r\n", false}, {"\t", false},
	{"\x01", false}, {"\x7f", false}, {"@", false}, {"-", false},
	{"张", false}, {"三", false}, {"欧", false}, {"阳", false},
	{"\xF0\xA0\xAE\xB7", false},	/* 𠮷 */
	{"\xE3\x80\x82", false},	/* 。 */
	{"\xE3\x80\x80", false},	/* ideographic space */
	{"\xC2\xB7", false},		/* middle dot */
	{"\xC3\xA9", false},		/* é precomposed */
	{"\xEF\xBC\x91", false},	/* full-width 1 */
	{"\xEF\xBF\xBD", false},	/* U+FFFD */
	{"\xEA\xB0\x80", false},	/* Hangul syllable LV 가 */
	{"\xED\x95\x9C", false},	/* Hangul syllable LVT 한 */
	{"\xF0\x9F\x91\xA8", false},	/* 👨 */
	{"\xF0\x9F\x91\x8D", false},	/* 👍 */
	{"\xE2\x9D\xA4", false},	/* ❤ */
	{"\xE0\xA4\xA8", false},	/* Devanagari NA */
	{"\xE0\xB8\x81", false},	/* Thai KO KAI */
	{"\xCC\x81", true},			/* combining acute */
	{"\xE2\x83\xA3", true},		/* combining enclosing keycap */
	{"\xE2\x80\x8D", true},		/* ZWJ */
	{"\xEF\xB8\x8F", true},		/* VS16 */
	{"\xEF\xB8\x80", true},		/* VS1 */
	{"\xF0\x9F\x87\xA8", true}, /* regional indicator C */
	{"\xF0\x9F\x87\xB3", true}, /* regional indicator N */
	{"\xE1\x84\x80", true},		/* jamo L */
	{"\xE1\x85\xA1", true},		/* jamo V */
	{"\xE1\x86\xA8", true},		/* jamo T */
	{"\xF0\x9F\x8F\xBD", true}, /* skin tone modifier */
	{"\xE0\xA5\x8D", true},		/* Devanagari virama */
	{"\xE0\xA4\xBF", true},		/* Devanagari vowel sign I (spacing) */
	{"\xE0\xB8\xB3", true},		/* Thai SARA AM (spacing) */
	{"\xD8\x80", true},			/* Arabic number sign (prepend) */
};

#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

/* Counts of what the random part observed, reported as a few CHECKs. */
static int	n_random;
static int	n_fast_accepted;
static int	n_bad_structure;
static int	n_split_differs;
static int	n_fast_differs;
static int	n_fast_accepts_joiner;
static int	n_count_differs;

static void
print_hex(const char *what, mv_str s)
{
	fprintf(stderr, "  %s (%zu bytes):", what, s.len);
	for (size_t i = 0; i < s.len; i++)
		fprintf(stderr, " %02x", (unsigned char) s.ptr[i]);
	fprintf(stderr, "\n");
}

/* True if g is a valid segmentation of s: 0 = offs[0] < ... < offs[n] = len. */
static bool
well_formed(mv_str s, const mv_graphemes *g)
{
	if (g->offs == NULL || g->offs[0] != 0 || g->offs[g->count] != s.len)
		return false;
	if ((s.len == 0) != (g->count == 0))
		return false;
	for (size_t i = 0; i < g->count; i++)
	{
		size_t		a = g->offs[i];
		size_t		b = g->offs[i + 1];

		if (a >= b)
			return false;
		/* A boundary never falls inside a UTF-8 sequence. */
		if (b < s.len && ((unsigned char) s.ptr[b] & 0xC0) == 0x80)
			return false;
	}
	return true;
}

static bool
same_boundaries(const mv_graphemes *a, const mv_graphemes *b)
{
	return a->count == b->count &&
		memcmp(a->offs, b->offs, (a->count + 1) * sizeof(size_t)) == 0;
}

/*
 * Runs every splitter over s and records disagreements.  Returns the ICU
 * grapheme count, or (size_t) -1 when ICU itself failed.  *fast_accepted
 * reports whether the fast path took the string.
 */
static size_t
differential(mv_str s, bool *fast_accepted, bool quiet)
{
	mv_graphemes icu;
	mv_graphemes pub;
	mv_graphemes fast;
	size_t		count;
	size_t		count2 = 0;
	bool		failed = false;

	if (mv_graphemes_split_icu(s, &icu) != MV_OK)
	{
		n_bad_structure++;
		if (!quiet)
			print_hex("ICU split failed", s);
		*fast_accepted = false;
		return (size_t) -1;
	}
	count = icu.count;
	if (!well_formed(s, &icu))
	{
		n_bad_structure++;
		failed = true;
	}

	if (mv_graphemes_split(s, &pub) != MV_OK)
	{
		n_split_differs++;
		failed = true;
	}
	else
	{
		if (!well_formed(s, &pub) || !same_boundaries(&icu, &pub))
		{
			n_split_differs++;
			failed = true;
		}
		mv_graphemes_free(&pub);
	}

	if (mv_grapheme_count(s, &count2) != MV_OK || count2 != count)
	{
		n_count_differs++;
		failed = true;
	}

	*fast_accepted = mv_graphemes_split_fast(s, &fast);
	if (*fast_accepted)
	{
		if (!well_formed(s, &fast) || !same_boundaries(&icu, &fast))
		{
			n_fast_differs++;
			failed = true;
		}
		mv_graphemes_free(&fast);
	}

	if (failed && !quiet)
		print_hex("splitters disagree on", s);
	mv_graphemes_free(&icu);
	return count;
}

static void
test_named_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const named_case *c = &cases[i];
		mv_str		s = S(c->text);
		int			before = n_bad_structure + n_split_differs +
			n_fast_differs + n_count_differs;
		bool		accepted;
		size_t		count = differential(s, &accepted, false);
		bool		ok = true;

		if (count < c->min_count || count > c->max_count)
		{
			fprintf(stderr, "  %s: %zu graphemes, expected %zu..%zu\n",
					c->name, count, c->min_count, c->max_count);
			ok = false;
		}
		if ((c->fast == FAST_ACCEPT && !accepted) ||
			(c->fast == FAST_REFUSE && accepted))
		{
			fprintf(stderr, "  %s: fast path %s it\n", c->name,
					accepted ? "accepted" : "refused");
			ok = false;
		}
		if (n_bad_structure + n_split_differs + n_fast_differs +
			n_count_differs != before)
		{
			fprintf(stderr, "  %s: splitters disagree\n", c->name);
			ok = false;
		}
		CHECK(ok);
	}
}

/*
 * Long strings cross MV_GRAPHEMES_INLINE, so the heap-grown offset array of
 * both paths is exercised (and freed: valgrind runs this test).
 */
static void
test_long_strings(void)
{
	static const char *units[] = {"a", "张", "\r\n", "👍🏽", "e\xCC\x81", "🇨🇳"};

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
	{
		size_t		ulen = strlen(units[u]);
		size_t		reps = 3 * MV_GRAPHEMES_INLINE + 7;
		char	   *text = malloc(ulen * reps);
		bool		accepted;

		for (size_t r = 0; r < reps; r++)
			memcpy(text + r * ulen, units[u], ulen);
		CHECK(differential((mv_str) {text, ulen * reps}, &accepted, false) == reps);
		/* The first three units are simple: the fast path must take them. */
		CHECK(accepted == (u < 3));
		free(text);
	}
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t rng_state = 20240517;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
test_random_strings(int iterations)
{
	char		text[4096];

	/* Count only what the random strings do (named cases are reported). */
	n_bad_structure = n_split_differs = n_fast_differs = n_count_differs = 0;

	for (int it = 0; it < iterations; it++)
	{
		/* Mostly short strings, every tenth one past the inline array. */
		size_t		npieces = (it % 10 == 9) ? 60 + rng() % 120 : rng() % 12;
		size_t		len = 0;
		bool		has_joiner = false;
		bool		accepted;

		/* Half the strings avoid joiners, so the fast path gets work. */
		bool		simple_only = (rng() & 1) != 0;

		for (size_t i = 0; i < npieces; i++)
		{
			const piece *p = &pieces[rng() % NPIECES];
			size_t		plen = strlen(p->text);

			if (simple_only && p->joiner)
				continue;
			if (len + plen > sizeof(text))
				break;
			memcpy(text + len, p->text, plen);
			len += plen;
			has_joiner |= p->joiner;
		}

		n_random++;
		/* Print the first few failing inputs only. */
		differential((mv_str) {text, len}, &accepted,
					 n_bad_structure + n_split_differs + n_count_differs +
					 n_fast_differs > 5);
		if (accepted)
			n_fast_accepted++;
		if (accepted && has_joiner)
		{
			n_fast_accepts_joiner++;
			if (n_fast_accepts_joiner <= 5)
				print_hex("fast path accepted a joiner in", (mv_str) {text, len});
		}
	}

	CHECK(n_bad_structure == 0);
	CHECK(n_split_differs == 0);
	CHECK(n_count_differs == 0);
	CHECK(n_fast_differs == 0);
	CHECK(n_fast_accepts_joiner == 0);
	/* Guard against a vacuous run: the fast path must have taken many. */
	CHECK(n_fast_accepted > iterations / 10);
	if (n_bad_structure + n_split_differs + n_count_differs + n_fast_differs +
		n_fast_accepts_joiner > 0)
		fprintf(stderr, "  random: %d strings, %d taken by the fast path; "
				"bad structure %d, split differs %d, count differs %d, "
				"fast differs %d, fast accepted joiner %d\n",
				n_random, n_fast_accepted, n_bad_structure, n_split_differs,
				n_count_differs, n_fast_differs, n_fast_accepts_joiner);
}

int
main(void)
{
	test_named_cases();
	test_long_strings();
	test_random_strings(5000);
	return MV_TEST_DONE();
}
