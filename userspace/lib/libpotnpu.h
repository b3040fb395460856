/* SPDX-License-Identifier: MIT */
/**
 * libpotnpu - userspace access to potnpu shift-add neural processors.
 *
 * The library finds potnpu devices among the DRM accel nodes
 * (/dev/accel/accelN), opens them and talks to the potnpu kernel driver
 * through the ioctls of potnpu_accel.h, over libdrm.
 *
 * Error convention: every function that can fail returns 0 (or a count, where
 * documented) on success and a negative errno value on failure. The code
 * says what kind of failure it was (potnpu_strerror() turns it into a short
 * sentence); potnpu_last_error() gives the full story of the last failure
 * in the calling thread, with paths and versions, ready to show to a user:
 *
 *	struct potnpu_device *dev;
 *	int err = potnpu_open_index(0, &dev);
 *	if (err) {
 *		fprintf(stderr, "%s\n", potnpu_last_error());
 *		// e.g. "no potnpu device found in /dev/accel
 *		//       (is the potnpu module loaded?)"
 *		return err == -ENODEV ? 69 : 1;
 *	}
 *
 * Error codes and what they mean here:
 *  -ENODEV	no potnpu device found (or no device with that index)
 *  -ENOENT	the path given does not exist
 *  -ENOTDIR	the accel directory (POTNPU_ACCEL_DIR) is not a directory
 *  -EACCES	permission denied opening a device node
 *  -ENOTTY	the node is not a DRM device
 *  -ENXIO	the node is a DRM device driven by another driver
 *  -EPROTO	the potnpu driver speaks an incompatible uapi version (too
 *		old or too new for this library); for a model file, a format
 *		major this library does not read
 *  -EBADMSG	the driver returned a malformed answer; for a model file,
 *		the file is malformed
 *  -EOPNOTSUPP	the device lacks a capability the caller asked for, or
 *		its driver's uapi minor predates the call (e.g. buffer
 *		objects on a uapi 0.0 driver)
 *  -ENOSPC	the device address space has no room for a buffer, or a
 *		command stream is full
 *  -EIO	the device file was banned after a job fault (reopen)
 *  -ETIME	a wait timed out
 *  -EINVAL	invalid argument (NULL pointer, buffer too small, ...)
 *  -ENOMEM	out of memory
 * Other values are errno codes passed through from the system.
 *
 * Thread safety: distinct devices may be used from distinct threads
 * freely; one device must not be used from two threads at once. The
 * last-error text is per thread.
 */
#ifndef LIBPOTNPU_H
#define LIBPOTNPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "potnpu_accel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIBPOTNPU_VERSION_MAJOR	0
#define LIBPOTNPU_VERSION_MINOR	4
#define LIBPOTNPU_VERSION_PATCH	0

/** Where DRM accel nodes live unless POTNPU_ACCEL_DIR says otherwise. */
#define POTNPU_DEFAULT_ACCEL_DIR	"/dev/accel"
/** Environment variable overriding the accel directory (used by tests). */
#define POTNPU_ACCEL_DIR_ENV		"POTNPU_ACCEL_DIR"

/** DRM driver name of potnpu devices. */
#define POTNPU_DRIVER_NAME		"potnpu"

/**
 * POTNPU_DEVICE_INFO_MIN_SIZE - size of the first version of
 * &struct drm_potnpu_device_info (up to and including @pad1); every driver
 * answers at least this much.
 */
#define POTNPU_DEVICE_INFO_MIN_SIZE	48u

/**
 * potnpu_version() - version of the library
 *
 * Return: "MAJOR.MINOR.PATCH" of the libpotnpu actually loaded.
 */
const char *potnpu_version(void);

/**
 * potnpu_strerror() - short description of an error code
 * @err: a negative (or positive) errno value returned by this library
 *
 * Return: a static, never NULL, English sentence fragment describing what
 * the code means for potnpu (e.g. -ENODEV: "no potnpu device found").
 */
const char *potnpu_strerror(int err);

/**
 * potnpu_last_error() - detailed message of the last failure in this thread
 *
 * Only meaningful right after a function of this library returned a
 * negative value; successful calls do not clear it.
 *
 * Return: a thread-local string, valid until the next libpotnpu call in
 * the same thread. Never NULL.
 */
const char *potnpu_last_error(void);

/**
 * potnpu_accel_dir() - the directory scanned for accel nodes
 *
 * Return: $POTNPU_ACCEL_DIR if set and non-empty, else "/dev/accel".
 */
const char *potnpu_accel_dir(void);

/* ---- enumeration ------------------------------------------------------ */

/** struct potnpu_device_list - opaque list of potnpu device nodes */
struct potnpu_device_list;

/**
 * potnpu_list_devices() - find the potnpu devices
 * @listp: receives the list, to be released with potnpu_list_free()
 *
 * Scans potnpu_accel_dir() for nodes named accelN, opens each one, asks the
 * DRM core for its driver name and keeps those driven by "potnpu", sorted
 * by N. Index i of the list is device index i everywhere (potnpu_open_index,
 * the tools' --device option). Nodes of other drivers are skipped; potnpu
 * nodes whose driver version is incompatible are listed (opening them
 * reports the incompatibility).
 *
 * Return: 0 with at least one device; -ENODEV when none is found (the
 * directory is empty, missing, or holds no potnpu node: potnpu_last_error()
 * says which and why nodes were skipped); -ENOTDIR, -EACCES, -ENOMEM. On
 * error *listp is NULL.
 */
int potnpu_list_devices(struct potnpu_device_list **listp);

/** potnpu_list_count() - number of devices in @list (0 for NULL) */
size_t potnpu_list_count(const struct potnpu_device_list *list);

/**
 * potnpu_list_path() - device node path of entry @index
 *
 * Return: the path, owned by @list, or NULL if @index is out of range.
 */
const char *potnpu_list_path(const struct potnpu_device_list *list,
			     size_t index);

/** potnpu_list_free() - release a list (NULL is fine) */
void potnpu_list_free(struct potnpu_device_list *list);

/* ---- devices ---------------------------------------------------------- */

/** struct potnpu_device - opaque handle of an open potnpu device */
struct potnpu_device;

/**
 * struct potnpu_driver_info - the DRM driver's identity (DRM_IOCTL_VERSION)
 * @major: driver major version, the uapi major (DRM_POTNPU_UAPI_MAJOR)
 * @minor: driver minor version, the uapi minor
 * @patch: driver patch level
 * @name: driver name ("potnpu")
 * @date: driver date string
 * @desc: driver description
 */
struct potnpu_driver_info {
	int major;
	int minor;
	int patch;
	char name[32];
	char date[32];
	char desc[128];
};

/**
 * potnpu_open() - open a potnpu device node
 * @path: e.g. "/dev/accel/accel0"
 * @devp: receives the handle, to be released with potnpu_close()
 *
 * Checks that @path is a character device driven by the potnpu DRM driver
 * whose uapi this library speaks (the same major; any minor), and that
 * the driver answers the device-info query. A driver with an older minor
 * than the header this library was built with is accepted: the calls it
 * implements work, and a call that needs a newer minor fails with
 * -EOPNOTSUPP and a message naming the uapi version it needs.
 *
 * Return: 0, or -ENOENT, -EACCES, -ENOTTY (not a DRM device), -ENXIO
 * (another driver), -EPROTO (another uapi major), -EBADMSG, -EINVAL,
 * -ENOMEM or a system errno. On error *devp is NULL.
 */
