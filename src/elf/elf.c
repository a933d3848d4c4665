/* ELF files through libelf: opening, validation, sections, segments.
 * (Section-to-segment rules and names: elfsect.c; symbols: elfsyms.c.)
 *
 * Opening reads the ELF header, the program headers and the section headers
 * and copies them into our own arrays; every offset, size and link is
 * checked against the file first, because this parser is fed whatever the
 * user (or a fuzzer) names.  Symbols are read on the first symbol query: a
 * session opens every library the tracee maps, and most are never asked for
 * a symbol.
 *
 * libelf is used with ELF_C_READ, not ELF_C_READ_MMAP: data is pread() on
 * demand, so a binary rebuilt or truncated while we hold it gives us stale
 * or short reads (caught by the checks) instead of SIGBUS in the debugger. */
#include <errno.h>
#include <fcntl.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/elf.h"
#include "elf_int.h"

#define LD_PAGE_SIZE 4096u
#define LD_PAGE_DOWN(x) ((x) & ~(uint64_t)(LD_PAGE_SIZE - 1))
#define MAX_INTERP 4096u

#define CORRUPT "truncated or corrupt ELF file: "
#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2	/* glibc's elf.h has it from 2.37 */
#endif

/* Is [off, off + size) inside the file?  Written so it cannot overflow. */
static bool in_file(const struct ld_elf *e, uint64_t off, uint64_t size)
{
	return off <= e->file_size && size <= e->file_size - off;
}

/* ---- opening ------------------------------------------------------------ */

static int open_file(struct ld_elf *e, const char *path, char *err, size_t len)
{
	struct stat st;

	/* O_NONBLOCK: a FIFO given by mistake must not hang the debugger.
	 * O_CLOEXEC: tracees are forked from us and must not inherit it. */
	e->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (e->fd < 0)
		return ld_fail(err, len, "%s", strerror(errno));
	if (fstat(e->fd, &st) < 0)
		return ld_fail(err, len, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return ld_fail(err, len, "%s", strerror(EISDIR));
	if (!S_ISREG(st.st_mode))
		return ld_fail(err, len, "not a regular file");
	e->file_size = (uint64_t)st.st_size;
	return 0;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386:		return "i386";
	case EM_ARM:		return "ARM";
	case EM_AARCH64:	return "AArch64";
	case EM_RISCV:		return "RISC-V";
	case EM_PPC64:		return "PowerPC64";
	case EM_S390:		return "S/390";
	case EM_MIPS:		return "MIPS";
	}
	return NULL;
}

static int not_x86_64(char *err, size_t len, const char *what, unsigned m)
{
	const char *name = machine_name(m);

	return ld_fail(err, len, "not an x86-64 ELF file (%smachine %u%s%s)",
		    what, m, name ? ": " : "", name ? name : "");
}

/* Check the identification bytes ourselves before libelf sees the file:
 * "not ELF", "ELF for another machine" and "broken ELF" are different
 * answers for the user, and libelf folds them into one error. */
static int check_ident(struct ld_elf *e, char *err, size_t len)
{
	unsigned char h[sizeof(Elf64_Ehdr)];
	ssize_t n = pread(e->fd, h, sizeof h, 0);
	unsigned machine;

	if (n < 0)
		return ld_fail(err, len, "%s", strerror(errno));
	if (n < SELFMAG || memcmp(h, ELFMAG, SELFMAG) != 0)
		return ld_fail(err, len, "not an ELF file");
	if (n < 20)
		return ld_fail(err, len, CORRUPT "ELF header");
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return ld_fail(err, len, CORRUPT "bad data encoding %u", h[EI_DATA]);
	machine = h[EI_DATA] == ELFDATA2LSB ? (unsigned)(h[18] | h[19] << 8)
					    : (unsigned)(h[18] << 8 | h[19]);
	if (h[EI_CLASS] == ELFCLASS32)
		return not_x86_64(err, len, "ELFCLASS32, ", machine);
	if (h[EI_CLASS] != ELFCLASS64)
		return ld_fail(err, len, CORRUPT "bad class %u", h[EI_CLASS]);
	if (h[EI_DATA] != ELFDATA2LSB)
		return not_x86_64(err, len, "big-endian, ", machine);
	if (machine != EM_X86_64)
		return not_x86_64(err, len, "", machine);
	if (h[EI_VERSION] != EV_CURRENT)
		return ld_fail(err, len, CORRUPT "bad version %u", h[EI_VERSION]);
	if ((size_t)n < sizeof h)
		return ld_fail(err, len, CORRUPT "ELF header");
	return 0;
}

