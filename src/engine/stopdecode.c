/* What one stop of the tracee means: a breakpoint (ours, a moribund one,
 * the program's own int3), a signal, a group-stop, an interrupt, fork,
 * vfork, exec, a library load (catch load).  Decided here once; resumed or
 * reported by infrun.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/bpcond.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/watch.h"

/* Returns true when a `catch load` fired (out filled). */
static bool solib_event(struct ld_session *s, struct ld_outcome *out)
{
	char **old = calloc(s->live.objs.n + 1, sizeof *old);
	size_t nold = s->live.objs.n, i, k;
	bool fired = false;

	for (i = 0; old && i < nold; i++)
		old[i] = strdup(s->live.objs.v[i].path);
	ld_unwinder_flush(s->live.unw);
	ld_stop_cache_invalidate(&s->cache);
	if (ld_session_rescan(s) == 0) {
		/* What was unloaded takes its int3s with it: forget them
		 * before anything is armed where they were. */
		ld_bps_forget_unloaded(&s->live.bps);
		ld_arm_all(s, true);
		for (i = 0; old && i < s->live.objs.n && !fired; i++) {
			for (k = 0; k < nold; k++)
				if (old[k] && !strcmp(old[k], s->live.objs.v[i].path))
					break;
			if (k < nold || !ld_catch_fires(s, LD_BP_CATCH_LOAD,
						    s->live.objs.v[i].path, out))
				continue;
			out->catch_kind = LD_SK_LOAD;
			snprintf(out->path, sizeof out->path, "%s",
				 s->live.objs.v[i].path);
			fired = true;
		}
	}
	for (i = 0; old && i < nold; i++)
		free(old[i]);
	free(old);
	return fired;
}

/* follow-fork-mode child: the session goes on with the child, which
 * keeps the breakpoints (its copy of the text has them); the parent gets
 * its original bytes back and is detached, as gdb does. */
static bool follow_child(struct ld_session *s, pid_t child)
{
	struct ld_proc *c = ld_proc_adopt_child(s->live.proc, child), *parent = s->live.proc;
	size_t i;

	if (!c)
		return false;
	ld_quiesce(s, parent);
	for (i = 0; i < s->live.bps.nsites; i++)
		ld_site_lift(parent->pid, &s->live.bps.sites[i]);
	ld_proc_detach(parent);
	{
		struct ld_note n = { .kind = LD_NOTE_FOLLOW_CHILD,
				     .pid = parent->pid, .child = child };

		ld_notify(s, &n);
	}
	ld_proc_free(parent);
	s->live.proc = c;
	s->live.cur_tid = s->live.report_tid = child;
	ld_stop_cache_invalidate(&s->cache);
	s->recording.cur_brk_known = false;	/* the parent's */
	ld_session_rescan(s);
	return true;
}

/* A fork child inherits a copy of the text with our int3s in it: write the
 * original bytes into the child, then let it go, so it never dies of
 * SIGTRAP.  A vfork child shares the parent's memory: lift the sites there
 * until VFORK_DONE instead (the parent is suspended meanwhile).  Under our
 * seccomp filter a child stays traced passively (it inherited the filter).
 * Returns true when the session now follows the child. */
static bool on_fork(struct ld_session *s, const struct ld_stop *st)
{
	pid_t child = (pid_t)st->msg;
	size_t i;

	if (child <= 0 || ld_proc_take_child(s->live.proc, child) < 0)
		return false;
	/* A child forked in a pinned loop inherited the pin: it gets the
	 * CPUs back before it runs, the parent too (it re-pins at its next
	 * passed-over hit). */
	if (s->live.pinned) {
		ld_cpu_unpin_task(s, child);
		ld_cpu_unpin(s);
	}
	if (s->settings.follow_fork_child && st->kind == LD_STOP_FORK && follow_child(s, child))
		return true;
	for (i = 0; i < s->live.bps.nsites; i++)
		ld_site_lift(child, &s->live.bps.sites[i]);
	if (s->live.proc->keep_children ? ld_proc_keep_child(s->live.proc, child) < 0 :
	    ld_proc_release_child(child) < 0)
		ld_warn("could not release forked process %d", (int)child);
	return false;
}

/* gdb's order: a false condition is no hit at all (no count, no ignore);
 * one that cannot be evaluated stops, saying why. */
