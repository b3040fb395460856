/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * potnpu DRM accel driver: userspace ABI.
 *
 * Conventions used by every ioctl here:
 *  - all structures have explicit sizes with natural alignment and no
 *    implicit padding; fields named pad or reserved must be zero (MBZ) and
 *    the kernel rejects non-zero values with -EINVAL, so they can be given a
 *    meaning later without breaking old binaries;
 *  - pointers travel as __u64;
 *  - queries are extensible: userspace passes the size of its buffer and the
 *    kernel writes at most that much (see &struct drm_potnpu_query).
 */
#ifndef _UAPI_DRM_POTNPU_ACCEL_H_
#define _UAPI_DRM_POTNPU_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Interface version, also the DRM driver's major.minor. The major stays 0
 * until the first release; every feature set added bumps the minor, so
 * userspace tells what a kernel offers from %DRM_POTNPU_QUERY_DEVICE_INFO's
 * uapi_version (or drmGetVersion()):
 *   0.1  DRM_IOCTL_POTNPU_QUERY with %DRM_POTNPU_QUERY_DEVICE_INFO
 *   0.2  DRM_IOCTL_POTNPU_BO_CREATE, DRM_IOCTL_POTNPU_BO_INFO,
 *        %DRM_POTNPU_QUERY_FW_INFO
 *   0.3  DRM_IOCTL_POTNPU_SUBMIT, DRM_IOCTL_POTNPU_JOB_STATUS
 *   0.4  the job status codes below, a 64-bit
 *        &drm_potnpu_job_status.fault_addr, per-file limits on queued
 *        jobs (-EAGAIN) and their accounting in fdinfo
 *   0.5  layer commands (opcodes 0x10-0x14) in job streams, with
 *        %DRM_POTNPU_CAP_MODEL_EXEC
 * While the major is 0 a minor may also change the layout of an ioctl
 * that an earlier 0.x minor added (0.4 did for JOB_STATUS): userspace
 * built against 0.N needs exactly 0.N for those, see docs/driver.md.
 */
#define DRM_POTNPU_UAPI_MAJOR		0
#define DRM_POTNPU_UAPI_MINOR		5

#define DRM_POTNPU_QUERY		0x00
#define DRM_POTNPU_BO_CREATE		0x01
#define DRM_POTNPU_BO_INFO		0x02
#define DRM_POTNPU_SUBMIT		0x03
#define DRM_POTNPU_JOB_STATUS		0x04

#define DRM_IOCTL_POTNPU_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_POTNPU_QUERY, struct drm_potnpu_query)
#define DRM_IOCTL_POTNPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_POTNPU_BO_CREATE, \
		 struct drm_potnpu_bo_create)
#define DRM_IOCTL_POTNPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_POTNPU_BO_INFO, struct drm_potnpu_bo_info)
#define DRM_IOCTL_POTNPU_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_POTNPU_SUBMIT, struct drm_potnpu_submit)
#define DRM_IOCTL_POTNPU_JOB_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_POTNPU_JOB_STATUS, \
		 struct drm_potnpu_job_status)

/**
 * enum drm_potnpu_query_param - what &struct drm_potnpu_query asks for
 * @DRM_POTNPU_QUERY_DEVICE_INFO: &struct drm_potnpu_device_info
 * @DRM_POTNPU_QUERY_FW_INFO: &struct drm_potnpu_fw_info
 */
enum drm_potnpu_query_param {
	DRM_POTNPU_QUERY_DEVICE_INFO = 0,
	DRM_POTNPU_QUERY_FW_INFO = 1,
};

/*
 * Size of the first version of each query answer: a smaller buffer is
 * -EINVAL for ever. Later versions only append fields.
 */
#define DRM_POTNPU_DEVICE_INFO_SIZE_V1	48
#define DRM_POTNPU_FW_INFO_SIZE_V1	32
/* Largest &drm_potnpu_query.size accepted: 4 KiB, more than any answer. */
#define DRM_POTNPU_QUERY_MAX_SIZE	4096

/**
 * struct drm_potnpu_query - read a block of information from the driver
 * @param: one of &enum drm_potnpu_query_param
 * @size: in: size of the buffer at @data in bytes, or 0 to ask for the size
 *	the kernel would write; out: the number of bytes the kernel wrote (or
 *	would write when @size was 0). A buffer smaller than the first
 *	version of the answer is -EINVAL. A larger buffer than the kernel's
 *	answer is accepted: the kernel writes its answer, zeroes the rest and
 *	returns its own size, so newer userspace can tell which fields an older
 *	kernel filled in.
 * @data: user pointer to the buffer
 * @flags: must be zero
 * @pad: must be zero
 *
 * Returns 0 on success, -EINVAL for an unknown @param, a non-zero @flags or
 * @pad, or a too small @size, and -EFAULT for a bad @data pointer.
 */