int potnpu_open(const char *path, struct potnpu_device **devp);

/**
 * potnpu_open_index() - open the @index-th device of potnpu_list_devices()
 *
 * Return: as potnpu_open(); -ENODEV when there is no device with that
 * index.
 */
int potnpu_open_index(unsigned int index, struct potnpu_device **devp);

/** potnpu_close() - close a device (NULL is fine) */
void potnpu_close(struct potnpu_device *dev);

/** potnpu_fd() - the DRM file descriptor, for ioctls the library lacks */
int potnpu_fd(const struct potnpu_device *dev);

/** potnpu_path() - the node path the device was opened with */
const char *potnpu_path(const struct potnpu_device *dev);

/** potnpu_driver() - identity of the driver behind @dev */
const struct potnpu_driver_info *potnpu_driver(const struct potnpu_device *dev);

/**
 * potnpu_query() - raw DRM_IOCTL_POTNPU_QUERY with size negotiation
 * @dev: device
 * @param: a &enum drm_potnpu_query_param value
 * @data: buffer, or NULL with @size 0 to ask for the size of the answer
 * @size: size of @data in bytes
 * @written: receives the bytes the driver wrote (or would write, when
 *	@size is 0); may be NULL
 *
 * Return: 0, -EINVAL (bad arguments, or the driver rejected the query: an
 * unknown @param or a buffer smaller than the first version of the
 * answer), -EBADMSG (the driver claims to have written more than @size),
 * or the ioctl's errno.
 */
int potnpu_query(struct potnpu_device *dev, uint32_t param, void *data,
		 uint32_t size, uint32_t *written);

/**
 * potnpu_query_device_info() - identity, versions and capabilities
 * @dev: device
 * @info: receives the answer
 * @size: sizeof(*info) as the caller was compiled; at least
 *	POTNPU_DEVICE_INFO_MIN_SIZE
 *
 * Fields the running driver does not know (a newer struct than the
 * driver's) are zero; fields the caller does not know (an older struct
 * than the driver's) are not written.
 *
 * Return: 0, -EINVAL, -EBADMSG (short or oversized answer), -EPROTO (the
 * answer reports a uapi major other than the library's) or the ioctl's
 * errno.
 */
int potnpu_query_device_info(struct potnpu_device *dev,
			     struct drm_potnpu_device_info *info, size_t size);

/* ---- buffer objects --------------------------------------------------- */

/**
 * struct potnpu_bo - opaque handle of a buffer object
 *
 * A buffer object is zeroed memory (GEM shmem) mapped into the device
 * address space of the potnpu_device it was created on, at potnpu_bo_va().
 * It belongs to that device: free every buffer before potnpu_close(), and
 * use a buffer only from the thread using its device.
 */
struct potnpu_bo;

/** Flag of potnpu_bo_create(): the device may only read the buffer. */
#define POTNPU_BO_READ_ONLY	DRM_POTNPU_BO_READ_ONLY
/** Largest buffer, in bytes (256 MiB). */
#define POTNPU_BO_MAX_SIZE	DRM_POTNPU_BO_MAX_SIZE

/**
 * potnpu_bo_create() - allocate a buffer object (DRM_IOCTL_POTNPU_BO_CREATE)
 * @dev: device whose address space gets the buffer
 * @size: bytes, 1..POTNPU_BO_MAX_SIZE; rounded up to whole pages
 *	(potnpu_bo_size() tells the result)
 * @flags: 0 or POTNPU_BO_READ_ONLY (the device cannot write it; the CPU
 *	mapping is writable either way)
 * @bop: receives the buffer, to be released with potnpu_bo_free()
 *
 * The buffer is zeroed and already mapped for the device when this
 * returns; map it for the CPU with potnpu_bo_map().
 *
 * Return: 0, or
 *  -EINVAL	NULL argument, size 0 ("buffer size 0 is invalid ..."),
 *		size above the maximum, unknown flags; or the driver refused
 *		the request (it may predate buffer objects)
 *  -ENOSPC	"device address space exhausted": no free range that large
 *		in @dev's address space
 *  -ENOMEM	out of memory (host or kernel)
 *  -EOPNOTSUPP	the driver's uapi is older than 0.1 (no buffer objects)
 *  -EBADMSG	the driver's answer is malformed (no handle, unaligned
 *		address, wrong size)
 *  or another errno of the ioctl. On error *bop is NULL.
 */
int potnpu_bo_create(struct potnpu_device *dev, size_t size, uint32_t flags,
		     struct potnpu_bo **bop);

/**
 * potnpu_bo_map() - CPU mapping of a buffer
 * @bo: buffer
 * @ptrp: receives the address of potnpu_bo_size() readable and writable
 *	bytes, shared with the device
 *
 * The first call asks the driver for the buffer's mmap offset
 * (DRM_IOCTL_POTNPU_BO_INFO) and maps it; later calls return the same
 * address. The mapping lasts until potnpu_bo_free().
 *
 * Return: 0, -EINVAL (NULL argument), -EBADMSG (the driver's description
 * of the buffer disagrees with its creation), -ENOENT (the driver does not
 * know the buffer), -ENOMEM (mmap failed for lack of memory or address
 * space), or another errno of the ioctl or mmap(). On error *ptrp is NULL.
 */
int potnpu_bo_map(struct potnpu_bo *bo, void **ptrp);

/**
 * potnpu_bo_free() - unmap and release a buffer (NULL is fine)
 *
 * Removes the CPU mapping, if any, and closes the GEM handle
 * (DRM_IOCTL_GEM_CLOSE); the driver frees the memory and the device
 * address range once no job uses them.
 */
void potnpu_bo_free(struct potnpu_bo *bo);

/** potnpu_bo_va() - device virtual address of @bo (0 for NULL) */
uint64_t potnpu_bo_va(const struct potnpu_bo *bo);

/** potnpu_bo_size() - size of @bo in bytes, whole pages (0 for NULL) */
size_t potnpu_bo_size(const struct potnpu_bo *bo);

/**
 * potnpu_bo_handle() - GEM handle of @bo on potnpu_fd() (0 for NULL), for
 * ioctls that take buffer handles
 */
uint32_t potnpu_bo_handle(const struct potnpu_bo *bo);

/** potnpu_bo_flags() - the POTNPU_BO_* flags @bo was created with */
uint32_t potnpu_bo_flags(const struct potnpu_bo *bo);

/* ---- command streams -------------------------------------------------- */

/**
 * struct potnpu_cmdbuf - opaque command-stream builder
 *
 * Appends commands in the encoding of potnpu_job.h (little endian words,
 * header: opcode, flags 0, length in words) to either a buffer of its own
 * (potnpu_cmdbuf_create(), copied into a buffer object with
 * potnpu_cmdbuf_copy_to_bo()) or straight into a buffer object's mapping
 * (potnpu_cmdbuf_create_in_bo()). A stream holds at most
 * POTNPU_CMDBUF_MAX_SIZE bytes (64 KiB). An append that does not fit or
 * whose operands are invalid fails and leaves the stream unchanged.
 */
struct potnpu_cmdbuf;

/** Largest command stream of one job, in bytes (POTNPU_CMD_MAX_SIZE). */
#define POTNPU_CMDBUF_MAX_SIZE	65536u

