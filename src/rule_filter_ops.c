/*-------------------------------------------------------------------------
 *
 * rule_filter_ops.c
 *	  Row filters: operators and function calls.
 *
 * An unqualified operator or function in a view is looked up on the
 * search_path of whoever creates the view, so row filters are written out
 * with OPERATOR(pg_catalog.op) and pg_catalog.fn(...), and every operator
 * or function of that name that the argument types could select must be
 * built in and not volatile.  The forms the parser would expand with
 * unqualified operators (IN, BETWEEN, NULLIF, CASE x WHEN) are expanded
 * here, with qualified ones.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "rule_validator.h"

/*
 * Checks an operator name in a row filter and returns its bare symbol.
 * Row filters are written out with OPERATOR(pg_catalog.op), so only the
 * operators of that name in pg_catalog can be chosen when the view is
 * created: all of them must be built in and none volatile, whichever one
 * the argument types pick.
 */
const char *
mv_filter_operator(const MvValidator *v, List *opname)
{
	char	   *schema;
	char	   *name;
	CatCList   *catlist;
	int			i;
	int			found = 0;

	if (list_length(opname) > 2)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Operator %s is not built into PostgreSQL.",
				  NameListToString(opname));
	DeconstructQualifiedName(opname, &schema, &name);
	if (schema != NULL && strcmp(schema, "pg_catalog") != 0)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Operator %s is not built into PostgreSQL.",
				  NameListToString(opname));

	catlist = SearchSysCacheList1(OPERNAMENSP, CStringGetDatum(name));
	for (i = 0; i < catlist->n_members; i++)
	{
		HeapTuple	tup = &catlist->members[i]->tuple;
		Form_pg_operator op = (Form_pg_operator) GETSTRUCT(tup);

		if (op->oprnamespace != PG_CATALOG_NAMESPACE)
			continue;
		/*
		 * An extension's operator in pg_catalog over types of its own only
		 * (Citus's cluster_clock comparisons) can be chosen only for operands
		 * of those types; the operator parse analysis actually picks is
		 * checked to be built in (mv_check_builtin_operator).
		 */
		if (op->oid >= FirstNormalObjectId &&
			(op->oprleft == InvalidOid || op->oprleft >= FirstNormalObjectId) &&
			(op->oprright == InvalidOid || op->oprright >= FirstNormalObjectId))
			continue;
		found++;
		if (op->oid >= FirstNormalObjectId)
		{
			ReleaseSysCacheList(catlist);
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Operator \"%s\" has a user-defined version in pg_catalog.",
					  name);
		}
		if (func_volatile(op->oprcode) == PROVOLATILE_VOLATILE)
		{
			ReleaseSysCacheList(catlist);
			mv_refuse(v, MV_UNSAFE, NULL, "Operator \"%s\" is volatile.",
					  name);
		}
	}
	ReleaseSysCacheList(catlist);
	if (found == 0)
		mv_refuse(v, MV_INVALID, NULL,
				  "Operator \"%s\" is not built into PostgreSQL.", name);
	return name;
}

/* Appends "(l OPERATOR(pg_catalog.op) r)", or the prefix form if l is NULL. */
void
mv_append_op(StringInfo out, const char *l, const char *op, const char *r)
{
	if (l != NULL)
		appendStringInfo(out, "(%s OPERATOR(pg_catalog.%s) %s)", l, op, r);
	else
		appendStringInfo(out, "(OPERATOR(pg_catalog.%s) %s)", op, r);
}

/*
 * Validates and appends an operator expression of a row filter.  Forms
 * the parser would expand with unqualified operators (IN, BETWEEN, NULLIF)
 * are expanded here, with qualified ones, the way the parser defines them.
 */
