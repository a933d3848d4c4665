/* System-call stops: which calls must stop the tracee (seccomp filter or
 * PTRACE_SYSCALL), `catch syscall`/`catch memory`, the memory timeline of
 * `trace memory` (also for children kept under the filter), and the
 * program break tracked from brk(2). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>

#include "layoutdbg/infrun.h"

/* Which calls must stop the tracee now: memory calls while tracing, and
 * the sets of enabled `catch syscall` catchpoints. */
void ld_wanted_calls(struct ld_session *s, struct ld_sysset *set)
{
	size_t i;

	ld_sysset_clear(set);
	if (s->recording.tracing)
		ld_sysset_memory(set);
	for (i = 0; i < s->live.bps.n; i++) {
		if (s->live.bps.v[i]->type == LD_BP_CATCH_SYSCALL && s->live.bps.v[i]->enabled)
			ld_sysset_union(set, &s->live.bps.v[i]->sys);
		if (s->live.bps.v[i]->type == LD_BP_CATCH_LAYOUT && s->live.bps.v[i]->enabled)
			ld_layout_calls(set);
	}
}

/* PTRACE_SYSCALL is needed when some wanted call is not one our seccomp
 * filter (if any) already stops. */
void ld_update_syscall_mode(struct ld_session *s)
{
	struct ld_sysset want;
	size_t i;

	ld_wanted_calls(s, &want);
	s->recording.syscall_stops = false;
	for (i = 0; i < LD_NSYSCALLS / 64; i++)
		if (want.bits[i] & ~(s->recording.seccomp ? s->recording.filtered.bits[i] : 0))
			s->recording.syscall_stops = true;
}

/* The break tracked from brk(2) returns is exact only while every brk
 * call stops the process; after a run that did not watch them it may be
 * stale, and a stale address is worse than "unknown". */
void ld_forget_unwatched_brk(struct ld_session *s)
{
	if (!s->recording.syscall_stops &&
	    !(s->recording.seccomp && ld_sysset_has(&s->recording.filtered, SYS_brk)))
		s->recording.cur_brk_known = false;
}

enum ld_resume ld_resume_how(struct ld_session *s, struct ld_thread *t)
{
	/* After a seccomp stop, one PTRACE_SYSCALL shows the call's return. */
	if (s->recording.syscall_stops || (s->recording.seccomp && t->in_syscall))
		return LD_RESUME_SYSCALL;
	return LD_RESUME_CONT;
}

static struct ld_bp *catch_for(struct ld_session *s, long nr)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (bp->type == LD_BP_CATCH_SYSCALL && bp->enabled &&
		    ld_sysset_has(&bp->sys, nr))
			return bp;
	}
	return NULL;
}

/* Memory calls go on the timeline while tracing, and when a catchpoint
 * stops at them (`catch memory`). */
static bool recording(struct ld_session *s, long nr)
{
	return ld_syscall_is_memory(nr) && (s->recording.tracing || catch_for(s, nr));
}

static void record_entry(struct ld_session *s, struct ld_thread *t,
			 const struct ld_syscall *sc)
{
	struct ld_tl_entry *e = ld_timeline_add(&s->recording.timeline);
	struct ld_snap_thread st;
	char text[1024], err[128];

	if (!e)
		return;
	e->tid = t->tid;
	e->pid = s->live.proc->pid;
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->thread_num = t->num;
	e->call = *sc;
	e->text = strdup(ld_syscall_format(s->live.proc->pid, sc, text, sizeof text));
	ld_maps_read(ld_proc_mem_tid(s->live.proc), &e->before, err, sizeof err);
	e->brk_before = e->brk_after = s->recording.cur_brk;
	e->brk_known = s->recording.cur_brk_known;
	/* the call site: the innermost frames are enough */
	if (ld_session_frames(s, t, &st, LD_SNAP_INNER, 0) == 0) {
		e->frames = st.frames;
		e->nframes = st.nframes;
	}
}

static void record_exit(struct ld_session *s, struct ld_thread *t,
			const struct ld_syscall *sc)
{
	struct ld_tl_entry *e = ld_timeline_pending(&s->recording.timeline, t->tid);
	char err[128];

	if (!e)
		return;
	e->call.returned = true;
	e->call.ret = sc->ret;
	e->brk_after = s->recording.cur_brk;
	e->brk_known &= s->recording.cur_brk_known;
	ld_maps_read(ld_proc_mem_tid(s->live.proc), &e->after, err, sizeof err);
	e->done = true;
}

