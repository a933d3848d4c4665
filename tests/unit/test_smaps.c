/* Unit tests of the smaps / smaps_rollup parser and the page counts
 * (src/smaps.c), over checked-in text in tests/data/smaps:
 * modern.txt is a 6.x kernel's /proc/self/smaps (24 mappings), rollup.txt
 * its smaps_rollup, old_kernel.txt the shape of a 4.x kernel's (no
 * Pss_Dirty, SwapPss, THPeligible, KSM...), the others malformed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/pages.h"
#include "layoutdbg/smaps.h"

static int parse_file(const char *name, struct ld_smaps *s, char *err,
		      size_t errlen)
{
	const char *dir = getenv("LD_TEST_DATA");
	char path[4096];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/smaps/%s", dir ? dir : "tests/data", name);
	ld_smaps_init(s);
	f = fopen(path, "r");
	if (!f) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -ENOENT;
	}
	rc = ld_smaps_parse(f, s, err, errlen);
	fclose(f);
	return rc;
}

static bool modern(void)
{
	struct ld_smaps s;
	char err[128];
	const struct ld_smap *heap = NULL;
	size_t i;

	CHECK(parse_file("modern.txt", &s, err, sizeof err) == 0);
	CHECK(!strcmp(err, ""));
	CHECK(s.maps.n == 24);
	for (i = 0; i < s.maps.n; i++)
		if (!strcmp(s.maps.v[i].path, "[heap]"))
			heap = &s.v[i];
	CHECK(heap);
	CHECK(heap->kb[LD_SM_SIZE] == 132);
	CHECK(heap->kb[LD_SM_RSS] == 4);
	CHECK(heap->kb[LD_SM_PRIVATE_DIRTY] == 4);
	CHECK(heap->thp_eligible == 0);
	CHECK(heap->pkey == -1);
	CHECK(heap->vmflags && !strcmp(heap->vmflags, "rd wr mr mw me ac"));
	/* Pss_Anon, Pss_File, Pss_Shmem: smaps_rollup only */
	CHECK(s.have == ((UINT32_C(1) << LD_SM_N) - 1 - (UINT32_C(1) << LD_SM_PSS_ANON) -
			 (UINT32_C(1) << LD_SM_PSS_FILE) - (UINT32_C(1) << LD_SM_PSS_SHMEM)));
	CHECK(s.have_thp && s.have_vmflags && !s.unknown);
	/* totals as awk sums the file */
	CHECK(ld_smaps_total(&s, LD_SM_RSS) == 1308);
	CHECK(ld_smaps_total(&s, LD_SM_PSS) == 162);
	CHECK(ld_smaps_total(&s, LD_SM_PRIVATE_DIRTY) == 112);
	for (i = 0; i < s.maps.n; i++)
		CHECK(s.v[i].kb[LD_SM_SIZE] * 1024 ==
		      s.maps.v[i].end - s.maps.v[i].start);
	ld_smaps_release(&s);
	return true;
}

static bool rollup(void)
{
	struct ld_smaps s;
	char err[128];

	CHECK(parse_file("rollup.txt", &s, err, sizeof err) == 0);
	CHECK(s.maps.n == 1 && !strcmp(s.maps.v[0].path, "[rollup]"));
	CHECK(s.v[0].kb[LD_SM_RSS] == 1312);
	CHECK(s.v[0].kb[LD_SM_PSS_ANON] == 104);
	CHECK(!ld_smap_has(&s.v[0], LD_SM_SIZE));   /* the rollup has none */
	CHECK(!s.have_vmflags && !s.have_thp);
	ld_smaps_release(&s);
	return true;
}

/* A kernel without some fields: they are absent, not zero by accident. */
static bool old_kernel(void)
{
	struct ld_smaps s;
	char err[128];
	struct ld_pages pg;

	CHECK(parse_file("old_kernel.txt", &s, err, sizeof err) == 0);
	CHECK(s.maps.n == 3);
	CHECK(!(s.have >> LD_SM_PSS_DIRTY & 1));
	CHECK(!(s.have >> LD_SM_SWAPPSS & 1));
	CHECK(!(s.have >> LD_SM_KSM & 1));
	CHECK(s.have >> LD_SM_SWAP & 1);
	CHECK(!s.have_thp && s.v[2].thp_eligible == -1);
	CHECK(s.v[2].kb[LD_SM_SWAP] == 8);
	ld_pages_of(&s.v[2], &pg);
	CHECK(pg.rss == 128 && pg.private_dirty == 120 && pg.swap == 8);
	CHECK(!strcmp(s.v[0].vmflags, "rd ex mr mw me dw"));
	ld_smaps_release(&s);
	return true;
}

