/*-------------------------------------------------------------------------
 *
 * rule_deparse.c
 *	  The leaves and calls of a rule or row filter rebuilt as canonical SQL:
 *	  constants re-quoted, columns checked against the table and always
 *	  double-quoted, cast types resolved to built-in types and written
 *	  schema-qualified, call arguments collected in the parser's order.
 *
 * Nothing typed is pasted into a view: every piece of the canonical text is
 * written here (or by the operator and call writers) from the parse tree.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "rule_validator.h"

/*
 * Appends the canonical text of a constant and returns the type the parser
 * will give it (unknown for strings and NULL, as in make_const()).
 */
Oid
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
Oid
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

/* mv_catch_input_error body: a type name looked up, its modifier computed. */
typedef struct MvTypeLookup
{
	const TypeName *tn;
	int32	   *typmod;
	Type		tup;
} MvTypeLookup;

static void
mv_lookup_type(void *arg)
{
	MvTypeLookup *l = (MvTypeLookup *) arg;

	/* computes the type modifier too, with the type's typmodin */
	l->tup = LookupTypeName(NULL, l->tn, l->typmod, true);
}

/*
 * Resolves the target type of a cast and refuses anything but a built-in
 * type.  A user-defined type (or a domain or array over one) would bring
 * its owner's input and cast functions into the view.
 */
void
mv_cast_type(const MvValidator *v, const TypeName *tn, Oid *typid,
			 int32 *typmod)
{
	MvTypeLookup lookup = {0};
	ErrorData  *edata;
	Type		tup;

	if (tn->setof || tn->pct_type || list_length(tn->names) > 2)
		mv_refuse(v, MV_UNSAFE, NULL, "Type %s is not allowed in a cast.",
				  TypeNameToString(tn));

	/*
	 * Bad type modifiers ("numeric(1,2,3)") and the like; the lookup holds
	 * nothing that outlives the error we raise at once.
	 */
	lookup.tn = tn;
	lookup.typmod = typmod;
	edata = mv_catch_input_error(mv_lookup_type, &lookup, false);
	if (edata != NULL)
		mv_refuse(v, MV_INVALID, NULL, "Type %s cannot be used: %s.",
				  TypeNameToString(tn), mv_clip_message(edata->message));
	tup = lookup.tup;

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
void
mv_append_cast(StringInfo out, const char *arg, Oid typid, int32 typmod)
{
	appendStringInfo(out, "CAST(%s AS %s)", arg,
					 format_type_extended(typid, typmod,
										  FORMAT_TYPE_TYPEMOD_GIVEN |
										  FORMAT_TYPE_FORCE_QUALIFY));
}

/*
 * Refuses the parts of a call that turn it into something other than a
 * plain function call: aggregates, windows, VARIADIC and the like.
 */
void
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
void
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
List *
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
void
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
char *
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
