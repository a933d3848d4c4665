/* Unit tests of the /proc/PID/maps parser and lookup (src/maps.c).
 *
 * Prints TAP; exits 1 if any case failed.  Data files are found under
 * $LD_TEST_DATA (the tests/data directory), else tests/data from the cwd.
 * seed_before.txt is the seed walkthrough's `cat /proc/230427/maps`,
 * seed_after.txt the same with the [heap] line the walkthrough shows once
 * calloc has run. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "tap.h"
#include "layoutdbg/maps.h"

static FILE *open_data(const char *name)
{
	const char *dir = getenv("LD_TEST_DATA");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/maps/%s", dir ? dir : "tests/data",
		 name);
	f = fopen(path, "r");
	if (!f)
		printf("# cannot open %s: %s\n", path, strerror(errno));
	return f;
}

/* Parse a data file into m (initialised here); returns ld_maps_parse's
 * result, or -ENOENT when the file is missing. */
static int parse_file(const char *name, struct ld_maps *m, char *err,
		      size_t errlen)
{
	FILE *f = open_data(name);
	int rc;

	ld_maps_init(m);
	if (!f)
		return -ENOENT;
	rc = ld_maps_parse(f, m, err, errlen);
	fclose(f);
	return rc;
}

/* Parse len bytes of text (NULs allowed) into m (initialised here). */
static int parse_mem(const char *text, size_t len, struct ld_maps *m,
		     char *err, size_t errlen)
{
	FILE *f;
	int rc;

	ld_maps_init(m);
	/* fmemopen() refuses a zero size; an empty stream is the same. */
	f = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	if (!f)
		return -errno;
	rc = ld_maps_parse(f, m, err, errlen);
	fclose(f);
	return rc;
}

static int parse_str(const char *text, struct ld_maps *m, char *err,
		     size_t errlen)
{
	return parse_mem(text, strlen(text), m, err, errlen);
}

static bool map_is(const struct ld_map *mp, uint64_t start, uint64_t end,
		   const char *perms, uint64_t offset, const char *path)
{
	return mp->start == start && mp->end == end &&
	       !strcmp(mp->perms, perms) && mp->offset == offset &&
	       !strcmp(mp->path, path);
}

#define EMPTY "/home/nots/Documents/elf-interrogation/examples/empty/empty"
#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"

static bool t_seed_before(void)
{
	struct ld_maps m;
	char err[256];
	const struct ld_map *v;

	CHECK(parse_file("seed_before.txt", &m, err, sizeof(err)) == 0);
	CHECK(err[0] == '\0');
	CHECK(m.n == 22);
	v = m.v;
	CHECK(map_is(&v[0], 0x555555554000, 0x555555555000, "r--p", 0, EMPTY));
	CHECK(v[0].dev_major == 0x103 && v[0].dev_minor == 5);
	CHECK(v[0].inode == 21891083 && !v[0].deleted);
	CHECK(map_is(&v[4], 0x555555558000, 0x555555559000, "rw-p", 0x3000,
		     EMPTY));
	CHECK(map_is(&v[5], 0x7ffff7d77000, 0x7ffff7d7a000, "rw-p", 0, ""));
	CHECK(v[5].inode == 0 && v[5].dev_major == 0 && v[5].dev_minor == 0);
	CHECK(map_is(&v[7], 0x7ffff7da2000, 0x7ffff7f37000, "r-xp", 0x28000,
		     LIBC));
	CHECK(v[7].inode == 9835249);
	CHECK(map_is(&v[9], 0x7ffff7f8f000, 0x7ffff7f93000, "r--p", 0x214000,
		     LIBC));
	CHECK(map_is(&v[10], 0x7ffff7f93000, 0x7ffff7f95000, "rw-p", 0x218000,
		     LIBC));
	CHECK(!strcmp(v[13].path, "[vvar]") && !strcmp(v[14].path, "[vdso]"));
	CHECK(map_is(&v[20], 0x7ffffffde000, 0x7ffffffff000, "rw-p", 0,
		     "[stack]"));
	CHECK(map_is(&v[21], 0xffffffffff600000, 0xffffffffff601000, "--xp", 0,
		     "[vsyscall]"));
	CHECK(ld_map_is_file(&v[0]) && !ld_map_is_file(&v[5]));
	CHECK(!ld_map_is_file(&v[20]));
	ld_maps_release(&m);
	CHECK(m.n == 0 && m.v == NULL);
	return true;
}

