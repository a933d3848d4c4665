/* Process control: the thread table, resuming, waiting and decoding
 * stops, passive children.  The only caller of waitpid, with its other
 * parts spawn.c, attach.c and stopall.c (one module: see proc_int.h).
 * See proc.h for the stop kinds. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layoutdbg/mem.h"
#include "layoutdbg/proc.h"
#include "layoutdbg/syscalls.h"
#include "proc_int.h"

/* Forks are traced only so that a child can be cleaned of our int3s
 * before it runs on (it inherits a copy of the text): see infrun.c. */
#define BASE_OPTIONS (PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | \
		      PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
		      PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE)

struct ld_thread *ld_proc_add_thread(struct ld_proc *p, pid_t tid,
				     enum ld_thread_state state)
{
	struct ld_thread *t;

	if (p->nthreads == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct ld_thread *v = realloc(p->threads, cap * sizeof *v);

		if (!v)
			return NULL;
		p->threads = v;
		p->cap = cap;
	}
	t = &p->threads[p->nthreads++];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->num = ++p->next_num;
	t->state = state;
	return t;
}

struct ld_thread *ld_proc_thread(struct ld_proc *p, pid_t tid)
{
	struct ld_thread *gone = NULL;
	size_t i;

	/* A live entry first: a reused tid also names gone ones. */
	for (i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid) {
			if (p->threads[i].state != LD_T_GONE)
				return &p->threads[i];
			gone = &p->threads[i];
		}
	return gone;
}

size_t ld_proc_nlive(const struct ld_proc *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nthreads; i++)
		n += p->threads[i].state != LD_T_GONE;
	return n;
}

struct ld_proc *ld_proc_new(pid_t pid, bool spawned)
{
	struct ld_proc *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->pid = pid;
	p->spawned = spawned;
	p->options = BASE_OPTIONS | (spawned ? PTRACE_O_EXITKILL : 0);
	return p;
}

void ld_proc_free(struct ld_proc *p)
{
	if (!p)
		return;
	free(p->threads);
	free(p->passive);
	free(p);
}

void ld_proc_interrupt_raw(struct ld_proc *p)
{
	size_t i;

	/* Every thread, whatever we believe its state: a signal landing
	 * between PTRACE_CONT and the state update must still stop it (an
	 * interrupt for a stopped thread stops it at its next resume, which
	 * run control treats as the requested interrupt). */
	for (i = 0; i < p->nthreads; i++)
		if (p->threads[i].state != LD_T_GONE) {
			p->threads[i].interrupting = true;
			ptrace(PTRACE_INTERRUPT, p->threads[i].tid, NULL, NULL);
		}
}

void ld_proc_abandon(struct ld_proc *p)
{
	size_t i;

	if (p->spawned) {
		kill(p->pid, SIGKILL);
		return;
	}
	for (i = 0; i < p->nthreads; i++) {
		ld_tregs_flush(&p->threads[i]);
		ptrace(PTRACE_DETACH, p->threads[i].tid, NULL, NULL);
	}
}

/* The live entry for tid: tids are reused (a thread factory wraps
 * pid_max in seconds), so an entry marked gone is another thread. */
struct ld_thread *ld_proc_live_thread(struct ld_proc *p, pid_t tid)
{
	struct ld_thread *t = ld_proc_thread(p, tid);

	return t && t->state != LD_T_GONE ? t : NULL;
}

int ld_proc_detach(struct ld_proc *p)
{
	int r = 0;
	size_t i;

	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];

		if (t->state == LD_T_GONE)
			continue;
		/* A queued signal has not been delivered yet: pass it on. */
		if (t->queued && t->last.kind == LD_STOP_SIGNAL && !t->pending_sig)
			t->pending_sig = t->last.sig;
		ld_tregs_flush(t);
		/* A watchpoint left behind would kill it with SIGTRAP. */
		if (p->dr_gen && t->state == LD_T_STOPPED)
			ld_debugreg_set(t->tid, 7, 0);
		if (ptrace(PTRACE_DETACH, t->tid, NULL,
			   (void *)(long)t->pending_sig) < 0 && errno != ESRCH)
			r = -errno;
		t->state = LD_T_GONE;
	}
	return r;
}

