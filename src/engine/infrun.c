/* Run control proper: the only code that resumes the tracee.  Stepping a
 * thread over a breakpoint, resuming every thread, stopping them all
 * (and settling the hits in flight), the run loop that waits for the next
 * stop worth reporting, the terminal, one CPU for hit loops. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "layoutdbg/emulate.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"

volatile sig_atomic_t ld_interrupted;

volatile sig_atomic_t ld_running;

volatile sig_atomic_t ld_terminate;

int ld_resume(struct ld_session *s, struct ld_thread *t, enum ld_resume how,
	      int sig)
{
	/* Whatever was read at this stop may change once anything runs. */
	ld_stop_cache_invalidate(&s->cache);
	return ld_proc_resume(s->live.proc, t, how, sig);
}

uint64_t ld_thread_pc(struct ld_thread *t)
{
	ld_regs r;

	return ld_tregs(t, &r) ? 0 : r.rip;
}

static int emu_read(uint64_t addr, void *buf, size_t len, void *arg)
{
	return ld_mem_read(*(pid_t *)arg, addr, buf, len);
}

static int emu_write(uint64_t addr, const void *buf, size_t len, void *arg)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)addr, len };

	if (process_vm_writev(*(pid_t *)arg, &l, 1, &r, 1, 0) == (ssize_t)len)
		return 0;
	return ld_mem_write(*(pid_t *)arg, addr, buf, len);
}

/* The plan for stepping off site, decoded from its original bytes once:
 * near a mapping's end only 8 bytes may be readable, and the decoder is
 * given those alone.  NULL when the instruction cannot be emulated. */
static const struct ld_emu_plan *site_plan(struct ld_session *s, struct ld_site *site)
{
	uint8_t code[16];
	size_t n = sizeof code;

	if (!site->emu_tried) {
		if (ld_session_read(s, site->addr, code, n) &&
		    ld_session_read(s, site->addr, code, n = 8))
			return NULL;	/* not kept: a failed read may pass */
		ld_emu_plan(code, n, &site->emu);
		site->emu_tried = true;
	}
	return site->emu.len ? &site->emu : NULL;
}

/* Step t off the breakpoint under it without a single-step round trip
 * when the instruction there is one ld_emulate knows.  True when done. */
static bool emulate_off(struct ld_session *s, struct ld_thread *t, struct ld_site *site)
{
	struct ld_emu_mem mem = { emu_read, emu_write, &t->tid };
	const struct ld_emu_plan *plan;
	ld_regs r;

	/* a signal to deliver needs the real step (it enters the handler);
	 * nor can an emulated write trip a debug register */
	if (t->pending_sig || !s->settings.emulate || s->live.proc->dr7 ||
	    ld_tregs(t, &r) || r.rip != site->addr || !(plan = site_plan(s, site)))
		return false;
	if (!ld_emu_run(plan, &r, &mem))
		return false;
	return ld_tregs_set(t, &r) == 0;
}

/* Wait for thread t (the only one running).  Stops of other threads that
 * sneak in (a clone's first stop) are kept queued.  A step can block (a
 * futex held by a thread that stays stopped, a read from a pipe it
 * writes): Ctrl-C interrupts t, whose interrupt-stop then ends the wait
 * and is reported; SIGTERM/SIGHUP end it with -ECANCELED. */
int ld_wait_thread(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	/* A step taken inside a run (stepping off a breakpoint) leaves
	 * ld_running as the run had it: were it cleared here, a Ctrl-C
	 * between the next resume and its wait would reach nobody. */
	sig_atomic_t was = ld_running;

	for (;;) {
		int r;

		ld_running = 1;	/* a Ctrl-C from now on interrupts the tracee */
		if (ld_interrupted)
			ld_proc_interrupt(s->live.proc, t);
		r = ld_proc_wait(s->live.proc, st, true);
		ld_running = was;
		if (r == -EINTR && ld_proc_cancelled())
			return -ECANCELED;
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (st->tid == t->tid)
			return 0;
		if (st->tid == s->live.proc->pid && s->live.proc->exited)
			return 0;
		{
			struct ld_thread *o = ld_proc_thread(s->live.proc, st->tid);

			/* Every such stop is kept, a new thread's first one
			 * too: next_stop hands it to ld_on_stop, which resumes
			 * the thread; dropped, the thread would stay stopped
			 * for good. */
			if (o && o->state == LD_T_STOPPED)
				o->queued = true;
		}
	}
}

/* If t sits on one of our int3s, execute the original instruction: lift
 * the byte, single-step t alone, drop the byte back.  Returns 0 when t
 * was not on a breakpoint (nothing done), 2 when it stepped past it, 1
 * when the step ended in something else (kept in t->last, queued), or
 * -errno. */
