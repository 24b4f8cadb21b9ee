/*-------------------------------------------------------------------------
 *
 * rule_refuse.c
 *	  How the validator says no: one error for every refusal, the name of a
 *	  parse node that is not allowed, and the two ways of catching an input
 *	  error so that it can become a refusal.
 *
 * Every bad rule or row filter gets SQLSTATE 22023 with a detail naming the
 * offending part and a hint, whatever part of the validator found it: a
 * syntax error of the raw parser, a missing column, an unknown type, a value
 * a masking function refuses.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/resowner.h"

#include "rule_validator.h"

/*
 * Raises the validator's error: SQLSTATE 22023, a primary message saying
 * whether the rule or filter is unsafe or invalid, the formatted detail
 * naming the offending part, and a hint (the general one when NULL).
 */
void
mv_refuse(const MvValidator *v, MvRefusal kind, const char *hint,
		  const char *fmt,...)
{
	StringInfoData detail;
	const char *message;

	initStringInfo(&detail);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&detail, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&detail, needed);
	}

	if (v->is_row_filter)
		message = kind == MV_UNSAFE ? "unsafe row filter" : "invalid row filter";
	else
		message = kind == MV_UNSAFE ? "unsafe masking rule" : "invalid masking rule";

	if (hint == NULL)
		hint = v->is_row_filter ?
			"A row filter is a boolean expression over the table's columns and constants, using operators and immutable functions built into PostgreSQL." :
			"A masking rule is a call of a trusted masking function, such as mask.cn_name(holder_name), whose arguments are constants, columns of the table, casts to built-in types or nested trusted calls.";

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail.data),
			 errhint("%s", hint)));
}

/*
 * Refuses an expression nested deeper than MV_MAX_DEPTH, and stops one that
 * would overflow the stack first; called by the walkers on every node.
 */
void
mv_check_depth(const MvValidator *v, int depth)
{
	check_stack_depth();
	if (depth > MV_MAX_DEPTH)
		mv_refuse(v, MV_INVALID, NULL,
				  "Expressions may be nested at most %d levels deep.",
				  MV_MAX_DEPTH);
}

/*
 * Returns at most MV_MAX_PARSER_MESSAGE bytes of a parser message.  Some
 * parser errors quote the rest of the input from the failing token on
 * ("unterminated quoted string at or near ..."); the detail should name
 * the token, not repeat the expression.
 */
char *
mv_clip_message(const char *message)
{
	int			len = strlen(message);
	int			cut;

	if (len <= MV_MAX_PARSER_MESSAGE)
		return pstrdup(message);
	cut = pg_mbcliplen(message, len, MV_MAX_PARSER_MESSAGE);
	return psprintf("%.*s...", cut, message);
}

/*
 * Runs body(arg) and returns NULL, or a copy of the error it raised if that
 * is an input error: a syntax or access-rule error (class 42), a data
 * exception (class 22) and, with limits_too, a program limit (class 54, such
 * as an expression too deeply nested for the parser).  Any other error (out
 * of memory, a cancel) is raised again unchanged.
 *
 * There is no subtransaction, so this is only for a body that holds nothing
 * but memory when it fails (the raw parser, a type lookup), or whose caller
 * raises an error at once (parse analysis: the abort releases what it
 * held).  The refusals built from these errors replace the three copies of
 * this catch block the validator had.
 */
ErrorData *
mv_catch_input_error(void (*body) (void *), void *arg, bool limits_too)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ErrorData  *volatile failure = NULL;

	PG_TRY();
	{
		body(arg);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		if (category != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION &&
			category != ERRCODE_DATA_EXCEPTION &&
			!(limits_too && category == ERRCODE_PROGRAM_LIMIT_EXCEEDED))
			PG_RE_THROW();
		FlushErrorState();
		failure = edata;
	}
	PG_END_TRY();
	return failure;
}

/*
 * Runs body(arg) in a subtransaction and returns NULL, or a copy of the
 * error it raised if that is a data exception (class 22: a value a function
 * or an input routine refused); any other error is raised again.  Whatever
 * body did, settings included, is undone when it fails.  For the checks
 * that try a constant or a rule's parameters out before accepting them.
 */
ErrorData *
mv_try_data(void (*body) (void *), void *arg)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile failure = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		body(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			ReThrowError(edata);
		failure = edata;
	}
	PG_END_TRY();
	return failure;
}

/*
 * Names a node that is not on the allowlist, in the words a user would
 * recognise, and refuses it.
 */
void
mv_refuse_node(const MvValidator *v, const Node *node)
{
	const char *what = NULL;

	switch (nodeTag(node))
	{
		case T_SubLink:
			mv_refuse(v, MV_UNSAFE, NULL, "Subqueries are not allowed.");
			break;
		case T_ParamRef:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Parameters such as $1 are not allowed.");
			break;
		case T_A_Indirection:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Subscripts and field selections are not allowed.");
			break;
		case T_CollateClause:
			what = "COLLATE clauses";
			break;
		case T_RowExpr:
			what = "Row constructors";
			break;
		case T_A_ArrayExpr:
			what = "Array constructors";
			break;
		case T_CaseExpr:
			what = "CASE expressions";
			break;
		case T_CoalesceExpr:
			what = "COALESCE expressions";
			break;
		case T_MinMaxExpr:
			what = "GREATEST and LEAST";
			break;
		case T_BoolExpr:
			what = "AND, OR and NOT";
			break;
		case T_NullTest:
		case T_BooleanTest:
			what = "IS tests";
			break;
		case T_SQLValueFunction:
			what = "Special functions such as CURRENT_USER";
			break;
		case T_GroupingFunc:
			what = "GROUPING";
			break;
		case T_XmlExpr:
		case T_XmlSerialize:
			what = "XML expressions";
			break;
		case T_SetToDefault:
			what = "DEFAULT";
			break;
		case T_NamedArgExpr:
			what = "Named arguments outside a function call";
			break;
		default:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Expressions of this kind are not allowed (parse node %d).",
					  (int) nodeTag(node));
	}
	if (v->is_row_filter)
		mv_refuse(v, MV_UNSAFE, NULL, "%s are not allowed in row filters.",
				  what);
	mv_refuse(v, MV_UNSAFE, NULL, "%s are not allowed in masking rules.", what);
}