/**
 * potnpu_cmdbuf_create() - builder writing into memory of its own
 * @capacity: bytes, 4..POTNPU_CMDBUF_MAX_SIZE, a multiple of 4
 * @cbp: receives the builder, released with potnpu_cmdbuf_free()
 * Return: 0, -EINVAL, -ENOMEM.
 */
int potnpu_cmdbuf_create(size_t capacity, struct potnpu_cmdbuf **cbp);

/**
 * potnpu_cmdbuf_create_in_bo() - builder writing into @bo at @offset
 * @bo: buffer object (mapped by this call if it is not yet)
 * @offset: 4-byte aligned offset in @bo
 * @capacity: bytes, 4..POTNPU_CMDBUF_MAX_SIZE, a multiple of 4, and
 *	@offset + @capacity within potnpu_bo_size(@bo)
 * The stream is then potnpu_cmdbuf_size() bytes at @offset of @bo, ready
 * for potnpu_submit(). Return: 0, -EINVAL, -ENOMEM or a potnpu_bo_map()
 * error.
 */
int potnpu_cmdbuf_create_in_bo(struct potnpu_bo *bo, size_t offset,
			       size_t capacity, struct potnpu_cmdbuf **cbp);

/** potnpu_cmdbuf_free() - release a builder (not its buffer object) */
void potnpu_cmdbuf_free(struct potnpu_cmdbuf *cb);

/** potnpu_cmdbuf_reset() - empty the stream, keeping the memory */
void potnpu_cmdbuf_reset(struct potnpu_cmdbuf *cb);

/** potnpu_cmdbuf_size() - bytes in the stream (0 for NULL) */
size_t potnpu_cmdbuf_size(const struct potnpu_cmdbuf *cb);

/** potnpu_cmdbuf_capacity() - most bytes the stream can hold */
size_t potnpu_cmdbuf_capacity(const struct potnpu_cmdbuf *cb);

/** potnpu_cmdbuf_data() - the stream's words (little endian) */
const void *potnpu_cmdbuf_data(const struct potnpu_cmdbuf *cb);

/*
 * Appending. Return: 0; -ENOSPC when the command does not fit the
 * capacity; -EINVAL for a NULL builder or an invalid operand: FENCE needs
 * a 4-byte aligned address, TIMESTAMP an 8-byte aligned one, COPY and
 * FILL a size of at least 1 byte, and every range must lie within the
 * device address space (POTNPU_VA_SIZE). Whether the addresses belong to
 * the job's buffers is checked by the driver at submission.
 */
int potnpu_cmdbuf_nop(struct potnpu_cmdbuf *cb);
/* FENCE: write the 32-bit @value at device address @va. */
int potnpu_cmdbuf_fence(struct potnpu_cmdbuf *cb, uint64_t va, uint32_t value);
/* TIMESTAMP: write the control core's 64-bit instruction count at @va. */
int potnpu_cmdbuf_timestamp(struct potnpu_cmdbuf *cb, uint64_t va);
/* COPY: @size bytes from device address @src to @dst. */
int potnpu_cmdbuf_copy(struct potnpu_cmdbuf *cb, uint64_t src, uint64_t dst,
		       uint32_t size);
/* FILL: byte i of @dst gets byte (i % 4) of little-endian @pattern. */
int potnpu_cmdbuf_fill(struct potnpu_cmdbuf *cb, uint64_t dst, uint32_t size,
		       uint32_t pattern);
/*
 * potnpu_cmdbuf_raw() - append @count words as they are (host order),
 * for commands the builder does not know; no check but the capacity.
 */
int potnpu_cmdbuf_raw(struct potnpu_cmdbuf *cb, const uint32_t *words,
		      size_t count);

/**
 * potnpu_cmdbuf_copy_to_bo() - copy the stream of a builder made by
 * potnpu_cmdbuf_create() into @bo at @offset (4-byte aligned)
 * Return: 0, -EINVAL (empty stream, misaligned, does not fit), or a
 * potnpu_bo_map() error.
 */
int potnpu_cmdbuf_copy_to_bo(const struct potnpu_cmdbuf *cb,
			     struct potnpu_bo *bo, size_t offset);

/* ---- weight schemes: decode tables ------------------------------------ */

/*
 * Every weight scheme is a decode table (docs/numerics.md, "Weights"):
 * 1 << wbits 32-bit words, word c the terms of code c (byte i = term i,
 * 0 for none, else 0x40 | e for +2^e, 0xC0 | e for -2^e, e 0..15, at most
 * POTNPU_SCHEME_MAX_TERMS, terms from byte 0). A code's weight is the sum
 * of its terms.
 */
#define POTNPU_SCHEME_MAX_TERMS	4
#define POTNPU_SCHEME_MAX_CODES	256

/** enum potnpu_scheme_kind - the weight schemes potnpu_scheme_build() knows */
enum potnpu_scheme_kind {
	POTNPU_SCHEME_UNIFORM8,	/* code = int8 value, terms = its NAF */
	POTNPU_SCHEME_UNIFORM4,	/* code = int4 value, terms = its NAF */
	POTNPU_SCHEME_POT,	/* @param = b, 2..5: sign bit, m: 0 or 2^(m-1) */
	POTNPU_SCHEME_APOT,	/* @param = b, 3..6: sign bit, level set of b-1 */
	POTNPU_SCHEME_NHOT,	/* @param = n, 1..3: code = index ascending */
	POTNPU_SCHEME_FITTED,	/* caller's levels, code = index ascending */
};

/** struct potnpu_level - one representable weight and the code giving it */
struct potnpu_level {
	int32_t value;
	uint32_t code;
};

/**
 * struct potnpu_scheme - a scheme's decode table and its levels
 * @kind: what it was built as
 * @param: b (PoT, APoT) or n (n-hot), else 0
 * @wbits: code width b, 2..8
 * @table: 1 << @wbits words in CPU byte order (the rest 0)
 * @nlevels: distinct weights the codes give
 * @levels: those weights ascending, each with its smallest code
 */
struct potnpu_scheme {
	enum potnpu_scheme_kind kind;
	unsigned int param;
	unsigned int wbits;
	uint32_t table[POTNPU_SCHEME_MAX_CODES];
	size_t nlevels;
	struct potnpu_level levels[POTNPU_SCHEME_MAX_CODES];
};

/**
 * potnpu_scheme_build() - the decode table and levels of a scheme
 * @kind: the scheme
 * @param: b for PoT (2..5: larger b needs exponents above 15) and APoT
 *	(3..6), n for n-hot (1..3), ignored otherwise
 * @fitted: POTNPU_SCHEME_FITTED: the integer levels (any order, distinct,
 *	each a sum of at most 4 terms +-2^e, e 0..15; given a minimal-term
 *	representation); else NULL
 * @nfitted: their count, 1..256 (b is the smallest width >= 2 that holds
 *	them; unused codes decode to 0)
 * @s: filled in
 * Return: 0, or -EINVAL (unknown scheme, @param out of range, a fitted
 * level with no representation of 4 terms, duplicates, bad count).
 */
int potnpu_scheme_build(enum potnpu_scheme_kind kind, unsigned int param,
			const int32_t *fitted, size_t nfitted,
			struct potnpu_scheme *s);

