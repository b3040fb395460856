/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: tracepoints, in /sys/kernel/tracing/events/potnpu/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM potnpu

#if !defined(__POTNPU_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __POTNPU_TRACE_H__

#include <linux/device.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(potnpu_job_submit,
	    TP_PROTO(struct device *dev, int slot, u64 job_id, u32 size,
		     u32 bo_count),
	    TP_ARGS(dev, slot, job_id, size, bo_count),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(int, slot)
			     __field(u64, job_id)
			     __field(u32, size)
			     __field(u32, bo_count)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->job_id = job_id;
			   __entry->size = size;
			   __entry->bo_count = bo_count;),
	    TP_printk("dev=%s slot=%d job=%llu size=%u bos=%u", __get_str(dev),
		      __entry->slot, __entry->job_id, __entry->size,
		      __entry->bo_count)
);

TRACE_EVENT(potnpu_job_run,
	    TP_PROTO(struct device *dev, int slot, u64 job_id, u32 seqno,
		     u32 ring_pos),
	    TP_ARGS(dev, slot, job_id, seqno, ring_pos),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(int, slot)
			     __field(u64, job_id)
			     __field(u32, seqno)
			     __field(u32, ring_pos)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->job_id = job_id;
			   __entry->seqno = seqno;
			   __entry->ring_pos = ring_pos;),
	    TP_printk("dev=%s slot=%d job=%llu seqno=%u ring=%u",
		      __get_str(dev), __entry->slot, __entry->job_id,
		      __entry->seqno, __entry->ring_pos)
);

TRACE_EVENT(potnpu_job_done,
	    TP_PROTO(struct device *dev, int slot, u64 job_id, u32 status,
		     u32 err_offset, u64 duration_ns),
	    TP_ARGS(dev, slot, job_id, status, err_offset, duration_ns),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(int, slot)
			     __field(u64, job_id)
			     __field(u32, status)
			     __field(u32, err_offset)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->job_id = job_id;
			   __entry->status = status;
			   __entry->err_offset = err_offset;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("dev=%s slot=%d job=%llu status=%u err_offset=%u duration_ns=%llu",
		      __get_str(dev), __entry->slot, __entry->job_id,
		      __entry->status, __entry->err_offset,
		      __entry->duration_ns)
);

TRACE_EVENT(potnpu_job_timeout,
	    TP_PROTO(struct device *dev, int slot, u64 job_id, u32 seqno,
		     u32 heartbeat, bool progress),
	    TP_ARGS(dev, slot, job_id, seqno, heartbeat, progress),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(int, slot)
			     __field(u64, job_id)
			     __field(u32, seqno)
			     __field(u32, heartbeat)
			     __field(bool, progress)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->job_id = job_id;
			   __entry->seqno = seqno;
			   __entry->heartbeat = heartbeat;
			   __entry->progress = progress;),
	    TP_printk("dev=%s slot=%d job=%llu seqno=%u heartbeat=%u progress=%d",
		      __get_str(dev), __entry->slot, __entry->job_id,
		      __entry->seqno, __entry->heartbeat, __entry->progress)
);

TRACE_EVENT(potnpu_job_abort,
	    TP_PROTO(struct device *dev, int slot, u64 job_id, u32 seqno,
		     bool sent, bool aborted, u64 wait_ns),
	    TP_ARGS(dev, slot, job_id, seqno, sent, aborted, wait_ns),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(int, slot)
			     __field(u64, job_id)
			     __field(u32, seqno)
			     __field(bool, sent)
			     __field(bool, aborted)
			     __field(u64, wait_ns)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->job_id = job_id;
			   __entry->seqno = seqno;
			   __entry->sent = sent;
			   __entry->aborted = aborted;
			   __entry->wait_ns = wait_ns;),
	    TP_printk("dev=%s slot=%d job=%llu seqno=%u sent=%d aborted=%d wait_ns=%llu",
		      __get_str(dev), __entry->slot, __entry->job_id,
		      __entry->seqno, __entry->sent, __entry->aborted,
		      __entry->wait_ns)
);

TRACE_EVENT(potnpu_recovery,
	    TP_PROTO(struct device *dev, const char *reason),
	    TP_ARGS(dev, reason),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __string(reason, reason)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(reason);),
	    TP_printk("dev=%s reason=%s", __get_str(dev), __get_str(reason))
);

TRACE_EVENT(potnpu_mmu_fault,
	    TP_PROTO(struct device *dev, u32 slot, u64 addr, u32 reason,
		     bool write),
	    TP_ARGS(dev, slot, addr, reason, write),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(u32, slot)
			     __field(u64, addr)
			     __field(u32, reason)
			     __field(bool, write)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->slot = slot;
			   __entry->addr = addr;
			   __entry->reason = reason;
			   __entry->write = write;),
	    TP_printk("dev=%s slot=%u addr=0x%08llx reason=%u write=%d",
		      __get_str(dev), __entry->slot, __entry->addr,
		      __entry->reason, __entry->write)
);

#endif /* __POTNPU_TRACE_H__ */

/*
 * define_trace.h includes this file again by path: TRACE_INCLUDE_PATH is
 * relative to include/trace/, so it names nothing here; Kbuild puts this
 * directory on the include path of potnpu_trace.o instead and the path is
 * ".", resolved through -I$(src).
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE potnpu_trace
#include <trace/define_trace.h>
