/*-------------------------------------------------------------------------
 *
 * rule_parse.c
 *	  From the text an admin typed to the one expression node the rest of
 *	  the validator walks: comments are refused, the raw parser reads the
 *	  text, and anything but exactly one plain expression is refused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"

#include "rule_validator.h"

/* True for bytes that may continue an identifier or a number. */
static inline bool
mv_is_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Skips the quoted string or identifier that starts at p (its quote char,
 * doubled inside to stand for itself), returning the byte after its closing
 * quote, or NULL when it is not closed.  backslash: a backslash escapes the
 * next byte (E'...', or '...' without standard_conforming_strings).
 */
static const char *
skip_quoted(const char *p, bool backslash)
{
	char		quote = *p;

	for (p++; *p; p++)
	{
		if (backslash && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == quote && p[1] == quote)
			p++;
		else if (*p == quote)
			return p + 1;
	}
	return NULL;
}

/*
 * Returns the byte offset of the first comment ("--" or a C-style block)
 * in s that lies outside quoted strings, quoted identifiers and dollar
 * quotes, or -1 if there is none.
 *
 * The lexer drops comments, so the rebuilt SQL could never carry one; they
 * are refused anyway because a rule that hides text from the reader of the
 * catalog is not one an auditor should have to trust.  The scan follows the
 * lexer's quoting rules closely enough for that purpose: where it is unsure
 * (an unterminated quote) it reports nothing and the parser reports the
 * error.
 */
int
mv_find_comment(const char *s)
{
	const char *p = s;
	bool		escape_next_string = false;

	while (*p)
	{
		unsigned char c = (unsigned char) *p;

		if ((c == '-' && p[1] == '-') || (c == '/' && p[1] == '*'))
			return (int) (p - s);

		if (c == '\'' || c == '"')
		{
			/* E'...' always, and '...' too when backslashes still escape */
			p = skip_quoted(p, c == '\'' &&
							(escape_next_string || !standard_conforming_strings));
			if (p == NULL)
				return -1;
			escape_next_string = false;
			continue;
		}
		escape_next_string = false;

		if (c == '$')
		{
			/* $tag$ ... $tag$, where the tag may be empty */
			const char *q = p + 1;

			if (isalpha((unsigned char) *q) || *q == '_' ||
				(unsigned char) *q >= 0x80)
			{
				while (isalnum((unsigned char) *q) || *q == '_' ||
					   (unsigned char) *q >= 0x80)
					q++;
			}
			if (*q == '$')
			{
				int			taglen = (int) (q - p) + 1;
				const char *end = q + 1;

				for (;;)
				{
					end = strchr(end, '$');
					if (end == NULL)
						return -1;
					if (strncmp(end, p, taglen) == 0)
						break;
					end++;
				}
				p = end + taglen;
				continue;
			}
			p++;
			continue;
		}

		if (mv_is_word_byte(c))
		{
			/* a whole word, so that "$" inside it is not a dollar quote */
			const char *start = p;

			while (mv_is_word_byte((unsigned char) *p))
				p++;
			escape_next_string = (p - start == 1 &&
								  (*start == 'e' || *start == 'E') &&
								  *p == '\'');
			continue;
		}
		p++;
	}
	return -1;
}

/* mv_catch_input_error body: the raw parse of an expression. */
typedef struct MvRawParse
{
	const char *expression;
	List	   *raw;
} MvRawParse;

static void
mv_raw_parse_body(void *arg)
{
	MvRawParse *p = (MvRawParse *) arg;

	p->raw = raw_parser(p->expression, RAW_PARSE_PLPGSQL_EXPR);
}

/*
 * The raw parse trees of an expression, read as PL/pgSQL reads one, or NIL
 * with *error set to the input error the parser raised.  The raw parser
 * touches no catalog and holds no resources but memory, so its input errors
 * can be caught without a subtransaction; anything else (out of memory,
 * cancel) goes on unchanged.
 */
