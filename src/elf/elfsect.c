/* Which sections a segment holds (readelf's "Section to Segment mapping")
 * and the names of section flags and segment types, as gdb and readelf
 * print them.  Pure functions of the headers elf.c read. */
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/elf.h"

#ifndef PT_GNU_SFRAME
#define PT_GNU_SFRAME 0x6474e554
#endif
#define PT_GNU_MBIND_LO 0x6474e555
#define PT_GNU_MBIND_HI (PT_GNU_MBIND_LO + 0xfff)

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
