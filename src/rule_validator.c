/*-------------------------------------------------------------------------
 *
 * rule_validator.c
 *	  Validation of masking rules and row filters, and their canonical text.
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
 * The raw parser does not look at the catalog, so this file does the
 * catalog checks itself: columns must exist in the protected table,
 * functions are resolved the way the parser will resolve them in the view,
 * types must be built in, operators must be built in.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "rule_validator.h"

/*
 * Longest expression accepted, in bytes.  Real rules are a few dozen bytes;
 * the limit keeps the parser and the walk below from being used to burn
 * CPU or stack, and keeps error messages short.
 */
#define MV_MAX_EXPRESSION_BYTES 10000

/* Deepest nesting of calls, casts and operators accepted. */
#define MV_MAX_DEPTH 32

/* The hint for every refusal about mask.pseudonym's arguments. */
#define MV_PSEUDONYM_HINT \
	"Write mask.pseudonym(column) or mask.pseudonym(column, length)."

/* A 32-byte key of zeros, in hex, standing in for the policy's key. */
#define MV_SAMPLE_KEY_HEX \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* How much of a parser error message is repeated in our errdetail. */
#define MV_MAX_PARSER_MESSAGE 120

/*
 * The masking functions of schema mask that rules may call.  Anything else
 * in that schema (the API, the validators, internal mask._* helpers) is not
 * a masking function, and a function of the same name that is not part of
 * the extension is not trusted either.
 */
static const char *const mv_masking_functions[] = {
	"partial", "redact", "digits", "email", "cn_name", "cn_phone",
	"cn_id_card", "cn_address", "bank_card", "pseudonym", "generalize",
};

/* One deparsed argument of a function call. */
typedef struct MvArg
{
	char	   *name;			/* argument name if written "name => x" */
	Oid			type;			/* its type as the parser will see it */
	char	   *sql;			/* its canonical text */
} MvArg;

static int	mv_find_comment(const char *s);
static Node *mv_parse(const MvValidator *v, const char *expression);
static Oid	mv_rule_expr(const MvValidator *v, Node *node, int depth,
						 StringInfo out);
static Oid	mv_rule_call(const MvValidator *v, FuncCall *fc, int depth,
						 StringInfo out);
static void mv_filter_expr(const MvValidator *v, Node *node, int depth,
						   StringInfo out);
static void mv_filter_call(const MvValidator *v, FuncCall *fc, int depth,
						   StringInfo out);
static void mv_filter_a_expr(const MvValidator *v, A_Expr *a, int depth,
							 StringInfo out);
static Oid	mv_const(const A_Const *c, StringInfo out);
static Oid	mv_column(const MvValidator *v, const ColumnRef *cref,
					  StringInfo out);
static void mv_cast_type(const MvValidator *v, const TypeName *tn,
						 Oid *typid, int32 *typmod);
static void mv_refuse_node(const MvValidator *v, const Node *node);

/*
 * Raises the validator's error: SQLSTATE 22023, a primary message saying
 * whether the rule or filter is unsafe or invalid, the formatted detail
 * naming the offending part, and a hint (the general one when NULL).
 */
void
mv_refuse(const MvValidator *v, MvRefusal kind, const char *hint,
		  const char *fmt,...)
{
	StringInfoData detail;
	const char *message;

	initStringInfo(&detail);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&detail, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&detail, needed);
	}

	if (v->is_row_filter)
		message = kind == MV_UNSAFE ? "unsafe row filter" : "invalid row filter";
	else
		message = kind == MV_UNSAFE ? "unsafe masking rule" : "invalid masking rule";

	if (hint == NULL)
		hint = v->is_row_filter ?
			"A row filter is a boolean expression over the table's columns and constants, using operators and immutable functions built into PostgreSQL." :
			"A masking rule is a call of a trusted masking function, such as mask.cn_name(holder_name), whose arguments are constants, columns of the table, casts to built-in types or nested trusted calls.";

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail.data),
			 errhint("%s", hint)));
}

/* True for bytes that may continue an identifier or a number. */
static inline bool
mv_is_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Returns the byte offset of the first comment ("--" or a C-style block)
 * in s that lies outside quoted strings, quoted identifiers and dollar
 * quotes, or -1 if there is none.
 *
 * The lexer drops comments, so the rebuilt SQL could never carry one; they
 * are refused anyway because a rule that hides text from the reader of the
 * catalog is not one an auditor should have to trust.  The scan follows the
 * lexer's quoting rules closely enough for that purpose: where it is unsure
 * (an unterminated quote) it reports nothing and the parser reports the
 * error.
 */
static int
mv_find_comment(const char *s)
{
	const char *p = s;
	bool		escape_next_string = false;

	while (*p)
	{
		unsigned char c = (unsigned char) *p;

		if ((c == '-' && p[1] == '-') || (c == '/' && p[1] == '*'))
			return (int) (p - s);

		if (c == '\'')
		{
			/* E'...' always, and '...' too when backslashes still escape */
			bool		backslash = escape_next_string ||
				!standard_conforming_strings;

			for (p++; *p; p++)
			{
				if (backslash && *p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '\'' && p[1] == '\'')
					p++;
				else if (*p == '\'')
					break;
			}
			if (*p == '\0')
				return -1;
			p++;
			escape_next_string = false;
			continue;
		}
		escape_next_string = false;

		if (c == '"')
		{
			for (p++; *p; p++)
			{
				if (*p == '"' && p[1] == '"')
					p++;
				else if (*p == '"')
					break;
			}
			if (*p == '\0')
				return -1;
			p++;
			continue;
		}

		if (c == '$')
		{
			/* $tag$ ... $tag$, where the tag may be empty */
			const char *q = p + 1;

			if (isalpha((unsigned char) *q) || *q == '_' ||
				(unsigned char) *q >= 0x80)
			{
				while (isalnum((unsigned char) *q) || *q == '_' ||
					   (unsigned char) *q >= 0x80)
					q++;
			}
			if (*q == '$')
			{
				int			taglen = (int) (q - p) + 1;
				const char *end = q + 1;

				for (;;)
				{
					end = strchr(end, '$');
					if (end == NULL)
						return -1;
					if (strncmp(end, p, taglen) == 0)
						break;
					end++;
				}
				p = end + taglen;
				continue;
			}
			p++;
			continue;
		}

		if (mv_is_word_byte(c))
		{
			/* a whole word, so that "$" inside it is not a dollar quote */
			const char *start = p;

			while (mv_is_word_byte((unsigned char) *p))
				p++;
			escape_next_string = (p - start == 1 &&
								  (*start == 'e' || *start == 'E') &&
								  *p == '\'');
			continue;
		}
		p++;
	}
	return -1;
}

