/*-------------------------------------------------------------------------
 *
 * rule_rename.c
 *	  Follows column renames in a rule or row filter, on the parse tree.
 *
 * When the owner renames a column, the rules and the row filter stored as
 * typed must name the new column.  The parser says exactly which tokens
 * are column references (not function names, cast types, string contents
 * or qualified names), and where they start, so only those tokens are
 * replaced and the rest of the text is kept byte for byte.  The text is
 * read with the settings the SQL function pins (standard_conforming_strings
 * on), the same way the validator reads it; the result is validated again
 * before it is used, so a rename can only ever orphan a rule, never let
 * through SQL the validator did not accept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "rule_validator.h"

/* A column reference to rename: where it starts and its new name. */
typedef struct MvRename
{
	int			location;
	const char *new_name;
} MvRename;

typedef struct MvRenameContext
{
	Jsonb	   *renames;		/* old name -> new name */
	List	   *found;			/* MvRename *, in tree order */
} MvRenameContext;

static bool
mv_rename_walker(Node *node, void *context)
{
	MvRenameContext *cx = (MvRenameContext *) context;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, ColumnRef))
	{
		ColumnRef  *cref = (ColumnRef *) node;
		Node	   *field = linitial(cref->fields);

		/* only bare names: the validator refuses qualified ones anyway */
		if (list_length(cref->fields) == 1 && IsA(field, String) &&
			cref->location >= 0)
		{
			const char *name = strVal(field);
			JsonbValue	value;

			if (getKeyJsonValueFromContainer(&cx->renames->root, name,
											 strlen(name), &value) != NULL &&
				value.type == jbvString)
			{
				MvRename   *r = palloc(sizeof(MvRename));

				r->location = cref->location;
				r->new_name = pnstrdup(value.val.string.val,
									   value.val.string.len);
				cx->found = lappend(cx->found, r);
			}
		}
		return false;
	}
	return raw_expression_tree_walker(node, mv_rename_walker, context);
}

static int
mv_rename_cmp(const ListCell *a, const ListCell *b)
{
	const MvRename *ra = lfirst(a);
	const MvRename *rb = lfirst(b);

	return (ra->location > rb->location) - (ra->location < rb->location);
}

/* Length of the identifier token at s: "quoted", U&"quoted" or plain. */
static int
mv_identifier_length(const char *s)
{
	const char *p = s;

	if ((p[0] == 'U' || p[0] == 'u') && p[1] == '&' && p[2] == '"')
		p += 2;
	if (*p == '"')
	{
		for (p++; *p; p++)
		{
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				return (int) (p + 1 - s);
		}
		return -1;
	}
	while (isalnum((unsigned char) *p) || *p == '_' || *p == '$' ||
		   (unsigned char) *p >= 0x80)
		p++;
	return (int) (p - s);
}

/*
 * mask_internal._rename_columns(expression text, renames jsonb) returns text: the
 * expression with every column reference named in renames (old -> new)
 * replaced by the new name, quoted where needed.  An expression that does
 * not parse, or a reference written in a form this does not rewrite
 * (U&"..." UESCAPE), is returned unchanged, for the validator to refuse.
 */
PG_FUNCTION_INFO_V1(mv_sql_rename_columns);
Datum
mv_sql_rename_columns(PG_FUNCTION_ARGS)
{
	text	   *expression = PG_GETARG_TEXT_PP(0);
	char	   *s = text_to_cstring(expression);
	MvRenameContext cx;
	List	   *raw;
	ErrorData  *syntax_error;
	StringInfoData out;
	ListCell   *lc;
	int			pos = 0;

	memset(&cx, 0, sizeof(cx));
	cx.renames = PG_GETARG_JSONB_P(1);
	if (!JB_ROOT_IS_OBJECT(cx.renames))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("renames must be a JSON object of old name to new name")));

	raw = mv_raw_parse(s, &syntax_error);
	if (syntax_error != NULL)
		PG_RETURN_TEXT_P(expression);

	foreach(lc, raw)
		(void) mv_rename_walker((Node *) lfirst_node(RawStmt, lc)->stmt, &cx);
	if (cx.found == NIL)
		PG_RETURN_TEXT_P(expression);
	list_sort(cx.found, mv_rename_cmp);

	initStringInfo(&out);
	foreach(lc, cx.found)
	{
		MvRename   *r = lfirst(lc);
		int			len = mv_identifier_length(s + r->location);
		const char *after;

		if (r->location < pos || len <= 0)
			PG_RETURN_TEXT_P(expression);
		/* U&"..." UESCAPE '...' is left alone (and refused later) */
		after = s + r->location + len;
		while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
			after++;
		if (pg_strncasecmp(after, "uescape", 7) == 0)
			PG_RETURN_TEXT_P(expression);

		appendBinaryStringInfo(&out, s + pos, r->location - pos);
		appendStringInfoString(&out, quote_identifier(r->new_name));
		pos = r->location + len;
	}
	appendStringInfoString(&out, s + pos);
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}