static int begin_elf(struct ld_elf *e, char *err, size_t len)
{
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ld_fail(err, len, "libelf: %s", elf_errmsg(-1));
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf)
		return ld_fail(err, len, CORRUPT "%s", elf_errmsg(-1));
	if (elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &eh))
		return ld_fail(err, len, CORRUPT "ELF header");
	e->type = eh.e_type;
	e->entry = eh.e_entry;
	return 0;
}

/* ---- program headers ------------------------------------------------------ */

static int check_table(const struct ld_elf *e, const char *what, uint64_t off,
		       uint64_t n, size_t entsize, size_t want, char *err,
		       size_t len)
{
	if (n == 0)
		return 0;
	if (entsize != want)
		return ld_fail(err, len, CORRUPT "%s entry size %zu", what, entsize);
	if (n > e->file_size / want || !in_file(e, off, n * want))
		return ld_fail(err, len, CORRUPT "%" PRIu64 " %s at offset 0x%"
			    PRIx64 " extend past end of file", n, what, off);
	return 0;
}

/* Header table sizes as the file states them, with the extended counts
 * that live in section 0 when the 16-bit fields overflow. */
struct counts {
	uint64_t phnum, shnum, shstrndx;
};

static int raw_counts(const struct ld_elf *e, const GElf_Ehdr *eh,
		      struct counts *c, char *err, size_t len)
{
	Elf64_Shdr sh0;

	c->phnum = eh->e_phnum;
	c->shnum = eh->e_shoff ? eh->e_shnum : 0;
	c->shstrndx = eh->e_shstrndx;
	if (eh->e_phnum != PN_XNUM && c->shnum != 0 &&
	    eh->e_shstrndx != SHN_XINDEX)
		return 0;
	if (!eh->e_shoff)
		return 0;
	if (!in_file(e, eh->e_shoff, sizeof sh0) ||
	    pread(e->fd, &sh0, sizeof sh0, (off_t)eh->e_shoff) != sizeof sh0)
		return ld_fail(err, len, CORRUPT "section header 0");
	if (eh->e_phnum == PN_XNUM)
		c->phnum = sh0.sh_info;
	if (c->shnum == 0)
		c->shnum = sh0.sh_size;
	if (eh->e_shstrndx == SHN_XINDEX)
		c->shstrndx = sh0.sh_link;
	return 0;
}

/* libelf's elf_getphdrnum() and elf_getshdrnum() quietly clamp a count to
 * what fits in the file, so a truncated file would pass for one with fewer
 * headers.  We check the tables as the header states them, then insist
 * that libelf sees the same counts. */
static int check_headers(const struct ld_elf *e, char *err, size_t len)
{
	size_t phnum, shnum, shstrndx = 0;
	struct counts c;
	GElf_Ehdr eh;

	if (!gelf_getehdr(e->elf, &eh))
		return ld_fail(err, len, CORRUPT "ELF header");
	if (raw_counts(e, &eh, &c, err, len))
		return -1;
	if (check_table(e, "program headers", eh.e_phoff, c.phnum,
			eh.e_phentsize, sizeof(Elf64_Phdr), err, len) ||
	    check_table(e, "section headers", eh.e_shoff, c.shnum,
			eh.e_shentsize, sizeof(Elf64_Shdr), err, len))
		return -1;
	if (elf_getphdrnum(e->elf, &phnum) < 0 || phnum != c.phnum)
		return ld_fail(err, len, CORRUPT "program header count");
	if (elf_getshdrnum(e->elf, &shnum) < 0 || shnum != c.shnum)
		return ld_fail(err, len, CORRUPT "section header count");
	if (shnum && (elf_getshdrstrndx(e->elf, &shstrndx) < 0 ||
		      shstrndx != c.shstrndx))
		return ld_fail(err, len, CORRUPT "section name table index");
	return 0;
}