int ld_step_over(struct ld_session *s, struct ld_thread *t)
{
	struct ld_site *site = ld_site_at(&s->live.bps, ld_thread_pc(t));
	uint64_t at = site ? site->addr : 0;
	struct ld_stop st;
	int r;

	/* Only a thread that executed this int3 (or stepped onto it) steps
	 * over it; one that merely sits there (a new thread, one stopped
	 * by an interrupt) must hit it. */
	if (!site || !t->on_bp) {
		t->on_bp = false;
		return 0;
	}
	t->on_bp = false;
	if (emulate_off(s, t, site))
		return 2;
	if ((r = ld_site_lift(t->tid, site)))
		return r;
	r = ld_resume(s, t, LD_RESUME_STEP, t->pending_sig);
	if (!r)
		r = ld_wait_thread(s, t, &st);
	if (!s->live.proc->exited) {
		site = ld_site_at(&s->live.bps, at);
		if (site && t->state != LD_T_GONE)
			ld_site_drop(t->tid, site);
	}
	if (r)
		return r;
	if (st.kind == LD_STOP_STEP && t->state == LD_T_STOPPED &&
	    ld_watch_trapped(s, t)) {
		/* the stepped instruction wrote a watched address: the step
		 * reports TRAP_TRACE, DR6 the watchpoint; keep it as a hit */
		t->last.kind = LD_STOP_WATCH;
		t->queued = true;
		return 1;
	}
	if (st.kind == LD_STOP_STEP && t->state == LD_T_STOPPED)
		return 2;
	if (t->state == LD_T_STOPPED) {
		t->queued = true;
		/* not stepped (an interrupt or a signal came first): it is
		 * still on the breakpoint it executed */
		t->on_bp = ld_thread_pc(t) == at;
	}
	return 1;
}

void ld_rearm_sites(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->live.bps.nsites; i++)
		ld_site_drop(ld_proc_mem_tid(s->live.proc), &s->live.bps.sites[i]);
}

/* A breakpoint passed over many times in a row (an ignore count, `trace
 * memory` running through breakpoints) is a ping-pong of stops between
 * tracer and program.  On a machine whose idle CPU halts (this VM), each
 * stop that has to wake the other CPU costs far more than the stop itself
 * (bench: 100,000 hits 2.5 s on one CPU, 3 to 22 s across two).  So at the
 * first passed-over hit both go on the CPU layoutdbg runs on, and both get
 * their affinity back before the stop is reported.  Only a program we
 * started (it dies with us: no crash can leave it pinned) and only while
 * it has one thread: pinning would serialise a parallel program, so a new
 * thread ends it too.  A program that keeps running after the loop without
 * a stop stays on that CPU until the next stop is reported. */
void ld_cpu_pin(struct ld_session *s)
{
	cpu_set_t one;
	int cpu;

	if (s->live.pinned || !s->settings.cpu_pinning || !s->live.proc->spawned ||
	    s->live.proc->nthreads != 1 || (cpu = sched_getcpu()) < 0)
		return;
	if (sched_getaffinity(0, sizeof s->live.our_cpus, &s->live.our_cpus) < 0 ||
	    sched_getaffinity(s->live.proc->pid, sizeof s->live.prog_cpus,
			      &s->live.prog_cpus) < 0 ||
	    !CPU_ISSET(cpu, &s->live.prog_cpus) || !CPU_ISSET(cpu, &s->live.our_cpus))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(s->live.proc->pid, sizeof one, &one) < 0)
		return;
	if (sched_setaffinity(0, sizeof one, &one) < 0) {
		sched_setaffinity(s->live.proc->pid, sizeof s->live.prog_cpus, &s->live.prog_cpus);
		return;
	}
	s->live.pinned = true;
	s->live.cpu_pinned = cpu;
}

/* One task's affinity back, unless it set its own since. */
void ld_cpu_unpin_task(struct ld_session *s, pid_t tid)
{
	cpu_set_t cur;

	if (sched_getaffinity(tid, sizeof cur, &cur) == 0 &&
	    CPU_COUNT(&cur) == 1 && CPU_ISSET(s->live.cpu_pinned, &cur))
		sched_setaffinity(tid, sizeof s->live.prog_cpus, &s->live.prog_cpus);
}

/* Give the affinities back: ours, and the program's threads' (threads
 * born in the loop inherited the pin) unless the program set its own. */
void ld_cpu_unpin(struct ld_session *s)
{
	size_t i;

	if (!s->live.pinned)
		return;
	s->live.pinned = false;
	sched_setaffinity(0, sizeof s->live.our_cpus, &s->live.our_cpus);
	for (i = 0; s->live.proc && i < s->live.proc->nthreads; i++)
		if (s->live.proc->threads[i].state != LD_T_GONE)
			ld_cpu_unpin_task(s, s->live.proc->threads[i].tid);
}

