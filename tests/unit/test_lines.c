/* Unit tests for src/lines.c.
 *
 * The truth is gdb: where it is installed, every line of each test program
 * is given to `break FILE:LINE`, every function to `break FUNC`, and every
 * address of the code to `info line *ADDR`, and ld_lines_find,
 * ld_lines_after_prologue and ld_lines_at must give gdb's addresses and
 * lines.  The programs are the fixtures heap and recurse, and a program of
 * odd function shapes kept in this file, built with GCC as DWARF 5 and 4,
 * optimised, and with clang when it is installed.  Without gdb, fixed
 * expectations for the fixtures still run.  Bad inputs (stripped, not ELF,
 * corrupted DWARF) are made at run time in a temporary directory.
 *
 * Environment: LD_FIXTURE_DIR  built fixtures `heap` and `recurse`; else
 *                              they are built here from fixtures/NAME.c,
 *                              found through LD_FIXTURE_SRC, LD_TEST_DATA
 *                              (tests/data) or the current directory
 * Output is TAP; the exit status is 1 if any test failed. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "tap.h"
#include "layoutdbg/lines.h"

#define MAXLOC 8

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

/* Run a shell command quietly; true if it exited 0. */
static bool sh(const char *fmt, ...) TAP_FORMAT(1, 2);

static bool sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd) == 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ---- the programs ------------------------------------------------------- */

/* Function shapes that move gdb's breakpoints in different ways: empty
 * bodies, one-line functions, declarations before the first statement,
 * loops whose header has code in several places, lexical blocks, varargs
 * (a long prologue), big and variable frames, struct returns. */
static const char shapes_c[] =
	"/* Function shapes for prologue and line lookups. */\n"
	"#include <stdarg.h>\n"
	"\n"
	"static int g;\n"
	"\n"
	"void empty(void)\n"
	"{\n"
	"}\n"
	"\n"
	"void one_line(void) { g++; }\n"
	"\n"
	"int leaf(int a, int b)\n"
	"{\n"
	"\treturn a + b;\n"
	"}\n"
	"\n"
	"void decl_first(void)\n"
	"{\n"
	"\tint x;\n"
	"\n"
	"\tx = 1;\n"
	"\tg = x;\n"
	"}\n"
	"\n"
	"int loop(int n)\n"
	"{\n"
	"\tint s = 0;\n"
	"\n"
	"\tfor (int i = 0; i < n; i++)\n"
	"\t\ts += i;\n"
	"\twhile (n-- > 0)\n"
	"\t{\n"
	"\t\ts--;\n"
	"\t}\n"
	"\treturn s;\n"
	"}\n"
	"\n"
	"int block(int n)\n"
	"{\n"
	"\tif (n) {\n"
	"\t\tint y = n * 2;\n"
	"\t\treturn y;\n"
	"\t}\n"
	"\t{\n"
	"\t\tint z = 3;\n"
	"\t\tg = z;\n"
	"\t}\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"int varargs(int n, ...)\n"
	"{\n"
	"\tva_list ap;\n"
	"\tint s = 0;\n"
	"\n"
	"\tva_start(ap, n);\n"
	"\tfor (int i = 0; i < n; i++)\n"
	"\t\ts += va_arg(ap, int);\n"
	"\tva_end(ap);\n"
	"\treturn s;\n"
	"}\n"
	"\n"
	"int big_frame(void)\n"
	"{\n"
	"\tvolatile char buf[5000];\n"
	"\n"
	"\tbuf[0] = 1;\n"
	"\treturn buf[0];\n"
	"}\n"
	"\n"
	"int vla(int n)\n"
	"{\n"
	"\tchar a[n];\n"
	"\ta[0] = 0;\n"
	"\treturn a[0];\n"
	"}\n"
	"\n"
	"struct big { long v[8]; };\n"
	"\n"
	"struct big ret_struct(long x)\n"
	"{\n"
	"\tstruct big b = { { x } };\n"
	"\treturn b;\n"
	"}\n"
	"\n"
	"static int twice(int x) { return 2 * x; }\n"
	"\n"
	"int\n"
	"main(int argc, char **argv)\n"
	"{\n"
	"\t(void)argv;\n"
	"\tempty();\n"
	"\tone_line();\n"
	"\tdecl_first();\n"
	"\tg += leaf(1, 2) + loop(argc) + block(g) + varargs(2, 1, 2);\n"
	"\tg += big_frame() + vla(argc) + (int)ret_struct(1).v[0];\n"
	"\treturn twice(g);\n"
	"}\n";