/* Each malformed file: the error, its line, and what came before kept. */
static bool bad_one(const char *file, const char *want, size_t kept)
{
	struct ld_smaps s;
	char err[160];
	int rc = parse_file(file, &s, err, sizeof err);

	printf("# %s: %d %s\n", file, rc, err);
	CHECK(rc == -EINVAL);
	CHECK(strstr(err, want));
	CHECK(s.maps.n == kept);
	ld_smaps_release(&s);
	return true;
}

static bool malformed(void)
{
	CHECK(bad_one("bad_value.txt", "line 8: bad Rss value", 2));
	CHECK(bad_one("field_first.txt", "line 1: field \"Rss\" before any mapping", 0));
	CHECK(bad_one("twice.txt", "line 4: Rss given twice", 1));
	CHECK(bad_one("bad_unit.txt", "line 3: Rss: expected \"N kB\"", 1));
	CHECK(bad_one("overlap.txt", "line 4: start 0x7f0000000000 below the end", 1));
	CHECK(bad_one("no_colon.txt", "line 3: expected \"Name: value\"", 1));
	CHECK(bad_one("overflow.txt", "line 3: bad Rss value", 1));
	CHECK(bad_one("bad_vmflags.txt", "line 3: bad VmFlags", 1));
	CHECK(bad_one("nul.txt", "line 3: Rss: expected", 1));
	return true;
}

/* An unknown field (a newer kernel) is skipped and counted; a last line
 * without its newline is still a line. */
static bool unknown_and_tail(void)
{
	struct ld_smaps s;
	char err[128];
	const char text[] = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
			    "Size: 4 kB\nFutureField:  7 kB\nRss:  4 kB";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");

	ld_smaps_init(&s);
	CHECK(f);
	CHECK(ld_smaps_parse(f, &s, err, sizeof err) == 0);
	fclose(f);
	CHECK(s.unknown == 1 && s.v[0].kb[LD_SM_RSS] == 4);
	ld_smaps_release(&s);
	CHECK(parse_file("no_newline.txt", &s, err, sizeof err) == 0);
	CHECK(s.v[0].kb[LD_SM_RSS] == 4);
	ld_smaps_release(&s);
	return true;
}

/* A mapping longer than one read buffer: many unknown lines. */
static bool long_record(void)
{
	size_t cap = 400000, n = 0, i;
	char *text = malloc(cap), err[128];
	struct ld_smaps s;
	FILE *f;

	CHECK(text);
	n += (size_t)sprintf(text + n, "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n");
	for (i = 0; i < 10000; i++)
		n += (size_t)sprintf(text + n, "Extra%zu: 1 kB\n", i);
	n += (size_t)sprintf(text + n, "Rss: 4 kB\n");
	f = fmemopen(text, n, "r");
	ld_smaps_init(&s);
	CHECK(f && ld_smaps_parse(f, &s, err, sizeof err) == 0);
	fclose(f);
	CHECK(s.unknown == 10000 && s.v[0].kb[LD_SM_RSS] == 4);
	ld_smaps_release(&s);
	free(text);
	return true;
}

/* Our own smaps: the [stack] is resident, and the read agrees with the
 * maps of the same process. */
static bool self_read(void)
{
	struct ld_smaps s;
	struct ld_maps m;
	char err[128];
	size_t i;

	ld_smaps_init(&s);
	ld_maps_init(&m);
	CHECK(ld_smaps_read(getpid(), false, &s, err, sizeof err) == 0);
	CHECK(ld_maps_read(getpid(), &m, err, sizeof err) == 0);
	CHECK(s.maps.n > 5);
	for (i = 0; i < s.maps.n; i++)
		if (!strcmp(s.maps.v[i].path, "[stack]"))
			CHECK(s.v[i].kb[LD_SM_RSS] > 0);
	ld_maps_release(&m);
	ld_smaps_release(&s);
	CHECK(ld_smaps_read(getpid(), true, &s, err, sizeof err) == 0);
	CHECK(s.maps.n == 1 && s.v[0].kb[LD_SM_RSS] > 0);
	ld_smaps_release(&s);
	CHECK(ld_smaps_read(999999999, false, &s, err, sizeof err) == -ENOENT);
	CHECK(strstr(err, "/proc/999999999/smaps: "));
	return true;
}