/**
 * potnpu_scheme_name() - "uniform8", "uniform4", "pot5", "apot4", "nhot2",
 * "fitted": @s's short name, written to @buf. Return: @buf.
 */
const char *potnpu_scheme_name(const struct potnpu_scheme *s, char *buf,
			       size_t len);

/**
 * potnpu_term_word() - check and decode one table word
 * @word: the word (CPU byte order)
 * @value: receives the weight (sum of the terms); may be NULL
 * @terms: receives the number of terms; may be NULL
 * Return: 0 if the word obeys the rules (bits 5:4 of each term byte zero,
 * no term after an empty byte), -EINVAL otherwise.
 */
int potnpu_term_word(uint32_t word, int32_t *value, unsigned int *terms);

/**
 * potnpu_naf_word() - the table word of @value's non-adjacent form
 * Return: 0, or -EINVAL when the NAF needs more than 4 terms or an
 * exponent above 15.
 */
int potnpu_naf_word(int32_t value, uint32_t *word);

/**
 * potnpu_scheme_quantize() - nearest level of @s to @x
 * @x: a real weight already divided by its channel's scale
 * @value: receives the level's weight; may be NULL
 *
 * Exhaustive: the level nearest to @x; of two equally near, the one of
 * smaller magnitude (ties toward zero), which keeps +-x symmetric.
 * Return: the level's code.
 */
uint32_t potnpu_scheme_quantize(const struct potnpu_scheme *s, double x,
				int32_t *value);

/**
 * potnpu_nhot_greedy() - the greedy n-hot construction, for comparison
 *
 * n times: add the term +-2^e (e 0..7), or none, nearest to what is left
 * of @x (ties toward zero at each step). Not what the compiler uses (see
 * docs/numerics.md): on ties it can go away from zero.
 * Return: the weight it builds.
 */
int32_t potnpu_nhot_greedy(double x, unsigned int n);

/* ---- layers ------------------------------------------------------------ */

/* Layer operations (the command opcodes of potnpu_layer.h). */
#define POTNPU_LAYER_CONV2D	0x10
#define POTNPU_LAYER_MAXPOOL	0x11
#define POTNPU_LAYER_AVGPOOL	0x12
#define POTNPU_LAYER_ADD	0x13
#define POTNPU_LAYER_REQUANT	0x14
/* &potnpu_layer.flags: AVGPOOL's divisor counts the padding. */
#define POTNPU_LAYER_COUNT_PAD	1u

/**
 * struct potnpu_layer - what a layer computes (docs/numerics.md); the
 *	fields of a layer command but its addresses
 *
 * Shapes: in_h x in_w x in_c at pixel stride in_cstride (bytes, >= in_c),
 * the same for out. Kernel kh x kw, strides sh, sw, dilations dh, dw,
 * padding pad_t, pad_l, pad_b, pad_r (ADD and REQUANT: all 1 and 0).
 * CONV2D: groups (divides in_c and out_c) and wbits (2..8); other ops:
 * groups 1 and wbits 0. The pools, ADD and REQUANT have out_c = in_c.
 * Zero points and clamp bounds -128..127 (lo <= hi). ADD: b's pixel
 * stride in2_cstride and zero point in2_zp, the mantissas m_a, m_b and
 * the shift.
 */
struct potnpu_layer {
	uint32_t op;
	uint32_t in_h, in_w, in_c, in_cstride;
	uint32_t out_h, out_w, out_c, out_cstride;
	uint32_t kh, kw, sh, sw, dh, dw;
	uint32_t pad_t, pad_l, pad_b, pad_r;
	uint32_t groups, wbits, flags;
	uint32_t in2_cstride;
	int32_t in_zp, in2_zp, out_zp, lo, hi;
	uint32_t shift, m_a, m_b;
};

/** struct potnpu_layer_addrs - device addresses of a layer's operands */
struct potnpu_layer_addrs {
	uint64_t in, in2, out, weights, table, chan, counters;
};

/**
 * struct potnpu_chan - requantization record of one output channel
 * @bias: added to the accumulator
 * @m: mantissa M
 * @shift: shift s, 0..62: y = round(acc * M / 2^s)
 */
struct potnpu_chan {
	int32_t bias;
	uint16_t m;
	uint8_t shift;
};

/** Bytes of one packed &struct potnpu_chan (struct potnpu_chan_param). */
#define POTNPU_CHAN_RECORD_SIZE	8u
/** Bytes of a counters record (struct potnpu_layer_counters). */
#define POTNPU_COUNTERS_SIZE	64u

/** struct potnpu_layer_counts - a layer's counters (docs/numerics.md) */
struct potnpu_layer_counts {
	uint64_t macs, taps, terms, zero_skips, bitserial;
	uint64_t dma_in, dma_out, cycles;
};

/**
 * struct potnpu_layer_sizes - bytes each operand of a layer spans
 * (0 for operands the op does not have)
 */
struct potnpu_layer_sizes {
	size_t in, in2, out, weights, table, chan;
};

/**
 * potnpu_layer_out_dim() - output size of one dimension
 * Return: floor((in + pad - d * (k - 1) - 1) / s) + 1, or 0 when the
 * window does not fit (or @s is 0).
 */
uint32_t potnpu_layer_out_dim(uint32_t in, uint32_t k, uint32_t s, uint32_t d,
			      uint32_t pad);

/**
 * potnpu_layer_validate() - is @l a layer the device runs?
 * Checks every field's range, the output shape rule, groups, the clamp,
 * and that the SRAM tiling plan exists (one output channel and one row
 * fit). Return: 0 or -EINVAL with a message naming the field.
 */
int potnpu_layer_validate(const struct potnpu_layer *l);

/** potnpu_layer_taps() - taps per output (kh * kw * in_c / groups for
 * CONV2D, kh * kw for the pools, 1 otherwise) */
uint32_t potnpu_layer_taps(const struct potnpu_layer *l);

/** potnpu_layer_row_bytes() - CONV2D: bytes of one packed weight row */
size_t potnpu_layer_row_bytes(const struct potnpu_layer *l);

/** potnpu_layer_sizes() - the spans of @l's operands, into @sz */
void potnpu_layer_sizes(const struct potnpu_layer *l,
			struct potnpu_layer_sizes *sz);

/**
 * potnpu_layer_pack_weights() - pack codes into OHWI rows
 * @l: a CONV2D layer
 * @codes: out_c * potnpu_layer_taps() codes, row o first (kh, kw, ci
 *	with ci fastest), each < 1 << wbits
 * @rows: receives out_c rows of potnpu_layer_row_bytes() bytes, code k of
 *	a row at bit k * wbits, least significant bit first
 * @size: bytes at @rows
 * Return: 0 or -EINVAL (not CONV2D, @size too small, a code too wide).
 */
int potnpu_layer_pack_weights(const struct potnpu_layer *l,
			      const uint8_t *codes, void *rows, size_t size);

/** potnpu_layer_unpack_code() - code @k of a packed row */
uint32_t potnpu_layer_unpack_code(const uint8_t *row, uint32_t k,
				  unsigned int wbits);

/** potnpu_layer_pack_table() - @n table words, little endian, to @buf */
void potnpu_layer_pack_table(const uint32_t *table, size_t n, void *buf);

/** potnpu_layer_pack_chan() - @n records, little endian, to @buf
 * (POTNPU_CHAN_RECORD_SIZE bytes each) */