struct drm_potnpu_query {
	__u32 param;
	__u32 size;
	__u64 data;
	__u32 flags;
	__u32 pad;
};

/* Capability bits of &drm_potnpu_device_info.capabilities. */
/* The device interrupt path (MSI-X) passed its self-test at probe time. */
#define DRM_POTNPU_CAP_IRQ		(1ull << 0)
/* A firmware image was found and validated; its versions are reported. */
#define DRM_POTNPU_CAP_FIRMWARE		(1ull << 1)
/*
 * Jobs can run: the firmware booted and the job queue is up, so
 * DRM_IOCTL_POTNPU_SUBMIT accepts jobs (set at probe).
 */
#define DRM_POTNPU_CAP_JOBS		(1ull << 2)
/*
 * Layer commands (CONV2D, MAXPOOL, AVGPOOL, ADD, REQUANT: opcodes
 * 0x10-0x14, docs/numerics.md) run: the device has the shift-add engine
 * and its firmware drives it. Without it, a stream with a layer command is
 * -EINVAL. A layer command may name a counters record (struct
 * potnpu_layer_counters of <potnpu/potnpu_layer.h>, 64 bytes, in a
 * writable BO of the job) that the device fills when the layer is done:
 * nominal MACs, taps visited, shift-add terms executed, zero weights
 * skipped, the bit-serial baseline, DMA bytes in and out, modeled cycles.
 */
#define DRM_POTNPU_CAP_MODEL_EXEC	(1ull << 3)

/**
 * struct drm_potnpu_device_info - answer to %DRM_POTNPU_QUERY_DEVICE_INFO
 * @pci_vendor: PCI vendor ID
 * @pci_device: PCI device ID
 * @pci_revision: PCI revision ID
 * @pad0: zero
 * @hw_version: host interface version read from the device, major << 16 |
 *	minor
 * @hw_caps: the device's CAPS register, bits as in the hardware spec
 * @fw_version: version of the validated firmware image (major << 24 |
 *	minor << 16 | patch), 0 if none
 * @fw_abi_version: host/firmware interface version the image speaks, same
 *	packing, 0 if none
 * @uapi_version: DRM_POTNPU_UAPI_MAJOR << 16 | DRM_POTNPU_UAPI_MINOR of the
 *	running driver
 * @pad2: zero; keeps @capabilities 8-byte aligned on every ABI (i386
 *	aligns __u64 to 4 bytes)
 * @capabilities: DRM_POTNPU_CAP_* bits
 * @pci_bus_id: PCI domain << 16 | bus << 8 | devfn, to tell devices apart
 * @pad1: zero
 */
struct drm_potnpu_device_info {
	__u16 pci_vendor;
	__u16 pci_device;
	__u8 pci_revision;
	__u8 pad0[3];
	__u32 hw_version;
	__u32 hw_caps;
	__u32 fw_version;
	__u32 fw_abi_version;
	__u32 uapi_version;
	__u32 pad2;
	__u64 capabilities;
	__u32 pci_bus_id;
	__u32 pad1;
};

/* &drm_potnpu_fw_info.status: the device's FW_STATUS values. */
#define DRM_POTNPU_FW_STATUS_OFF	0
#define DRM_POTNPU_FW_STATUS_BOOTING	1
#define DRM_POTNPU_FW_STATUS_READY	2
#define DRM_POTNPU_FW_STATUS_FAILED	3

/**
 * struct drm_potnpu_fw_info - answer to %DRM_POTNPU_QUERY_FW_INFO: the
 *	firmware running on the device's control core
 * @status: DRM_POTNPU_FW_STATUS_* after the last boot; OFF when the
 *	device has no control core (or the firmware was never started)
 * @error: the firmware's error code when @status is FAILED (1: the driver's
 *	ABI is not supported, 2: job queue rejected, 3: internal error),
 *	else 0
 * @version: version the running firmware reports (major << 24 |
 *	minor << 16 | patch), 0 if it never reported one
 * @abi_version: host/firmware ABI the running firmware reports, same
 *	packing
 * @caps: the running firmware's capabilities (the device's FW_CAPS bits)
 * @boots: boots attempted since the driver bound the device
 * @recoveries: device resets for recovery since then
 * @pad: zero
 *
 * The values are those recorded at the last boot; the query does not
 * touch the device.
 */
