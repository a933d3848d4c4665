/* The per-stop cache (stopcache.c): what it keeps and for which asks, and
 * on a live stop under real ptrace that a second `bt` at one stop does not
 * unwind again, that a resume (stepi) drops the stacks and the registers,
 * and that registers read after the step are the new ones; that the heap
 * is walked once a stop and dropped by a resume.  Prints TAP.
 *
 * Environment: LD_FIXTURE_DIR  directory holding the built fixtures. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/cmdtable.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/output.h"
#include "layoutdbg/session.h"
#include "layoutdbg/stopcache.h"

static struct ld_session S;
static const char *fixtures;

static void fill(struct ld_frames *fs, size_t n)
{
	size_t i;

	fs->v = calloc(n, sizeof *fs->v);
	fs->n = fs->cap = n;
	for (i = 0; i < n; i++)
		fs->v[i].pc = 0x1000 + i;
}

/* A stack cut at max serves asks up to max; a whole one serves any.  The
 * kept frames are taken from the unwind, not copied. */
static bool t_keep(void)
{
	struct ld_stop_cache c;
	struct ld_frames cut = { 0 }, whole = { 0 };
	const struct ld_frames *k;
	struct ld_frame *v;

	ld_stop_cache_init(&c);
	fill(&cut, 5);
	fill(&whole, 4);
	v = whole.v;
	CHECK(!ld_stop_cache_stack(&c, 7, 3));
	CHECK(ld_stop_cache_keep(&c, 7, 5, &cut));       /* 5 of at most 5: cut */
	CHECK(!cut.v && !cut.n);
	k = ld_stop_cache_keep(&c, 8, 10, &whole);       /* 4 of at most 10: whole */
	CHECK(k && k->v == v && k->n == 4 && !whole.v);
	CHECK((k = ld_stop_cache_stack(&c, 7, 3)) && k->n == 5);
	CHECK(k->v[2].pc == 0x1002);
	CHECK(!ld_stop_cache_stack(&c, 7, 6));
	CHECK((k = ld_stop_cache_stack(&c, 8, SIZE_MAX)) && k->v[3].pc == 0x1003);
	fill(&cut, 6);                                   /* kept again: replaced */
	CHECK(ld_stop_cache_keep(&c, 7, 6, &cut));
	CHECK((k = ld_stop_cache_stack(&c, 7, 6)) && k->n == 6);
	ld_stop_cache_invalidate(&c);
	CHECK(!ld_stop_cache_stack(&c, 8, 2));
	ld_stop_cache_release(&c);
	return true;
}

/* The heap walk: none kept, "no glibc heap" kept, dropped by a resume. */
static bool t_keep_heap(void)
{
	struct ld_stop_cache c;
	const struct ld_heap *h = (const struct ld_heap *)&c;
	const char *from = "x";

	ld_stop_cache_init(&c);
	CHECK(ld_stop_cache_heap(&c, &h, &from) == LD_HEAP_NOT_WALKED);
	CHECK(!h && !from);
	ld_stop_cache_keep_heap(&c, NULL, "heuristics");
	CHECK(ld_stop_cache_heap(&c, &h, NULL) == LD_HEAP_NONE && !h);
	ld_stop_cache_invalidate(&c);
	CHECK(ld_stop_cache_heap(&c, NULL, NULL) == LD_HEAP_NOT_WALKED);
	ld_stop_cache_release(&c);
	return true;
}

/* A command whose output (and the tracee's) must not mix with TAP. */
static int quietly(const char *cmd)
{
	int saved, null, r;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved < 0 || null < 0)
		return LD_CMD_FAIL;
	dup2(null, STDOUT_FILENO);
	close(null);
	r = ld_execute(&S, cmd);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return r;
}

static bool stopped(void)
{
	return S.live.proc && !S.live.proc->exited;
}

static bool regs_now(ld_regs *r)
{
	struct ld_thread *t = ld_session_thread(&S);

	return t && ld_tregs(t, r) == 0;
}

