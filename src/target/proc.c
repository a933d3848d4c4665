/* Process control: spawning, attaching, resuming, waiting.  The only
 * caller of waitpid.  See proc.h for the stop kinds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layoutdbg/mem.h"
#include "layoutdbg/proc.h"
#include "layoutdbg/syscalls.h"

/* Forks are traced only so that a child can be cleaned of our int3s
 * before it runs on (it inherits a copy of the text): see infrun.c. */
#define BASE_OPTIONS (PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | \
		      PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
		      PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE)

static int collect_stops(struct ld_proc *p);

static struct ld_thread *add_thread(struct ld_proc *p, pid_t tid,
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

static struct ld_proc *proc_new(pid_t pid, bool spawned)
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
	for (i = 0; i < p->nthreads; i++)
		ptrace(PTRACE_DETACH, p->threads[i].tid, NULL, NULL);
}

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

static int install_filter(const struct sock_fprog *filter)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, filter) == 0)
		return 0;
	/* kernels before 4.17 know no such flag */
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter);
}

static void child_exec(const char *path, char *const argv[], char *const envp[],
		       bool aslr, const struct sock_fprog *filter, int go_fd,
		       int err_fd)
{
	char c;
	int e;

	if (!aslr)
		personality(personality(0xffffffff) | ADDR_NO_RANDOMIZE);
	/* Block until the parent has seized us and says so with one byte:
	 * the exec below is then the first thing the tracer sees.  End of
	 * file without it means layoutdbg died before the seize: never run
	 * the program untraced.  From the seize on PTRACE_O_EXITKILL ties
	 * the program's life to layoutdbg's, and PTRACE_DETACH unties it:
	 * no PR_SET_PDEATHSIG, which only the process itself could clear,
	 * and which would kill a detached program when layoutdbg exits. */
	while ((e = (int)read(go_fd, &c, 1)) < 0 && errno == EINTR)
		;
	if (e != 1)
		_exit(127);
	close(go_fd);
	/* Its own process group, as gdb does: the terminal's Ctrl-C goes to
	 * the foreground group, and that is the program's only while it
	 * runs (infrun.c hands the terminal over). */
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs (seccomp(2)).
	 * SPEC_ALLOW: installing a filter must not switch on the speculative
	 * store bypass mitigation for the whole program (the kernel's
	 * spec_store_bypass_disable=seccomp default), which slows every
	 * memory access of the program we only meant to watch. */
	if (filter && install_filter(filter) < 0 &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || install_filter(filter) < 0)) {
		e = errno;
		if (write(err_fd, &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	execve(path, argv, envp);
	e = errno;
	if (write(err_fd, &e, sizeof e) < 0)
		_exit(126);
	_exit(127);
}

static int spawn_fail(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -1;
}

int ld_proc_spawn(const char *path, char *const argv[], char *const envp[],
		  bool aslr, const struct sock_fprog *filter,
		  struct ld_proc **out, char *err, size_t errlen)
{
	int go[2], ep[2], status, e = 0;
	struct ld_proc *p;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return spawn_fail(err, errlen, "pipe", errno);
	if (pipe2(ep, O_CLOEXEC) < 0) {
		e = errno;
		close(go[0]);
		close(go[1]);
		return spawn_fail(err, errlen, "pipe", e);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(go[0]); close(go[1]); close(ep[0]); close(ep[1]);
		return spawn_fail(err, errlen, "fork", e);
	}
	if (pid == 0) {
		close(go[1]);
		close(ep[0]);
		child_exec(path, argv, envp, aslr, filter, go[0], ep[1]);
	}
	close(go[0]);
	close(ep[1]);
	setpgid(pid, pid);	/* also here: whichever runs first */
	p = proc_new(pid, true);
	if (p && filter) {
		p->options |= PTRACE_O_TRACESECCOMP;
		p->keep_children = true;
	}
	if (!p || ptrace(PTRACE_SEIZE, pid, NULL, (void *)p->options) < 0) {
		e = p ? errno : ENOMEM;
		kill(pid, SIGKILL);
		close(go[1]);
		close(ep[0]);
		waitpid(pid, &status, 0);
		ld_proc_free(p);
		return spawn_fail(err, errlen, "cannot trace the new process", e);
	}
	if (write(go[1], "g", 1) != 1) {
		e = errno;
		kill(pid, SIGKILL);
	}
	close(go[1]);
	/* Either the exec event, or the child's exit after a failed exec.
	 * When the filter watches execve (`catch syscall execve`), our own
	 * execve stops at it first: that one is the start, not a catch. */
	for (;;) {
		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (!WIFSTOPPED(status) ||
		    status >> 8 != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) ||
		    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0)
			break;
	}
	if (!e && WIFSTOPPED(status) &&
	    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		close(ep[0]);
		add_thread(p, pid, LD_T_STOPPED);
		p->threads[0].last.kind = LD_STOP_EXEC;
		p->threads[0].last.tid = pid;
		*out = p;
		return 0;
	}
	if (!e && read(ep[0], &e, sizeof e) != sizeof e)
		e = 0;
	close(ep[0]);
	if (!WIFEXITED(status) && !WIFSIGNALED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
	}
	ld_proc_free(p);
	if (e)
		snprintf(err, errlen, "%s", strerror(e));
	else
		snprintf(err, errlen, "the new process ended before exec");
	return -1;
}

/* What /proc says about one task (/proc/PID/task/TID, or /proc/PID when
 * tid is the pid): enough to say why it cannot be traced. */
struct task_facts {
	char name[32];
	char state;              /* R, S, Z, ...; 0 when it is gone */
	long tracer, ppid;
	bool kthread;
};

/* PF_KTHREAD in /proc/PID/stat's flags (include/linux/sched.h); the
 * status file's "Kthread:" line is newer than some kernels we run on. */
#define PF_KTHREAD_FLAG 0x00200000UL

static bool is_kthread(const char *dir)
{
	char path[96], buf[512], *p;
	unsigned long flags = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/stat", dir);
	if (!(f = fopen(path, "r")))
		return false;
	p = fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "comm)": state ppid pgrp session tty tpgid flags */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & PF_KTHREAD_FLAG;
}

static bool task_facts(pid_t pid, pid_t tid, struct task_facts *tf)
{
	char dir[64], path[96], line[256];
	FILE *f;

	memset(tf, 0, sizeof tf[0]);
	if (tid == pid)
		snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	else
		snprintf(dir, sizeof dir, "/proc/%d/task/%d", (int)pid, (int)tid);
	snprintf(path, sizeof path, "%s/status", dir);
	if (!(f = fopen(path, "r")))
		return false;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "Name: %31[^\n]", tf->name) == 1 ||
		    sscanf(line, "State: %c", &tf->state) == 1 ||
		    sscanf(line, "PPid: %ld", &tf->ppid) == 1)
			continue;
		if (sscanf(line, "TracerPid: %ld", &tf->tracer) == 1)
			break;
	}
	fclose(f);
	tf->kthread = is_kthread(dir);
	return tf->state != 0;
}

