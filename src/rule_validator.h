/*-------------------------------------------------------------------------
 *
 * rule_validator.h
 *	  Private interface of the rule and row-filter validator: the state of
 *	  one validation and the functions its files share.
 *
 * The validator is a family of files, one phase each, behind this header:
 *
 *	rule_validator.c	the SQL entry point: limits, comments, parse, walk,
 *						type check, canonical text
 *	rule_validator_legacy.c	the entry point the frozen 0.1.0 and 0.2.0
 *						scripts name
 *	rule_refuse.c		the refusal (22023) and the two ways of catching an
 *						input error to turn it into one
 *	rule_parse.c		comment detection and the raw parse into one node
 *	rule_deparse.c		constants, columns, casts and call arguments rebuilt
 *						as canonical SQL
 *	rule_trust.c		which functions a rule may call (the allowlist)
 *	rule_expr.c			masking rules, and the policy key given to a keyed
 *						masking function
 *	rule_filter.c		row filters: the expression forms
 *	rule_filter_ops.c	row filters: operators and function calls
 *	rule_types.c		parse analysis of the canonical text over the table
 *	rule_settings.c		what would mean something else in another session
 *	rule_constants.c	date/time constants read under other settings
 *	rule_parameters.c	the constant parameters of masking calls tried out
 *	rule_rename.c		column renames on the parse tree
 *
 * The validator sees a parse tree and the arguments the policy engine hands
 * it (the masking functions, the trusted functions, the key subquery); it
 * does not read the policy catalog.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MV_RULE_VALIDATOR_H
#define MV_RULE_VALIDATOR_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"

/*
 * Longest expression accepted, in bytes.  Real rules are a few dozen bytes;
 * the limit keeps the parser and the walk from being used to burn CPU or
 * stack, and keeps error messages short.
 */
#define MV_MAX_EXPRESSION_BYTES 10000

/* Deepest nesting of calls, casts and operators accepted. */
#define MV_MAX_DEPTH 32

/* How much of a parser error message is repeated in our errdetail. */
#define MV_MAX_PARSER_MESSAGE 120

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
	const Oid  *masking;		/* the extension's masking functions */
	int			nmasking;
	const Oid  *trusted;		/* the functions a superuser trusted */
	int			ntrusted;
} MvValidator;

/* One deparsed argument of a function call. */
typedef struct MvArg
{
	char	   *name;			/* argument name if written "name => x" */
	Oid			type;			/* its type as the parser will see it */
	char	   *sql;			/* its canonical text */
} MvArg;

/* --- rule_validator.c */

/* The canonical SQL of a rule or row filter, or a refusal. */
extern char *mv_validate(MvValidator *v, const char *expression);

/*
 * Where an entry point takes a list of functions from (the masking or the
 * trusted functions): sets *count and returns the OIDs.
 */
typedef const Oid *(*MvFunctionList) (FunctionCallInfo fcinfo, int *count);

/*
 * The body of every SQL entry point: validates its first four arguments
 * (expression, relation, is_row_filter, key_sql) with the masking and
 * trusted functions that masking and trusted return for the call.
 */
extern Datum mv_validate_call(FunctionCallInfo fcinfo, MvFunctionList masking,
							  MvFunctionList trusted);

/* --- rule_refuse.c */

/* Raises 22023 "unsafe/invalid masking rule/row filter" with a detail. */
extern void mv_refuse(const MvValidator *v, MvRefusal kind, const char *hint,
					  const char *fmt,...) pg_attribute_printf(4, 5)
			pg_attribute_noreturn();

/* Refuses a parse node that is not on the allowlist, naming its kind. */
extern void mv_refuse_node(const MvValidator *v, const Node *node)
			pg_attribute_noreturn();

/* Refuses nesting deeper than MV_MAX_DEPTH (and checks the stack). */
extern void mv_check_depth(const MvValidator *v, int depth);

/* At most MV_MAX_PARSER_MESSAGE bytes of a message, for a detail. */
extern char *mv_clip_message(const char *message);

/*
 * Runs body(arg) and returns NULL, or the input error it raised (classes
 * 42 and 22, and 54 with limits_too); other errors are raised again.  No
 * subtransaction: body must hold nothing but memory when it fails, or the
 * caller must raise at once.
 */