static bool t_seed_after_heap(void)
{
	struct ld_maps m;
	char err[256];
	const struct ld_map *heap;

	CHECK(parse_file("seed_after.txt", &m, err, sizeof(err)) == 0);
	CHECK(m.n == 23);
	heap = ld_maps_find(&m, 0x555555559000);
	CHECK(heap == &m.v[5]);
	CHECK(map_is(heap, 0x555555559000, 0x55555557a000, "rw-p", 0,
		     "[heap]"));
	CHECK(!ld_map_is_file(heap));
	ld_maps_release(&m);
	return true;
}

static bool t_odd_paths(void)
{
	struct ld_maps m;
	char err[256], buf[64];
	const struct ld_map *v;

	CHECK(parse_file("odd.txt", &m, err, sizeof(err)) == 0);
	CHECK(m.n == 13);
	v = m.v;
	/* Blanks inside a path are kept, runs included. */
	CHECK(map_is(&v[0], 0x400000, 0x401000, "r-xp", 0,
		     "/opt/My App/lib/lib with  two spaces.so"));
	/* The kernel ends an anonymous line with a blank; copies may not. */
	CHECK(map_is(&v[1], 0x600000, 0x601000, "rw-p", 0, ""));
	CHECK(map_is(&v[2], 0x601000, 0x602000, "rw-p", 0, ""));
	CHECK(map_is(&v[3], 0x7f0000000000, 0x7f0000001000, "rw-s", 0,
		     "/memfd:jit code (deleted)"));
	CHECK(v[3].deleted && v[3].inode == 4242 && v[3].dev_minor == 1);
	CHECK(!strcmp(ld_map_basepath(&v[3], buf, sizeof(buf)),
		      "/memfd:jit code"));
	/* Upper-case hex in every hex field. */
	CHECK(map_is(&v[4], 0x7f0000002000, 0x7f0000003000, "r--p", 0xa000,
		     "/tmp/UPPER.so"));
	CHECK(v[4].dev_major == 0xfd && v[4].dev_minor == 0xa);
	CHECK(!strcmp(v[5].path, "[anon:glibc malloc]") && !v[5].deleted);
	CHECK(!strcmp(v[6].path, "[stack:1234]"));
	CHECK(v[7].inode == UINT64_MAX);
	CHECK(!strcmp(v[7].path, "anon_inode:[perf_event]"));
	CHECK(!ld_map_is_file(&v[7]));
	CHECK(!strcmp(v[8].path, "/dev/zero (deleted)") && v[8].deleted);
	CHECK(!strcmp(v[9].path, "/tmp/trailing space ") && !v[9].deleted);
	CHECK(!strcmp(v[10].path, "/tmp/not(deleted)") && !v[10].deleted);
	CHECK(!strcmp(v[11].path, "[stack]"));
	/* The last line has no newline. */
	CHECK(map_is(&v[12], 0xffffffffff600000, 0xffffffffff601000, "--xp", 0,
		     "[vsyscall]"));
	ld_maps_release(&m);
	return true;
}

static bool t_empty_file(void)
{
	struct ld_maps m;
	char err[64] = "stale";

	CHECK(parse_file("empty.txt", &m, err, sizeof(err)) == 0);
	CHECK(m.n == 0 && err[0] == '\0');
	CHECK(ld_maps_find(&m, 0) == NULL);
	CHECK(ld_maps_find(&m, 0x555555554000) == NULL);
	ld_maps_release(&m);
	return true;
}

static bool t_malformed_file(void)
{
	struct ld_maps m;
	char err[256];

	CHECK(parse_file("malformed.txt", &m, err, sizeof(err)) == -EINVAL);
	CHECK(!strcmp(err, "line 4: missing inode"));
	/* What came before the bad line is kept. */
	CHECK(m.n == 3);
	CHECK(m.v[2].start == 0x555555556000);
	ld_maps_release(&m);
	return true;
}

#define GOOD "00400000-00401000 r-xp 00000000 08:01 12    /bin/x\n"