static int check_segment(const struct ld_elf *e, const struct ld_segment *g,
			 char *err, size_t len)
{
	if (g->filesz && !in_file(e, g->offset, g->filesz))
		return ld_fail(err, len, CORRUPT "segment %u extends past end of file",
			    g->index);
	if (g->type == PT_LOAD && g->filesz > g->memsz)
		return ld_fail(err, len, CORRUPT "segment %u has p_filesz > p_memsz",
			    g->index);
	if (g->vaddr + g->memsz < g->vaddr)
		return ld_fail(err, len, CORRUPT "segment %u wraps around", g->index);
	return 0;
}

static int load_segments(struct ld_elf *e, char *err, size_t len)
{
	GElf_Phdr ph;
	size_t n, i;

	if (elf_getphdrnum(e->elf, &n) < 0)
		return ld_fail(err, len, CORRUPT "program header count");
	e->segments = calloc(n ? n : 1, sizeof *e->segments);
	if (!e->segments)
		return ld_fail(err, len, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		struct ld_segment *g = &e->segments[i];

		if (!gelf_getphdr(e->elf, (int)i, &ph))
			return ld_fail(err, len, CORRUPT "program header %zu: %s",
				    i, elf_errmsg(-1));
		*g = (struct ld_segment){ .index = (unsigned)i, .type = ph.p_type,
			.flags = ph.p_flags, .offset = ph.p_offset,
			.vaddr = ph.p_vaddr, .paddr = ph.p_paddr,
			.filesz = ph.p_filesz, .memsz = ph.p_memsz,
			.align = ph.p_align };
		if (check_segment(e, g, err, len))
			return -1;
		if (g->type == PT_LOAD &&
		    (!e->first_load || g->vaddr < e->first_load->vaddr))
			e->first_load = g;
	}
	e->nsegments = n;
	return 0;
}

static int load_interp(struct ld_elf *e, char *err, size_t len)
{
	const struct ld_segment *g = NULL;
	char *buf;
	size_t i;

	for (i = 0; i < e->nsegments && !g; i++)
		if (e->segments[i].type == PT_INTERP)
			g = &e->segments[i];
	/* objcopy --only-keep-debug files keep the header, not the bytes */
	if (!g || g->filesz == 0)
		return 0;
	if (g->filesz > MAX_INTERP)
		return ld_fail(err, len, CORRUPT "PT_INTERP size %" PRIu64, g->filesz);
	buf = calloc(1, g->filesz + 1);
	if (!buf)
		return ld_fail(err, len, "%s", strerror(ENOMEM));
	e->interp = buf;
	if (pread(e->fd, buf, g->filesz, (off_t)g->offset) != (ssize_t)g->filesz)
		return ld_fail(err, len, CORRUPT "PT_INTERP unreadable");
	return 0;
}

/* ---- section headers ------------------------------------------------------ */

/* A compressed section starts with an Elf64_Chdr giving its size once
 * inflated.  A truncated one, or one of an unknown ch_type, leaves the
 * file size: the listing stays usable, as readelf's does.  Read on its
 * own: gelf_getchdr would read the whole section (megabytes of a debug
 * file's DWARF) for these 24 bytes. */
static void read_chdr(const struct ld_elf *e, struct ld_section *s)
{
	Elf64_Chdr ch;

	if (!(s->flags & SHF_COMPRESSED) || s->type == SHT_NOBITS)
		return;
	s->compressed = true;
	if (s->size >= sizeof ch && in_file(e, s->offset, s->size) &&
	    pread(e->fd, &ch, sizeof ch, (off_t)s->offset) == (ssize_t)sizeof ch &&
	    (ch.ch_type == ELFCOMPRESS_ZLIB || ch.ch_type == ELFCOMPRESS_ZSTD))
		s->data_size = ch.ch_size;
}

static int read_shdrs(struct ld_elf *e, size_t n, char *err, size_t len)
{
	GElf_Shdr sh;
	size_t i;

	e->sections = calloc(n ? n : 1, sizeof *e->sections);
	if (!e->sections)
		return ld_fail(err, len, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		Elf_Scn *scn = elf_getscn(e->elf, i);

		if (!scn || !gelf_getshdr(scn, &sh))
			return ld_fail(err, len, CORRUPT "section header %zu: %s",
				    i, elf_errmsg(-1));
		e->sections[i] = (struct ld_section){ .name = "",
			.index = (unsigned)i, .type = sh.sh_type,
			.flags = sh.sh_flags, .addr = sh.sh_addr,
			.size = sh.sh_size, .offset = sh.sh_offset,
			.align = sh.sh_addralign, .data_size = sh.sh_size };
		read_chdr(e, &e->sections[i]);
	}
	e->nsections = n;
	return 0;
}

