/*-------------------------------------------------------------------------
 *
 * ddl_guard.c
 *	  Which extensions a statement drops, read from its raw parse tree.
 *
 * DROP EXTENSION maskview while policies exist would fail on PostgreSQL's
 * dependency check with a message about one internal view; the event
 * trigger mask_internal._on_ddl_command_start() wants to refuse it first with a
 * message that says what to do.  A ddl_command_start trigger is not told
 * which extension is being dropped, so it asks this function about the
 * statement text (current_query()).  Only the raw parser is used: no
 * catalog access, nothing is executed.  A text that does not parse (it
 * already failed, or is not SQL) names no extension.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/*
 * mask_internal._drops_extension(query text, extension name) -> boolean: true when
 * one of the statements in query is a DROP EXTENSION naming extension
 * without CASCADE.
 */
PG_FUNCTION_INFO_V1(mv_sql_drops_extension);
Datum
mv_sql_drops_extension(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *extension = NameStr(*PG_GETARG_NAME(1));
	MemoryContext caller = CurrentMemoryContext;
	List	   *statements = NIL;
	ListCell   *lc;
	bool		found = false;

	PG_TRY();
	{
		statements = raw_parser(query, RAW_PARSE_DEFAULT);
	}
	PG_CATCH();
	{
		/* Not parseable: it names nothing; PostgreSQL reports it itself. */
		MemoryContextSwitchTo(caller);
		FlushErrorState();
		statements = NIL;
	}
	PG_END_TRY();

	foreach(lc, statements)
	{
		RawStmt    *raw = lfirst_node(RawStmt, lc);
		DropStmt   *drop;
		ListCell   *name;

		if (!IsA(raw->stmt, DropStmt))
			continue;
		drop = (DropStmt *) raw->stmt;
		if (drop->removeType != OBJECT_EXTENSION || drop->behavior == DROP_CASCADE)
			continue;
		foreach(name, drop->objects)
		{
			if (strcmp(strVal(lfirst(name)), extension) == 0)
				found = true;
		}
	}
	PG_RETURN_BOOL(found);
}
