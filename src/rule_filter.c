/*-------------------------------------------------------------------------
 *
 * rule_filter.c
 *	  Row filters: the boolean expression forms (AND, OR, NOT, IS tests,
 *	  CASE, COALESCE, arrays, the special functions such as CURRENT_USER),
 *	  written fully parenthesised so that no precedence rule is left to the
 *	  reader.  Operators and calls are in rule_filter_ops.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"

#include "rule_validator.h"

/* SQL spelling of the special functions that need no parentheses. */
static const char *
mv_svf_keyword(SQLValueFunctionOp op)
{
	switch (op)
	{
		case SVFOP_CURRENT_DATE:
			return "CURRENT_DATE";
		case SVFOP_CURRENT_TIME:
		case SVFOP_CURRENT_TIME_N:
			return "CURRENT_TIME";
		case SVFOP_CURRENT_TIMESTAMP:
		case SVFOP_CURRENT_TIMESTAMP_N:
			return "CURRENT_TIMESTAMP";
		case SVFOP_LOCALTIME:
		case SVFOP_LOCALTIME_N:
			return "LOCALTIME";
		case SVFOP_LOCALTIMESTAMP:
		case SVFOP_LOCALTIMESTAMP_N:
			return "LOCALTIMESTAMP";
		case SVFOP_CURRENT_ROLE:
			return "CURRENT_ROLE";
		case SVFOP_CURRENT_USER:
			return "CURRENT_USER";
		case SVFOP_USER:
			return "USER";
		case SVFOP_SESSION_USER:
			return "SESSION_USER";
		case SVFOP_CURRENT_CATALOG:
			return "CURRENT_CATALOG";
		case SVFOP_CURRENT_SCHEMA:
			return "CURRENT_SCHEMA";
	}
	return NULL;
}

/* Appends open, the filter expressions of items separated by sep, close. */
static void
mv_filter_join(const MvValidator *v, const char *open, List *items,
			   const char *sep, const char *close, int depth, StringInfo out)
{
	ListCell   *lc;

	appendStringInfoString(out, open);
	foreach(lc, items)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoString(out, sep);
		mv_filter_expr(v, lfirst(lc), depth, out);
	}
	appendStringInfoString(out, close);
}

/* Deparses one row-filter node into a new string. */
char *
mv_filter_text(const MvValidator *v, Node *node, int depth)
{
	StringInfoData buf;

	initStringInfo(&buf);
	mv_filter_expr(v, node, depth, &buf);
	return buf.data;
}

/*
 * Validates one node of a row filter and appends its canonical text, fully
 * parenthesised so that no precedence rule is left to the reader.
 */
void
mv_filter_expr(const MvValidator *v, Node *node, int depth, StringInfo out)
{
	ListCell   *lc;

	mv_check_depth(v, depth);

	switch (nodeTag(node))
	{
		case T_A_Const:
			(void) mv_const((A_Const *) node, out);
			break;
		case T_ColumnRef:
			(void) mv_column(v, (ColumnRef *) node, out);
			break;
		case T_TypeCast:
			{
				TypeCast   *tc = (TypeCast *) node;
				Oid			typid;
				int32		typmod;
				char	   *arg = mv_filter_text(v, tc->arg, depth + 1);

				mv_cast_type(v, tc->typeName, &typid, &typmod);
				mv_append_cast(out, arg, typid, typmod);
				break;
			}
		case T_FuncCall:
			mv_filter_call(v, (FuncCall *) node, depth, out);
			break;
		case T_A_Expr:
			mv_filter_a_expr(v, (A_Expr *) node, depth, out);
			break;
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) node;

				if (b->boolop == NOT_EXPR)
				{
					appendStringInfo(out, "(NOT %s)",
									 mv_filter_text(v, linitial(b->args), depth + 1));
					break;
				}
				mv_filter_join(v, "(", b->args,
							   b->boolop == AND_EXPR ? " AND " : " OR ", ")",
							   depth + 1, out);
				break;
			}
		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) node;

				appendStringInfo(out, "(%s %s)",
								 mv_filter_text(v, (Node *) nt->arg, depth + 1),
								 nt->nulltesttype == IS_NULL ?
								 "IS NULL" : "IS NOT NULL");
				break;
			}
		case T_BooleanTest:
			{
				BooleanTest *bt = (BooleanTest *) node;
				const char *test = NULL;

				switch (bt->booltesttype)
				{
					case IS_TRUE:
						test = "IS TRUE";
						break;
					case IS_NOT_TRUE:
						test = "IS NOT TRUE";
						break;
					case IS_FALSE:
						test = "IS FALSE";
						break;
					case IS_NOT_FALSE:
						test = "IS NOT FALSE";
						break;
					case IS_UNKNOWN:
						test = "IS UNKNOWN";
						break;
					case IS_NOT_UNKNOWN:
						test = "IS NOT UNKNOWN";
						break;
				}
				appendStringInfo(out, "(%s %s)",
								 mv_filter_text(v, (Node *) bt->arg, depth + 1),
								 test);
				break;
			}
		case T_CaseExpr:
			{
				CaseExpr   *ce = (CaseExpr *) node;
				char	   *subject = NULL;
				const char *eq = NULL;

				/*
				 * CASE x WHEN v compares with an unqualified "=", so it is
				 * written as CASE WHEN x OPERATOR(pg_catalog.=) v.
				 */
				if (ce->arg != NULL)
				{
					subject = mv_filter_text(v, (Node *) ce->arg, depth + 1);
					eq = mv_filter_operator(v, list_make1(makeString("=")));
				}
				appendStringInfoString(out, "(CASE");
				foreach(lc, ce->args)
				{
					CaseWhen   *w = lfirst_node(CaseWhen, lc);
					char	   *cond = mv_filter_text(v, (Node *) w->expr, depth + 1);

					appendStringInfoString(out, " WHEN ");
					if (subject != NULL)
						mv_append_op(out, subject, eq, cond);
					else
						appendStringInfoString(out, cond);
					appendStringInfo(out, " THEN %s",
									 mv_filter_text(v, (Node *) w->result, depth + 1));
				}
				if (ce->defresult != NULL)
					appendStringInfo(out, " ELSE %s",
									 mv_filter_text(v, (Node *) ce->defresult, depth + 1));
				appendStringInfoString(out, " END)");
				break;
			}
		case T_CoalesceExpr:
			{
				CoalesceExpr *c = (CoalesceExpr *) node;

				mv_filter_join(v, "COALESCE(", c->args, ", ", ")", depth + 1, out);
				break;
			}
		case T_A_ArrayExpr:
			{
				A_ArrayExpr *arr = (A_ArrayExpr *) node;

				mv_filter_join(v, "ARRAY[", arr->elements, ", ", "]", depth + 1,
							   out);
				break;
			}
		case T_SQLValueFunction:
			{
				SQLValueFunction *svf = (SQLValueFunction *) node;

				appendStringInfoString(out, mv_svf_keyword(svf->op));
				if (svf->typmod >= 0)
					appendStringInfo(out, "(%d)", svf->typmod);
				break;
			}
		default:
			mv_refuse_node(v, node);
	}
}
