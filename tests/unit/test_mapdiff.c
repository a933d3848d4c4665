/* Unit tests of the mapping-list diff (src/mapdiff.c).
 *
 * Prints TAP; exits 1 if any case failed.  Data files are found under
 * $LD_TEST_DATA (the tests/data directory), else tests/data from the cwd.
 * The seed_*.txt files are the seed walkthrough's maps: seed_before.txt as
 * `cat /proc/PID/maps` printed it, seed_after.txt with its [heap],
 * seed_heap_grown.txt after brk moved, seed_prerelro.txt with libc's data
 * still one rw-p mapping, as ld.so maps it before mprotect(RELRO).
 * grow_start_before/after.txt are a real process's maps around four
 * changes: its stack grown down by 0x474000, an anonymous mmap merged
 * below an anonymous mapping, munmap of a file mapping's first page, and
 * munmap of an anonymous mapping's last two pages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* mremap */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tap.h"
#include "layoutdbg/json.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"

/* Lists parsed by the helpers below stay alive until the process ends:
 * changes point into them, and a failed CHECK returns early. */
static struct ld_maps *parse_file(const char *name)
{
	const char *dir = getenv("LD_TEST_DATA");
	struct ld_maps *m = malloc(sizeof(*m));
	char path[4096], err[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/maps/%s", dir ? dir : "tests/data",
		 name);
	f = fopen(path, "r");
	if (!f || !m) {
		printf("Bail out! cannot open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	ld_maps_init(m);
	if (ld_maps_parse(f, m, err, sizeof(err))) {
		printf("Bail out! %s: %s\n", path, err);
		exit(1);
	}
	fclose(f);
	return m;
}

static struct ld_maps *parse_str(const char *text)
{
	struct ld_maps *m = malloc(sizeof(*m));
	char err[256];
	FILE *f;

	if (!m)
		exit(1);
	ld_maps_init(m);
	if (!*text)
		return m;
	f = fmemopen((void *)text, strlen(text), "r");
	if (!f || ld_maps_parse(f, m, err, sizeof(err))) {
		printf("Bail out! bad test text: %s\n", err);
		exit(1);
	}
	fclose(f);
	return m;
}

static void free_maps(struct ld_maps *m)
{
	ld_maps_release(m);
	free(m);
}

static uint64_t key(const struct ld_map_change *c)
{
	return c->after ? c->after->start : c->before->start;
}

/* Order, and before/after pointing into the right list. */
static bool well_formed(const struct ld_maps *a, const struct ld_maps *b,
			const struct ld_map_diff *d)
{
	size_t k;

	for (k = 0; k < d->n; k++) {
		const struct ld_map_change *c = &d->v[k];

		CHECK(c->before || c->after);
		CHECK(!c->before ||
		      (c->before >= a->v && c->before < a->v + a->n));
		CHECK(!c->after ||
		      (c->after >= b->v && c->after < b->v + b->n));
		CHECK(!k || key(&d->v[k - 1]) <= key(c));
	}
	return true;
}

static bool change_is(const struct ld_map_change *c,
		      enum ld_map_change_kind kind,
		      const struct ld_map *before, const struct ld_map *after,
		      bool perms_changed)
{
	if (c->kind == kind && c->before == before && c->after == after &&
	    c->perms_changed == perms_changed)
		return true;
	printf("# got %s %p %p %d\n", ld_map_change_name(c->kind),
	       (void *)c->before, (void *)c->after, c->perms_changed);
	return false;
}

static bool diff(const struct ld_maps *a, const struct ld_maps *b,
		 struct ld_map_diff *d)
{
	ld_map_diff_init(d);
	CHECK(ld_maps_diff(a, b, d) == 0);
	return well_formed(a, b, d);
}

static bool t_identical(void)
{
	struct ld_maps *a = parse_file("seed_after.txt"), copy;
	struct ld_map_diff d;

	CHECK(diff(a, a, &d) && d.n == 0);
	CHECK(ld_maps_copy(&copy, a) == 0);
	CHECK(diff(a, &copy, &d) && d.n == 0);
	ld_map_diff_release(&d);
	ld_maps_release(&copy);
	free_maps(a);
	return true;
}

static bool t_heap_added(void)
{
	struct ld_maps *a = parse_file("seed_before.txt");
	struct ld_maps *b = parse_file("seed_after.txt");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 1);
	CHECK(change_is(&d.v[0], LD_MC_ADDED, NULL, &b->v[5], false));
	CHECK(!strcmp(d.v[0].after->path, "[heap]"));
	ld_map_diff_release(&d);
	CHECK(diff(b, a, &d) && d.n == 1);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &b->v[5], NULL, false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

static bool t_heap_grown(void)
{
	struct ld_maps *a = parse_file("seed_after.txt");
	struct ld_maps *b = parse_file("seed_heap_grown.txt");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 1);
	CHECK(change_is(&d.v[0], LD_MC_GROWN, &a->v[5], &b->v[5], false));
	CHECK(d.v[0].after->end == 0x55555559b000);
	ld_map_diff_release(&d);
	CHECK(diff(b, a, &d) && d.n == 1);
	CHECK(change_is(&d.v[0], LD_MC_SHRUNK, &b->v[5], &a->v[5], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* libc's rw-p 0x6000 at 0x214000 becomes r--p 0x4000 + rw-p 0x2000. */
static bool t_relro_split(void)
{
	struct ld_maps *a = parse_file("seed_prerelro.txt");
	struct ld_maps *b = parse_file("seed_before.txt");
	struct ld_map_diff d;

	CHECK(a->v[9].end - a->v[9].start == 0x6000);
	CHECK(diff(a, b, &d) && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_SPLIT, &a->v[9], &b->v[9], true));
	CHECK(change_is(&d.v[1], LD_MC_SPLIT, &a->v[9], &b->v[10], false));
	CHECK(!strcmp(d.v[0].after->perms, "r--p"));
	CHECK(d.v[0].after->offset == 0x214000);
	CHECK(d.v[1].after->offset == 0x218000);
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

static bool t_merged(void)
{
	struct ld_maps *a = parse_file("seed_before.txt");
	struct ld_maps *b = parse_file("seed_prerelro.txt");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_MERGED, &a->v[9], &b->v[9], true));
	CHECK(change_is(&d.v[1], LD_MC_MERGED, &a->v[10], &b->v[9], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

#define ANON(range, perms) range " " perms " 00000000 00:00 0\n"
#define LIB(range, perms, off) \
	range " " perms " " off " 08:01 77      /usr/lib/libx.so\n"

/* A thread stack: mmap, then mprotect of its lowest page as a guard. */
static bool t_anon_split(void)
{
	struct ld_maps *a = parse_str(
		ANON("7f0000000000-7f0000010000", "rw-p"));
	struct ld_maps *b = parse_str(
		ANON("7f0000000000-7f0000001000", "---p")
		ANON("7f0000001000-7f0000010000", "rw-p"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_SPLIT, &a->v[0], &b->v[0], true));
	CHECK(change_is(&d.v[1], LD_MC_SPLIT, &a->v[0], &b->v[1], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

static bool t_munmap_removed(void)
{
	struct ld_maps *a = parse_str(
		ANON("7f0000000000-7f0000001000", "rw-p")
		LIB("7f0000001000-7f0000003000", "r--p", "00000000")
		ANON("7f0000010000-7f0000020000", "rw-p"));
	struct ld_maps *b = parse_str(
		ANON("7f0000000000-7f0000001000", "rw-p")
		ANON("7f0000010000-7f0000020000", "rw-p"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 1);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &a->v[1], NULL, false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* mremap(MREMAP_MAYMOVE) of a file mapping; the anonymous one that moved
 * too cannot be told from a new one and stays removed + added. */
static bool t_mremap_moved(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00002000")
		ANON("7f0000004000-7f0000005000", "rw-p")
		ANON("7f0000100000-7f0000101000", "rw-p"));
	struct ld_maps *b = parse_str(
		ANON("7f0000100000-7f0000101000", "rw-p")
		ANON("7f0000200000-7f0000201000", "rw-p")
		LIB("7f0000300000-7f0000302000", "r--p", "00002000"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 3);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &a->v[1], NULL, false));
	CHECK(change_is(&d.v[1], LD_MC_ADDED, NULL, &b->v[1], false));
	CHECK(change_is(&d.v[2], LD_MC_MOVED, &a->v[0], &b->v[2], false));
	ld_map_diff_release(&d);
	CHECK(diff(b, a, &d) && d.n == 3);
	CHECK(change_is(&d.v[0], LD_MC_MOVED, &b->v[2], &a->v[0], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* A move needs the same offset and size; perms may change on the way. */
static bool t_moved_strict(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00002000")
		LIB("7f0000005000-7f0000006000", "r--p", "00005000")
		LIB("7f0000008000-7f0000009000", "r--p", "00008000"));
	struct ld_maps *b = parse_str(
		LIB("7f0000101000-7f0000103000", "rw-p", "00002000")
		LIB("7f0000105000-7f0000106000", "r--p", "00006000")
		LIB("7f0000108000-7f000010a000", "r--p", "00008000"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 5);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &a->v[1], NULL, false));
	CHECK(change_is(&d.v[1], LD_MC_REMOVED, &a->v[2], NULL, false));
	CHECK(change_is(&d.v[2], LD_MC_MOVED, &a->v[0], &b->v[0], true));
	CHECK(change_is(&d.v[3], LD_MC_ADDED, NULL, &b->v[1], false));
	CHECK(change_is(&d.v[4], LD_MC_ADDED, NULL, &b->v[2], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

static bool t_perms(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r-xp", "00001000")
		ANON("7f0000004000-7f0000005000", "rw-p"));
	struct ld_maps *b = parse_str(
		LIB("7f0000001000-7f0000003000", "rwxp", "00001000")
		ANON("7f0000004000-7f0000005000", "r--p"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_PERMS, &a->v[0], &b->v[0], true));
	CHECK(change_is(&d.v[1], LD_MC_PERMS, &a->v[1], &b->v[1], true));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* Growth at the start: the stack, and an anonymous mmap placed right below
 * an anonymous mapping with the same flags (the kernel merges them). */
static bool t_grown_down(void)
{
	struct ld_maps *a = parse_str(
		ANON("7ffff7d77000-7ffff7d7a000", "rw-p")
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
	struct ld_maps *b = parse_str(
		ANON("7ffff7d57000-7ffff7d7a000", "rw-p")
		"7ffffffdd000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_GROWN, &a->v[0], &b->v[0], false));
	CHECK(change_is(&d.v[1], LD_MC_GROWN, &a->v[1], &b->v[1], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* A grown file mapping must keep its offset; with another one it is a
 * different part of the file mapped over the old (MAP_FIXED). */
static bool t_offset_changed(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00000000"));
	struct ld_maps *b = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00001000")
		LIB("7f0000005000-7f0000008000", "r--p", "00005000"));
	struct ld_maps *c = parse_str(
		LIB("7f0000001000-7f0000004000", "r--p", "00001000"));
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 3);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &a->v[0], NULL, false));
	CHECK(change_is(&d.v[1], LD_MC_ADDED, NULL, &b->v[0], false));
	CHECK(change_is(&d.v[2], LD_MC_ADDED, NULL, &b->v[1], false));
	ld_map_diff_release(&d);
	CHECK(diff(a, c, &d) && d.n == 2);
	CHECK(d.v[0].kind == LD_MC_REMOVED && d.v[1].kind == LD_MC_ADDED);
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	free_maps(c);
	return true;
}

/* Overlaps that no single syscall explains degrade to removed + added, in
 * address order. */
static bool t_partial_overlap(void)
{
	struct ld_maps *a = parse_str(
		ANON("7f0000001000-7f0000004000", "rw-p")
		ANON("7f0000004000-7f0000008000", "r--p")
		LIB("7f0000010000-7f0000014000", "r--p", "00000000"));
	struct ld_maps *b = parse_str(
		ANON("7f0000000000-7f0000002000", "rw-p")
		ANON("7f0000002000-7f0000006000", "r--p")
		"7f0000012000-7f0000016000 rw-p 00000000 00:00 0 [heap]\n");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 6);
	CHECK(change_is(&d.v[0], LD_MC_ADDED, NULL, &b->v[0], false));
	CHECK(change_is(&d.v[1], LD_MC_REMOVED, &a->v[0], NULL, false));
	CHECK(change_is(&d.v[2], LD_MC_ADDED, NULL, &b->v[1], false));
	CHECK(change_is(&d.v[3], LD_MC_REMOVED, &a->v[1], NULL, false));
	CHECK(change_is(&d.v[4], LD_MC_REMOVED, &a->v[2], NULL, false));
	CHECK(change_is(&d.v[5], LD_MC_ADDED, NULL, &b->v[2], false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* Pieces that leave a hole, or belong to another object, are no split. */
static bool t_not_a_split(void)
{
	struct ld_maps *a = parse_str(
		ANON("7f0000000000-7f0000010000", "rw-p"));
	struct ld_maps *b = parse_str(
		ANON("7f0000000000-7f0000001000", "rw-p")
		ANON("7f0000002000-7f0000010000", "rw-p"));
	struct ld_maps *c = parse_str(
		ANON("7f0000000000-7f0000001000", "rw-p")
		"7f0000001000-7f0000010000 rw-p 00000000 00:00 0 [anon:x]\n");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 3);
	CHECK(d.v[0].kind == LD_MC_REMOVED && d.v[1].kind == LD_MC_ADDED &&
	      d.v[2].kind == LD_MC_ADDED);
	ld_map_diff_release(&d);
	CHECK(diff(a, c, &d) && d.n == 3);
	CHECK(d.v[0].kind == LD_MC_REMOVED && d.v[1].kind == LD_MC_ADDED &&
	      d.v[2].kind == LD_MC_ADDED);
	ld_map_diff_release(&d);
	CHECK(diff(c, a, &d) && d.n == 3);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &c->v[0], NULL, false));
	CHECK(change_is(&d.v[1], LD_MC_ADDED, NULL, &a->v[0], false));
	CHECK(change_is(&d.v[2], LD_MC_REMOVED, &c->v[1], NULL, false));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	free_maps(c);
	return true;
}

/* Unlinking a mapped file changes its name, not the layout. */
static bool t_deleted_same(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00000000"));
	struct ld_maps *b = parse_str(
		"7f0000001000-7f0000003000 r--p 00000000 08:01 77 "
		"/usr/lib/libx.so (deleted)\n");
	struct ld_maps *c = parse_str(
		"7f0000001000-7f0000003000 r--p 00000000 08:01 78 "
		"/usr/lib/libx.so\n");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 0);
	/* Same path, other inode: another file. */
	CHECK(diff(a, c, &d) && d.n == 2);
	CHECK(d.v[0].kind == LD_MC_REMOVED && d.v[1].kind == LD_MC_ADDED);
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	free_maps(c);
	return true;
}

static bool t_empty_lists(void)
{
	struct ld_maps *e = parse_str("");
	struct ld_maps *s = parse_file("seed_after.txt");
	struct ld_map_diff d;
	size_t k;

	CHECK(diff(e, e, &d) && d.n == 0);
	CHECK(diff(e, s, &d) && d.n == s->n);
	for (k = 0; k < s->n; k++)
		CHECK(change_is(&d.v[k], LD_MC_ADDED, NULL, &s->v[k], false));
	ld_map_diff_release(&d);
	CHECK(diff(s, e, &d) && d.n == s->n);
	for (k = 0; k < s->n; k++)
		CHECK(change_is(&d.v[k], LD_MC_REMOVED, &s->v[k], NULL, false));
	ld_map_diff_release(&d);
	free_maps(e);
	free_maps(s);
	return true;
}

/* ld_maps_diff appends; moves pair only among its own changes. */
static bool t_appends(void)
{
	struct ld_maps *a = parse_str(
		LIB("7f0000001000-7f0000003000", "r--p", "00002000"));
	struct ld_maps *b = parse_str(
		LIB("7f0000101000-7f0000103000", "r--p", "00002000"));
	struct ld_maps *e = parse_str("");
	struct ld_map_diff d;

	ld_map_diff_init(&d);
	CHECK(ld_maps_diff(a, e, &d) == 0 && d.n == 1);
	CHECK(ld_maps_diff(e, b, &d) == 0 && d.n == 2);
	CHECK(change_is(&d.v[0], LD_MC_REMOVED, &a->v[0], NULL, false));
	CHECK(change_is(&d.v[1], LD_MC_ADDED, NULL, &b->v[0], false));
	CHECK(ld_maps_diff(a, b, &d) == 0 && d.n == 3);
	CHECK(change_is(&d.v[2], LD_MC_MOVED, &a->v[0], &b->v[0], false));
	ld_map_diff_release(&d);
	CHECK(d.n == 0 && d.v == NULL);
	free_maps(a);
	free_maps(b);
	free_maps(e);
	return true;
}

/* The seed's whole story at once: libc's RELRO, the heap, the stack. */
static bool t_combined(void)
{
	struct ld_maps *a = parse_file("seed_prerelro.txt");
	struct ld_maps *b = parse_file("seed_heap_grown.txt");
	struct ld_map_diff d;

	CHECK(diff(a, b, &d) && d.n == 3);
	CHECK(d.v[0].kind == LD_MC_ADDED);
	CHECK(!strcmp(d.v[0].after->path, "[heap]"));
	CHECK(d.v[1].kind == LD_MC_SPLIT && d.v[2].kind == LD_MC_SPLIT);
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

static bool t_names(void)
{
	CHECK(!strcmp(ld_map_change_name(LD_MC_ADDED), "added"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_REMOVED), "removed"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_GROWN), "grown"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_SHRUNK), "shrunk"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_MOVED), "moved"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_PERMS), "perms"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_SPLIT), "split"));
	CHECK(!strcmp(ld_map_change_name(LD_MC_MERGED), "merged"));
	CHECK(!strcmp(ld_map_change_name((enum ld_map_change_kind)99),
		      "unknown"));
	CHECK(!strcmp(ld_map_change_name((enum ld_map_change_kind)-1),
		      "unknown"));
	return true;
}

/* n file pages, page k at base + k * stride with offset k pages.  Paths
 * are shared string literals: these lists are never released. */
static void fill(struct ld_map *v, size_t n, uint64_t base, uint64_t stride)
{
	size_t k;

	for (k = 0; k < n; k++) {
		memset(&v[k], 0, sizeof(v[k]));
		v[k].start = base + k * stride;
		v[k].end = v[k].start + 0x1000;
		v[k].offset = k * 0x1000;
		strcpy(v[k].perms, "r--p");
		v[k].dev_major = 8;
		v[k].inode = 42;
		v[k].path = "/big";
	}
}

/* 200000 moves: a pairwise search would take minutes, the sort takes
 * well under a second. */
static bool t_many_moves(void)
{
	enum { N = 200000 };
	struct ld_maps a = { calloc(N, sizeof(struct ld_map)), N, N };
	struct ld_maps b = { calloc(N, sizeof(struct ld_map)), N, N };
	struct ld_map_diff d;
	struct timespec t0, t1;
	size_t k;

	CHECK(a.v && b.v);
	fill(a.v, N, 0x100000000, 0x2000);
	fill(b.v, N, 0x100001000, 0x2000);
	/* b in another order of offsets, so pairing really needs the sort */
	for (k = 0; k < N; k++)
		b.v[k].offset = (N - 1 - k) * 0x1000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(diff(&a, &b, &d) && d.n == N);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (k = 0; k < N; k++) {
		CHECK(d.v[k].kind == LD_MC_MOVED && d.v[k].after == &b.v[k]);
		CHECK(d.v[k].before == &a.v[N - 1 - k]);
	}
	printf("# %d moves in %.3f s\n", N, (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK(t1.tv_sec - t0.tv_sec < 20);
	ld_map_diff_release(&d);
	free(a.v);
	free(b.v);
	return true;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *const objects[] = { "", "/lib/a.so", "/lib/b.so", "[heap]" };

/* A random sorted list on a grid of 48 pages, few objects and perms, so
 * that clusters of every shape turn up. */
static void random_list(struct ld_map *v, size_t *n, uint64_t *seed)
{
	static const char *const perms[] = { "r--p", "rw-p", "r-xp" };
	uint64_t page = 0;

	*n = 0;
	while (page < 48) {
		uint64_t len = rnd(seed) % 4 + 1, obj = rnd(seed) % 4;

		page += rnd(seed) % 3 == 0;
		if (page + len > 48)
			break;
		memset(&v[*n], 0, sizeof(v[*n]));
		v[*n].start = page << 12;
		v[*n].end = (page + len) << 12;
		v[*n].path = (char *)objects[obj];
		v[*n].inode = obj == 1 || obj == 2 ? obj : 0;
		if (v[*n].inode)
			v[*n].offset = rnd(seed) % 2 ? v[*n].start : 0;
		strcpy(v[*n].perms, perms[rnd(seed) % 3]);
		page += len;
		(*n)++;
	}
}

static bool same_map(const struct ld_map *x, const struct ld_map *y)
{
	return x->start == y->start && x->end == y->end &&
	       x->offset == y->offset && x->inode == y->inode &&
	       !strcmp(x->perms, y->perms) && !strcmp(x->path, y->path);
}

/* Every mapping not identical to one in the other list is named by a
 * change, and no unchanged mapping is. */
static bool complete(const struct ld_maps *a, const struct ld_maps *b,
		     const struct ld_map_diff *d)
{
	size_t na[64] = { 0 }, nb[64] = { 0 }, k;

	for (k = 0; k < d->n; k++) {
		if (d->v[k].before)
			na[d->v[k].before - a->v]++;
		if (d->v[k].after)
			nb[d->v[k].after - b->v]++;
	}
	for (k = 0; k < a->n; k++) {
		const struct ld_map *o = ld_maps_find(b, a->v[k].start);
		bool same = o && same_map(o, &a->v[k]);

		CHECK(same == !na[k]);
	}
	for (k = 0; k < b->n; k++) {
		const struct ld_map *o = ld_maps_find(a, b->v[k].start);
		bool same = o && same_map(o, &b->v[k]);

		CHECK(same == !nb[k]);
	}
	return true;
}

/* b as a copy of a with one mapping changed the way a syscall would:
 * perms, a split in two, removal, or growth into a free page. */
static void edit(struct ld_maps *a, struct ld_maps *b, uint64_t *seed)
{
	size_t k = rnd(seed) % a->n;
	struct ld_map *mp = &b->v[k];

	memcpy(b->v, a->v, a->n * sizeof(*a->v));
	b->n = a->n;
	switch (rnd(seed) % 4) {
	case 0:
		strcpy(mp->perms, "---p");
		break;
	case 1:
		if (mp->end - mp->start < 0x2000)
			break;
		memmove(mp + 1, mp, (b->n - k) * sizeof(*mp));
		mp[0].end = mp[1].start = mp->start + 0x1000;
		if (ld_map_is_file(mp))
			mp[1].offset += 0x1000;
		strcpy(mp[rnd(seed) % 2].perms, "rwxp");
		b->n++;
		break;
	case 2:
		memmove(mp, mp + 1, (b->n - k - 1) * sizeof(*mp));
		b->n--;
		break;
	case 3:
		if (k + 1 == b->n || mp[1].start > mp->end)
			mp->end += 0x1000;
		break;
	}
}

static bool t_random(void)
{
	struct ld_map va[64], vb[64];
	struct ld_maps a = { va, 0, 64 }, b = { vb, 0, 64 };
	struct ld_map_diff d;
	uint64_t seed = 0x2545f4914f6cdd1d;
	unsigned round, kinds[LD_MC_MERGED + 1] = { 0 };
	size_t k;

	for (round = 0; round < 20000; round++) {
		random_list(va, &a.n, &seed);
		random_list(vb, &b.n, &seed);
		if (round % 2 && a.n)
			edit(&a, &b, &seed);
		CHECK(diff(&a, &b, &d));
		for (k = 0; k < d.n; k++)
			kinds[d.v[k].kind]++;
		CHECK(complete(&a, &b, &d));
		ld_map_diff_release(&d);
	}
	/* the generator reaches every kind */
	for (k = 0; k <= LD_MC_MERGED; k++)
		CHECK(kinds[k] > 0);
	return true;
}

/* Lists that break the sorted, disjoint contract still give an answer. */
static bool t_garbage_input(void)
{
	struct ld_map va[64], vb[64];
	struct ld_maps a = { va, 0, 64 }, b = { vb, 0, 64 };
	struct ld_map_diff d;
	uint64_t seed = 7;
	unsigned round;
	size_t k;

	for (round = 0; round < 5000; round++) {
		random_list(va, &a.n, &seed);
		random_list(vb, &b.n, &seed);
		for (k = 0; k < a.n; k++)
			va[k].start = rnd(&seed) % 0x40000;
		for (k = 0; k < b.n; k++)
			vb[k].end = rnd(&seed) % 0x40000;
		ld_map_diff_init(&d);
		CHECK(ld_maps_diff(&a, &b, &d) == 0);
		CHECK(d.n <= a.n + b.n);
		ld_map_diff_release(&d);
	}
	return true;
}

/* The same file mapped, mprotected, moved and unmapped in this very
 * process, as the kernel reports it. */
static int live_file(char *path, size_t len)
{
	char buf[4 * 4096];
	int fd;

	const char *dir = getenv("TMPDIR");

	snprintf(path, len, "%s/ld-mapdiff-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The changes that concern path only, as a string such as "split split". */
static void kinds_of(const struct ld_map_diff *d, const char *path,
		     char *out, size_t len)
{
	size_t k, used = 0;

	out[0] = '\0';
	for (k = 0; k < d->n; k++) {
		const struct ld_map *mp = d->v[k].after ? d->v[k].after :
					  d->v[k].before;

		if (strcmp(mp->path, path) || used >= len)
			continue;
		used += snprintf(out + used, len - used, "%s%s",
				 used ? " " : "",
				 ld_map_change_name(d->v[k].kind));
	}
}

static bool live_step(struct ld_maps *prev, const char *path,
		      const char *want)
{
	struct ld_maps now;
	struct ld_map_diff d;
	char err[256], got[256];

	ld_maps_init(&now);
	CHECK(ld_maps_read(getpid(), &now, err, sizeof(err)) == 0);
	CHECK(diff(prev, &now, &d));
	kinds_of(&d, path, got, sizeof(got));
	ld_map_diff_release(&d);
	ld_maps_release(prev);
	*prev = now;
	if (strcmp(got, want)) {
		printf("# got \"%s\", want \"%s\"\n", got, want);
		return false;
	}
	return true;
}

static bool t_live(void)
{
	struct ld_maps m;
	char path[4096], err[256];
	long pg = sysconf(_SC_PAGESIZE);
	int fd = live_file(path, sizeof(path));
	char *p, *hole, *q;
	bool ok = true;

	if (fd < 0) {
		tap_skip_reason = "cannot create a temporary file";
		return true;
	}
	CHECK(pg > 0);
	/* A hole reserved first, so the move lands where nothing merges. */
	hole = mmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	CHECK(hole != MAP_FAILED);
	ld_maps_init(&m);
	CHECK(ld_maps_read(getpid(), &m, err, sizeof(err)) == 0);
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	ok = ok && live_step(&m, path, "added");
	ok = ok && mprotect(p + pg, pg, PROT_READ) == 0;
	ok = ok && live_step(&m, path, "split split split");
	/* Back to one VMA: the kernel merges neighbours whose flags agree
	 * (read-only to writable would differ in VM_ACCOUNT and stay apart). */
	ok = ok && mprotect(p + pg, pg, PROT_READ | PROT_WRITE) == 0;
	ok = ok && live_step(&m, path, "merged merged merged");
	q = mremap(p, 4 * pg, 4 * pg, MREMAP_MAYMOVE | MREMAP_FIXED,
		   hole + 32 * pg);
	ok = ok && q != MAP_FAILED;
	ok = ok && live_step(&m, path, "moved");
	ok = ok && munmap(q + 2 * pg, 2 * pg) == 0;
	ok = ok && live_step(&m, path, "shrunk");
	ok = ok && munmap(q, 2 * pg) == 0;
	ok = ok && live_step(&m, path, "removed");
	ld_maps_release(&m);
	munmap(hole, 64 * pg);
	close(fd);
	unlink(path);
	return ok;
}

/* The text of one change, as `diff` prints it (no colour). */
static bool change_text(const struct ld_map_change *c, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	CHECK(f);
	ld_render_change(f, c);
	fputc(0, f);
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;	/* one line */
	return true;
}

/* "+ by 0xN" / "- by 0xN" of the text against JSON's size_delta. */
static bool text_agrees_with_json(const struct ld_map_change *c, const char *text)
{
	json_t *o = ld_json_change(c);
	const char *by = strstr(text, " by 0x");
	json_int_t delta;

	CHECK(o && by && by - text >= 2);
	delta = json_integer_value(json_object_get(o, "size_delta"));
	json_decref(o);
	CHECK(delta == (json_int_t)ld_map_change_size_delta(c));
	CHECK(by[-1] == (delta < 0 ? '-' : '+'));
	CHECK(strtoull(by + 4, NULL, 16) ==
	      (unsigned long long)(delta < 0 ? -delta : delta));
	return true;
}

/* Growth and shrinking at either end: the size in the text is the size
 * change (JSON's size_delta), never the distance the end moved; the text
 * says when it was the start that moved. */
static bool t_start_delta_text(void)
{
	static const struct {
		enum ld_map_change_kind kind;
		bool at_start;
		int64_t delta;
		const char *path;
	} want[] = {
		{ LD_MC_GROWN, true, 0x10000, "[anonymous]" },
		{ LD_MC_SHRUNK, false, -0x2000, "[anonymous]" },
		{ LD_MC_SHRUNK, true, -0x1000, "/tmp/gm/gm" },
		{ LD_MC_GROWN, true, 0x474000, "[stack]" },
	};
	struct ld_maps *a = parse_file("grow_start_before.txt");
	struct ld_maps *b = parse_file("grow_start_after.txt");
	struct ld_map_diff d;
	char text[512];
	size_t i;

	ld_color_set(false);
	CHECK(diff(a, b, &d) && d.n == 4);
	for (i = 0; i < 4; i++) {
		const struct ld_map_change *c = &d.v[i];

		CHECK(c->kind == want[i].kind);
		CHECK(ld_map_change_at_start(c) == want[i].at_start);
		CHECK(ld_map_change_size_delta(c) == want[i].delta);
		CHECK(change_text(c, text, sizeof text));
		printf("# %s\n", text);
		CHECK(text_agrees_with_json(c, text));
		CHECK(strstr(text, want[i].path));
		CHECK(!strstr(text, " at its start") == !want[i].at_start);
	}
	CHECK(!strcmp(text, "~ grown   0x7fff14cd6000-0x7fff1516b000 rw-p  + by "
		      "0x474000 (4.5 MiB) at its start (was 0x7fff1514a000-"
		      "0x7fff1516b000)  [stack]"));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

/* The end-moving cases keep their text; and the sizes of the seed's brk. */
static bool t_end_delta_text(void)
{
	struct ld_maps *a = parse_file("seed_after.txt");
	struct ld_maps *b = parse_file("seed_heap_grown.txt");
	struct ld_map_diff d;
	char text[512];

	ld_color_set(false);
	CHECK(diff(a, b, &d) && d.n == 1);
	CHECK(!ld_map_change_at_start(&d.v[0]));
	CHECK(change_text(&d.v[0], text, sizeof text));
	CHECK(text_agrees_with_json(&d.v[0], text));
	ld_map_diff_release(&d);
	CHECK(diff(b, a, &d) && d.n == 1);
	CHECK(change_text(&d.v[0], text, sizeof text));
	CHECK(text_agrees_with_json(&d.v[0], text));
	CHECK(strstr(text, "~ shrunk ") && strstr(text, "  - by 0x"));
	ld_map_diff_release(&d);
	free_maps(a);
	free_maps(b);
	return true;
}

int main(void)
{
	run("identical lists give no change", t_identical);
	run("seed: heap added", t_heap_added);
	run("seed: heap grown by brk, and shrunk", t_heap_grown);
	run("seed: libc RELRO split", t_relro_split);
	run("seed: merged", t_merged);
	run("anonymous split by a guard page", t_anon_split);
	run("munmap removed", t_munmap_removed);
	run("mremap moved", t_mremap_moved);
	run("moved needs same offset and size", t_moved_strict);
	run("perms changed", t_perms);
	run("stack and anonymous mapping grown at the start", t_grown_down);
	run("grown/shrunk at the start: text's size = JSON size_delta",
	    t_start_delta_text);
	run("grown/shrunk at the end: text's size = JSON size_delta",
	    t_end_delta_text);
	run("same range, other file offset", t_offset_changed);
	run("partial overlaps degrade to removed + added", t_partial_overlap);
	run("holes and other objects are no split", t_not_a_split);
	run("a deleted file is the same mapping", t_deleted_same);
	run("empty vs non-empty", t_empty_lists);
	run("diff appends", t_appends);
	run("seed: RELRO, heap and brk together", t_combined);
	run("change names", t_names);
	run("many moves in linear-ish time", t_many_moves);
	run("random lists: ordered and complete", t_random);
	run("unsorted, overlapping input neither crashes nor loops",
	    t_garbage_input);
	run("live mmap, mprotect, mremap, munmap", t_live);
	return tap_done();
}