/* pagemap of our own pages: a touched one present, an untouched one not. */
static bool pagemap_self(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = aligned_alloc((size_t)pg, 4 * (size_t)pg);
	uint64_t e[4];
	int fd = ld_pagemap_open(getpid());

	CHECK(p && fd >= 0);
	memset(p, 1, (size_t)pg);
	CHECK(ld_pagemap_read(fd, (uint64_t)(uintptr_t)p, 1, e) == 0);
	CHECK(ld_page_state_of(e[0]) == LD_PS_PRESENT);
	CHECK(ld_page_state_of(0) == LD_PS_ABSENT);
	CHECK(ld_page_state_of(LD_PM_SWAPPED) == LD_PS_SWAPPED);
	close(fd);
	free(p);
	return true;
}

/* The table of a kernel lacking fields: no column for them, a note
 * naming them; the modern kernel's: every column, totals as awk sums. */
static bool render(void)
{
	struct ld_smaps s;
	char err[128], *text = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(parse_file("old_kernel.txt", &s, err, sizeof err) == 0);
	f = open_memstream(&text, &len);
	CHECK(f);
	ld_smaps_render(f, &s, 42);
	fclose(f);
	CHECK(strstr(text, "process 42\n"));
	{
		char *head = strstr(text, "Address"), *nl = head ? strchr(head, '\n') : NULL;

		CHECK(nl);
		*nl = 0;
		CHECK(!strstr(head, " SwapPss") && strstr(head, " Swap "));
		CHECK(!strstr(head, "THPeligible") && strstr(head, "VmFlags"));
		*nl = '\n';
	}
	CHECK(strstr(text, "note: this kernel does not report SwapPss, THPeligible\n"));
	CHECK(strstr(text, "    1a6f000 rw-p 00000000 00:00       0  132 128 128 "));
	CHECK(strstr(text, " KB (3 mappings)\n"));
	free(text);
	ld_smaps_release(&s);
	CHECK(parse_file("modern.txt", &s, err, sizeof err) == 0);
	f = open_memstream(&text, &len);
	ld_smaps_render(f, &s, 42);
	fclose(f);
	CHECK(!strstr(text, "note:"));
	CHECK(strstr(text, " THPeligible VmFlags"));
	CHECK(strstr(text, " 1308 "));    /* the Rss total */
	free(text);
	ld_smaps_release(&s);
	return true;
}

/* A read that fails half way (the process gone): what came before is
 * kept, the error says where. */
static ssize_t cut_read(void *cookie, char *buf, size_t n)
{
	const char **p = cookie;
	size_t k = strlen(*p);

	if (!k) {
		errno = ESRCH;
		return -1;
	}
	k = k < n ? k : n;
	memcpy(buf, *p, k);
	*p += k;
	return (ssize_t)k;
}

static bool cut_short(void)
{
	const char *text = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
			   "Size: 4 kB\nRss: 4 kB\n"
			   "7f0000002000-7f0000003000 rw-p 00000000 00:00 0 \n"
			   "Size: 4 kB\n";
	cookie_io_functions_t io = { .read = cut_read };
	struct ld_smaps s;
	char err[128];
	FILE *f = fopencookie(&text, "r", io);
	int rc;

	CHECK(f);
	ld_smaps_init(&s);
	rc = ld_smaps_parse(f, &s, err, sizeof err);
	fclose(f);
	printf("# %d %s\n", rc, err);
	CHECK(rc == -ESRCH);
	CHECK(strstr(err, "line 6: No such process"));
	CHECK(s.maps.n == 2 && s.v[0].kb[LD_SM_RSS] == 4);
	CHECK(!ld_smap_has(&s.v[1], LD_SM_RSS));
	ld_smaps_release(&s);
	return true;
}

int main(void)
{
	run("modern kernel's smaps", modern);
	run("smaps_rollup", rollup);
	run("old kernel: missing fields", old_kernel);
	run("malformed lines", malformed);
	run("unknown fields, last line without newline", unknown_and_tail);
	run("record longer than a read", long_record);
	run("reading our own smaps", self_read);
	run("pagemap of our own pages", pagemap_self);
	run("the table: columns of the fields the kernel printed", render);
	run("a read cut short keeps what came before", cut_short);
	return tap_done();
}
