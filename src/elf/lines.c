/* Source lines from DWARF through libdw: address <-> FILE:LINE, and the
 * addresses gdb would choose for `break FUNC` and `break FILE:LINE`.
 *
 * ld_lines_open only opens the file and checks that it has line tables.
 * The first query reads the line tables of every compilation unit into
 * one array of rows sorted by address: lookups by address are binary
 * searches, lookups by line one pass over the array.
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
 * Nothing here writes to the file or prints. */
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

#include "layoutdbg/error.h"
#include "layoutdbg/lines.h"
#include "layoutdbg/prologue.h"

#define NO_INDEX UINT32_MAX

enum {
	ROW_STMT = 1 << 0,		/* DWARF is_stmt: a place to stop */
	ROW_END = 1 << 1,		/* end of a sequence: covers nothing */
	ROW_PROLOGUE_END = 1 << 2,	/* DW_LNS_set_prologue_end */
};

struct row {
	uint64_t addr;
	uint32_t line;
	uint32_t file;		/* index in table.files */
	uint32_t order;		/* read order: keeps the sort stable */
	uint8_t flags;
};

struct file {
	char *path;		/* as recorded, comp dir joined */
	uint32_t unit;		/* index in table.units */
};

struct fn_range {		/* an address range of a function */
	uint64_t lo, hi;
	Dwarf_Die die;
};

struct unit {
	Dwarf_Die die;
	uint32_t name;		/* index in table.files, or NO_INDEX */
	int lang;		/* DW_LANG_* */
	bool gcc45;		/* produced by GCC 4.5 or later */
	signed char trusted;	/* gdb's locations_valid; -1: not known yet */
	/* The outermost functions' ranges, sorted, built on first need:
	 * without them each lookup would walk every DIE of the unit. */
	bool indexed;
	struct fn_range *fns;
	size_t nfns, fns_cap;
};

struct span {			/* an address range of one unit */
	uint64_t lo, hi;
	uint32_t unit;
};

/* The ranges of the unit being read, and where the rows are in them. */
struct spans {
	const struct span *v;
	size_t n, k;
	bool any;		/* the unit has ranges (some maybe dropped) */
};

struct table {
	bool loaded;
	struct row *rows;
	size_t nrows, rows_cap;
	uint32_t order;
	struct file *files;
	size_t nfiles, files_cap;
	struct unit *units;
	size_t nunits, units_cap;
	struct span *spans;
	size_t nspans, spans_cap;
};

struct code {			/* an executable section */
	uint64_t lo, hi;
};

struct ld_lines {
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	bool x86_64;		/* the prologue analysis reads x86-64 code */
	/* Where code can be.  Addresses of functions the linker discarded
	 * are relocated to 0; gdb ignores them unless a section really is
	 * at 0 (dwarf2/read.c has_section_at_zero). */
	bool section_at_zero;
	struct code *code;
	size_t ncode;
	/* Behind a pointer so that queries, which take a const handle, can
	 * fill it on first use: loading lazily is not a visible change. */
	struct table *t;
};

/* A function as gdb's symbol reader sees it: a DW_TAG_subprogram's block,
 * or, without one, the caller's bounds (gdb's minimal symbol). */
struct func {
	uint64_t entry;		/* gdb's BLOCK_ENTRY_PC */
	uint64_t end;		/* exclusive */
	uint32_t unit;		/* NO_INDEX: no unit covers it */
	bool dwarf;		/* found in .debug_info */
};