/*
 * Returns at most MV_MAX_PARSER_MESSAGE bytes of a parser message.  Some
 * parser errors quote the rest of the input from the failing token on
 * ("unterminated quoted string at or near ..."); the detail should name
 * the token, not repeat the expression.
 */
char *
mv_clip_message(const char *message)
{
	int			len = strlen(message);
	int			cut;

	if (len <= MV_MAX_PARSER_MESSAGE)
		return pstrdup(message);
	cut = pg_mbcliplen(message, len, MV_MAX_PARSER_MESSAGE);
	return psprintf("%.*s...", cut, message);
}

/*
 * Runs body(arg) in a subtransaction and returns NULL, or a copy of the
 * error it raised if that is a data exception (class 22: a value a function
 * or an input routine refused); any other error is raised again.  Whatever
 * body did, settings included, is undone when it fails.  For the checks
 * that try a constant or a rule's parameters out before accepting them.
 */
ErrorData *
mv_try_data(void (*body) (void *), void *arg)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile failure = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		body(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			ReThrowError(edata);
		failure = edata;
	}
	PG_END_TRY();
	return failure;
}

/*
 * Parses the expression with the raw parser and returns its one expression
 * node, refusing anything that is not exactly one plain expression.  Syntax
 * errors are reported as refusals (22023) like every other bad input.
 */
static Node *
mv_parse(const MvValidator *v, const char *expression)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	List	   *raw = NIL;
	RawStmt    *rs;
	SelectStmt *select;
	ResTarget  *target;

	PG_TRY();
	{
		raw = raw_parser(expression, RAW_PARSE_PLPGSQL_EXPR);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		/*
		 * The raw parser touches no catalog and holds no resources but
		 * memory, and we re-raise at once, so catching here is safe.  Only
		 * input errors are turned into refusals; anything else (out of
		 * memory, cancel) goes on unchanged.
		 */
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		if (category != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION &&
			category != ERRCODE_DATA_EXCEPTION &&
			category != ERRCODE_PROGRAM_LIMIT_EXCEEDED)
			PG_RE_THROW();
		FlushErrorState();
		if (edata->cursorpos > 0)
			mv_refuse(v, MV_INVALID, NULL,
					  "The expression could not be parsed: %s (at character %d).",
					  mv_clip_message(edata->message), edata->cursorpos);
		mv_refuse(v, MV_INVALID, NULL,
				  "The expression could not be parsed: %s.",
				  mv_clip_message(edata->message));
	}
	PG_END_TRY();

	if (list_length(raw) != 1)
		mv_refuse(v, MV_UNSAFE, NULL, "Only one expression is allowed.");
	rs = linitial_node(RawStmt, raw);
	if (!IsA(rs->stmt, SelectStmt))
		mv_refuse(v, MV_UNSAFE, NULL, "Only an expression is allowed.");
	select = (SelectStmt *) rs->stmt;

	if (select->op != SETOP_NONE)
		mv_refuse(v, MV_UNSAFE, NULL, "Set operations are not allowed.");
	if (select->withClause != NULL)
		mv_refuse(v, MV_UNSAFE, NULL, "WITH clauses are not allowed.");
	if (select->intoClause != NULL)
		mv_refuse(v, MV_UNSAFE, NULL, "INTO clauses are not allowed.");
	if (select->distinctClause != NIL)
		mv_refuse(v, MV_UNSAFE, NULL, "DISTINCT is not allowed.");
	if (select->fromClause != NIL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "FROM clauses are not allowed: references to other tables are not allowed.");
	if (select->whereClause != NULL)
		mv_refuse(v, MV_UNSAFE, NULL, "WHERE clauses are not allowed.");
	if (select->groupClause != NIL || select->havingClause != NULL)
		mv_refuse(v, MV_UNSAFE, NULL, "GROUP BY and HAVING are not allowed.");
	if (select->windowClause != NIL)
		mv_refuse(v, MV_UNSAFE, NULL, "WINDOW clauses are not allowed.");
	if (select->valuesLists != NIL)
		mv_refuse(v, MV_UNSAFE, NULL, "VALUES lists are not allowed.");
	if (select->sortClause != NIL)
		mv_refuse(v, MV_UNSAFE, NULL, "ORDER BY is not allowed.");
	if (select->limitOffset != NULL || select->limitCount != NULL)
		mv_refuse(v, MV_UNSAFE, NULL, "LIMIT and OFFSET are not allowed.");
	if (select->lockingClause != NIL)
		mv_refuse(v, MV_UNSAFE, NULL, "Locking clauses are not allowed.");

	if (select->targetList == NIL)
		mv_refuse(v, MV_INVALID, NULL, "The expression is empty.");
	if (list_length(select->targetList) != 1)
		mv_refuse(v, MV_UNSAFE, NULL, "Only one expression is allowed.");
	target = linitial_node(ResTarget, select->targetList);
	if (target->name != NULL)
		mv_refuse(v, MV_INVALID, NULL, "Column aliases (AS %s) are not allowed.",
				  quote_identifier(target->name));
	if (target->indirection != NIL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Subscripts and field selections are not allowed.");
	return target->val;
}

/*
 * Appends the canonical text of a constant and returns the type the parser
 * will give it (unknown for strings and NULL, as in make_const()).
 */