int ld_proc_kill(struct ld_proc *p)
{
	struct ld_stop st;

	if (p->exited)
		return 0;
	if (kill(p->pid, SIGKILL) < 0 && errno != ESRCH)
		return -errno;
	/* Reap until the leader itself is gone. */
	while (!p->exited) {
		int r = ld_proc_wait(p, &st, true);
		struct ld_thread *t;

		if (r == -ECHILD)
			break;
		/* a stop that came before the kill: let it go on dying */
		if (r == 0 && (t = ld_proc_thread(p, st.tid)) && t->state == LD_T_STOPPED)
			ld_proc_resume(p, t, LD_RESUME_CONT, 0);
	}
	p->exited = true;
	return 0;
}

int ld_proc_set_options(struct ld_proc *p, unsigned long options)
{
	size_t i;

	p->options = options | (p->spawned ? PTRACE_O_EXITKILL : 0);
	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];

		if (t->state == LD_T_STOPPED &&
		    ptrace(PTRACE_SETOPTIONS, t->tid, NULL, (void *)p->options) < 0 &&
		    errno != ESRCH)
			return -errno;
	}
	return 0;
}

int ld_proc_resume(struct ld_proc *p, struct ld_thread *t, enum ld_resume how,
		   int sig)
{
	static const int req[] = {
		[LD_RESUME_CONT] = PTRACE_CONT,
		[LD_RESUME_STEP] = PTRACE_SINGLESTEP,
		[LD_RESUME_SYSCALL] = PTRACE_SYSCALL,
		[LD_RESUME_LISTEN] = PTRACE_LISTEN,
	};

	if (t->state != LD_T_STOPPED)
		return -EINVAL;
	if (t->regs_dirty) {
		int e = ld_tregs_set(t, &t->regs);

		if (e == -ESRCH)
			t->state = LD_T_RUNNING;  /* its death arrives by wait */
		if (e)
			return e;
	}
	if (t->dr_gen != p->dr_gen)
		ld_proc_sync_debugregs(p, t);	/* refused: told when set */
	if (ptrace(req[how], t->tid, NULL, (void *)(long)sig) < 0) {
		int e = errno;

		if (e == ESRCH)
			t->state = LD_T_RUNNING;  /* its death arrives by wait */
		return -e;
	}
	/* After the resume, not before: until the thread runs, the kernel
	 * holds the registers written for this stop (a pc rewound, or moved
	 * past an emulated instruction), and a crash handler must leave them
	 * as they are.  Once it runs, its next stop is one the handler waits
	 * for itself (fresh), which never asks this flag. */
	t->regs_written = false;
	t->stepping = how == LD_RESUME_STEP;
	t->regs_valid = false;
	t->queued = false;
	t->pending_sig = 0;
	t->state = LD_T_RUNNING;
	return 0;
}

int ld_proc_sync_debugregs(struct ld_proc *p, struct ld_thread *t)
{
	int i, r;

	if (t->state != LD_T_STOPPED || t->dr_gen == p->dr_gen)
		return 0;
	/* DR7 off first: the kernel checks each enabled slot's address and
	 * length against the other registers as they are written. */
	if ((r = ld_debugreg_set(t->tid, 7, 0)) < 0)
		return r;
	for (i = 0; i < 4 && p->dr7; i++)
		if ((p->dr7 >> (2 * i)) & 1 &&
		    (r = ld_debugreg_set(t->tid, i, p->dr[i])) < 0)
			return r;
	if (p->dr7 && (r = ld_debugreg_set(t->tid, 7, p->dr7)) < 0)
		return r;
	t->dr_gen = p->dr_gen;
	return 0;
}

int ld_proc_interrupt(struct ld_proc *p, struct ld_thread *t)
{
	(void)p;
	/* Sent again even if one was sent before: an interrupt can be
	 * consumed by another stop that happened at the same time (then no
	 * interrupt-stop follows), and waiting for it would hang.  An extra
	 * one only makes a stale interrupt-stop, which run control skips. */
	if (t->state != LD_T_RUNNING)
		return 0;
	t->interrupting = true;
	if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0)
		return errno == ESRCH ? 0 : -errno;
	return 0;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* The one place a wait status is decoded. */
static void decode_signal(struct ld_proc *p, struct ld_thread *t, pid_t tid,
			  int sig, struct ld_stop *st);