/* Each malformed line, after one good line so the number is 2. */
static const struct {
	const char *line;
	const char *err;
} bad_lines[] = {
	{ "\n", "line 2: empty line" },
	{ "zz400000-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: bad start address \"zz400000\"" },
	{ "-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: missing start address" },
	{ " 00500000-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: missing start address" },
	{ "00500000", "line 2: missing end address" },
	{ "00500000-", "line 2: missing end address" },
	{ "00500000 00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: expected '-' after start address" },
	{ "00500000-0050100g r-xp 00000000 08:01 12 /x\n",
	  "line 2: bad end address \"0050100g\"" },
	/* the quote shows control bytes and DEL as '?' */
	{ "00500000-0050\x7f\x1b" "0 r-xp 00000000 08:01 12 /x\n",
	  "line 2: bad end address \"0050??0\"" },
	{ "00500000-00501000-00502000 r-xp 00000000 08:01 12\n",
	  "line 2: bad end address \"00501000-00502000\"" },
	{ "00500000-00501000\n", "line 2: missing permissions" },
	{ "00500000-00501000 r-x 00000000 08:01 12 /x\n",
	  "line 2: bad permissions \"r-x\"" },
	{ "00500000-00501000 r-xpp 00000000 08:01 12 /x\n",
	  "line 2: bad permissions \"r-xpp\"" },
	{ "00500000-00501000 xwrp 00000000 08:01 12 /x\n",
	  "line 2: bad permissions \"xwrp\"" },
	{ "00500000-00501000 r-xq 00000000 08:01 12 /x\n",
	  "line 2: bad permissions \"r-xq\"" },
	{ "00500000-00501000 R-XP 00000000 08:01 12 /x\n",
	  "line 2: bad permissions \"R-XP\"" },
	{ "00500000-00501000 r-xp\n", "line 2: missing offset" },
	{ "00500000-00501000 r-xp 0x000000 08:01 12 /x\n",
	  "line 2: bad offset \"0x000000\"" },
	{ "00500000-00501000 r-xp 00000000\n", "line 2: missing device major" },
	{ "00500000-00501000 r-xp 00000000 08\n",
	  "line 2: missing device minor" },
	{ "00500000-00501000 r-xp 00000000 08 01 12 /x\n",
	  "line 2: expected ':' after device major" },
	{ "00500000-00501000 r-xp 00000000 08:0x1 12 /x\n",
	  "line 2: bad device minor \"0x1\"" },
	{ "00500000-00501000 r-xp 00000000 123456789:01 12 /x\n",
	  "line 2: device major has more than 8 hex digits" },
	{ "00500000-00501000 r-xp 00000000 08:01\n", "line 2: missing inode" },
	{ "00500000-00501000 r-xp 00000000 08:01 \n", "line 2: missing inode" },
	{ "00500000-00501000 r-xp 00000000 08:01 12a /x\n",
	  "line 2: bad inode \"12a\"" },
	{ "00500000-00501000 r-xp 00000000 08:01 -1 /x\n",
	  "line 2: bad inode \"-1\"" },
	{ "00500000-00501000 r-xp 00000000 08:01 18446744073709551616 /x\n",
	  "line 2: inode out of range" },
	{ "00500000-00501000 r-xp 00000000 08:01\t12 /x\n",
	  "line 2: bad device minor \"01?12\"" },
	{ "10000000000000000-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start address has more than 16 hex digits" },
	{ "00500000-10000000000000000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: end address has more than 16 hex digits" },
	{ "00500000-00501000 r-xp 00000000000000000 08:01 12 /x\n",
	  "line 2: offset has more than 16 hex digits" },
	{ "00501000-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start 0x501000 not below end 0x501000" },
	{ "00502000-00501000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start 0x502000 not below end 0x501000" },
	{ "00300000-00301000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start 0x300000 below the end of the previous mapping "
	  "0x401000" },
	{ "00400000-00401000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start 0x400000 below the end of the previous mapping "
	  "0x401000" },
	{ "00400800-00402000 r-xp 00000000 08:01 12 /x\n",
	  "line 2: start 0x400800 below the end of the previous mapping "
	  "0x401000" },
};

static bool t_bad_lines(void)
{
	size_t k;

	for (k = 0; k < sizeof(bad_lines) / sizeof(bad_lines[0]); k++) {
		char text[512], err[256];
		struct ld_maps m;

		snprintf(text, sizeof(text), "%s%s", GOOD, bad_lines[k].line);
		if (parse_str(text, &m, err, sizeof(err)) != -EINVAL ||
		    strcmp(err, bad_lines[k].err) || m.n != 1) {
			printf("# case %zu: got \"%s\", want \"%s\"\n", k, err,
			       bad_lines[k].err);
			ld_maps_release(&m);
			return false;
		}
		ld_maps_release(&m);
	}
	return true;
}