/* Make room for one more element in a growable array. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (n >= NO_INDEX || ncap > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

#define GROW(t, what) \
	grow((void **)&(t)->what, &(t)->what##_cap, (t)->n##what, \
	     sizeof *(t)->what)

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
		name++;
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
static char *join_path(const char *dir, const char *name)
{
	size_t n;
	char *p;

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
	char *path = join_path(dir, name);
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

	if (!producer || strncmp(producer, "GNU ", 4) != 0)
		return false;
	producer = strchr(producer + 4, ' ');
	if (!producer || sscanf(producer + 1, "%d.%d", &major, &minor) != 2)
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
	u->die = *cudie;
	u->name = NO_INDEX;
	u->lang = dwarf_srclang(cudie);
	u->gcc45 = gcc_4_5_or_later(attr_string(cudie, DW_AT_producer));
	u->trusted = -1;
	u->indexed = false;
	u->fns = NULL;
	u->nfns = u->fns_cap = 0;
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
static bool real_range(const struct ld_lines *l, uint64_t lo, uint64_t hi)
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
	size_t first = t->nspans;
	ptrdiff_t off = 0;
	int listed = 0;

	while ((off = dwarf_ranges(cudie, off, &base, &lo, &hi)) > 0) {
		listed++;
		if (!real_range(l, lo, hi))
			continue;
		if (GROW(t, spans) < 0)
			return -ENOMEM;
		t->spans[t->nspans++] = (struct span){ lo, hi, unit };
	}
	if (t->nspans > first)
		qsort(t->spans + first, t->nspans - first, sizeof *t->spans,
		      cmp_spans);
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
		if (!(v[m].path = join_path(dir, name)))
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

/* One compilation unit.  A unit whose line table libdw cannot read is
 * kept without rows: its name still answers ld_lines_file_of. */
static int load_unit(const struct ld_lines *l, struct table *t,
		     Dwarf_Die *cudie)
{
	const char *dir = attr_string(cudie, DW_AT_comp_dir);
	const char *name = dwarf_diename(cudie);
	uint32_t unit = (uint32_t)t->nunits, *map = NULL;
	size_t first_file = t->nfiles, first_span = t->nspans, nmap, n;
	struct spans sp = { 0 };
	Dwarf_Lines *lines;
	int ret;

	if (add_unit(t, cudie) < 0 || (ret = add_spans(l, t, cudie, unit)) < 0)
		return -ENOMEM;
	sp.any = ret > 0;
	ret = map_files(t, cudie, unit, dir, &map, &nmap);
	if (ret == 0 && name)
		ret = intern(t, first_file, unit, dir, name,
			     &t->units[unit].name);
	if (ret == 0 && nmap && dwarf_getsrclines(cudie, &lines, &n) == 0) {
		sp.v = t->spans + first_span;
		sp.n = t->nspans - first_span;
		ret = add_rows(l, t, lines, n, map, nmap, &sp);
	}
	free(map);
	return ret;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Where one sequence ends and the next begins, the end goes first. */
	if ((x->flags & ROW_END) != (y->flags & ROW_END))
		return x->flags & ROW_END ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int load(const struct ld_lines *l, struct table *t)
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
		if (load_unit(l, t, &cudie) < 0)
			return -ENOMEM;
	}
	/* qsort wants an array even when empty */
	if (t->nrows)
		qsort(t->rows, t->nrows, sizeof *t->rows, cmp_rows);
	if (t->nspans)
		qsort(t->spans, t->nspans, sizeof *t->spans, cmp_spans);
	return 0;
}

/* The table, read on first use.  Out of memory leaves it empty. */
static struct table *table(const struct ld_lines *l)
{
	struct table *t = l->t;

	if (!t->loaded) {
		if (load(l, t) < 0)
			table_release(t);
		t->loaded = true;
	}
	return t;
}

/* ---- lookups by address ------------------------------------------------- */

/* Index of the first row with an address at or above pc. */
static size_t lower_bound(const struct table *t, uint64_t pc)
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
	return pc == UINT64_MAX ? t->nrows : lower_bound(t, pc + 1);
}

/* gdb's find_pc_line: the row covering pc, or NULL, and in *end where
 * its range stops (the next row's address; 0 if none). */
static const struct row *covering(const struct table *t, uint64_t pc,
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
	const struct table *t = table(l);
	const struct row *r = covering(t, addr, NULL);

	if (!r)
		return false;
	if (out)
		fill_line(t, r, out);
	return true;
}

