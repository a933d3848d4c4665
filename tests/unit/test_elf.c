/* Unit tests for src/elf.c.
 *
 * The truth is what readelf and gdb print: where they are installed, the
 * sections, segments, section-to-segment mapping and gdb's section flag
 * words of the fixtures and of libc are compared with theirs.  Bad inputs
 * are made at run time in a temporary directory from this test's own
 * executable, so they need nothing installed.
 *
 * Environment: LD_FIXTURE_DIR  directory holding the built fixtures `empty`
 *                              and `heap` (skipped when unset)
 *              LD_LIBC         libc to check (default: the system's)
 * Output is TAP; the exit status is 1 if any test failed. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <elf.h>

#include "tap.h"
#include "layoutdbg/elf.h"


static char tmpdir[64];


/* ---- files and tools ------------------------------------------------------ */

static char *tmp_path(const char *name)
{
	static char buf[8][256];
	static unsigned n;
	char *p = buf[n++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
	return p;
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static const char *write_tmp(const char *name, const void *data, size_t len)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return path;
}

static bool is_file(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool have_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* path in single quotes for sh -c */
static const char *quoted(const char *path)
{
	static char buf[2][1024];
	static unsigned n;
	char *q = buf[n++ % 2], *end = q + sizeof buf[0] - 6;

	*q++ = '\'';
	for (; *path && q < end; path++) {
		if (*path == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else {
			*q++ = *path;
		}
	}
	*q++ = '\'';
	*q = '\0';
	return buf[(n - 1) % 2];
}

/* Run a shell command; fn gets each output line (newline removed). */
static bool each_line(const char *cmd, void (*fn)(char *line, void *arg),
		      void *arg)
{
	FILE *p = popen(cmd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!p)
		return false;
	while ((n = getline(&line, &cap, p)) >= 0) {
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		fn(line, arg);
	}
	free(line);
	return pclose(p) == 0;
}

static struct ld_elf *open_ok(const char *path)
{
	struct ld_elf *e = NULL;
	char err[256] = "";

	if (ld_elf_open(path, &e, err, sizeof err) < 0) {
		ok(false, "open %s: %s", path, err);
		return NULL;
	}
	return e;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- pure functions -------------------------------------------------------- */

static void test_segment_names(void)
{
	static const struct { uint32_t type; const char *name; } t[] = {
		{ PT_NULL, "NULL" }, { PT_LOAD, "LOAD" }, { PT_PHDR, "PHDR" },
		{ PT_INTERP, "INTERP" }, { PT_DYNAMIC, "DYNAMIC" },
		{ PT_NOTE, "NOTE" }, { PT_TLS, "TLS" }, { PT_SHLIB, "SHLIB" },
		{ PT_GNU_EH_FRAME, "GNU_EH_FRAME" },
		{ PT_GNU_STACK, "GNU_STACK" }, { PT_GNU_RELRO, "GNU_RELRO" },
		{ PT_GNU_PROPERTY, "GNU_PROPERTY" },
		{ 0x6474e554, "GNU_SFRAME" }, { 0x6474e555, "GNU_MBIND+0" },
		{ 0x6474e556, "GNU_MBIND+0x1" },
		{ 0x65a3dbe6, "OPENBSD_RANDOMIZE" },
		/* readelf's own spellings of the unnamed, checked by hand */
		{ 0x60000000, "LOOS+0" }, { 0x60000001, "LOOS+0x1" },
		{ 0x6ffffffa, "LOOS+0xffffffa" }, { 0x70000000, "LOPROC+0" },
		{ 0x70000003, "LOPROC+0x3" }, { 8, "<unknown>: 8" },
		{ 0x80000000, "<unknown>: 80000000" },
	};
	char buf[64];
	size_t i;
	bool good = true;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ld_segment_type_name(t[i].type, buf, sizeof buf);
		if (strcmp(buf, t[i].name)) {
			diag("type %#x: got '%s', want '%s'", t[i].type, buf,
			     t[i].name);
			good = false;
		}
	}
	ok(good, "segment type names are readelf's");
	ld_segment_type_name(PT_GNU_EH_FRAME, buf, 4);
	ok(!strcmp(buf, "GNU"), "segment type name truncates to the buffer");
}

static void test_segment_flags(void)
{
	char b[4];

	ok(!strcmp(ld_segment_flag_str(PF_R | PF_X, b), "R E") &&
	   !strcmp(ld_segment_flag_str(PF_R | PF_W, b), "RW ") &&
	   !strcmp(ld_segment_flag_str(PF_R, b), "R  ") &&
	   !strcmp(ld_segment_flag_str(0, b), "   ") &&
	   !strcmp(ld_segment_flag_str(PF_R | PF_W | PF_X, b), "RWE"),
	   "segment flags print as readelf's Flg column");
}

/* The seed's gdb lines, one per kind of section. */
static void test_flag_words_seed(void)
{
	static const struct { const char *name; uint32_t type; uint64_t flags;
			      const char *want; } t[] = {
		{ ".interp", SHT_PROGBITS, SHF_ALLOC,
		  "ALLOC LOAD READONLY DATA HAS_CONTENTS" },
		{ ".note.gnu.property", SHT_NOTE, SHF_ALLOC,
		  "ALLOC LOAD READONLY DATA HAS_CONTENTS" },
		{ ".dynsym", SHT_DYNSYM, SHF_ALLOC | SHF_INFO_LINK,
		  "ALLOC LOAD READONLY DATA HAS_CONTENTS" },
		{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
		  "ALLOC LOAD READONLY CODE HAS_CONTENTS" },
		{ ".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE,
		  "ALLOC LOAD DATA HAS_CONTENTS" },
		{ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
		  "ALLOC LOAD DATA HAS_CONTENTS" },
		{ ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, "ALLOC" },
		{ ".tbss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS, "ALLOC" },
		{ ".comment", SHT_PROGBITS, SHF_MERGE | SHF_STRINGS,
		  "READONLY HAS_CONTENTS" },
	};
	char buf[128];
	size_t i;
	bool good = true;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct ld_section s = { .name = t[i].name, .type = t[i].type,
					.flags = t[i].flags };

		ld_section_flag_words(&s, buf, sizeof buf);
		if (strcmp(buf, t[i].want)) {
			diag("%s: got '%s', want '%s'", t[i].name, buf, t[i].want);
			good = false;
		}
	}
	ok(good, "section flag words match the seed's gdb output");
}

static void test_flag_words_small_buffer(void)
{
	struct ld_section s = { .name = ".text", .type = SHT_PROGBITS,
				.flags = SHF_ALLOC | SHF_EXECINSTR };
	char buf[8] = "xxxxxxx";

	ld_section_flag_words(&s, buf, 1);
	ok(buf[0] == '\0' && buf[1] == 'x', "flag words fit a 1-byte buffer");
	ld_section_flag_words(&s, buf, 7);
	ok(!strcmp(buf, "ALLOC"), "flag words truncate cleanly (got '%s')", buf);
}

/* Rules that no installed binary shows, restated from binutils' macro. */
static void test_in_segment_edges(void)
{
	struct ld_segment load = { .type = PT_LOAD, .offset = 0x1000,
		.vaddr = 0x1000, .filesz = 0x100, .memsz = 0x200 };
	struct ld_segment note = { .type = PT_NOTE, .offset = 0x1000,
		.vaddr = 0x1000, .filesz = 0x20, .memsz = 0x20 };
	struct ld_segment tls = { .type = PT_TLS, .offset = 0x1000,
		.vaddr = 0x1000, .filesz = 0x10, .memsz = 0x40 };
	struct ld_section text = { .index = 1, .type = SHT_PROGBITS,
		.flags = SHF_ALLOC, .addr = 0x1000, .offset = 0x1000,
		.size = 0x100 };
	struct ld_section empty_end = text, empty_start = text, bss = text,
		tbss = text, nonalloc = text, null0 = text;

	empty_end.addr = empty_end.offset = 0x1100;
	empty_end.size = 0;
	empty_start.size = 0;
	bss.type = SHT_NOBITS;
	bss.addr = 0x1100;
	bss.offset = 0x1100;
	bss.size = 0x100;
	tbss.type = SHT_NOBITS;
	tbss.flags = SHF_ALLOC | SHF_WRITE | SHF_TLS;
	tbss.addr = 0x1010;
	tbss.size = 0x30;
	nonalloc.flags = 0;
	null0.index = 0;

	ok(ld_elf_section_in_segment(&text, &load), "section fills its PT_LOAD");
	ok(!ld_elf_section_in_segment(&empty_end, &load),
	   "empty section just past a segment's file bytes is not in it");
	ok(ld_elf_section_in_segment(&empty_start, &load),
	   "empty section at a PT_LOAD's start is in it");
	ok(!ld_elf_section_in_segment(&empty_start, &note),
	   "empty section at a PT_NOTE's start is not in it");
	ok(ld_elf_section_in_segment(&bss, &load),
	   "SHT_NOBITS is placed by address only");
	bss.size = 0x101;
	ok(!ld_elf_section_in_segment(&bss, &load), ".bss past p_memsz is out");
	ok(ld_elf_section_in_segment(&tbss, &tls) &&
	   !ld_elf_section_in_segment(&tbss, &load), ".tbss only in PT_TLS");
	ok(!ld_elf_section_in_segment(&text, &tls),
	   "PT_TLS holds only TLS sections");
	ok(!ld_elf_section_in_segment(&nonalloc, &load),
	   "non-alloc section never in PT_LOAD");
	ok(!ld_elf_section_in_segment(&null0, &load), "section 0 is in nothing");
}

/* ---- bad inputs ------------------------------------------------------------ */

static void expect_fail(const char *path, const char *want, const char *what)
{
	struct ld_elf *e = (struct ld_elf *)&e;	/* must be reset to NULL */
	char err[256] = "";
	int r = ld_elf_open(path, &e, err, sizeof err);

	ok(r == -1 && e == NULL && strstr(err, want) && !strchr(err, '\n'),
	   "%s is rejected: \"%s\"", what, err);
	if (r == 0)
		ld_elf_free(e);
}

struct image {
	unsigned char *b;
	size_t len;
};

static Elf64_Ehdr *ehdr(struct image *im)
{
	return (Elf64_Ehdr *)im->b;
}

static Elf64_Shdr *shdr(struct image *im, size_t i)
{
	return (Elf64_Shdr *)(im->b + ehdr(im)->e_shoff) + i;
}

/* Index of the first section of a type, or 0. */
static size_t find_shdr(struct image *im, uint32_t type)
{
	size_t i;

	for (i = 1; i < ehdr(im)->e_shnum; i++)
		if (shdr(im, i)->sh_type == type)
			return i;
	return 0;
}

/* A copy of the pristine image, patched by fn, opened. */
static void corrupt(const struct image *orig, const char *name,
		    void (*fn)(struct image *), const char *want)
{
	struct image im = { malloc(orig->len), orig->len };

	memcpy(im.b, orig->b, orig->len);
	fn(&im);
	expect_fail(write_tmp(name, im.b, im.len), want, name);
	free(im.b);
}

static void bad_shoff(struct image *im)
{
	ehdr(im)->e_shoff = 0xfffffffffff00000ull;
}

static void shoff_near_end(struct image *im)
{
	ehdr(im)->e_shoff = im->len - 10;
}

static void bad_shnum(struct image *im)
{
	ehdr(im)->e_shnum = 0xfeff;
}

static void bad_shentsize(struct image *im)
{
	ehdr(im)->e_shentsize = 32;
}

static void bad_phoff(struct image *im)
{
	ehdr(im)->e_phoff = im->len - 8;
}

static void bad_phnum(struct image *im)
{
	ehdr(im)->e_phnum = 0xfffe;
}

static void bad_shstrndx(struct image *im)
{
	ehdr(im)->e_shstrndx = ehdr(im)->e_shnum + 3;
}

static void shstrndx_not_strtab(struct image *im)
{
	ehdr(im)->e_shstrndx = (Elf64_Half)find_shdr(im, SHT_DYNSYM);
}

static void bad_sh_name(struct image *im)
{
	shdr(im, 1)->sh_name = 0xfffffff0u;
}

static void section_past_eof(struct image *im)
{
	shdr(im, find_shdr(im, SHT_DYNSYM))->sh_offset = im->len - 16;
}

static void section_huge(struct image *im)
{
	shdr(im, find_shdr(im, SHT_PROGBITS))->sh_size = ~0ull >> 4;
}

static void dynsym_bad_link(struct image *im)
{
	shdr(im, find_shdr(im, SHT_DYNSYM))->sh_link = 9999;
}

static void dynsym_link_not_strtab(struct image *im)
{
	shdr(im, find_shdr(im, SHT_DYNSYM))->sh_link =
		(Elf64_Word)find_shdr(im, SHT_DYNSYM);
}

static void dynsym_bad_entsize(struct image *im)
{
	shdr(im, find_shdr(im, SHT_DYNSYM))->sh_entsize = 7;
}

static void symtab_odd_size(struct image *im)
{
	size_t i = find_shdr(im, SHT_SYMTAB);

	shdr(im, i ? i : find_shdr(im, SHT_DYNSYM))->sh_size -= 5;
}

static void segment_past_eof(struct image *im)
{
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->b + ehdr(im)->e_phoff);

	ph[0].p_offset = im->len;
	ph[0].p_filesz = 0x100;
}

static void interp_huge(struct image *im)
{
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->b + ehdr(im)->e_phoff);
	size_t i;

	for (i = 0; i < ehdr(im)->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			ph[i].p_filesz = ph[i].p_memsz = im->len - ph[i].p_offset;
}

static void bad_class(struct image *im)
{
	im->b[EI_CLASS] = 7;
}

static void big_endian(struct image *im)
{
	im->b[EI_DATA] = ELFDATA2MSB;
}

static void aarch64(struct image *im)
{
	ehdr(im)->e_machine = EM_AARCH64;
}

static void test_bad_files(const struct image *self)
{
	static const char text[] = "#!/bin/sh\necho this is not ELF\n";
	unsigned char h32[52] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB,
		EV_CURRENT, [16] = ET_EXEC, [18] = EM_386, [20] = EV_CURRENT,
		[40] = 52, [42] = 32, [46] = 40 };

	expect_fail("/nonexistent/layoutdbg/x", "No such file or directory",
		    "nonexistent path");
	expect_fail(tmpdir, "Is a directory", "a directory");
	expect_fail(write_tmp("empty-file", "", 0), "not an ELF file",
		    "empty file");
	expect_fail(write_tmp("text", text, sizeof text - 1), "not an ELF file",
		    "text file");
	expect_fail(write_tmp("magic-only", "\177ELF", 4),
		    "truncated or corrupt ELF file", "bare ELF magic");
	expect_fail(write_tmp("i386", h32, sizeof h32),
		    "not an x86-64 ELF file (ELFCLASS32, machine 3: i386)",
		    "32-bit ELF header");
	expect_fail(write_tmp("trunc100", self->b, 100),
		    "truncated or corrupt ELF file", "first 100 bytes of an ELF");
	expect_fail(write_tmp("trunc2000", self->b, 2000),
		    "truncated or corrupt ELF file", "first 2000 bytes of an ELF");
	if (mkfifo(tmp_path("fifo"), 0600) == 0)
		expect_fail(tmp_path("fifo"), "not a regular file", "a FIFO");
	corrupt(self, "aarch64", aarch64,
		"not an x86-64 ELF file (machine 183: AArch64)");
	corrupt(self, "big-endian", big_endian, "not an x86-64 ELF file");
	corrupt(self, "bad-class", bad_class, "truncated or corrupt ELF file");
	corrupt(self, "bad-shoff", bad_shoff, "truncated or corrupt ELF file");
	corrupt(self, "shoff-near-end", shoff_near_end,
		"truncated or corrupt ELF file");
	corrupt(self, "bad-shnum", bad_shnum, "truncated or corrupt ELF file");
	corrupt(self, "bad-shentsize", bad_shentsize,
		"truncated or corrupt ELF file");
	corrupt(self, "bad-phoff", bad_phoff, "truncated or corrupt ELF file");
	corrupt(self, "bad-phnum", bad_phnum, "truncated or corrupt ELF file");
	corrupt(self, "bad-shstrndx", bad_shstrndx,
		"truncated or corrupt ELF file");
	corrupt(self, "shstrndx-not-strtab", shstrndx_not_strtab,
		"truncated or corrupt ELF file");
	corrupt(self, "bad-sh-name", bad_sh_name, "name offset out of range");
	corrupt(self, "section-past-eof", section_past_eof,
		"extends past end of file");
	corrupt(self, "section-huge", section_huge, "truncated or corrupt");
	corrupt(self, "dynsym-bad-link", dynsym_bad_link, "not a string table");
	corrupt(self, "dynsym-link-self", dynsym_link_not_strtab,
		"not a string table");
	corrupt(self, "dynsym-bad-entsize", dynsym_bad_entsize, "entry size 7");
	corrupt(self, "symtab-odd-size", symtab_odd_size, "is not that of Elf64_Sym");
	corrupt(self, "segment-past-eof", segment_past_eof,
		"extends past end of file");
	corrupt(self, "interp-huge", interp_huge, "PT_INTERP");
}

/* ---- random damage ---------------------------------------------------------- */

static int count_name(const char *name, void *arg)
{
	(void)name;
	++*(unsigned *)arg;
	return 0;
}

/* Use every query on an object that opened; under ASan/valgrind this is
 * where a missed check would show. */
/* Query everything; returns how many answers contradict each other (a
 * section not found by its own name or address, a symbol by its name). */
static unsigned exercise(struct ld_elf *e)
{
	char buf[128];
	unsigned n = 0, bad = 0;
	uint64_t off;
	size_t i, j;

	for (i = 0; i < ld_elf_nsections(e); i++) {
		const struct ld_section *s = ld_elf_section(e, i), *t;

		ld_section_flag_words(s, buf, sizeof buf);
		t = ld_elf_section_at(e, s->addr);
		if (t && s->addr && (t->addr > s->addr || s->addr - t->addr >= t->size))
			bad++;
		t = s->name && s->name[0] ? ld_elf_section_by_name(e, s->name) : NULL;
		if (s->name && s->name[0] && (!t || strcmp(t->name, s->name)))
			bad++;
		ld_elf_symbol_at(e, s->addr + s->size / 2, &off);
		for (j = 0; j < ld_elf_nsegments(e); j++)
			ld_elf_section_in_segment(s, ld_elf_segment(e, j));
	}
	for (j = 0; j < ld_elf_nsegments(e); j++) {
		const struct ld_segment *g = ld_elf_segment(e, j);

		ld_segment_type_name(g->type, buf, sizeof buf);
		ld_segment_flag_str(g->flags, buf);
		ld_elf_symbol_at(e, g->vaddr, &off);
	}
	{
		const struct ld_symbol *m = ld_elf_lookup_global(e, "main");

		if (m && strcmp(m->name, "main"))
			bad++;
		m = ld_elf_lookup_any(e, "main");
		if (m && strcmp(m->name, "main"))
			bad++;
	}
	ld_elf_foreach_name(e, "", count_name, &n);
	ld_elf_interp(e);
	ld_elf_first_load(e);
	return bad;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Damage lands where the parser looks: headers, the section header table,
 * the symbol and string tables. */
static size_t damage_offset(const struct image *orig)
{
	struct image *im = (struct image *)orig;
	size_t shoff = ehdr(im)->e_shoff, dyn = find_shdr(im, SHT_DYNSYM);

	switch (rnd() % 4) {
	case 0:
		return rnd() % 0x400;
	case 1:
		return shoff + rnd() % (im->len - shoff);
	case 2:
		if (dyn)
			return shdr(im, dyn)->sh_offset +
			       rnd() % (shdr(im, dyn)->sh_size + 1);
		/* fall through */
	default:
		return rnd() % im->len;
	}
}

static void test_fuzz(const struct image *orig, unsigned rounds)
{
	struct image im = { malloc(orig->len), orig->len };
	unsigned r, accepted = 0, bad_answers = 0, bad_errors = 0;

	for (r = 0; r < rounds; r++) {
		struct ld_elf *e = NULL;
		char err[256];
		unsigned k, nflips = 1 + rnd() % 8;

		memcpy(im.b, orig->b, orig->len);
		for (k = 0; k < nflips; k++) {
			size_t at = damage_offset(orig);

			if (at < im.len)
				im.b[at] ^= (unsigned char)(1 + rnd() % 255);
		}
		if (rnd() % 8 == 0)
			im.len = rnd() % orig->len;
		err[0] = 0;
		if (ld_elf_open(write_tmp("fuzz", im.b, im.len), &e, err,
				sizeof err) == 0) {
			accepted++;
			bad_answers += exercise(e);
			ld_elf_free(e);
		} else if (!err[0] || strchr(err, '\n')) {
			bad_errors++;	/* a refusal says why, in one line */
		}
		im.len = orig->len;
	}
	free(im.b);
	/* truncations alone make some copies unreadable: all accepted means
	 * the damage never reached the parser */
	ok(bad_answers == 0 && bad_errors == 0 && accepted < rounds,
	   "%u damaged copies: %u accepted with %u contradictory answers, "
	   "%u refused (%u without a one-line reason)", rounds, accepted,
	   bad_answers, rounds - accepted, bad_errors);
}

/* ---- comparisons with readelf and gdb ------------------------------------- */

struct cmp {
	struct ld_elf *e;
	unsigned seen, bad;
	int state;
	size_t cursor;
};

static void bad(struct cmp *c, const char *fmt, ...) TAP_FORMAT(2, 3);

static void bad(struct cmp *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bad++ < 8) {
		fputs("# ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
}

/* "  [ 1] .interp  PROGBITS  0000000000000318 000318 00001c 00   A  0   0  1" */
static void section_line(char *line, void *arg)
{
	struct cmp *c = arg;
	char name[512], type[64], *p = strchr(line, '['), *q;
	uint64_t addr, off, size, es, align;
	const struct ld_section *s;
	unsigned idx;

	if (!p || sscanf(p, "[%u]", &idx) != 1 || idx == 0 ||
	    !(q = strchr(p, ']')))
		return;
	if (sscanf(q + 1, "%511s %63s %" SCNx64 " %" SCNx64 " %" SCNx64
		   " %" SCNx64, name, type, &addr, &off, &size, &es) != 6) {
		bad(c, "cannot parse '%s'", line);
		return;
	}
	align = strtoull(strrchr(line, ' ') + 1, NULL, 10);
	c->seen++;
	s = ld_elf_section(c->e, idx);
	if (!s || strcmp(s->name, name) || s->addr != addr ||
	    s->offset != off || s->size != size || s->align != align)
		bad(c, "section [%u] %s differs", idx, name);
}

/* "  LOAD  0x000000 0x0000000000000000 0x0000000000000000 0x0005f0 0x0005f0 R   0x1000" */
static void segment_line(char *line, void *arg)
{
	struct cmp *c = arg;
	uint64_t off, va, pa, fs, ms;
	const struct ld_segment *g;
	char type[64], name[64], flg[4];
	int n = 0;

	if (strncmp(line, "  ", 2) || line[2] < 'A' || line[2] > 'Z' ||
	    sscanf(line, "%63s 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64
		   " 0x%" SCNx64 " 0x%" SCNx64 "%n", type, &off, &va, &pa,
		   &fs, &ms, &n) != 6 || n == 0)
		return;
	g = ld_elf_segment(c->e, c->seen++);
	if (!g) {
		bad(c, "extra segment '%s'", line);
		return;
	}
	ld_segment_type_name(g->type, name, sizeof name);
	ld_segment_flag_str(g->flags, flg);
	if (strncmp(name, type, 14) || g->offset != off || g->vaddr != va ||
	    g->paddr != pa || g->filesz != fs || g->memsz != ms ||
	    strncmp(line + n + 1, flg, 3) ||
	    g->align != strtoull(line + n + 5, NULL, 16))
		bad(c, "segment %u differs: '%s'", g->index, line);
}

static void our_mapping(struct ld_elf *e, const struct ld_segment *g,
			char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 1; i < ld_elf_nsections(e); i++) {
		const struct ld_section *s = ld_elf_section(e, i);

		if (ld_elf_section_in_segment(s, g))
			at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
					       "%s%s", at ? " " : "", s->name);
	}
}

/* "   05     .init_array .fini_array .dynamic .got .data .bss " */
static void mapping_line(char *line, void *arg)
{
	struct cmp *c = arg;
	char ours[8192], theirs[8192] = "", *tok, *save;
	const struct ld_segment *g;
	unsigned idx;
	int n;

	if (strstr(line, "Section to Segment mapping")) {
		c->state = 1;
		return;
	}
	if (c->state != 1 || sscanf(line, " %u%n", &idx, &n) != 1)
		return;
	for (tok = strtok_r(line + n, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (theirs[0])
			strcat(theirs, " ");
		strncat(theirs, tok, sizeof theirs - strlen(theirs) - 2);
	}
	c->seen++;
	if (!(g = ld_elf_segment(c->e, idx))) {
		bad(c, "no segment %u", idx);
		return;
	}
	our_mapping(c->e, g, ours, sizeof ours);
	if (strcmp(ours, theirs))
		bad(c, "segment %02u: readelf '%s', ours '%s'", idx, theirs, ours);
}

/* " [13]     0x00001040->0x00001138 at 0x00001040: .text ALLOC LOAD ..." */
static void gdb_line(char *line, void *arg)
{
	struct cmp *c = arg;
	char *p = strstr(line, ": "), *name, *words, buf[256];
	uint64_t lo, hi;
	const struct ld_section *s = NULL;

	if (!p || !strstr(line, "->") ||
	    sscanf(line, " [%*u] 0x%" SCNx64 "->0x%" SCNx64, &lo, &hi) != 2)
		return;
	name = p + 2;
	words = strchr(name, ' ');
	if (words)
		*words++ = '\0';
	/* gdb lists sections in file order, skipping the ones BFD hides */
	while (++c->cursor < ld_elf_nsections(c->e))
		if (!strcmp((s = ld_elf_section(c->e, c->cursor))->name, name))
			break;
	c->seen++;
	if (c->cursor >= ld_elf_nsections(c->e)) {
		bad(c, "gdb's section %s not found in order", name);
		return;
	}
	ld_section_flag_words(s, buf, sizeof buf);
	if (strcmp(buf, words ? words : ""))
		bad(c, "%s: gdb '%s', ours '%s'", name, words, buf);
	if (s->addr != lo || s->addr + s->size != hi)
		bad(c, "%s: gdb 0x%" PRIx64 "->0x%" PRIx64, name, lo, hi);
}

static void compare(struct ld_elf *e, const char *label, const char *cmd,
		    void (*fn)(char *, void *), size_t expect, const char *what)
{
	struct cmp c = { .e = e };

	if (!each_line(cmd, fn, &c))
		bad(&c, "'%s' failed", cmd);
	ok(c.bad == 0 && c.seen > 0 && (expect == 0 || c.seen == expect),
	   "%s: %s match (%u compared)", label, what, c.seen);
}

static void compare_with_tools(struct ld_elf *e, const char *label,
			       bool readelf, bool gdb)
{
	const char *q = quoted(ld_elf_path(e));
	char cmd[1200];

	if (!readelf) {
		skip("readelf not installed", "%s: compared with readelf", label);
	} else {
		snprintf(cmd, sizeof cmd, "readelf -W -S %s", q);
		compare(e, label, cmd, section_line, ld_elf_nsections(e) - 1,
			"sections and readelf -S");
		snprintf(cmd, sizeof cmd, "readelf -W -l %s", q);
		compare(e, label, cmd, segment_line, ld_elf_nsegments(e),
			"segments and readelf -l");
		compare(e, label, cmd, mapping_line, ld_elf_nsegments(e),
			"section to segment mapping and readelf -l");
	}
	if (!gdb) {
		skip("gdb not installed", "%s: compared with gdb", label);
		return;
	}
	snprintf(cmd, sizeof cmd, "env -u DEBUGINFOD_URLS gdb -nx -batch "
		 "-ex 'maintenance info sections' %s 2>/dev/null", q);
	compare(e, label, cmd, gdb_line, 0,
		"section flag words and gdb's maintenance info sections");
}

/* ---- symbols ---------------------------------------------------------------- */

/* One readelf -s line's value and size for name, e.g. "main" or
 * "memcpy@@GLIBC_2.14". */
struct want_sym {
	const char *name;
	uint64_t value, size;
	bool found;
};

static void sym_line(char *line, void *arg)
{
	struct want_sym *w = arg;
	char type[32], bind[32], vis[32], ndx[32], name[512];
	uint64_t value, size;

	if (sscanf(line, " %*u: %" SCNx64 " %" SCNu64 " %31s %31s %31s %31s %511s",
		   &value, &size, type, bind, vis, ndx, name) == 7 &&
	    !strcmp(name, w->name) && strcmp(ndx, "UND")) {
		w->value = value;
		w->size = size;
		w->found = true;
	}
}

static bool readelf_sym(const char *path, const char *table, const char *name,
			struct want_sym *w)
{
	char cmd[1200];

	*w = (struct want_sym){ .name = name };
	snprintf(cmd, sizeof cmd, "readelf -W %s %s", table, quoted(path));
	return each_line(cmd, sym_line, w) && w->found;
}

static void test_main_symbol(struct ld_elf *e, bool readelf)
{
	const struct ld_symbol *m = ld_elf_lookup_any(e, "main"), *s;
	struct want_sym w;
	uint64_t off = 0;

	ok(m && m->type == STT_FUNC && m->bind == STB_GLOBAL && !m->dynamic &&
	   m->size > 0, "heap: main is a GLOBAL FUNC from .symtab");
	if (!m)
		return;
	if (readelf && readelf_sym(ld_elf_path(e), "-s", "main", &w))
		ok(w.value == m->value && w.size == m->size,
		   "heap: main's value and size are readelf's");
	else
		skip("readelf not installed", "heap: main against readelf");
	s = ld_elf_symbol_at(e, m->value + 5, &off);
	ok(s == m && off == 5, "heap: main+5 is main, offset 5");
	s = ld_elf_symbol_at(e, m->value + m->size - 1, &off);
	ok(s == m && off == m->size - 1, "heap: last byte of main is main");
	ok(ld_elf_lookup_global(e, "main") == NULL,
	   "heap: main is not exported (lookup_global is NULL)");
	ok(ld_elf_lookup_any(e, "no_such_symbol_here") == NULL,
	   "heap: unknown name gives NULL");
	ok(ld_elf_symbol_at(e, 0, &off) == NULL, "heap: address 0 has no symbol");
}

/* _start (34 bytes) is followed by alignment padding before the next crt
 * function: no symbol covers the padding. */
static void test_gap(struct ld_elf *e)
{
	const struct ld_symbol *st = ld_elf_lookup_any(e, "_start"), *s;
	const struct ld_section *text = ld_elf_section_by_name(e, ".text");
	uint64_t gap, off;

	if (!st || !st->size || !text) {
		skip("no sized _start", "heap: symbol_at in a gap");
		return;
	}
	gap = st->value + st->size;
	s = ld_elf_symbol_at(e, gap, &off);
	if (s && s->value == gap) {
		skip("no padding after _start", "heap: symbol_at in a gap");
		return;
	}
	ok(s == NULL, "heap: padding after _start has no symbol (got %s)",
	   s ? s->name : "NULL");
	ok(ld_elf_section_at(e, gap) == text, "heap: the padding is in .text");
}

/* data_start/__data_start are 0-size labels at the start of .data. */
static void test_label(struct ld_elf *e)
{
	const struct ld_symbol *d = ld_elf_lookup_any(e, "data_start"), *s;
	const struct ld_section *data = ld_elf_section_by_name(e, ".data");
	uint64_t off = 0;

	if (!d || d->size || !data || d->value != data->addr || data->size < 8) {
		skip("no data_start label", "heap: size-0 label covers");
		return;
	}
	s = ld_elf_symbol_at(e, d->value + 4, &off);
	ok(s && !strcmp(s->name, "data_start") && off == 4,
	   "heap: data_start+4 (a size-0 label covers, gdb's name)");
	s = ld_elf_symbol_at(e, data->addr + data->size, &off);
	ok(!s || ld_elf_section_at(e, s->value) != data ||
	   s->value == data->addr + data->size,
	   "heap: a .data label does not reach past .data");
}

/* The distinct names readelf shows as defined in path's tables (-s: both,
 * --dyn-syms: .dynsym), minus what we skip: SECTION, FILE, ABS and
 * undefined symbols.  .dynsym names lose readelf's @VERSION. */
struct namelist {
	char **v;
	size_t n, cap;
	bool dyn;
};

static void name_line(char *line, void *arg)
{
	struct namelist *l = arg;
	char type[32], ndx[32], name[512], *at;

	if (strstr(line, "Symbol table '")) {
		l->dyn = strstr(line, "'.dynsym'") != NULL;
		return;
	}
	if (sscanf(line, " %*u: %*x %*u %31s %*s %*s %31s %511s", type, ndx,
		   name) != 3 || !strcmp(ndx, "UND") || !strcmp(ndx, "ABS") ||
	    !strcmp(type, "SECTION") || !strcmp(type, "FILE"))
		return;
	if (l->dyn && (at = strchr(name, '@')))
		*at = '\0';
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = strdup(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long readelf_names(const char *path, const char *table)
{
	struct namelist l = { 0 };
	char cmd[1200];
	long distinct = 0;
	size_t i;

	snprintf(cmd, sizeof cmd, "readelf -W %s %s", table, quoted(path));
	if (!each_line(cmd, name_line, &l))
		distinct = -1;
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, cmp_str);
	for (i = 0; i < l.n; i++) {
		if (distinct >= 0 && (i == 0 || strcmp(l.v[i - 1], l.v[i])))
			distinct++;
	}
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return distinct;
}

static void test_name_count(struct ld_elf *e, const char *label,
			    const char *table, bool readelf)
{
	unsigned n = 0;
	long want;

	if (!readelf) {
		skip("readelf not installed", "%s: names against readelf", label);
		return;
	}
	want = readelf_names(ld_elf_path(e), table);
	ld_elf_foreach_name(e, "", count_name, &n);
	ok(want >= 0 && n == (unsigned long)want,
	   "%s: %u distinct defined names, readelf %s shows %ld", label, n,
	   table, want);
}

static void test_heap(const char *dir, bool readelf, bool gdb)
{
	char path[1024];
	struct ld_elf *e;
	const struct ld_segment *first;

	snprintf(path, sizeof path, "%s/heap", dir);
	if (!(e = open_ok(path)))
		return;
	ok(ld_elf_type(e) == ET_DYN, "heap: PIE is ET_DYN");
	ok(ld_elf_has_symtab(e) && ld_elf_has_debug_info(e),
	   "heap: has .symtab and .debug_info");
	ok(ld_elf_interp(e) && strstr(ld_elf_interp(e), "ld-linux-x86-64.so.2"),
	   "heap: PT_INTERP is '%s'", ld_elf_interp(e) ? ld_elf_interp(e) : "");
	first = ld_elf_first_load(e);
	ok(first && first->vaddr == 0 && first->type == PT_LOAD &&
	   ld_elf_bias_from_map(e, 0x555555554000ull) == 0x555555554000ull,
	   "heap: first PT_LOAD at 0, bias is the mapping address");
	ok(ld_elf_section_at(e, ld_elf_entry(e)) ==
	   ld_elf_section_by_name(e, ".text"), "heap: entry point is in .text");
	compare_with_tools(e, "heap", readelf, gdb);
	test_main_symbol(e, readelf);
	test_gap(e);
	test_label(e);
	test_name_count(e, "heap", "-s", readelf);
	ld_elf_free(e);
}

static void test_empty(const char *dir, bool readelf, bool gdb)
{
	char path[1024];
	struct ld_elf *e;

	snprintf(path, sizeof path, "%s/empty", dir);
	if (!(e = open_ok(path)))
		return;
	compare_with_tools(e, "empty", readelf, gdb);
	ld_elf_free(e);
}

/* strip(1) removes .symtab: names come from .dynsym alone. */
static void test_stripped(const char *dir, bool readelf)
{
	char cmd[2200], src[1024];
	const char *dst = tmp_path("heap.stripped");
	struct ld_elf *e;
	uint64_t off;

	snprintf(src, sizeof src, "%s/heap", dir);
	snprintf(cmd, sizeof cmd, "strip -o %s %s", quoted(dst), quoted(src));
	if (!have_tool("strip") || system(cmd) != 0) {
		skip("strip not installed", "stripped heap");
		return;
	}
	if (!(e = open_ok(dst)))
		return;
	ok(!ld_elf_has_symtab(e) && !ld_elf_has_debug_info(e),
	   "stripped: no .symtab, no .debug_info");
	ok(ld_elf_lookup_any(e, "main") == NULL &&
	   ld_elf_symbol_at(e, ld_elf_entry(e), &off) == NULL,
	   "stripped: main and _start are gone (not in .dynsym)");
	ok(ld_elf_lookup_any(e, "calloc") == NULL &&
	   ld_elf_lookup_global(e, "calloc") == NULL,
	   "stripped: the imported calloc is not a definition");
	test_name_count(e, "stripped", "--dyn-syms", readelf);
	ld_elf_free(e);
}

/* objcopy --only-keep-debug: the program headers stay but point at bytes
 * that are gone (an empty PT_INTERP); sections are NOBITS.  gdb reads such
 * files from /usr/lib/debug, so they must open. */
static void test_debug_only(const char *dir)
{
	char cmd[2200], src[1024];
	const char *dst = tmp_path("heap.debug");
	const struct ld_symbol *m;
	struct ld_elf *e;

	snprintf(src, sizeof src, "%s/heap", dir);
	snprintf(cmd, sizeof cmd, "objcopy --only-keep-debug %s %s",
		 quoted(src), quoted(dst));
	if (!have_tool("objcopy") || system(cmd) != 0) {
		skip("objcopy not installed", "debug-only heap");
		return;
	}
	if (!(e = open_ok(dst)))
		return;
	m = ld_elf_lookup_any(e, "main");
	ok(ld_elf_interp(e) == NULL && ld_elf_has_symtab(e) && m &&
	   m->type == STT_FUNC, "debug-only: opens, no interpreter, main found");
	ld_elf_free(e);
}

/* -no-pie: ET_EXEC at 0x400000, a bias of zero. */
static void test_nopie(void)
{
	static const char prog[] = "int main(void) { return 0; }\n";
	const char *src = write_tmp("nopie.c", prog, sizeof prog - 1);
	const char *out = tmp_path("nopie");
	const struct ld_segment *first;
	struct ld_elf *e;
	char cmd[1200];

	snprintf(cmd, sizeof cmd, "cc -O0 -no-pie -o %s %s 2>/dev/null",
		 quoted(out), quoted(src));
	if (!have_tool("cc") || system(cmd) != 0) {
		skip("no C compiler", "non-PIE executable");
		return;
	}
	if (!(e = open_ok(out)))
		return;
	first = ld_elf_first_load(e);
	ok(ld_elf_type(e) == ET_EXEC && first &&
	   first->vaddr == 0x400000 && ld_elf_bias_from_map(e, 0x400000) == 0,
	   "non-PIE: ET_EXEC, first PT_LOAD at 0x400000, bias 0");
	ok(ld_elf_lookup_any(e, "main") &&
	   ld_elf_lookup_any(e, "main")->value > 0x400000,
	   "non-PIE: main at its absolute address");
	ld_elf_free(e);
}

/* ---- libc ------------------------------------------------------------------- */

static void test_libc_calloc(struct ld_elf *e, bool readelf)
{
	const struct ld_symbol *s = ld_elf_lookup_global(e, "calloc"), *at;
	struct want_sym w;
	uint64_t off = 0;

	ok(s && s->type == STT_FUNC && s->bind == STB_WEAK && s->dynamic &&
	   s->default_version && !strcmp(s->name, "calloc"),
	   "libc: calloc is the WEAK FUNC calloc@@GLIBC_2.2.5");
	if (!s)
		return;
	if (readelf && readelf_sym(ld_elf_path(e), "--dyn-syms",
				   "calloc@@GLIBC_2.2.5", &w))
		ok(w.value == s->value && w.size == s->size,
		   "libc: calloc's value is readelf's");
	else
		skip("readelf not installed", "libc: calloc against readelf");
	at = ld_elf_symbol_at(e, s->value + 16, &off);
	ok(at && !strcmp(at->name, "calloc") && off == 16,
	   "libc: calloc+16 reads calloc, not __libc_calloc (as gdb says)");
}

static void test_libc_memcpy(struct ld_elf *e, bool readelf)
{
	const struct ld_symbol *s = ld_elf_lookup_global(e, "memcpy");
	const struct ld_symbol *any = ld_elf_lookup_any(e, "memcpy");
	struct want_sym w;

	ok(s && s->default_version && s->type == STT_GNU_IFUNC,
	   "libc: memcpy binds to the default version (IFUNC @@GLIBC_2.14)");
	ok(any == s, "libc: lookup_any also gives the default memcpy");
	if (!s)
		return;
	if (readelf && readelf_sym(ld_elf_path(e), "--dyn-syms",
				   "memcpy@@GLIBC_2.14", &w))
		ok(w.value == s->value, "libc: memcpy's value is readelf's "
		   "memcpy@@GLIBC_2.14");
	else
		skip("readelf or memcpy@@GLIBC_2.14 missing",
		     "libc: memcpy against readelf");
	ok(ld_elf_lookup_global(e, "GLIBC_2.2.5") == NULL,
	   "libc: version names (SHN_ABS) are not symbols");
}

struct names {
	unsigned n, bad;
	char last[256];
};

static int check_name(const char *name, void *arg)
{
	struct names *x = arg;

	if (strncmp(name, "mall", 4) || strcmp(x->last, name) >= 0)
		x->bad++;
	snprintf(x->last, sizeof x->last, "%s", name);
	x->n++;
	return 0;
}

static int stop_at_two(const char *name, void *arg)
{
	(void)name;
	return ++*(unsigned *)arg == 2;
}

static void test_libc_names(struct ld_elf *e)
{
	struct names x = { 0 };
	unsigned two = 0;

	ld_elf_foreach_name(e, "mall", check_name, &x);
	ok(x.n >= 5 && x.bad == 0,
	   "libc: %u names start with 'mall', sorted, distinct", x.n);
	ld_elf_foreach_name(e, "mall", stop_at_two, &two);
	ok(two == 2, "libc: foreach_name stops when fn returns non-zero");
}

/* Every sized function's bytes resolve to a symbol that holds them. */
struct cov {
	struct ld_elf *e;
	unsigned n, bad;
};

static void cov_line(char *line, void *arg)
{
	struct cov *c = arg;
	char type[32], ndx[32];
	uint64_t value, size, off, last;
	const struct ld_symbol *s;

	if (sscanf(line, " %*u: %" SCNx64 " %" SCNu64 " %31s %*s %*s %31s",
		   &value, &size, type, ndx) != 4 || !size ||
	    !strcmp(ndx, "UND") || !strcmp(ndx, "ABS") ||
	    (strcmp(type, "FUNC") && strcmp(type, "IFUNC")))
		return;
	c->n++;
	s = ld_elf_symbol_at(c->e, value, &off);
	if (!s || s->value != value || off != 0)
		c->bad++;
	last = value + size - 1;
	s = ld_elf_symbol_at(c->e, last, &off);
	if (!s || s->value > last || off != last - s->value ||
	    (s->size && off >= s->size))
		c->bad++;
	if (c->bad && c->bad < 4)
		printf("# %s\n", line);
}

static void test_libc_coverage(struct ld_elf *e, bool readelf)
{
	struct cov c = { .e = e };
	char cmd[1200];

	if (!readelf) {
		skip("readelf not installed", "libc: every function's bytes");
		return;
	}
	snprintf(cmd, sizeof cmd, "readelf -W --dyn-syms %s",
		 quoted(ld_elf_path(e)));
	each_line(cmd, cov_line, &c);
	ok(c.n > 1000 && c.bad == 0, "libc: first and last byte of all %u "
	   "sized functions resolve to a symbol holding them", c.n);
}

static void test_libc(bool readelf, bool gdb)
{
	const char *path = getenv("LD_LIBC");
	const struct ld_section *tbss;
	struct ld_elf *e;
	double t0, t1, t2;
	uint64_t off;

	if (!path)
		path = "/lib/x86_64-linux-gnu/libc.so.6";
	if (!is_file(path)) {
		skip("no libc at that path", "libc");
		return;
	}
	t0 = now();
	if (!(e = open_ok(path)))
		return;
	t1 = now();
	ld_elf_symbol_at(e, 0, &off);
	t2 = now();
	diag("libc: open %.2f ms, symbol index %.2f ms", (t1 - t0) * 1e3,
	     (t2 - t1) * 1e3);
	tbss = ld_elf_section_by_name(e, ".tbss");
	ok(!tbss || ld_elf_section_at(e, tbss->addr) != tbss,
	   "libc: .tbss occupies no address (section_at)");
	compare_with_tools(e, "libc", readelf, gdb);
	test_libc_calloc(e, readelf);
	test_libc_memcpy(e, readelf);
	test_libc_names(e);
	test_name_count(e, "libc", "--dyn-syms", readelf);
	test_libc_coverage(e, readelf);
	ld_elf_free(e);
}

/* ---- main ------------------------------------------------------------------- */

static void cleanup(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf %s", quoted(tmpdir));
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

int main(void)
{
	const char *fixtures = getenv("LD_FIXTURE_DIR");
	bool readelf = have_tool("readelf"), gdb = have_tool("gdb");
	struct image self;

	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/test_elf.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	self.b = (unsigned char *)read_whole("/proc/self/exe", &self.len);
	if (!self.b) {
		perror("/proc/self/exe");
		return 1;
	}

	test_segment_names();
	test_segment_flags();
	test_flag_words_seed();
	test_flag_words_small_buffer();
	test_in_segment_edges();
	test_bad_files(&self);
	test_fuzz(&self, 300);
	if (fixtures && *fixtures) {
		test_empty(fixtures, readelf, gdb);
		test_heap(fixtures, readelf, gdb);
		test_stripped(fixtures, readelf);
		test_debug_only(fixtures);
	} else {
		skip("LD_FIXTURE_DIR not set", "fixtures empty, heap, stripped heap");
	}
	test_nopie();
	test_libc(readelf, gdb);

	free(self.b);
	return tap_done();
}