#define FIXTURE_FLAGS "-O0 -g -fno-inline -fno-omit-frame-pointer -fPIE -pie"

/* The directory holding fixtures/NAME.c, or NULL. */
static const char *fixture_src_dir(void)
{
	static char buf[1024];
	const char *env = getenv("LD_FIXTURE_SRC");
	const char *data = getenv("LD_TEST_DATA");
	char probe[1100];

	if (env)
		return env;
	if (data) {
		snprintf(buf, sizeof buf, "%s/../../fixtures", data);
		snprintf(probe, sizeof probe, "%s/heap.c", buf);
		if (is_file(probe))
			return buf;
	}
	if (is_file("fixtures/heap.c"))
		return "fixtures";
	if (is_file("../fixtures/heap.c"))
		return "../fixtures";
	return NULL;
}

/* A fixture's path: the meson-built one, or built here.  NULL and a
 * reason in *why if neither is possible. */
static const char *fixture(const char *name, const char **why)
{
	static char buf[4][1100];
	static unsigned n;
	const char *dir = getenv("LD_FIXTURE_DIR"), *src;
	char *p = buf[n++ % 4];

	if (dir) {
		snprintf(p, sizeof buf[0], "%s/%s", dir, name);
		if (is_file(p))
			return p;
	}
	if (!have_tool("gcc"))
		return *why = "gcc not installed", NULL;
	if (!(src = fixture_src_dir()))
		return *why = "fixture sources not found", NULL;
	snprintf(p, sizeof buf[0], "%s", tmp_path(name));
	if (!sh("gcc " FIXTURE_FLAGS " -Wno-unused-result -o '%s' '%s/%s.c'",
		p, src, name))
		return *why = "gcc failed", NULL;
	return p;
}

/* The shapes program built with extra compiler flags. */
static const char *shapes(const char *cc, const char *flags, const char *out)
{
	static char src[300];
	char *path = tmp_path(out);

	snprintf(src, sizeof src, "%s", tmp_path("shapes.c"));
	if (!is_file(src))
		write_file(src, shapes_c);
	if (!sh("cd '%s' && %s %s -fPIE -pie -o '%s' shapes.c 2>/dev/null",
		tmpdir, cc, flags, path))
		return NULL;
	return path;
}

/* ---- symbols (the functions to break on) -------------------------------- */

struct fn {
	char name[64];
	uint64_t lo, hi;
};

/* Defined functions of .symtab; names gdb could take as ambiguous (two
 * symbols, or a `.` as in foo.cold) are left out. */
