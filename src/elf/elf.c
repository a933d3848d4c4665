/* ELF files through libelf: sections, segments, symbols.
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

#ifndef PT_GNU_SFRAME
#define PT_GNU_SFRAME 0x6474e554
#endif
#define PT_GNU_MBIND_LO 0x6474e555
#define PT_GNU_MBIND_HI (PT_GNU_MBIND_LO + 0xfff)

#define LD_PAGE_SIZE 4096u
#define LD_PAGE_DOWN(x) ((x) & ~(uint64_t)(LD_PAGE_SIZE - 1))
#define MAX_INTERP 4096u
#define VERSYM_HIDDEN 0x8000u

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


#define CORRUPT "truncated or corrupt ELF file: "

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
			.align = sh.sh_addralign };
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
		else if (!strcmp(s->name, ".debug_info") && s->type != SHT_NOBITS)
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

static int load_sections(struct ld_elf *e, char *err, size_t len)
{
	size_t n, strndx = 0, i;

	if (elf_getshdrnum(e->elf, &n) < 0 ||
	    (n && elf_getshdrstrndx(e->elf, &strndx) < 0))
		return ld_fail(err, len, CORRUPT "section header count");
	if (read_shdrs(e, n, err, len) || (n && load_names(e, strndx, err, len)))
		return -1;
	for (i = 1; i < n; i++)
		if (check_section(e, &e->sections[i], err, len))
			return -1;
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
	free(e->idx.syms);
	free(e->idx.by_addr);
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
static bool section_holds(const struct ld_section *s, uint64_t addr)
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
		if (section_holds(&e->sections[i], addr))
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

/* ---- section to segment mapping ------------------------------------------ */

/* The rules readelf prints its "Section to Segment mapping" by (binutils
 * include/elf/internal.h, ELF_SECTION_IN_SEGMENT_STRICT, plus readelf's
 * ELF_TBSS_SPECIAL filter), restated one question per function. */

static bool is_tls(const struct ld_section *s)
{
	return s->flags & SHF_TLS;
}

/* .tbss lives only in PT_TLS: in the PT_LOAD it has neither file bytes nor
 * memory (each thread gets its own copy), and readelf leaves it out. */
static bool tbss_outside_tls(const struct ld_section *s,
			     const struct ld_segment *g)
{
	return is_tls(s) && s->type == SHT_NOBITS && g->type != PT_TLS;
}

/* TLS sections only in PT_TLS, PT_LOAD, PT_GNU_RELRO; PT_TLS holds only
 * TLS sections; PT_PHDR holds none. */
static bool kind_allowed(const struct ld_section *s, const struct ld_segment *g)
{
	if (is_tls(s))
		return g->type == PT_TLS || g->type == PT_GNU_RELRO ||
		       g->type == PT_LOAD;
	return g->type != PT_TLS && g->type != PT_PHDR;
}

/* Segments that are pieces of the memory image hold only SHF_ALLOC sections. */
static bool alloc_allowed(const struct ld_section *s, const struct ld_segment *g)
{
	if (s->flags & SHF_ALLOC)
		return true;
	switch (g->type) {
	case PT_LOAD: case PT_DYNAMIC: case PT_GNU_EH_FRAME:
	case PT_GNU_STACK: case PT_GNU_RELRO: case PT_GNU_SFRAME:
		return false;
	}
	return !(g->type >= PT_GNU_MBIND_LO && g->type <= PT_GNU_MBIND_HI);
}

/* [start, start + size) inside [base, base + span), where an empty range
 * must start strictly before the end (so an empty section right after a
 * segment is not in it), unless the segment is empty too.  The "span - 1"
 * wraps to UINT64_MAX for an empty segment, as binutils' unsigned math does. */
static bool range_in(uint64_t start, uint64_t size, uint64_t base, uint64_t span)
{
	if (start < base)
		return false;
	return start - base <= span - 1 && start - base + size <= span;
}

