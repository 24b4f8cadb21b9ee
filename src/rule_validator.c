/*-------------------------------------------------------------------------
 *
 * rule_validator.c
 *	  Validation of masking rules and row filters, and their canonical text:
 *	  the SQL entry point.
 *
 * Policy admins write masking rules ("mask.cn_name(holder_name)") and row
 * filters ("arrears > 0") as SQL text, and the policy engine pastes them
 * into CREATE VIEW statements that run with the privileges of the extension
 * owner.  Free-form SQL there is how PostgreSQL Anonymizer got its
 * superuser-injection CVEs, so nothing typed is ever pasted: the text goes
 * through PostgreSQL's raw parser, the parse tree is checked against an
 * allowlist, and the SQL for the view is rebuilt from the tree with every
 * name and constant re-quoted.  What is not on the allowlist is refused
 * with an error that names it.
 *
 * The raw parser does not look at the catalog, so the validator does the
 * catalog checks itself: columns must exist in the protected table,
 * functions are resolved the way the parser will resolve them in the view,
 * types must be built in, operators must be built in.  This file runs the
 * phases in order; each lives in a file of its own (see rule_validator.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "rule_validator.h"

/* A 32-byte key of zeros, in hex, standing in for the policy's key. */
#define MV_SAMPLE_KEY_HEX \
	"0000000000000000000000000000000000000000000000000000000000000000"

/*
 * Validates a masking rule (v->is_row_filter false) or row filter (true)
 * over v->relid and returns its canonical SQL, rebuilt from the parse tree,
 * or raises 22023 naming what is not allowed.
 */
char *
mv_validate(MvValidator *v, const char *expression)
{
	size_t		len;
	int			comment;
	Node	   *node;
	StringInfoData out;

	if (get_rel_name(v->relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", v->relid)));
	v->relname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(v->relid)),
										   get_rel_name(v->relid));

	len = strlen(expression);
	if (len > MV_MAX_EXPRESSION_BYTES)
		mv_refuse(v, MV_INVALID, NULL,
				  "The expression is %zu bytes long; the limit is %d bytes.",
				  len, MV_MAX_EXPRESSION_BYTES);

	comment = mv_find_comment(expression);
	if (comment >= 0)
		mv_refuse(v, MV_UNSAFE, "Remove the comment; record the reason for a rule in its reason instead.",
				  "Comments are not allowed; one starts at character %d.",
				  pg_mbstrlen_with_len(expression, comment) + 1);

	node = mv_parse(v, expression);

	initStringInfo(&out);
	if (v->is_row_filter)
	{
		/* catch the plainly non-boolean before the view creation does */
		if ((IsA(node, A_Const) && !((A_Const *) node)->isnull &&
			 !IsA(&((A_Const *) node)->val, Boolean)) ||
			(IsA(node, ColumnRef) &&
			 mv_column(v, (ColumnRef *) node, &out) != BOOLOID))
			mv_refuse(v, MV_INVALID, NULL,
					  "A row filter must be a boolean expression.");
		resetStringInfo(&out);
		mv_filter_expr(v, node, 0, &out);
		mv_check_types(v, out.data);
	}
	else
	{
		/*
		 * Operators and the like at the top are refused by mv_rule_expr with
		 * their own message.  A constant, or a constant cast to a built-in
		 * type, is a rule of its own: every row shows it ('CONFIDENTIAL',
		 * as Oracle, SQL Server and Anonymizer allow), and it reads nothing.
		 * A column alone is PASS, a NULL constant the rule NULL, and a cast
		 * of a column is no mask.
		 */
		if (IsA(node, ColumnRef) ||
			(IsA(node, A_Const) && ((A_Const *) node)->isnull) ||
			(IsA(node, TypeCast) && !IsA(((TypeCast *) node)->arg, A_Const)))
			mv_refuse(v, MV_UNSAFE,
					  "Write PASS to show a column as it is, NULL to show NULL, or a constant such as 'CONFIDENTIAL' to show the same value in every row.",
					  "A masking rule must be a call of a trusted masking function or a constant; found %s.",
					  IsA(node, ColumnRef) ? "a column" :
					  IsA(node, A_Const) ? "a NULL constant" : "a cast of something other than a constant");
		(void) mv_rule_expr(v, node, 0, &out);

		/*
		 * Type-check the rule as the view will run it.  The key view may not
		 * exist yet (the policy engine creates it with the views), so the
		 * check reads a constant sample key instead.
		 */
		if (v->key_sql != NULL)
		{
			MvValidator typed = *v;
			StringInfoData check;

			/*
			 * A key of the right length, so that the parameter check
			 * (mv_check_parameters) really calls mask.pseudonym: with a NULL
			 * key the STRICT function would not look at its length.
			 */
			typed.key_sql = "CAST('\\x" MV_SAMPLE_KEY_HEX "' AS pg_catalog.bytea)";
			initStringInfo(&check);
			(void) mv_rule_expr(&typed, node, 0, &check);
			mv_check_types(v, check.data);
		}
		else
			mv_check_types(v, out.data);
	}

	return out.data;
}