static size_t functions(const char *path, struct fn *out, size_t max)
{
	int fd = open(path, O_RDONLY);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	size_t n = 0;

	while (e && (scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Sym s;
		int i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (i = 0; gelf_getsym(d, i, &s) && n < max; i++) {
			const char *name = elf_strptr(e, sh.sh_link, s.st_name);
			size_t j;

			if (GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
			    s.st_shndx == SHN_UNDEF || !name ||
			    strlen(name) >= sizeof out->name || strchr(name, '.'))
				continue;
			for (j = 0; j < n && strcmp(out[j].name, name); j++)
				;
			if (j < n) {	/* twice: ambiguous */
				out[j] = out[--n];
				continue;
			}
			snprintf(out[n].name, sizeof out[n].name, "%s", name);
			out[n].lo = s.st_value;
			out[n++].hi = s.st_value + s.st_size;
		}
	}
	elf_end(e);
	if (fd >= 0)
		close(fd);
	return n;
}

static const struct fn *find_fn(const struct fn *v, size_t n,
				const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* ---- gdb as the oracle -------------------------------------------------- */

/* What gdb answered to one command. */
struct answer {
	int nloc;			/* breakpoint locations */
	uint64_t addr[MAXLOC];
	unsigned line[MAXLOC];		/* 0: no line (no debug info) */
	bool has_line;			/* `info line`: a line was found */
	unsigned info_line;
	uint64_t info_start;
};

/* A breakpoint location in `info breakpoints`:
 *   1       breakpoint     keep y   0x0000000000001161 in main at heap.c:11
 *   1.2                         y   0x0000000000001139 in f at x.c:5
 *   1       breakpoint     keep y   0x0000000000001044 <_start+4>          */
static void parse_location(const char *s, struct answer *a)
{
	const char *hex = strstr(s, " 0x"), *at = strstr(s, " at ");
	const char *colon = at ? strrchr(at, ':') : NULL;
	uint64_t addr;

	if (s[0] < '1' || s[0] > '9' || !hex || a->nloc == MAXLOC)
		return;
	addr = strtoull(hex + 1, NULL, 16);
	/* gdb lists an address twice when the prologues of two functions
	 * end there; ld_lines_find gives each address once */
	if (a->nloc > 0 && a->addr[a->nloc - 1] == addr)
		return;
	a->addr[a->nloc] = addr;
	a->line[a->nloc++] = colon ? (unsigned)atoi(colon + 1) : 0;
}

/* `info line *ADDR`:
 *   Line 12 of "heap.c" starts at address 0x117a <main+33> and ends at ...
 *   Line 17 of "heap.c" is at address 0x11da <main+129> but contains no code.
 *   No line number information available for address 0x1159 <main>      */
static void parse_info_line(const char *s, struct answer *a)
{
	const char *at = strstr(s, " at address 0x");
	unsigned line;

	if (sscanf(s, "Line %u of", &line) != 1 || !at)
		return;
	a->has_line = true;
	a->info_line = line;
	a->info_start = strtoull(at + 12, NULL, 16);
}

/* Append to a growing string; exits when out of memory. */
static void append(char **s, size_t *len, size_t *cap, const char *fmt, ...)
	TAP_FORMAT(4, 5);

static void append(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*s ? *s + *len : NULL, *s ? *cap - *len : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0)
			exit(1);
		if (*s && *len + (size_t)n < *cap)
			break;
		*cap = (*cap + (size_t)n + 1) * 2;
		if (!(*s = realloc(*s, *cap)))
			exit(1);
	}
	*len += (size_t)n;
}

/* Run gdb once over prog with n commands; answers in a[].  Each command
 * is followed by `info breakpoints` and `delete`, between markers.  They
 * are -ex arguments, not a script: a failing command ends a script. */
static bool ask_gdb_once(const char *prog, char **cmds, size_t n,
			 struct answer *a)
{
	size_t len = 0, cap = 0, lcap = 0, i;
	char *cmd = NULL, *line = NULL;
	long k = -1;
	FILE *p;

	append(&cmd, &len, &cap, "gdb -nx -batch -iex 'set debuginfod "
	       "enabled off' -ex 'set breakpoint pending off' -ex 'set "
	       "confirm off' -ex 'set width 0' -ex 'set height 0'");
	for (i = 0; i < n; i++)
		append(&cmd, &len, &cap, " -ex 'echo @@@\\n' -ex '%s' -ex "
		       "'info breakpoints' -ex delete", cmds[i]);
	append(&cmd, &len, &cap, " '%s' 2>/dev/null", prog);
	memset(a, 0, n * sizeof *a);
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return false;
	/* getline: C++ locations run to kilobytes */
	while (getline(&line, &lcap, p) > 0) {
		if (strncmp(line, "@@@", 3) == 0)
			k++;
		else if (k >= 0 && (size_t)k < n)
			parse_location(line, &a[k]), parse_info_line(line, &a[k]);
	}
	free(line);
	/* gdb -batch exits 1 when the last command failed (a line past the
	 * end): only the markers tell whether it answered everything */
	pclose(p);
	return (size_t)(k + 1) == n;
}

/* In runs of 400 commands: the kernel limits one argument of sh -c to
 * 128 KiB (MAX_ARG_STRLEN). */
static bool ask_gdb(const char *prog, char **cmds, size_t n,
		    struct answer *a)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < 400 ? n - i : 400;
		if (!ask_gdb_once(prog, cmds + i, k, a + i))
			return false;
	}
	return true;
}

static char **new_cmds(size_t n)
{
	char **v = calloc(n, sizeof *v);
	size_t i;

	for (i = 0; v && i < n; i++)
		if (!(v[i] = malloc(256)))
			exit(1);
	if (!v)
		exit(1);
	return v;
}

