/* The frame part of the snapshot diff over hand-made stacks: compared from
 * the outermost frame, with stacks kept whole or as windows (innermost and
 * outermost frames, the depth recorded).  A change inside the windows is
 * counted exactly; frames outside both windows are counted as uncertain,
 * never as popped or pushed.  Prints TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "layoutdbg/snapshot.h"

#define OUTER_CFA 0x7ff000000000ULL

/* A stack `depth` deep, all its frames named "f" but the innermost
 * (`leaf`, if given).  A frame's CFA follows from its distance to the
 * outermost frame (16 bytes a frame), so frames at the same distance of
 * two stacks are the same activation.  Kept whole, or as `inner` innermost
 * and `outer` outermost frames when that is less. */
static void make(struct ld_snap_thread *t, size_t depth, const char *leaf,
		 size_t inner, size_t outer)
{
	size_t i, n = inner + outer < depth ? inner + outer : depth;

	memset(t, 0, sizeof *t);
	t->tid = 1;
	t->num = 1;
	t->frames = calloc(n, sizeof *t->frames);
	t->nframes = n;
	if (n < depth) {
		t->depth = depth;
		t->ninner = inner;
	}
	for (i = 0; i < n; i++) {
		size_t level = ld_snap_level(t, i);

		t->frames[i].cfa = OUTER_CFA - 16 * (depth - 1 - level);
		t->frames[i].pc = 0x1000 + (level ? 0x10 : 0);
		t->frames[i].func = strdup(level == 0 && leaf ? leaf : "f");
	}
}

static bool counts(const struct ld_snap_thread *a, const struct ld_snap_thread *b,
		   size_t common, size_t uncertain, size_t popped, size_t pushed)
{
	struct ld_snapshot sa = { 0 }, sb = { 0 };
	struct ld_snap_diff d;
	bool ok;

	sa.threads = (struct ld_snap_thread *)a;
	sa.nthreads = 1;
	sb.threads = (struct ld_snap_thread *)b;
	sb.nthreads = 1;
	if (ld_snap_diff(&sa, &sb, &d) < 0)
		return false;
	ok = d.nthreads == 1 && d.threads[0].common == common &&
	     d.threads[0].uncertain == uncertain && d.threads[0].popped == popped &&
	     d.threads[0].pushed == pushed;
	if (!ok)
		printf("# common %zu uncertain %zu popped %zu pushed %zu\n",
		       d.threads[0].common, d.threads[0].uncertain,
		       d.threads[0].popped, d.threads[0].pushed);
	ld_snap_diff_release(&d);
	return ok;
}

/* finish: the innermost frame returns; its caller's pc moves on */
static bool t_finish(size_t depth, size_t inner, size_t outer)
{
	struct ld_snap_thread a, b;
	bool ok;

	make(&a, depth, "marker", inner, outer);
	make(&b, depth - 1, NULL, inner, outer);
	b.frames[0].pc += 4;
	ok = counts(&a, &b, depth - 1, 0, 1, 0) && counts(&a, &a, depth, 0, 0, 0);
	ld_snap_thread_release(&a);
	ld_snap_thread_release(&b);
	return ok;
}

static bool t_finish_whole(void) { return t_finish(500, 256, 256); }
static bool t_finish_window(void) { return t_finish(100005, 256, 256); }

/* k frames popped and m pushed in their place (other CFAs: new frames) */
static bool t_pop_push(size_t depth, size_t k, size_t m, size_t common,
		       size_t uncertain, size_t popped, size_t pushed)
{
	struct ld_snap_thread a, b;
	size_t j;
	bool ok;

	make(&a, depth, NULL, 8, 4);
	make(&b, depth - k + m, NULL, 8, 4);
	for (j = 0; j < b.nframes; j++) {
		size_t level = ld_snap_level(&b, j);

		if (level < m) {
			free(b.frames[j].func);
			b.frames[j].func = strdup("g");
		}
	}
	ok = counts(&a, &b, common, uncertain, popped, pushed);
	ld_snap_thread_release(&a);
	ld_snap_thread_release(&b);
	return ok;
}

/* windows of 8 + 4 frames, 1,000 deep */
static bool t_inside(void) { return t_pop_push(1000, 3, 2, 997, 0, 3, 2); }
/* 20 popped, none pushed: the boundary lies outside both windows */
static bool t_outside(void)
{
	/* a keeps levels 0-7 (distances 992-999), b levels 0-7 of a 980-deep
	 * stack (distances 972-979); both keep distances 0-3.  Nothing
	 * compared past distance 3, so 4..980 are uncertain. */
	return t_pop_push(1000, 20, 0, 4, 976, 20, 0);
}
/* everything popped down to the outermost frames kept */
static bool t_deep_change(void) { return t_pop_push(1000, 998, 1, 2, 0, 998, 1); }

/* diff --by-object keys: a file's mappings by name and offset from its
 * first, anonymous ones by their rank after the last named mapping (the
 * rank starts again after each name).  The anonymous mapping after libc
 * grows: one change, keyed "anonymous #1 after libc.so.6"; 4 the same. */
static bool t_by_object(void)
{
	static struct ld_map va[] = {
		{ 0x1000, 0x2000, 0, "r--p", 0, 0, 0, "/bin/p", false },
		{ 0x2000, 0x3000, 0x1000, "r-xp", 0, 0, 0, "/bin/p", false },
		{ 0x3000, 0x4000, 0, "rw-p", 0, 0, 0, "", false },
		{ 0x8000, 0x9000, 0, "r-xp", 0, 0, 0, "/lib/libc.so.6", false },
		{ 0x9000, 0xa000, 0, "rw-p", 0, 0, 0, "", false },
	}, vb[5];
	struct ld_snapshot a = { 0 }, b = { 0 };
	struct ld_objdiff d;
	bool ok;

	memcpy(vb, va, sizeof va);
	vb[4].end = 0xc000;
	a.maps.v = va;
	a.maps.n = 5;
	b.maps.v = vb;
	b.maps.n = 5;
	CHECK(ld_snap_diff_by_object(&a, &b, &d) == 0);
	ok = d.n == 1 && d.same == 4 && d.v[0].kind == '~' &&
	     !strcmp(d.v[0].key, "anonymous #1 after libc.so.6") &&
	     d.v[0].size_a == 0x1000 && d.v[0].size_b == 0x3000;
	if (!ok)
		printf("# %zu changes, %zu same; first: %c %s 0x%llx -> 0x%llx\n", d.n, d.same,
		       d.n ? d.v[0].kind : '?', d.n ? d.v[0].key : "",
		       d.n ? (unsigned long long)d.v[0].size_a : 0ULL,
		       d.n ? (unsigned long long)d.v[0].size_b : 0ULL);
	ld_objdiff_release(&d);
	return ok;
}

int main(void)
{
	run("finish at depth 500, kept whole: 1 popped, 0 pushed; itself: none",
	    t_finish_whole);
	run("finish at depth 100,005, windows of 256 + 256: 1 popped, 0 pushed; "
	    "itself: none", t_finish_window);
	run("3 popped, 2 pushed inside the windows: exact", t_inside);
	run("20 popped past the window: uncertain, never counted as changed", t_outside);
	run("998 popped, 1 pushed, seen in the outer window: exact", t_deep_change);
	run("diff --by-object: an anonymous mapping keyed by its rank after libc, "
	    "its growth one change", t_by_object);
	return tap_done();
}
