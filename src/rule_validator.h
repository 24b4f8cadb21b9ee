/*-------------------------------------------------------------------------
 *
 * rule_validator.h
 *	  Private interface of the rule and row-filter validator: the state of
 *	  one validation and the refusal every part of it raises.
 *
 * rule_validator.c parses, walks the allowlist and rebuilds the SQL;
 * rule_settings.c refuses what would mean something else in another
 * session; rule_parameters.c tries the constant parameters of masking
 * calls; rule_rename.c follows column renames on the parse tree.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_RULE_VALIDATOR_H
#define MV_RULE_VALIDATOR_H

#include "nodes/pg_list.h"
#include "nodes/primnodes.h"

/* What went wrong, for the primary message. */
typedef enum MvRefusal
{
	MV_UNSAFE,					/* something outside the allowlist */
	MV_INVALID					/* malformed, or names something missing */
} MvRefusal;

/* State of one validation. */
typedef struct MvValidator
{
	Oid			relid;			/* the protected table */
	char	   *relname;		/* its qualified name, for messages */
	bool		is_row_filter;
	const char *key_sql;		/* the policy's key subquery, or NULL */
	Oid			mask_nsp;		/* schema mask */
	Oid			extension;		/* extension maskview, or InvalidOid */
} MvValidator;

/* Raises 22023 "unsafe/invalid masking rule/row filter" with a detail. */
extern void mv_refuse(const MvValidator *v, MvRefusal kind, const char *hint,
					  const char *fmt,...) pg_attribute_printf(4, 5)
			pg_attribute_noreturn();

/* At most MV_MAX_PARSER_MESSAGE bytes of a message, for a detail. */
extern char *mv_clip_message(const char *message);

/*
 * Runs body(arg) in a subtransaction: NULL, or the data exception (class 22)
 * it raised; other errors are raised again.
 */
extern ErrorData *mv_try_data(void (*body) (void *), void *arg);

/* True for the extension's own masking functions (mask.partial, ...). */
extern bool mv_is_masking_function(const MvValidator *v, Oid funcid);

/*
 * Refuses what the analysed expression would decide by the reader's
 * session settings, and casts that can fail on a value (rule_settings.c).
 * sql is the text that was analysed, for reading the literals back.
 */
extern void mv_check_settings(const MvValidator *v, Node *expr,
							  const char *sql);

/*
 * Calls each masking function of the analysed rule once, with its constant
 * parameters and a sample value, and refuses parameters it rejects
 * (rule_parameters.c).
 */
extern void mv_check_parameters(const MvValidator *v, Node *expr);

#endif							/* MV_RULE_VALIDATOR_H */
