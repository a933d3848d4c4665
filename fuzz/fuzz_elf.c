/* libFuzzer target: the ELF reader.  The input is written to a memfd and
 * opened by path, as layoutdbg opens programs; every query runs on what
 * opens. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <elfutils/libdw.h>

#include "layoutdbg/elf.h"

static void ld_fuzz_cfi_probe(Dwarf_CFI *cfi, uint64_t pc)
{
	Dwarf_Frame *f;

	if (dwarf_cfi_addrframe(cfi, pc, &f) == 0)
		free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const char *name, void *arg)
{
	(void)name;
	return ++*(int *)arg > 100;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_elf *e;
	char path[64], err[256], buf[256];
	int fd = memfd_create("fuzz", 0), n = 0;
	size_t i;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (ld_elf_open(path, &e, err, sizeof err) == 0) {
		for (i = 0; i < ld_elf_nsections(e); i++) {
			const struct ld_section *s = ld_elf_section(e, i);

			ld_section_flag_words(s, buf, sizeof buf);
			ld_elf_section_at(e, s->addr);
			for (size_t k = 0; k < ld_elf_nsegments(e); k++)
				ld_elf_section_in_segment(s, ld_elf_segment(e, k));
		}
		for (i = 0; i < ld_elf_nsegments(e); i++) {
			const struct ld_segment *g = ld_elf_segment(e, i);
			uint64_t off;

			ld_segment_type_name(g->type, buf, sizeof buf);
			ld_elf_symbol_at(e, g->vaddr, &off);
		}
		ld_elf_lookup_global(e, "main");
		ld_elf_lookup_any(e, "calloc");
		ld_elf_foreach_name(e, "", count, &n);
		{
			uint64_t slot;
			struct ld_cfi *cfi = ld_elf_cfi(e);

			ld_elf_irelative_slot(e, ld_elf_entry(e), &slot);
			/* the unwinder's first question of the CFI */
			if (cfi)
				ld_fuzz_cfi_probe((Dwarf_CFI *)cfi, ld_elf_entry(e));
		}
		ld_elf_free(e);
	}
	close(fd);
	return 0;
}