static bool t_embedded_nul(void)
{
	static const char text[] = GOOD "00500000-00501000 r-xp 00000000 "
				   "08:01 12 /x\0y\n";
	struct ld_maps m;
	char err[256];

	CHECK(parse_mem(text, sizeof(text) - 1, &m, err, sizeof(err)) ==
	      -EINVAL);
	CHECK(!strcmp(err, "line 2: embedded NUL byte"));
	CHECK(m.n == 1);
	ld_maps_release(&m);
	/* A NUL where a field should start is no different. */
	CHECK(parse_mem("\0\n", 2, &m, err, sizeof(err)) == -EINVAL);
	CHECK(!strcmp(err, "line 1: embedded NUL byte"));
	ld_maps_release(&m);
	return true;
}

/* Lines longer than any stdio or page buffer: a real long path is kept
 * whole, a long garbage line is rejected with its quote cut short. */
static bool t_long_lines(void)
{
	size_t plen = 300000, hlen = strlen(GOOD), k;
	char *text = malloc(hlen + plen + 64), *p;
	struct ld_maps m;
	char err[256];
	bool ok;

	CHECK(text);
	p = text + sprintf(text, "%s00500000-00501000 r--p 00000000 08:01 9 ",
			   GOOD);
	*p++ = '/';
	for (k = 1; k < plen; k++)
		*p++ = 'a' + k % 26;
	*p = '\0';
	ok = parse_str(text, &m, err, sizeof(err)) == 0 && m.n == 2 &&
	     strlen(m.v[1].path) == plen &&
	     m.v[1].path[plen - 1] == (char)('a' + (plen - 1) % 26);
	ld_maps_release(&m);
	memset(text, 'x', hlen + plen);
	text[hlen + plen] = '\0';
	ok = ok && parse_str(text, &m, err, sizeof(err)) == -EINVAL &&
	     !strcmp(err, "line 1: bad start address "
		     "\"xxxxxxxxxxxxxxxxxxxxxxxx...\"") && m.n == 0;
	ld_maps_release(&m);
	free(text);
	return ok;
}

/* A short or missing err buffer is truncated or ignored, never overrun. */
static bool t_err_buffer(void)
{
	const char *text = GOOD "00300000-00301000 r-xp 00000000 08:01 12\n";
	struct ld_maps m;
	char err[12];

	memset(err, '#', sizeof(err));
	CHECK(parse_str(text, &m, err, 8) == -EINVAL);
	CHECK(!strcmp(err, "line 2:") && err[8] == '#');
	ld_maps_release(&m);
	CHECK(parse_str(text, &m, err, 3) == -EINVAL && !strcmp(err, "li"));
	ld_maps_release(&m);
	CHECK(parse_str(text, &m, NULL, 0) == -EINVAL && m.n == 1);
	ld_maps_release(&m);
	CHECK(parse_str(text, &m, err, 0) == -EINVAL && err[0] == 'l');
	ld_maps_release(&m);
	return true;
}

/* Parsing appends, and order is checked against what is already there. */
static bool t_append(void)
{
	struct ld_maps m;
	char err[256];
	FILE *f;

	CHECK(parse_str(GOOD, &m, err, sizeof(err)) == 0 && m.n == 1);
	f = fmemopen((void *)GOOD, strlen(GOOD), "r");
	CHECK(f);
	CHECK(ld_maps_parse(f, &m, err, sizeof(err)) == -EINVAL);
	fclose(f);
	CHECK(!strcmp(err, "line 1: start 0x400000 below the end of the "
		      "previous mapping 0x401000"));
	CHECK(m.n == 1);
	ld_maps_release(&m);
	return true;
}

/* A stream that fails to read reports -errno, not a parse error. */
static bool t_read_error(void)
{
	struct ld_maps m;
	char err[256];
	FILE *f = fopen("/", "r");

	CHECK(f);
	ld_maps_init(&m);
	CHECK(ld_maps_parse(f, &m, err, sizeof(err)) == -EISDIR);
	fclose(f);
	CHECK(!strncmp(err, "line 1: ", 8));
	CHECK(m.n == 0);
	ld_maps_release(&m);
	return true;
}