static bool file_fits(const struct ld_section *s, const struct ld_segment *g,
		      uint64_t size)
{
	return s->type == SHT_NOBITS ||
	       range_in(s->offset, size, g->offset, g->filesz);
}

static bool addr_fits(const struct ld_section *s, const struct ld_segment *g,
		      uint64_t size)
{
	return !(s->flags & SHF_ALLOC) ||
	       range_in(s->addr, size, g->vaddr, g->memsz);
}

/* An empty section at the very start or end of a non-empty PT_DYNAMIC or
 * PT_NOTE is not part of it: it would make a note or dynamic entry of zero
 * bytes appear. */
static bool empty_edge_ok(const struct ld_section *s, const struct ld_segment *g)
{
	if ((g->type != PT_DYNAMIC && g->type != PT_NOTE) || s->size != 0 ||
	    g->memsz == 0)
		return true;
	if (s->type != SHT_NOBITS &&
	    !(s->offset > g->offset && s->offset - g->offset < g->filesz))
		return false;
	return !(s->flags & SHF_ALLOC) ||
	       (s->addr > g->vaddr && s->addr - g->vaddr < g->memsz);
}

bool ld_elf_section_in_segment(const struct ld_section *s,
			       const struct ld_segment *g)
{
	/* binutils sizes .tbss as 0 outside PT_TLS, but readelf filters it
	 * out there first, so the full size is all that is left to check. */
	if (s->index == 0 || tbss_outside_tls(s, g))
		return false;
	return kind_allowed(s, g) && alloc_allowed(s, g) &&
	       file_fits(s, g, s->size) && addr_fits(s, g, s->size) &&
	       empty_edge_ok(s, g);
}

/* ---- names for flags and types ------------------------------------------- */

/* BFD turns ELF section headers into its own flags and gdb prints those
 * (bfd/elf.c _bfd_elf_make_section_from_shdr, gdb/maint.c print_bfd_flags).
 * Only the words gdb prints for ELF executables can arise here; gdb 13
 * prints no THREAD_LOCAL, so .tdata reads "ALLOC LOAD DATA HAS_CONTENTS"
 * and .tbss just "ALLOC", like .bss. */
const char *ld_section_flag_words(const struct ld_section *s, char *buf,
				  size_t len)
{
	bool contents = s->type != SHT_NOBITS;
	bool alloc = s->flags & SHF_ALLOC;
	bool load = alloc && contents;
	bool code = s->flags & SHF_EXECINSTR;
	int n;

	if (!len)
		return buf;
	n = snprintf(buf, len, "%s%s%s%s%s%s",
		     alloc ? " ALLOC" : "", load ? " LOAD" : "",
		     !(s->flags & SHF_WRITE) ? " READONLY" : "",
		     code ? " CODE" : "", !code && load ? " DATA" : "",
		     contents ? " HAS_CONTENTS" : "");
	if (n > 0 && buf[0] == ' ')	/* drop the leading space */
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	return buf;
}

const char *ld_segment_flag_str(uint32_t flags, char buf[4])
{
	buf[0] = flags & PF_R ? 'R' : ' ';
	buf[1] = flags & PF_W ? 'W' : ' ';
	buf[2] = flags & PF_X ? 'E' : ' ';
	buf[3] = '\0';
	return buf;
}

static const char *known_segment_type(uint32_t type)
{
	switch (type) {
	case PT_NULL:		return "NULL";
	case PT_LOAD:		return "LOAD";
	case PT_DYNAMIC:	return "DYNAMIC";
	case PT_INTERP:		return "INTERP";
	case PT_NOTE:		return "NOTE";
	case PT_SHLIB:		return "SHLIB";
	case PT_PHDR:		return "PHDR";
	case PT_TLS:		return "TLS";
	case PT_GNU_EH_FRAME:	return "GNU_EH_FRAME";
	case PT_GNU_STACK:	return "GNU_STACK";
	case PT_GNU_RELRO:	return "GNU_RELRO";
	case PT_GNU_PROPERTY:	return "GNU_PROPERTY";
	case PT_GNU_SFRAME:	return "GNU_SFRAME";
	case 0x65a3dbe6:	return "OPENBSD_RANDOMIZE";
	case 0x65a3dbe7:	return "OPENBSD_WXNEEDED";
	case 0x65a41be6:	return "OPENBSD_BOOTDATA";
	}
	return NULL;
}

