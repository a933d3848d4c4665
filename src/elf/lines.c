/* Source lines from DWARF through libdw: address <-> FILE:LINE, and the
 * addresses gdb would choose for `break FUNC` and `break FILE:LINE`.
 *
 * ld_lines_open only opens the file.  Queries read the units' line tables
 * as they need them into one array of rows sorted by address.
 *
 * The answers are meant to be gdb 13's, so this follows gdb's code rather
 * than the DWARF standard alone:
 *  - rows are kept or dropped as gdb's line reader does (gdb/dwarf2/read.c
 *    lnp_state_machine::record_line, gdb/buildsym.c record_line);
 *  - prologues are skipped as gdb/symtab.c skip_prologue_sal does with
 *    gdb/amd64-tdep.c amd64_analyze_prologue: prologue_end markers first
 *    (clang), else `push %rbp; mov %rsp,%rbp` is found in the code and the
 *    breakpoint moves to the start of the next line-table row;
 *  - FILE:LINE is gdb/linespec.c create_sals_line_offset: the exact line
 *    or the smallest later line with code, one address per lexical block,
 *    each moved past the prologue when it lies inside it.
 *
 * Known gaps: libdw (0.188) hands rows sorted by address, not by sequence,
 * so rows a sequence puts at its own end address (gdb drops them) look
 * like the start of a sequence beginning there; the unit ranges filter
 * most.  Stack-realigning prologues (amd64_analyze_stack_align) and
 * clang code without prologue_end markers (skip_prologue_using_sal) are
 * treated like GCC's.
 *
 * This file opens, reads the line tables and answers by address;
 * linespec.c finds functions, blocks, prologues and FILE:LINE (shared
 * internals: lines_int.h).  Nothing here writes to the file or prints. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/error.h"
#include "layoutdbg/lines.h"
#include "lines_int.h"
#include "layoutdbg/prologue.h"

/* Make room for one more element in a growable array. */
int ld_lines_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n >= NO_INDEX)	/* indexes are kept in 32 bits */
		return -ENOMEM;
	return ld_grow(v, cap, n, size, 64);
}

/* ---- opening ------------------------------------------------------------ */

static int open_elf(struct ld_lines *l, const char *path, char *err,
		    size_t len)
{
	struct stat st;
	GElf_Ehdr eh;

	/* O_NONBLOCK: a FIFO given by mistake must not hang the debugger.
	 * O_CLOEXEC: tracees are forked from us and must not inherit it. */
	l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (l->fd < 0 || fstat(l->fd, &st) < 0)
		return ld_fail(err, len, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return ld_fail(err, len, "%s", strerror(EISDIR));
	if (!S_ISREG(st.st_mode))
		return ld_fail(err, len, "not a regular file");
	elf_version(EV_CURRENT);
	l->elf = elf_begin(l->fd, ELF_C_READ_MMAP, NULL);
	if (!l->elf || elf_kind(l->elf) != ELF_K_ELF || !gelf_getehdr(l->elf, &eh))
		return ld_fail(err, len, "not an ELF file");
	/* libdw applies no relocations (libdwfl would): the DWARF of a .o
	 * would give wrong files and addresses */
	if (eh.e_type == ET_REL)
		return ld_fail(err, len, "a relocatable object file: link it first");
	l->x86_64 = eh.e_machine == EM_X86_64;
	return 0;
}

/* ".debug_line", or its old GNU-compressed name ".zdebug_line". */
static bool is_debug(const char *name, const char *what)
{
	if (strncmp(name, ".zdebug_", 8) == 0)
		return strcmp(name + 8, what) == 0;
	return strncmp(name, ".debug_", 7) == 0 && strcmp(name + 7, what) == 0;
}

/* Note an allocated section: is it at 0, is it code?  A separate debug
 * file keeps these headers (as NOBITS), so this works there too. */
static int note_section(struct ld_lines *l, const GElf_Shdr *sh)
{
	struct code *p;

	if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0)
		return 0;
	if (sh->sh_addr == 0)
		l->section_at_zero = true;
	if (!(sh->sh_flags & SHF_EXECINSTR) ||
	    sh->sh_addr + sh->sh_size < sh->sh_addr)
		return 0;
	p = realloc(l->code, (l->ncode + 1) * sizeof *p);
	if (!p)
		return -ENOMEM;
	l->code = p;
	l->code[l->ncode++] = (struct code){ sh->sh_addr,
					     sh->sh_addr + sh->sh_size };
	return 0;
}

