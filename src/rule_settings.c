/*-------------------------------------------------------------------------
 *
 * rule_settings.c
 *	  Rules and row filters mean the same in every session, and never
 *	  raise an error that quotes a value.
 *
 * A view is parsed once, when maskview creates it, but parts of what it
 * computes are decided by whoever runs it or whoever triggers the next
 * regeneration:
 *
 *	- a string constant typed as date, time, timestamp or interval is read
 *	  under DateStyle, IntervalStyle and TimeZone: '03/04/2024' is 4 March
 *	  under MDY and 3 April under DMY, so a row filter typed in one session
 *	  shows other rows after a regeneration in another;
 *	- casts through text (CoerceViaIO) run the source type's output and the
 *	  target type's input function on every row: date and timestamp output
 *	  follows DateStyle and TimeZone, float output extra_float_digits, bytea
 *	  output bytea_output, money lc_monetary; and an input function that
 *	  fails ("invalid input syntax for type integer: \"13812345678\"")
 *	  quotes the raw value in the error, which a member can provoke by
 *	  setting DateStyle itself;
 *	- stable functions and operators read settings (to_char's TM, the
 *	  timestamptz <-> date casts) and CURRENT_DATE reads TimeZone.
 *
 * So, over the expression as PostgreSQL analyses it: constants of the
 * date/time types must read the same under every DateStyle, IntervalStyle
 * and TimeZone (ISO 8601 forms do; the check reads each one under several
 * settings rather than guessing from its shape), casts through text are
 * allowed only into text from types whose output is fixed, cast functions
 * must be immutable, types whose text depends on settings or the catalog
 * (money, xml, reg*) are refused, and row filters call immutable functions
 * only (plus now() and CURRENT_TIMESTAMP, whose value no setting changes).
 * The SQL functions that validate, reconcile and generate pin the settings
 * as well (one list, in sql/parts/91_rule_settings.sql), so the canonical
 * text is read the same way whoever calls them.  The date/time constants are read under other
 * settings in rule_constants.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/resowner.h"

#include "rule_validator.h"

/* The hint for casts that are refused. */
#define MV_CAST_HINT \
	"Casts are allowed to text from integer, numeric, boolean, uuid and text types, and between types when PostgreSQL's cast function is immutable. Store the data in the type the rule needs, or write the constant in that type."

typedef struct MvSettingsContext
{
	const MvValidator *v;
	MvLiterals	literals;		/* of the analysed text, read when needed */
} MvSettingsContext;

/* The base type of an array type, or the type itself. */
static Oid
mv_base_type(Oid type)
{
	Oid			elem = get_element_type(type);

	return OidIsValid(elem) ? elem : type;
}

/* Types whose text input reads DateStyle, IntervalStyle or TimeZone. */
static bool
mv_is_datetime(Oid type)
{
	switch (mv_base_type(type))
	{
		case DATEOID:
		case TIMEOID:
		case TIMETZOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case INTERVALOID:
			return true;
		default:
			return false;
	}
}

/*
 * Types refused in constants and casts: their text form depends on a
 * setting no check can pin for every reader (money: lc_monetary; xml:
 * xmloption) or on the catalog and search_path (the reg* types).
 */
static const char *
mv_refused_type_reason(Oid type)
{
	switch (mv_base_type(type))
	{
		case CASHOID:
			return "its text form depends on the setting lc_monetary";
		case XMLOID:
			return "its parsing depends on the setting xmloption";
		case REGPROCOID:
		case REGPROCEDUREOID:
		case REGOPEROID:
		case REGOPERATOROID:
		case REGCLASSOID:
		case REGCOLLATIONOID:
		case REGTYPEOID:
		case REGROLEOID:
		case REGNAMESPACEOID:
		case REGCONFIGOID:
		case REGDICTIONARYOID:
			return "its text form depends on the search_path and the catalog";
		default:
			return NULL;
	}
}

static void
mv_check_type(const MvValidator *v, Oid type)
{
	const char *reason = mv_refused_type_reason(type);

	if (reason != NULL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Type %s is not allowed in masking rules and row filters: %s.",
				  format_type_be(type), reason);
}