/* readelf's spelling, including its "LOOS+0" (printf's %#x of zero) and
 * "<unknown>: 8".  readelf -W cuts the column to 14 characters; we don't.
 * readelf names GNU_MBIND only for OS/ABI GNU or FreeBSD objects, which are
 * the only ones that have such segments; we name it always. */
const char *ld_segment_type_name(uint32_t type, char *buf, size_t len)
{
	const char *name = known_segment_type(type);

	if (name)
		snprintf(buf, len, "%s", name);
	else if (type >= PT_GNU_MBIND_LO && type <= PT_GNU_MBIND_HI)
		snprintf(buf, len, "GNU_MBIND+%#x", type - PT_GNU_MBIND_LO);
	else if (type >= PT_LOPROC && type <= PT_HIPROC)
		snprintf(buf, len, "LOPROC+%#x", type - PT_LOPROC);
	else if (type >= PT_LOOS && type <= PT_HIOS)
		snprintf(buf, len, "LOOS+%#x", type - PT_LOOS);
	else
		snprintf(buf, len, "<unknown>: %x", type);
	return buf;
}

/* ---- symbols: reading ----------------------------------------------------- */

/* The string table of a symbol table, cut at its last NUL: any st_name below
 * the cut names a terminated string, anything else is rejected. */
struct strtab {
	const char *s;
	size_t lim;
};

static bool get_strtab(Elf *elf, size_t idx, struct strtab *t)
{
	Elf_Data *d = elf_getdata(elf_getscn(elf, idx), NULL);
	const char *nul;

	t->s = NULL;
	t->lim = 0;
	if (!d)
		return false;
	if (!d->d_buf || !d->d_size)
		return true;
	t->s = d->d_buf;
	nul = memrchr(t->s, '\0', d->d_size);
	t->lim = nul ? (size_t)(nul - t->s) + 1 : 0;
	return true;
}

/* Symbols we keep: defined, with an address-like value and a name.  Absolute
 * symbols go too: in .dynsym they are the version names (GLIBC_2.2.5 = 0). */
static bool keep_symbol(const GElf_Sym *sym)
{
	unsigned type = GELF_ST_TYPE(sym->st_info);

	if (type == STT_SECTION || type == STT_FILE)
		return false;
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
	    sym->st_shndx == SHN_COMMON)
		return false;
	return sym->st_shndx < SHN_LORESERVE || sym->st_shndx == SHN_XINDEX;
}

/* A .dynsym entry is the default (@@) version unless its .gnu.version entry
 * has the hidden bit; no .gnu.version means no versions at all. */
static bool is_default_version(Elf_Data *versym, size_t i)
{
	GElf_Versym v;

	if (!versym || !gelf_getversym(versym, (int)i, &v))
		return true;
	return !(v & VERSYM_HIDDEN);
}

static size_t add_table(const struct ld_elf *e, size_t idx, bool dynamic,
			struct sym *out)
{
	Elf_Data *data = elf_getdata(elf_getscn(e->elf, idx), NULL);
	Elf_Data *versym = NULL;
	struct strtab str;
	size_t i, n = 0, count;
	GElf_Shdr sh;
	GElf_Sym sym;