static void decode_status(struct ld_proc *p, struct ld_thread *t, pid_t tid,
			  int status, struct ld_stop *st)
{
	int sig, event;

	memset(st, 0, sizeof *st);
	st->tid = tid;
	if (WIFEXITED(status)) {
		st->kind = LD_STOP_EXITED;
		st->status = WEXITSTATUS(status);
		return;
	}
	if (WIFSIGNALED(status)) {
		st->kind = LD_STOP_KILLED;
		st->sig = WTERMSIG(status);
		st->core = WCOREDUMP(status);
		return;
	}
	sig = WSTOPSIG(status);
	event = status >> 16;
	st->sig = sig;
	if (event) {
		static const enum ld_stop_kind kinds[] = {
			[PTRACE_EVENT_FORK] = LD_STOP_FORK,
			[PTRACE_EVENT_VFORK] = LD_STOP_VFORK,
			[PTRACE_EVENT_CLONE] = LD_STOP_CLONE,
			[PTRACE_EVENT_EXEC] = LD_STOP_EXEC,
			[PTRACE_EVENT_VFORK_DONE] = LD_STOP_VFORK_DONE,
			[PTRACE_EVENT_EXIT] = LD_STOP_EXIT_EVENT,
			[PTRACE_EVENT_SECCOMP] = LD_STOP_SECCOMP,
		};

		if (event == PTRACE_EVENT_STOP) {
			/* Seized tracees report a group-stop as EVENT_STOP with
			 * the stop signal; PTRACE_INTERRUPT and a new thread's
			 * first stop carry SIGTRAP (ptrace(2), "Group-stop")...
			 * except while the process is still job-control stopped
			 * (resumed by PTRACE_CONT, not by SIGCONT): then our own
			 * interrupt carries the stop signal too (the kernel's
			 * do_jobctl_trap), and is ours all the same. */
			st->kind = is_stop_signal(sig) && !(t && t->interrupting) ?
				   LD_STOP_GROUP : LD_STOP_INTERRUPT;
			if (t)
				t->interrupting = false;
			return;
		}
		st->kind = (size_t)event < sizeof kinds / sizeof *kinds &&
			   kinds[event] ? kinds[event] : LD_STOP_INTERRUPT;
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &st->msg);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		st->kind = LD_STOP_SYSCALL;
		st->sig = 0;
		return;
	}
	decode_signal(p, t, tid, sig, st);
}

/* A signal-delivery-stop: a debug trap of ours (int3, step, debug
 * register) or a signal for the program. */
/* A SIGTRAP that can only be the int3 at pc - 1: the tracer's hook says
 * the site there holds an instruction longer than one byte, so no
 * instruction ends at pc (nothing but the int3 leaves the thread there,
 * not even the program's own single-stepping or a signal sent to it);
 * no debug register is set, no step outstanding. */
static bool surely_int3(struct ld_proc *p, struct ld_thread *t)
{
	ld_regs r;

	return p->int3_hook && !p->dr7 && !t->stepping && ld_tregs(t, &r) == 0 &&
	       p->int3_hook(p->int3_ctx, r.rip - 1);
}

static void decode_signal(struct ld_proc *p, struct ld_thread *t, pid_t tid,
			  int sig, struct ld_stop *st)
{
	struct ld_siginfo si;

	st->kind = LD_STOP_SIGNAL;
	/* A SIGTRAP right after our PTRACE_SINGLESTEP is the step: spare the
	 * GETSIGINFO on the hot path of stepping over breakpoints; so for a
	 * hit of a breakpoint that is surely one. */
	if (sig == SIGTRAP && t && t->stepping) {
		st->kind = LD_STOP_STEP;
		return;
	}
	if (sig == SIGTRAP && t && surely_int3(p, t)) {
		st->kind = LD_STOP_BREAKPOINT;
		st->si_code = SI_KERNEL;
		return;
	}
	if (ld_siginfo_get(tid, &si) == 0) {
		st->fault_addr = si.addr;
		st->si_code = si.code;
		/* x86: int3 traps with SI_KERNEL; a single step with
		 * TRAP_TRACE, or TRAP_BRKPT when the stepped instruction was
		 * `syscall` (the report comes from the syscall exit path,
		 * arch/x86 user_single_step_report). */
		if (sig == SIGTRAP && t && t->stepping && si.code > 0)
			st->kind = LD_STOP_STEP;
		else if (sig == SIGTRAP && si.code == SI_KERNEL)
			st->kind = LD_STOP_BREAKPOINT;
		else if (sig == SIGTRAP && (si.code == TRAP_TRACE || si.code == TRAP_BRKPT))
			st->kind = LD_STOP_STEP;	/* a step's late report */
		else if (sig == SIGTRAP && si.code == TRAP_HWBKPT)
			st->kind = LD_STOP_WATCH;
	}
}