static Oid
mv_const(const A_Const *c, StringInfo out)
{
	const Node *val = (const Node *) &c->val;

	if (c->isnull)
	{
		appendStringInfoString(out, "NULL");
		return UNKNOWNOID;
	}
	switch (nodeTag(val))
	{
		case T_Integer:
			appendStringInfo(out, "%d", intVal(val));
			return INT4OID;
		case T_Float:
			{
				/*
				 * The lexer only produces valid numeric text here, so it is
				 * safe to repeat; integers too wide for int4 become int8.
				 */
				const char *num = castNode(Float, (Node *) val)->fval;
				const char *d = num + (*num == '-' ? 1 : 0);
				bool		integral = (*d != '\0');

				for (; *d; d++)
					if (!isdigit((unsigned char) *d))
						integral = false;
				appendStringInfoString(out, num);
				if (integral && strlen(num) <= 18)
					return INT8OID;
				return NUMERICOID;
			}
		case T_Boolean:
			appendStringInfoString(out, boolVal(val) ? "true" : "false");
			return BOOLOID;
		case T_String:
			appendStringInfoString(out, quote_literal_cstr(strVal(val)));
			return UNKNOWNOID;
		case T_BitString:
			{
				/* "b0101" or "x1f": the lexer checked the digits */
				const char *bits = castNode(BitString, (Node *) val)->bsval;

				appendStringInfo(out, "%c'%s'", bits[0] == 'x' ? 'X' : 'B',
								 bits + 1);
				return BITOID;
			}
		default:
			elog(ERROR, "unrecognized constant node type: %d",
				 (int) nodeTag(val));
	}
	return InvalidOid;			/* keep compiler quiet */
}

/*
 * Writes a name list of a column reference as typed, for messages.
 */
static char *
mv_colref_text(const ColumnRef *cref)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, cref->fields)
	{
		Node	   *field = lfirst(lc);

		if (buf.len > 0)
			appendStringInfoChar(&buf, '.');
		if (IsA(field, String))
			appendStringInfoString(&buf, quote_identifier(strVal(field)));
		else
			appendStringInfoChar(&buf, '*');
	}
	return buf.data;
}

/*
 * Appends a column of the protected table, always double-quoted, and
 * returns its type.  Only unqualified names of live user columns are
 * accepted: a qualified name could reach another table in the view's FROM
 * list, and system columns carry no data a rule should publish.
 */
static Oid
mv_column(const MvValidator *v, const ColumnRef *cref, StringInfo out)
{
	Node	   *last = llast(cref->fields);
	const char *name;
	AttrNumber	attnum;
	const char *p;

	if (IsA(last, A_Star))
		mv_refuse(v, MV_UNSAFE, NULL, "\"%s\" is not allowed; name the column.",
				  mv_colref_text(cref));
	if (list_length(cref->fields) != 1)
		mv_refuse(v, MV_UNSAFE,
				  "Write the column name alone, without a table or schema name.",
				  "References to other tables are not allowed; found \"%s\".",
				  mv_colref_text(cref));

	name = strVal(last);
	attnum = get_attnum(v->relid, name);
	if (attnum == InvalidAttrNumber)
		mv_refuse(v, MV_INVALID, NULL,
				  "Column \"%s\" does not exist in table %s.",
				  name, v->relname);
	if (attnum < 0)
		mv_refuse(v, MV_UNSAFE, NULL, "System column \"%s\" is not allowed.",
				  name);

	/* always quoted, so that no column name can be read as a keyword */
	appendStringInfoChar(out, '"');
	for (p = name; *p; p++)
	{
		if (*p == '"')
			appendStringInfoChar(out, '"');
		appendStringInfoChar(out, *p);
	}
	appendStringInfoChar(out, '"');
	return get_atttype(v->relid, attnum);
}

/*
 * Resolves the target type of a cast and refuses anything but a built-in
 * type.  A user-defined type (or a domain or array over one) would bring
 * its owner's input and cast functions into the view.
 */
static void
mv_cast_type(const MvValidator *v, const TypeName *tn, Oid *typid,
			 int32 *typmod)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	Type		tup = NULL;

	if (tn->setof || tn->pct_type || list_length(tn->names) > 2)
		mv_refuse(v, MV_UNSAFE, NULL, "Type %s is not allowed in a cast.",
				  TypeNameToString(tn));

	PG_TRY();
	{
		/* computes the type modifier too, with the type's typmodin */
		tup = LookupTypeName(NULL, tn, typmod, true);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/*
		 * Bad type modifiers ("numeric(1,2,3)") and the like; the lookup
		 * holds nothing that outlives the error we raise at once.
		 */
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
			ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		mv_refuse(v, MV_INVALID, NULL, "Type %s cannot be used: %s.",
				  TypeNameToString(tn), mv_clip_message(edata->message));
	}
	PG_END_TRY();

	if (tup == NULL)
		mv_refuse(v, MV_INVALID, NULL, "Type %s does not exist.",
				  TypeNameToString(tn));
	*typid = typeTypeId(tup);
	ReleaseSysCache(tup);

	if (*typid >= FirstNormalObjectId)
		mv_refuse(v, MV_UNSAFE, "Casts are allowed only to types built into PostgreSQL.",
				  "Casts to type %s are not allowed.",
				  format_type_be_qualified(*typid));
	if (get_typtype(*typid) == TYPTYPE_PSEUDO)
		mv_refuse(v, MV_INVALID, NULL,
				  "Casts to pseudo-type %s are not allowed.",
				  format_type_be(*typid));
}

/*
 * Appends "CAST(<arg> AS <type>)" for a cast whose argument text is
 * already built, with the type written from its OID, schema-qualified.
 */
static void
mv_append_cast(StringInfo out, const char *arg, Oid typid, int32 typmod)
{
	appendStringInfo(out, "CAST(%s AS %s)", arg,
					 format_type_extended(typid, typmod,
										  FORMAT_TYPE_TYPEMOD_GIVEN |
										  FORMAT_TYPE_FORCE_QUALIFY));
}