	if (!data || !gelf_getshdr(elf_getscn(e->elf, idx), &sh) ||
	    !get_strtab(e->elf, sh.sh_link, &str))
		return 0;
	if (dynamic && e->versym)
		versym = elf_getdata(elf_getscn(e->elf, e->versym), NULL);
	count = data->d_size / sizeof(Elf64_Sym);
	if (count > INT_MAX)	/* gelf_getsym takes an int */
		count = INT_MAX;
	for (i = 1; i < count; i++) {
		struct sym *s = &out[n];

		if (!gelf_getsym(data, (int)i, &sym) || !keep_symbol(&sym) ||
		    sym.st_name >= str.lim || !str.s[sym.st_name])
			continue;
		*s = (struct sym){ .pub = { .name = str.s + sym.st_name,
			.value = sym.st_value, .size = sym.st_size,
			.type = GELF_ST_TYPE(sym.st_info),
			.bind = GELF_ST_BIND(sym.st_info),
			.visibility = GELF_ST_VISIBILITY(sym.st_other),
			.dynamic = dynamic,
			.default_version = !dynamic || is_default_version(versym, i) } };
		if (sym.st_shndx < SHN_LORESERVE && sym.st_shndx < e->nsections) {
			s->shndx = sym.st_shndx;
			s->outside = !section_holds(&e->sections[s->shndx],
						    sym.st_value);
		}
		n++;
	}
	return n;
}

static size_t table_len(const struct ld_elf *e, size_t idx)
{
	return idx ? e->sections[idx].size / sizeof(Elf64_Sym) : 0;
}

/* ---- symbols: ranking ----------------------------------------------------- */

static int type_rank(const struct ld_symbol *s)
{
	switch (s->type) {
	case STT_FUNC: case STT_GNU_IFUNC:	return 0;
	case STT_OBJECT:			return 1;
	default:				return 2;
	}
}

static int bind_rank(const struct ld_symbol *s)
{
	switch (s->bind) {
	case STB_GLOBAL: case STB_GNU_UNIQUE:	return 0;
	case STB_WEAK:				return 1;
	default:				return 2;
	}
}

#define CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

/* Which of several symbols at one address names it.  gdb sorts the
 * symbols of an address by name and takes the last, skipping bare labels
 * when a sized symbol is there (gdb/minsyms.c); we do the same so that the
 * two tools agree (calloc, not __libc_calloc; data_start, not
 * __data_start).  Before that: a symbol that lies in its own section beats
 * the end marker of the section before, and a function beats data beats a
 * label.  Negative when a is the better one. */
static int addr_rank(const struct sym *sa, const struct sym *sb)
{
	const struct ld_symbol *a = &sa->pub, *b = &sb->pub;

	CMP(sa->outside, sb->outside);
	CMP(a->size == 0, b->size == 0);
	CMP(type_rank(a), type_rank(b));
	return strcmp(b->name, a->name);
}

/* ld_elf_lookup_any's order among symbols of one name. */
static int any_rank(const struct ld_symbol *a, const struct ld_symbol *b)
{
	CMP(type_rank(a) != 0, type_rank(b) != 0);
	CMP(bind_rank(a), bind_rank(b));
	CMP(!a->default_version, !b->default_version);
	CMP(a->size == 0, b->size == 0);
	CMP(a->value, b->value);
	return 0;
}

/* ld_elf_lookup_global's order: what an unversioned reference binds to. */
static int global_rank(const struct ld_symbol *a, const struct ld_symbol *b)
{
	CMP(!a->default_version, !b->default_version);
	CMP(bind_rank(a), bind_rank(b));
	CMP(type_rank(a), type_rank(b));
	CMP(a->value, b->value);
	return 0;
}

/* By name, then value; for equal pairs the .symtab entry first, so merging
 * keeps it. */
static int cmp_name_value(const void *pa, const void *pb)
{
	const struct sym *a = pa, *b = pb;
	int c = strcmp(a->pub.name, b->pub.name);

	if (c)
		return c;
	CMP(a->pub.value, b->pub.value);
	CMP(a->pub.dynamic, b->pub.dynamic);
	return 0;
}

static int cmp_addr(const void *pa, const void *pb)
{
	const struct sym *a = *(struct sym *const *)pa;
	const struct sym *b = *(struct sym *const *)pb;

	CMP(a->pub.value, b->pub.value);
	return addr_rank(a, b);
}

/* ---- symbols: the index --------------------------------------------------- */