static bool has_file_data(const struct ld_section *s)
{
	return s->type != SHT_NOBITS && s->type != SHT_NULL && s->size != 0;
}

/* Section names are copied into one pool; elf_strptr() checks that each
 * offset is inside the table and that the string ends inside it. */
static int load_names(struct ld_elf *e, size_t strndx, char *err, size_t len)
{
	size_t i, total = 0, at = 0;
	GElf_Shdr sh;

	if (strndx == SHN_UNDEF)
		return 0;	/* legal: the sections simply have no names */
	if (strndx >= e->nsections || e->sections[strndx].type != SHT_STRTAB ||
	    !in_file(e, e->sections[strndx].offset, e->sections[strndx].size))
		return ld_fail(err, len, CORRUPT "bad section name table %zu", strndx);
	for (i = 0; i < e->nsections; i++) {
		const char *s;

		if (!gelf_getshdr(elf_getscn(e->elf, i), &sh) ||
		    !(s = elf_strptr(e->elf, strndx, sh.sh_name)))
			return ld_fail(err, len, CORRUPT "section %zu: name offset"
				    " out of range", i);
		e->sections[i].name = s;	/* libelf's, replaced below */
		total += strlen(s) + 1;
	}
	e->names = malloc(total ? total : 1);
	if (!e->names)
		return ld_fail(err, len, "%s", strerror(ENOMEM));
	for (i = 0; i < e->nsections; i++) {
		size_t l = strlen(e->sections[i].name) + 1;

		memcpy(e->names + at, e->sections[i].name, l);
		e->sections[i].name = e->names + at;
		at += l;
	}
	return 0;
}

static int check_section(const struct ld_elf *e, const struct ld_section *s,
			 char *err, size_t len)
{
	if (has_file_data(s) && !in_file(e, s->offset, s->size))
		return ld_fail(err, len, CORRUPT "section [%u] '%s' extends past"
			    " end of file", s->index, s->name);
	if ((s->flags & SHF_ALLOC) && s->addr + s->size < s->addr)
		return ld_fail(err, len, CORRUPT "section [%u] '%s' wraps around",
			    s->index, s->name);
	return 0;
}

/* A symbol table we will read later: its entries and its string table must
 * be sane now, because by then there is nobody to report to. */
static int check_symtab(const struct ld_elf *e, size_t i, char *err, size_t len)
{
	const struct ld_section *s = &e->sections[i];
	uint64_t link;
	GElf_Shdr sh;

	if (!gelf_getshdr(elf_getscn(e->elf, i), &sh))
		return ld_fail(err, len, CORRUPT "section %zu", i);
	link = sh.sh_link;
	if (sh.sh_entsize != sizeof(Elf64_Sym) || s->size % sizeof(Elf64_Sym))
		return ld_fail(err, len, CORRUPT "%s: entry size %" PRIu64
			    " or size %" PRIu64 " is not that of Elf64_Sym",
			    s->name, (uint64_t)sh.sh_entsize, s->size);
	if (link == 0 || link >= e->nsections ||
	    e->sections[link].type != SHT_STRTAB)
		return ld_fail(err, len, CORRUPT "%s: sh_link %" PRIu64
			    " is not a string table", s->name, link);
	return 0;
}

static int check_versym(const struct ld_elf *e, size_t i, char *err, size_t len)
{
	const struct ld_section *s = &e->sections[i];
	GElf_Shdr sh;

	if (!gelf_getshdr(elf_getscn(e->elf, i), &sh))
		return ld_fail(err, len, CORRUPT "section %zu", i);
	if (sh.sh_link != e->dynsym || s->size % sizeof(Elf64_Versym))
		return ld_fail(err, len, CORRUPT "%s: bad sh_link or size", s->name);
	return 0;
}