void
mv_filter_a_expr(const MvValidator *v, A_Expr *a, int depth, StringInfo out)
{
	switch (a->kind)
	{
		case AEXPR_OP:
		case AEXPR_LIKE:
		case AEXPR_ILIKE:
		case AEXPR_SIMILAR:
			{
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = a->lexpr ? mv_filter_text(v, a->lexpr, depth + 1) : NULL;
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				mv_append_op(out, l, op, r);
				break;
			}
		case AEXPR_OP_ANY:
		case AEXPR_OP_ALL:
			{
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				appendStringInfo(out, "(%s OPERATOR(pg_catalog.%s) %s (%s))",
								 l, op, a->kind == AEXPR_OP_ANY ? "ANY" : "ALL",
								 r);
				break;
			}
		case AEXPR_NULLIF:
			{
				/* NULLIF(l, r) is CASE WHEN l = r THEN NULL ELSE l END */
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				appendStringInfoString(out, "(CASE WHEN ");
				mv_append_op(out, l, op, r);
				appendStringInfo(out, " THEN NULL ELSE %s END)", l);
				break;
			}
		case AEXPR_IN:
			{
				/* l IN (a, b) is l = a OR l = b; NOT IN is l <> a AND ... */
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				bool		negated = strcmp(op, "<>") == 0;
				ListCell   *lc;

				List	   *items;

				if (!IsA(a->rexpr, List))
					mv_refuse_node(v, a->rexpr);
				items = (List *) a->rexpr;

				/* one item needs no parentheses of its own (a fixed point) */
				if (list_length(items) > 1)
					appendStringInfoChar(out, '(');
				foreach(lc, items)
				{
					if (foreach_current_index(lc) > 0)
						appendStringInfoString(out, negated ? " AND " : " OR ");
					mv_append_op(out, l, op,
								 mv_filter_text(v, lfirst(lc), depth + 1));
				}
				if (list_length(items) > 1)
					appendStringInfoChar(out, ')');
				break;
			}
		case AEXPR_BETWEEN:
		case AEXPR_NOT_BETWEEN:
		case AEXPR_BETWEEN_SYM:
		case AEXPR_NOT_BETWEEN_SYM:
			{
				List	   *bounds = (List *) a->rexpr;
				bool		negated = (a->kind == AEXPR_NOT_BETWEEN ||
									   a->kind == AEXPR_NOT_BETWEEN_SYM);
				bool		symmetric = (a->kind == AEXPR_BETWEEN_SYM ||
										 a->kind == AEXPR_NOT_BETWEEN_SYM);
				const char *lower_op;
				const char *upper_op;
				const char *join;
				char	   *x;
				char	   *lo;
				char	   *hi;

				lower_op = mv_filter_operator(v, list_make1(makeString(negated ? "<" : ">=")));
				upper_op = mv_filter_operator(v, list_make1(makeString(negated ? ">" : "<=")));
				join = negated ? " OR " : " AND ";
				x = mv_filter_text(v, a->lexpr, depth + 1);
				lo = mv_filter_text(v, linitial(bounds), depth + 1);
				hi = mv_filter_text(v, lsecond(bounds), depth + 1);

				/* x BETWEEN lo AND hi is x >= lo AND x <= hi */
				if (symmetric)
					appendStringInfoChar(out, '(');
				appendStringInfoChar(out, '(');
				mv_append_op(out, x, lower_op, lo);
				appendStringInfoString(out, join);
				mv_append_op(out, x, upper_op, hi);
				appendStringInfoChar(out, ')');
				if (symmetric)
				{
					/* ... or the same with the bounds swapped */
					appendStringInfoString(out, negated ? " AND (" : " OR (");
					mv_append_op(out, x, lower_op, hi);
					appendStringInfoString(out, join);
					mv_append_op(out, x, upper_op, lo);
					appendStringInfoString(out, "))");
				}
				break;
			}
		case AEXPR_DISTINCT:
		case AEXPR_NOT_DISTINCT:

			/*
			 * The parser would look "=" up on the search_path, and there is
			 * no way to write it with a qualified operator.
			 */
			mv_refuse(v, MV_UNSAFE,
					  "Write the comparison with IS NULL and ordinary operators instead.",
					  "IS DISTINCT FROM is not allowed in row filters.");
			break;
	}
}

/*
 * Validates and appends a function call in a row filter: the function must
 * be in pg_catalog (unqualified names are looked up there only), and every
 * function of that name that could match the arguments must be built in,
 * a plain function, not set-returning, and not volatile, so that
 * whichever one the argument types select is safe.  The one the types
 * select must moreover be immutable (rule_settings.c), since a stable one
 * can read the reader's session settings.
 */
void
mv_filter_call(const MvValidator *v, FuncCall *fc, int depth, StringInfo out)
{
	char	   *schema;
	char	   *name;
	List	   *args;
	List	   *argnames = NIL;
	ListCell   *lc;
	FuncCandidateList cand;
	char	   *shown;

	mv_check_call_form(v, fc);
	mv_split_funcname(v, fc->funcname, "pg_catalog", &schema, &name);
	shown = quote_qualified_identifier(schema, name);
	if (strcmp(schema, "pg_catalog") != 0)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Function %s is not built into PostgreSQL; row filters may call functions of schema pg_catalog only.",
				  shown);

	/*
	 * The *_to_xml family is stable but runs a query of its own over a table
	 * or schema named by a string: a subquery in disguise.
	 */
	if (strstr(name, "_to_xml") != NULL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Function %s runs queries of its own; subqueries are not allowed.",
				  shown);

	args = mv_call_args(v, fc, depth, false);
	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (a->name != NULL)
			argnames = lappend(argnames, a->name);
	}

	cand = FuncnameGetCandidates(list_make2(makeString(schema),
											makeString(name)),
								 list_length(args), argnames,
								 true, true, false, true);
	if (cand == NULL)
		mv_refuse(v, MV_INVALID, NULL,
				  "Function %s does not exist or does not take %d arguments.",
				  shown, list_length(args));
	for (; cand != NULL; cand = cand->next)
	{
		HeapTuple	tup;
		Form_pg_proc proc;
		char		prokind;
		char		volatility;
		bool		retset;

		if (cand->oid >= FirstNormalObjectId)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is not built into PostgreSQL.",
					  format_procedure_qualified(cand->oid));
		tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(cand->oid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for function %u", cand->oid);
		proc = (Form_pg_proc) GETSTRUCT(tup);
		prokind = proc->prokind;
		retset = proc->proretset;
		volatility = proc->provolatile;
		ReleaseSysCache(tup);

		if (prokind != PROKIND_FUNCTION)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is an aggregate, window function or procedure.",
					  shown);
		if (retset)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Set-returning functions are not allowed; found %s.", shown);
		if (volatility == PROVOLATILE_VOLATILE)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is volatile; row filters may call only immutable functions.",
					  shown);
	}

	mv_append_call(out, schema, name, args);
}