/* Fold src into dst (same name and value).  The .symtab entry stays, but
 * learns that the dynamic linker can see it, and at which version. */
static void merge(struct sym *dst, const struct sym *src)
{
	if (src->pub.dynamic) {
		dst->pub.default_version = dst->pub.dynamic ?
			dst->pub.default_version || src->pub.default_version :
			src->pub.default_version;
		dst->pub.dynamic = true;
	}
	if (!dst->pub.size)
		dst->pub.size = src->pub.size;
	if (!dst->shndx) {
		dst->shndx = src->shndx;
		dst->outside = src->outside;
	}
}

static size_t dedup(struct sym *s, size_t n)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		if (out && !strcmp(s[out - 1].pub.name, s[i].pub.name) &&
		    s[out - 1].pub.value == s[i].pub.value)
			merge(&s[out - 1], &s[i]);
		else
			s[out++] = s[i];
	}
	return out;
}

static bool addressable(const struct ld_symbol *s)
{
	return s->type == STT_FUNC || s->type == STT_GNU_IFUNC ||
	       s->type == STT_OBJECT || s->type == STT_NOTYPE;
}

static int build_by_addr(struct symindex *x)
{
	size_t i, n = 0, out = 0;

	x->by_addr = malloc((x->nsyms ? x->nsyms : 1) * sizeof *x->by_addr);
	if (!x->by_addr)
		return -1;
	for (i = 0; i < x->nsyms; i++)
		if (addressable(&x->syms[i].pub))
			x->by_addr[n++] = &x->syms[i];
	qsort(x->by_addr, n, sizeof *x->by_addr, cmp_addr);
	for (i = 0; i < n; i++) {
		if (out && x->by_addr[out - 1]->pub.value == x->by_addr[i]->pub.value)
			continue;	/* sorted best first: keep the first */
		x->by_addr[out++] = x->by_addr[i];
		if (x->by_addr[i]->pub.size > x->max_size)
			x->max_size = x->by_addr[i]->pub.size;
	}
	x->naddr = out;
	return 0;
}

static int build_index(struct ld_elf *e)
{
	struct symindex *x = &e->idx;
	size_t cap = table_len(e, e->symtab) + table_len(e, e->dynsym);

	x->syms = malloc((cap ? cap : 1) * sizeof *x->syms);
	if (!x->syms)
		return -1;
	if (e->symtab)
		x->nsyms = add_table(e, e->symtab, false, x->syms);
	if (e->dynsym)
		x->nsyms += add_table(e, e->dynsym, true, x->syms + x->nsyms);
	qsort(x->syms, x->nsyms, sizeof *x->syms, cmp_name_value);
	x->nsyms = dedup(x->syms, x->nsyms);
	return build_by_addr(x);
}

/* The index is a cache behind a const handle: built on the first symbol
 * query (not thread-safe; layoutdbg asks from one thread).  If it cannot be
 * built the object answers as if it had no symbols. */
static const struct symindex *symbols(const struct ld_elf *ce)
{
	struct ld_elf *e = (struct ld_elf *)ce;

	if (!e->index_tried) {
		e->index_tried = true;
		if (build_index(e)) {
			free(e->idx.syms);
			free(e->idx.by_addr);
			memset(&e->idx, 0, sizeof e->idx);
		}
	}
	return &e->idx;
}

/* ---- symbols: queries ----------------------------------------------------- */

