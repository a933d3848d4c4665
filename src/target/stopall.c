/* Stopping every thread: interrupting them all and collecting their
 * stops, a trap queued behind an interrupt, and the cancelling of waits
 * once the session is asked to end.  Part of the proc module (proc_int.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <unistd.h>

#include "layoutdbg/proc.h"
#include "proc_int.h"

/* Has tid a debug trap queued that it has not reported yet (an int3's,
 * or a single step's: a step through a system call that an interrupt cut
 * short is reported from the syscall exit path as TRAP_BRKPT)?  A thread
 * that executes an int3 just as PTRACE_INTERRUPT reaches it reports the
 * interrupt first (the kernel's get_signal() runs job-control traps before
 * it dequeues signals) and the SIGTRAP stays pending: its pc is one past
 * the int3 until that SIGTRAP is reported.  PTRACE_PEEKSIGINFO reads the
 * thread's private queue, where the trap's force_sig() put it. */
bool ld_proc_trap_pending(pid_t tid)
{
	struct __ptrace_peeksiginfo_args a = { .off = 0, .flags = 0, .nr = 8 };
	siginfo_t si[8];
	long n = ptrace(PTRACE_PEEKSIGINFO, tid, &a, si);
	long i;

	for (i = 0; i < n; i++)
		if (si[i].si_signo == SIGTRAP &&
		    (si[i].si_code == SI_KERNEL || si[i].si_code == TRAP_BRKPT ||
		     si[i].si_code == TRAP_TRACE || si[i].si_code == TRAP_HWBKPT))
			return true;
	return false;
}

/* ---- cancelling waits ------------------------------------------------
 * A thread that cannot stop (a vfork parent waiting for its child, a task
 * in uninterruptible sleep) would make a blocking waitpid wait for ever,
 * and a signal that lands just before waitpid blocks interrupts nothing.
 * Once the session is asked to end, a timer interrupts every wait within
 * a tick, and the waits that stop threads give up after a grace time. */
static volatile sig_atomic_t cancelled;

#define CANCEL_TICK_US 50000
#define CANCEL_GRACE_TICKS 20	/* one second for every stop to come in */

static void on_tick(int sig)
{
	(void)sig;
}

void ld_proc_cancel_waits(void)
{
	struct itimerval it = { { 0, CANCEL_TICK_US }, { 0, CANCEL_TICK_US } };
	struct sigaction sa;

	if (cancelled)
		return;
	cancelled = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tick;	/* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

bool ld_proc_cancelled(void)
{
	return cancelled;
}

int ld_proc_stop_all(struct ld_proc *p)
{
	size_t i;
	int r;

	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];

		/* Stopped by an interrupt earlier (one that cut a step short,
		 * say) with a debug trap still queued: let that trap come too. */
		if (t->state == LD_T_STOPPED && !t->queued &&
		    t->last.kind == LD_STOP_INTERRUPT && ld_proc_trap_pending(t->tid))
			r = ld_proc_resume(p, t, LD_RESUME_CONT, 0);
		else
			r = ld_proc_interrupt(p, t);
		if (r < 0 && r != -ESRCH)
			return r;
	}
	return ld_proc_collect_stops(p);
}

/* A thread-group leader that called pthread_exit is a zombie until its
 * last thread ends: the kernel reports nothing for it meanwhile (exit
 * events are not traced, so that a killed tracee dies at once), and it
 * can never stop again.  Seen in /proc: state Z (or X). */
static bool leader_gone(struct ld_proc *p)
{
	char path[64], buf[256], *c;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)p->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	c = strrchr(buf, ')');
	return c && (c[2] == 'Z' || c[2] == 'X');
}

/* The next stop, waiting at most 100 ms for it (-EAGAIN then): SIGCHLD,
 * which every ptrace stop of a tracee sends the tracer, is taken with
 * sigtimedwait while it is blocked, so none is missed. */
static int wait_a_while(struct ld_proc *p, struct ld_stop *st)
{
	static const struct timespec tick = { 0, 100 * 1000 * 1000 };
	sigset_t chld, old;
	int r;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	r = ld_proc_wait(p, st, false);
	if (r == -EAGAIN && sigtimedwait(&chld, NULL, &tick) < 0 && errno == EINTR)
		r = -EINTR;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* Wait until no thread runs; each was interrupted already, or is new and
 * stops by itself (its first stop). */
int ld_proc_collect_stops(struct ld_proc *p)
{
	unsigned ticks = 0;
	struct ld_thread *t;
	struct ld_stop st;
	size_t i;
	int r;

	for (;;) {
		bool running = false;

		for (i = 0; i < p->nthreads; i++)
			running |= p->threads[i].state == LD_T_RUNNING;
		if (!running || p->exited)
			return 0;
		r = wait_a_while(p, &st);
		if (r == -EAGAIN) {
			struct ld_thread *l = ld_proc_live_thread(p, p->pid);

			if (l && l->state == LD_T_RUNNING && leader_gone(p))
				l->state = LD_T_GONE;
			r = -EINTR;
		}
		if (r == -EINTR && cancelled && ++ticks >= CANCEL_GRACE_TICKS)
			return -ECANCELED;	/* the rest will not stop */
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		t = ld_proc_thread(p, st.tid);
		if (!t || t->state != LD_T_STOPPED)
			continue;
		/* An interrupt-stop is the stop we asked for (a thread born
		 * meanwhile reports one too: its first stop).  Anything else
		 * is a real event, kept to report later.  An interrupt that
		 * overtook an int3 trap is not the thread's last word: let the
		 * kernel deliver the trap (no instruction runs before it) so
		 * that run control sees the hit and rewinds the pc. */
		if (st.kind != LD_STOP_INTERRUPT)
			t->queued = true;
		else if (ld_proc_trap_pending(t->tid) &&
			 (r = ld_proc_resume(p, t, LD_RESUME_CONT, 0)) < 0 && r != -ESRCH)
			return r;
	}
}