void potnpu_layer_pack_chan(const struct potnpu_chan *c, size_t n, void *buf);

/** potnpu_layer_read_counters() - a POTNPU_COUNTERS_SIZE-byte record
 * (little endian) written by the device, into @c */
void potnpu_layer_read_counters(const void *record,
				struct potnpu_layer_counts *c);

/**
 * potnpu_layer_decode_cmd() - the layer and addresses of a command's words
 * @words: 32 words in CPU byte order, header first
 * Return: 0, or -EINVAL when the header is no layer command or reserved
 * bits are set.
 */
int potnpu_layer_decode_cmd(const uint32_t *words, struct potnpu_layer *l,
			    struct potnpu_layer_addrs *a);

/**
 * potnpu_requant_from_real() - mantissa and shift of a real rescale
 * @rescale: the real factor, e.g. s_in * s_w[o] / s_out, > 0
 * @m: receives M, 0..65535
 * @shift: receives s, 0..62
 *
 * M / 2^s is @rescale rounded to 16 significant bits: M is normalised to
 * [2^15, 2^16) whenever s stays within 0..62 (a tiny rescale keeps s = 62
 * and a smaller M, possibly 0).
 * Return: 0, or -EINVAL (@rescale not positive and finite) or -ERANGE
 * (@rescale above 65535.5: s would be negative).
 */
int potnpu_requant_from_real(double rescale, uint16_t *m, uint8_t *shift);

/**
 * potnpu_cmdbuf_layer() - append a layer command
 * @l: the layer (potnpu_layer_validate() must accept it)
 * @a: its operands' device addresses: in, out always; in2 for ADD;
 *	weights and table for CONV2D; chan for CONV2D, AVGPOOL and
 *	REQUANT; counters (8-byte aligned) or 0; the others 0
 * Encodes with potnpu_layer_encode() of potnpu_layer.h.
 * Return: 0, -EINVAL (invalid layer, a missing or extra address, an
 * operand outside the device address space), -ENOSPC.
 */
int potnpu_cmdbuf_layer(struct potnpu_cmdbuf *cb, const struct potnpu_layer *l,
			const struct potnpu_layer_addrs *a);

/* ---- the CPU reference executor ---------------------------------------- */

/**
 * struct potnpu_ref_buffers - a layer's operands in host memory
 * @in: input (ADD: a), potnpu_layer_sizes().in bytes
 * @in2: ADD's b
 * @out: output, potnpu_layer_sizes().out bytes; only channel bytes are
 *	written (a concatenation's other slices stay)
 * @weights: CONV2D: packed rows (potnpu_layer_pack_weights())
 * @table: CONV2D: 1 << wbits words, CPU byte order
 * @chan: CONV2D, AVGPOOL, REQUANT: out_c records
 */
struct potnpu_ref_buffers {
	const int8_t *in, *in2;
	int8_t *out;
	const uint8_t *weights;
	const uint32_t *table;
	const struct potnpu_chan *chan;
};

/**
 * potnpu_reference_run() - execute a layer on the CPU
 * @l: a layer potnpu_layer_validate() accepts
 * @b: its buffers
 * @c: receives the counters the device would report; may be NULL
 *
 * Plain loops after docs/numerics.md, independent of the device's
 * engine: weights decoded to integers and multiplied, 32-bit wrapping
 * accumulators, requantization by a 64-bit multiplication. macs, taps,
 * terms, zero_skips and bitserial come from their definitions; dma_in,
 * dma_out and cycles from potnpu_layer_plan() and the cost model.
 * Return: 0, -EINVAL (invalid layer, a table word breaking the term
 * rules, a NULL buffer the op needs), -ENOMEM.
 */
int potnpu_reference_run(const struct potnpu_layer *l,
			 const struct potnpu_ref_buffers *b,
			 struct potnpu_layer_counts *c);

/* ---- model files ------------------------------------------------------- */

/*
 * A model file (model.bin, docs/model-format.md): tensors, a graph of
 * layer nodes in execution order with their weights, the input's
 * preprocessing and the output labels. potnpu_model_load() and
 * potnpu_model_load_buffer() check every byte of a file; their errors are
 *  -EBADMSG	the file is malformed (truncated, a bad offset, size, count,
 *		index, shape, layer, table word or checksum): the message
 *		names the section, byte offset and node or tensor
 *  -EPROTO	the file's format major is not POTNPU_MODEL_FORMAT_MAJOR
 *  -EINVAL	a bad argument (NULL, or a description the writer refuses)
 *  -ENOMEM, or the errno of opening or reading the file.
 */
#define POTNPU_MODEL_FORMAT_MAJOR	1
#define POTNPU_MODEL_FORMAT_MINOR	0
/** A tensor index meaning "none" (&potnpu_model_node.in2 of a non-ADD). */
#define POTNPU_MODEL_NO_TENSOR		UINT32_MAX

/** enum potnpu_tensor_role - where a tensor lives */
enum potnpu_tensor_role {
	POTNPU_TENSOR_INPUT = 1,	/* the model input */
	POTNPU_TENSOR_OUTPUT = 2,	/* the model output */
	POTNPU_TENSOR_INTERMEDIATE = 3,
};

/**
 * struct potnpu_model_tensor - an int8 NHWC tensor
 * @n: images (1)
 * @h: height
 * @w: width
 * @c: channels
 * @cstride: pixel stride in bytes, >= @c
 * @scale: real = scale * (q - zero_point), > 0
 * @zero_point: -128..127
 * @role: enum potnpu_tensor_role
 */
struct potnpu_model_tensor {
	uint32_t n, h, w, c, cstride;
	float scale;
	int32_t zero_point;
	uint32_t role;
};

/** Node kinds: a layer command, or Softmax on the host (last node only). */
#define POTNPU_NODE_LAYER	1
#define POTNPU_NODE_SOFTMAX	2

/**
 * struct potnpu_model_node - one node of the graph
 * @kind: POTNPU_NODE_*
 * @in: input tensor (ADD: a)
 * @in2: ADD's b, else POTNPU_MODEL_NO_TENSOR
 * @out: output tensor
 * @in_coff: first channel of @in read (a slice of a wider tensor)
 * @in2_coff: first channel of @in2 read
 * @out_coff: first channel of @out written (concatenation)
 * @layer: the layer (POTNPU_NODE_LAYER; zero for Softmax)
 * @scheme: CONV2D: the weight scheme
 * @scheme_param: its parameter (b or n, see potnpu_scheme_build())
 * @weights: CONV2D: out_c rows of potnpu_layer_row_bytes()
 * @table: CONV2D: 1 << wbits decode words, CPU byte order
 * @chan: CONV2D, AVGPOOL, REQUANT: out_c records
 * @wscale: CONV2D: out_c real weight scales (reports only)
 * @name: the ONNX node's name, or NULL ("" when read)
 * @scheme_name: e.g. "apot4", or NULL
 * @sqnr: SQNR against float in dB, NaN when not measured
 */
struct potnpu_model_node {
	uint32_t kind;
	uint32_t in, in2, out;
	uint32_t in_coff, in2_coff, out_coff;
	struct potnpu_layer layer;
	enum potnpu_scheme_kind scheme;
	unsigned int scheme_param;
	const uint8_t *weights;
	const uint32_t *table;
	const struct potnpu_chan *chan;
	const float *wscale;
	const char *name;
	const char *scheme_name;
	float sqnr;
};

