/* Snapshot capture: a stop's maps, sections, program break, threads'
 * frames, page counts and heap into one snapshot; the brk query (brk(0)
 * injected into the tracee) and the session's classification of the
 * mappings.  Above the session and run control, which it uses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/classify.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/session.h"
#include "layoutdbg/valeval.h"

int ld_session_brk(struct ld_session *s, uint64_t *start_brk, uint64_t *brk)
{
	struct ld_thread *t;
	uint64_t v;
	int r;

	if (!s->live.proc)
		return -ESRCH;
	r = ld_session_start_brk(s->live.proc->pid, start_brk);
	if (r)
		return r;
	t = ld_proc_thread(s->live.proc, s->live.proc->pid);
	if (!t || t->state != LD_T_STOPPED)
		t = ld_session_thread(s);
	if (!t)
		return -ESRCH;
	/* Inside a system call nothing can be injected; the break tracked
	 * from brk(2) results is exact then. */
	if (t->in_syscall || t->last.kind == LD_STOP_SYSCALL ||
	    t->last.kind == LD_STOP_SECCOMP) {
		if (!s->recording.cur_brk_known)
			return -EBUSY;
		*brk = s->recording.cur_brk;
		return 0;
	}
	r = ld_inject_syscall(s, t, SYS_brk, 0, &v);
	if (r)
		return r;
	/* brk(0) never fails in the kernel; an error here is a filter or an
	 * interruption, never an address (the kernel also keeps the break at
	 * or above start_brk: mm/mmap.c, brk()). */
	if (v >= (uint64_t)-4095)
		return (int)(int64_t)v;
	if (v < *start_brk)
		return -ERANGE;
	*brk = s->recording.cur_brk = v;
	s->recording.cur_brk_known = true;
	return 0;
}

/* The break or "unknown" with the reason: never a half-filled value. */
/* The arguments of a snapshot's kept frames, as bt would show them. */
static void snap_args(struct ld_session *s, struct ld_snap_thread *th)
{
	struct ld_regmemo memo = { 0 };

	if (!s->ui.frame_args)
		return;
	for (size_t j = 0; j < th->nframes; j++)
		s->ui.frame_args(s, th->tid, (int)ld_snap_level(th, j), &memo,
				 &th->frames[j]);
	ld_regmemo_release(&memo);
}

static void snap_brk(struct ld_session *s, struct ld_snapshot *snap)
{
	uint64_t start, cur;
	int r = ld_session_brk(s, &start, &cur);

	snap->brk_valid = r == 0;
	snap->brk_err = -r;
	snap->start_brk = r ? 0 : start;
	snap->brk = r ? 0 : cur;
}

/* The section overlay: which ELF sections each mapping holds, so a diff
 * can say which sections a permission change concerns (RELRO). */
static void capture_sections(struct ld_session *s, struct ld_snapshot *snap)
{
	struct ld_region *rg;
	size_t i;

	if (ld_session_rescan(s) < 0)
		return;
	rg = calloc(snap->maps.n + 1, sizeof *rg);
	snap->sections = calloc(snap->maps.n + 1, sizeof *snap->sections);
	if (!rg || !snap->sections) {
		free(rg);
		free(snap->sections);
		snap->sections = NULL;
		return;
	}
	/* which object a mapping belongs to does not depend on the heap */
	ld_session_classify(s, &snap->maps, NULL, rg);
	for (i = 0; i < snap->maps.n; i++) {
		char buf[4096];
		const struct ld_map *mp = &snap->maps.v[i];

		buf[0] = 0;
		if (rg[i].obj)
			ld_sections_in(rg[i].obj, mp->start, mp->end, buf, sizeof buf);
		snap->sections[i] = strdup(buf);
	}
	free(rg);
}

struct ld_snapshot *ld_session_snapshot(struct ld_session *s, const char *name)
{
	const struct ld_maps *m;
	struct ld_snapshot *snap;
	char reason[1280];
	size_t i;

	if (!s->live.proc) {
		ld_error("snapshot: no process: the program is not being run");
		return NULL;
	}
	if (name && ld_snapshot_find(&s->recording.snaps, name)) {
		ld_error("snapshot: a snapshot named \"%s\" exists already", name);
		return NULL;
	}
	ld_resident_prime(s);
	m = ld_session_maps(s);
	if (!m)
		return NULL;
	snap = ld_snapshot_new(&s->recording.snaps, name);
	if (!snap || ld_maps_copy(&snap->maps, m) < 0)
		goto nomem;
	capture_sections(s, snap);
	snap->pid = s->live.proc->pid;
	snap->aslr = s->live.proc_aslr;
	snap->exe = strdup(s->program.exe_path ? s->program.exe_path : "");
	snap->reason = strdup(ld_stop_reason(ld_last_stop(s), reason,
					     sizeof reason));
	snap_brk(s, snap);
	snap->threads = calloc(s->live.proc->nthreads, sizeof *snap->threads);
	if (!snap->threads || !snap->exe || !snap->reason ||
	    ld_snapshot_pages(s, snap) < 0)
		goto nomem;
	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];

		if (t->state != LD_T_STOPPED)
			continue;
		if (ld_session_frames(s, t, &snap->threads[snap->nthreads++],
				      LD_SNAP_INNER, LD_SNAP_OUTER) < 0)
			goto nomem;
		snap_args(s, &snap->threads[snap->nthreads - 1]);
	}
	snap->heap = ld_heap_snapshot(s);
	return snap;
nomem:
	if (snap)
		ld_snapshot_drop(&s->recording.snaps, snap);
	ld_error("snapshot: %s", strerror(ENOMEM));
	return NULL;
}

/* The stopped threads' stack pointers and TLS bases. */
static size_t session_threads(struct ld_session *s, struct ld_class_thread *ti,
			      size_t max)
{
	size_t i, n = 0;

	for (i = 0; s->live.proc && i < s->live.proc->nthreads && n < max; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];
		ld_regs r;

		if (t->state != LD_T_STOPPED || ld_tregs(t, &r))
			continue;
		ti[n].tid = t->tid;
		ti[n].num = t->num;
		ti[n].sp = r.rsp;
		ti[n].fs_base = r.fs_base;
		n++;
	}
	return n;
}

int ld_session_classify(struct ld_session *s, const struct ld_maps *m,
		const struct ld_heap *heap, struct ld_region *out)
{
	struct ld_class_thread ti[256];
	struct ld_classify_in in = {
		.maps = m, .objs = &s->live.objs, .threads = ti,
		.nthreads = session_threads(s, ti, sizeof ti / sizeof *ti),
		.leader = s->live.proc ? s->live.proc->pid : 0, .heap = heap,
	};

	ld_classify_regions(&in, out);
	return 0;
}