/* Why tid (a thread of pid, or pid itself) could not be seized with
 * errno err.  The kernel says EPERM for a kernel thread, a zombie, a task
 * traced already and a refused permission alike (ptrace_attach in
 * kernel/ptrace.c): /proc tells them apart. */
static const char *why_not_task(pid_t pid, pid_t tid, int err, char *buf,
				size_t len)
{
	char who[96], tracer[64];
	struct task_facts tf, tr;

	if (!task_facts(pid, tid, &tf)) {
		snprintf(buf, len, "%s", err == ESRCH || err == ENOENT || err == EPERM ?
			 "no such process" : strerror(err));
		return buf;
	}
	if (tid == pid)
		snprintf(who, sizeof who, "process %d (%s)", (int)pid, tf.name);
	else
		snprintf(who, sizeof who, "thread %d of process %d", (int)tid, (int)pid);
	tracer[0] = 0;
	if (tf.tracer > 0 && task_facts((pid_t)tf.tracer, (pid_t)tf.tracer, &tr))
		snprintf(tracer, sizeof tracer, " (%s)", tr.name);
	if (tf.kthread)
		snprintf(buf, len, "%s is a kernel thread: it cannot be traced", who);
	else if (tf.state == 'Z' || tf.state == 'X')
		snprintf(buf, len, "%s is a zombie: it has exited and waits for its "
			 "parent (process %ld) to reap it", who, tf.ppid);
	else if (err == EPERM && tf.tracer > 0 && tf.tracer != getpid())
		snprintf(buf, len, "%s is already traced by process %ld%s", who,
			 tf.tracer, tracer);
	else if (err == EPERM)
		snprintf(buf, len, "permission denied (not your process, or "
			 "ptrace is restricted: see /proc/sys/kernel/yama/ptrace_scope)");
	else
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}

