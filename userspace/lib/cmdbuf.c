// SPDX-License-Identifier: MIT
/*
 * libpotnpu command streams: building a job's commands in memory or in a
 * buffer object, and copying them into one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpotnpu_priv.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"
#include "potnpu_regs.h"

_Static_assert(POTNPU_CMDBUF_MAX_SIZE == POTNPU_CMD_MAX_SIZE,
	       "command stream limit differs from potnpu_job.h");

struct potnpu_cmdbuf {
	uint32_t *words;	/* own memory or inside a BO mapping */
	size_t capacity;	/* in words */
	size_t used;		/* in words */
	bool own;
};

static int cmdbuf_check_capacity(size_t capacity, const char *fn)
{
	if (capacity < 4 || capacity > POTNPU_CMDBUF_MAX_SIZE || capacity % 4)
		return lib_set_error(-EINVAL,
				     "%s: a command stream capacity of %zu bytes is invalid (a multiple of 4 from 4 to %u)",
				     fn, capacity, POTNPU_CMDBUF_MAX_SIZE);
	return 0;
}

EXPORT int potnpu_cmdbuf_create(size_t capacity, struct potnpu_cmdbuf **cbp)
{
	struct potnpu_cmdbuf *cb;
	int err;

	if (!cbp)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_create: cbp is NULL");
	*cbp = NULL;
	err = cmdbuf_check_capacity(capacity, "potnpu_cmdbuf_create");
	if (err)
		return err;
	cb = calloc(1, sizeof(*cb));
	if (cb)
		cb->words = calloc(capacity / 4, 4);
	if (!cb || !cb->words) {
		free(cb);
		return lib_set_error(-ENOMEM,
				     "cannot allocate a %zu-byte command stream: out of memory",
				     capacity);
	}
	cb->capacity = capacity / 4;
	cb->own = true;
	*cbp = cb;
	return 0;
}

/*
 * Where a @size-byte command stream at @offset of @bo is in the CPU's
 * view of @bo, once it is checked to fit (4-byte aligned).
 */
static int map_in_bo(struct potnpu_bo *bo, size_t offset, size_t size,
		     void **at)
{
	void *map;
	int err;

	if (offset % 4 || offset > bo->size || size > bo->size - offset)
		return lib_set_error(-EINVAL,
				     "a %zu-byte command stream at offset %zu does not fit a %zu-byte buffer with 4-byte alignment",
				     size, offset, bo->size);
	err = potnpu_bo_map(bo, &map);
	if (err)
		return err;
	*at = (char *)map + offset;
	return 0;
}

EXPORT int potnpu_cmdbuf_create_in_bo(struct potnpu_bo *bo, size_t offset,
				      size_t capacity,
				      struct potnpu_cmdbuf **cbp)
{
	struct potnpu_cmdbuf *cb;
	void *at;
	int err;

	if (!cbp)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_create_in_bo: cbp is NULL");
	*cbp = NULL;
	if (!bo)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_create_in_bo: bo is NULL");
	err = cmdbuf_check_capacity(capacity, "potnpu_cmdbuf_create_in_bo");
	if (!err)
		err = map_in_bo(bo, offset, capacity, &at);
	if (err)
		return err;
	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return lib_set_error(-ENOMEM, "cannot create a command stream: out of memory");
	cb->words = at;
	cb->capacity = capacity / 4;
	*cbp = cb;
	return 0;
}

EXPORT void potnpu_cmdbuf_free(struct potnpu_cmdbuf *cb)
{
	if (!cb)
		return;
	if (cb->own)
		free(cb->words);
	free(cb);
}

EXPORT void potnpu_cmdbuf_reset(struct potnpu_cmdbuf *cb)
{
	if (cb)
		cb->used = 0;
}

EXPORT size_t potnpu_cmdbuf_size(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->used * 4 : 0;
}

EXPORT size_t potnpu_cmdbuf_capacity(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->capacity * 4 : 0;
}

EXPORT const void *potnpu_cmdbuf_data(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->words : NULL;
}

static uint32_t le32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/* Append @n host-order words, all or nothing. */
static int cmdbuf_put(struct potnpu_cmdbuf *cb, const uint32_t *w, size_t n,
		      const char *what)
{
	size_t i;

	if (n > cb->capacity - cb->used)
		return lib_set_error(-ENOSPC,
				     "command stream full: %s needs %zu bytes, %zu of %zu bytes are left",
				     what, n * 4, (cb->capacity - cb->used) * 4,
				     cb->capacity * 4);
	for (i = 0; i < n; i++)
		cb->words[cb->used + i] = le32(w[i]);
	cb->used += n;
	return 0;
}

static int va_range_ok(uint64_t va, uint64_t size)
{
	return va < POTNPU_VA_SIZE && size <= POTNPU_VA_SIZE - va;
}

/*
 * Append the @n words of a @what command that writes @size bytes at
 * device address @va, which must be @size-aligned (4 or 8).
 */