/*
 * Reads the arguments every entry point starts with -- (expression text,
 * relation regclass, is_row_filter boolean, key_sql text) -- into a fresh
 * v, the lists from masking and trusted, and validates.  NULL when one of
 * the first three arguments is NULL, as STRICT would give (the functions are
 * not STRICT because key_sql may be NULL); the lists are not read then.
 */
Datum
mv_validate_call(FunctionCallInfo fcinfo, MvFunctionList masking,
				 MvFunctionList trusted)
{
	MvValidator v;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	memset(&v, 0, sizeof(v));
	v.relid = PG_GETARG_OID(1);
	v.is_row_filter = PG_GETARG_BOOL(2);
	v.key_sql = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	v.masking = masking(fcinfo, &v.nmasking);
	v.trusted = trusted(fcinfo, &v.ntrusted);
	PG_RETURN_TEXT_P(cstring_to_text(mv_validate(&v, text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}

/*
 * The OIDs of a regprocedure[] argument, NULL elements left out; none for a
 * NULL argument.
 */
static const Oid *
mv_oid_array(FunctionCallInfo fcinfo, int argno, int *count)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	Oid		   *oids;
	int			i;

	*count = 0;
	if (PG_ARGISNULL(argno))
		return NULL;
	array = PG_GETARG_ARRAYTYPE_P(argno);
	deconstruct_array(array, REGPROCEDUREOID, sizeof(Oid), true,
					  TYPALIGN_INT, &elems, &nulls, &n);
	oids = palloc(sizeof(Oid) * Max(n, 1));
	for (i = 0; i < n; i++)
		if (!nulls[i])
			oids[(*count)++] = DatumGetObjectId(elems[i]);
	return oids;
}

/* The masking functions passed as argument 4 (MvFunctionList). */
static const Oid *
mv_masking_argument(FunctionCallInfo fcinfo, int *count)
{
	return mv_oid_array(fcinfo, 4, count);
}

/* The trusted functions passed as argument 5 (MvFunctionList). */
static const Oid *
mv_trusted_argument(FunctionCallInfo fcinfo, int *count)
{
	return mv_oid_array(fcinfo, 5, count);
}

/*
 * mask_internal._validate_expression(expression text, relation regclass,
 *		is_row_filter boolean, key_sql text = NULL,
 *		masking_functions regprocedure[] = NULL,
 *		trusted_functions regprocedure[] = NULL)
 * returns text: the canonical SQL of a masking rule (is_row_filter false)
 * or row filter (true) over relation, or an error 22023 naming what is not
 * allowed.  What the validator needs from the policy engine comes as
 * arguments: key_sql is the policy's key subquery, given to the masking
 * function that takes a key (mask.pseudonym); masking_functions are the
 * extension's masking functions (mask_internal._masking_functions()), and
 * trusted_functions those a superuser trusted
 * (mask_internal._trusted_functions()): a rule may call these and nothing
 * else, and a missing list trusts nothing.  Behaves as STRICT in its first
 * three arguments.
 */
PG_FUNCTION_INFO_V1(mv_sql_validate_expression);
Datum
mv_sql_validate_expression(PG_FUNCTION_ARGS)
{
	return mv_validate_call(fcinfo, mv_masking_argument, mv_trusted_argument);
}
