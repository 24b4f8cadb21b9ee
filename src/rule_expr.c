/*-------------------------------------------------------------------------
 *
 * rule_expr.c
 *	  Masking rules: calls of trusted masking functions whose arguments are
 *	  constants, columns, casts to built-in types or nested trusted calls,
 *	  and the policy's key given to the keyed masking function
 *	  (mask.pseudonym).
 *
 * Each call is resolved with the argument types the parser will see, the
 * way the view will resolve it, and must land on a trusted function
 * (rule_trust.c).  Operators, CASE and the like are not rules: a rule says
 * how a column is masked, not what to compute.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "rule_validator.h"

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
	mv_check_depth(v, depth);

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
 * The position of the key parameter of the masking function written as
 * schema.name, and its type, or -1 if it takes none.  A masking function
 * whose declaration has a parameter named "key" takes the policy's key
 * there (mask.pseudonym(value text, key bytea, length integer)); the rule
 * never writes it.  Found before the call is resolved: the key is one of
 * the arguments resolution looks at.
 */
static int
mv_key_parameter(const MvValidator *v, const char *schema, const char *name,
				 Oid *key_type, int *nparams)
{
	int			i;

	for (i = 0; i < v->nmasking; i++)
	{
		Oid			funcid = v->masking[i];
		HeapTuple	proctup;
		Oid		   *argtypes;
		char	  **argnames;
		char	   *argmodes;
		int			n;
		int			j;
		int			position = -1;

		if (strcmp(get_func_name(funcid), name) != 0 ||
			strcmp(get_namespace_name(get_func_namespace(funcid)), schema) != 0)
			continue;
		proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
		if (!HeapTupleIsValid(proctup))
			elog(ERROR, "cache lookup failed for function %u", funcid);
		n = get_func_arg_info(proctup, &argtypes, &argnames, &argmodes);
		ReleaseSysCache(proctup);
		for (j = 0; argnames != NULL && j < n; j++)
			if (strcmp(argnames[j], "key") == 0)
				position = j;
		if (position >= 0)
		{
			*key_type = argtypes[position];
			*nparams = n;
			return position;
		}
	}
	return -1;
}

/*
 * A keyed masking function, mask.pseudonym(value, key, length): a rule
 * writes (value) or (value, length) and the view supplies the key from a
 * relation only the view owners can read.  A key typed into a rule would be
 * visible in the catalog, so any attempt to write one is refused.  Returns
 * the arguments with the policy's key subquery inserted at the key's
 * position.  The checks are for that shape: the value first, the key
 * second, then the integer length.
 */
static List *
mv_insert_key(const MvValidator *v, List *args, const char *shown,
			  int position, Oid key_type, int nparams)
{
	MvArg	   *key = palloc0(sizeof(MvArg));
	char	   *hint = psprintf("Write %s(column) or %s(column, length).",
								shown, shown);
	ListCell   *lc;

	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (a->name != NULL && strcmp(a->name, "key") == 0)
			mv_refuse(v, MV_UNSAFE, hint,
					  "Keys are supplied by the policy; do not write them in rules.");
	}
	if (list_length(args) > nparams - 1)
		mv_refuse(v, MV_UNSAFE, hint,
				  "Keys are supplied by the policy; do not write them in rules.");
	if (args == NIL || ((MvArg *) linitial(args))->name != NULL)
		mv_refuse(v, MV_INVALID, hint,
				  "The value to pseudonymise must be the first argument of %s.",
				  shown);
	if (list_length(args) > position)
	{
		MvArg	   *length = list_nth(args, position);

		if (length->type != INT2OID && length->type != INT4OID &&
			length->type != INT8OID)
			mv_refuse(v, MV_UNSAFE, hint,
					  "The second argument of %s is the token length, an integer. Keys are supplied by the policy; do not write them in rules.",
					  shown);
	}
	if (v->key_sql == NULL)
		mv_refuse(v, MV_INVALID, NULL,
				  "%s needs the policy's key, and none was supplied.", shown);

	key->type = key_type;
	key->sql = pstrdup(v->key_sql);
	return list_insert_nth(args, position, key);
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
	int			key_position;
	Oid			key_type = InvalidOid;
	int			nparams = 0;

	mv_check_call_form(v, fc);
	mv_split_funcname(v, fc->funcname, "mask", &schema, &name);
	qualified = list_make2(makeString(schema), makeString(name));
	shown = quote_qualified_identifier(schema, name);
	/* The lookup below would raise 3F000 for a schema that does not exist. */
	if (!OidIsValid(get_namespace_oid(schema, true)))
		mv_refuse(v, MV_INVALID, NULL, "Function %s does not exist.", shown);
	args = mv_call_args(v, fc, depth, true);

	key_position = mv_key_parameter(v, schema, name, &key_type, &nparams);
	if (key_position >= 0)
		args = mv_insert_key(v, args, shown, key_position, key_type, nparams);

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
		if (mv_is_stray_function(v, funcid))
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
