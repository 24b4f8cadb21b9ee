/*-------------------------------------------------------------------------
 *
 * maskview.c
 *	  Module initialisation: the module magic block and the core's allocator.
 *
 * The masking core allocates through mv_alloc(); inside the server that must
 * be palloc, so that a result buffer can become the returned text, memory is
 * freed with the call's memory context, and an out-of-memory condition is an
 * ordinary ERROR rather than a NULL the core would have to handle.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

/*
 * maskview is built and tested against PostgreSQL 15 only: the rule
 * validator walks the raw parse tree and calls parse analysis, whose node
 * shapes and signatures change between major versions.  Fail the build with
 * a clear message rather than produce a module that misreads a parse tree.
 */
#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
#error "maskview supports PostgreSQL 15 only (PG_VERSION_NUM 150000-159999): pick that server's pg_config with PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config"
#endif

#include "mv_core.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* palloc with the signature the core expects. */
static void *
mv_palloc(size_t size)
{
	return palloc(size);
}

/* repalloc with the signature the core expects; NULL means a new chunk. */
static void *
mv_repalloc(void *ptr, size_t size)
{
	return ptr ? repalloc(ptr, size) : palloc(size);
}

/* pfree with the signature the core expects; NULL is ignored like free(). */
static void
mv_pfree(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

/*
 * Installs palloc as the core's allocator when the library is loaded, before
 * any masking function can run.
 */
void
_PG_init(void)
{
	static const mv_allocator allocator = {mv_palloc, mv_repalloc, mv_pfree};

	mv_set_allocator(&allocator);
}
