/*-------------------------------------------------------------------------
 *
 * rule_constants.c
 *	  Date/time constants of a rule or row filter must mean the same value
 *	  under every DateStyle, IntervalStyle and TimeZone.
 *
 * A string constant typed as date, time, timestamp or interval is read
 * under the session's settings: '03/04/2024' is 4 March under MDY and
 * 3 April under DMY, so a row filter typed in one session would show other
 * rows after a regeneration in another.  Rather than guess from its shape,
 * each such constant is read again under several other settings, and
 * refused unless every reading gives the value of the first (ISO 8601 forms
 * do).  Constants naming a moment relative to now ('today') are refused
 * too: the view would keep the moment it was created at.  The rest of the
 * session-settings checks are in rule_settings.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "rule_validator.h"

/* Longest literal repeated in a detail. */
#define MV_MAX_LITERAL_SHOWN 40

/*
 * Settings a date/time constant is read under, besides the pinned ones it
 * was read under first: every field order, every interval style, and time
 * zones 26 hours apart (so that 'today' differs too).
 */
static const char *const mv_variants[][3] = {
	/* DateStyle, IntervalStyle, TimeZone */
	{"SQL, DMY", "sql_standard", "Etc/GMT-14"},
	{"Postgres, YMD", "iso_8601", "Etc/GMT+12"},
	{"German, MDY", "postgres_verbose", "UTC"},
};

/* A string constant of the analysed text and where it starts. */
typedef struct MvLiteral
{
	int			location;
	const char *text;
} MvLiteral;

/* Collects the string constants of a raw parse tree with their offsets. */
static bool
mv_collect_literals(Node *node, void *context)
{
	List	  **literals = (List **) context;

	if (node == NULL)
		return false;
	if (IsA(node, A_Const))
	{
		A_Const    *c = (A_Const *) node;

		if (!c->isnull && IsA(&c->val, String))
		{
			MvLiteral  *lit = palloc(sizeof(MvLiteral));

			lit->location = c->location;
			lit->text = strVal(&c->val);
			*literals = lappend(*literals, lit);
		}
		return false;
	}
	return raw_expression_tree_walker(node, mv_collect_literals, context);
}

/* The string literal at a location of the analysed SQL, or NULL. */
static const char *
mv_literal_at(MvLiterals *literals, int location)
{
	ListCell   *lc;

	if (!literals->read)
	{
		List	   *raw = raw_parser(literals->sql, RAW_PARSE_DEFAULT);

		(void) mv_collect_literals((Node *) linitial_node(RawStmt, raw)->stmt,
								   &literals->found);
		literals->read = true;
	}
	foreach(lc, literals->found)
	{
		MvLiteral  *lit = lfirst(lc);

		if (lit->location == location)
			return lit->text;
	}
	return NULL;
}

/* A literal for a detail, cut short. */
static char *
mv_literal_shown(const char *text)
{
	int			len = strlen(text);

	if (len <= MV_MAX_LITERAL_SHOWN)
		return quote_literal_cstr(text);
	return psprintf("%s...", quote_literal_cstr(pnstrdup(text,
														 pg_mbcliplen(text, len, MV_MAX_LITERAL_SHOWN))));
}

/* What mv_input_under hands to its mv_try_data body. */
typedef struct MvInputCall
{
	const char *const *variant;
	Oid			typinput;
	Oid			typioparam;
	int32		typmod;
	const char *text;
	Datum		result;
} MvInputCall;

static void
mv_input_call(void *arg)
{
	MvInputCall *in = (MvInputCall *) arg;
	int			nest = NewGUCNestLevel();

	(void) set_config_option("datestyle", in->variant[0], PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", in->variant[1], PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("timezone", in->variant[2], PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	in->result = OidInputFunctionCall(in->typinput, unconstify(char *, in->text),
									  in->typioparam, in->typmod);
	AtEOXact_GUC(true, nest);
}

/*
 * Reads text as a value of a type under one set of variant settings, in a
 * subtransaction so that a failure and the settings are both undone.
 * Returns false if the input function failed.
 */
static bool
mv_input_under(const char *const *variant, Oid typinput, Oid typioparam,
			   int32 typmod, const char *text, Datum *result)
{
	MvInputCall in = {variant, typinput, typioparam, typmod, text, (Datum) 0};

	if (mv_try_data(mv_input_call, &in) != NULL)
		return false;
	*result = in.result;
	return true;
}

/* True if text names a moment relative to now ('today', 'now', ...). */
static bool
mv_names_now(const char *text)
{
	static const char *const words[] = {"now", "today", "tomorrow", "yesterday"};
	char	   *lower = asc_tolower(text, strlen(text));
	int			i;

	for (i = 0; i < lengthof(words); i++)
		if (strstr(lower, words[i]) != NULL)
			return true;
	return false;
}

/*
 * Refuses a date/time constant whose value depends on the settings it is
 * read under, or on the moment it is read.
 */
void
mv_check_datetime_const(const MvValidator *v, MvLiterals *literals,
						const Const *c)
{
	const char *text;
	Oid			typinput;
	Oid			typioparam;
	int16		typlen;
	bool		typbyval;
	int			i;

	text = mv_literal_at(literals, c->location);
	if (text == NULL)
		return;					/* not typed as a string: nothing to read */

	if (mv_names_now(text))
		mv_refuse(v, MV_UNSAFE,
				  "Write a fixed date or time, such as '2024-03-15'.",
				  "The %s constant %s names a moment relative to now; the view would keep the moment it was created at.",
				  format_type_be(c->consttype), mv_literal_shown(text));

	getTypeInputInfo(c->consttype, &typinput, &typioparam);
	get_typlenbyval(c->consttype, &typlen, &typbyval);
	for (i = 0; i < lengthof(mv_variants); i++)
	{
		Datum		value;

		if (!mv_input_under(mv_variants[i], typinput, typioparam,
							c->consttypmod, text, &value) ||
			!datumIsEqual(c->constvalue, value, typbyval, typlen))
			mv_refuse(v, MV_UNSAFE,
					  "Write dates and times in ISO 8601 form, such as '2024-03-15' or '2024-03-15 08:00:00+08', and intervals with a unit for every field, such as '1 day 02:00:00'.",
					  "The %s constant %s means different values under different DateStyle, IntervalStyle or TimeZone settings.",
					  format_type_be(c->consttype), mv_literal_shown(text));
	}
}