static int cmdbuf_put_at(struct potnpu_cmdbuf *cb, const uint32_t *w,
			 size_t n, const char *what, uint64_t va,
			 unsigned int size)
{
	if (va % size || !va_range_ok(va, size))
		return lib_set_error(-EINVAL,
				     "%s at device address 0x%llx: needs %s %u-byte aligned address below 0x%llx",
				     what, (unsigned long long)va,
				     size == 8 ? "an" : "a", size,
				     (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, n, what);
}

#define CMDBUF_NULL_CHECK(cb, fn) \
	do { \
		if (!(cb)) \
			return lib_set_error(-EINVAL, fn ": cb is NULL"); \
	} while (0)

EXPORT int potnpu_cmdbuf_nop(struct potnpu_cmdbuf *cb)
{
	uint32_t w[POTNPU_NOP_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS),
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_nop");
	return cmdbuf_put(cb, w, POTNPU_NOP_WORDS, "NOP");
}

EXPORT int potnpu_cmdbuf_fence(struct potnpu_cmdbuf *cb, uint64_t va,
			       uint32_t value)
{
	uint32_t w[POTNPU_FENCE_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32), value,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_fence");
	return cmdbuf_put_at(cb, w, POTNPU_FENCE_WORDS, "FENCE", va, 4);
}

EXPORT int potnpu_cmdbuf_timestamp(struct potnpu_cmdbuf *cb, uint64_t va)
{
	uint32_t w[POTNPU_TIMESTAMP_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32),
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_timestamp");
	return cmdbuf_put_at(cb, w, POTNPU_TIMESTAMP_WORDS, "TIMESTAMP", va, 8);
}

EXPORT int potnpu_cmdbuf_copy(struct potnpu_cmdbuf *cb, uint64_t src,
			      uint64_t dst, uint32_t size)
{
	uint32_t w[POTNPU_COPY_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS),
		(uint32_t)src, (uint32_t)(src >> 32),
		(uint32_t)dst, (uint32_t)(dst >> 32), size,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_copy");
	if (!size || !va_range_ok(src, size) || !va_range_ok(dst, size))
		return lib_set_error(-EINVAL,
				     "COPY of %u bytes from 0x%llx to 0x%llx: the size must be at least 1 and both ranges below 0x%llx",
				     size, (unsigned long long)src,
				     (unsigned long long)dst,
				     (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_COPY_WORDS, "COPY");
}

EXPORT int potnpu_cmdbuf_fill(struct potnpu_cmdbuf *cb, uint64_t dst,
			      uint32_t size, uint32_t pattern)
{
	uint32_t w[POTNPU_FILL_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS),
		(uint32_t)dst, (uint32_t)(dst >> 32), size, pattern,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_fill");
	if (!size || !va_range_ok(dst, size))
		return lib_set_error(-EINVAL,
				     "FILL of %u bytes at 0x%llx: the size must be at least 1 and the range below 0x%llx",
				     size, (unsigned long long)dst,
				     (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_FILL_WORDS, "FILL");
}

EXPORT int potnpu_cmdbuf_raw(struct potnpu_cmdbuf *cb, const uint32_t *words,
			     size_t count)
{
	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_raw");
	if (!words && count)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_raw: words is NULL");
	return cmdbuf_put(cb, words, count, "the raw command");
}

/* Every operand @l needs has an address, in range; the others are 0. */
static int layer_addrs_ok(const struct potnpu_layer *l,
			  const struct potnpu_layer_addrs *a)
{
	struct potnpu_layer_sizes sz;
	size_t i;

	potnpu_layer_sizes(l, &sz);
	{
		const struct { const char *name; uint64_t va; size_t size; } op[] = {
			{ "input", a->in, sz.in }, { "input b", a->in2, sz.in2 },
			{ "output", a->out, sz.out },
			{ "weights", a->weights, sz.weights },
			{ "table", a->table, sz.table },
			{ "channel records", a->chan, sz.chan },
		};

		for (i = 0; i < sizeof(op) / sizeof(op[0]); i++)
			if (op[i].size ? !op[i].va || !va_range_ok(op[i].va, op[i].size) :
			    op[i].va != 0)
				return lib_set_error(-EINVAL,
						     "layer command: the %s (%zu bytes) at device address 0x%llx: %s",
						     op[i].name, op[i].size,
						     (unsigned long long)op[i].va,
						     op[i].size ? "needs an address whose range lies below the device address space's end" :
						     "this op has no such operand, the address must be 0");
	}
	if (a->counters % 8 || !va_range_ok(a->counters, POTNPU_COUNTERS_SIZE))
		return lib_set_error(-EINVAL,
				     "layer command: the counters at 0x%llx need an 8-byte aligned address in the device address space",
				     (unsigned long long)a->counters);
	return 0;
}

EXPORT int potnpu_cmdbuf_layer(struct potnpu_cmdbuf *cb,
			       const struct potnpu_layer *l,
			       const struct potnpu_layer_addrs *a)
{
	uint32_t w[POTNPU_LAYER_WORDS];
	struct potnpu_layer_desc d;
	int err;

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_layer");
	if (!a)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_layer: a is NULL");
	err = potnpu_layer_validate(l);
	if (!err)
		err = layer_addrs_ok(l, a);
	if (err)
		return err;
	lib_layer_desc(l, a, &d);
	potnpu_layer_encode(&d, w);
	return cmdbuf_put(cb, w, POTNPU_LAYER_WORDS, "the layer command");
}

EXPORT int potnpu_cmdbuf_copy_to_bo(const struct potnpu_cmdbuf *cb,
				    struct potnpu_bo *bo, size_t offset)
{
	size_t size;
	void *at;
	int err;

	if (!cb || !bo)
		return lib_set_error(-EINVAL, "potnpu_cmdbuf_copy_to_bo: NULL argument");
	size = cb->used * 4;
	if (!size)
		return lib_set_error(-EINVAL, "the command stream is empty");
	err = map_in_bo(bo, offset, size, &at);
	if (err)
		return err;
	if (at != (void *)cb->words)
		memmove(at, cb->words, size);
	return 0;
}