/*
 * Names a node that is not on the allowlist, in the words a user would
 * recognise, and refuses it.
 */
static void
mv_refuse_node(const MvValidator *v, const Node *node)
{
	const char *what = NULL;

	switch (nodeTag(node))
	{
		case T_SubLink:
			mv_refuse(v, MV_UNSAFE, NULL, "Subqueries are not allowed.");
			break;
		case T_ParamRef:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Parameters such as $1 are not allowed.");
			break;
		case T_A_Indirection:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Subscripts and field selections are not allowed.");
			break;
		case T_CollateClause:
			what = "COLLATE clauses";
			break;
		case T_RowExpr:
			what = "Row constructors";
			break;
		case T_A_ArrayExpr:
			what = "Array constructors";
			break;
		case T_CaseExpr:
			what = "CASE expressions";
			break;
		case T_CoalesceExpr:
			what = "COALESCE expressions";
			break;
		case T_MinMaxExpr:
			what = "GREATEST and LEAST";
			break;
		case T_BoolExpr:
			what = "AND, OR and NOT";
			break;
		case T_NullTest:
		case T_BooleanTest:
			what = "IS tests";
			break;
		case T_SQLValueFunction:
			what = "Special functions such as CURRENT_USER";
			break;
		case T_GroupingFunc:
			what = "GROUPING";
			break;
		case T_XmlExpr:
		case T_XmlSerialize:
			what = "XML expressions";
			break;
		case T_SetToDefault:
			what = "DEFAULT";
			break;
		case T_NamedArgExpr:
			what = "Named arguments outside a function call";
			break;
		default:
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Expressions of this kind are not allowed (parse node %d).",
					  (int) nodeTag(node));
	}
	if (v->is_row_filter)
		mv_refuse(v, MV_UNSAFE, NULL, "%s are not allowed in row filters.",
				  what);
	mv_refuse(v, MV_UNSAFE, NULL, "%s are not allowed in masking rules.", what);
}

/*
 * Refuses the parts of a call that turn it into something other than a
 * plain function call: aggregates, windows, VARIADIC and the like.
 */
static void
mv_check_call_form(const MvValidator *v, const FuncCall *fc)
{
	const char *name = NameListToString(fc->funcname);

	if (fc->agg_star)
		mv_refuse(v, MV_UNSAFE, NULL, "%s(*) is not allowed.", name);
	if (fc->agg_distinct || fc->agg_order != NIL || fc->agg_within_group ||
		fc->agg_filter != NULL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Aggregate calls (DISTINCT, ORDER BY, WITHIN GROUP, FILTER) are not allowed; found one in %s.",
				  name);
	if (fc->over != NULL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Window functions are not allowed; found OVER after %s.",
				  name);
	if (fc->func_variadic)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "VARIADIC arguments are not allowed; found one in %s.", name);
}

/*
 * Splits a function's name as written into schema and name, defaulting the
 * schema to default_schema.  A name is never looked up on the search_path:
 * a function of the table owner's called cn_name in public must not stand
 * in for mask.cn_name.
 */
static void
mv_split_funcname(const MvValidator *v, List *funcname,
				  const char *default_schema, char **schema, char **name)
{
	/* checked first: DeconstructQualifiedName raises its own error */
	if (list_length(funcname) > 2)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Function names may name a schema but not a database; found %s.",
				  NameListToString(funcname));
	DeconstructQualifiedName(funcname, schema, name);
	if (*schema == NULL)
		*schema = pstrdup(default_schema);
}

/*
 * Collects the arguments of a call, deparsed, with their names and types,
 * in the order the parser wants them (named ones last).  rule selects the
 * walker for the arguments.
 */
static List *
mv_call_args(const MvValidator *v, const FuncCall *fc, int depth, bool rule)
{
	List	   *args = NIL;
	ListCell   *lc;
	bool		seen_named = false;

	foreach(lc, fc->args)
	{
		Node	   *arg = lfirst(lc);
		MvArg	   *a = palloc0(sizeof(MvArg));
		StringInfoData buf;

		if (IsA(arg, NamedArgExpr))
		{
			NamedArgExpr *na = (NamedArgExpr *) arg;
			ListCell   *lc2;

			foreach(lc2, args)
			{
				MvArg	   *prev = lfirst(lc2);

				if (prev->name != NULL && strcmp(prev->name, na->name) == 0)
					mv_refuse(v, MV_INVALID, NULL,
							  "Argument name %s is used more than once.",
							  quote_identifier(na->name));
			}
			a->name = na->name;
			arg = (Node *) na->arg;
			seen_named = true;
		}
		else if (seen_named)
			mv_refuse(v, MV_INVALID, NULL,
					  "A positional argument cannot follow a named argument in %s.",
					  NameListToString(fc->funcname));

		initStringInfo(&buf);
		if (rule)
			a->type = mv_rule_expr(v, arg, depth + 1, &buf);
		else
		{
			mv_filter_expr(v, arg, depth + 1, &buf);
			a->type = InvalidOid;
		}
		a->sql = buf.data;
		args = lappend(args, a);
	}
	return args;
}

/* Appends "schema.name(arg, name => arg, ...)". */
static void
mv_append_call(StringInfo out, const char *schema, const char *name,
			   List *args)
{
	ListCell   *lc;

	appendStringInfo(out, "%s(", quote_qualified_identifier(schema, name));
	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (foreach_current_index(lc) > 0)
			appendStringInfoString(out, ", ");
		if (a->name != NULL)
			appendStringInfo(out, "%s => ", quote_identifier(a->name));
		appendStringInfoString(out, a->sql);
	}
	appendStringInfoChar(out, ')');
}

/*
 * Returns a list of argument types for messages, e.g. "text, integer".
 */
static char *
mv_types_text(List *args)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, format_type_be(a->type));
	}
	return buf.data;
}

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
static bool
mv_is_trusted(const MvValidator *v, Oid funcid)
{
	return mv_is_masking_function(v, funcid) || mv_listed_as_trusted(v, funcid);
}

