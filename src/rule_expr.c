/*-------------------------------------------------------------------------
 *
 * rule_expr.c
 *	  Masking rules: calls of trusted masking functions whose arguments are
 *	  constants, columns, casts to built-in types or nested trusted calls,
 *	  and the policy's key given to mask.pseudonym.
 *
 * Each call is resolved with the argument types the parser will see, the
 * way the view will resolve it, and must land on a trusted function
 * (rule_trust.c).  Operators, CASE and the like are not rules: a rule says
 * how a column is masked, not what to compute.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "rule_validator.h"

/* The hint for every refusal about mask.pseudonym's arguments. */
#define MV_PSEUDONYM_HINT \
	"Write mask.pseudonym(column) or mask.pseudonym(column, length)."

static Oid	mv_rule_call(const MvValidator *v, FuncCall *fc, int depth,
						 StringInfo out);

/*
 * Validates one node of a masking rule, appends its canonical text and
 * returns the type the parser will give it, so that calls can be resolved
 * exactly as they will be in the view.
 */
Oid
mv_rule_expr(const MvValidator *v, Node *node, int depth, StringInfo out)
{
	check_stack_depth();
	if (depth > MV_MAX_DEPTH)
		mv_refuse(v, MV_INVALID, NULL,
				  "Expressions may be nested at most %d levels deep.",
				  MV_MAX_DEPTH);

	switch (nodeTag(node))
	{
		case T_A_Const:
			return mv_const((A_Const *) node, out);
		case T_ColumnRef:
			return mv_column(v, (ColumnRef *) node, out);
		case T_FuncCall:
			return mv_rule_call(v, (FuncCall *) node, depth, out);
		case T_TypeCast:
			{
				TypeCast   *tc = (TypeCast *) node;
				StringInfoData arg;
				Oid			typid;
				int32		typmod;

				initStringInfo(&arg);
				(void) mv_rule_expr(v, tc->arg, depth + 1, &arg);
				mv_cast_type(v, tc->typeName, &typid, &typmod);
				mv_append_cast(out, arg.data, typid, typmod);
				return typid;
			}
		case T_A_Expr:
			{
				A_Expr	   *a = (A_Expr *) node;
				const char *op;

				switch (a->kind)
				{
					case AEXPR_IN:
						op = "IN";
						break;
					case AEXPR_BETWEEN:
					case AEXPR_NOT_BETWEEN:
					case AEXPR_BETWEEN_SYM:
					case AEXPR_NOT_BETWEEN_SYM:
						op = "BETWEEN";
						break;
					case AEXPR_DISTINCT:
					case AEXPR_NOT_DISTINCT:
						op = "IS DISTINCT FROM";
						break;
					case AEXPR_NULLIF:
						op = "NULLIF";
						break;
					default:
						op = strVal(llast(a->name));
				}
				mv_refuse(v, MV_UNSAFE, NULL,
						  "Operators are not allowed in masking rules; found \"%s\".",
						  op);
			}
			break;
		default:
			mv_refuse_node(v, node);
	}
	return InvalidOid;			/* keep compiler quiet */
}

/*
 * mask.pseudonym(value, key, length): a rule writes (value) or (value,
 * length) and the view supplies the key from a relation only the view
 * owners can read.  A key typed into a rule would be visible in the catalog,
 * so any attempt to write one is refused.  Returns the arguments with the
 * policy's key subquery inserted as the second.
 */
static List *
mv_insert_key(const MvValidator *v, List *args)
{
	MvArg	   *key = palloc0(sizeof(MvArg));
	ListCell   *lc;

	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (a->name != NULL && strcmp(a->name, "key") == 0)
			mv_refuse(v, MV_UNSAFE, MV_PSEUDONYM_HINT,
					  "Keys are supplied by the policy; do not write them in rules.");
	}
	if (list_length(args) > 2)
		mv_refuse(v, MV_UNSAFE, MV_PSEUDONYM_HINT,
				  "Keys are supplied by the policy; do not write them in rules.");
	if (args == NIL || ((MvArg *) linitial(args))->name != NULL)
		mv_refuse(v, MV_INVALID, MV_PSEUDONYM_HINT,
				  "The value to pseudonymise must be the first argument of mask.pseudonym.");
	if (list_length(args) == 2)
	{
		MvArg	   *length = lsecond(args);

		if (length->type != INT2OID && length->type != INT4OID &&
			length->type != INT8OID)
			mv_refuse(v, MV_UNSAFE, MV_PSEUDONYM_HINT,
					  "The second argument of mask.pseudonym is the token length, an integer. Keys are supplied by the policy; do not write them in rules.");
	}
	if (v->key_sql == NULL)
		mv_refuse(v, MV_INVALID, NULL,
				  "mask.pseudonym needs the policy's key, and none was supplied.");

	/* The policy's keys are bytea (mask._random_bytes). */
	key->type = BYTEAOID;
	key->sql = pstrdup(v->key_sql);
	return list_insert_nth(args, 1, key);
}