const char *ld_proc_why_not(pid_t pid, int err, char *buf, size_t len)
{
	return why_not_task(pid, pid, err, buf, len);
}

/* The live entry for tid: tids are reused (a thread factory wraps
 * pid_max in seconds), so an entry marked gone is another thread. */
static struct ld_thread *live_thread(struct ld_proc *p, pid_t tid)
{
	struct ld_thread *t = ld_proc_thread(p, tid);

	return t && t->state != LD_T_GONE ? t : NULL;
}

static bool has_other_tasks(pid_t pid)
{
	char path[64];
	struct dirent *d;
	bool other = false;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(dir = opendir(path)))
		return false;
	while (!other && (d = readdir(dir)))
		other = atoi(d->d_name) > 0 && atoi(d->d_name) != pid;
	closedir(dir);
	return other;
}

/* Seize one task listed in /proc/PID/task and interrupt it at once (a
 * stopped thread creates no more threads, so the passes end).  Returns 1
 * when seized, 0 when there is nothing to seize, -errno (the task's
 * reason) otherwise.  A task is nothing to seize when it exited meanwhile
 * (ESRCH), is exiting (an untraced zombie thread waits to be released), or
 * is ours already: a thread created by a thread we seized is attached by
 * the kernel (PTRACE_O_TRACECLONE) before its creator reports the clone,
 * and seizing it again fails with EPERM.  Its first stop comes by itself. */
static int seize_one(struct ld_proc *p, pid_t tid)
{
	struct task_facts tf;
	int e;

	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)p->options) == 0) {
		ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
		return add_thread(p, tid, LD_T_RUNNING) ? 1 : -ENOMEM;
	}
	e = errno;
	if (e != ESRCH && e != EPERM)
		return -e;
	if (!task_facts(p->pid, tid, &tf))
		return tid == p->pid ? -ESRCH : 0;	/* gone */
	if (tf.tracer == getpid())
		return add_thread(p, tid, LD_T_RUNNING) ? 0 : -ENOMEM;
	/* A leader gone by pthread_exit stays a zombie while its threads
	 * live: those are the process (gdb attaches them the same way). */
	if (tid == p->pid && tf.state == 'Z' && has_other_tasks(p->pid))
		return add_thread(p, tid, LD_T_GONE) ? 0 : -ENOMEM;
	if (tid != p->pid && (e == ESRCH || tf.state == 'Z' || tf.state == 'X'))
		return 0;
	return -e;
}

/* Seize every task listed in /proc/PID/task; returns how many new ones,
 * or -1 with the errno in *err and the task that refused in *bad. */
static int seize_tasks(struct ld_proc *p, int *err, pid_t *bad)
{
	char path[64];
	struct dirent *d;
	int added = 0, r;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)p->pid);
	dir = opendir(path);
	if (!dir) {
		*err = errno == ENOENT ? ESRCH : errno;
		*bad = p->pid;
		return -1;
	}
	while ((d = readdir(dir))) {
		pid_t tid = (pid_t)atoi(d->d_name);

		if (tid <= 0 || live_thread(p, tid) ||
		    (tid == p->pid && ld_proc_thread(p, tid)))
			continue;
		r = seize_one(p, tid);
		if (r < 0) {
			*err = -r;
			*bad = tid;
			closedir(dir);
			return -1;
		}
		added += r;
	}
	closedir(dir);
	return added;
}

/* How many threads the kernel counts in the group (zombie threads not
 * yet reaped by their tracer included); 0 when unknown. */