/* Remember the tables the symbol index will need (the first of each). */
static int find_tables(struct ld_elf *e, char *err, size_t len)
{
	size_t i;

	for (i = 1; i < e->nsections; i++) {
		const struct ld_section *s = &e->sections[i];

		if (s->type == SHT_SYMTAB && !e->symtab)
			e->symtab = i;
		else if (s->type == SHT_DYNSYM && !e->dynsym)
			e->dynsym = i;
		else if (s->type == SHT_GNU_versym && !e->versym)
			e->versym = i;
		else if ((!strcmp(s->name, ".debug_info") ||
			  !strcmp(s->name, ".zdebug_info")) && s->type != SHT_NOBITS)
			e->has_debug_info = true;
	}
	if ((e->symtab && check_symtab(e, e->symtab, err, len)) ||
	    (e->dynsym && check_symtab(e, e->dynsym, err, len)))
		return -1;
	if (e->versym && !e->dynsym)
		e->versym = 0;	/* versions of nothing: ignore */
	if (e->versym && check_versym(e, e->versym, err, len))
		return -1;
	return 0;
}

/* The older GNU form (objcopy --compress-debug-sections=zlib-gnu): a
 * .zdebug_* section starts "ZLIB" and the inflated size, 8 bytes big
 * endian; gdb (BFD) shows that size.  Anything else keeps the file size. */
static void read_zdebug_size(struct ld_elf *e, struct ld_section *s)
{
	unsigned char h[12];
	uint64_t n = 0;
	int k;

	if (strncmp(s->name, ".zdebug_", 8) || !has_file_data(s) ||
	    s->size < sizeof h ||
	    pread(e->fd, h, sizeof h, (off_t)s->offset) != (ssize_t)sizeof h ||
	    memcmp(h, "ZLIB", 4))
		return;
	for (k = 4; k < 12; k++)
		n = n << 8 | h[k];
	s->data_size = n;
	s->compressed = true;
}

static int load_sections(struct ld_elf *e, char *err, size_t len)
{
	size_t n, strndx = 0, i;

	if (elf_getshdrnum(e->elf, &n) < 0 ||
	    (n && elf_getshdrstrndx(e->elf, &strndx) < 0))
		return ld_fail(err, len, CORRUPT "section header count");
	if (read_shdrs(e, n, err, len) || (n && load_names(e, strndx, err, len)))
		return -1;
	for (i = 1; i < n; i++) {
		if (check_section(e, &e->sections[i], err, len))
			return -1;
		read_zdebug_size(e, &e->sections[i]);
	}
	return find_tables(e, err, len);
}

int ld_elf_open(const char *path, struct ld_elf **out, char *err, size_t errlen)
{
	struct ld_elf *e;

	*out = NULL;
	e = calloc(1, sizeof *e);
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return ld_fail(err, errlen, "%s", strerror(ENOMEM));
	}
	e->fd = -1;
	if (open_file(e, path, err, errlen) || check_ident(e, err, errlen) ||
	    begin_elf(e, err, errlen) || check_headers(e, err, errlen) ||
	    load_segments(e, err, errlen) ||
	    load_interp(e, err, errlen) || load_sections(e, err, errlen)) {
		ld_elf_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

bool ld_elf_irelative_slot(const struct ld_elf *e, uint64_t resolver,
			   uint64_t *slot)
{
	size_t i;

	for (i = 0; i < e->nsections; i++) {
		const struct ld_section *sc = &e->sections[i];
		Elf_Data *d;
		size_t k, n;

		if (sc->type != SHT_RELA || !(sc->flags & SHF_ALLOC))
			continue;
		d = elf_getdata(elf_getscn(e->elf, sc->index), NULL);
		if (!d || d->d_type != ELF_T_RELA)
			continue;
		n = d->d_size / sizeof(Elf64_Rela);
		for (k = 0; k < n && k <= INT_MAX; k++) {
			GElf_Rela r;

			if (gelf_getrela(d, (int)k, &r) &&
			    GELF_R_TYPE(r.r_info) == R_X86_64_IRELATIVE &&
			    (uint64_t)r.r_addend == resolver) {
				*slot = r.r_offset;
				return true;
			}
		}
	}
	return false;
}

struct ld_cfi *ld_elf_cfi(struct ld_elf *e)
{
	/* Only through the .eh_frame section: without one libdw goes by
	 * PT_GNU_EH_FRAME, whose raw chunk libelf 0.188 leaks when the data
	 * is bad (found by fuzz_elf); such files are left to libunwind. */
	if (!e->cfi_tried) {
		e->cfi_tried = true;
		if (ld_elf_section_by_name(e, ".eh_frame"))
			e->cfi = dwarf_getcfi_elf(e->elf);
	}
	return (struct ld_cfi *)e->cfi;
}

void ld_elf_free(struct ld_elf *e)
{
	int saved = errno;

	if (!e)
		return;
	ld_elf_free_symbols(e);
	if (e->cfi)
		dwarf_cfi_end(e->cfi);
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->sections);
	free(e->names);
	free(e->segments);
	free(e->interp);
	free(e->path);
	free(e);
	errno = saved;
}