/** Input kinds: int8 as the input tensor holds it, or a uint8 image. */
#define POTNPU_INPUT_INT8	0
#define POTNPU_INPUT_IMAGE_U8	1

/**
 * struct potnpu_model_input - what the model's input is
 * @kind: POTNPU_INPUT_*; for an image, channel c of pixel p is
 *	real = (p / 255 - mean[c]) / std[c], then
 *	q = clamp(round(real / scale) + zero_point, -128, 127) with the
 *	input tensor's scale and zero point (round half away from zero)
 * @channels: the input tensor's channels
 * @mean: @channels means (IMAGE_U8), else NULL
 * @std: @channels standard deviations, > 0 (IMAGE_U8), else NULL
 */
struct potnpu_model_input {
	uint32_t kind;
	uint32_t channels;
	const float *mean;
	const float *std;
};

/**
 * struct potnpu_model_desc - a whole model, as written or as read
 * @name: the model's name
 * @producer: the compiler's version string
 * @ntensors: entries at @tensors
 * @tensors: the tensors
 * @nnodes: entries at @nodes
 * @nodes: the graph in execution order
 * @input: index of the model input tensor
 * @output: index of the model output tensor
 * @pre: the input's preprocessing
 * @nlabels: 0, or the output tensor's channels
 * @labels: the output channels' names
 */
struct potnpu_model_desc {
	const char *name;
	const char *producer;
	uint32_t ntensors;
	const struct potnpu_model_tensor *tensors;
	uint32_t nnodes;
	const struct potnpu_model_node *nodes;
	uint32_t input, output;
	struct potnpu_model_input pre;
	uint32_t nlabels;
	const char *const *labels;
};

/** struct potnpu_model - opaque: a model read and checked */
struct potnpu_model;

/**
 * potnpu_model_load() - read and check the model file at @path
 * @mp: receives the model, released with potnpu_model_free()
 * Return: 0, or an error above. On error *mp is NULL.
 */
int potnpu_model_load(const char *path, struct potnpu_model **mp);

/** potnpu_model_load_buffer() - the same from @size bytes at @buf
 * (copied) */
int potnpu_model_load_buffer(const void *buf, size_t size,
			     struct potnpu_model **mp);

/** potnpu_model_free() - release a model (NULL is fine) */
void potnpu_model_free(struct potnpu_model *m);

/** potnpu_model_get() - the model's description, valid while @m lives */
const struct potnpu_model_desc *potnpu_model_get(const struct potnpu_model *m);

/**
 * potnpu_model_write() - encode @d as a model file
 * @bufp: receives a malloc()ed buffer (free() it)
 * @sizep: receives its size
 * The result is checked as potnpu_model_load() checks a file.
 * Return: 0, -EINVAL (with the reader's message on what @d breaks),
 * -ENOMEM. On error *bufp is NULL.
 */
int potnpu_model_write(const struct potnpu_model_desc *d, void **bufp,
		       size_t *sizep);

/** potnpu_model_save() - potnpu_model_write() into the file @path.
 * Return: as potnpu_model_write(), or the errno of writing the file. */
int potnpu_model_save(const struct potnpu_model_desc *d, const char *path);

/**
 * potnpu_model_seal() - recompute the checksum of a model file in memory
 * (for tools and tests that edit a file). Return: 0, or -EINVAL when
 * @size cannot hold the header.
 */
int potnpu_model_seal(void *buf, size_t size);

/** potnpu_model_node_macs() - nominal MACs of a node (CONV2D: out_h *
 * out_w * out_c * kh * kw * in_c / groups; 0 otherwise) */
uint64_t potnpu_model_node_macs(const struct potnpu_model_node *n);

/** potnpu_model_node_weight_bytes() - bytes of the node's device operands:
 * weight rows, decode table and channel records */
uint64_t potnpu_model_node_weight_bytes(const struct potnpu_model_node *n);

/* ---- jobs ------------------------------------------------------------- */

/**
 * struct potnpu_job - opaque handle of a submitted job
 *
 * Owns a binary DRM syncobj that signals when the job completed, failed
 * or was cancelled. Free every job (potnpu_job_free()) before closing its
 * device.
 */
struct potnpu_job;

/**
 * struct potnpu_submit_desc - what potnpu_submit() queues
 * @cmd_bo: buffer object holding the command stream
 * @cmd_offset: byte offset of the stream in @cmd_bo, 4-byte aligned
 * @cmd_size: stream size, a multiple of 4 in 4..POTNPU_CMDBUF_MAX_SIZE,
 *	within @cmd_bo (potnpu_cmdbuf_size())
 * @bos: every buffer object the commands touch; @cmd_bo is added when it
 *	is not listed, duplicates are dropped
 * @bo_count: entries at @bos (0 is fine: then only @cmd_bo)
 * @wait_syncobjs: binary syncobj handles whose fences the job waits for,
 *	e.g. potnpu_job_syncobj() of earlier jobs
 * @wait_count: entries at @wait_syncobjs, 0..POTNPU_MAX_WAIT_SYNCOBJS
 * @flags: must be 0
 * @out_timeline: 0 (the job gets a binary syncobj of its own), or a
 *	syncobj of the caller (potnpu_syncobj_create()) that the job signals
 *	at timeline point @out_point instead; the job then owns no syncobj
 *	(potnpu_job_syncobj() is 0) and potnpu_job_wait() waits for that point
 * @out_point: the timeline point, at least 1, with @out_timeline; else 0
 *
 * (Named so as not to collide with potnpu_job.h's ring descriptor.)
 */
struct potnpu_submit_desc {
	struct potnpu_bo *cmd_bo;
	uint32_t cmd_offset;
	uint32_t cmd_size;
	struct potnpu_bo *const *bos;
	uint32_t bo_count;
	const uint32_t *wait_syncobjs;
	uint32_t wait_count;
	uint32_t flags;
	uint32_t out_timeline;
	uint64_t out_point;
};

/** Most buffer objects one job may list (the command buffer included). */
#define POTNPU_MAX_JOB_BOS		DRM_POTNPU_MAX_JOB_BOS
/** Most syncobjs one job may wait for. */
#define POTNPU_MAX_WAIT_SYNCOBJS	DRM_POTNPU_MAX_IN_SYNCOBJS

/**
 * potnpu_submit() - queue a job (DRM_IOCTL_POTNPU_SUBMIT)
 * @dev: device
 * @desc: the job
 * @jobp: receives the job, released with potnpu_job_free()
 *
 * Needs uapi 0.1 and the JOBS capability (asked once per device, then
 * remembered). Creates the job's syncobj, checks @desc, and submits.
 *
 * Return: 0, or
 *  -EINVAL	bad @desc (checked before the ioctl), or the driver's
 *		validation refused the stream: a command is malformed, touches
 *		memory outside the listed buffers or writes a read-only one
 *  -EIO	this device file was banned after one of its jobs faulted:
 *		open the device again
 *  -EOPNOTSUPP	the driver predates jobs (uapi or JOBS capability)
 *  -ENODEV	the device cannot run jobs now (no ready firmware)
 *  -ENOENT	a buffer or syncobj handle is unknown to the driver
 *  -ENOMEM, or another errno of the ioctl. On error *jobp is NULL.
 */