/* Resume every stopped thread that has nothing queued.  Threads sitting
 * on a breakpoint step over it first, one at a time, while every other
 * thread is still stopped: with the int3 lifted, no other thread may run
 * through it unseen. */
static int resume_all(struct ld_session *s)
{
	size_t i;
	int r;

	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];

		if (t->state != LD_T_STOPPED || t->queued)
			continue;
		r = ld_step_over(s, t);
		if (r < 0 && r != -ESRCH)
			return r;
		if (s->live.proc->exited)
			return 0;
	}
	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];

		if (t->state != LD_T_STOPPED || t->queued)
			continue;
		r = ld_resume(s, t, ld_resume_how(s, t), t->pending_sig);
		if (r < 0 && r != -ESRCH)
			return r;
	}
	return 0;
}

/* Resume one thread after a stop that is not reported.  If it sits on a
 * breakpoint while other threads run, they are stopped for the step. */
static int resume_one(struct ld_session *s, struct ld_thread *t)
{
	size_t i;
	bool others = false;

	if (t->state != LD_T_STOPPED)
		return 0;
	for (i = 0; i < s->live.proc->nthreads; i++)
		others |= s->live.proc->threads[i].state == LD_T_RUNNING;
	if (others && t->on_bp && ld_site_at(&s->live.bps, ld_thread_pc(t))) {
		int r = ld_proc_stop_all(s->live.proc);

		if (r < 0)
			return r;
		return resume_all(s);
	}
	if (t->on_bp && ld_site_at(&s->live.bps, ld_thread_pc(t))) {
		int r = ld_step_over(s, t);

		if (r == 1 || (r < 0 && r != -ESRCH) || t->state != LD_T_STOPPED)
			return r < 0 && r != -ESRCH ? r : 0;
	}
	{
		int r = ld_resume(s, t, ld_resume_how(s, t), t->pending_sig);

		return r == -ESRCH ? 0 : r;
	}
}

/* Stop every thread of p and settle every breakpoint hit in flight: a
 * thread that trapped on one of our int3s (a live site, or one taken out
 * since: moribund) and has not been told about it is backed up over it,
 * so it executes the original instruction when resumed, and hits the
 * breakpoint again if it is still there (gdb's way): no hit is reported
 * twice or lost, and none is left for the kernel to deliver as a SIGTRAP
 * once the site is gone or the process detached.  Afterwards no thread
 * can report a moribund site any more. */
int ld_quiesce(struct ld_session *s, struct ld_proc *p)
{
	bool unsettled = false;
	size_t i;
	int r = ld_proc_stop_all(p);

	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];
		ld_regs regs;

		if (t->state != LD_T_STOPPED || !t->queued)
			continue;
		if (t->last.kind != LD_STOP_BREAKPOINT) {
			/* a trap still queued behind another event */
			unsettled |= ld_proc_trap_pending(t->tid);
			continue;
		}
		if (ld_tregs(t, &regs) == 0 && (ld_site_at(&s->live.bps, regs.rip - 1) ||
					     ld_bp_moribund(&s->live.bps, regs.rip - 1))) {
			regs.rip--;
			ld_tregs_set(t, &regs);
			t->queued = false;
			t->on_bp = false;	/* it must hit it again */
		}
	}
	if (r == 0 && !unsettled)
		ld_bps_forget_moribund(&s->live.bps);
	return r;
}

/* A stop is being reported: stop every other thread. */
void ld_stop_world(struct ld_session *s)
{
	ld_quiesce(s, s->live.proc);
}

/* A spawned program owns the terminal while it runs (its Ctrl-C, its
 * reads), layoutdbg while it is stopped.  tcsetpgrp from what has become
 * a background group would raise SIGTTOU: blocked around the call. */
static void set_foreground(struct ld_session *s, pid_t pgrp)
{
	sigset_t block, old;

	if (s->live.tty < 0)
		return;
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	tcsetpgrp(s->live.tty, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void terminal_inferior(struct ld_session *s)
{
	if (s->live.proc && s->live.proc->spawned && !s->live.proc->exited)
		set_foreground(s, s->live.proc->pid);
}

static void terminal_ours(struct ld_session *s)
{
	set_foreground(s, getpgrp());
}

/* The next stop to decide on: one kept from earlier first. */
static int next_stop(struct ld_session *s, struct ld_stop *st)
{
	size_t i;

	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];

		if (t->state == LD_T_STOPPED && t->queued) {
			t->queued = false;
			*st = t->last;
			return 0;
		}
	}
	for (;;) {
		int r;

		/* A signal that came before waitpid blocks was seen here. */
		if (ld_terminate)
			return -ECANCELED;	/* SIGTERM/SIGHUP: the session ends */
		r = ld_proc_wait(s->live.proc, st, true);
		if (r != -EINTR)
			return r;
		if (ld_terminate)
			return -ECANCELED;
		if (ld_interrupted) {
			/* Ctrl-C: stop the program where it is. */
			for (i = 0; i < s->live.proc->nthreads; i++) {
				struct ld_thread *t = &s->live.proc->threads[i];

				if (t->state == LD_T_RUNNING) {
					ld_proc_interrupt(s->live.proc, t);
					break;
				}
			}
		}
	}
}