static bool cond_holds(struct ld_session *s, struct ld_bp *bp, pid_t tid)
{
	char err[256];
	int r = ld_bp_test_condition(s, bp, tid, err, sizeof err);

	if (r < 0) {
		struct ld_note n = { .kind = LD_NOTE_COND_ERROR, .num = bp->num,
				     .text = err };

		ld_notify(s, &n);
	}
	return r != 0;
}

static enum ld_verdict bp_hits(struct ld_session *s, struct ld_thread *t,
			       uint64_t pc, uint64_t sp, struct ld_outcome *out);

/* A trap on one of our int3s.  The pc is backed up over it in the
 * register copy alone (ld_tregs_stage): a hit passed over then writes the
 * registers once, with the emulated instruction's effect, or its resume
 * writes them; a stop reported, or a step whose caller goes on with the
 * thread stopped, writes them now, before anything reads them from the
 * kernel. */
static enum ld_verdict on_breakpoint(struct ld_session *s, struct ld_thread *t,
				     bool stepping, struct ld_outcome *out)
{
	enum ld_verdict v;
	ld_regs regs;
	uint64_t pc;

	if (ld_tregs(t, &regs))
		return LD_V_RESUME;
	pc = regs.rip - 1;
	if (!ld_site_at(&s->live.bps, pc) && ld_bp_moribund(&s->live.bps, pc)) {
		/* A hit of a breakpoint taken out meanwhile: run the
		 * original instruction, as if it had never been there. */
		regs.rip = pc;
		ld_tregs_stage(t, &regs);
		if (stepping)
			ld_tregs_flush(t);
		return LD_V_RESUME;
	}
	if (!ld_site_at(&s->live.bps, pc)) {
		/* Not ours: the program's own int3 is a SIGTRAP for it. */
		out->ev = LD_EV_SIGNAL;
		out->sig = SIGTRAP;
		return LD_V_REPORT;
	}
	/* Back up over the int3 so the original instruction runs next. */
	regs.rip = pc;
	ld_tregs_stage(t, &regs);
	t->on_bp = true;
	v = bp_hits(s, t, pc, regs.rsp, out);
	if (v != LD_V_RESUME || stepping)
		ld_tregs_flush(t);
	return v;
}

/* Count a hit on every breakpoint at pc; whether one stops. */
static enum ld_verdict bp_hits(struct ld_session *s, struct ld_thread *t,
			       uint64_t pc, uint64_t sp, struct ld_outcome *out)
{
	enum ld_verdict v = LD_V_RESUME;
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (!bp->armed || bp->addr != pc)
			continue;
		switch (bp->type) {
		default:
			break;
		case LD_BP_SOLIB:
			if (solib_event(s, out))
				v = LD_V_REPORT;
			break;
		case LD_BP_FINISH:
			if (bp->tid == t->tid && sp >= bp->sp) {
				out->ev = LD_EV_FINISH;
				v = LD_V_REPORT;
			}
			break;
		case LD_BP_USER:
		case LD_BP_TEMP:
			/* a location of a breakpoint with several counts
			 * for the breakpoint */
			bp = ld_bp_owner(bp);
			if (bp->cond && !cond_holds(s, bp, t->tid)) {
				ld_cpu_pin(s);
				break;
			}
			bp->hits++;
			if (bp->ignore) {
				bp->ignore--;
				ld_cpu_pin(s);
				break;
			}
			/* `trace memory until N` / `until exit` runs through
			 * the other breakpoints. */
			if (s->recording.tracing && (s->recording.trace_until_exit ||
					   (s->recording.trace_until && bp->num != s->recording.trace_until))) {
				ld_cpu_pin(s);
				break;
			}
			if (out->ev != LD_EV_BREAKPOINT || !out->bpnum)
				out->bpnum = bp->num;
			out->ev = LD_EV_BREAKPOINT;
			v = LD_V_REPORT;
			break;
		}
	}
	return v;
}

/* Whichever thread called execve, the process now is its leader alone
 * (proc.c forgot the others). */
static enum ld_verdict on_exec(struct ld_session *s, struct ld_thread *t,
			    struct ld_outcome *out)
{
	struct ld_note n = { .kind = LD_NOTE_EXEC, .pid = s->live.proc->pid };
	char path[64], exe[4096];
	ssize_t len;
	size_t i;