int potnpu_submit(struct potnpu_device *dev,
		  const struct potnpu_submit_desc *desc,
		  struct potnpu_job **jobp);

/**
 * potnpu_job_wait() - wait until the job's syncobj signals
 * @timeout_ns: relative timeout; 0 polls, UINT64_MAX waits forever
 * Return: 0 once the job is over (successful or not: see
 * potnpu_job_status()), -ETIME when the timeout passed first, -EINVAL,
 * or another errno of the wait.
 */
int potnpu_job_wait(struct potnpu_job *job, uint64_t timeout_ns);

/**
 * struct potnpu_job_status - the outcome of a job
 * @done: false while the job is queued or running
 * @code: when done: a DRM_POTNPU_JOB_* status code of
 *	<drm/potnpu_accel.h> (DRM_POTNPU_JOB_OK, ..._TIMEOUT, ...)
 * @err_offset: byte offset in the stream of the failing command
 * @err_info: the opcode (illegal command), the MMU fault status (MMU
 *	fault), else 0
 * @fault_addr: faulting device address (MMU fault) or bus address (bus
 *	error)
 * @message: "completed", "illegal command 0x07 at offset 12", "MMU fault
 *	at VA 0x00105000 (write, slot 1, read-only page) at offset 4",
 *	"pending", ...
 */
struct potnpu_job_status {
	bool done;
	uint32_t code;
	uint32_t err_offset;
	uint32_t err_info;
	uint64_t fault_addr;
	char message[160];
};

/**
 * potnpu_job_status() - ask the driver (DRM_IOCTL_POTNPU_JOB_STATUS)
 * Return: 0 with @st filled (a failed job is still 0: look at st->code),
 * -ENOENT when the driver no longer remembers the job (it keeps the last
 * 256 of each file), -EINVAL, or another errno of the ioctl.
 */
int potnpu_job_status(struct potnpu_job *job, struct potnpu_job_status *st);

/**
 * potnpu_job_status_name() - short name of a status code: "ok",
 * "illegal command", "bad operand", "MMU fault", "bus error",
 * "bad descriptor", "aborted", "timeout", "cancelled", "device error" or
 * "unknown"
 */
const char *potnpu_job_status_name(uint32_t code);

/**
 * potnpu_format_job_status() - @st->message for the given fields
 * (exported for tools that get status records elsewhere). Return: @buf.
 */
const char *potnpu_format_job_status(bool done, uint32_t code,
				     uint32_t err_offset, uint32_t err_info,
				     uint64_t fault_addr, char *buf,
				     size_t len);

/** potnpu_job_id() - the driver's id of the job (increasing from 1) */
uint64_t potnpu_job_id(const struct potnpu_job *job);

/** potnpu_job_syncobj() - handle of the job's syncobj, for later jobs'
 * @wait_syncobjs (valid until potnpu_job_free()) */
uint32_t potnpu_job_syncobj(const struct potnpu_job *job);

/**
 * potnpu_syncobj_create() - a DRM syncobj on @dev (drmSyncobjCreate), e.g.
 * a timeline for &potnpu_submit_desc.out_timeline. Return: 0, -EINVAL,
 * -ENOMEM or another errno; destroy with potnpu_syncobj_destroy().
 */
int potnpu_syncobj_create(struct potnpu_device *dev, uint32_t *handlep);

/** potnpu_syncobj_destroy() - destroy a syncobj (0 is ignored) */
void potnpu_syncobj_destroy(struct potnpu_device *dev, uint32_t handle);

/** potnpu_job_free() - destroy the job's syncobj (NULL is fine); the job
 * itself runs to its end regardless */
void potnpu_job_free(struct potnpu_job *job);

/* ---- graphs: a model placed on a device, run per input ----------------- */

/*
 * A graph is a loaded model made ready to run: on a device, its weights,
 * decode tables and channel records are placed once in a read-only
 * weights buffer object, every tensor at a 64-byte aligned offset of an
 * activations buffer object (a concatenation's slices share their
 * tensor), and the whole graph's command stream is built once: one layer
 * command per layer node in execution order, each writing its counters
 * record into a counters buffer object. An inference is then ONE job:
 * write the input tensor, submit, wait, read the output tensor and every
 * layer's counters. With no device the same graph runs on the CPU
 * reference executor (potnpu_reference_run()), node by node, so that a
 * caller can compare both byte for byte (potnpu_graph_diff()). A Softmax
 * last node is computed on the host, in float.
 *
 * A graph has 1..POTNPU_GRAPH_MAX_SLOTS slots, each an activations and a
 * counters buffer and a command stream of its own, so that that many
 * inferences can be in flight at once (potnpu_graph_submit() on each
 * slot, then potnpu_graph_collect(); potnpu_graph_run_batch() does that).
 */
struct potnpu_graph;

/** Most inferences in flight in one graph. */
#define POTNPU_GRAPH_MAX_SLOTS	64u
/** &potnpu_graph_result.failed_node when no node failed. */
#define POTNPU_GRAPH_NO_NODE	UINT32_MAX

/**
 * struct potnpu_graph_options - how potnpu_graph_create() places a model
 * @dev: the device, or NULL for the CPU reference executor
 * @slots: inferences in flight, 1..POTNPU_GRAPH_MAX_SLOTS (0 means 1)
 */
struct potnpu_graph_options {
	struct potnpu_device *dev;
	unsigned int slots;
};

/**
 * struct potnpu_graph_info - sizes of a graph's input and output
 * @in_bytes: bytes of an input: h * w * c int8 of the input tensor, dense
 *	(no pixel stride), as potnpu_model_preprocess() writes them
 * @out_bytes: bytes of the quantized output: h * w * c int8 of the
 *	tensor the last layer writes (a Softmax's input), dense
 * @out_values: floats of &potnpu_graph_result.real (the same count)
 * @nnodes: the model's nodes (entries of &potnpu_graph_result.counts)
 * @slots: the graph's slots
 * @weights_bytes: bytes of the weights buffer (0 on the reference)
 * @activation_bytes: bytes of one slot's tensors
 * @cmd_bytes: bytes of one slot's command stream (0 on the reference)
 */
struct potnpu_graph_info {
	size_t in_bytes, out_bytes, out_values;
	uint32_t nnodes;
	unsigned int slots;
	size_t weights_bytes, activation_bytes, cmd_bytes;
};

/**
 * struct potnpu_graph_result - what one inference gave
 * @out: caller's buffer of &potnpu_graph_info.out_bytes, or NULL
 * @real: caller's buffer of &potnpu_graph_info.out_values floats, or
 *	NULL: the Softmax's probabilities, or the dequantized output (only
 *	with @out)
 * @counts: caller's array of &potnpu_graph_info.nnodes, or NULL: each
 *	layer node's counters (a Softmax node's are zero)
 * @ns: submission to completion, in ns (reference: the execution)
 * @failed_node: the node whose command failed (from the job's
 *	err_offset), else POTNPU_GRAPH_NO_NODE
 * @status: the job's status (reference: code DRM_POTNPU_JOB_OK or
 *	DRM_POTNPU_JOB_INVALID)
 */
struct potnpu_graph_result {
	int8_t *out;
	float *real;
	struct potnpu_layer_counts *counts;
	uint64_t ns;
	uint32_t failed_node;
	struct potnpu_job_status status;
};

