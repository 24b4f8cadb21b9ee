/*-------------------------------------------------------------------------
 *
 * rule_trust.c
 *	  The trust allowlist: which functions a masking rule may call.
 *
 * A rule may call the extension's own masking functions (the ones its
 * views run, immutable C functions with no side effects) and functions a
 * superuser trusted with mask.trust_function().  Anything else in schema
 * mask (the API, the validators, internal helpers) is not a masking
 * function, and a function of the same name that is not part of the
 * extension is not trusted either.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/dependency.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"

#include "rule_validator.h"

/* The masking functions of schema mask that rules may call. */
static const char *const mv_masking_functions[] = {
	"partial", "redact", "digits", "email", "cn_name", "cn_phone",
	"cn_id_card", "cn_address", "bank_card", "pseudonym", "generalize",
};

/*
 * True if the policy's catalog lists funcid in mask.trusted_function.  The
 * table belongs to the policy engine; until it exists the list is empty.
 */
static bool
mv_listed_as_trusted(const MvValidator *v, Oid funcid)
{
	Oid			argtypes[1] = {REGPROCEDUREOID};
	Datum		values[1] = {ObjectIdGetDatum(funcid)};
	bool		found;
	int			rc;

	if (!OidIsValid(get_relname_relid("trusted_function", v->mask_nsp)))
		return false;

	SPI_connect();
	/*
	 * Stored as schema-qualified signatures (text, since pg_upgrade refuses
	 * regprocedure columns) and resolved here; func::text also reads the
	 * regprocedure column of catalogs older than 0.3.0.
	 */
	rc = SPI_execute_with_args("SELECT 1 FROM mask.trusted_function "
							   "WHERE pg_catalog.to_regprocedure(func::pg_catalog.text) "
							   "OPERATOR(pg_catalog.=) $1",
							   1, argtypes, values, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read mask.trusted_function: %s",
			 SPI_result_code_string(rc));
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/*
 * True if funcid is one of the extension's own masking functions.
 */
bool
mv_is_masking_function(const MvValidator *v, Oid funcid)
{
	if (get_func_namespace(funcid) == v->mask_nsp &&
		OidIsValid(v->extension) &&
		getExtensionOfObject(ProcedureRelationId, funcid) == v->extension)
	{
		char	   *name = get_func_name(funcid);
		int			i;

		for (i = 0; i < lengthof(mv_masking_functions); i++)
			if (strcmp(name, mv_masking_functions[i]) == 0)
				return true;
	}
	return false;
}

/*
 * True if funcid may be called in a masking rule: one of the extension's
 * own masking functions, or a function a superuser listed as trusted.
 */
bool
mv_is_trusted(const MvValidator *v, Oid funcid)
{
	return mv_is_masking_function(v, funcid) || mv_listed_as_trusted(v, funcid);
}