static bool t_find_boundaries(void)
{
	struct ld_maps m;
	char err[256];

	CHECK(parse_file("seed_before.txt", &m, err, sizeof(err)) == 0);
	CHECK(ld_maps_find(&m, 0) == NULL);
	CHECK(ld_maps_find(&m, 0x555555553fff) == NULL);
	CHECK(ld_maps_find(&m, 0x555555554000) == &m.v[0]);  /* inclusive */
	CHECK(ld_maps_find(&m, 0x555555554fff) == &m.v[0]);
	CHECK(ld_maps_find(&m, 0x555555555000) == &m.v[1]);  /* exclusive */
	CHECK(ld_maps_find(&m, 0x555555558fff) == &m.v[4]);
	CHECK(ld_maps_find(&m, 0x555555559000) == NULL);     /* no heap yet */
	CHECK(ld_maps_find(&m, 0x7ffff7d76fff) == NULL);
	CHECK(ld_maps_find(&m, 0x7ffff7f9ffff) == &m.v[11]);
	CHECK(ld_maps_find(&m, 0x7ffff7fa2000) == NULL);     /* gap */
	CHECK(ld_maps_find(&m, 0x7ffff7fbafff) == NULL);
	CHECK(ld_maps_find(&m, 0x7ffff7fbb000) == &m.v[12]);
	CHECK(ld_maps_find(&m, 0x7ffff7ffa000) == NULL);     /* ld.so hole */
	CHECK(ld_maps_find(&m, 0x7ffffffde000) == &m.v[20]);
	CHECK(ld_maps_find(&m, 0x7ffffffff000) == NULL);
	CHECK(ld_maps_find(&m, 0xffffffffff5fffff) == NULL);
	CHECK(ld_maps_find(&m, 0xffffffffff600000) == &m.v[21]);
	CHECK(ld_maps_find(&m, 0xffffffffff600fff) == &m.v[21]);
	CHECK(ld_maps_find(&m, 0xffffffffff601000) == NULL);
	CHECK(ld_maps_find(&m, UINT64_MAX) == NULL);
	ld_maps_release(&m);
	return true;
}

/* Every address of a generated list, against a linear scan. */
static bool t_find_exhaustive(void)
{
	struct ld_maps m;
	struct ld_map v[40];
	uint64_t a;
	size_t k, n = 0;

	memset(v, 0, sizeof(v));
	for (a = 0x10; n < 40; a += (n % 3) * 0x8) {
		v[n].start = a;
		v[n].end = a + 0x8 + (n % 4) * 0x8;
		a = v[n].end;
		v[n++].path = "";
	}
	for (n = 0; n <= 40; n++) {
		m.v = n ? v : NULL;
		m.n = m.cap = n;
		for (a = 0; a < 0x1000; a++) {
			const struct ld_map *want = NULL;

			for (k = 0; k < n; k++)
				if (a >= v[k].start && a < v[k].end)
					want = &v[k];
			CHECK(ld_maps_find(&m, a) == want);
		}
	}
	return true;
}

/* Interned paths: equal texts share one copy, references are counted, and
 * a path outlives the list it was parsed in while another holds it. */
static bool t_intern(void)
{
	char *a = ld_path_intern("/usr/lib/libc.so.6", 18);
	char *b = ld_path_intern("/usr/lib/libc.so.6 (deleted)", 18);
	char *c = ld_path_intern("[heap]", 6);

	CHECK(a && b && c && a == b && a != c);
	CHECK(!strcmp(a, "/usr/lib/libc.so.6") && !strcmp(c, "[heap]"));
	ld_path_unref(a);
	CHECK(!strcmp(b, "/usr/lib/libc.so.6"));
	ld_path_unref(b);
	ld_path_unref(c);
	ld_path_unref(NULL);
	return true;
}

static bool t_copy(void)
{
	struct ld_maps src, dst, empty;
	char err[256];
	size_t k;

	CHECK(parse_file("odd.txt", &src, err, sizeof(err)) == 0);
	CHECK(ld_maps_copy(&dst, &src) == 0);
	CHECK(dst.n == src.n && dst.v != src.v);
	for (k = 0; k < src.n; k++) {
		/* paths are interned: the copy shares them (maps.h) */
		CHECK(dst.v[k].path == src.v[k].path);
		CHECK(map_is(&dst.v[k], src.v[k].start, src.v[k].end,
			     src.v[k].perms, src.v[k].offset, src.v[k].path));
		CHECK(dst.v[k].inode == src.v[k].inode);
		CHECK(dst.v[k].dev_major == src.v[k].dev_major);
		CHECK(dst.v[k].dev_minor == src.v[k].dev_minor);
		CHECK(dst.v[k].deleted == src.v[k].deleted);
	}
	ld_maps_release(&src);
	/* The copy owns its paths. */
	CHECK(!strcmp(dst.v[0].path,
		      "/opt/My App/lib/lib with  two spaces.so"));
	CHECK(ld_maps_find(&dst, 0x7f0000003800) == &dst.v[5]);
	CHECK(ld_maps_copy(&empty, &src) == 0 && empty.n == 0);
	ld_maps_release(&empty);
	ld_maps_release(&dst);
	return true;
}