/* First entry whose name is >= key (with n = strlen(key) when prefix). */
static size_t lower_bound_name(const struct symindex *x, const char *key,
			       bool prefix)
{
	size_t lo = 0, hi = x->nsyms, n = strlen(key);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix ? strncmp(x->syms[mid].pub.name, key, n)
			       : strcmp(x->syms[mid].pub.name, key);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct ld_symbol *
best_named(const struct ld_elf *e, const char *name,
	   bool (*ok)(const struct ld_symbol *),
	   int (*rank)(const struct ld_symbol *, const struct ld_symbol *))
{
	const struct symindex *x = symbols(e);
	const struct ld_symbol *best = NULL;
	size_t i;

	for (i = lower_bound_name(x, name, false);
	     i < x->nsyms && !strcmp(x->syms[i].pub.name, name); i++) {
		const struct ld_symbol *s = &x->syms[i].pub;

		if (ok(s) && (!best || rank(s, best) < 0))
			best = s;
	}
	return best;
}

static bool bindable(const struct ld_symbol *s)
{
	bool type = s->type == STT_FUNC || s->type == STT_GNU_IFUNC ||
		    s->type == STT_OBJECT;
	bool bind = s->bind == STB_GLOBAL || s->bind == STB_WEAK ||
		    s->bind == STB_GNU_UNIQUE;
	bool vis = s->visibility == STV_DEFAULT ||
		   s->visibility == STV_PROTECTED;

	return s->dynamic && type && bind && vis;
}

static bool anything(const struct ld_symbol *s)
{
	(void)s;
	return true;
}

const struct ld_symbol *ld_elf_lookup_global(const struct ld_elf *e,
					     const char *name)
{
	return best_named(e, name, bindable, global_rank);
}

const struct ld_symbol *ld_elf_lookup_any(const struct ld_elf *e,
					  const char *name)
{
	return best_named(e, name, anything, any_rank);
}

static bool sized_holds(const struct sym *s, uint64_t addr)
{
	return s->pub.size && addr >= s->pub.value &&
	       addr - s->pub.value < s->pub.size;
}

/* A size-0 symbol (an assembler label, _start in old crt1) reaches up to the
 * next symbol, but not out of its section. */
static bool label_holds(const struct ld_elf *e, const struct sym *s,
			uint64_t addr)
{
	const struct ld_section *sec = s->shndx ? &e->sections[s->shndx]
						: ld_elf_section_at(e, s->pub.value);

	return sec && section_holds(sec, addr);
}

/* Greatest i with by_addr[i]->value <= addr, or SIZE_MAX. */
static size_t floor_addr(const struct symindex *x, uint64_t addr)
{
	size_t lo = 0, hi = x->naddr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->by_addr[mid]->pub.value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : SIZE_MAX;
}

/* A sized symbol further back may still contain addr (a label inside a
 * function, nested objects).  Look back only as far as the largest symbol
 * could reach, and only a few entries: this stays O(log n). */
#define MAX_LOOKBACK 64

static const struct sym *sized_before(const struct symindex *x, size_t i,
				      uint64_t addr)
{
	size_t steps;

	for (steps = 0; i-- > 0 && steps < MAX_LOOKBACK; steps++) {
		const struct sym *s = x->by_addr[i];

		if (addr - s->pub.value >= x->max_size)
			break;
		if (sized_holds(s, addr))
			return s;
	}
	return NULL;
}

const struct ld_symbol *ld_elf_symbol_at(const struct ld_elf *e, uint64_t addr,
					 uint64_t *off)
{
	const struct symindex *x = symbols(e);
	size_t i = floor_addr(x, addr);
	const struct sym *s, *found = NULL;

	if (i == SIZE_MAX)
		return NULL;
	s = x->by_addr[i];
	if ((s->pub.value == addr && !s->outside) || sized_holds(s, addr))
		found = s;
	else if (!(found = sized_before(x, i, addr)) && !s->pub.size &&
		 label_holds(e, s, addr))
		found = s;
	if (found && off)
		*off = addr - found->pub.value;
	return found ? &found->pub : NULL;
}

void ld_elf_foreach_name(const struct ld_elf *e, const char *prefix,
			 int (*fn)(const char *name, void *arg), void *arg)
{
	const struct symindex *x = symbols(e);
	size_t n = strlen(prefix), i;
	const char *last = NULL;

	for (i = lower_bound_name(x, prefix, true); i < x->nsyms; i++) {
		const char *name = x->syms[i].pub.name;

		if (strncmp(name, prefix, n))
			break;
		if (last && !strcmp(last, name))
			continue;
		last = name;
		if (fn(name, arg))
			break;
	}
}
