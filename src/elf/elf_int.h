/* Internals of the ELF reader shared by its files: elf.c (opening,
 * validation, sections, segments), elfsect.c (section-to-segment rules and
 * the names of flags and types) and elfsyms.c (the symbol index).  Not a
 * public header: callers use layoutdbg/elf.h. */
#ifndef LD_ELF_INT_H
#define LD_ELF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elfutils/libdw.h>
#include <gelf.h>

#include "layoutdbg/elf.h"

struct sym {
	struct ld_symbol pub;
	unsigned shndx;		/* st_shndx when it names one of our sections, else 0 */
	bool outside;		/* value not inside that section: an end marker
				 * such as _edata or __TMC_END__ */
};

struct symindex {
	struct sym *syms;	/* sorted by name, then value; (name, value) unique */
	size_t nsyms;
	struct sym **by_addr;	/* one per address (the best there), by value */
	size_t naddr;
	uint64_t max_size;	/* largest st_size: bounds the backward search */
};

struct ld_elf {
	char *path;
	int fd;
	Elf *elf;
	uint64_t file_size;
	unsigned type;
	uint64_t entry;
	char *interp;
	struct ld_section *sections;
	size_t nsections;
	char *names;			/* pool behind sections[].name */
	struct ld_segment *segments;
	size_t nsegments;
	const struct ld_segment *first_load;
	size_t symtab, dynsym, versym;	/* section indexes; 0: absent */
	bool has_debug_info;
	bool index_tried;
	struct symindex idx;
	Dwarf_CFI *cfi;			/* .eh_frame, on first use */
	bool cfi_tried;
};


/* Is addr inside the section's address range (elf.c)? */
bool ld_section_holds(const struct ld_section *s, uint64_t addr);

/* Frees the symbol index built on the first symbol query (elfsyms.c). */
void ld_elf_free_symbols(struct ld_elf *e);

#endif