/*
 * Validates one node of a masking rule, appends its canonical text and
 * returns the type the parser will give it, so that calls can be resolved
 * exactly as they will be in the view.
 */
static Oid
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
	bool		is_pseudonym;
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

	is_pseudonym = strcmp(schema, "mask") == 0 &&
		strcmp(name, "pseudonym") == 0;
	if (is_pseudonym)
	{
		MvArg	   *key = palloc0(sizeof(MvArg));

		/*
		 * mask.pseudonym(value, key, length): a rule writes (value) or
		 * (value, length) and the view supplies the key from a relation only
		 * the view owners can read.  A key typed into a rule would be
		 * visible in the catalog, so any attempt to write one is refused.
		 */
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
		args = list_insert_nth(args, 1, key);
	}

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

/*
 * Checks an operator name in a row filter and returns its bare symbol.
 * Row filters are written out with OPERATOR(pg_catalog.op), so only the
 * operators of that name in pg_catalog can be chosen when the view is
 * created: all of them must be built in and none volatile, whichever one
 * the argument types pick.
 */
static const char *
mv_filter_operator(const MvValidator *v, List *opname)
{
	char	   *schema;
	char	   *name;
	CatCList   *catlist;
	int			i;
	int			found = 0;

	if (list_length(opname) > 2)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Operator %s is not built into PostgreSQL.",
				  NameListToString(opname));
	DeconstructQualifiedName(opname, &schema, &name);
	if (schema != NULL && strcmp(schema, "pg_catalog") != 0)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Operator %s is not built into PostgreSQL.",
				  NameListToString(opname));

	catlist = SearchSysCacheList1(OPERNAMENSP, CStringGetDatum(name));
	for (i = 0; i < catlist->n_members; i++)
	{
		HeapTuple	tup = &catlist->members[i]->tuple;
		Form_pg_operator op = (Form_pg_operator) GETSTRUCT(tup);

		if (op->oprnamespace != PG_CATALOG_NAMESPACE)
			continue;
		/*
		 * An extension's operator in pg_catalog over types of its own only
		 * (Citus's cluster_clock comparisons) can be chosen only for operands
		 * of those types; the operator parse analysis actually picks is
		 * checked to be built in (mv_check_builtin_operator).
		 */
		if (op->oid >= FirstNormalObjectId &&
			(op->oprleft == InvalidOid || op->oprleft >= FirstNormalObjectId) &&
			(op->oprright == InvalidOid || op->oprright >= FirstNormalObjectId))
			continue;
		found++;
		if (op->oid >= FirstNormalObjectId)
		{
			ReleaseSysCacheList(catlist);
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Operator \"%s\" has a user-defined version in pg_catalog.",
					  name);
		}
		if (func_volatile(op->oprcode) == PROVOLATILE_VOLATILE)
		{
			ReleaseSysCacheList(catlist);
			mv_refuse(v, MV_UNSAFE, NULL, "Operator \"%s\" is volatile.",
					  name);
		}
	}
	ReleaseSysCacheList(catlist);
	if (found == 0)
		mv_refuse(v, MV_INVALID, NULL,
				  "Operator \"%s\" is not built into PostgreSQL.", name);
	return name;
}

/* Appends "(l OPERATOR(pg_catalog.op) r)", or the prefix form if l is NULL. */
static void
mv_append_op(StringInfo out, const char *l, const char *op, const char *r)
{
	if (l != NULL)
		appendStringInfo(out, "(%s OPERATOR(pg_catalog.%s) %s)", l, op, r);
	else
		appendStringInfo(out, "(OPERATOR(pg_catalog.%s) %s)", op, r);
}

/* Deparses one row-filter node into a new string. */
static char *
mv_filter_text(const MvValidator *v, Node *node, int depth)
{
	StringInfoData buf;

	initStringInfo(&buf);
	mv_filter_expr(v, node, depth, &buf);
	return buf.data;
}

/*
 * Validates and appends an operator expression of a row filter.  Forms
 * the parser would expand with unqualified operators (IN, BETWEEN, NULLIF)
 * are expanded here, with qualified ones, the way the parser defines them.
 */