	ld_bps_disarm_all(&s->live.bps, 0);
	ld_watch_exec(s);
	snprintf(path, sizeof path, "/proc/%d/exe", (int)s->live.proc->pid);
	len = readlink(path, exe, sizeof exe - 1);
	exe[len > 0 ? len : 0] = 0;
	n.text = len > 0 ? exe : NULL;
	ld_notify(s, &n);
	if (len > 0 && (!s->program.exe_path || strcmp(exe, s->program.exe_path)))
		ld_program_file(s, exe);
	s->live.cur_tid = s->live.report_tid = s->live.proc->pid;
	out->tid = s->live.proc->pid;
	ld_new_image(s);
	t->in_syscall = false;
	if (!ld_catch_fires(s, LD_BP_CATCH_EXEC, NULL, out))
		return LD_V_RESUME;
	out->catch_kind = LD_SK_EXEC;
	out->path[0] = 0;
	for (i = 0; i < s->live.objs.n; i++)
		if (s->live.objs.v[i].is_exe)
			snprintf(out->path, sizeof out->path, "%s", s->live.objs.v[i].path);
	return LD_V_REPORT;
}

enum ld_verdict ld_on_stop(struct ld_session *s, struct ld_stop *st,
			    bool stepping, struct ld_outcome *out)
{
	struct ld_thread *t = ld_proc_thread(s->live.proc, st->tid);

	out->tid = st->tid;
	switch (st->kind) {
	case LD_STOP_EXITED:
	case LD_STOP_KILLED:
		if (s->live.proc->exited) {
			out->ev = LD_EV_EXITED;
			return LD_V_REPORT;
		}
		return LD_V_RESUME;	/* one thread ended */
	case LD_STOP_BREAKPOINT:
		return on_breakpoint(s, t, stepping, out);
	case LD_STOP_WATCH:
		return ld_on_watch(s, t, out);
	case LD_STOP_STEP:
		if (!stepping)
			return LD_V_RESUME;
		out->ev = LD_EV_STEP;
		return LD_V_REPORT;
	case LD_STOP_SIGNAL:
	case LD_STOP_GROUP:
		/* A group-stop the user does not stop at: keep the process
		 * stopped by job control, as without a debugger, and listen
		 * for what comes next (SIGCONT). */
		if (st->kind == LD_STOP_GROUP && !s->settings.handle_stop[st->sig & 63])
			return ld_resume(s, t, LD_RESUME_LISTEN, 0) == 0 ?
			       LD_V_RESUMED : LD_V_RESUME;
		if (st->kind == LD_STOP_SIGNAL && s->settings.handle_pass[st->sig & 63])
			t->pending_sig = st->sig;
		if (st->kind == LD_STOP_SIGNAL && !s->settings.handle_stop[st->sig & 63])
			return LD_V_RESUME;
		out->ev = LD_EV_SIGNAL;
		out->sig = st->sig;
		out->fault_addr = st->fault_addr;
		out->group_stop = st->kind == LD_STOP_GROUP;
		return LD_V_REPORT;
	case LD_STOP_INTERRUPT:
		if (!ld_interrupted)
			return LD_V_RESUME;	/* a new thread, or a stale interrupt */
		ld_interrupted = 0;
		out->ev = LD_EV_INTERRUPT;
		return LD_V_REPORT;
	case LD_STOP_FORK:
	case LD_STOP_VFORK:
		if (on_fork(s, st)) {
			/* now the child's session: let it run on */
			t = ld_proc_thread(s->live.proc, s->live.proc->pid);
			out->tid = s->live.proc->pid;
			if (ld_catch_fires(s, LD_BP_CATCH_FORK, NULL, out)) {
				out->catch_kind = LD_SK_FORK;
				out->child = (pid_t)st->msg;
				return LD_V_REPORT;
			}
			return t && ld_resume(s, t, ld_resume_how(s, t), 0) == 0 ?
			       LD_V_RESUMED : LD_V_RESUME;
		}
		if (!ld_catch_fires(s, LD_BP_CATCH_FORK, NULL, out))
			return LD_V_RESUME;
		out->catch_kind = LD_SK_FORK;
		out->child = (pid_t)st->msg;
		out->vfork = st->kind == LD_STOP_VFORK;
		return LD_V_REPORT;
	case LD_STOP_SYSCALL:
	case LD_STOP_SECCOMP:
		return ld_on_syscall(s, t, out);
	case LD_STOP_VFORK_DONE:
		/* The vfork child has exec'd or exited: the shared text is
		 * ours alone again. */
		ld_rearm_sites(s);
		return LD_V_RESUME;
	case LD_STOP_EXEC:
		return on_exec(s, t, out);
	default:
		return LD_V_RESUME;
	}
}