/* ---- simple accessors ----------------------------------------------------- */

const char *ld_elf_path(const struct ld_elf *e)
{
	return e->path;
}

unsigned ld_elf_type(const struct ld_elf *e)
{
	return e->type;
}

uint64_t ld_elf_entry(const struct ld_elf *e)
{
	return e->entry;
}

const char *ld_elf_interp(const struct ld_elf *e)
{
	return e->interp;
}

bool ld_elf_has_symtab(const struct ld_elf *e)
{
	return e->symtab != 0;
}

bool ld_elf_has_debug_info(const struct ld_elf *e)
{
	return e->has_debug_info;
}

size_t ld_elf_build_id(const struct ld_elf *e, uint8_t *buf, size_t len)
{
	const struct ld_section *s = ld_elf_section_by_name(e, ".note.gnu.build-id");
	uint8_t note[256];
	uint32_t namesz, descsz, type;
	size_t desc;

	if (!s || s->type != SHT_NOTE || s->size < 12 || s->size > sizeof note ||
	    !in_file(e, s->offset, s->size) ||
	    pread(e->fd, note, s->size, (off_t)s->offset) != (ssize_t)s->size)
		return 0;
	memcpy(&namesz, note, 4);
	memcpy(&descsz, note + 4, 4);
	memcpy(&type, note + 8, 4);
	desc = 12 + ((namesz + 3) & ~3U);
	if (type != NT_GNU_BUILD_ID || namesz != 4 || memcmp(note + 12, "GNU", 4) ||
	    descsz > s->size - desc || desc > s->size)
		return 0;
	if (descsz < len)
		len = descsz;
	memcpy(buf, note + desc, len);
	return descsz;
}

size_t ld_elf_nsections(const struct ld_elf *e)
{
	return e->nsections;
}

const struct ld_section *ld_elf_section(const struct ld_elf *e, size_t i)
{
	return i < e->nsections ? &e->sections[i] : NULL;
}

const struct ld_section *ld_elf_section_by_name(const struct ld_elf *e,
						const char *name)
{
	size_t i;

	for (i = 1; i < e->nsections; i++)
		if (!strcmp(e->sections[i].name, name))
			return &e->sections[i];
	return NULL;
}

/* Does s occupy addr in the loaded image?  .tbss has an address but no
 * memory of its own: it overlaps whatever follows .tdata (.init_array in
 * glibc), so it never answers. */
bool ld_section_holds(const struct ld_section *s, uint64_t addr)
{
	if (!(s->flags & SHF_ALLOC) || s->type == SHT_NULL)
		return false;
	if ((s->flags & SHF_TLS) && s->type == SHT_NOBITS)
		return false;
	return addr >= s->addr && addr - s->addr < s->size;
}

const struct ld_section *ld_elf_section_at(const struct ld_elf *e, uint64_t addr)
{
	size_t i;

	for (i = 1; i < e->nsections; i++)
		if (ld_section_holds(&e->sections[i], addr))
			return &e->sections[i];
	return NULL;
}

size_t ld_elf_nsegments(const struct ld_elf *e)
{
	return e->nsegments;
}

const struct ld_segment *ld_elf_segment(const struct ld_elf *e, size_t i)
{
	return i < e->nsegments ? &e->segments[i] : NULL;
}

const struct ld_segment *ld_elf_first_load(const struct ld_elf *e)
{
	return e->first_load;
}

uint64_t ld_elf_bias_from_map(const struct ld_elf *e, uint64_t map_start)
{
	if (!e->first_load)
		return map_start;
	return map_start - LD_PAGE_DOWN(e->first_load->vaddr);
}