/*
 * Types whose output function writes the same text under every setting,
 * and the string types a cast through text may produce (their input
 * cannot fail on a value).
 */
static bool
mv_fixed_output(Oid type)
{
	switch (type)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case BOOLOID:
		case OIDOID:
		case UUIDOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
		case CHAROID:
			return true;
		default:
			return false;
	}
}

static bool
mv_is_string_type(Oid type)
{
	return type == TEXTOID || type == VARCHAROID || type == BPCHAROID ||
		type == NAMEOID;
}

/* A cast through the types' text forms (an I/O conversion). */
static void
mv_check_io_cast(const MvValidator *v, const CoerceViaIO *io)
{
	Oid			source = exprType((Node *) io->arg);
	Oid			target = io->resulttype;

	mv_check_type(v, source);
	mv_check_type(v, target);
	if (!mv_is_string_type(target))
		mv_refuse(v, MV_UNSAFE, MV_CAST_HINT,
				  "A cast from %s to %s reads each value as text and fails on a value it cannot read, with an error that quotes the value.",
				  format_type_be(source), format_type_be(target));
	if (!mv_fixed_output(source))
		mv_refuse(v, MV_UNSAFE, MV_CAST_HINT,
				  "A cast from %s to %s writes values as text in a form that depends on session settings (DateStyle, TimeZone, extra_float_digits, bytea_output, ...).",
				  format_type_be(source), format_type_be(target));
}

/* A cast done by a function of pg_cast (or a length coercion). */
static void
mv_check_cast_function(const MvValidator *v, const FuncExpr *f)
{
	Oid			source = f->args != NIL ? exprType(linitial(f->args)) : InvalidOid;

	if (OidIsValid(source))
		mv_check_type(v, source);
	mv_check_type(v, f->funcresulttype);
	if (func_volatile(f->funcid) != PROVOLATILE_IMMUTABLE)
		mv_refuse(v, MV_UNSAFE, MV_CAST_HINT,
				  "The cast from %s to %s depends on session settings such as TimeZone.",
				  OidIsValid(source) ? format_type_be(source) : "?",
				  format_type_be(f->funcresulttype));
}

/*
 * A function or operator of a row filter: immutable, or one of the few
 * stable ones whose value no setting changes.  I/O functions (taking or
 * returning cstring) are casts in disguise and are refused.
 */
static void
mv_check_filter_function(const MvValidator *v, Oid funcid, List *args,
						 Oid result)
{
	ListCell   *lc;

	if (result == CSTRINGOID || result == INTERNALOID)
		mv_refuse(v, MV_UNSAFE, MV_CAST_HINT,
				  "Type input and output functions such as %s are not allowed.",
				  format_procedure(funcid));
	foreach(lc, args)
	{
		Oid			t = exprType(lfirst(lc));

		if (t == CSTRINGOID || t == INTERNALOID)
			mv_refuse(v, MV_UNSAFE, MV_CAST_HINT,
					  "Type input and output functions such as %s are not allowed.",
					  format_procedure(funcid));
	}
	if (funcid == F_NOW || funcid == F_STATEMENT_TIMESTAMP ||
		funcid == F_TRANSACTION_TIMESTAMP)
		return;
	if (func_volatile(funcid) != PROVOLATILE_IMMUTABLE)
		mv_refuse(v, MV_UNSAFE,
				  "Row filters may call immutable functions and operators only; for today's date write (CURRENT_TIMESTAMP AT TIME ZONE 'Asia/Shanghai')::date with your time zone.",
				  "%s is not immutable: its result can depend on the reader's session settings (DateStyle, TimeZone, lc_time, ...).",
				  format_procedure(funcid));
}

/*
 * The operator parse analysis chose must be built into PostgreSQL.  The
 * name check before it (mv_filter_operator) lets through operators of
 * pg_catalog that extensions add for their own types (Citus's
 * cluster_clock comparisons): they can be chosen only for operands of those
 * types, and this is where such a choice is refused.
 */