static void
mv_filter_a_expr(const MvValidator *v, A_Expr *a, int depth, StringInfo out)
{
	switch (a->kind)
	{
		case AEXPR_OP:
		case AEXPR_LIKE:
		case AEXPR_ILIKE:
		case AEXPR_SIMILAR:
			{
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = a->lexpr ? mv_filter_text(v, a->lexpr, depth + 1) : NULL;
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				mv_append_op(out, l, op, r);
				break;
			}
		case AEXPR_OP_ANY:
		case AEXPR_OP_ALL:
			{
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				appendStringInfo(out, "(%s OPERATOR(pg_catalog.%s) %s (%s))",
								 l, op, a->kind == AEXPR_OP_ANY ? "ANY" : "ALL",
								 r);
				break;
			}
		case AEXPR_NULLIF:
			{
				/* NULLIF(l, r) is CASE WHEN l = r THEN NULL ELSE l END */
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				char	   *r = mv_filter_text(v, a->rexpr, depth + 1);

				appendStringInfoString(out, "(CASE WHEN ");
				mv_append_op(out, l, op, r);
				appendStringInfo(out, " THEN NULL ELSE %s END)", l);
				break;
			}
		case AEXPR_IN:
			{
				/* l IN (a, b) is l = a OR l = b; NOT IN is l <> a AND ... */
				const char *op = mv_filter_operator(v, a->name);
				char	   *l = mv_filter_text(v, a->lexpr, depth + 1);
				bool		negated = strcmp(op, "<>") == 0;
				ListCell   *lc;

				List	   *items;

				if (!IsA(a->rexpr, List))
					mv_refuse_node(v, a->rexpr);
				items = (List *) a->rexpr;

				/* one item needs no parentheses of its own (a fixed point) */
				if (list_length(items) > 1)
					appendStringInfoChar(out, '(');
				foreach(lc, items)
				{
					if (foreach_current_index(lc) > 0)
						appendStringInfoString(out, negated ? " AND " : " OR ");
					mv_append_op(out, l, op,
								 mv_filter_text(v, lfirst(lc), depth + 1));
				}
				if (list_length(items) > 1)
					appendStringInfoChar(out, ')');
				break;
			}
		case AEXPR_BETWEEN:
		case AEXPR_NOT_BETWEEN:
		case AEXPR_BETWEEN_SYM:
		case AEXPR_NOT_BETWEEN_SYM:
			{
				List	   *bounds = (List *) a->rexpr;
				bool		negated = (a->kind == AEXPR_NOT_BETWEEN ||
									   a->kind == AEXPR_NOT_BETWEEN_SYM);
				bool		symmetric = (a->kind == AEXPR_BETWEEN_SYM ||
										 a->kind == AEXPR_NOT_BETWEEN_SYM);
				const char *lower_op;
				const char *upper_op;
				const char *join;
				char	   *x;
				char	   *lo;
				char	   *hi;

				lower_op = mv_filter_operator(v, list_make1(makeString(negated ? "<" : ">=")));
				upper_op = mv_filter_operator(v, list_make1(makeString(negated ? ">" : "<=")));
				join = negated ? " OR " : " AND ";
				x = mv_filter_text(v, a->lexpr, depth + 1);
				lo = mv_filter_text(v, linitial(bounds), depth + 1);
				hi = mv_filter_text(v, lsecond(bounds), depth + 1);

				/* x BETWEEN lo AND hi is x >= lo AND x <= hi */
				if (symmetric)
					appendStringInfoChar(out, '(');
				appendStringInfoChar(out, '(');
				mv_append_op(out, x, lower_op, lo);
				appendStringInfoString(out, join);
				mv_append_op(out, x, upper_op, hi);
				appendStringInfoChar(out, ')');
				if (symmetric)
				{
					/* ... or the same with the bounds swapped */
					appendStringInfoString(out, negated ? " AND (" : " OR (");
					mv_append_op(out, x, lower_op, hi);
					appendStringInfoString(out, join);
					mv_append_op(out, x, upper_op, lo);
					appendStringInfoString(out, "))");
				}
				break;
			}
		case AEXPR_DISTINCT:
		case AEXPR_NOT_DISTINCT:

			/*
			 * The parser would look "=" up on the search_path, and there is
			 * no way to write it with a qualified operator.
			 */
			mv_refuse(v, MV_UNSAFE,
					  "Write the comparison with IS NULL and ordinary operators instead.",
					  "IS DISTINCT FROM is not allowed in row filters.");
			break;
	}
}

/*
 * Validates and appends a function call in a row filter: the function must
 * be in pg_catalog (unqualified names are looked up there only), and every
 * function of that name that could match the arguments must be built in,
 * a plain function, not set-returning, and not volatile, so that
 * whichever one the argument types select is safe.  The one the types
 * select must moreover be immutable (rule_settings.c), since a stable one
 * can read the reader's session settings.
 */
static void
mv_filter_call(const MvValidator *v, FuncCall *fc, int depth, StringInfo out)
{
	char	   *schema;
	char	   *name;
	List	   *args;
	List	   *argnames = NIL;
	ListCell   *lc;
	FuncCandidateList cand;
	char	   *shown;

	mv_check_call_form(v, fc);
	mv_split_funcname(v, fc->funcname, "pg_catalog", &schema, &name);
	shown = quote_qualified_identifier(schema, name);
	if (strcmp(schema, "pg_catalog") != 0)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Function %s is not built into PostgreSQL; row filters may call functions of schema pg_catalog only.",
				  shown);

	/*
	 * The *_to_xml family is stable but runs a query of its own over a table
	 * or schema named by a string: a subquery in disguise.
	 */
	if (strstr(name, "_to_xml") != NULL)
		mv_refuse(v, MV_UNSAFE, NULL,
				  "Function %s runs queries of its own; subqueries are not allowed.",
				  shown);

	args = mv_call_args(v, fc, depth, false);
	foreach(lc, args)
	{
		MvArg	   *a = lfirst(lc);

		if (a->name != NULL)
			argnames = lappend(argnames, a->name);
	}

	cand = FuncnameGetCandidates(list_make2(makeString(schema),
											makeString(name)),
								 list_length(args), argnames,
								 true, true, false, true);
	if (cand == NULL)
		mv_refuse(v, MV_INVALID, NULL,
				  "Function %s does not exist or does not take %d arguments.",
				  shown, list_length(args));
	for (; cand != NULL; cand = cand->next)
	{
		HeapTuple	tup;
		Form_pg_proc proc;
		char		prokind;
		char		volatility;
		bool		retset;

		if (cand->oid >= FirstNormalObjectId)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is not built into PostgreSQL.",
					  format_procedure_qualified(cand->oid));
		tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(cand->oid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for function %u", cand->oid);
		proc = (Form_pg_proc) GETSTRUCT(tup);
		prokind = proc->prokind;
		retset = proc->proretset;
		volatility = proc->provolatile;
		ReleaseSysCache(tup);

		if (prokind != PROKIND_FUNCTION)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is an aggregate, window function or procedure.",
					  shown);
		if (retset)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Set-returning functions are not allowed; found %s.", shown);
		if (volatility == PROVOLATILE_VOLATILE)
			mv_refuse(v, MV_UNSAFE, NULL,
					  "Function %s is volatile; row filters may call only immutable functions.",
					  shown);
	}

	mv_append_call(out, schema, name, args);
}

/*
 * Runs parse analysis over a canonical rule or row filter as the view will
 * use it, and refuses it if that fails, or if a row filter is not boolean.
 * The raw tree does not know types, so "amount + 1" in a filter or
 * mask.partial(name, 'x', 1) in a rule passes the allowlist; without this
 * check they would fail only later, in CREATE VIEW, with an error that is
 * not a refusal.  Nothing is executed: parse analysis resolves names and
 * types (and reads the literals that casts convert).
 */