/* bt twice at a stop: one unwind; stepi: new registers, a new unwind. */
static bool t_live(void)
{
	unsigned long n0, n1;
	unsigned gen;
	ld_regs before, after;
	const struct ld_frames *k1, *k2;
	struct ld_thread *t;
	struct ld_stop st;
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "file %s/recurse", fixtures);
	CHECK(quietly(cmd) == LD_CMD_OK);
	CHECK(quietly("break depth") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	n0 = S.cache.unwinds;
	CHECK(quietly("bt") == LD_CMD_OK);
	n1 = S.cache.unwinds;
	CHECK(n1 <= n0 + 1);
	CHECK(quietly("bt") == LD_CMD_OK);
	CHECK(quietly("bt 2") == LD_CMD_OK);
	printf("# unwinds: %lu before bt, %lu after one, %lu after three\n",
	       n0, n1, S.cache.unwinds);
	CHECK(S.cache.unwinds == n1);
	/* bt takes the kept frames themselves: no 4 MB copy of a deep stack */
	t = ld_session_thread(&S);
	CHECK(t && ld_session_stack_ref(&S, t->tid, SIZE_MAX, &k1) > 0);
	CHECK(ld_session_stack_ref(&S, t->tid, 2, &k2) == 2 && k2 == k1);
	CHECK(S.cache.unwinds == n1);
	/* a whole stepi (resume, stop, report): new registers, a new unwind */
	CHECK(regs_now(&before));
	gen = S.cache.gen;
	CHECK(quietly("stepi") == LD_CMD_OK && stopped());
	CHECK(S.cache.gen != gen);
	CHECK(regs_now(&after));
	CHECK(after.rip != before.rip);
	CHECK(quietly("bt") == LD_CMD_OK);
	CHECK(S.cache.unwinds > n1);
	n1 = S.cache.unwinds;
	CHECK(quietly("bt") == LD_CMD_OK);
	CHECK(S.cache.unwinds == n1);
	/* the resume itself drops what was read, not only the next stop */
	t = ld_session_thread(&S);
	CHECK(t && ld_tregs(t, &before) == 0);
	CHECK(ld_stop_cache_stack(&S.cache, t->tid, 1));
	gen = S.cache.gen;
	CHECK(ld_resume(&S, t, LD_RESUME_STEP, 0) == 0);
	CHECK(S.cache.gen != gen);
	CHECK(!ld_stop_cache_stack(&S.cache, t->tid, 1));
	CHECK(ld_wait_thread(&S, t, &st) == 0 && st.kind == LD_STOP_STEP);
	CHECK(ld_tregs(t, &after) == 0);
	CHECK(after.rip != before.rip);
	return true;
}

/* After calloc: the first ask walks the heap, the next ones (a snapshot,
 * xinfo) take that walk; stepi drops it and the next ask walks anew. */
static bool t_live_heap(void)
{
	const struct ld_heap *h1, *h2;
	const char *from = NULL;
	unsigned long walks;
	char cmd[4200];

	CHECK(quietly("kill") == LD_CMD_OK);
	snprintf(cmd, sizeof cmd, "file %s/heap", fixtures);
	CHECK(quietly(cmd) == LD_CMD_OK);
	CHECK(quietly("break heap.c:13") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	CHECK(ld_stop_cache_heap(&S.cache, NULL, NULL) == LD_HEAP_NOT_WALKED);
	CHECK(!ld_heap_cached(&S));
	walks = S.cache.heap_walks;
	h1 = ld_heap_at_stop(&S);
	CHECK(h1 && h1->narenas >= 1);
	CHECK(ld_stop_cache_heap(&S.cache, &h2, &from) == LD_HEAP_WALKED);
	CHECK(h2 == h1 && from && *from);
	printf("# arena info from: %s\n", from);
	CHECK(quietly("snapshot") == LD_CMD_OK);
	CHECK(quietly("xinfo $rsp") == LD_CMD_OK);
	CHECK(ld_heap_at_stop(&S) == h1 && ld_heap_cached(&S) == h1);
	CHECK(S.cache.heap_walks == walks + 1);
	CHECK(quietly("stepi") == LD_CMD_OK && stopped());
	CHECK(ld_stop_cache_heap(&S.cache, NULL, NULL) == LD_HEAP_NOT_WALKED);
	CHECK(!ld_heap_cached(&S));
	CHECK(ld_heap_at_stop(&S) != NULL);
	CHECK(S.cache.heap_walks == walks + 2);
	CHECK(quietly("kill") == LD_CMD_OK);
	CHECK(!ld_heap_cached(&S));
	return true;
}

int main(void)
{
	fixtures = getenv("LD_FIXTURE_DIR");
	ld_out_set_quiet(1);
	ld_session_init(&S);
	run("a kept stack serves the asks it can, until invalidated", t_keep);
	run("a kept heap walk, until invalidated", t_keep_heap);
	if (!fixtures) {
		skip("LD_FIXTURE_DIR not set", "per-stop stacks and registers");
		skip("LD_FIXTURE_DIR not set", "per-stop heap walk");
	} else {
		run("a second bt at one stop does not unwind; stepi drops the cache",
		    t_live);
		run("the heap is walked once a stop; stepi drops the walk",
		    t_live_heap);
	}
	ld_session_end(&S);
	return tap_done();
}
