/*
 * test_cases_reader.c
 *	  The reader of the cases files (mv_test.h) on rows written here: each
 *	  malformed row must count as a failed test instead of being read some
 *	  other way or skipped, and well-formed rows (escapes, "", comments) must
 *	  be read as written.
 */
#include <fcntl.h>
#include <unistd.h>

#include "mv_test.h"

/* The "mask" of these tests: the value itself, after its one parameter. */
static mv_status
run_echo(const mv_case *c, mv_buf *out)
{
	return mv_buf_append(out, c->value.ptr, c->value.len);
}

static mv_status
run_int_param(const mv_case *c, mv_buf *out)
{
	(void) mv_case_int(c, 0);
	return run_echo(c, out);
}

/* A validator that holds of every value. */
static bool
any_value(mv_str value)
{
	(void) value;
	return true;
}

/* What reading one file's rows added to the tallies. */
typedef struct tally
{
	int			passed;
	int			failed;
} tally;

/*
 * Writes text to a file of its own and reads it: as a validator's file when
 * nparams < 0, else as a mask test's with nparams parameters (run_int_param
 * for one, run_echo otherwise).  The tallies are restored, and the reader's
 * messages discarded: the caller judges what was counted.
 */
static tally
read_text(const char *text, int nparams)
{
	char		path[] = "/tmp/mv_cases_XXXXXX";
	int			fd = mkstemp(path);
	int			saved_err;
	int			null_fd;
	tally		t = {mv_test_passed, mv_test_failed};

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
	{
		perror("read_text");
		exit(2);
	}
	close(fd);

	fflush(stderr);
	saved_err = dup(2);
	null_fd = open("/dev/null", O_WRONLY);
	dup2(null_fd, 2);
	if (nparams < 0)
		mv_check_valid_file(path, any_value);
	else
		mv_check_file(path, nparams, &star,
					  nparams == 1 ? run_int_param : run_echo);
	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	close(null_fd);
	unlink(path);

	t.passed = mv_test_passed - t.passed;
	t.failed = mv_test_failed - t.failed;
	mv_test_passed -= t.passed;
	mv_test_failed -= t.failed;
	return t;
}

/* Counts one test: text is one malformed row, read as one failure. */
#define CHECK_MALFORMED(text, nparams) \
	do { \
		tally		t_ = read_text((text), (nparams)); \
		if (t_.passed == 0 && t_.failed == 1) \
			mv_test_passed++; \
		else \
		{ \
			mv_test_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s read as %d passed, %d failed\n", \
					__FILE__, __LINE__, #text, t_.passed, t_.failed); \
		} \
	} while (0)

int
main(void)
{
	tally		t;

	/* Well-formed rows are read as written: 6 passes, no failure. */
	t = read_text("# a comment line\n"
				  "\n"
				  "ab\tab\n"
				  "ab\tab\t# a comment after the fields\n"
				  "\\x20a\\x20\t\\x20a\\x20\n"
				  "\"\"\t\"\"\n"
				  "\\t\\\\\\n\\r\\xe2\\x97\\x8f\t\\t\\\\\\n\\r\xe2\x97\x8f\n"
				  "ab\tab\t*\n", 0);
	CHECK(t.passed == 6 && t.failed == 0);
	t = read_text("ab\tab\t-12\n", 1);
	CHECK(t.passed == 1 && t.failed == 0);
	t = read_text("\\x41\ttrue\n", -1);
	CHECK(t.passed == 1 && t.failed == 0);

	/* An empty field, from two tabs or a trailing one. */
	CHECK_MALFORMED("ab\t\tab\n", 0);
	CHECK_MALFORMED("ab\tab\t\n", 0);
	CHECK_MALFORMED("\tab\tab\n", 0);
	/* White space an editor leaves: at an end of a field, a CRLF line. */
	CHECK_MALFORMED("ab \tab \n", 0);
	CHECK_MALFORMED("ab\tab\r\n", 0);
	CHECK_MALFORMED(" \n", 0);
	/* Escapes: unknown, \x without two hex digits, a NUL byte. */
	CHECK_MALFORMED("\\q\ttrue\n", -1);
	CHECK_MALFORMED("\\xZZ\ttrue\n", -1);
	CHECK_MALFORMED("\\x4\ttrue\n", -1);
	CHECK_MALFORMED("\\x00\ttrue\n", -1);
	CHECK_MALFORMED("a\\\ttrue\n", -1);
	/* More fields than a row holds, even when the first ones fit. */
	CHECK_MALFORMED("ab\tab\t1\t2\t3\t4\t*\n", 4);
	/* A parameter the test cannot read. */
	CHECK_MALFORMED("ab\tab\t6x\n", 1);
	CHECK_MALFORMED("ab\tab\tsix\n", 1);
	/* A file without a row (comments only). */
	CHECK_MALFORMED("# nothing but a comment\n\n", 0);

	return MV_TEST_DONE();
}
