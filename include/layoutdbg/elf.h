/* ELF files through libelf: sections, segments, symbols.  No ptrace here:
 * everything is in link-time addresses; callers add the load bias. */
#ifndef LAYOUTDBG_ELF_H
#define LAYOUTDBG_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ld_elf;  /* opaque */

struct ld_section {
	const char *name;
	unsigned index;        /* section header index */
	uint32_t type;         /* SHT_* */
	uint64_t flags;        /* SHF_* */
	uint64_t addr, size, offset, align; /* size: sh_size, bytes in the file */
	/* SHF_COMPRESSED (gcc -gz, objcopy --compress-debug-sections): the
	 * Chdr's ch_size, the size gdb and readelf -t show; else == size. */
	uint64_t data_size;
	bool compressed;
};

struct ld_segment {
	unsigned index;        /* program header index */
	uint32_t type;         /* PT_* */
	uint32_t flags;        /* PF_R | PF_W | PF_X */
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct ld_symbol {
	const char *name;      /* as in the string table: .dynsym names carry
				* no @VERSION (that is in .gnu.version) */
	uint64_t value;        /* link-time address */
	uint64_t size;
	unsigned char type;    /* STT_* */
	unsigned char bind;    /* STB_* */
	unsigned char visibility; /* STV_* */
	bool dynamic;          /* from .dynsym (else .symtab) */
	bool default_version;  /* .dynsym: the @@ (default) version, or unversioned */
	const char *display;   /* the name shown: demangled without parameters
				* (ns::C::m, add<int>), else name itself */
};

/* Open and index an ELF file.  Returns 0 and *out, or -1 with a reason
 * (no full stop, lowercase) in err: "No such file or directory",
 * "not an ELF file", "not an x86-64 ELF file (machine 183: AArch64)",
 * "truncated or corrupt ELF file: <what>", ...  Never crashes on malformed
 * input.  The file stays open (close-on-exec) until ld_elf_free: symbols
 * are read from it on the first symbol query. */
int ld_elf_open(const char *path, struct ld_elf **out, char *err, size_t errlen);
void ld_elf_free(struct ld_elf *e);   /* NULL is fine */

const char *ld_elf_path(const struct ld_elf *e);
unsigned ld_elf_type(const struct ld_elf *e);        /* ET_EXEC, ET_DYN, ... */
uint64_t ld_elf_entry(const struct ld_elf *e);
const char *ld_elf_interp(const struct ld_elf *e);   /* PT_INTERP or NULL */
bool ld_elf_has_symtab(const struct ld_elf *e);      /* .symtab present */
bool ld_elf_has_debug_info(const struct ld_elf *e);  /* .debug_info present */

/* The GNU build ID (the NT_GNU_BUILD_ID note of .note.gnu.build-id):
 * its length (at most len bytes copied to buf), or 0 when there is none.
 * Separate debug files are found by it: DIR/.build-id/xx/rest.debug. */
size_t ld_elf_build_id(const struct ld_elf *e, uint8_t *buf, size_t len);

size_t ld_elf_nsections(const struct ld_elf *e);
const struct ld_section *ld_elf_section(const struct ld_elf *e, size_t i);
const struct ld_section *ld_elf_section_by_name(const struct ld_elf *e,
						const char *name);
/* The allocated (SHF_ALLOC) section containing a link-time address.
 * .tbss is never the answer: it has an address but occupies no memory
 * there (it overlaps whatever follows .tdata). */
const struct ld_section *ld_elf_section_at(const struct ld_elf *e, uint64_t addr);

/* An IFUNC's resolution: the GOT slot (link-time address) that an
 * R_X86_64_IRELATIVE relocation with this resolver fills in, which the
 * object's own calls go through.  False if there is none. */
bool ld_elf_irelative_slot(const struct ld_elf *e, uint64_t resolver,
			   uint64_t *slot);

/* The call frame information of .eh_frame, read on first use and owned
 * by e; NULL when the file has none.  Opaque here: it is libdw's
 * Dwarf_CFI, which only elf.c and the unwinder (both include libdw.h)
 * look into, by a cast. */
struct ld_cfi;
struct ld_cfi *ld_elf_cfi(struct ld_elf *e);

size_t ld_elf_nsegments(const struct ld_elf *e);
const struct ld_segment *ld_elf_segment(const struct ld_elf *e, size_t i);

/* The lowest PT_LOAD, or NULL.  Load bias = runtime address of the mapping
 * of file offset PAGE_DOWN(first->offset) - PAGE_DOWN(first->vaddr). */
const struct ld_segment *ld_elf_first_load(const struct ld_elf *e);

/* Does section s lie in segment g, by readelf's rules (the "Section to
 * Segment mapping": file-offset containment for sections with contents,
 * address containment for SHT_NOBITS in PT_LOAD/PT_TLS, empty sections
 * excluded except at a segment's start)? */
bool ld_elf_section_in_segment(const struct ld_section *s,
			       const struct ld_segment *g);

/* Symbols: an index built once per object, sorted by address and by name,
 * on the first query.  It holds the defined symbols of .symtab and .dynsym
 * with a non-empty name, except STT_SECTION, STT_FILE and absolute
 * (SHN_ABS) ones such as the version names GLIBC_2.2.5; a (name, value)
 * pair in both tables appears once (the .symtab entry, dynamic = true). */

/* The definition of name for binding across objects: a defined (not
 * SHN_UNDEF) GLOBAL, WEAK or GNU_UNIQUE FUNC/IFUNC/OBJECT symbol with default or
 * protected visibility from .dynsym (GLOBAL preferred over WEAK, the default
 * version preferred), or NULL.  This is what the dynamic linker binds. */
const struct ld_symbol *ld_elf_lookup_global(const struct ld_elf *e,
					     const char *name);

/* Any defined symbol of that name, .symtab or .dynsym (locals included):
 * FUNC preferred, then GLOBAL over LOCAL.  NULL if none. */
const struct ld_symbol *ld_elf_lookup_any(const struct ld_elf *e,
					  const char *name);

/* A function by its demangled name: "thrower", "ns::C::m" (of several
 * overloads the lowest address; the breakpoint model has one location),
 * "ns::C::m(int)" (one overload).  NULL if none. */
const struct ld_symbol *ld_elf_lookup_demangled(const struct ld_elf *e,
						const char *name);

/* Every function of that demangled name (all overloads of "ns::C::m"):
 * fills at most max, returns how many there are. */
size_t ld_elf_lookup_demangled_all(const struct ld_elf *e, const char *name,
				   const struct ld_symbol **out, size_t max);

/* ld_elf_lookup_any, else ld_elf_lookup_demangled: what `break NAME`
 * finds in one object. */
const struct ld_symbol *ld_elf_lookup_name(const struct ld_elf *e,
					   const char *name);

/* The symbol covering addr: the greatest FUNC/IFUNC/OBJECT/NOTYPE symbol
 * value <= addr such that addr < value + size (or, for size 0, the nearest
 * one before addr within the same section); NULL in the padding after a
 * sized symbol.  Of several at one address, the one gdb names: sized over
 * size 0, then FUNC over OBJECT over NOTYPE, then the greatest name
 * (calloc, not __libc_calloc).  *off gets addr - value.  O(log n). */
const struct ld_symbol *ld_elf_symbol_at(const struct ld_elf *e, uint64_t addr,
					 uint64_t *off);

/* gdb's names for what no symbol table names (elfplt.c): "write@plt" (or
 * "write@plt+6") for an address in a PLT stub (.plt, .plt.sec, .plt.got)
 * that jumps through the GOT slot of write's relocation, and
 * "write@got.plt" for that slot.  addr is link-time.  False when addr is
 * in neither or the stub names no symbol (PLT0). */
bool ld_elf_plt_name(const struct ld_elf *e, uint64_t addr, char *buf,
		     size_t len);

/* Iterate over every defined symbol name (for completion): calls fn for each
 * distinct name starting with prefix, then for each demangled name starting
 * with it (overloads repeat one); stops when fn returns non-zero. */
void ld_elf_foreach_name(const struct ld_elf *e, const char *prefix,
			 int (*fn)(const char *name, void *arg), void *arg);

/* Runtime load bias given the start of the mapping of the first PT_LOAD's
 * page (see ld_elf_first_load). */
uint64_t ld_elf_bias_from_map(const struct ld_elf *e, uint64_t map_start);

/* gdb's section flag words for `maintenance info sections`:
 * "ALLOC LOAD READONLY CODE HAS_CONTENTS" etc, into buf.  (gdb itself
 * does not list section 0, SHT_SYMTAB, nor the string tables of .symtab
 * and of the section names.  In relocatable objects, ET_REL, it also says
 * RELOC of sections that relocations apply to; this does not.) */
const char *ld_section_flag_words(const struct ld_section *s, char *buf,
				  size_t len);

/* "R E", "RW ", as readelf prints p_flags. */
const char *ld_segment_flag_str(uint32_t flags, char buf[4]);
/* "LOAD", "GNU_RELRO", "LOOS+0x1", ... as readelf names p_type (readelf
 * -W then cuts its column to 14 characters; this does not). */
const char *ld_segment_type_name(uint32_t type, char *buf, size_t len);

#endif
