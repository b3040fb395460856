// SPDX-License-Identifier: MIT
/*
 * The built firmware: $POTNPU_FW_IMAGE must validate, carry the version
 * of firmware/VERSION ($POTNPU_FW_VERSION) and this tree's ABI, hold the
 * ELF's loadable bytes, and $POTNPU_FW_ELF must contain only RV32I
 * instructions: no M extension (the NPU has no multiplier) and no
 * compressed encodings. The instruction check decodes the machine code
 * itself, independently of the objdump-based check in firmware/Makefile.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "potnpu_fw_validate.h"

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob read_blob(const char *env)
{
	const char *path = getenv(env);
	struct blob b = { NULL, 0 };
	FILE *f;
	long n;

	if (!path || !*path)
		fail_msg("%s is not set (run through make check)", env);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s=%s: %s (build it with make -C firmware)",
			 env, path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b.len = (size_t)n;
	b.data = malloc(b.len);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

/* ---- RV32 decoding ----------------------------------------------------- */

enum insn_class { INSN_OK, INSN_MEXT, INSN_COMPRESSED };

static enum insn_class classify(uint32_t w)
{
	if ((w & 3) != 3)
		return INSN_COMPRESSED;
	/* OP (0110011) with funct7 0000001: mul, mulh*, div*, rem*. */
	if ((w & 0x7f) == 0x33 && (w >> 25) == 1)
		return INSN_MEXT;
	return INSN_OK;
}

static void test_decoder_known_encodings(void **state)
{
	(void)state;
	assert_int_equal(classify(0x02b50533), INSN_MEXT);	/* mul a0,a0,a1 */
	assert_int_equal(classify(0x02b51533), INSN_MEXT);	/* mulh */
	assert_int_equal(classify(0x02b54533), INSN_MEXT);	/* div */
	assert_int_equal(classify(0x02b57533), INSN_MEXT);	/* remu */
	assert_int_equal(classify(0x00b50533), INSN_OK);	/* add */
	assert_int_equal(classify(0x40b50533), INSN_OK);	/* sub */
	assert_int_equal(classify(0x00b51533), INSN_OK);	/* sll */
	assert_int_equal(classify(0x00000013), INSN_OK);	/* nop */
	assert_int_equal(classify(0x0000006f), INSN_OK);	/* j . */
	assert_int_equal(classify(0x00000001), INSN_COMPRESSED); /* c.nop */
}

/* ---- ELF32 reading ------------------------------------------------------ */

static const Elf32_Ehdr *elf_header(const struct blob *b)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)b->data;

	assert_true(b->len >= sizeof(*eh));
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS32);
	assert_int_equal(eh->e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh->e_machine, EM_RISCV);
	assert_int_equal(eh->e_shentsize, sizeof(Elf32_Shdr));
	assert_true((uint64_t)eh->e_shoff + (uint64_t)eh->e_shnum *
		    sizeof(Elf32_Shdr) <= b->len);
	return eh;
}

static const Elf32_Shdr *section(const struct blob *b, unsigned int i)
{
	const Elf32_Ehdr *eh = elf_header(b);

	assert_true(i < eh->e_shnum);
	return (const Elf32_Shdr *)(b->data + eh->e_shoff) + i;
}

static void test_elf_is_rv32i_only(void **state)
{
	struct blob elf = read_blob("POTNPU_FW_ELF");
	const Elf32_Ehdr *eh = elf_header(&elf);
	size_t words = 0;
	unsigned int i;

	(void)state;
	/* No RVC flag, soft-float ABI (ilp32). */
	assert_int_equal(eh->e_flags & 0x1, 0);
	assert_int_equal(eh->e_flags & 0x6, 0);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf32_Shdr *sh = section(&elf, i);
		uint32_t off;

		if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_EXECINSTR))
			continue;
		assert_true((uint64_t)sh->sh_offset + sh->sh_size <= elf.len);
		assert_int_equal(sh->sh_size % 4, 0);
		for (off = 0; off < sh->sh_size; off += 4) {
			const uint8_t *p = elf.data + sh->sh_offset + off;
			uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

			switch (classify(w)) {
			case INSN_MEXT:
				fail_msg("M-extension instruction 0x%08x at 0x%08x: the potnpu control core has no multiplier",
					 w, sh->sh_addr + off);
				break;
			case INSN_COMPRESSED:
				fail_msg("compressed instruction at 0x%08x: the control core is RV32I only",
					 sh->sh_addr + off);
				break;
			default:
				break;
			}
			words++;
		}
	}
	assert_true(words > 8);
	free(elf.data);
}