/*
 * Validates and appends a function call in a masking rule.  The function
 * is resolved with the argument types the parser will see (unqualified
 * names in schema mask only), must be trusted, and mask.pseudonym gets the
 * policy's key inserted as its second argument.
 */
static Oid
mv_rule_call(const MvValidator *v, FuncCall *fc, int depth, StringInfo out)
{
	char	   *schema;
	char	   *name;
	List	   *qualified;
	List	   *args;
	List	   *argnames = NIL;
	Oid		   *argtypes;
	int			nargs;
	ListCell   *lc;
	FuncDetailCode fdresult;
	Oid			funcid;
	Oid			rettype;
	bool		retset;
	int			nvargs;
	Oid			vatype;
	Oid		   *true_typeids;
	List	   *argdefaults;
	char	   *shown;

	mv_check_call_form(v, fc);
	mv_split_funcname(v, fc->funcname, "mask", &schema, &name);
	qualified = list_make2(makeString(schema), makeString(name));
	shown = quote_qualified_identifier(schema, name);
	/* The lookup below would raise 3F000 for a schema that does not exist. */
	if (!OidIsValid(get_namespace_oid(schema, true)))
		mv_refuse(v, MV_INVALID, NULL, "Function %s does not exist.", shown);
	args = mv_call_args(v, fc, depth, true);

	if (strcmp(schema, "mask") == 0 && strcmp(name, "pseudonym") == 0)
		args = mv_insert_key(v, args);

	nargs = list_length(args);
	argtypes = palloc(sizeof(Oid) * Max(nargs, 1));
	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		argtypes[foreach_current_index(lc)] = a->type;
		if (a->name != NULL)
			argnames = lappend(argnames, a->name);
	}

	fdresult = func_get_detail(qualified, NIL, argnames, nargs, argtypes,
							   true, true, false,
							   &funcid, &rettype, &retset, &nvargs, &vatype,
							   &true_typeids, &argdefaults);
	switch (fdresult)
	{
		case FUNCDETAIL_NORMAL:
			break;
		case FUNCDETAIL_MULTIPLE:
			mv_refuse(v, MV_INVALID,
					  "Add casts to the arguments so that one function matches.",
					  "Function %s is ambiguous for arguments of types (%s).",
					  shown, mv_types_text(args));
			break;
		case FUNCDETAIL_AGGREGATE:
		case FUNCDETAIL_WINDOWFUNC:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Aggregate and window functions are not allowed; found %s.",
					  shown);
			break;
		case FUNCDETAIL_PROCEDURE:
			mv_refuse(v, MV_UNSAFE, NULL, "%s is a procedure.", shown);
			break;
		default:
			if (list_length(fc->funcname) == 1 &&
				!OidIsValid(get_namespace_oid(schema, true)))
				mv_refuse(v, MV_INVALID, NULL, "Function %s does not exist.",
						  shown);
			if (FuncnameGetCandidates(qualified, -1, NIL, false, false,
									  false, true) != NULL)
				mv_refuse(v, MV_INVALID, NULL,
						  "Function %s does not accept arguments of types (%s).",
						  shown, mv_types_text(args));
			mv_refuse(v, MV_INVALID,
					  list_length(fc->funcname) == 1 ?
					  "Function names without a schema are looked up in schema mask only; write the schema of other trusted functions." :
					  NULL,
					  "Function %s does not exist.", shown);
	}

	if (retset)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Set-returning functions are not allowed; found %s.", shown);
	if (!mv_is_trusted(v, funcid))
	{
		if (get_func_namespace(funcid) == v->mask_nsp &&
			getExtensionOfObject(ProcedureRelationId, funcid) != v->extension)
			mv_refuse(v, MV_UNSAFE,
					  "Only the masking functions of the maskview extension and functions a superuser trusted with mask.trust_function() may be called.",
					  "Function %s is not part of the maskview extension.",
					  format_procedure_qualified(funcid));
		mv_refuse(v, MV_UNSAFE,
				  "Only the masking functions of the maskview extension and functions a superuser trusted with mask.trust_function() may be called.",
				  "Function %s is not a trusted masking function.",
				  quote_qualified_identifier(get_namespace_name(get_func_namespace(funcid)),
											 get_func_name(funcid)));
	}

	mv_append_call(out, get_namespace_name(get_func_namespace(funcid)),
				   get_func_name(funcid), args);
	return rettype;
}