/* The unit whose ranges hold pc, or else the unit of the row covering
 * it (for units without ranges); NO_INDEX if none. */
static uint32_t unit_of(const struct table *t, uint64_t pc)
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
	r = covering(t, pc, NULL);
	return r ? t->files[r->file].unit : NO_INDEX;
}

const char *ld_lines_file_of(const struct ld_lines *l, uint64_t addr)
{
	const struct table *t = table(l);
	uint32_t u = unit_of(t, addr);

	if (u == NO_INDEX || t->units[u].name == NO_INDEX)
		return NULL;
	return t->files[t->units[u].name].path;
}

size_t ld_lines_in_range(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			 struct ld_line *out, size_t max)
{
	const struct table *t = table(l);
	size_t i = lower_bound(t, lo), n = 0;

	for (; i < t->nrows && t->rows[i].addr < hi && n < max; i++) {
		const struct row *r = &t->rows[i];

		/* one answer per address: the row ld_lines_at reports */
		if (i + 1 < t->nrows && t->rows[i + 1].addr == r->addr)
			continue;
		r = covering(t, r->addr, NULL);
		if (r && (r->flags & ROW_STMT))
			fill_line(t, r, &out[n++]);
	}
	return n;
}

/* ---- functions and blocks ----------------------------------------------- */

/* gdb's block bounds: the lowest and highest address of the DIE's ranges;
 * the entry is the start of the first range listed.  False for a DIE
 * without addresses, as an abstract origin or a discarded function. */
static bool die_bounds(const struct ld_lines *l, Dwarf_Die *die,
		       struct func *f)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	bool any = false;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (!real_range(l, lo, hi))
			continue;
		if (!any) {
			f->entry = lo;
			f->end = hi;
		} else if (hi > f->end) {
			f->end = hi;
		}
		any = true;
	}
	return any;
}

/* Does die have addresses (1 if they hold pc, 0 if not), or none (-1)? */
static int holds(const struct ld_lines *l, Dwarf_Die *die, uint64_t pc)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	int any = -1;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (real_range(l, lo, hi) && lo <= pc && pc < hi)
			return 1;
		any = 0;
	}
	return any;
}

#define MAX_SCOPES 64

/* The DIEs with addresses that hold pc, outermost first: gdb's chain of
 * blocks.  Not libdw's dwarf_getscopes: it does not look inside
 * namespaces, where clang puts the definitions of C++ functions. */
struct scopes {
	Dwarf_Die die[MAX_SCOPES];
	int n;
};

/* Below die, the scopes holding pc; true once one is found.  Depth-
 * limited: a malformed tree must not exhaust the stack. */
static bool descend(const struct ld_lines *l, Dwarf_Die *die, uint64_t pc,
		    struct scopes *s, int depth)
{
	Dwarf_Die c;

	if (depth >= MAX_SCOPES || dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c), h = 0;