/* A stop from a task we do not know: a thread whose first stop beat its
 * creator's CLONE event (it belongs to us), or anything else. */
static bool same_group(struct ld_proc *p, pid_t tid)
{
	char path[64], line[128];
	long tgid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	fclose(f);
	return tgid == p->pid;
}

static bool is_passive(struct ld_proc *p, pid_t tid)
{
	size_t i;

	for (i = 0; i < p->npassive; i++)
		if (p->passive[i] == tid)
			return true;
	return false;
}

static int add_passive(struct ld_proc *p, pid_t tid)
{
	if (p->npassive == p->cappassive) {
		size_t cap = p->cappassive ? 2 * p->cappassive : 8;
		pid_t *v = realloc(p->passive, cap * sizeof *v);

		if (!v)
			return -ENOMEM;
		p->passive = v;
		p->cappassive = cap;
	}
	p->passive[p->npassive++] = tid;
	return 0;
}

/* A filtered call of a passive task, or the return of one the hook
 * asked to see: what the hook says; any other stop: just run on. */
static bool passive_wants_exit(struct ld_proc *p, pid_t tid, int status)
{
	bool sys = status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) ||
		   WSTOPSIG(status) == (SIGTRAP | 0x80);

	return sys && p->passive_hook && p->passive_hook(p->passive_ctx, tid);
}

/* A stop of a passively kept child (or of a task it created): resume it
 * at once, passing its own signals on.  Returns true when handled. */
static bool passive_event(struct ld_proc *p, pid_t tid, int status)
{
	size_t i;
	int sig, req;

	if (!is_passive(p, tid)) {
		/* A task born to a passive child: passive too. */
		if (!p->keep_children || ld_proc_thread(p, tid) || !WIFSTOPPED(status) ||
		    same_group(p, tid) || p->nchildren)
			return false;
		if (add_passive(p, tid) < 0)
			return false;
	}
	if (!WIFSTOPPED(status)) {
		for (i = 0; i < p->npassive; i++)
			if (p->passive[i] == tid)
				p->passive[i] = p->passive[--p->npassive];
		return true;
	}
	sig = WSTOPSIG(status);
	req = passive_wants_exit(p, tid, status) ? PTRACE_SYSCALL : PTRACE_CONT;
	/* events and syscall stops carry no signal to deliver */
	if (status >> 16 || sig == (SIGTRAP | 0x80) || sig == SIGTRAP)
		sig = 0;
	ptrace(req, tid, NULL, (void *)(long)sig);
	return true;
}

int ld_proc_keep_child(struct ld_proc *p, pid_t child)
{
	int r = add_passive(p, child);

	if (r < 0)
		return r;
	return ptrace(PTRACE_CONT, child, NULL, NULL) < 0 ? -errno : 0;
}

int ld_proc_syscall(pid_t tid, enum ld_sysop *op, struct ld_syscall *sc)
{
	struct __ptrace_syscall_info info;
	int i;

	memset(&info, 0, sizeof info);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) < 0)
		return -errno;
	switch (info.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		*op = LD_SYS_ENTRY;
		sc->nr = (long)info.entry.nr;
		for (i = 0; i < 6; i++)
			sc->args[i] = info.entry.args[i];
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		*op = LD_SYS_SECCOMP;
		sc->nr = (long)info.seccomp.nr;
		for (i = 0; i < 6; i++)
			sc->args[i] = info.seccomp.args[i];
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		*op = LD_SYS_EXIT;
		sc->returned = true;
		sc->ret = info.exit.rval;
		break;
	default:
		*op = LD_SYS_NONE;
	}
	return 0;
}