/* The process a task belongs to (its Tgid); the task itself when /proc
 * cannot say. */
static pid_t task_tgid(pid_t tid)
{
	char path[64], line[128];
	long tgid = tid;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return tid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	fclose(f);
	return (pid_t)tgid;
}

/* A memory call of a child kept under our filter (proc.c's passive
 * tasks), on the timeline with its pid as strace -f shows it: thread 0
 * (not one of ours), the layout from that child's maps, no break and no
 * backtrace (the session knows neither for another process).  Returns
 * true to see the call's return. */
bool ld_passive_syscall(void *ctx, pid_t tid)
{
	struct ld_session *s = ctx;
	struct ld_tl_entry *e;
	struct ld_syscall sc;
	enum ld_sysop op;
	char text[1024], err[128];

	memset(&sc, 0, sizeof sc);
	if (ld_proc_syscall(tid, &op, &sc) < 0 || op == LD_SYS_NONE)
		return false;
	if (op == LD_SYS_EXIT) {
		e = ld_timeline_pending(&s->recording.timeline, tid);
		if (e) {
			e->call.returned = true;
			e->call.ret = sc.ret;
			ld_maps_read(e->pid, &e->after, err, sizeof err);
			e->done = true;
		}
		return false;
	}
	if (!recording(s, sc.nr) || !(e = ld_timeline_add(&s->recording.timeline)))
		return false;
	e->tid = tid;
	e->pid = task_tgid(tid);
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->call = sc;
	e->text = strdup(ld_syscall_format(tid, &sc, text, sizeof text));
	ld_maps_read(e->pid, &e->before, err, sizeof err);
	return true;
}

enum ld_verdict ld_on_syscall(struct ld_session *s, struct ld_thread *t,
			       struct ld_outcome *out)
{
	struct ld_syscall sc;
	enum ld_sysop op;
	struct ld_bp *bp;

	memset(&sc, 0, sizeof sc);
	if (ld_proc_syscall(t->tid, &op, &sc) < 0 || op == LD_SYS_NONE)
		return LD_V_RESUME;
	if (op == LD_SYS_EXIT) {
		if (!t->in_syscall)
			return LD_V_RESUME;
		t->in_syscall = false;
		sc.nr = t->sys_nr;
		memcpy(sc.args, t->sys_args, sizeof sc.args);
		/* The kernel's break moves only through brk(2): its result
		 * is the new break (also on failure: the old one). */
		if (sc.nr == SYS_brk && sc.ret > 0) {
			s->recording.cur_brk = (uint64_t)sc.ret;
			s->recording.cur_brk_known = true;
		}
		if (recording(s, sc.nr))
			record_exit(s, t, &sc);
		sc.returned = true;
		if (ld_layout_fires(s, t, &sc, out))
			return LD_V_REPORT;
	} else {
		t->in_syscall = true;
		t->sys_nr = sc.nr;
		memcpy(t->sys_args, sc.args, sizeof sc.args);
		if (recording(s, sc.nr))
			record_entry(s, t, &sc);
	}
	bp = catch_for(s, sc.nr);
	if (!bp)
		return LD_V_RESUME;
	bp->hits++;
	if (bp->ignore) {
		bp->ignore--;
		return LD_V_RESUME;
	}
	ld_syscall_format(t->tid, &sc, out->call, sizeof out->call);
	if (op == LD_SYS_EXIT)
		ld_syscall_format_ret(&sc, out->result, sizeof out->result);
	sc.returned = op == LD_SYS_EXIT;
	out->sc = sc;
	out->catch_kind = LD_SK_SYSCALL;
	out->bpnum = bp->num;
	out->ev = LD_EV_CATCH;
	return LD_V_REPORT;
}

/* A catchpoint of this type fires (its ignore count permitting). */
bool ld_catch_fires(struct ld_session *s, enum ld_bp_type type,
			const char *path, struct ld_outcome *out)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (bp->type != type || !bp->enabled ||
		    (bp->pattern && (!path || !strstr(path, bp->pattern))))
			continue;
		bp->hits++;
		if (bp->ignore) {
			bp->ignore--;
			continue;
		}
		out->bpnum = bp->num;
		out->ev = LD_EV_CATCH;
		return true;
	}
	return false;
}