List *
mv_raw_parse(const char *expression, ErrorData **error)
{
	MvRawParse	parse = {expression, NIL};

	*error = mv_catch_input_error(mv_raw_parse_body, &parse, true);
	return parse.raw;
}

/*
 * Refuses a SELECT with any clause beside its target list, in the order
 * they are written.  A clause is there when its field is not NULL (or NIL,
 * which is NULL too).
 */
static void
mv_refuse_clauses(const MvValidator *v, const SelectStmt *select)
{
	const struct
	{
		const void *clause;
		const char *refusal;
	}			clauses[] = {
		{select->withClause, "WITH clauses are not allowed."},
		{select->intoClause, "INTO clauses are not allowed."},
		{select->distinctClause, "DISTINCT is not allowed."},
		{select->fromClause, "FROM clauses are not allowed: references to other tables are not allowed."},
		{select->whereClause, "WHERE clauses are not allowed."},
		{select->groupClause, "GROUP BY and HAVING are not allowed."},
		{select->havingClause, "GROUP BY and HAVING are not allowed."},
		{select->windowClause, "WINDOW clauses are not allowed."},
		{select->valuesLists, "VALUES lists are not allowed."},
		{select->sortClause, "ORDER BY is not allowed."},
		{select->limitOffset, "LIMIT and OFFSET are not allowed."},
		{select->limitCount, "LIMIT and OFFSET are not allowed."},
		{select->lockingClause, "Locking clauses are not allowed."},
	};

	for (int i = 0; i < lengthof(clauses); i++)
		if (clauses[i].clause != NULL)
			mv_refuse(v, MV_UNSAFE, NULL, "%s", clauses[i].refusal);
}

/*
 * Parses the expression with the raw parser and returns its one expression
 * node, refusing anything that is not exactly one plain expression.  Syntax
 * errors are reported as refusals (22023) like every other bad input.
 */
Node *
mv_parse(const MvValidator *v, const char *expression)
{
	ErrorData  *edata;
	List	   *raw;
	RawStmt    *rs;
	SelectStmt *select;
	ResTarget  *target;

	raw = mv_raw_parse(expression, &edata);
	if (edata != NULL)
	{
		/*
		 * The parser marks the position with errposition(), but when the
		 * caller runs inside SPI (a plpgsql API function, a DO block) SPI's
		 * error context callback moves it to internalpos, as for a query of
		 * its own.  Either way it is a position in this expression.
		 */
		int			position = edata->cursorpos > 0 ? edata->cursorpos
			: edata->internalpos;

		if (position > 0)
			mv_refuse(v, MV_INVALID, NULL,
					  "The expression could not be parsed: %s (at character %d).",
					  mv_clip_message(edata->message), position);
		mv_refuse(v, MV_INVALID, NULL,
				  "The expression could not be parsed: %s.",
				  mv_clip_message(edata->message));
	}

	if (list_length(raw) != 1)
		mv_refuse(v, MV_UNSAFE, NULL, "Only one expression is allowed.");
	rs = linitial_node(RawStmt, raw);
	if (!IsA(rs->stmt, SelectStmt))
		mv_refuse(v, MV_UNSAFE, NULL, "Only an expression is allowed.");
	select = (SelectStmt *) rs->stmt;

	if (select->op != SETOP_NONE)
		mv_refuse(v, MV_UNSAFE, NULL, "Set operations are not allowed.");
	mv_refuse_clauses(v, select);

	if (select->targetList == NIL)
		mv_refuse(v, MV_INVALID, NULL, "The expression is empty.");
	if (list_length(select->targetList) != 1)
		mv_refuse(v, MV_UNSAFE, NULL, "Only one expression is allowed.");
	target = linitial_node(ResTarget, select->targetList);
	if (target->name != NULL)
		mv_refuse(v, MV_INVALID, NULL, "Column aliases (AS %s) are not allowed.",
				  quote_identifier(target->name));
	if (target->indirection != NIL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Subscripts and field selections are not allowed.");
	return target->val;
}
