/*
 * mv_test.h
 *	  A minimal assertion kit for the core's unit tests: each CHECK counts as
 *	  one test; main() ends with MV_TEST_DONE(), which prints
 *	  "unit: N passed, N failed" for the harness and returns the exit status.
 */
#ifndef MV_TEST_H
#define MV_TEST_H

#include <stdio.h>
#include <string.h>

#include "mv_core.h"

static int	mv_test_passed;
static int	mv_test_failed;

#define CHECK(cond) \
	do { \
		if (cond) \
			mv_test_passed++; \
		else \
		{ \
			mv_test_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Counts one test: st is MV_OK and out holds exactly the expected UTF-8. */
static inline void
mv_check_output(const char *expected, mv_status st, mv_buf *out,
				const char *file, int line)
{
	if (st == MV_OK && out->len == strlen(expected) &&
		memcmp(out->data, expected, out->len) == 0)
		mv_test_passed++;
	else
	{
		mv_test_failed++;
		fprintf(stderr, "FAIL %s:%d: expected \"%s\", got \"%.*s\" (status %d)\n",
				file, line, expected, (int) out->len,
				out->data ? out->data : "", (int) st);
	}
	mv_buf_free(out);
}

/* Runs a masking call and compares its output with the expected UTF-8. */
#define CHECK_MASK(expected, call_with_out) \
	do { \
		mv_buf		out_; \
		mv_buf_init(&out_, 0, 16); \
		mv_check_output((expected), call_with_out(&out_), &out_, \
						__FILE__, __LINE__); \
	} while (0)

/* The same for a mask of the plain signature (value, mask, out). */
#define CHECK_VALUE_MASK(fn, expected, value, mask) \
	do { \
		mv_buf		out_; \
		mv_buf_init(&out_, 0, 16); \
		mv_check_output((expected), (fn)(S(value), (mask), &out_), &out_, \
						__FILE__, __LINE__); \
	} while (0)

#define MV_TEST_DONE() \
	(mv_core_shutdown(), \
	 printf("unit: %d passed, %d failed\n", mv_test_passed, mv_test_failed), \
	 mv_test_failed == 0 ? 0 : 1)

/* The masks most tests use: '*', '*' padded to 4, and the three-byte '●'. */
static const mv_mask star = {{"*", 1}, false, 0};
static const mv_mask pad4 = {{"*", 1}, true, 4};
static const mv_mask dot = {{"\xe2\x97\x8f", 3}, false, 0};	/* U+25CF */

static inline mv_str
S(const char *s)
{
	return (mv_str) {s, strlen(s)};
}

/* The status of a plain-signature mask on value, its output discarded. */
typedef mv_status (*mv_value_mask) (mv_str value, const mv_mask *mask,
									mv_buf *out);

static inline mv_status
value_mask_status(mv_value_mask fn, mv_str value, const mv_mask *mask)
{
	mv_buf		out;
	mv_status	st;

	mv_buf_init(&out, 0, 16);
	st = fn(value, mask, &out);
	mv_buf_free(&out);
	return st;
}

#endif							/* MV_TEST_H */