/* libdw would only say "no DWARF information"; telling a stripped file
 * from one without line tables gives the user something to act on. */
static int check_sections(struct ld_lines *l, char *err, size_t len)
{
	bool info = false, line = false;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(l->elf, &shstrndx) < 0)
		return ld_fail(err, len, "truncated or corrupt ELF file: %s",
			    elf_errmsg(-1));
	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (note_section(l, &sh) < 0)
			return ld_fail(err, len, "%s", strerror(ENOMEM));
		/* A separate-debug-info stub keeps the headers as NOBITS. */
		if (sh.sh_type == SHT_NOBITS || sh.sh_size == 0)
			continue;
		name = elf_strptr(l->elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		info |= is_debug(name, "info");
		line |= is_debug(name, "line");
	}
	if (!line)
		return ld_fail(err, len, "no DWARF line information (stripped?)");
	if (!info)
		return ld_fail(err, len, "no DWARF debug information "
			    "(.debug_line without .debug_info)");
	return 0;
}

int ld_lines_open(const char *path, struct ld_lines **out, char *err,
		  size_t errlen)
{
	struct ld_lines *l;

	*out = NULL;
	l = calloc(1, sizeof *l);
	if (!l || !(l->t = calloc(1, sizeof *l->t))) {
		free(l);
		return ld_fail(err, errlen, "%s", strerror(ENOMEM));
	}
	l->fd = -1;
	if (open_elf(l, path, err, errlen) || check_sections(l, err, errlen)) {
		ld_lines_free(l);
		return -1;
	}
	l->dwarf = dwarf_begin_elf(l->elf, DWARF_C_READ, NULL);
	if (!l->dwarf) {
		ld_fail(err, errlen, "bad DWARF: %s", dwarf_errmsg(-1));
		ld_lines_free(l);
		return -1;
	}
	*out = l;
	return 0;
}

static void table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		free(t->files[i].path);
	for (i = 0; i < t->nunits; i++)
		free(t->units[i].fns);
	free(t->files);
	free(t->rows);
	free(t->units);
	free(t->spans);
	free(t->uspans);
	memset(t, 0, sizeof *t);
}

void ld_lines_free(struct ld_lines *l)
{
	if (!l)
		return;
	if (l->t)
		table_release(l->t);
	free(l->t);
	if (l->dwarf)
		dwarf_end(l->dwarf);
	if (l->elf)
		elf_end(l->elf);
	if (l->fd >= 0)
		close(l->fd);
	free(l->code);
	free(l);
}

/* ---- reading the line tables -------------------------------------------- */

/* The file name as recorded, made absolute with the unit's comp dir:
 * DWARF 4 and 5 both allow directories relative to it, and libdw leaves
 * them relative. */
char *ld_lines_join_path(const char *dir, const char *name)
{
	size_t n = dir ? strlen(dir) : 0;
	char *p;

	/* libdw has put a relative comp dir (glibc's "./malloc", DWARF 5's
	 * directory 0) in front already: "./malloc/malloc.c", as gdb says */
	if (n && dir[0] != '/' && !strncmp(name, dir, n) && name[n] == '/')
		return strdup(name);
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (name[0] == '/' || !dir || !dir[0])
		return strdup(name);
	n = strlen(dir) + strlen(name) + 2;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return p;
}

/* Index of path among the unit's files (those from first on), added if
 * new. */
static int intern(struct table *t, size_t first, uint32_t unit,
		  const char *dir, const char *name, uint32_t *idx)
{
	char *path = ld_lines_join_path(dir, name);
	size_t i;

	if (!path)
		return -ENOMEM;
	for (i = first; i < t->nfiles; i++)
		if (strcmp(t->files[i].path, path) == 0) {
			free(path);
			*idx = (uint32_t)i;
			return 0;
		}
	if (GROW(t, files) < 0) {
		free(path);
		return -ENOMEM;
	}
	t->files[t->nfiles] = (struct file){ path, unit };
	*idx = (uint32_t)t->nfiles++;
	return 0;
}