/* Resume every thread and run until something is to be reported; out
 * says what.  Nothing is printed and the other threads still run: the
 * caller reports (ld_after_stop) or goes on. */
static int run_to_inner(struct ld_session *s, struct ld_outcome *out_);

/* proc.c's int3_hook: a site whose instruction is longer than a byte
 * (known once its emulation plan is decoded). */
static bool int3_surely(void *ctx, uint64_t addr)
{
	struct ld_session *s = ctx;
	const struct ld_site *site = ld_site_at(&s->live.bps, addr);

	return site && site->emu_tried && site->emu.len > 1;
}

int ld_run_to(struct ld_session *s, struct ld_outcome *out_)
{
	int r;

	s->live.proc->int3_hook = int3_surely;
	s->live.proc->int3_ctx = s;
	ld_running = 1;
	r = run_to_inner(s, out_);
	ld_running = 0;
	/* a stop passed over and then an error: no staged registers left */
	if (s->live.proc)
		ld_proc_flush_regs(s->live.proc);
	ld_cpu_unpin(s);
	terminal_ours(s);
	return r;
}

static int run_to_inner(struct ld_session *s, struct ld_outcome *out_)
{
	struct ld_outcome out = { 0 };
	struct ld_stop st;
	enum ld_verdict v;
	int r;

	ld_interrupted = 0;
	ld_update_syscall_mode(s);
	terminal_inferior(s);
	if ((r = resume_all(s)) < 0)
		return ld_error("cannot resume process %d: %s", (int)s->live.proc->pid,
				strerror(-r));
	for (;;) {
		struct ld_thread *t;

		r = next_stop(s, &st);
		if (r == -ECANCELED) {
			ld_proc_stop_all(s->live.proc);
			return -1;
		}
		if (r < 0) {
			if (r == -ECHILD) {	/* reaped elsewhere: it is gone */
				s->live.proc->exited = true;
				out.ev = LD_EV_EXITED;
				break;
			}
			return ld_error("waiting for process %d: %s",
					(int)s->live.proc->pid, strerror(-r));
		}
		memset(&out, 0, sizeof out);
		v = ld_on_stop(s, &st, false, &out);
		if (v == LD_V_REPORT)
			break;
		if (!s->live.proc)
			return 0;
		if (s->live.pinned && s->live.proc->nthreads != 1)
			ld_cpu_unpin(s);	/* a new thread: the program goes parallel */
		if (v == LD_V_RESUMED)
			continue;
		t = ld_proc_thread(s->live.proc, st.tid);
		if (t && (r = resume_one(s, t)) < 0)
			return ld_error("cannot resume thread %d: %s", (int)t->tid,
					strerror(-r));
	}
	*out_ = out;
	return 0;
}

/* Resume every thread and run until something is reported. */
int ld_run_until_stop(struct ld_session *s)
{
	struct ld_outcome out;

	if (ld_run_to(s, &out) < 0 || !s->live.proc)
		return s->live.proc ? -1 : 0;
	ld_after_stop(s, &out);
	return 0;
}

int ld_continue(struct ld_session *s, unsigned ignore)
{
	if (ld_need_stopped(s, "continue"))
		return -1;
	if (ignore > 1 && s->live.last_stop.kind == LD_SK_BREAKPOINT) {
		struct ld_bp *bp = NULL;
		size_t i;
		ld_regs r;

		struct ld_thread *t = ld_proc_thread(s->live.proc, s->live.cur_tid);

		if (t && ld_tregs(t, &r) == 0)
			for (i = 0; i < s->live.bps.n; i++)
				if (s->live.bps.v[i]->num && s->live.bps.v[i]->addr == r.rip &&
				    s->live.bps.v[i]->armed)
					bp = s->live.bps.v[i];
		if (bp) {
			struct ld_note n = { .kind = LD_NOTE_IGNORE, .num = bp->num,
					     .count = ignore - 1 };

			bp->ignore = ignore - 1;
			ld_notify(s, &n);
		}
	}
	return ld_run_until_stop(s);
}
