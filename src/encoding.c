/*-------------------------------------------------------------------------
 *
 * encoding.c
 *	  Server encoding <-> UTF-8 for the glue (core status -> ereport is
 *	  errors.c).
 *
 * The core reads and writes UTF-8 only.  In a database of another encoding
 * (EUC_CN, GBK is client-only, GB18030 likewise) arguments are converted to
 * UTF-8 and results back, so a value masks identically in every encoding.
 * SQL_ASCII declares no encoding at all: its bytes cannot be read as
 * characters, so masking there would count bytes, split characters and
 * could leak; it is refused at call time.
 *
 * No message here quotes an argument: a masked value must never reach the
 * server log or the client through an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "mv_glue.h"

/* Refuses SQL_ASCII databases with a hint on what to do instead. */
static void
reject_sql_ascii(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("maskview functions cannot be used in a SQL_ASCII database"),
			 errdetail("A SQL_ASCII database does not say how its bytes encode characters, so characters cannot be counted or masked safely."),
			 errhint("Store the data in a database created with ENCODING 'UTF8' (or another server encoding such as EUC_CN).")));
}

/*
 * True if every byte is ASCII.  Every server encoding is a superset of ASCII
 * (PostgreSQL requires it), so ASCII text needs no conversion either way:
 * phone, ID and card numbers and the default mask char skip the conversion.
 */
static bool
all_ascii(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return false;
	return true;
}

/*
 * The stand-in for a value that has no UTF-8 equivalent: one '*' per
 * character of the value (counted in the server encoding).  Every masking
 * function then shows nothing of it -- at most asterisks where it keeps
 * characters -- and a row holding such a value no longer aborts the query
 * that reads it.
 */
static char *
unconvertible_stand_in(const char *src, int len)
{
	char	   *out = palloc(len + 1);
	int			i = 0;
	int			n = 0;

	while (i < len)
	{
		int			l = pg_encoding_mblen_bounded(GetDatabaseEncoding(), src + i);

		out[n++] = '*';
		i += Max(l, 1);
	}
	out[n] = '\0';
	return out;
}

/*
 * Converts len bytes between the server encoding and UTF-8 (to_utf8: from
 * the server encoding), or returns NULL when the text has no equivalent in
 * the other encoding.  PostgreSQL's error for that quotes the text's bytes,
 * which belong to a masked value: it is discarded, never shown.  Other
 * errors (out of memory, a cancel) propagate.  The result is the input
 * itself when the conversion changes nothing.
 */
static char *
convert_or_null(const char *src, int len, bool to_utf8)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	char	   *out = NULL;

	PG_TRY();
	{
		out = to_utf8 ? pg_server_to_any(src, len, PG_UTF8)
			: pg_any_to_server(src, len, PG_UTF8);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_UNTRANSLATABLE_CHARACTER &&
			edata->sqlerrcode != ERRCODE_CHARACTER_NOT_IN_REPERTOIRE)
			PG_RE_THROW();
		FlushErrorState();
		FreeErrorData(edata);
		out = NULL;
	}
	PG_END_TRY();
	return out;
}

/*
 * Converts a text from the server encoding to UTF-8 (a palloc'd copy, or the
 * text's own bytes when the conversion changes nothing).  A value the server
 * encoding accepts but that has no UTF-8 equivalent (EUC_CN's byte ranges
 * hold codes GB2312 never assigned, such as 0xAAA1) is masked fully, like
 * any other value the masks cannot read: PostgreSQL's own conversion error
 * would quote its bytes, and one such row would abort the whole view.
 */
mv_str
mv_text_to_utf8_convert(const text *t)
{
	const char *src = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	char	   *utf8;
	mv_str		s;

	if (GetDatabaseEncoding() == PG_SQL_ASCII)
		reject_sql_ascii();

	if (all_ascii(src, len))
	{
		s.ptr = src;
		s.len = len;
		return s;
	}
	utf8 = convert_or_null(src, len, true);
	if (utf8 == NULL)
		utf8 = unconvertible_stand_in(src, len);
	s.ptr = utf8;
	/* A converted string is NUL-terminated; an unconverted one is not. */
	s.len = (utf8 == src) ? (size_t) len : strlen(utf8);
	return s;
}

/*
 * Converts UTF-8 result bytes to the server encoding.  PostgreSQL's own
 * conversion error quotes the offending bytes, which belong to the masked
 * value (NFKC may map a character to one the encoding lacks), so it is
 * replaced by an error that quotes nothing.
 */
static char *
result_to_server(const char *utf8, int len)
{
	char	   *server = convert_or_null(utf8, len, false);

	if (server == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("masked result cannot be represented in the database encoding"),
				 errdetail("Masks are computed in Unicode and the value is normalised (NFKC) first; the value itself is not shown here."),
				 errhint("A character that NFKC normalisation produced from the value (such as the yen sign from a full-width yen sign), or the mask_char, has no equivalent in encoding %s: mask this column in a UTF8 database, or use a rule that does not keep that character.",
						 GetDatabaseEncodingName())));
	return server;
}

/*
 * Converts a result buffer (UTF-8 after a VARHDRSZ reserve) to a text in the
 * server encoding.
 */
Datum
mv_result_convert(mv_buf *out)
{
	char	   *utf8 = out->data + VARHDRSZ;
	int			len = (int) (out->len - VARHDRSZ);
	char	   *server;
	text	   *result;

	if (all_ascii(utf8, len))
	{
		SET_VARSIZE(out->data, out->len);
		return PointerGetDatum(out->data);
	}
	server = result_to_server(utf8, len);
	if (server == utf8)
	{
		/* Nothing changed (e.g. an empty result): use the buffer as is. */
		SET_VARSIZE(out->data, out->len);
		return PointerGetDatum(out->data);
	}
	result = cstring_to_text(server);
	pfree(server);
	mv_buf_free(out);
	return PointerGetDatum(result);
}
