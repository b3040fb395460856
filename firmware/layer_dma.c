// SPDX-License-Identifier: MIT
/*
 * The shift-add engine's side of a layer: transfers between the job's
 * address space and the engine's SRAM, the engine start, the counters
 * record, and the boot probe that tells whether the device has the engine.
 *
 * Every layer transfer stays inside one SRAM region (at most
 * POTNPU_SRAM_IN_SIZE bytes), below POTNPU_DMA_MAX_LEN, so none needs
 * splitting. DMA_ROWS is written only here, and only on a device with the
 * engine (without it the register does not exist); it is back at 0 (1D)
 * after every 2D transfer, so the 1D transfers of job.c need not touch it.
 */
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"

_Static_assert(POTNPU_SRAM_IN_SIZE <= POTNPU_DMA_MAX_LEN &&
	       POTNPU_SRAM_OUT_SIZE <= POTNPU_DMA_MAX_LEN &&
	       POTNPU_SRAM_W_SIZE <= POTNPU_DMA_MAX_LEN,
	       "a layer transfer is never split");

#define MODE_LOAD	POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_VA, \
					POTNPU_DMA_SPACE_SRAM)
#define MODE_STORE	POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_SRAM, \
					POTNPU_DMA_SPACE_VA)

/*
 * Does the device have the engine? A DMA into SRAM is refused
 * (DMA_EINVAL: a bad space) by a device without it; the core cannot read
 * the host's CAPS register, and the engine's registers would fault.
 */
uint32_t fw_sae_probe(void)
{
	uint64_t fault;

	fw_dmem.word[0] = 0;
	return fw_dma(POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_DMEM,
				      POTNPU_DMA_SPACE_SRAM),
		      fw_dmem_off(fw_dmem.word), POTNPU_SRAM_IN, 4, 0, 0,
		      &fault) == POTNPU_DMA_OK;
}

/* @len bytes from @va of the job to SRAM offset @sram (1D). */
uint32_t fw_layer_load(struct fw_job *j, uint32_t off, uint64_t va,
		       uint32_t sram, uint32_t len)
{
	uint64_t fault;
	uint32_t st;

	if (!len)
		return POTNPU_JOB_OK;
	st = fw_dma(MODE_LOAD, va, sram, len, j->slot, 0, &fault);
	return st == POTNPU_DMA_OK ? POTNPU_JOB_OK :
				     fw_job_fail_dma(j, off, st, fault, 0);
}

/*
 * The output band: @rows rows of @len bytes from POTNPU_SRAM_OUT (pixel
 * stride @len) to @va, @dst_stride bytes apart (2D).
 */
uint32_t fw_layer_store(struct fw_job *j, uint32_t off, uint64_t va,
			uint32_t rows, uint32_t len, uint32_t dst_stride)
{
	uint64_t fault;
	uint32_t st;

	fw_io_write(POTNPU_IO_DMA_ROWS, rows);
	fw_io_write(POTNPU_IO_DMA_SRC_STRIDE, len);
	fw_io_write(POTNPU_IO_DMA_DST_STRIDE, dst_stride);
	st = fw_dma(MODE_STORE, POTNPU_SRAM_OUT, va, len, j->slot, 0, &fault);
	fw_io_write(POTNPU_IO_DMA_ROWS, 0);
	return st == POTNPU_DMA_OK ? POTNPU_JOB_OK :
				     fw_job_fail_dma(j, off, st, fault, 1);
}

/* fw_dmem.ctr, the layer's counters, to @va. */
uint32_t fw_layer_put_counters(struct fw_job *j, uint32_t off, uint64_t va)
{
	uint64_t fault;
	uint32_t st;

	st = fw_dma(POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_DMEM,
				    POTNPU_DMA_SPACE_VA),
		    fw_dmem_off(&fw_dmem.ctr), va, sizeof(fw_dmem.ctr), j->slot,
		    0, &fault);
	return st == POTNPU_DMA_OK ? POTNPU_JOB_OK :
				     fw_job_fail_dma(j, off, st, fault, 1);
}

/* Compute fw_dmem.tile; returns SAE_STATUS (POTNPU_SAE_*). */
uint32_t fw_sae_start(void)
{
	fw_io_write(POTNPU_IO_SAE_DESC, fw_dmem_off(&fw_dmem.tile));
	fw_io_write(POTNPU_IO_SAE_START, 1);
	return fw_io_read(POTNPU_IO_SAE_STATUS);
}
