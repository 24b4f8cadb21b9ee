/*-------------------------------------------------------------------------
 *
 * rule_validator_legacy.c
 *	  The validator's entry point as the frozen 0.1.0 and 0.2.0 install
 *	  scripts name it.
 *
 * Those scripts create mask._validate_expression(text, regclass, boolean,
 * text) AS 'MODULE_PATHNAME', '_validate_expression', and a database stays
 * at its version, running this library, until ALTER EXTENSION maskview
 * UPDATE.  Their policy engines pass four arguments and leave the validator
 * to find the masking functions and the trusted functions itself, so this
 * entry point does that for them, the way those versions did: the masking
 * functions by their names in schema mask and membership of the extension,
 * the trusted functions by reading mask.trusted_function.  Version 0.3.0's
 * engine passes both lists (rule_validator.c); nothing here is used by it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "rule_validator.h"

/* The masking functions of releases 0.1.0 and 0.2.0, by name. */
static const char *const mv_legacy_masking_names[] = {
	"partial", "redact", "digits", "email", "cn_name", "cn_phone",
	"cn_id_card", "cn_address", "bank_card", "pseudonym", "generalize",
};

/*
 * The functions of those names in schema mask that belong to maskview
 * (MvFunctionList).
 */
static const Oid *
mv_legacy_masking_functions(FunctionCallInfo fcinfo, int *count)
{
	Oid			mask_nsp = get_namespace_oid("mask", false);
	Oid			extension = get_extension_oid("maskview", true);
	List	   *found = NIL;
	Oid		   *oids;
	ListCell   *lc;
	int			i;

	for (i = 0; i < lengthof(mv_legacy_masking_names); i++)
	{
		CatCList   *catlist;
		int			j;

		catlist = SearchSysCacheList1(PROCNAMEARGSNSP,
									  CStringGetDatum(mv_legacy_masking_names[i]));
		for (j = 0; j < catlist->n_members; j++)
		{
			Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(&catlist->members[j]->tuple);

			if (proc->pronamespace == mask_nsp)
				found = lappend_oid(found, proc->oid);
		}
		ReleaseSysCacheList(catlist);
	}

	oids = palloc(sizeof(Oid) * Max(list_length(found), 1));
	*count = 0;
	foreach(lc, found)
	{
		Oid			funcid = lfirst_oid(lc);

		if (OidIsValid(extension) &&
			getExtensionOfObject(ProcedureRelationId, funcid) == extension)
			oids[(*count)++] = funcid;
	}
	return oids;
}

/*
 * The functions mask.trusted_function lists (a regprocedure column in
 * 0.1.0 and 0.2.0; func::text reads it either way), those that exist
 * (MvFunctionList).
 */
static const Oid *
mv_legacy_trusted_functions(FunctionCallInfo fcinfo, int *count)
{
	Oid		   *oids;
	uint64		i;
	int			rc;

	*count = 0;
	if (!OidIsValid(get_relname_relid("trusted_function",
									  get_namespace_oid("mask", false))))
		return NULL;

	SPI_connect();
	rc = SPI_execute("SELECT pg_catalog.to_regprocedure(func::pg_catalog.text)::pg_catalog.oid "
					 "FROM mask.trusted_function "
					 "WHERE pg_catalog.to_regprocedure(func::pg_catalog.text) IS NOT NULL",
					 true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read mask.trusted_function: %s",
			 SPI_result_code_string(rc));
	/* in the caller's memory context, which outlives SPI_finish */
	oids = SPI_palloc(sizeof(Oid) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i],
									  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			oids[(*count)++] = DatumGetObjectId(d);
	}
	SPI_finish();
	return oids;
}

/*
 * mask._validate_expression(expression text, relation regclass,
 *							  is_row_filter boolean, key_sql text = NULL)
 * of releases 0.1.0 and 0.2.0: mv_sql_validate_expression with the lists
 * those versions' engines did not pass.
 */
PG_FUNCTION_INFO_V1(_validate_expression);
Datum
_validate_expression(PG_FUNCTION_ARGS)
{
	return mv_validate_call(fcinfo, mv_legacy_masking_functions,
							mv_legacy_trusted_functions);
}