static bool t_basepath(void)
{
	struct ld_map mp = { .path = "/tmp/gone.so (deleted)",
			     .deleted = true };
	char buf[32];

	CHECK(!strcmp(ld_map_basepath(&mp, buf, sizeof(buf)), "/tmp/gone.so"));
	CHECK(!strcmp(ld_map_basepath(&mp, buf, 5), "/tmp"));
	CHECK(!strcmp(ld_map_basepath(&mp, buf, 1), ""));
	CHECK(!strcmp(ld_map_basepath(&mp, buf, 0), ""));
	mp.deleted = false;
	CHECK(!strcmp(ld_map_basepath(&mp, buf, sizeof(buf)), mp.path));
	mp.path = " (deleted)";
	mp.deleted = true;
	CHECK(!strcmp(ld_map_basepath(&mp, buf, sizeof(buf)), ""));
	mp.path = "";
	CHECK(!strcmp(ld_map_basepath(&mp, buf, sizeof(buf)), ""));
	CHECK(!ld_map_is_file(&mp));
	return true;
}

/* /proc/self/maps holds this function's code and this frame's stack. */
static bool t_read_self(void)
{
	struct ld_maps m;
	char err[256];
	int local = 0;
	const struct ld_map *code, *stack;

	ld_maps_init(&m);
	CHECK(ld_maps_read(getpid(), &m, err, sizeof(err)) == 0);
	CHECK(m.n > 3);
	code = ld_maps_find(&m, (uint64_t)(uintptr_t)t_read_self);
	stack = ld_maps_find(&m, (uint64_t)(uintptr_t)&local);
	CHECK(code && code->perms[2] == 'x' && ld_map_is_file(code));
	CHECK(stack && stack->perms[1] == 'w');
	ld_maps_release(&m);
	return true;
}

static bool t_read_gone(void)
{
	struct ld_maps m;
	char err[256];

	ld_maps_init(&m);
	/* Above any pid_max the kernel allows (PID_MAX_LIMIT is 2^22). */
	CHECK(ld_maps_read(INT_MAX, &m, err, sizeof(err)) == -ENOENT);
	CHECK(m.n == 0);
	CHECK(strstr(err, "/proc/2147483647/maps: ") == err);
	return true;
}

/* Line k of the text many_lines() writes: a path whose length runs from 0
 * to about 6,000 (some lines are longer than a read), with and without
 * the blank the kernel ends a nameless line with. */
static size_t many_path(size_t k, char *buf)
{
	size_t len = k % 7 == 3 ? k * 2 : k % 40, i;

	for (i = 0; i < len; i++)
		buf[i] = i ? 'a' + (i + k) % 26 : '/';
	buf[len] = '\0';
	return len;
}

/* n good lines, k at 0x10000 * (k + 1), far more text than one read. */
static char *many_lines(size_t n, size_t *len)
{
	char *text = malloc(n * 6100 + 1), path[6100];
	size_t k, off = 0;

	if (!text)
		return NULL;
	for (k = 0; k < n; k++) {
		off += sprintf(text + off, "%012zx-%012zx %s %08zx %02zx:%02zx %zu",
			       0x10000 * (k + 1), 0x10000 * (k + 1) + 0x1000,
			       k % 2 ? "r-xp" : "rw-s", k * 0x1000, k % 256,
			       (k * 7) % 256, k * 1000003);
		if (many_path(k, path))
			off += sprintf(text + off, "%*s%s", (int)(k % 30) + 1, "",
				       path);
		else if (k % 3)
			text[off++] = ' ';
		text[off++] = '\n';
	}
	text[off] = '\0';
	*len = off;
	return text;
}

/* The start of line n (from 1) of text. */
static char *line_of(char *text, size_t n)
{
	while (--n)
		text = strchr(text, '\n') + 1;
	return text;
}

/* Lines cut across reads and buffers of every size parse as they would
 * alone; a bad line far into the text is still named by its number. */
