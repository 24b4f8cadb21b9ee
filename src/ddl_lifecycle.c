/*-------------------------------------------------------------------------
 *
 * ddl_lifecycle.c
 *	  What the DDL event triggers need from the parse tree: plpgsql sees only
 *	  a command tag, and a tag does not say which columns an ALTER TABLE
 *	  drops or retypes, nor which subcommands it ran.
 *
 * mv_sql_on_ddl_command_start(): the ddl_command_start event trigger.
 *	  A generated view reads the columns of its table, and PostgreSQL
 *	  refuses a plain ALTER TABLE ... DROP COLUMN or ALTER COLUMN ... TYPE of
 *	  a column a view reads ("view depends on it").  For such a command on a
 *	  protected table this hands the table and the column names to
 *	  mask_internal._before_column_change(), which drops the generated views that
 *	  read them (inside the command's transaction: a failing command brings
 *	  them back); the ddl_command_end trigger regenerates them from the
 *	  catalog, orphaning rules that no longer apply.
 *
 *	  For CREATE TABLE ... (LIKE t) it hands t to mask_internal._before_create_like(),
 *	  which audits a copy of a protected table's structure.
 *
 * mv_sql_ddl_subcommands(pg_ddl_command): the kinds of subcommand an
 *	  ALTER TABLE ran (DROP COLUMN, ALTER COLUMN TYPE, ATTACH PARTITION ...),
 *	  or the kind of a simple command (RENAME, SET SCHEMA), as text, for the
 *	  ddl_command_end trigger's audit row and to know when rules must be
 *	  validated again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "tcop/deparse_utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* The name of an ALTER TABLE subcommand kind maskview cares about, or NULL. */
static const char *
mv_subcommand_name(AlterTableType t)
{
	switch (t)
	{
		case AT_AddColumn:
			return "ADD COLUMN";
		case AT_DropColumn:
			return "DROP COLUMN";
		case AT_AlterColumnType:
			return "ALTER COLUMN TYPE";
		case AT_AttachPartition:
			return "ATTACH PARTITION";
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			return "DETACH PARTITION";
		case AT_AddInherit:
			return "INHERIT";
		case AT_DropInherit:
			return "NO INHERIT";
		case AT_ChangeOwner:
			return "OWNER TO";
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
			return "ROW LEVEL SECURITY";
		default:
			return NULL;
	}
}

/*
 * CREATE TABLE ... (LIKE t): hands each LIKE source and the new table's
 * name to mask_internal._before_create_like(), which audits copies of protected
 * tables.
 */
static void
mv_audit_create_like(CreateStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->tableElts)
	{
		TableLikeClause *like;
		Oid			relid;
		Oid			argtypes[2] = {OIDOID, TEXTOID};
		Datum		values[2];
		int			rc;

		if (!IsA(lfirst(lc), TableLikeClause))
			continue;
		like = (TableLikeClause *) lfirst(lc);
		relid = RangeVarGetRelid(like->relation, NoLock, true);
		if (!OidIsValid(relid))
			continue;
		values[0] = ObjectIdGetDatum(relid);
		values[1] = CStringGetTextDatum(quote_qualified_identifier(stmt->relation->schemaname,
																	stmt->relation->relname));
		SPI_connect();
		rc = SPI_execute_with_args("SELECT mask_internal._before_create_like($1::pg_catalog.regclass, $2)",
								   2, argtypes, values, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not run mask_internal._before_create_like: %s",
				 SPI_result_code_string(rc));
		SPI_finish();
	}
}

PG_FUNCTION_INFO_V1(mv_sql_on_ddl_command_start);
Datum
mv_sql_on_ddl_command_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	AlterTableStmt *stmt;
	ListCell   *lc;
	List	   *names = NIL;
	Oid			relid;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as an event trigger", "mask_internal._ddl_command_start")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (trigdata->parsetree != NULL && IsA(trigdata->parsetree, CreateStmt))
	{
		mv_audit_create_like((CreateStmt *) trigdata->parsetree);
		PG_RETURN_VOID();
	}
	if (trigdata->parsetree == NULL || !IsA(trigdata->parsetree, AlterTableStmt))
		PG_RETURN_VOID();
	stmt = (AlterTableStmt *) trigdata->parsetree;
	if (stmt->relation == NULL)
		PG_RETURN_VOID();

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if ((cmd->subtype == AT_DropColumn || cmd->subtype == AT_AlterColumnType)
			&& cmd->name != NULL)
			names = lappend(names, cstring_to_text(cmd->name));
	}
	if (names == NIL)
		PG_RETURN_VOID();

	/* No lock: the command takes its own; a missing table is its error. */
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		PG_RETURN_VOID();

	{
		Datum	   *elems = palloc(sizeof(Datum) * list_length(names));
		int			n = 0;
		ArrayType  *arr;
		Oid			argtypes[3] = {OIDOID, TEXTARRAYOID, BOOLOID};
		Datum		values[3];
		int			rc;

		foreach(lc, names)
			elems[n++] = PointerGetDatum(lfirst(lc));
		arr = construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
		values[0] = ObjectIdGetDatum(relid);
		values[1] = PointerGetDatum(arr);
		values[2] = BoolGetDatum(stmt->relation->inh);

		SPI_connect();
		rc = SPI_execute_with_args("SELECT mask_internal._before_column_change("
								   "$1::pg_catalog.regclass, $2, $3)",
								   3, argtypes, values, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not run mask_internal._before_column_change: %s",
				 SPI_result_code_string(rc));
		SPI_finish();
	}
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(mv_sql_ddl_subcommands);
Datum
mv_sql_ddl_subcommands(PG_FUNCTION_ARGS)
{
	CollectedCommand *cmd = (CollectedCommand *) PG_GETARG_POINTER(0);
	Datum		elems[64];
	int			n = 0;
	ListCell   *lc;

	if (cmd->type == SCT_AlterTable)
	{
		foreach(lc, cmd->d.alterTable.subcmds)
		{
			CollectedATSubcmd *sub = (CollectedATSubcmd *) lfirst(lc);
			const char *name;
			int			i;
			bool		seen = false;

			if (sub->parsetree == NULL || !IsA(sub->parsetree, AlterTableCmd))
				continue;
			name = mv_subcommand_name(((AlterTableCmd *) sub->parsetree)->subtype);
			if (name == NULL)
				continue;
			for (i = 0; i < n; i++)
				if (strcmp(TextDatumGetCString(elems[i]), name) == 0)
					seen = true;
			if (!seen && n < lengthof(elems))
				elems[n++] = CStringGetTextDatum(name);
		}
	}
	else if (cmd->type == SCT_Simple && cmd->parsetree != NULL)
	{
		if (IsA(cmd->parsetree, RenameStmt))
			elems[n++] = CStringGetTextDatum("RENAME");
		else if (IsA(cmd->parsetree, AlterObjectSchemaStmt))
			elems[n++] = CStringGetTextDatum("SET SCHEMA");
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}