/* Address of symbol @name, or fail. */
static uint32_t symbol(const struct blob *elf, const char *name)
{
	const Elf32_Ehdr *eh = elf_header(elf);
	unsigned int i;

	for (i = 0; i < eh->e_shnum; i++) {
		const Elf32_Shdr *sh = section(elf, i), *strs;
		const Elf32_Sym *syms;
		size_t n, j;

		if (sh->sh_type != SHT_SYMTAB)
			continue;
		strs = section(elf, sh->sh_link);
		syms = (const Elf32_Sym *)(elf->data + sh->sh_offset);
		n = sh->sh_size / sizeof(Elf32_Sym);
		for (j = 0; j < n; j++) {
			const char *s = (const char *)elf->data + strs->sh_offset +
					syms[j].st_name;

			if (syms[j].st_name < strs->sh_size && !strcmp(s, name))
				return syms[j].st_value;
		}
	}
	fail_msg("symbol %s not found in the firmware ELF", name);
	return 0;
}

/* ---- the image --------------------------------------------------------- */

static void test_image_validates(void **state)
{
	struct blob img = read_blob("POTNPU_FW_IMAGE");
	const char *version = getenv("POTNPU_FW_VERSION");
	struct potnpu_fw_info info;
	enum potnpu_fw_error e;
	char got[32];

	(void)state;
	e = potnpu_fw_validate(img.data, img.len, &info);
	if (e != POTNPU_FW_OK)
		fail_msg("firmware image invalid: %s", potnpu_fw_strerror(e));
	assert_int_equal(info.abi_version, POTNPU_FW_ABI_VERSION);
	assert_int_equal(info.load_addr, POTNPU_CORE_IMEM_BASE);
	assert_int_equal(info.entry, info.load_addr);
	assert_true(info.payload_size <= POTNPU_CORE_IMEM_SIZE);
	if (version) {
		snprintf(got, sizeof(got), "%u.%u.%u",
			 POTNPU_FW_VER_MAJOR(info.fw_version),
			 POTNPU_FW_VER_MINOR(info.fw_version),
			 POTNPU_FW_VER_PATCH(info.fw_version));
		assert_string_equal(got, version);
	}
	free(img.data);
}

static uint32_t payload_word(const struct blob *img,
			     const struct potnpu_fw_info *info, uint32_t addr)
{
	uint32_t off = addr - info->load_addr;

	assert_true(addr >= info->load_addr);
	assert_true(off + 4 <= info->payload_size);
	return potnpu_fw_get_le32(img->data + info->payload_offset + off);
}

static void test_image_matches_elf(void **state)
{
	struct blob img = read_blob("POTNPU_FW_IMAGE");
	struct blob elf = read_blob("POTNPU_FW_ELF");
	const Elf32_Ehdr *eh = elf_header(&elf);
	struct potnpu_fw_info info;
	unsigned int i, loaded = 0;

	(void)state;
	assert_int_equal(potnpu_fw_validate(img.data, img.len, &info),
			 POTNPU_FW_OK);
	assert_int_equal(info.entry, eh->e_entry);
	assert_int_equal(info.entry, symbol(&elf, "_start"));
	assert_int_equal(info.load_addr, symbol(&elf, "__fw_image_start"));
	assert_int_equal(info.load_addr + info.payload_size,
			 (symbol(&elf, "__fw_image_end") + 3) & ~3u);

	/* Every loadable section is in the payload at its address. */
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf32_Shdr *sh = section(&elf, i);

		if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_ALLOC) ||
		    !sh->sh_size)
			continue;
		assert_true(sh->sh_addr >= info.load_addr);
		assert_true(sh->sh_addr + sh->sh_size <=
			    info.load_addr + info.payload_size);
		assert_memory_equal(img.data + info.payload_offset +
				    (sh->sh_addr - info.load_addr),
				    elf.data + sh->sh_offset, sh->sh_size);
		loaded++;
	}
	assert_true(loaded >= 1);

	/* The versions compiled into the firmware match its header. */
	assert_int_equal(payload_word(&img, &info,
				      symbol(&elf, "potnpu_fw_version")),
			 info.fw_version);
	assert_int_equal(payload_word(&img, &info,
				      symbol(&elf, "potnpu_fw_abi_version")),
			 info.abi_version);

	/* The stack is at the top of DMEM, above .bss (docs/firmware.md). */
	assert_int_equal(symbol(&elf, "__stack_top"),
			 POTNPU_CORE_DMEM_BASE + POTNPU_CORE_DMEM_SIZE);
	assert_true(symbol(&elf, "__bss_end") <= symbol(&elf, "__stack_bottom"));
	free(img.data);
	free(elf.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoder_known_encodings),
		cmocka_unit_test(test_elf_is_rv32i_only),
		cmocka_unit_test(test_image_validates),
		cmocka_unit_test(test_image_matches_elf),
	};

	return cmocka_run_group_tests_name("firmware build", tests, NULL, NULL);
}