/* LAYOUTDBG_DEBUG, read once (this is the hot path of every stop). */
static bool debug_stops(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("LAYOUTDBG_DEBUG") != NULL;
	return on;
}

/* After execve the process has one thread, the leader's id, whichever
 * thread called it.  The others were killed; the thread that called
 * execve took over the leader's id and its own id is never reported
 * again (ptrace(2), "execve(2) under ptrace"): waiting for it would hang. */
static void exec_done(struct ld_proc *p, struct ld_thread *leader)
{
	size_t i;

	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];

		if (t != leader && t->state != LD_T_GONE) {
			t->state = LD_T_GONE;
			t->queued = false;
		}
	}
}

pid_t ld_proc_mem_tid(const struct ld_proc *p)
{
	size_t i;

	for (i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == p->pid && p->threads[i].state != LD_T_GONE)
			return p->pid;
	for (i = 0; i < p->nthreads; i++)
		if (p->threads[i].state == LD_T_STOPPED)
			return p->threads[i].tid;
	for (i = 0; i < p->nthreads; i++)
		if (p->threads[i].state != LD_T_GONE)
			return p->threads[i].tid;
	return p->pid;
}

int ld_proc_wait(struct ld_proc *p, struct ld_stop *st, bool block)
{
	struct ld_thread *t;
	int status;
	pid_t tid;

	for (;;) {
		tid = waitpid(-1, &status, __WALL | (block ? 0 : WNOHANG));
		if (tid < 0)
			return -errno;
		if (tid == 0)
			return -EAGAIN;
		if (passive_event(p, tid, status))
			continue;
		t = ld_proc_thread(p, tid);
		if (!t || (t->state == LD_T_GONE && WIFSTOPPED(status))) {
			if (!WIFSTOPPED(status))
				continue;  /* an unknown child went away */
			if (!same_group(p, tid)) {
				/* A forked child, auto-attached: it waits here
				 * until ld_proc_take_child cleans and releases it. */
				if (p->nchildren < sizeof p->children / sizeof *p->children)
					p->children[p->nchildren++] = tid;
				else
					ptrace(PTRACE_DETACH, tid, NULL, NULL);
				continue;
			}
			t = ld_proc_add_thread(p, tid, LD_T_RUNNING);
			if (!t)
				return -ENOMEM;
		}
		break;
	}
	decode_status(p, t, tid, status, st);
	if (debug_stops()) {
		char why[128];

		fprintf(stderr, "[debug] tid %d: %s (status 0x%x)\n", (int)tid,
			ld_stop_describe(st, why, sizeof why), status);
	}
	t->last = *st;
	t->stepping = false;
	if (st->kind == LD_STOP_EXITED || st->kind == LD_STOP_KILLED) {
		t->state = LD_T_GONE;
		if (tid == p->pid) {
			p->exited = true;
			p->exit_code = st->status;
			p->exit_sig = st->kind == LD_STOP_KILLED ? st->sig : 0;
		}
	} else {
		t->state = LD_T_STOPPED;
		if (st->kind == LD_STOP_EXEC)
			exec_done(p, t);
		if (st->kind == LD_STOP_CLONE) {
			pid_t ntid = (pid_t)st->msg;

			if (ntid > 0 && !ld_proc_live_thread(p, ntid) &&
			    !ld_proc_add_thread(p, ntid, LD_T_RUNNING))
				return -ENOMEM;
		}
	}
	return 0;
}

