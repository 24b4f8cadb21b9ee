/*
 * anon_labels.c: a test-only security label provider named "anon".
 *
 * PostgreSQL Anonymizer declares its masking rules as security labels of
 * provider "anon", and SECURITY LABEL needs a loaded provider of that name.
 * mask.import_anon() reads the labels from pg_seclabel and needs no provider,
 * but a test needs one to write them without installing Anonymizer: this
 * module, LOADed by test/import_anon/import_anon_test.sh, accepts the label forms
 * Anonymizer accepts (MASKED WITH FUNCTION ..., MASKED WITH VALUE ... on
 * columns, MASKED on roles) and refuses anything else.  Never installed.
 */
#include "postgres.h"

#include "commands/seclabel.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static bool
starts_with_ci(const char *s, const char *prefix)
{
	return pg_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static void
anon_labels_check(const ObjectAddress *object, const char *label)
{
	if (label == NULL)
		return;
	if (starts_with_ci(label, "MASKED WITH FUNCTION ") ||
		starts_with_ci(label, "MASKED WITH VALUE ") ||
		pg_strcasecmp(label, "MASKED") == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_NAME),
			 errmsg("'%s' is not a valid label for provider anon", label)));
}

void
_PG_init(void)
{
	register_label_provider("anon", anon_labels_check);
}