struct drm_potnpu_fw_info {
	__u32 status;
	__u32 error;
	__u32 version;
	__u32 abi_version;
	__u32 caps;
	__u32 boots;
	__u32 recoveries;
	__u32 pad;
};

/* &drm_potnpu_bo_create.flags: the device may only read the buffer. */
#define DRM_POTNPU_BO_READ_ONLY		(1u << 0)
#define DRM_POTNPU_BO_FLAGS		DRM_POTNPU_BO_READ_ONLY

/* Largest buffer object, in bytes. */
#define DRM_POTNPU_BO_MAX_SIZE		(256ull << 20)

/**
 * struct drm_potnpu_bo_create - create a buffer object
 * @size: in: size in bytes, 1..%DRM_POTNPU_BO_MAX_SIZE; out: the size
 *	allocated, rounded up to a multiple of the page size
 * @flags: DRM_POTNPU_BO_* flags; unknown bits are -EINVAL
 * @handle: out: GEM handle of the new object, released with
 *	DRM_IOCTL_GEM_CLOSE; ignored on input
 * @va: out: device virtual address of the object in the file's address
 *	space, page aligned, never 0; ignored on input
 *
 * The buffer is zeroed, its pages are allocated and mapped into the
 * calling file's device address space before the ioctl returns, writable
 * by the device unless %DRM_POTNPU_BO_READ_ONLY. The CPU maps it with
 * mmap() of the accel node at the offset %DRM_IOCTL_POTNPU_BO_INFO returns
 * (shared mappings only).
 *
 * Returns 0, -EINVAL for a bad @size or @flags, -ENOSPC when the file's
 * address space has no free range that large, -ENOMEM.
 */
struct drm_potnpu_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u64 va;
};

/**
 * struct drm_potnpu_bo_info - information on a buffer object
 * @handle: in: GEM handle
 * @pad: must be zero
 * @size: out: size in bytes
 * @va: out: device virtual address
 * @mmap_offset: out: offset to pass to mmap() on the accel node
 * @flags: out: the object's DRM_POTNPU_BO_* flags
 * @pad1: out: zero
 *
 * Returns 0, -EINVAL for a non-zero @pad, -ENOENT for a handle that is not
 * a buffer object of the calling file's address space.
 */
struct drm_potnpu_bo_info {
	__u32 handle;
	__u32 pad;
	__u64 size;
	__u64 va;
	__u64 mmap_offset;
	__u32 flags;
	__u32 pad1;
};

/* Most buffer objects one job may use, and most in-fences. */
#define DRM_POTNPU_MAX_JOB_BOS		64
#define DRM_POTNPU_MAX_IN_SYNCOBJS	16

/**
 * struct drm_potnpu_submit - queue a job
 * @cmd_handle: BO holding the command stream
 * @cmd_offset: byte offset of the stream in that BO, 4-byte aligned
 * @cmd_size: stream size in bytes, a multiple of 4 in 4..65536
 *	(POTNPU_CMD_MAX_SIZE); @cmd_offset + @cmd_size within the BO
 * @bo_count: number of handles at @bo_handles, 1..%DRM_POTNPU_MAX_JOB_BOS
 * @bo_handles: user pointer to an array of __u32 BO handles: every BO the
 *	commands touch (the command BO included if they do). Each must be a
 *	BO of the calling file's address space; an object listed twice
 *	(also through two different handles) is -EINVAL.
 * @in_syncobjs: user pointer to an array of __u32 syncobj handles whose
 *	fences the job waits for (binary syncobjs); each must hold a fence
 *	(-EINVAL otherwise: there would be nothing to wait for)
 * @in_syncobj_count: entries at @in_syncobjs, 0..%DRM_POTNPU_MAX_IN_SYNCOBJS
 * @out_syncobj: syncobj that receives the job's fence, 0 for none
 * @out_point: 0: @out_syncobj's fence is replaced (binary use); else the
 *	job's fence is added at this point of @out_syncobj's timeline, which
 *	must have no fence yet or a timeline point below @out_point
 *	(-EINVAL for a binary syncobj holding a plain fence, or a point that
 *	does not grow)
 * @job_id: out: the job's id in this file, increasing from 1, for
 *	%DRM_IOCTL_POTNPU_JOB_STATUS
 * @flags: must be zero
 * @pad: must be zero
 *
 * The stream is validated against @bo_handles before the ioctl returns
 * (-EINVAL for any command that is malformed or touches memory outside
 * the listed BOs, or writes a read-only one); the device MMU checks every
 * access again. The job's fence signals when the job completed, failed or
 * was cancelled; its status is then in %DRM_IOCTL_POTNPU_JOB_STATUS. A job
 * that runs longer than the driver's timeout (module parameter
 * job_timeout_ms, 5 s by default, re-armed up to ten times while the job
 * makes progress) is aborted, and if the device does not abort it, stopped
 * by a device reset; a file whose job faulted (MMU) is banned: later
 * submits fail with -EIO. A file may have at most 128 jobs submitted and
 * not yet finished (1024 for all files of a device).
 *
 * Returns 0; -EINVAL for bad arguments or a rejected stream, -ENOENT for
 * an unknown BO or syncobj handle (or a BO of another file's address
 * space), -EFAULT for bad pointers, -ENODEV when the device cannot run
 * jobs (no control core, firmware not ready at probe) or was unplugged,
 * -EIO when the file is banned, -EAGAIN when the file or the device has
 * the most jobs outstanding (wait for one to finish). Jobs submitted
 * during a recovery wait for it; if the firmware does not come back they
 * fail (fence error).
 */
