/*-------------------------------------------------------------------------
 *
 * memory.c
 *	  The core's allocator hook and its growable output buffer.
 *
 * The core never calls malloc directly: inside the server the glue installs
 * palloc, so a masked value lives in the caller's memory context and an
 * ERROR cleans it up; unit tests and fuzzers keep the libc default.
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "mv_core.h"

static mv_allocator current_allocator = {malloc, realloc, free};

void
mv_set_allocator(const mv_allocator *allocator)
{
	current_allocator = *allocator;
}

void *
mv_alloc(size_t size)
{
	return current_allocator.alloc(size);
}

void *
mv_realloc(void *ptr, size_t size)
{
	return current_allocator.realloc(ptr, size);
}

void
mv_free(void *ptr)
{
	if (ptr)
		current_allocator.free(ptr);
}

/*
 * Prepares an empty buffer with `reserved` leading bytes set aside for the
 * caller and room for about `expected` more.
 */
mv_status
mv_buf_init(mv_buf *buf, size_t reserved, size_t expected)
{
	size_t		cap = reserved + expected;

	if (cap < 16)
		cap = 16;
	buf->data = mv_alloc(cap);
	if (buf->data == NULL)
	{
		buf->len = buf->cap = 0;
		return MV_ERR_NOMEM;
	}
	memset(buf->data, 0, reserved);
	buf->len = reserved;
	buf->cap = cap;
	return MV_OK;
}

/*
 * Makes room for n more bytes, doubling so appends stay amortised O(1).
 * (mv_buf_append, inline in mv_core.h, calls it only when full.)
 */
mv_status
mv_buf_grow(mv_buf *buf, size_t n)
{
	size_t		need = buf->len + n;
	size_t		cap;
	char	   *data;

	if (need <= buf->cap)
		return MV_OK;
	if (need < buf->len)		/* overflow */
		return MV_ERR_NOMEM;
	cap = buf->cap ? buf->cap : 16;
	while (cap < need)
		cap = (cap > SIZE_MAX / 2) ? need : cap * 2;
	data = buf->data ? mv_realloc(buf->data, cap) : mv_alloc(cap);
	if (data == NULL)
		return MV_ERR_NOMEM;
	buf->data = data;
	buf->cap = cap;
	return MV_OK;
}

/* Appends `times` copies of s (the usual way a mask character is written). */
mv_status
mv_buf_append_repeat(mv_buf *buf, mv_str s, size_t times)
{
	mv_status	st;
	char	   *dst;

	if (times == 0 || s.len == 0)
		return MV_OK;
	if (times > SIZE_MAX / s.len)
		return MV_ERR_NOMEM;
	st = mv_buf_grow(buf, s.len * times);
	if (st != MV_OK)
		return st;
	dst = buf->data + buf->len;
	if (s.len == 1)
		memset(dst, s.ptr[0], times);
	else
	{
		for (size_t i = 0; i < times; i++)
			memcpy(dst + i * s.len, s.ptr, s.len);
	}
	buf->len += s.len * times;
	return MV_OK;
}

void
mv_buf_free(mv_buf *buf)
{
	mv_free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