static void
mv_check_types(const MvValidator *v, const char *expr)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	char	   *sql = psprintf("SELECT %s FROM ONLY %s", expr, v->relname);
	Node	   *volatile analysed = NULL;
	Oid			type;

	PG_TRY();
	{
		List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
		Query	   *query;
		TargetEntry *tle;

		query = parse_analyze_fixedparams(linitial_node(RawStmt, raw), sql,
										  NULL, 0, NULL);
		tle = linitial_node(TargetEntry, query->targetList);
		analysed = (Node *) tle->expr;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		/*
		 * Type errors ("operator does not exist: text > integer", "invalid
		 * input syntax for type integer").  We raise at once, and the abort
		 * releases what the analysis held.
		 */
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		if (category != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION &&
			category != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		FlushErrorState();
		mv_refuse(v, MV_INVALID, NULL, "The %s does not fit the table: %s.",
				  v->is_row_filter ? "row filter" : "masking rule",
				  mv_clip_message(edata->message));
	}
	PG_END_TRY();

	type = exprType(analysed);
	if (v->is_row_filter && type != BOOLOID && type != UNKNOWNOID)
		mv_refuse(v, MV_INVALID, NULL,
				  "A row filter must be a boolean expression; this one is of type %s.",
				  format_type_be(type));

	/* outside the PG_TRY above: these raise refusals of their own */
	mv_check_settings(v, analysed, sql);
	if (!v->is_row_filter)
		mv_check_parameters(v, analysed);
}

/* SQL spelling of the special functions that need no parentheses. */
static const char *
mv_svf_keyword(SQLValueFunctionOp op)
{
	switch (op)
	{
		case SVFOP_CURRENT_DATE:
			return "CURRENT_DATE";
		case SVFOP_CURRENT_TIME:
		case SVFOP_CURRENT_TIME_N:
			return "CURRENT_TIME";
		case SVFOP_CURRENT_TIMESTAMP:
		case SVFOP_CURRENT_TIMESTAMP_N:
			return "CURRENT_TIMESTAMP";
		case SVFOP_LOCALTIME:
		case SVFOP_LOCALTIME_N:
			return "LOCALTIME";
		case SVFOP_LOCALTIMESTAMP:
		case SVFOP_LOCALTIMESTAMP_N:
			return "LOCALTIMESTAMP";
		case SVFOP_CURRENT_ROLE:
			return "CURRENT_ROLE";
		case SVFOP_CURRENT_USER:
			return "CURRENT_USER";
		case SVFOP_USER:
			return "USER";
		case SVFOP_SESSION_USER:
			return "SESSION_USER";
		case SVFOP_CURRENT_CATALOG:
			return "CURRENT_CATALOG";
		case SVFOP_CURRENT_SCHEMA:
			return "CURRENT_SCHEMA";
	}
	return NULL;
}

/* Appends the filter expressions of items, separated by sep. */
static void
mv_filter_join(const MvValidator *v, List *items, const char *sep, int depth,
			   StringInfo out)
{
	ListCell   *lc;

	foreach(lc, items)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoString(out, sep);
		mv_filter_expr(v, lfirst(lc), depth, out);
	}
}

/*
 * Validates one node of a row filter and appends its canonical text, fully
 * parenthesised so that no precedence rule is left to the reader.
 */
static void
mv_filter_expr(const MvValidator *v, Node *node, int depth, StringInfo out)
{
	ListCell   *lc;

	check_stack_depth();
	if (depth > MV_MAX_DEPTH)
		mv_refuse(v, MV_INVALID, NULL,
				  "Expressions may be nested at most %d levels deep.",
				  MV_MAX_DEPTH);

	switch (nodeTag(node))
	{
		case T_A_Const:
			(void) mv_const((A_Const *) node, out);
			break;
		case T_ColumnRef:
			(void) mv_column(v, (ColumnRef *) node, out);
			break;
		case T_TypeCast:
			{
				TypeCast   *tc = (TypeCast *) node;
				Oid			typid;
				int32		typmod;
				char	   *arg = mv_filter_text(v, tc->arg, depth + 1);

				mv_cast_type(v, tc->typeName, &typid, &typmod);
				mv_append_cast(out, arg, typid, typmod);
				break;
			}
		case T_FuncCall:
			mv_filter_call(v, (FuncCall *) node, depth, out);
			break;
		case T_A_Expr:
			mv_filter_a_expr(v, (A_Expr *) node, depth, out);
			break;
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) node;

				if (b->boolop == NOT_EXPR)
				{
					appendStringInfo(out, "(NOT %s)",
									 mv_filter_text(v, linitial(b->args), depth + 1));
					break;
				}
				appendStringInfoChar(out, '(');
				mv_filter_join(v, b->args,
							   b->boolop == AND_EXPR ? " AND " : " OR ",
							   depth + 1, out);
				appendStringInfoChar(out, ')');
				break;
			}
		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) node;

				appendStringInfo(out, "(%s %s)",
								 mv_filter_text(v, (Node *) nt->arg, depth + 1),
								 nt->nulltesttype == IS_NULL ?
								 "IS NULL" : "IS NOT NULL");
				break;
			}
		case T_BooleanTest:
			{
				BooleanTest *bt = (BooleanTest *) node;
				const char *test = NULL;

				switch (bt->booltesttype)
				{
					case IS_TRUE:
						test = "IS TRUE";
						break;
					case IS_NOT_TRUE:
						test = "IS NOT TRUE";
						break;
					case IS_FALSE:
						test = "IS FALSE";
						break;
					case IS_NOT_FALSE:
						test = "IS NOT FALSE";
						break;
					case IS_UNKNOWN:
						test = "IS UNKNOWN";
						break;
					case IS_NOT_UNKNOWN:
						test = "IS NOT UNKNOWN";
						break;
				}
				appendStringInfo(out, "(%s %s)",
								 mv_filter_text(v, (Node *) bt->arg, depth + 1),
								 test);
				break;
			}
		case T_CaseExpr:
			{
				CaseExpr   *ce = (CaseExpr *) node;
				char	   *subject = NULL;
				const char *eq = NULL;

				/*
				 * CASE x WHEN v compares with an unqualified "=", so it is
				 * written as CASE WHEN x OPERATOR(pg_catalog.=) v.
				 */
				if (ce->arg != NULL)
				{
					subject = mv_filter_text(v, (Node *) ce->arg, depth + 1);
					eq = mv_filter_operator(v, list_make1(makeString("=")));
				}
				appendStringInfoString(out, "(CASE");
				foreach(lc, ce->args)
				{
					CaseWhen   *w = lfirst_node(CaseWhen, lc);
					char	   *cond = mv_filter_text(v, (Node *) w->expr, depth + 1);

					appendStringInfoString(out, " WHEN ");
					if (subject != NULL)
						mv_append_op(out, subject, eq, cond);
					else
						appendStringInfoString(out, cond);
					appendStringInfo(out, " THEN %s",
									 mv_filter_text(v, (Node *) w->result, depth + 1));
				}
				if (ce->defresult != NULL)
					appendStringInfo(out, " ELSE %s",
									 mv_filter_text(v, (Node *) ce->defresult, depth + 1));
				appendStringInfoString(out, " END)");
				break;
			}
		case T_CoalesceExpr:
			{
				CoalesceExpr *c = (CoalesceExpr *) node;

				appendStringInfoString(out, "COALESCE(");
				mv_filter_join(v, c->args, ", ", depth + 1, out);
				appendStringInfoChar(out, ')');
				break;
			}
		case T_A_ArrayExpr:
			{
				A_ArrayExpr *arr = (A_ArrayExpr *) node;

				appendStringInfoString(out, "ARRAY[");
				mv_filter_join(v, arr->elements, ", ", depth + 1, out);
				appendStringInfoChar(out, ']');
				break;
			}
		case T_SQLValueFunction:
			{
				SQLValueFunction *svf = (SQLValueFunction *) node;

				appendStringInfoString(out, mv_svf_keyword(svf->op));
				if (svf->typmod >= 0)
					appendStringInfo(out, "(%d)", svf->typmod);
				break;
			}
		default:
			mv_refuse_node(v, node);
	}
}

