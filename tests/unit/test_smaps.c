/* Unit tests of the smaps / smaps_rollup parser and the page counts
 * (src/smaps.c), over checked-in text in tests/data/smaps:
 * modern.txt is a 6.x kernel's /proc/self/smaps (24 mappings), rollup.txt
 * its smaps_rollup, old_kernel.txt the shape of a 4.x kernel's (no
 * Pss_Dirty, SwapPss, THPeligible, KSM...), the others malformed. */
#include <errno.h>
#include <inttypes.h>
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

/* The quick path compares a line's first 16 bytes with the name of the
 * field expected next: names alike in their first 8 bytes (Private_Clean
 * missing, Private_Dirty there), values wider than the kernel's 8
 * columns, and flags shared with the previous mapping. */
static bool quick_path(void)
{
	static const char text[] =
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
		"Size:                  4 kB\n"
		"Rss:           123456789012 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Dirty:         8 kB\n"
		"Private_Hugetlb:       2 kB\n"
		"VmFlags: rd wr mr mw me ac \n"
		"7f0000001000-7f0000002000 rw-p 00000000 00:00 0 \n"
		"Size:4 kB\n"
		"Private_Clean:        16 kB\n"
		"VmFlags: rd wr mr mw me ac \n"
		"7f0000002000-7f0000003000 rw-p 00000000 00:00 0 \n"
		"VmFlags: rd wr mr mw me \n";
	struct ld_smaps s;
	char err[128];
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	int rc;

	CHECK(f);
	ld_smaps_init(&s);
	rc = ld_smaps_parse(f, &s, err, sizeof err);
	fclose(f);
	printf("# %d %s\n", rc, err);
	CHECK(rc == 0 && s.maps.n == 3);
	CHECK(s.v[0].kb[LD_SM_RSS] == UINT64_C(123456789012));
	CHECK(!ld_smap_has(&s.v[0], LD_SM_PRIVATE_CLEAN));
	CHECK(s.v[0].kb[LD_SM_PRIVATE_DIRTY] == 8);
	CHECK(!ld_smap_has(&s.v[0], LD_SM_SHARED_HUGETLB));
	CHECK(s.v[0].kb[LD_SM_PRIVATE_HUGETLB] == 2);
	CHECK(s.v[1].kb[LD_SM_SIZE] == 4 && s.v[1].kb[LD_SM_PRIVATE_CLEAN] == 16);
	CHECK(!ld_smap_has(&s.v[1], LD_SM_PRIVATE_DIRTY));
	CHECK(s.v[0].vmflags == s.v[1].vmflags);
	CHECK(!strcmp(s.v[2].vmflags, "rd wr mr mw me"));
	ld_smaps_release(&s);
	return true;
}

