/*-------------------------------------------------------------------------
 *
 * rule_parameters.c
 *	  Bad constant parameters of a masking rule are refused when the rule
 *	  is set, not when the view first runs.
 *
 * mask.cn_phone(phone, '**') type-checks, but every row of the view would
 * fail with "mask_char must be exactly one character": a print run that
 * aborts on its first row.  The masking functions check their parameters
 * before they look at the value, so calling each masking function of the
 * rule once, with its constant parameters and a sample value where the rule
 * reads a column, raises exactly the error the view would raise.  The error
 * becomes a refusal (22023) and nothing is stored.  For the same reason
 * parameters must be constants: a mask_char or pad read from a column could
 * be bad on one row and abort the whole view.
 *
 * Only the extension's own masking functions (and built-in casts of
 * constants) are called: they are immutable C functions with no side
 * effects.  A function a superuser trusted is not run at validation time; an
 * argument that calls one is replaced by a sample like a column.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "rule_validator.h"

/*
 * A non-NULL sample value of a type, standing in for a column (the masking
 * functions are STRICT or treat NULL as NULL, so NULL would check nothing),
 * or NULL when there is no sample for the type.
 */
static Const *
mv_sample(Oid type)
{
	switch (type)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return makeConst(type, -1, DEFAULT_COLLATION_OID, -1,
							 CStringGetTextDatum("x"), false, false);
		case INT2OID:
			return makeConst(type, -1, InvalidOid, 2, Int16GetDatum(1),
							 false, true);
		case INT4OID:
			return makeConst(type, -1, InvalidOid, 4, Int32GetDatum(1),
							 false, true);
		case INT8OID:
			return makeConst(type, -1, InvalidOid, 8, Int64GetDatum(1),
							 false, FLOAT8PASSBYVAL);
		case NUMERICOID:
			return makeConst(type, -1, InvalidOid, -1,
							 NumericGetDatum(int64_to_numeric(1)), false, false);
		case DATEOID:
			return makeConst(type, -1, InvalidOid, 4, DateADTGetDatum(0),
							 false, true);
		default:
			return NULL;
	}
}

/*
 * Copies an expression with the arguments of every function call in it put
 * in order and completed with their defaults, as the planner does before
 * anything runs: the executor passes a function exactly the arguments in
 * the tree, and a non-STRICT masking function called with fewer than it
 * declares would read arguments that are not there.
 */
static Node *
mv_expand_calls(Node *node, void *context)
{
	if (node == NULL)
		return NULL;
	check_stack_depth();
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) expression_tree_mutator(node, mv_expand_calls,
															 context);
		HeapTuple	proctup;

		proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(f->funcid));
		if (!HeapTupleIsValid(proctup))
			elog(ERROR, "cache lookup failed for function %u", f->funcid);
		f->args = expand_function_arguments(f->args, false, f->funcresulttype,
											proctup);
		ReleaseSysCache(proctup);
		return (Node *) f;
	}
	return expression_tree_mutator(node, mv_expand_calls, context);
}

/*
 * True if an argument calls a function that is neither one of the masking
 * functions nor a cast: a function a superuser trusted is never run here.
 */
static bool
mv_calls_other_functions(Node *node, void *context)
{
	const MvValidator *v = (const MvValidator *) context;

	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) node;

		if (f->funcformat == COERCE_EXPLICIT_CALL &&
			!mv_is_masking_function(v, f->funcid))
			return true;
	}
	return expression_tree_walker(node, mv_calls_other_functions, context);
}

/* mv_try_data body: evaluates the sample call (a FuncExpr). */
static void
mv_evaluate_call(void *arg)
{
	FuncExpr   *call = (FuncExpr *) arg;

	(void) evaluate_expr((Expr *) call, call->funcresulttype, -1,
						 call->funccollid);
}

/*
 * Calls one masking function with its constant arguments and samples for
 * the others, and refuses the rule if the call raises a parameter error.
 */
static void
mv_try_call(const MvValidator *v, const FuncExpr *f)
{
	HeapTuple	proctup;
	List	   *args;
	List	   *sample_args = NIL;
	ListCell   *lc;
	FuncExpr   *call;
	ErrorData  *failure;
	Oid		   *argtypes;
	char	  **argnames;
	char	   *argmodes;

	proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(f->funcid));
	if (!HeapTupleIsValid(proctup))
		elog(ERROR, "cache lookup failed for function %u", f->funcid);
	/* named arguments in order, defaults filled in, as the planner does */
	args = expand_function_arguments(copyObject(f->args), false,
									 f->funcresulttype, proctup);
	(void) get_func_arg_info(proctup, &argtypes, &argnames, &argmodes);
	ReleaseSysCache(proctup);

	foreach(lc, args)
	{
		Node	   *arg = lfirst(lc);
		int			i = foreach_current_index(lc);

		/*
		 * The first argument is the value; the others are parameters.  A
		 * parameter read from a column could be bad on some row, and that
		 * row would make the whole view fail: parameters are constants.
		 */
		if (i > 0 && contain_var_clause(arg))
			mv_refuse(v, MV_UNSAFE,
					  "Write the parameters of masking functions as constants; only the value masked (the first argument) may read columns.",
					  "Parameter %s of %s reads a column.",
					  argnames != NULL && argnames[i] != NULL && argnames[i][0] != '\0' ?
					  quote_identifier(argnames[i]) : psprintf("%d", i + 1),
					  quote_qualified_identifier(get_namespace_name(get_func_namespace(f->funcid)),
												 get_func_name(f->funcid)));

		if (contain_var_clause(arg) ||
			mv_calls_other_functions(arg, (void *) v))
		{
			Const	   *sample = mv_sample(exprType(arg));

			if (sample == NULL)
				return;			/* nothing to try it with */
			arg = (Node *) sample;
		}
		else
			arg = mv_expand_calls(arg, NULL);	/* nested constant calls */
		sample_args = lappend(sample_args, arg);
	}
	call = (FuncExpr *) copyObjectImpl(f);
	call->args = sample_args;

	failure = mv_try_data(mv_evaluate_call, call);

	/*
	 * The masking functions' parameter errors quote no argument, and the
	 * value here is our sample anyway, so the message can be repeated.
	 */
	if (failure != NULL)
		mv_refuse(v, MV_INVALID, failure->hint,
				  "%s refuses the parameters of this rule: %s.",
				  quote_qualified_identifier(get_namespace_name(get_func_namespace(f->funcid)),
											 get_func_name(f->funcid)),
				  mv_clip_message(failure->message));
}

static bool
mv_parameters_walker(Node *node, void *context)
{
	const MvValidator *v = (const MvValidator *) context;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, FuncExpr) &&
		mv_is_masking_function(v, ((FuncExpr *) node)->funcid))
		mv_try_call(v, (FuncExpr *) node);
	return expression_tree_walker(node, mv_parameters_walker, context);
}

void
mv_check_parameters(const MvValidator *v, Node *expr)
{
	(void) mv_parameters_walker(expr, (void *) v);
}