static void
mv_check_builtin_operator(const MvValidator *v, Oid opno)
{
	if (opno >= FirstNormalObjectId)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Operator %s is not built into PostgreSQL.",
				  format_operator(opno));
}

/* CURRENT_DATE and the like read TimeZone; CURRENT_SCHEMA the search_path. */
static void
mv_check_svf(const MvValidator *v, const SQLValueFunction *svf)
{
	const char *what = NULL;

	switch (svf->op)
	{
		case SVFOP_CURRENT_DATE:
			what = "CURRENT_DATE";
			break;
		case SVFOP_CURRENT_TIME:
		case SVFOP_CURRENT_TIME_N:
			what = "CURRENT_TIME";
			break;
		case SVFOP_LOCALTIME:
		case SVFOP_LOCALTIME_N:
			what = "LOCALTIME";
			break;
		case SVFOP_LOCALTIMESTAMP:
		case SVFOP_LOCALTIMESTAMP_N:
			what = "LOCALTIMESTAMP";
			break;
		case SVFOP_CURRENT_SCHEMA:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "CURRENT_SCHEMA depends on the reader's search_path.");
			break;
		default:
			return;
	}
	mv_refuse(v, MV_UNSAFE,
			  "Write (CURRENT_TIMESTAMP AT TIME ZONE 'Asia/Shanghai')::date, or ::time, with your time zone.",
			  "%s depends on the reader's TimeZone setting.", what);
}

static bool
mv_settings_walker(Node *node, void *context)
{
	MvSettingsContext *cx = (MvSettingsContext *) context;
	const MvValidator *v = cx->v;

	if (node == NULL)
		return false;
	check_stack_depth();
	switch (nodeTag(node))
	{
		case T_Const:
			{
				Const	   *c = (Const *) node;

				if (c->constisnull)
					break;
				mv_check_type(v, c->consttype);
				if (mv_is_datetime(c->consttype))
					mv_check_datetime_const(v, &cx->literals, c);
				break;
			}
		case T_CoerceViaIO:
			mv_check_io_cast(v, (CoerceViaIO *) node);
			break;
		case T_ArrayCoerceExpr:
			{
				ArrayCoerceExpr *ac = (ArrayCoerceExpr *) node;

				/* the element cast (elemexpr) is walked below */
				mv_check_type(v, exprType((Node *) ac->arg));
				mv_check_type(v, ac->resulttype);
				break;
			}
		case T_RelabelType:
			mv_check_type(v, ((RelabelType *) node)->resulttype);
			break;
		case T_CoerceToDomain:
			mv_check_type(v, ((CoerceToDomain *) node)->resulttype);
			break;
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) node;

				if (f->funcformat == COERCE_EXPLICIT_CAST ||
					f->funcformat == COERCE_IMPLICIT_CAST)
					mv_check_cast_function(v, f);
				else if (v->is_row_filter)
					mv_check_filter_function(v, f->funcid, f->args,
											 f->funcresulttype);
				break;
			}
		case T_OpExpr:
		case T_DistinctExpr:
		case T_NullIfExpr:
			{
				OpExpr	   *op = (OpExpr *) node;

				mv_check_builtin_operator(v, op->opno);
				set_opfuncid(op);
				mv_check_filter_function(v, op->opfuncid, op->args,
										 op->opresulttype);
				break;
			}
		case T_ScalarArrayOpExpr:
			{
				ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;

				mv_check_builtin_operator(v, sa->opno);
				set_sa_opfuncid(sa);
				mv_check_filter_function(v, sa->opfuncid, sa->args, BOOLOID);
				break;
			}
		case T_SQLValueFunction:
			mv_check_svf(v, (SQLValueFunction *) node);
			break;
		default:
			break;
	}
	return expression_tree_walker(node, mv_settings_walker, context);
}

void
mv_check_settings(const MvValidator *v, Node *expr, const char *sql)
{
	MvSettingsContext cx;

	memset(&cx, 0, sizeof(cx));
	cx.v = v;
	cx.literals.sql = sql;
	(void) mv_settings_walker(expr, &cx);
}