static void free_cmds(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- comparisons with gdb ----------------------------------------------- */

/* Does ld_lines_find agree with gdb's answer to `break FILE:LINE`? */
static bool same_as_gdb(const struct ld_lines *l, const char *file,
			unsigned line, const struct answer *a, bool quiet)
{
	uint64_t addrs[MAXLOC];
	unsigned actual = 0;
	char err[256] = "";
	int i, n;

	n = ld_lines_find(l, file, line, addrs, MAXLOC, &actual, err,
			  sizeof err);
	bool same = n == a->nloc && (n == 0 || actual == a->line[0]);

	for (i = 0; same && i < n; i++)
		same = addrs[i] == a->addr[i];
	if (!same && !quiet) {
		diag("break %s:%u: gdb %d location(s) %#" PRIx64 " line %u, "
		     "ld_lines_find %d %#" PRIx64 " line %u%s%s", file, line,
		     a->nloc, a->nloc ? a->addr[0] : 0, a->nloc ? a->line[0] : 0,
		     n, n > 0 ? addrs[0] : 0, actual, n <= 0 ? ": " : "",
		     n <= 0 ? err : "");
	}
	return same;
}

/* break FILE:LINE for every line from 1 to last, all in one gdb run. */
static void sweep_lines(const struct ld_lines *l, const char *prog,
			const char *file, unsigned last, const char *what)
{
	struct answer *a = calloc(last, sizeof *a);
	char **cmds = new_cmds(last);
	unsigned i, bad = 0;

	for (i = 0; i < last; i++)
		snprintf(cmds[i], 256, "break %s:%u", file, i + 1);
	if (!a || !ask_gdb(prog, cmds, last, a)) {
		ok(false, "%s: gdb answers break %s:1..%u", what, file, last);
	} else {
		for (i = 0; i < last; i++)
			bad += !same_as_gdb(l, file, i + 1, &a[i], false);
		ok(bad == 0, "%s: break %s:LINE gives gdb's addresses and "
		   "lines for all %u lines (%u differ)", what, file, last, bad);
	}
	free_cmds(cmds, last);
	free(a);
}

/* break FUNC for every function of the symbol table. */
static void sweep_functions(const struct ld_lines *l, const char *prog,
			    const char *what)
{
	struct fn fns[256];
	size_t i, n = functions(prog, fns, 256), bad = 0, asked = 0;
	struct answer *a = calloc(n ? n : 1, sizeof *a);
	char **cmds = new_cmds(n);

	for (i = 0; i < n; i++)
		snprintf(cmds[i], 256, "break %.63s", fns[i].name);
	if (!a || n == 0 || !ask_gdb(prog, cmds, n, a)) {
		ok(false, "%s: gdb answers break FUNC", what);
		goto out;
	}
	for (i = 0; i < n; i++) {
		uint64_t pc = ld_lines_after_prologue(l, fns[i].lo, fns[i].hi);

		if (a[i].nloc != 1)	/* gdb found it elsewhere too */
			continue;
		asked++;
		if (pc != a[i].addr[0]) {
			bad++;
			diag("break %s: gdb %#" PRIx64 ", ld_lines_after_"
			     "prologue %#" PRIx64, fns[i].name, a[i].addr[0], pc);
		}
	}
	ok(bad == 0 && asked > 0, "%s: after-prologue address is gdb's for "
	   "all %zu functions (%zu differ)", what, asked, bad);
out:
	free_cmds(cmds, n);
	free(a);
}

/* info line *ADDR for every address of the code of the named functions,
 * and one past each. */
static void sweep_addresses(const struct ld_lines *l, const char *prog,
			    const char *what)
{
	struct fn fns[256];
	size_t nf = functions(prog, fns, 256), i, n = 0, bad = 0;
	uint64_t *addr = NULL, x;
	struct answer *a;
	char **cmds;

	for (i = 0; i < nf; i++)
		n += fns[i].hi - fns[i].lo + 1;
	addr = calloc(n ? n : 1, sizeof *addr);
	a = calloc(n ? n : 1, sizeof *a);
	cmds = new_cmds(n);
	for (i = 0, n = 0; i < nf && addr; i++)
		for (x = fns[i].lo; x <= fns[i].hi; x++) {
			addr[n] = x;
			snprintf(cmds[n++], 256, "info line *%#" PRIx64, x);
		}
	if (!addr || !a || !ask_gdb(prog, cmds, n, a)) {
		ok(false, "%s: gdb answers info line", what);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct ld_line r;
		bool has = ld_lines_at(l, addr[i], &r);

		if (has == a[i].has_line && (!has || (r.line == a[i].info_line &&
						      r.addr == a[i].info_start)))
			continue;
		if (bad++ < 5)
			diag("info line *%#" PRIx64 ": gdb %s line %u at %#"
			     PRIx64 ", ld_lines_at %s line %u at %#" PRIx64,
			     addr[i], a[i].has_line ? "" : "no", a[i].info_line,
			     a[i].info_start, has ? "" : "no", has ? r.line : 0,
			     has ? r.addr : 0);
	}
	ok(bad == 0, "%s: ld_lines_at gives gdb's line and row start for "
	   "all %zu addresses (%zu differ)", what, n, bad);
out:
	free_cmds(cmds, n);
	free(addr);
	free(a);
}

/* ---- tests -------------------------------------------------------------- */

static void expect_open_fail(const char *path, const char *want,
			     const char *what)
{
	struct ld_lines *l = (struct ld_lines *)1;
	char err[256] = "";
	int r = ld_lines_open(path, &l, err, sizeof err);

	ok(r == -1 && l == NULL && strstr(err, want) != NULL,
	   "open %s fails: \"%s\"", what, err);
	if (r == 0)
		ld_lines_free(l);
}

static bool frees_null(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		ld_lines_free(NULL);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

static void test_open_errors(const char *heap)
{
	const char *text = tmp_path("text.txt");

	write_file(text, "not an ELF file at all\n");
	expect_open_fail(tmp_path("missing"), "No such file or directory",
			 "a missing file");
	expect_open_fail(text, "not an ELF file", "a text file");
	expect_open_fail(tmpdir, "Is a directory", "a directory");
	ok(frees_null(), "ld_lines_free(NULL) is harmless (in a child: a crash "
	   "fails this case, not the file)");
	if (!heap || !have_tool("strip")) {
		skip(heap ? "strip not installed" : "no fixture",
		     "open a stripped file fails");
		skip(heap ? "strip not installed" : "no fixture",
		     "open a file stripped of debug info fails");
		return;
	}
	if (sh("strip -o '%s' '%s'", tmp_path("stripped"), heap))
		expect_open_fail(tmp_path("stripped"),
				 "no DWARF line information (stripped?)",
				 "a stripped copy");
	else
		ok(false, "strip works");
	if (sh("strip --strip-debug -o '%s' '%s'", tmp_path("nodebug"), heap))
		expect_open_fail(tmp_path("nodebug"),
				 "no DWARF line information (stripped?)",
				 "a copy stripped with --strip-debug");
	else
		ok(false, "strip --strip-debug works");
}

/* The line of the first row of [lo, hi) after lo with a different
 * address: what every test below calls "the function's second row". */
static uint64_t second_row(const struct ld_lines *l, uint64_t lo,
			   uint64_t hi)
{
	struct ld_line rows[64];
	size_t n = ld_lines_in_range(l, lo, hi, rows, 64);

	return n >= 2 ? rows[1].addr : 0;
}

/* Facts about heap.c that hold without gdb. */
static void test_heap_facts(const struct ld_lines *l, const char *heap)
{
	struct fn fns[64];
	size_t nf = functions(heap, fns, 64);
	const struct fn *m = find_fn(fns, nf, "main");
	struct ld_line rows[32], r;
	uint64_t addrs[MAXLOC], after;
	unsigned actual;
	char err[256];
	const char *f;
	size_t i, n;
	int k;

	if (!ok(m != NULL, "heap: main is in .symtab"))
		return;
	after = ld_lines_after_prologue(l, m->lo, m->hi);
	ok(after == second_row(l, m->lo, m->hi) && ld_lines_at(l, after, &r) &&
	   r.line == 11, "heap: break main stops at the second row, line 11 "
	   "(%#" PRIx64 ")", after);
	k = ld_lines_find(l, "heap.c", 12, addrs, MAXLOC, &actual, err,
			  sizeof err);
	ok(k == 1 && actual == 12 && ld_lines_at(l, addrs[0], &r) &&
	   r.line == 12 && r.addr == addrs[0], "heap: heap.c:12 (calloc) is "
	   "one address, the start of its row");
	k = ld_lines_find(l, "heap.c", 10, addrs, MAXLOC, &actual, err,
			  sizeof err);
	ok(k == 1 && actual == 11, "heap: blank line 10 moves to line 11");
	k = ld_lines_find(l, "fixtures/heap.c", 7, addrs, MAXLOC, &actual,
			  err, sizeof err);
	ok(k == 1 && addrs[0] == after && actual == 11,
	   "heap: the opening brace is in the prologue: moves past it");
	k = ld_lines_find(l, "heap.c", 17, addrs, MAXLOC, &actual, err,
			  sizeof err);
	ok(k == 1 && actual == 17, "heap: the closing brace has code");
	k = ld_lines_find(l, "heap.c", 18, addrs, MAXLOC, &actual, err,
			  sizeof err);
	ok(k == 0 && strstr(err, "no line 18"), "heap: past the end: 0, "
	   "\"%s\"", err);
	k = ld_lines_find(l, "eap.c", 12, addrs, MAXLOC, &actual, err,
			  sizeof err);
	ok(k == -1 && strstr(err, "eap.c"), "heap: \"eap.c\" is no file "
	   "(suffix on a '/' only): \"%s\"", err);
	f = ld_lines_file_of(l, after);
	ok(f && strlen(f) > 7 && strcmp(f + strlen(f) - 7, "/heap.c") == 0 &&
	   f[0] == '/', "heap: file of main is an absolute .../heap.c (%s)",
	   f ? f : "NULL");
	n = ld_lines_in_range(l, m->lo, m->hi, rows, 32);
	for (i = 1; i < n && rows[i - 1].addr < rows[i].addr; i++)
		;
	ok(n == 8 && i == n && rows[0].addr == m->lo && rows[0].line == 7 &&
	   rows[n - 1].line == 17, "heap: main has 8 rows, sorted, lines 7 "
	   "to 17 (%zu)", n);
	ok(ld_lines_in_range(l, m->lo, m->hi, rows, 3) == 3,
	   "heap: ld_lines_in_range stops at max");
	ok(!ld_lines_at(l, m->hi, &r) && !ld_lines_at(l, 0, &r),
	   "heap: no row past the end of main, none at 0");
}

static void test_recurse_facts(const struct ld_lines *l, const char *prog)
{
	struct fn fns[64];
	size_t nf = functions(prog, fns, 64);
	const struct fn *d = find_fn(fns, nf, "depth");
	struct ld_line r;
	uint64_t pc;

	if (!ok(d != NULL, "recurse: depth is in .symtab"))
		return;
	pc = ld_lines_after_prologue(l, d->lo, d->hi);
	ok(pc == second_row(l, d->lo, d->hi) && ld_lines_at(l, pc, &r) &&
	   r.line == 9, "recurse: break depth stops at line 9 (%#" PRIx64 ")",
	   pc);
}

/* Named checks the brief asks for, then every line and function. */
static void test_against_gdb(const struct ld_lines *l, const char *prog,
			     const char *file, unsigned last, const char *what)
{
	if (!have_tool("gdb")) {
		skip("gdb not installed", "%s: break FILE:LINE as gdb", what);
		skip("gdb not installed", "%s: break FUNC as gdb", what);
		skip("gdb not installed", "%s: info line *ADDR as gdb", what);
		return;
	}
	/* by address first, on a fresh handle: each unit's rows read when
	 * an address of it is asked for; then by line: all of them */
	sweep_addresses(l, prog, what);
	sweep_functions(l, prog, what);
	sweep_lines(l, prog, file, last, what);
}

static int by_lo(const void *a, const void *b)
{
	const struct fn *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* A program of three units, its rows read unit by unit in an odd order
 * (by address from the top: the last unit's first), must answer
 * every address as a handle that read all units at once. */
static void test_units_lazily(void)
{
	static const char *const src[3] = {
		"int f1(int x);\nint f2(int x);\nint main(void)\n{\n"
		"\treturn f1(1) + f2(2);\n}\n",
		"int f1(int x)\n{\n\tint y = x * 3;\n\n\treturn y + 1;\n}\n",
		"int f2(int x)\n{\n\tif (x > 1)\n\t\treturn x - 1;\n"
		"\treturn x;\n}\n",
	};
	const char *prog = tmp_path("units");
	struct ld_lines *lazy = NULL, *all = NULL;
	struct fn fns[64];
	size_t n, i, bad = 0, asked = 0;
	unsigned actual;
	uint64_t a[MAXLOC], x;
	char err[256];

	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof name, "u%zu.c", i);
		write_file(tmp_path(name), src[i]);
	}
	if (!sh("cd '%s' && gcc " FIXTURE_FLAGS " -o '%s' u0.c u1.c u2.c", tmpdir, prog) ||
	    (n = functions(prog, fns, 64)) == 0 ||
	    ld_lines_open(prog, &lazy, err, sizeof err) ||
	    ld_lines_open(prog, &all, err, sizeof err)) {
		ok(false, "units: builds and opens (%s)", err);
		goto out;
	}
	ld_lines_find(all, "u1.c", 3, a, MAXLOC, &actual, err, sizeof err);
	qsort(fns, n, sizeof *fns, by_lo);
	for (i = n; i-- > 0;) {		/* from the highest address down */
		for (x = fns[i].lo; x <= fns[i].hi; x++) {
			struct ld_line p, q;
			bool hp = ld_lines_at(lazy, x, &p), hq = ld_lines_at(all, x, &q);

			asked++;
			if (hp != hq || (hp && (p.line != q.line || p.addr != q.addr ||
						strcmp(p.file, q.file)))) {
				if (bad++ < 3)
					diag("units: *%#" PRIx64 ": lazily %u, all %u", x,
					     hp ? p.line : 0, hq ? q.line : 0);
			}
		}
	}
	ok(bad == 0 && asked > 10, "units: %zu addresses of 3 units read lazily "
	   "answer as all read at once (%zu differ)", asked, bad);
	ok(ld_lines_find(lazy, "u2.c", 4, a, MAXLOC, &actual, err, sizeof err) == 1 &&
	   actual == 4 && ld_lines_find(lazy, "u0.c", 5, a, MAXLOC, &actual, err,
					sizeof err) == 1,
	   "units: then by line, every unit's rows (%s)", err);
out:
	ld_lines_free(lazy);
	ld_lines_free(all);
}

/* The brief's named cases, one test each so a failure says which. */
static void test_heap_named(const struct ld_lines *l, const char *prog)
{
	static const struct { unsigned line; const char *what; } cases[] = {
		{ 10, "a blank line" }, { 12, "the calloc line" },
		{ 17, "the closing brace" }, { 8, "a declaration without "
		  "code" }, { 5, "a line before main" },
	};
	struct answer a[5];
	char *cmds[5], buf[5][64];
	size_t i;

	if (!have_tool("gdb")) {
		skip("gdb not installed", "heap: named lines as gdb");
		return;
	}
	for (i = 0; i < 5; i++) {
		snprintf(buf[i], sizeof buf[i], "break heap.c:%u", cases[i].line);
		cmds[i] = buf[i];
	}
	if (!ok(ask_gdb(prog, cmds, 5, a), "heap: gdb answers"))
		return;
	for (i = 0; i < 5; i++)
		ok(same_as_gdb(l, "heap.c", cases[i].line, &a[i], false),
		   "heap: break heap.c:%u (%s) is gdb's %#" PRIx64 ", line %u",
		   cases[i].line, cases[i].what, a[i].addr[0], a[i].line[0]);
}

static struct ld_lines *open_ok(const char *path, const char *what)
{
	struct ld_lines *l = NULL;
	char err[256] = "";

	if (!ok(ld_lines_open(path, &l, err, sizeof err) == 0 && l,
		"%s: opens (%s)", what, err))
		return NULL;
	return l;
}

static void test_fixture(const char *name, const char *src, unsigned last,
			 void (*facts)(const struct ld_lines *, const char *))
{
	const char *why = NULL, *prog = fixture(name, &why);
	struct ld_lines *l;

	if (!prog) {
		skip(why, "%s: fixture tests", name);
		return;
	}
	if (!(l = open_ok(prog, name)))
		return;
	facts(l, prog);
	if (strcmp(name, "heap") == 0)
		test_heap_named(l, prog);
	test_against_gdb(l, prog, src, last, name);
	ld_lines_free(l);
}

static unsigned source_lines(const char *text)
{
	unsigned n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* shapes.c built several ways, each compared with gdb. */
static void test_shapes(void)
{
	static const struct { const char *cc, *flags, *out, *what; } v[] = {
		{ "gcc", FIXTURE_FLAGS " -gdwarf-5", "shapes5", "gcc DWARF 5" },
		{ "gcc", FIXTURE_FLAGS " -gdwarf-4", "shapes4", "gcc DWARF 4" },
		{ "gcc", "-O2 -g", "shapes_o2", "gcc -O2" },
		{ "gcc", "-O0 -g -fcf-protection=full", "shapes_cet",
		  "gcc endbr64" },
		{ "clang", "-O0 -g", "shapes_clang", "clang" },
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		const char *prog = NULL;
		struct ld_lines *l;

		if (!have_tool(v[i].cc)) {
			skip("compiler not installed", "shapes, %s", v[i].what);
			continue;
		}
		if (!ok((prog = shapes(v[i].cc, v[i].flags, v[i].out)) != NULL,
			"shapes, %s: builds", v[i].what) ||
		    !(l = open_ok(prog, v[i].what)))
			continue;
		test_against_gdb(l, prog, "shapes.c", source_lines(shapes_c) + 2,
				 v[i].what);
		ld_lines_free(l);
	}
}

/* ---- malformed DWARF ---------------------------------------------------- */

struct sect {
	uint64_t off, size;
};

static bool section(const char *path, const char *name, struct sect *s)
{
	int fd = open(path, O_RDONLY);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;

	if (e && elf_getshdrstrndx(e, &shstrndx) == 0)
		while (!found && (scn = elf_nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) &&
			    (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
			    strcmp(n, name) == 0) {
				*s = (struct sect){ sh.sh_offset, sh.sh_size };
				found = true;
			}
		}
	elf_end(e);
	if (fd >= 0)
		close(fd);
	return found && s->size > 0;
}

/* Every query, answers ignored: only crashes and leaks matter. */
static void query_all(const char *path)
{
	struct ld_lines *l = NULL;
	struct ld_line rows[16];
	uint64_t addrs[MAXLOC];
	unsigned actual, i;
	char err[256];

	if (ld_lines_open(path, &l, err, sizeof err) != 0)
		return;
	for (i = 0; i < 20; i++)
		ld_lines_find(l, "heap.c", i, addrs, MAXLOC, &actual, err,
			      sizeof err);
	for (i = 0; i < 0x300; i += 7) {
		ld_lines_at(l, 0x1000 + i, rows);
		ld_lines_file_of(l, 0x1000 + i);
		ld_lines_after_prologue(l, 0x1000 + i, 0x1000 + i + 0x80);
	}
	ld_lines_in_range(l, 0, UINT64_MAX, rows, 16);
	ld_lines_free(l);
}

/* Copies of prog with bytes of its DWARF sections overwritten by a fixed
 * pseudo-random sequence: opening and querying must not crash. */
static void test_corrupt(const char *prog)
{
	static const char *names[] = { ".debug_line", ".debug_info",
				       ".debug_abbrev", ".debug_line_str",
				       ".debug_str", ".debug_aranges" };
	const char *copy = tmp_path("corrupt");
	uint32_t seed = 12345;
	unsigned i, j, done = 0;
	struct sect s;

	if (!prog) {
		skip("no fixture", "corrupted DWARF does not crash");
		return;
	}
	for (i = 0; i < 240; i++) {
		const char *name = names[i % 6];
		int fd;

		if (!section(prog, name, &s) ||
		    !sh("cp '%s' '%s'", prog, copy) ||
		    (fd = open(copy, O_WRONLY)) < 0)
			continue;
		for (j = 0; j < 1 + i % 8; j++) {
			unsigned char b;

			seed = seed * 1103515245 + 12345;
			b = (unsigned char)(seed >> 16);
			/* the headers most often: they hold the lengths */
			if (pwrite(fd, &b, 1, (off_t)(s.off + (i % 3 ? (seed >> 8) %
					      (s.size < 64 ? s.size : 64) :
					      (seed >> 8) % s.size))) != 1)
				break;
		}
		close(fd);
		query_all(copy);
		done++;
	}
	ok(done > 100, "%u corrupted copies opened and queried without a "
	   "crash", done);
}

/* ---- main --------------------------------------------------------------- */

static void cleanup(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

int main(void)
{
	const char *why = NULL, *heap;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/test_lines.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	elf_version(EV_CURRENT);
	heap = fixture("heap", &why);
	test_open_errors(heap);
	test_fixture("heap", "heap.c", 19, test_heap_facts);
	test_fixture("recurse", "recurse.c", 19, test_recurse_facts);
	test_shapes();
	test_units_lazily();
	test_corrupt(heap);
	return tap_done();
}