/* gdb's producer_is_gcc_ge_4 >= 5: "GNU C17 12.2.0 -mtune=..." */
static bool gcc_4_5_or_later(const char *producer)
{
	int major, minor;

	if (!producer || strncmp(producer, "GNU ", 4) != 0 ||
	    !(producer = strchr(producer + 4, ' ')) ||
	    sscanf(producer + 1, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 4 || (major == 4 && minor >= 5);
}

static const char *attr_string(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr(die, name, &a));
}

static int add_unit(struct table *t, Dwarf_Die *cudie)
{
	struct unit *u;

	if (GROW(t, units) < 0)
		return -ENOMEM;
	u = &t->units[t->nunits++];
	*u = (struct unit){ .die = *cudie, .name = NO_INDEX, .trusted = -1,
			    .lang = dwarf_srclang(cudie) };
	u->gcc45 = gcc_4_5_or_later(attr_string(cudie, DW_AT_producer));
	return 0;
}

static int cmp_spans(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Could [lo, hi) hold code?  Not if the linker discarded it: gdb skips
 * such ranges and functions (dwarf2/read.c dwarf2_ranges_read,
 * read_func_scope). */
bool ld_lines_real_range(const struct ld_lines *l, uint64_t lo, uint64_t hi)
{
	return lo < hi && (lo != 0 || l->section_at_zero);
}

/* The unit's address ranges, sorted.  Rows outside them are dropped: they
 * describe discarded functions, whose line tables gdb ignores too
 * (dwarf2/read.c check_line_address).  Returns how many ranges the unit
 * listed, kept or not, or -ENOMEM. */
static int add_spans(const struct ld_lines *l, struct table *t,
		     Dwarf_Die *cudie, uint32_t unit)
{
	Dwarf_Addr base, lo, hi;
	size_t first = t->nuspans;
	ptrdiff_t off = 0;
	int listed = 0;

	while ((off = dwarf_ranges(cudie, off, &base, &lo, &hi)) > 0) {
		listed++;
		if (!ld_lines_real_range(l, lo, hi))
			continue;
		if (GROW(t, uspans) < 0)
			return -ENOMEM;
		t->uspans[t->nuspans++] = (struct span){ lo, hi, unit };
	}
	if (t->nuspans > first)
		qsort(t->uspans + first, t->nuspans - first, sizeof *t->uspans,
		      cmp_spans);
	t->units[unit].span0 = (uint32_t)first;
	t->units[unit].nspan = (uint32_t)(t->nuspans - first);
	t->units[unit].ranged = listed > 0;
	return listed;
}

/* Is a row at addr in code: in an executable section and one of the
 * unit's ranges?  An end of sequence is in one if it ends it.  Rows come
 * sorted by address, so the position in the ranges only moves forward. */
static bool in_code(const struct ld_lines *l, struct spans *sp,
		    uint64_t addr, bool end)
{
	size_t i;

	for (i = 0; i < l->ncode; i++)
		if (end ? l->code[i].lo < addr && addr <= l->code[i].hi
			: l->code[i].lo <= addr && addr < l->code[i].hi)
			break;
	if (l->ncode && i == l->ncode && !l->section_at_zero)
		return false;
	if (!sp->any)
		return true;	/* a unit without ranges: trust its rows */
	while (sp->k < sp->n && (end ? sp->v[sp->k].hi < addr
				     : sp->v[sp->k].hi <= addr))
		sp->k++;
	return sp->k < sp->n && (end ? sp->v[sp->k].lo < addr
				     : sp->v[sp->k].lo <= addr);
}

/* What gdb's line state machine remembers within one sequence. */
struct seq {
	size_t start;		/* first row of the sequence in t->rows */
	uint32_t file, line;	/* last recorded (m_last_subfile, m_last_line) */
	uint32_t raw_file, raw_line;	/* the previous row as read */
	bool disc;		/* a non-zero discriminator seen on this line */
	uint64_t last_addr;
	bool stmt_at_addr;
};

static void seq_reset(struct seq *s, size_t start)
{
	*s = (struct seq){ .start = start, .file = NO_INDEX, .line = 0,
			   .raw_file = NO_INDEX, .raw_line = 1 };
}

static int push_row(struct table *t, const struct row *r)
{
	if (GROW(t, rows) < 0)
		return -ENOMEM;
	t->rows[t->nrows] = *r;
	t->rows[t->nrows++].order = t->order++;
	return 0;
}

/* gdb ends a file's run of rows with a marker that first deletes that
 * file's rows at the same address (buildsym.c record_line, line 0). */
static void drop_tail(struct table *t, const struct seq *s, uint32_t file,
		      uint64_t addr)
{
	size_t i = t->nrows, keep;

	while (i > s->start && t->rows[i - 1].addr == addr)
		i--;
	for (keep = i; i < t->nrows; i++)
		if (t->rows[i].file != file)
			t->rows[keep++] = t->rows[i];
	t->nrows = keep;
}

/* One row of a sequence, kept or dropped as lnp_state_machine::record_line
 * does: line 0 is ignored; a non-statement row of another file at an
 * address that already has a statement is ignored; repeats of a line are
 * merged only when discriminators were seen (gdb PR 17276), because GCC
 * marks the end of a prologue with a repeated line. */
static int add_row(struct table *t, struct seq *s, const struct row *r,
		   unsigned disc)
{
	bool changed = r->file != s->file, ignore;
	int ret = 0;

	if (r->line != s->raw_line || r->file != s->raw_file)
		s->disc = disc != 0;
	else
		s->disc |= disc != 0;
	s->raw_line = r->line;
	s->raw_file = r->file;
	ignore = r->line == 0 ||
		 (changed && s->last_addr == r->addr &&
		  !(r->flags & ROW_STMT) && s->stmt_at_addr);
	if (!ignore) {
		if (changed && s->file != NO_INDEX)
			drop_tail(t, s, s->file, r->addr);
		if (changed || r->line != s->line || !s->disc)
			ret = push_row(t, r);
		s->file = r->file;
		s->line = r->line;
	}
	if (s->last_addr != r->addr) {
		s->stmt_at_addr = false;
		s->last_addr = r->addr;
	}
	s->stmt_at_addr |= (r->flags & ROW_STMT) != 0;
	return ret;
}

/* The end of a sequence: rows at its end address cover nothing. */
static int end_seq(struct table *t, struct seq *s, const struct row *r)
{
	struct row end = *r;
	int ret = 0;

	if (s->file != NO_INDEX)
		drop_tail(t, s, s->file, r->addr);
	if (t->nrows > s->start) {
		end.line = 0;
		end.flags = ROW_END;
		ret = push_row(t, &end);
	}
	seq_reset(s, t->nrows);
	return ret;
}

/* Decode one libdw row.  Returns -1 for rows to skip: malformed ones, and
 * rows inside a VLIW bundle, which gdb ignores. */
static int read_row(Dwarf_Line *dl, const uint32_t *map, size_t nmap,
		    struct row *r, unsigned *disc)
{
	bool stmt = false, end = false, pe = false;
	Dwarf_Files *files;
	unsigned op = 0;
	Dwarf_Addr addr;
	size_t idx;
	int line;

	if (!dl || dwarf_lineaddr(dl, &addr) != 0 ||
	    dwarf_lineno(dl, &line) != 0 || line < 0 ||
	    dwarf_line_file(dl, &files, &idx) != 0 || idx >= nmap ||
	    map[idx] == NO_INDEX)
		return -1;
	dwarf_linebeginstatement(dl, &stmt);
	dwarf_lineendsequence(dl, &end);
	dwarf_lineprologueend(dl, &pe);
	if (dwarf_linediscriminator(dl, disc) != 0)
		*disc = 0;
	if (!end && dwarf_lineop_index(dl, &op) == 0 && op != 0)
		return -1;
	*r = (struct row){ .addr = addr, .line = (uint32_t)line,
			   .file = map[idx] };
	r->flags = (stmt ? ROW_STMT : 0) | (end ? ROW_END : 0) |
		   (pe ? ROW_PROLOGUE_END : 0);
	return 0;
}

/* libdw hands the rows sorted by address (an end_sequence first among
 * rows at one address), so sequences come one after another. */
static int add_rows(const struct ld_lines *l, struct table *t,
		    Dwarf_Lines *lines, size_t n, const uint32_t *map,
		    size_t nmap, struct spans *sp)
{
	struct seq s;
	size_t i;

	seq_reset(&s, t->nrows);
	for (i = 0; i < n; i++) {
		unsigned disc;
		struct row r;
		int ret = 0;

		if (read_row(dwarf_onesrcline(lines, i), map, nmap, &r,
			     &disc) < 0)
			continue;
		if (!in_code(l, sp, r.addr, r.flags & ROW_END))
			continue;
		if (r.flags & ROW_END)
			ret = end_seq(t, &s, &r);
		else
			ret = add_row(t, &s, &r, disc);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct named {			/* a file of the line table, by path */
	char *path;
	size_t idx;		/* its index in the line table */
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Add the sorted paths to t->files, once each; map[] gets their indexes.
 * Takes the paths it keeps; the others stay for the caller to free. */
static int add_files(struct table *t, uint32_t unit, struct named *v,
		     size_t n, uint32_t *map)
{
	size_t j, first = t->nfiles;

	for (j = 0; j < n; j++) {
		if (t->nfiles == first ||
		    strcmp(v[j].path, t->files[t->nfiles - 1].path) != 0) {
			if (GROW(t, files) < 0)
				return -ENOMEM;
			t->files[t->nfiles++] = (struct file){ v[j].path, unit };
			v[j].path = NULL;
		}
		map[v[j].idx] = (uint32_t)t->nfiles - 1;
	}
	return 0;
}

/* All files of the unit's line table, as indexes in t->files.  Sorted
 * first: a C++ unit can name hundreds of headers, and gdb keys its
 * per-file tables by name, so DWARF 5's file 0 and file 1, both naming
 * the primary source, must become one file. */
static int map_files(struct table *t, Dwarf_Die *cudie, uint32_t unit,
		     const char *dir, uint32_t **map, size_t *nmap)
{
	struct named *v = NULL;
	Dwarf_Files *files;
	size_t i, n, m = 0;
	int ret = -ENOMEM;

	*map = NULL;
	*nmap = 0;
	if (dwarf_getsrcfiles(cudie, &files, &n) != 0 || n == 0)
		return 0;
	if (!(*map = malloc(n * sizeof **map)) || !(v = calloc(n, sizeof *v)))
		goto out;
	*nmap = n;
	for (i = 0; i < n; i++) {
		const char *name = dwarf_filesrc(files, i, NULL, NULL);

		(*map)[i] = NO_INDEX;
		/* libdw names DWARF 4's unused file 0 "???" */
		if (!name || strcmp(name, "???") == 0)
			continue;
		if (!(v[m].path = ld_lines_join_path(dir, name)))
			goto out;
		v[m++].idx = i;
	}
	qsort(v, m, sizeof *v, cmp_named);
	ret = add_files(t, unit, v, m, *map);
out:
	for (i = 0; v && i < m; i++)
		free(v[i].path);
	free(v);
	return ret;
}

/* One compilation unit's rows.  A unit whose line table libdw cannot
 * read is kept without rows: its name still answers ld_lines_file_of. */
static int load_unit(const struct ld_lines *l, struct table *t, uint32_t unit)
{
	struct unit *u = &t->units[unit];
	Dwarf_Die *cudie = &u->die;
	const char *dir = attr_string(cudie, DW_AT_comp_dir);
	const char *name = dwarf_diename(cudie);
	size_t first_file = t->nfiles, nmap, n;
	struct spans sp = { t->uspans + u->span0, u->nspan, 0, u->ranged };
	uint32_t *map = NULL;
	Dwarf_Lines *lines;
	int ret;

	u->rows_loaded = true;
	ret = map_files(t, cudie, unit, dir, &map, &nmap);
	if (ret == 0 && name)
		ret = intern(t, first_file, unit, dir, name, &t->units[unit].name);
	if (ret == 0 && nmap && dwarf_getsrclines(cudie, &lines, &n) == 0)
		ret = add_rows(l, t, lines, n, map, nmap, &sp);
	free(map);
	return ret;
}

/* Rows by address; at one address an end of sequence first (where one
 * sequence ends and the next begins), then by unit and read order: the
 * order reading every unit in turn gives, whatever order they came in. */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct row *x = a, *y = b;
	const struct table *t = ctx;
	uint32_t ux, uy;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if ((x->flags & ROW_END) != (y->flags & ROW_END))
		return x->flags & ROW_END ? -1 : 1;
	ux = t->files[x->file].unit;
	uy = t->files[y->file].unit;
	if (ux != uy)
		return ux < uy ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Every unit and its ranges, without their rows. */
static int index_units(const struct ld_lines *l, struct table *t)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	Dwarf_Die cudie;
	uint8_t type;

	/* A malformed .debug_info ends the walk early (-1): the units read
	 * so far still answer. */
	while (dwarf_get_units(l->dwarf, cu, &cu, &version, &type, &cudie,
			       NULL) == 0) {
		if (type != DW_UT_compile && type != DW_UT_skeleton)
			continue;
		if (add_unit(t, &cudie) < 0 ||
		    add_spans(l, t, &cudie, (uint32_t)t->nunits - 1) < 0)
			return -ENOMEM;
	}
	if (t->nuspans) {
		t->spans = malloc(t->nuspans * sizeof *t->spans);
		if (!t->spans)
			return -ENOMEM;
		memcpy(t->spans, t->uspans, t->nuspans * sizeof *t->spans);
		t->nspans = t->spans_cap = t->nuspans;
		qsort(t->spans, t->nspans, sizeof *t->spans, cmp_spans);
	}
	return 0;
}

/* Rows [0, mid) and [mid, nrows) are each sorted: one run of them. */
static int merge_rows(struct table *t, size_t mid)
{
	struct row *v;
	size_t i = 0, j = mid, k = 0;

	if (mid == 0 || mid == t->nrows ||
	    cmp_rows(&t->rows[mid - 1], &t->rows[mid], t) <= 0)
		return 0;
	v = malloc(t->nrows * sizeof *v);
	if (!v)
		return -ENOMEM;
	while (k < t->nrows)
		v[k++] = j == t->nrows || (i < mid && cmp_rows(&t->rows[j], &t->rows[i],
							      t) >= 0) ? t->rows[i++] : t->rows[j++];
	free(t->rows);
	t->rows = v;
	t->rows_cap = t->nrows;
	return 0;
}

/* Does unit u have rows to read for [lo, hi)?  (all: every unit) */
static bool wanted(const struct table *t, const struct unit *u, uint64_t lo,
		   uint64_t hi, bool all)
{
	uint32_t i;

	if (u->rows_loaded || all || !u->ranged)
		return !u->rows_loaded;
	for (i = 0; i < u->nspan; i++)
		if (t->uspans[u->span0 + i].lo < hi && lo < t->uspans[u->span0 + i].hi)
			return true;
	return false;
}

static int load(const struct ld_lines *l, struct table *t, uint64_t lo,
		uint64_t hi, bool all)
{
	size_t old = t->nrows, i;
	bool rest = false;

	if (!t->indexed) {
		t->indexed = true;
		if (index_units(l, t) < 0)
			return -ENOMEM;
	}
	if (lo >= hi && !all)
		return 0;	/* the units only */
	for (i = 0; i < t->nunits; i++) {
		if (wanted(t, &t->units[i], lo, hi, all) &&
		    load_unit(l, t, (uint32_t)i) < 0)
			return -ENOMEM;
		rest |= !t->units[i].rows_loaded;
	}
	t->loaded = !rest;	/* then no query looks at the units again */
	if (t->nrows == old)
		return 0;
	/* the new rows sorted, then merged into those read before */
	qsort_r(t->rows + old, t->nrows - old, sizeof *t->rows, cmp_rows, t);
	return merge_rows(t, old);
}

/* The table, read as far as asked.  Out of memory leaves it empty. */
static struct table *table(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			   bool all)
{
	struct table *t = l->t;

	if (!t->loaded && load(l, t, lo, hi, all) < 0) {
		table_release(t);
		t->indexed = t->loaded = true;
	}
	return t;
}

struct table *ld_lines_table(const struct ld_lines *l)
{
	return table(l, 0, 0, true);
}

struct table *ld_lines_table_at(const struct ld_lines *l, uint64_t lo, uint64_t hi)
{
	return table(l, lo, hi > lo ? hi : lo + 1, false);
}

struct table *ld_lines_units(const struct ld_lines *l)
{
	return table(l, 0, 0, false);
}

/* ---- lookups by address ------------------------------------------------- */

/* Index of the first row with an address at or above pc. */
size_t ld_lines_lower_bound(const struct table *t, uint64_t pc)
{
	size_t lo = 0, hi = t->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].addr < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first row with an address above pc. */
static size_t upper_bound(const struct table *t, uint64_t pc)
{
	return pc == UINT64_MAX ? t->nrows : ld_lines_lower_bound(t, pc + 1);
}

/* gdb's find_pc_line: the row covering pc, or NULL, and in *end where
 * its range stops (the next row's address; 0 if none). */
const struct row *ld_lines_covering(const struct table *t, uint64_t pc,
				    uint64_t *end)
{
	size_t i = upper_bound(t, pc);
	const struct row *r, *p;

	if (end)
		*end = i < t->nrows ? t->rows[i].addr : 0;
	if (i == 0 || (t->rows[i - 1].flags & ROW_END))
		return NULL;
	r = p = &t->rows[i - 1];
	/* Of several rows at one address gdb prefers a statement. */
	while (!(p->flags & ROW_STMT) && p > t->rows &&
	       p[-1].addr == p->addr && !(p[-1].flags & ROW_END))
		p--;
	return p->flags & ROW_STMT ? p : r;
}

static void fill_line(const struct table *t, const struct row *r,
		      struct ld_line *out)
{
	out->file = t->files[r->file].path;
	out->line = r->line;
	out->addr = r->addr;
	out->is_stmt = (r->flags & ROW_STMT) != 0;
}

bool ld_lines_at(const struct ld_lines *l, uint64_t addr, struct ld_line *out)
{
	const struct table *t = ld_lines_table_at(l, addr, addr + 1);
	const struct row *r = ld_lines_covering(t, addr, NULL);

	if (!r)
		return false;
	if (out)
		fill_line(t, r, out);
	return true;
}

bool ld_lines_first_row(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			struct ld_line *out)
{
	const struct table *t = ld_lines_table_at(l, lo, hi);
	size_t i = lo ? upper_bound(t, lo - 1) : 0;

	for (; i < t->nrows && t->rows[i].addr < hi; i++) {
		if (!(t->rows[i].flags & ROW_END)) {
			fill_line(t, &t->rows[i], out);
			return true;
		}
	}
	return false;
}

/* The unit whose ranges hold pc, or else the unit of the row covering
 * it (for units without ranges); NO_INDEX if none. */
uint32_t ld_lines_unit_of(const struct table *t, uint64_t pc)
{
	size_t lo = 0, hi = t->nspans;
	const struct row *r;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->spans[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && pc < t->spans[lo - 1].hi)
		return t->spans[lo - 1].unit;
	r = ld_lines_covering(t, pc, NULL);
	return r ? t->files[r->file].unit : NO_INDEX;
}

const char *ld_lines_file_of(const struct ld_lines *l, uint64_t addr)
{
	const struct table *t = ld_lines_table_at(l, addr, addr + 1);
	uint32_t u = ld_lines_unit_of(t, addr);

	if (u == NO_INDEX || t->units[u].name == NO_INDEX)
		return NULL;
	return t->files[t->units[u].name].path;
}

size_t ld_lines_in_range(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			 struct ld_line *out, size_t max)
{
	const struct table *t = ld_lines_table_at(l, lo, hi);
	size_t i = ld_lines_lower_bound(t, lo), n = 0;

	for (; i < t->nrows && t->rows[i].addr < hi && n < max; i++) {
		const struct row *r = &t->rows[i];

		/* one answer per address: the row ld_lines_at reports */
		if (i + 1 < t->nrows && t->rows[i + 1].addr == r->addr)
			continue;
		r = ld_lines_covering(t, r->addr, NULL);
		if (r && (r->flags & ROW_STMT))
			fill_line(t, r, &out[n++]);
	}
	return n;
}


bool ld_lines_range(const struct ld_lines *l, uint64_t addr,
		    struct ld_line *out, uint64_t *end)
{
	const struct table *t = ld_lines_table_at(l, addr, addr + 1);
	const struct row *r = ld_lines_covering(t, addr, end);

	if (!r)
		return false;
	fill_line(t, r, out);
	return true;
}

Dwarf *ld_lines_dwarf(const struct ld_lines *l)
{
	return l ? l->dwarf : NULL;
}