		switch (tag) {
		case DW_TAG_subprogram:
		case DW_TAG_inlined_subroutine:
		case DW_TAG_lexical_block:
		case DW_TAG_try_block:
		case DW_TAG_catch_block:
			h = holds(l, &c, pc);
			break;
		case DW_TAG_namespace:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_module:
			h = -1;		/* no addresses, may hold code */
			break;
		}
		if (h == 1) {
			if (s->n < MAX_SCOPES)
				s->die[s->n++] = c;
			descend(l, &c, pc, s, depth + 1);
			return true;
		}
		/* gdb reads a lexical block without addresses as if its
		 * contents were outside it; no other scope is like that */
		if (h < 0 && (tag != DW_TAG_subprogram &&
			      tag != DW_TAG_inlined_subroutine) &&
		    dwarf_haschildren(&c) > 0 && descend(l, &c, pc, s, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Collect the ranges of the functions below die, looking inside
 * namespaces and classes but not inside functions. */
static int index_fns(const struct ld_lines *l, struct unit *u, Dwarf_Die *die,
		     int depth)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_Die c;

	if (depth >= MAX_SCOPES || dwarf_child(die, &c) != 0)
		return 0;
	do {
		ptrdiff_t off = 0;

		switch (dwarf_tag(&c)) {
		case DW_TAG_subprogram:
			while ((off = dwarf_ranges(&c, off, &base, &lo, &hi)) > 0) {
				if (!real_range(l, lo, hi))
					continue;
				if (GROW(u, fns) < 0)
					return -ENOMEM;
				u->fns[u->nfns++] = (struct fn_range){ lo, hi, c };
			}
			break;
		case DW_TAG_namespace:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_module:
			if (index_fns(l, u, &c, depth + 1) < 0)
				return -ENOMEM;
			break;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static int cmp_fns(const void *a, const void *b)
{
	const struct fn_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The outermost function of u holding pc, or NULL. */
static struct fn_range *fn_at(const struct ld_lines *l, struct unit *u,
			      uint64_t pc)
{
	size_t lo = 0, hi;

	if (!u->indexed) {
		u->indexed = true;
		if (index_fns(l, u, &u->die, 0) < 0)
			u->nfns = 0;
		else if (u->nfns)
			qsort(u->fns, u->nfns, sizeof *u->fns, cmp_fns);
	}
	for (hi = u->nfns; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->fns[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && pc < u->fns[lo - 1].hi ? &u->fns[lo - 1] : NULL;
}

static uint32_t scopes_at(const struct ld_lines *l, struct table *t,
			  uint64_t pc, struct scopes *s)
{
	uint32_t u = unit_of(t, pc);
	struct fn_range *f;

	s->n = 0;
	if (u == NO_INDEX)
		return u;
	f = fn_at(l, &t->units[u], pc);
	if (f) {
		s->die[s->n++] = f->die;
		descend(l, &f->die, pc, s, 1);
	} else if (t->units[u].nfns == 0) {
		/* nothing indexed (out of memory?): walk the whole unit */
		descend(l, &t->units[u].die, pc, s, 0);
	}
	return u;
}

/* The innermost function (not an inlined copy: gdb's
 * find_pc_sect_function) containing pc. */
static bool func_at(const struct ld_lines *l, struct table *t, uint64_t pc,
		    struct func *f)
{
	struct scopes s;
	int i;

	f->unit = scopes_at(l, t, pc, &s);
	f->dwarf = false;
	for (i = s.n - 1; i >= 0 && !f->dwarf; i--)
		if (dwarf_tag(&s.die[i]) == DW_TAG_subprogram)
			f->dwarf = die_bounds(l, &s.die[i], f);
	return f->dwarf;
}

/* gdb makes a block of a lexical scope only when it declares something
 * (dwarf2/read.c read_lexical_block_scope). */
static bool declares(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die c;

	if (dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
			continue;
		if (dwarf_attr_integrate(&c, DW_AT_name, &a) ||
		    tag == DW_TAG_enumeration_type ||
		    tag == DW_TAG_imported_module ||
		    tag == DW_TAG_imported_declaration)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* gdb's block_for_pc: the innermost function, inlined copy or declaring
 * lexical block holding pc, else the unit (gdb's static block); as a
 * DIE offset, 0 when no unit holds pc. */
static Dwarf_Off block_at(const struct ld_lines *l, struct table *t,
			  uint64_t pc)
{
	struct scopes s;
	uint32_t u = scopes_at(l, t, pc, &s);
	int i;

	if (u == NO_INDEX)
		return 0;
	for (i = s.n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&s.die[i]);

		if (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_inlined_subroutine || declares(&s.die[i]))
			return dwarf_dieoffset(&s.die[i]);
	}
	return dwarf_dieoffset(&t->units[u].die);
}

/* When pc is in code inlined into a function, gdb names the line of the
 * outermost call (symtab.c skip_prologue_sal); 0 if pc is not. */
static unsigned call_line_at(const struct ld_lines *l, struct table *t,
			     uint64_t pc)
{
	Dwarf_Attribute a;
	Dwarf_Word line = 0;
	struct scopes s;
	int i, outer = -1;

	scopes_at(l, t, pc, &s);
	for (i = s.n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&s.die[i]);

		if (tag == DW_TAG_subprogram)
			break;
		if (tag == DW_TAG_inlined_subroutine)
			outer = i;
	}
	if (outer < 0 ||
	    dwarf_formudata(dwarf_attr(&s.die[outer], DW_AT_call_line, &a),
			    &line) != 0 || line > UINT32_MAX)
		return 0;
	return (unsigned)line;
}

static bool is_loclist(Dwarf_Attribute *a)
{
	switch (dwarf_whatform(a)) {
	case DW_FORM_sec_offset:
	case DW_FORM_loclistx:
	case DW_FORM_data4:	/* DWARF 2 and 3 location list offsets */
	case DW_FORM_data8:
		return true;
	}
	return false;
}

/* Does any variable below die have a location list?  Depth-limited: a
 * malformed tree must not exhaust the stack. */
static bool has_loclist(Dwarf_Die *die, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die c;

	if (depth > 64 || dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if ((tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) &&
		    dwarf_attr(&c, DW_AT_location, &a) && is_loclist(&a))
			return true;
		if (dwarf_haschildren(&c) > 0 && has_loclist(&c, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* gdb's locations_valid (dwarf2/read.c process_full_comp_unit): in an
 * optimised unit from GCC 4.5 or later, gdb trusts the function entry as
 * the place to stop and skips no prologue. */
static bool trusted(struct table *t, uint32_t unit)
{
	struct unit *u;

	if (unit == NO_INDEX)
		return false;
	u = &t->units[unit];
	if (u->trusted < 0)
		u->trusted = u->gcc45 && has_loclist(&u->die, 0);
	return u->trusted;
}

static bool is_asm(const struct table *t, uint32_t unit)
{
	return unit != NO_INDEX && t->units[unit].lang == DW_LANG_Mips_Assembler;
}

/* ---- prologues ---------------------------------------------------------- */

/* Up to len bytes of code at a link-time address, zero-padded past the
 * end of its section.  Returns how many bytes were real (0: none, as
 * when the file is separate debug info whose .text is NOBITS). */
static size_t read_code(const struct ld_lines *l, uint64_t addr,
			unsigned char *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	memset(buf, 0, len);
	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		uint64_t off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size)
			continue;
		off = addr - sh.sh_addr;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || off >= d->d_size)
			return 0;
		if (len > d->d_size - off)
			len = d->d_size - off;
		memcpy(buf, (const unsigned char *)d->d_buf + off, len);
		return len;
	}
	return 0;
}

/* gdb's amd64_analyze_prologue: past the frame setup (prologue.h), or
 * entry itself for a function without a frame pointer.  Returns false
 * when the code cannot be read. */
static bool frame_setup_end(const struct ld_lines *l, uint64_t entry,
			    uint64_t *pc)
{
	unsigned char c[8];	/* the longest frame setup: endbr64, push, movq */
	size_t n;

	if (!l->x86_64 || (n = read_code(l, entry, c, sizeof c)) == 0)
		return false;
	*pc = entry + ld_prologue_frame_setup(c, n);
	return true;
}

/* gdb 13 first trusts DW_LNS_set_prologue_end (clang emits it; GCC 12
 * does not): the first marked row of the entry's file within the
 * function (symtab.c skip_prologue_using_linetable). */
static bool marked_prologue_end(const struct table *t, const struct func *f,
				uint64_t *pc)
{
	const struct row *first = covering(t, f->entry, NULL);
	size_t i;

	if (!first)
		return false;
	for (i = lower_bound(t, f->entry); i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (r->addr > f->end)
			break;
		if (r->file == first->file && (r->flags & ROW_PROLOGUE_END)) {
			*pc = r->addr;
			return true;
		}
	}
	return false;
}

/* gdb's skip_prologue_sal: where a breakpoint on function f goes. */
static uint64_t skip_prologue(const struct ld_lines *l, struct table *t,
			      const struct func *f)
{
	const struct row *r;
	uint64_t pc, end;
	bool known;

	if (marked_prologue_end(t, f, &pc))
		return pc;
	/* locations_valid runs gdb's second pass, which skips nothing */
	if (f->dwarf && trusted(t, f->unit))
		return f->entry;
	known = frame_setup_end(l, f->entry, &pc);
	if (!known)	/* no code to read: assume the frame is set up */
		pc = f->entry;	/* inside the first row, as GCC does */
	r = covering(t, pc, &end);
	/* Left mid-row: go to the next row if it is in the same function. */
	if (r && (!known || r->addr != pc) && end && f->entry <= end &&
	    end < f->end)
		pc = end;
	return pc;
}

uint64_t ld_lines_after_prologue(const struct ld_lines *l, uint64_t func_addr,
				 uint64_t func_end)
{
	struct table *t = table(l);
	struct func f;
	uint64_t pc;

	if (!func_at(l, t, func_addr, &f)) {
		/* gdb's minimal-symbol path: the caller's bounds */
		f.entry = func_addr;
		f.end = func_end > func_addr ? func_end : UINT64_MAX;
	}
	/* symtab.c find_function_start_sal_1: no skipping where gdb trusts
	 * the unit's locations, or in assembly */
	if (covering(t, func_addr, NULL) &&
	    (trusted(t, f.unit) || is_asm(t, f.unit)))
		return func_addr;
	pc = skip_prologue(l, t, &f);
	return pc > func_addr ? pc : func_addr;
}

/* ---- lookups by line ---------------------------------------------------- */

/* Does a recorded path name the file the user gave: the same path, or a
 * path ending in it after a '/' ("heap.c", "fixtures/heap.c")? */
static bool path_matches(const char *path, const char *want)
{
	size_t n = strlen(path), w = strlen(want);

	if (w == 0 || w > n)
		return false;
	if (memcmp(path + n - w, want, w) != 0)
		return false;
	/* an absolute path must match whole, as in gdb */
	return w == n || (want[0] != '/' && path[n - w - 1] == '/');
}

/* Which files match want; the number that do, or -ENOMEM. */
static int match_files(const struct table *t, const char *want, bool **out)
{
	size_t i;
	int n = 0;

	*out = calloc(t->nfiles ? t->nfiles : 1, sizeof **out);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < t->nfiles; i++)
		if (path_matches(t->files[i].path, want)) {
			(*out)[i] = true;
			n++;
		}
	return n;
}

/* gdb's find_line_common over all matching files: the line itself if a
 * statement row has it, else the smallest later line that has one, else
 * 0. */
static unsigned pick_line(const struct table *t, const bool *match,
			  unsigned line)
{
	unsigned best = 0;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!match[r->file] || !(r->flags & ROW_STMT) ||
		    (r->flags & ROW_END) || r->line < line)
			continue;
		if (r->line == line)
			return line;
		if (best == 0 || r->line < best)
			best = r->line;
	}
	return best;
}

struct loc {
	uint64_t addr;
	unsigned line;
	Dwarf_Off block;
};

/* The statement rows of the line, lowest address first. */
static int collect(const struct table *t, const bool *match, unsigned line,
		   struct loc **out, size_t *n)
{
	size_t i, cap = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!match[r->file] || !(r->flags & ROW_STMT) ||
		    (r->flags & ROW_END) || r->line != line)
			continue;
		if (grow((void **)out, &cap, *n, sizeof **out) < 0)
			return -ENOMEM;
		(*out)[(*n)++] = (struct loc){ r->addr, line, 0 };
	}
	return 0;
}

/* A line's code can be scattered over several ranges of one block (a
 * `for` header is); gdb keeps the first address of each block. */
static size_t one_per_block(const struct ld_lines *l, struct table *t,
			     struct loc *v, size_t n)
{
	size_t i, j, keep = 0;

	for (i = 0; i < n; i++)
		v[i].block = block_at(l, t, v[i].addr);
	for (i = 0; i < n; i++) {
		for (j = 0; j < keep; j++)
			if (v[i].block && v[j].block == v[i].block)
				break;
		if (j == keep)
			v[keep++] = v[i];
	}
	return keep;
}

/* gdb's skip_prologue_sal for a line: an address inside the prologue of
 * its function moves past it, and takes the line found there. */
static void past_prologue(const struct ld_lines *l, struct table *t,
			  struct loc *v)
{
	const struct row *r;
	unsigned line;
	struct func f;
	uint64_t pc;

	if (!func_at(l, t, v->addr, &f) || is_asm(t, f.unit))
		return;
	pc = skip_prologue(l, t, &f);
	if (v->addr >= pc)
		return;
	r = covering(t, pc, NULL);
	v->addr = pc;
	v->line = r ? r->line : v->line;
	if ((line = call_line_at(l, t, pc)) != 0)
		v->line = line;
}

static int cmp_locs(const void *a, const void *b)
{
	const struct loc *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sorted, duplicates gone, the first max copied out; how many copied. */
static size_t emit(struct loc *v, size_t n, uint64_t *addrs, size_t max,
		   unsigned *actual_line)
{
	size_t i, k = 0;

	qsort(v, n, sizeof *v, cmp_locs);
	for (i = 0; i < n && k < max; i++) {
		if (i > 0 && v[i].addr == v[i - 1].addr)
			continue;
		if (k == 0 && actual_line)
			*actual_line = v[i].line;
		addrs[k++] = v[i].addr;
	}
	return k;
}

static int find_rows(const struct ld_lines *l, const char *file,
		     unsigned line, uint64_t *addrs, size_t max,
		     unsigned *actual_line, bool past, char *err, size_t errlen)
{
	struct table *t = table(l);
	struct loc *v = NULL;
	bool *match = NULL;
	size_t i, n = 0;
	unsigned want;
	int ret;

	if (actual_line)
		*actual_line = 0;
	ret = match_files(t, file, &match);
	if (ret < 0)
		goto nomem;
	if (ret == 0) {
		ret = ld_fail(err, errlen, "no source file named '%s'", file);
		goto out;
	}
	want = line ? pick_line(t, match, line) : 0;
	if (want == 0) {
		ld_fail(err, errlen, "no line %u in file '%s'", line, file);
		ret = 0;
		goto out;
	}
	if (collect(t, match, want, &v, &n) < 0)
		goto nomem;
	n = one_per_block(l, t, v, n);
	for (i = 0; past && i < n; i++)
		past_prologue(l, t, &v[i]);
	ret = (int)emit(v, n, addrs, max, actual_line);
	goto out;
nomem:
	ret = ld_fail(err, errlen, "%s", strerror(ENOMEM));
out:
	free(match);
	free(v);
	return ret;
}

int ld_lines_find(const struct ld_lines *l, const char *file, unsigned line,
		  uint64_t *addrs, size_t max, unsigned *actual_line,
		  char *err, size_t errlen)
{
	return find_rows(l, file, line, addrs, max, actual_line, true, err,
			 errlen);
}

int ld_lines_line_start(const struct ld_lines *l, const char *file,
			unsigned line, uint64_t *addr, unsigned *actual_line,
			char *err, size_t errlen)
{
	return find_rows(l, file, line, addr, 1, actual_line, false, err, errlen);
}

bool ld_lines_range(const struct ld_lines *l, uint64_t addr,
		    struct ld_line *out, uint64_t *end)
{
	const struct table *t = table(l);
	const struct row *r = covering(t, addr, end);

	if (!r)
		return false;
	fill_line(t, r, out);
	return true;
}
