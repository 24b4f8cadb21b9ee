/*-------------------------------------------------------------------------
 *
 * rule_types.c
 *	  Type checking: the canonical text of a rule or row filter analysed
 *	  over the table as the view will use it, and the checks that need the
 *	  analysed expression (session settings, masking parameters).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "utils/builtins.h"

#include "rule_validator.h"

/* mv_catch_input_error body: parse analysis of one SELECT. */
typedef struct MvAnalysis
{
	const char *sql;
	Node	   *analysed;		/* the expression of its one target */
} MvAnalysis;

static void
mv_analyse(void *arg)
{
	MvAnalysis *a = (MvAnalysis *) arg;
	List	   *raw = raw_parser(a->sql, RAW_PARSE_DEFAULT);
	Query	   *query;
	TargetEntry *tle;

	query = parse_analyze_fixedparams(linitial_node(RawStmt, raw), a->sql,
									  NULL, 0, NULL);
	tle = linitial_node(TargetEntry, query->targetList);
	a->analysed = (Node *) tle->expr;
}

/*
 * Runs parse analysis over a canonical rule or row filter as the view will
 * use it, and refuses it if that fails, or if a row filter is not boolean.
 * The raw tree does not know types, so "amount + 1" in a filter or
 * mask.partial(name, 'x', 1) in a rule passes the allowlist; without this
 * check they would fail only later, in CREATE VIEW, with an error that is
 * not a refusal.  Nothing is executed: parse analysis resolves names and
 * types (and reads the literals that casts convert).
 */
void
mv_check_types(const MvValidator *v, const char *expr)
{
	MvAnalysis	analysis = {psprintf("SELECT %s FROM ONLY %s", expr, v->relname), NULL};
	ErrorData  *edata;
	Oid			type;

	/*
	 * Type errors ("operator does not exist: text > integer", "invalid input
	 * syntax for type integer").  We raise at once, and the abort releases
	 * what the analysis held.
	 */
	edata = mv_catch_input_error(mv_analyse, &analysis, false);
	if (edata != NULL)
		mv_refuse(v, MV_INVALID, NULL, "The %s does not fit the table: %s.",
				  v->is_row_filter ? "row filter" : "masking rule",
				  mv_clip_message(edata->message));

	type = exprType(analysis.analysed);
	if (v->is_row_filter && type != BOOLOID && type != UNKNOWNOID)
		mv_refuse(v, MV_INVALID, NULL,
				  "A row filter must be a boolean expression; this one is of type %s.",
				  format_type_be(type));

	/* raise refusals of their own */
	mv_check_settings(v, analysis.analysed, analysis.sql);
	if (!v->is_row_filter)
		mv_check_parameters(v, analysis.analysed);
}