static bool t_many_lines(void)
{
	size_t n = 3000, len, k;
	char *text = many_lines(n, &len), path[6100], err[256];
	struct ld_maps m;
	bool ok = true;

	CHECK(text);
	CHECK(parse_mem(text, len, &m, err, sizeof(err)) == 0 && m.n == n);
	for (k = 0; k < n && ok; k++) {
		const struct ld_map *v = &m.v[k];

		many_path(k, path);
		ok = map_is(v, 0x10000 * (k + 1), 0x10000 * (k + 1) + 0x1000,
			    k % 2 ? "r-xp" : "rw-s", k * 0x1000, path) &&
		     v->dev_major == k % 256 && v->dev_minor == (k * 7) % 256 &&
		     v->inode == k * 1000003;
		if (!ok)
			printf("# line %zu parsed wrong\n", k + 1);
	}
	ld_maps_release(&m);
	/* Line 2500 loses its '-'; then line 2700 gets a NUL instead. */
	line_of(text, 2500)[12] = ' ';
	ok = ok && parse_mem(text, len, &m, err, sizeof(err)) == -EINVAL &&
	     !strcmp(err, "line 2500: expected '-' after start address") &&
	     m.n == 2499;
	ld_maps_release(&m);
	line_of(text, 2500)[12] = '-';
	line_of(text, 2700)[30] = '\0';
	ok = ok && parse_mem(text, len, &m, err, sizeof(err)) == -EINVAL &&
	     !strcmp(err, "line 2700: embedded NUL byte") && m.n == 2699;
	ld_maps_release(&m);
	free(text);
	return ok;
}

/* A last line with no newline after it, of lengths around each power of
 * two (some end just where a read or a buffer does): its fields end at
 * its end, whatever lies beyond in memory (valgrind watches the reads). */
static bool t_long_last_line(void)
{
	size_t hlen = strlen(GOOD), n = 65536 + 16, k, p;
	char *text = malloc(hlen + n + 1);
	struct ld_maps m;
	char err[256];
	bool ok = true;

	CHECK(text);
	memcpy(text, GOOD, hlen);
	for (k = 0; k < n; k++)
		text[hlen + k] = "0123456789abcdef"[k % 16];
	for (p = 4096; p <= 65536 && ok; p *= 2) {
		for (k = p - 80; k <= p + 16 && ok; k++) {
			ok = parse_mem(text, hlen + k, &m, err, sizeof(err)) ==
			     -EINVAL && m.n == 1 &&
			     !strcmp(err, "line 2: start address has more "
				     "than 16 hex digits");
			ld_maps_release(&m);
		}
	}
	/* A NUL in a last line that is not finished yet. */
	text[hlen + n - 1] = '\0';
	ok = ok && parse_mem(text, hlen + n, &m, err, sizeof(err)) == -EINVAL &&
	     !strcmp(err, "line 2: embedded NUL byte") && m.n == 1;
	ld_maps_release(&m);
	free(text);
	return ok;
}

/* A released list's memory is used again: the next list, larger or
 * smaller, and a copy of it, must not see what was there. */
static bool t_reuse(void)
{
	size_t len;
	char *text = many_lines(2000, &len), err[256];
	struct ld_maps m, copy, self, again;

	CHECK(text);
	CHECK(parse_mem(text, len, &m, err, sizeof(err)) == 0 && m.n == 2000);
	ld_maps_release(&m);
	CHECK(parse_str(GOOD, &m, err, sizeof(err)) == 0 && m.n == 1);
	CHECK(map_is(&m.v[0], 0x400000, 0x401000, "r-xp", 0, "/bin/x"));
	CHECK(ld_maps_find(&m, 0x401000) == NULL);
	CHECK(ld_maps_copy(&copy, &m) == 0 && copy.n == 1);
	ld_maps_release(&m);
	CHECK(parse_mem(text, len, &m, err, sizeof(err)) == 0 && m.n == 2000);
	ld_maps_release(&copy);
	ld_maps_release(&m);
	free(text);
	ld_maps_init(&self);
	ld_maps_init(&again);
	CHECK(ld_maps_read(getpid(), &self, err, sizeof(err)) == 0);
	ld_maps_release(&self);
	CHECK(ld_maps_read(getpid(), &self, err, sizeof(err)) == 0);
	CHECK(ld_maps_read(getpid(), &again, err, sizeof(err)) == 0);
	CHECK(self.n > 3 && self.v[0].start == again.v[0].start);
	ld_maps_release(&self);
	ld_maps_release(&again);
	return true;
}

/* xorshift, so a failure can be replayed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mutated seed text: must parse or fail with "line N: ...", never crash
 * (ASan/valgrind watch the reads). */