struct drm_potnpu_submit {
	__u32 cmd_handle;
	__u32 cmd_offset;
	__u32 cmd_size;
	__u32 bo_count;
	__u64 bo_handles;
	__u64 in_syncobjs;
	__u32 in_syncobj_count;
	__u32 out_syncobj;
	__u64 out_point;
	__u64 job_id;
	__u32 flags;
	__u32 pad;
};

/* &drm_potnpu_job_status.state */
#define DRM_POTNPU_JOB_PENDING		0	/* queued or running */
#define DRM_POTNPU_JOB_DONE		1	/* finished, see status */

/*
 * &drm_potnpu_job_status.status of a finished job. The driver translates
 * the device's completion codes into these; a code it does not know is
 * %DRM_POTNPU_JOB_DEVICE_ERROR.
 */
#define DRM_POTNPU_JOB_OK		0	/* completed */
#define DRM_POTNPU_JOB_ILLEGAL		1	/* unknown opcode or bad length */
#define DRM_POTNPU_JOB_INVALID		2	/* bad operand (size, alignment) */
#define DRM_POTNPU_JOB_MMU_FAULT	3	/* access outside the file's mappings */
#define DRM_POTNPU_JOB_BUS_ERROR	4	/* host memory error */
#define DRM_POTNPU_JOB_BAD_DESC		5	/* the device rejected its descriptor */
#define DRM_POTNPU_JOB_ABORTED		6	/* aborted on the driver's request */
#define DRM_POTNPU_JOB_TIMEOUT		0x100	/* exceeded the timeout, stopped */
#define DRM_POTNPU_JOB_CANCELLED	0x101	/* never ran: device reset or gone */
#define DRM_POTNPU_JOB_DEVICE_ERROR	0x102	/* unknown code from the device */

/**
 * struct drm_potnpu_job_status - the state of a submitted job
 * @job_id: in: id returned by %DRM_IOCTL_POTNPU_SUBMIT in this file
 * @state: out: DRM_POTNPU_JOB_PENDING or DRM_POTNPU_JOB_DONE
 * @status: out: when done, one of the DRM_POTNPU_JOB_* status codes above
 * @err_offset: out: byte offset in the stream of the failing command
 * @err_info: out: the opcode for %DRM_POTNPU_JOB_ILLEGAL, the device's
 *	MMU fault status for %DRM_POTNPU_JOB_MMU_FAULT, else 0
 * @fault_addr: out: the device VA that faulted (%DRM_POTNPU_JOB_MMU_FAULT)
 *	or the bus address that failed (%DRM_POTNPU_JOB_BUS_ERROR), else 0
 * Returns 0, -ENOENT for an id this file never got or whose record was
 * recycled (the driver keeps the last 256 per file).
 */
struct drm_potnpu_job_status {
	__u64 job_id;
	__u32 state;
	__u32 status;
	__u32 err_offset;
	__u32 err_info;
	__u64 fault_addr;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_POTNPU_ACCEL_H_ */