static long kernel_threads(pid_t pid)
{
	char path[64], line[128];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Ours, as the kernel counts them: a zombie leader still counts. */
static long known_threads(struct ld_proc *p)
{
	struct ld_thread *leader = ld_proc_thread(p, p->pid);

	return (long)ld_proc_nlive(p) + (leader && leader->state == LD_T_GONE);
}

/* Rounds of passes and stops before we take what we have: threads that
 * escape a pass are rare; a program creating them faster than we stop
 * them forever is not attachable whole. */
#define ATTACH_ROUNDS 100

/* Let go of what a failed attach seized: PTRACE_DETACH needs a stopped
 * tracee, and a thread left traced would wait for us at its next event. */
static void attach_undo(struct ld_proc *p)
{
	ld_proc_stop_all(p);
	ld_proc_detach(p);
	ld_proc_free(p);
}

int ld_proc_attach(pid_t pid, struct ld_proc **out, char *err, size_t errlen)
{
	struct ld_proc *p;
	pid_t bad = pid;
	int e = 0, n, round;

	if (pid <= 0) {
		snprintf(err, errlen, "not a process id");
		return -1;
	}
	if (pid == getpid()) {
		snprintf(err, errlen, "cannot trace layoutdbg itself");
		return -1;
	}
	p = proc_new(pid, false);
	if (!p) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	/* Threads created while we attach by threads not seized yet show
	 * up on a further pass; those created by seized ones are ours.  A
	 * pass can miss live threads outright (readdir of /proc/PID/task
	 * loses its place when the thread it stood on exits), so once ours
	 * are stopped the kernel's count says whether any escaped. */
	for (round = 0; round < ATTACH_ROUNDS; round++) {
		do {
			n = seize_tasks(p, &e, &bad);
		} while (n > 0);
		if (n < 0 || ld_proc_nlive(p) == 0) {
			why_not_task(pid, bad, e ? e : ESRCH, err, errlen);
			attach_undo(p);
			return -1;
		}
		if (collect_stops(p) < 0 || p->exited || ld_proc_nlive(p) == 0) {
			snprintf(err, errlen, "the process exited while attaching");
			ld_proc_free(p);
			return -1;
		}
		if (kernel_threads(pid) <= known_threads(p))
			break;
	}
	*out = p;
	return 0;
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

	(void)p;
	if (t->state != LD_T_STOPPED)
		return -EINVAL;
	if (ptrace(req[how], t->tid, NULL, (void *)(long)sig) < 0) {
		int e = errno;

		if (e == ESRCH)
			t->state = LD_T_RUNNING;  /* its death arrives by wait */
		return -e;
	}
	t->stepping = how == LD_RESUME_STEP;
	t->regs_valid = false;
	t->queued = false;
	t->pending_sig = 0;
	t->state = LD_T_RUNNING;
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
static void decode_status(struct ld_thread *t, pid_t tid, int status,
			  struct ld_stop *st)
{
	struct ld_siginfo si;
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
	st->kind = LD_STOP_SIGNAL;
	/* A SIGTRAP right after our PTRACE_SINGLESTEP is the step: spare the
	 * GETSIGINFO on the hot path of stepping over breakpoints. */
	if (sig == SIGTRAP && t && t->stepping) {
		st->kind = LD_STOP_STEP;
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
			t = add_thread(p, tid, LD_T_RUNNING);
			if (!t)
				return -ENOMEM;
		}
		break;
	}
	decode_status(t, tid, status, st);
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

			if (ntid > 0 && !live_thread(p, ntid) &&
			    !add_thread(p, ntid, LD_T_RUNNING))
				return -ENOMEM;
		}
	}
	return 0;
}

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
		     si[i].si_code == TRAP_TRACE))
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
	return collect_stops(p);
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
static int collect_stops(struct ld_proc *p)
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
			struct ld_thread *l = live_thread(p, p->pid);

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
		if (errno != EINTR || cancelled)
			return errno == EINTR ? -ECANCELED : -errno;
	return WIFSTOPPED(status) ? 0 : -ESRCH;
}

struct ld_proc *ld_proc_adopt_child(struct ld_proc *parent, pid_t child)
{
	struct ld_proc *p = proc_new(child, parent->spawned);

	if (!p)
		return NULL;
	p->options = parent->options;
	p->keep_children = parent->keep_children;
	p->passive_hook = parent->passive_hook;
	p->passive_ctx = parent->passive_ctx;
	if (!add_thread(p, child, LD_T_STOPPED)) {
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