static bool t_mutations(void)
{
	static const char alphabet[] =
		"0123456789abcdefABCDEF-: \n\t\0rwxps/[]()";
	struct ld_maps base;
	char err[256], *text = NULL;
	size_t len = 0, k, i;
	uint64_t seed = 0x9e3779b97f4a7c15;
	FILE *f = open_data("seed_after.txt");

	CHECK(f);
	CHECK(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	len = strlen(text);
	ld_maps_init(&base);
	for (k = 0; k < 20000; k++) {
		char *mut = malloc(len);
		struct ld_maps m;
		int rc;

		CHECK(mut);
		memcpy(mut, text, len);
		for (i = rnd(&seed) % 4 + 1; i; i--)
			mut[rnd(&seed) % len] =
				alphabet[rnd(&seed) % (sizeof(alphabet) - 1)];
		rc = parse_mem(mut, rnd(&seed) % len + 1, &m, err, sizeof(err));
		free(mut);
		ld_maps_release(&m);
		CHECK(rc == 0 || (rc == -EINVAL && !strncmp(err, "line ", 5)));
	}
	free(text);
	return true;
}

/* The file mappings by PROCMAP_QUERY equal the file lines of
 * /proc/self/maps, with a shared mapping at an offset and a deleted file
 * in a directory with a blank in its name among them. */
static bool t_read_files(void)
{
	char dir[] = "/tmp/ld maps XXXXXX", path[64];
	struct ld_maps all, files;
	long pg = sysconf(_SC_PAGESIZE);
	char err[256], *a, *b;
	size_t i, k = 0;
	int fd, rc;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 3 * pg) == 0);
	a = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	b = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE, fd, 2 * pg);
	close(fd);
	unlink(path);
	rmdir(dir);
	CHECK(a != MAP_FAILED && b != MAP_FAILED);
	ld_maps_init(&all);
	ld_maps_init(&files);
	rc = ld_maps_read_files(getpid(), &files);
	CHECK(ld_maps_read(getpid(), &all, err, sizeof(err)) == 0);
	munmap(a, (size_t)pg);
	munmap(b, (size_t)pg);
	if (rc == -ENOTTY || rc == -EINVAL) {
		tap_skip_reason = "this kernel has no PROCMAP_QUERY (Linux 6.11)";
		goto out;
	}
	CHECK(rc == 0);
	for (i = 0; i < all.n; i++) {
		const struct ld_map *x = &all.v[i], *y = &files.v[k];

		if (!ld_map_is_file(x))
			continue;
		CHECK(k < files.n);
		CHECK(x->start == y->start && x->end == y->end);
		CHECK(!strcmp(x->perms, y->perms) && x->offset == y->offset);
		CHECK(x->dev_major == y->dev_major && x->dev_minor == y->dev_minor);
		CHECK(x->inode == y->inode && x->deleted == y->deleted);
		CHECK(!strcmp(x->path, y->path));
		k++;
	}
	CHECK(k == files.n && k >= 3);
	CHECK(ld_maps_find(&files, (uint64_t)(uintptr_t)a)->deleted);
	CHECK(!strcmp(ld_maps_find(&files, (uint64_t)(uintptr_t)a)->perms, "rw-s"));
	CHECK(ld_maps_find(&files, (uint64_t)(uintptr_t)b)->offset == (uint64_t)(2 * pg));
out:
	ld_maps_release(&all);
	ld_maps_release(&files);
	return true;
}

int main(void)
{
	run("seed maps before the heap", t_seed_before);
	run("seed maps with [heap]", t_seed_after_heap);
	run("paths with blanks, (deleted), [anon:], no path", t_odd_paths);
	run("empty file", t_empty_file);
	run("malformed data file keeps lines before the bad one",
	    t_malformed_file);
	run("every malformed-line message with its line number", t_bad_lines);
	run("embedded NUL", t_embedded_nul);
	run("very long lines", t_long_lines);
	run("err buffer short, zero or NULL", t_err_buffer);
	run("parse appends and checks order against existing entries",
	    t_append);
	run("read error is -errno", t_read_error);
	run("find at boundaries and gaps", t_find_boundaries);
	run("find against a linear scan", t_find_exhaustive);
	run("copy shares the interned paths", t_copy);
	run("paths are interned and counted", t_intern);
	run("basepath and is_file", t_basepath);
	run("read /proc/self/maps", t_read_self);
	run("file mappings by PROCMAP_QUERY equal maps' file lines", t_read_files);
	run("read a process that is gone", t_read_gone);
	run("thousands of lines across many reads", t_many_lines);
	run("a long last line without a newline", t_long_last_line);
	run("released lists' memory is reused cleanly", t_reuse);
	run("mutated input never crashes", t_mutations);
	return tap_done();
}