static const enum ld_smaps_field cols[] = {
	LD_SM_SIZE, LD_SM_RSS, LD_SM_PSS, LD_SM_SHARED_CLEAN, LD_SM_SHARED_DIRTY,
	LD_SM_PRIVATE_CLEAN, LD_SM_PRIVATE_DIRTY, LD_SM_REFERENCED,
	LD_SM_ANONYMOUS, LD_SM_SWAP, LD_SM_SWAPPSS, LD_SM_ANONHUGE, LD_SM_LOCKED,
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* 3,000 mappings of all shapes (wide offsets and inodes, 3-digit devices,
 * a 40,000-byte path, missing fields and flags), as text; NULL on ENOMEM. */
static char *many_text(void)
{
	char *text = NULL, *big = malloc(40001);
	size_t len;
	FILE *f = open_memstream(&text, &len);
	unsigned i, c;

	if (!f || !big)
		return NULL;
	memset(big, 'p', 40000);
	big[0] = '/';
	big[40000] = 0;
	for (i = 0; i < 3000; i++) {
		fprintf(f, "%x000-%x000 %s %08x%s %02x:%02x %u %s\n", 0x10000 + 2 * i,
			0x10001 + 2 * i, i % 2 ? "rw-p" : "r-xs", i * 4096u,
			i % 7 ? "" : "abcde", i % 300, i % 11 * 30, i * 977u,
			i == 1500 ? big : i % 5 ? "/lib/x (deleted)" : "");
		for (c = 0; c < NCOLS; c++)
			if (cols[c] != LD_SM_SWAPPSS || i % 3)
				fprintf(f, "%s: %u kB\n", ld_smaps_field_name(cols[c]),
					i * (c + 1) % 1000 * (c == 1 ? 100003 : 1));
		if (i % 4)
			fprintf(f, "VmFlags: rd wr%s \n", i % 8 ? " mr mw me" : "");
	}
	fclose(f);
	free(big);
	return text;
}

/* One row as printf formats it: the oracle for the table's own
 * formatting. */
static void printf_row(FILE *f, const struct ld_smaps *s, size_t i,
		       const int *w, int flags_w)
{
	const struct ld_map *mp = &s->maps.v[i];
	const struct ld_smap *m = &s->v[i];
	size_t c;

	fprintf(f, "%16" PRIx64 " %s %08" PRIx64 " %02x:%02x %7" PRIu64, mp->start,
		mp->perms, mp->offset, mp->dev_major, mp->dev_minor, mp->inode);
	for (c = 0; c < NCOLS; c++) {
		if (ld_smap_has(m, cols[c]))
			fprintf(f, " %*" PRIu64, w[c], m->kb[cols[c]]);
		else
			fprintf(f, " %*s", w[c], "-");
	}
	fprintf(f, " %-*s %s\n", flags_w, m->vmflags ? m->vmflags : "-", mp->path);
}

static bool render_rows(void)
{
	char *text = many_text(), *ours = NULL, *want = NULL, err[128];
	size_t len, wlen, i, c;
	struct ld_smaps s;
	int w[NCOLS], flags_w = 7;
	FILE *f;

	CHECK(text);
	f = fmemopen(text, strlen(text), "r");
	ld_smaps_init(&s);
	CHECK(ld_smaps_parse(f, &s, err, sizeof err) == 0);
	fclose(f);
	CHECK(s.maps.n == 3000 && strlen(s.maps.v[1500].path) == 40000);
	f = open_memstream(&ours, &len);
	ld_smaps_render(f, &s, 7);
	fclose(f);
	for (c = 0; c < NCOLS; c++) {
		char d[24];
		int n = snprintf(d, sizeof d, "%" PRIu64, ld_smaps_total(&s, cols[c]));

		w[c] = (int)strlen(ld_smaps_field_name(cols[c]));
		w[c] = n > w[c] ? n : w[c];
	}
	for (i = 0; i < s.maps.n; i++)
		if (s.v[i].vmflags && (int)strlen(s.v[i].vmflags) > flags_w)
			flags_w = (int)strlen(s.v[i].vmflags);
	f = open_memstream(&want, &wlen);
	for (i = 0; i < s.maps.n; i++)
		printf_row(f, &s, i, w, flags_w);
	fclose(f);
	/* the rows follow the two header lines */
	CHECK(!strncmp(strchr(strchr(ours, '\n') + 1, '\n') + 1, want, wlen));
	free(ours);
	free(want);
	free(text);
	ld_smaps_release(&s);
	return true;
}

/* The delta text of a diff: rss, then the counts that changed; a Pss
 * that moved alone is said rather than a bare "+0 B". */
static bool delta_text(void)
{
	struct ld_pages a = { .rss = 4, .pss = 4, .private_dirty = 4 }, b = a;
	char t[256];

	b.rss = 136;
	b.private_dirty = 136;
	CHECK(!strcmp(ld_pages_delta_text(&a, &b, t, sizeof t),
		      "rss 4 KiB -> 136 KiB (+132 KiB, private dirty +132 KiB)"));
	CHECK(!strcmp(ld_pages_delta_text(NULL, &a, t, sizeof t),
		      "rss 0 B -> 4 KiB (+4 KiB, private dirty +4 KiB)"));
	b = a;
	b.pss = 2;
	CHECK(!strcmp(ld_pages_delta_text(&a, &b, t, sizeof t),
		      "rss 4 KiB -> 4 KiB (+0 B, pss -2 KiB)"));
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
	run("quick path: names alike, wide values, shared flags", quick_path);
	run("page delta text, a Pss that moved alone", delta_text);
	run("the table's rows equal printf's, 3,000 rows and a long path", render_rows);
	return tap_done();
}
