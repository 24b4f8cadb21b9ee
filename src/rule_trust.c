/*-------------------------------------------------------------------------
 *
 * rule_trust.c
 *	  The trust allowlist: which functions a masking rule may call.
 *
 * A rule may call the extension's masking functions (immutable C functions
 * with no side effects, the ones its views run) and the functions a
 * superuser trusted with mask.trust_function().  Both lists belong to the
 * policy engine, which hands them to the validator as arguments
 * (mask_internal._masking_functions() and _trusted_functions()): the
 * validator does not read the policy catalog, and a list it was not given
 * trusts nothing.  Anything else in schema mask (the API, the validators,
 * internal helpers) is not a masking function, and a function of the same
 * name that is not part of the extension is not trusted either.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/dependency.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "utils/lsyscache.h"

#include "rule_validator.h"

static bool
mv_oid_in(const Oid *oids, int count, Oid oid)
{
	int			i;

	for (i = 0; i < count; i++)
		if (oids[i] == oid)
			return true;
	return false;
}

bool
mv_is_masking_function(const MvValidator *v, Oid funcid)
{
	return mv_oid_in(v->masking, v->nmasking, funcid);
}

/*
 * True if funcid may be called in a masking rule: one of the extension's
 * masking functions, or a function a superuser listed as trusted.
 */
bool
mv_is_trusted(const MvValidator *v, Oid funcid)
{
	return mv_is_masking_function(v, funcid) ||
		mv_oid_in(v->trusted, v->ntrusted, funcid);
}

/*
 * For the message only: a function that sits in the schema of the masking
 * functions but does not belong to their extension was put there by
 * someone else (mask.cn_name(integer) beside mask.cn_name(text, ...)).
 */
bool
mv_is_stray_function(const MvValidator *v, Oid funcid)
{
	if (v->nmasking == 0)
		return false;
	return get_func_namespace(funcid) == get_func_namespace(v->masking[0]) &&
		getExtensionOfObject(ProcedureRelationId, funcid) !=
		getExtensionOfObject(ProcedureRelationId, v->masking[0]);
}
