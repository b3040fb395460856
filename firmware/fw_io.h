/* SPDX-License-Identifier: MIT */
/*
 * The firmware's only door to the device: 32-bit CORE_IO registers and the
 * DMEM offset of a firmware buffer (what the DMA engine's DMEM space takes).
 *
 * The target build (RV32I) accesses the registers directly at
 * POTNPU_CORE_IO_BASE. The host build (-DPOTNPU_FW_HOST, firmware/tests)
 * links the same job, boot and log code against a fake that simulates the
 * registers, the DMA engine, DMEM and device memory (tests/fake_io.c).
 */
#ifndef POTNPU_FW_IO_H
#define POTNPU_FW_IO_H

#include <stdint.h>

#include "potnpu_core.h"

#ifdef POTNPU_FW_HOST

uint32_t fw_io_read(uint32_t reg);
void fw_io_write(uint32_t reg, uint32_t val);
uint32_t fw_dmem_off(const void *p);

#else

/*
 * Each register access is also a compiler barrier: the DMA engine reads
 * and writes DMEM behind the compiler's back (a transfer completes within
 * the store to DMA_START), so no ordinary memory access may be moved
 * across a register access. The core is in order and the device model
 * makes fence a no-op, so no fence instruction is needed.
 */
static inline uint32_t fw_io_read(uint32_t reg)
{
	uint32_t v;

	__asm__ volatile("" : : : "memory");
	v = *(volatile uint32_t *)(POTNPU_CORE_IO_BASE + reg);
	__asm__ volatile("" : : : "memory");
	return v;
}

static inline void fw_io_write(uint32_t reg, uint32_t val)
{
	__asm__ volatile("" : : : "memory");
	*(volatile uint32_t *)(POTNPU_CORE_IO_BASE + reg) = val;
	__asm__ volatile("" : : : "memory");
}

/* Firmware buffers live in DMEM (linker script): offset = address - base. */
static inline uint32_t fw_dmem_off(const void *p)
{
	return (uint32_t)(uintptr_t)p - POTNPU_CORE_DMEM_BASE;
}

#endif

#endif /* POTNPU_FW_IO_H */