/**
 * potnpu_graph_create() - place @m for running
 * @m: a loaded model; it must outlive the graph
 * @o: the backend and slots
 * @gp: receives the graph, released with potnpu_graph_free()
 * Return: 0, or -EINVAL (bad argument), -ENOSPC (more layer nodes than a
 * command stream holds, POTNPU_CMDBUF_MAX_SIZE / 128), -ENOMEM, or a
 * buffer object error. On error *gp is NULL.
 */
int potnpu_graph_create(const struct potnpu_model *m,
			const struct potnpu_graph_options *o,
			struct potnpu_graph **gp);

/** potnpu_graph_free() - release a graph and its buffers (NULL is fine);
 * wait for its submitted inferences first (potnpu_graph_collect()) */
void potnpu_graph_free(struct potnpu_graph *g);

/** potnpu_graph_info() - sizes of @g, valid while @g lives */
const struct potnpu_graph_info *potnpu_graph_info(const struct potnpu_graph *g);

/**
 * potnpu_graph_submit() - start an inference in slot @slot
 * @input: &potnpu_graph_info.in_bytes int8 values of the input tensor
 * Writes the input tensor and submits the slot's stream (the reference
 * runs it here). The slot must not be in flight.
 * Return: 0, -EINVAL, -EBUSY (the slot is in flight), or a
 * potnpu_submit() error; the reference's failure is reported by
 * potnpu_graph_collect().
 */
int potnpu_graph_submit(struct potnpu_graph *g, unsigned int slot,
			const int8_t *input);

/**
 * potnpu_graph_collect() - wait for slot @slot's inference, read results
 * Return: 0; -EIO when the job (or the reference) failed, with
 * @r->failed_node and @r->status saying where and why (and
 * potnpu_last_error() naming the node); -EINVAL (nothing in flight),
 * -ETIME (60 s passed), or a wait or status error.
 */
int potnpu_graph_collect(struct potnpu_graph *g, unsigned int slot,
			 struct potnpu_graph_result *r);

/** potnpu_graph_run() - submit and collect one inference in slot 0 */
int potnpu_graph_run(struct potnpu_graph *g, const int8_t *input,
		     struct potnpu_graph_result *r);

/**
 * potnpu_graph_run_batch() - @n inferences, pipelined
 * @inputs: @n inputs of &potnpu_graph_info.in_bytes, one after another
 * @r: @n results (their buffers the caller's, as for one run)
 * In groups of the graph's slots: every slot of a group submitted, then
 * each collected; afterwards slot i holds the tensors of the last group's
 * i-th inference. Stops at the first error. Return: as
 * potnpu_graph_collect().
 */
int potnpu_graph_run_batch(struct potnpu_graph *g, const int8_t *inputs,
			   size_t n, struct potnpu_graph_result *r);

/**
 * potnpu_graph_run_spread() - @n inferences spread over @ng graphs (e.g.
 * one per device, of the same model), round robin, each graph using
 * all its slots: every graph's group submitted, then collected.
 * Return: as potnpu_graph_run_batch().
 */
int potnpu_graph_run_spread(struct potnpu_graph *const *graphs, size_t ng,
			    const int8_t *inputs, size_t n,
			    struct potnpu_graph_result *r);

/**
 * struct potnpu_graph_diff - the first byte where two graphs' tensors
 * differ, in execution order
 * @node: the node whose output differs
 * @tensor: its output tensor
 * @byte: the byte's index in the node's output, dense (y, x, c with c
 *	fastest, c counted from the node's first output channel)
 * @y, @x, @c: its position (@c within the tensor)
 * @a, @b: the values of the two graphs
 */
struct potnpu_graph_diff {
	uint32_t node, tensor;
	size_t byte;
	uint32_t y, x, c;
	int8_t a, b;
};

/**
 * potnpu_graph_diff() - compare every layer node's output in slot @sa of
 * @a with slot @sb of @b (graphs of the same model, e.g. device and
 * reference, after the same input)
 * Return: 0 when every byte agrees, 1 with @d filled at the first
 * difference, -EINVAL.
 */
int potnpu_graph_diff(const struct potnpu_graph *a, unsigned int sa,
		      const struct potnpu_graph *b, unsigned int sb,
		      struct potnpu_graph_diff *d);

/**
 * potnpu_model_preprocess() - a model's input from raw data
 * @m: the model
 * @raw: POTNPU_INPUT_IMAGE_U8: an h x w x c uint8 image (NHWC); INT8:
 *	h * w * c int8 values, copied
 * @q: receives &potnpu_graph_info.in_bytes int8 values: for an image,
 *	real = (p / 255 - mean[c]) / std[c], then q = clamp(round(real /
 *	scale) + zero_point, -128, 127), in float (binary32) arithmetic,
 *	rounding half away from zero (docs/model-format.md, INPUT)
 * Return: 0 or -EINVAL.
 */
int potnpu_model_preprocess(const struct potnpu_model *m, const uint8_t *raw,
			    int8_t *q);

/* ---- capabilities ----------------------------------------------------- */

/** potnpu_has_cap() - whether @info reports every bit of @cap */
bool potnpu_has_cap(const struct drm_potnpu_device_info *info, uint64_t cap);

/**
 * potnpu_require_cap() - fail clearly unless @dev has capability @cap
 *
 * Queries the device. Return: 0, -EOPNOTSUPP with a message naming the
 * device and the missing capability, or a query error.
 */
int potnpu_require_cap(struct potnpu_device *dev, uint64_t cap);

/**
 * potnpu_cap_name() - short name of a single DRM_POTNPU_CAP_* bit
 *
 * Return: "IRQ", "FIRMWARE", "JOBS", "MODEL_EXEC", or NULL if @cap is not
 * exactly one known bit.
 */
const char *potnpu_cap_name(uint64_t cap);

/** potnpu_cap_description() - one-line description of a capability bit */
const char *potnpu_cap_description(uint64_t cap);

/** potnpu_known_caps() - mask of the capability bits this library knows */
uint64_t potnpu_known_caps(void);

/**
 * potnpu_format_caps() - "IRQ,FIRMWARE" style list of @caps
 *
 * Unknown bits appear as "bitN"; no bit gives "none". The result is
 * truncated to fit @len (with "..." at the end when it was cut).
 *
 * Return: @buf.
 */
const char *potnpu_format_caps(uint64_t caps, char *buf, size_t len);

/* ---- version helpers -------------------------------------------------- */

/**
 * potnpu_format_fw_version() - "MAJOR.MINOR.PATCH" of a firmware or
 * firmware-ABI version (8.8.16-bit packing of POTNPU_FW_VER), or "none"
 * for 0. Return: @buf.
 */
const char *potnpu_format_fw_version(uint32_t version, char *buf, size_t len);

/**
 * potnpu_format_version16() - "MAJOR.MINOR" of a 16.16-bit packed version
 * (hw_version, uapi_version). Return: @buf.
 */
const char *potnpu_format_version16(uint32_t version, char *buf, size_t len);

/**
 * potnpu_format_bus_id() - "DDDD:BB:DD.F" PCI address of a pci_bus_id
 * (domain << 16 | bus << 8 | devfn). Return: @buf.
 */
const char *potnpu_format_bus_id(uint32_t bus_id, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBPOTNPU_H */