extern ErrorData *mv_catch_input_error(void (*body) (void *), void *arg,
									   bool limits_too);

/*
 * Runs body(arg) in a subtransaction: NULL, or the data exception (class 22)
 * it raised; other errors are raised again.
 */
extern ErrorData *mv_try_data(void (*body) (void *), void *arg);

/* --- rule_parse.c */

/* Byte offset of the first comment outside quotes, or -1. */
extern int	mv_find_comment(const char *s);

/* The raw parse trees of an expression, or NIL and the input error. */
extern List *mv_raw_parse(const char *expression, ErrorData **error);

/* The one expression node of the text, or a refusal. */
extern Node *mv_parse(const MvValidator *v, const char *expression);

/* --- rule_deparse.c: each appends canonical SQL to out */

extern Oid	mv_const(const A_Const *c, StringInfo out);
extern Oid	mv_column(const MvValidator *v, const ColumnRef *cref,
					  StringInfo out);
extern void mv_cast_type(const MvValidator *v, const TypeName *tn,
						 Oid *typid, int32 *typmod);
extern void mv_append_cast(StringInfo out, const char *arg, Oid typid,
						   int32 typmod);
extern void mv_check_call_form(const MvValidator *v, const FuncCall *fc);
extern void mv_split_funcname(const MvValidator *v, List *funcname,
							  const char *default_schema, char **schema,
							  char **name);
extern List *mv_call_args(const MvValidator *v, const FuncCall *fc, int depth,
						  bool rule);
extern void mv_append_call(StringInfo out, const char *schema,
						   const char *name, List *args);
extern char *mv_types_text(List *args);

/* --- rule_trust.c */

/* True for one of the masking functions the validator was given. */
extern bool mv_is_masking_function(const MvValidator *v, Oid funcid);

/* True if a rule may call funcid: a masking function or a trusted one. */
extern bool mv_is_trusted(const MvValidator *v, Oid funcid);

/*
 * True for a function in the masking functions' schema that is not part of
 * their extension (someone else's function in schema mask).
 */
extern bool mv_is_stray_function(const MvValidator *v, Oid funcid);

/* --- rule_expr.c: validates a rule node, appends it, returns its type */

extern Oid	mv_rule_expr(const MvValidator *v, Node *node, int depth,
						 StringInfo out);

/* --- rule_filter.c, rule_filter_ops.c */

extern void mv_filter_expr(const MvValidator *v, Node *node, int depth,
						   StringInfo out);
extern char *mv_filter_text(const MvValidator *v, Node *node, int depth);
extern void mv_filter_a_expr(const MvValidator *v, A_Expr *a, int depth,
							 StringInfo out);
extern void mv_filter_call(const MvValidator *v, FuncCall *fc, int depth,
						   StringInfo out);
extern const char *mv_filter_operator(const MvValidator *v, List *opname);
extern void mv_append_op(StringInfo out, const char *l, const char *op,
						 const char *r);

/* --- rule_types.c */

/*
 * Parse analysis of the canonical text over the table; then the settings
 * and parameter checks over the analysed expression.
 */
extern void mv_check_types(const MvValidator *v, const char *expr);

/* --- rule_settings.c, rule_constants.c */

/*
 * Refuses what the analysed expression would decide by the reader's
 * session settings, and casts that can fail on a value.  sql is the text
 * that was analysed, for reading the literals back.
 */
extern void mv_check_settings(const MvValidator *v, Node *expr,
							  const char *sql);

/* The string literals of an analysed text, read back when first needed. */
typedef struct MvLiterals
{
	const char *sql;			/* the text that was analysed */
	List	   *found;			/* its string constants, once read */
	bool		read;
} MvLiterals;

/*
 * Refuses a date/time constant of the analysed text whose value depends on
 * the settings or the moment it is read under.
 */
extern void mv_check_datetime_const(const MvValidator *v, MvLiterals *literals,
									const Const *c);

/* --- rule_parameters.c */

/*
 * Calls each masking function of the analysed rule once, with its constant
 * parameters and a sample value, and refuses parameters it rejects.
 */
extern void mv_check_parameters(const MvValidator *v, Node *expr);

#endif							/* MV_RULE_VALIDATOR_H */