const char *ld_stop_describe(const struct ld_stop *st, char *buf, size_t len)
{
	const char *sig = st->sig ? sigabbrev_np(st->sig & 0x7f) : NULL;

	switch (st->kind) {
	case LD_STOP_EXITED:
		snprintf(buf, len, "exited with code %d", st->status);
		break;
	case LD_STOP_KILLED:
		snprintf(buf, len, "killed by SIG%s%s", sig ? sig : "?",
			 st->core ? " (core dumped)" : "");
		break;
	case LD_STOP_BREAKPOINT:
		snprintf(buf, len, "stopped at a breakpoint (SIGTRAP)");
		break;
	case LD_STOP_STEP:
		snprintf(buf, len, "stopped after a single step");
		break;
	case LD_STOP_WATCH:
		snprintf(buf, len, "stopped at a hardware watchpoint (SIGTRAP)");
		break;
	case LD_STOP_SIGNAL:
		snprintf(buf, len, "stopped by signal SIG%s", sig ? sig : "?");
		break;
	case LD_STOP_GROUP:
		snprintf(buf, len, "group-stop by SIG%s", sig ? sig : "?");
		break;
	case LD_STOP_INTERRUPT:
		snprintf(buf, len, "interrupted");
		break;
	case LD_STOP_EXEC:
		snprintf(buf, len, "stopped at exec");
		break;
	case LD_STOP_CLONE:
		snprintf(buf, len, "created thread %lu", st->msg);
		break;
	case LD_STOP_FORK:
	case LD_STOP_VFORK:
		snprintf(buf, len, "forked process %lu", st->msg);
		break;
	case LD_STOP_VFORK_DONE:
		snprintf(buf, len, "vfork done");
		break;
	case LD_STOP_EXIT_EVENT:
		snprintf(buf, len, "about to exit");
		break;
	case LD_STOP_SYSCALL:
		snprintf(buf, len, "stopped at a system call");
		break;
	case LD_STOP_SECCOMP:
		snprintf(buf, len, "stopped at a filtered system call");
		break;
	default:
		snprintf(buf, len, "not stopped");
	}
	return buf;
}

int ld_proc_take_child(struct ld_proc *p, pid_t child)
{
	int status;
	size_t i;

	for (i = 0; i < p->nchildren; i++) {
		if (p->children[i] == child) {
			p->children[i] = p->children[--p->nchildren];
			return 0;
		}
	}
	/* Its first stop has not been seen yet: it comes soon (the kernel
	 * attached it before reporting the fork). */
	while (waitpid(child, &status, __WALL) < 0)
		if (errno != EINTR || ld_proc_cancelled())
			return errno == EINTR ? -ECANCELED : -errno;
	return WIFSTOPPED(status) ? 0 : -ESRCH;
}

struct ld_proc *ld_proc_adopt_child(struct ld_proc *parent, pid_t child)
{
	struct ld_proc *p = ld_proc_new(child, parent->spawned);

	if (!p)
		return NULL;
	p->options = parent->options;
	p->keep_children = parent->keep_children;
	p->passive_hook = parent->passive_hook;
	p->passive_ctx = parent->passive_ctx;
	p->int3_hook = parent->int3_hook;
	p->int3_ctx = parent->int3_ctx;
	/* The kernel gives a child no debug registers: the watchpoints go
	 * with the session into it when it first resumes. */
	memcpy(p->dr, parent->dr, sizeof p->dr);
	p->dr7 = parent->dr7;
	p->dr_gen = parent->dr_gen;
	if (!ld_proc_add_thread(p, child, LD_T_STOPPED)) {
		ld_proc_free(p);
		return NULL;
	}
	p->threads[0].last.kind = LD_STOP_INTERRUPT;
	p->threads[0].last.tid = child;
	return p;
}

int ld_proc_release_child(pid_t child)
{
	return ptrace(PTRACE_DETACH, child, NULL, NULL) < 0 ? -errno : 0;
}

/* Registers of a stopped thread, read once per stop. */
int ld_tregs(struct ld_thread *t, ld_regs *r)
{
	if (!t->regs_valid) {
		int e = ld_regs_get(t->tid, &t->regs);

		if (e)
			return e;
		t->regs_valid = true;
	}
	*r = t->regs;
	return 0;
}

int ld_tregs_set(struct ld_thread *t, const ld_regs *r)
{
	int e = ld_regs_set(t->tid, r);

	t->regs_valid = !e;
	t->regs_dirty = false;
	if (!e) {
		t->regs = *r;
		t->regs_written = true;
	}
	return e;
}

void ld_tregs_stage(struct ld_thread *t, const ld_regs *r)
{
	t->regs = *r;
	t->regs_valid = true;
	t->regs_dirty = true;
}

int ld_tregs_flush(struct ld_thread *t)
{
	if (!t->regs_dirty || t->state != LD_T_STOPPED)
		return 0;
	return ld_tregs_set(t, &t->regs);
}

void ld_proc_flush_regs(struct ld_proc *p)
{
	size_t i;

	for (i = 0; i < p->nthreads; i++)
		ld_tregs_flush(&p->threads[i]);
}