/*
 * mask._validate_expression(expression text, relation regclass,
 *							  is_row_filter boolean, key_sql text = NULL)
 * returns text: the canonical SQL of a masking rule (is_row_filter false)
 * or row filter (true) over relation, rebuilt from its parse tree, or an
 * error 22023 naming what is not allowed.  key_sql is the policy's key
 * subquery, inserted as the key of mask.pseudonym calls.  Behaves as STRICT
 * in its first three arguments.
 */
PG_FUNCTION_INFO_V1(_validate_expression);
Datum
_validate_expression(PG_FUNCTION_ARGS)
{
	MvValidator v;
	char	   *expression;
	size_t		len;
	int			comment;
	Node	   *node;
	StringInfoData out;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();

	memset(&v, 0, sizeof(v));
	v.relid = PG_GETARG_OID(1);
	v.is_row_filter = PG_GETARG_BOOL(2);
	v.key_sql = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	v.mask_nsp = get_namespace_oid("mask", false);
	v.extension = get_extension_oid("maskview", true);

	if (get_rel_name(v.relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", v.relid)));
	v.relname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(v.relid)),
										   get_rel_name(v.relid));

	expression = text_to_cstring(PG_GETARG_TEXT_PP(0));
	len = strlen(expression);
	if (len > MV_MAX_EXPRESSION_BYTES)
		mv_refuse(&v, MV_INVALID, NULL,
				  "The expression is %zu bytes long; the limit is %d bytes.",
				  len, MV_MAX_EXPRESSION_BYTES);

	comment = mv_find_comment(expression);
	if (comment >= 0)
		mv_refuse(&v, MV_UNSAFE, "Remove the comment; record the reason for a rule in its reason instead.",
				  "Comments are not allowed; one starts at character %d.",
				  pg_mbstrlen_with_len(expression, comment) + 1);

	node = mv_parse(&v, expression);

	initStringInfo(&out);
	if (v.is_row_filter)
	{
		/* catch the plainly non-boolean before the view creation does */
		if ((IsA(node, A_Const) && !((A_Const *) node)->isnull &&
			 !IsA(&((A_Const *) node)->val, Boolean)) ||
			(IsA(node, ColumnRef) &&
			 mv_column(&v, (ColumnRef *) node, &out) != BOOLOID))
			mv_refuse(&v, MV_INVALID, NULL,
					  "A row filter must be a boolean expression.");
		resetStringInfo(&out);
		mv_filter_expr(&v, node, 0, &out);
		mv_check_types(&v, out.data);
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
			mv_refuse(&v, MV_UNSAFE,
					  "Write PASS to show a column as it is, NULL to show NULL, or a constant such as 'CONFIDENTIAL' to show the same value in every row.",
					  "A masking rule must be a call of a trusted masking function or a constant; found %s.",
					  IsA(node, ColumnRef) ? "a column" :
					  IsA(node, A_Const) ? "a NULL constant" : "a cast of something other than a constant");
		(void) mv_rule_expr(&v, node, 0, &out);

		/*
		 * Type-check the rule as the view will run it.  The key view may not
		 * exist yet (the policy engine creates it with the views), so the
		 * check reads a constant sample key instead.
		 */
		if (v.key_sql != NULL)
		{
			MvValidator typed = v;
			StringInfoData check;

			/*
			 * A key of the right length, so that the parameter check
			 * (mv_check_parameters) really calls mask.pseudonym: with a NULL
			 * key the STRICT function would not look at its length.
			 */
			typed.key_sql = "CAST('\\x" MV_SAMPLE_KEY_HEX "' AS pg_catalog.bytea)";
			initStringInfo(&check);
			(void) mv_rule_expr(&typed, node, 0, &check);
			mv_check_types(&v, check.data);
		}
		else
			mv_check_types(&v, out.data);
	}

	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}
