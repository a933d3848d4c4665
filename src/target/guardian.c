/* The guardian: restore an attached process's text when layoutdbg dies.
 * See guardian.h.  Everything from release() down runs in a signal
 * handler or in the guardian process: system calls and plain memory only
 * (no stdio, no malloc, no errno-keeping library helpers). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/guardian.h"

#define INT3 0xcc
#define TABLE_BYTES (1u << 20)   /* address space only: pages are touched as used */
#define MAX_TIDS 8192

struct gsite {
	uint64_t addr;
	uint8_t orig;
};

/* Written by layoutdbg, read by the guardian only once layoutdbg is dead,
 * and by the crash handler, which may interrupt an update: every update
 * keeps each int3 present in the text listed (a site is listed before its
 * int3 is written and unlisted after the byte is back), so an interrupted
 * one leaves at worst a duplicate or an entry whose byte is no longer an
 * int3, which release() skips. */
struct gtable {
	pid_t pid;
	uint32_t n;
	uint32_t debugregs;  /* watchpoints were set: clear DR7 at release */
	struct gsite v[];
};

#define TABLE_CAP ((TABLE_BYTES - offsetof(struct gtable, v)) / sizeof(struct gsite))

static struct gtable *table;
static bool active;          /* an attached process is guarded */
static bool full_warned;
static pid_t guard_pid;      /* the guardian process, 0 when none */
static int guard_fd = -1;    /* the pipe's write end: only layoutdbg has it */
static int guard_pidfd = -1; /* to reap exactly the guardian */

/* ---- the table (layoutdbg's side) ------------------------------------- */

void ld_guardian_note_debugregs(void)
{
	if (active)
		table->debugregs = 1;
}

void ld_guardian_note(uint64_t addr, uint8_t orig, bool present)
{
	uint32_t i, n;

	if (!active)
		return;
	n = table->n;
	for (i = 0; i < n && table->v[i].addr != addr; i++)
		;
	if (present && i < n) {
		table->v[i].orig = orig;
	} else if (present) {
		if (n == TABLE_CAP) {
			if (!full_warned)
				ld_warn("more than %zu breakpoint sites: the ones past "
					"that are not restored if layoutdbg dies",
					(size_t)TABLE_CAP);
			full_warned = true;
			return;
		}
		table->v[n].addr = addr;
		table->v[n].orig = orig;
		atomic_signal_fence(memory_order_seq_cst);
		table->n = n + 1;
	} else if (i < n) {
		table->v[i] = table->v[n - 1];
		atomic_signal_fence(memory_order_seq_cst);
		table->n = n - 1;
	}
}

static bool is_site(uint64_t addr)
{
	uint32_t i;

	for (i = 0; i < table->n; i++)
		if (table->v[i].addr == addr)
			return true;
	return false;
}

/* ---- release: stop, restore, rewind, detach (async-signal-safe) ------- */

/* What each taken thread is: not stopped (gone), stopped in a stop its
 * tracer had already seen (layoutdbg has handled it: its pc is right), or
 * in a stop we waited for ourselves (nobody has looked at its pc yet). */
enum tstate { T_GONE, T_SEEN, T_FRESH };

static pid_t tids[MAX_TIDS];
static enum tstate tstate[MAX_TIDS];
static size_t ntids;

static long pt(int req, pid_t tid, uint64_t addr, void *data)
{
	return syscall(SYS_ptrace, req, tid, (void *)addr, data);
}

static char *utoa(char *end, unsigned long v)
{
	*--end = 0;
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Take one thread: seize it (guardian) and interrupt it.  EPERM on the
 * seize means the dead tracer's exit has not released it yet: retry for a
 * bounded time. */
static bool take(pid_t tid, bool seize)
{
	double deadline = now() + 2.0;

	while (seize && pt(PTRACE_SEIZE, tid, 0, 0) < 0) {
		if (errno != EPERM || now() > deadline)
			return false;
		sched_yield();
	}
	return pt(PTRACE_INTERRUPT, tid, 0, 0) == 0;
}

struct dirent64_raw {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Take every task of pid not taken yet; how many were new, -1 when the
 * process is gone. */
static int scan(pid_t pid, bool seize)
{
	char path[48] = "/proc/", num[24], buf[4096];
	int fd, added = 0;
	long n;

	strcat(path, utoa(num + sizeof num, (unsigned long)pid));
	strcat(path, "/task");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		long off;

		for (off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			pid_t tid = 0;
			const char *c;
			size_t i;

			off += d->reclen;
			for (c = d->name; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			for (i = 0; i < ntids && tids[i] != tid; i++)
				;
			if (*c || tid <= 0 || i < ntids || ntids == MAX_TIDS ||
			    !take(tid, seize))
				continue;
			tstate[ntids] = T_GONE;
			tids[ntids++] = tid;
			added++;
		}
	}
	close(fd);
	return added;
}

/* Wait until tid is in a ptrace-stop (any stop will do: nothing is resumed
 * here).  A stop not waited for yet is fresh; a request on a running tracee
 * fails with ESRCH. */
static enum tstate wait_stopped(pid_t tid)
{
	long word;
	int st;
	pid_t w = waitpid(tid, &st, __WALL | WNOHANG);

	for (;;) {
		if (w == tid && (WIFEXITED(st) || WIFSIGNALED(st)))
			return T_GONE;
		if (pt(PTRACE_PEEKUSER, tid, offsetof(struct user_regs_struct, rip),
		       &word) == 0)
			return w == tid ? T_FRESH : T_SEEN;
		if (errno != ESRCH)
			return T_GONE;
		w = waitpid(tid, &st, __WALL);
		if (w < 0 && errno != EINTR)
			return T_GONE;
	}
}

/* Put back, through tid, every original byte still covered by our int3;
 * *done counts them, *failed the ones that could not be.  -ESRCH as soon
 * as tid is out of its stop: then the bytes left are for another thread
 * to restore (a retry skips the ones already back, no int3 any more). */
static int restore_bytes(pid_t tid, long *done, unsigned *failed)
{
	uint32_t i;

	for (i = 0; i < table->n; i++) {
		uint64_t a = table->v[i].addr, base = a & ~7ULL;
		unsigned char w[8];

		if (pt(PTRACE_PEEKDATA, tid, base, w) < 0) {
			if (errno == ESRCH)
				return -ESRCH;
			++*failed;
			continue;
		}
		if (w[a - base] != INT3)
			continue;	/* lifted, or not ours any more */
		w[a - base] = table->v[i].orig;
		if (pt(PTRACE_POKEDATA, tid, base, (void *)*(long *)(void *)w) == 0)
			++*done;
		else if (errno == ESRCH)
			return -ESRCH;
		else
			++*failed;
	}
	return 0;
}

/* Restore through any thread still stopped; how many bytes, or -1 when
 * none is.  We resume nothing from here on, so only SIGKILL takes one of
 * our stopped threads out of its stop (ESRCH): the process is being
 * killed, typically because a thread met one of our int3s between
 * layoutdbg's death and our seizing it and died of the SIGTRAP, taking
 * the process down.  Its text then belongs to nothing that will run:
 * "ended before" is the truth, not a failed restore of a live program. */
static long restore_all(unsigned *failed)
{
	long done = 0;
	size_t i;

	for (i = 0; i < ntids; i++) {
		if (tstate[i] == T_GONE)
			continue;
		if (restore_bytes(tids[i], &done, failed) == 0)
			return done;
		tstate[i] = T_GONE;
	}
	return -1;
}

/* The signal tid must get when detached: 0 for our own traps.  A thread
 * that has just executed one of our int3s has its pc one past the site:
 * rewind it, unless layoutdbg has already handled that stop (adjusted():
 * it rewound the pc, or emulated the instruction at the site and moved
 * past it, so pc - 1 may be a site again).  A stop we waited for
 * ourselves (fresh) was never seen by layoutdbg. */
static int settle(pid_t tid, enum tstate ts, bool (*adjusted)(pid_t))
{
	struct user_regs_struct r;
	siginfo_t si;

	if (pt(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
		return 0;		/* group-stop (EINVAL): no signal */
	if (si.si_signo != SIGTRAP)
		return si.si_signo;	/* the program's own: pass it on */
	if (si.si_code <= 0)
		return SIGTRAP;		/* sent with kill/tgkill: its own too */
	if (si.si_code != SI_KERNEL)
		return 0;		/* a step or a ptrace event: ours */
	if (ts == T_SEEN && adjusted && adjusted(tid))
		return 0;
	if (pt(PTRACE_GETREGS, tid, 0, &r) < 0 || is_site(r.rip))
		return 0;
	if (!is_site(r.rip - 1))
		return SIGTRAP;		/* the program's own int3 */
	r.rip--;
	pt(PTRACE_SETREGS, tid, 0, &r);
	return 0;
}

/* Is a SIGTRAP queued for tid (SigPnd in /proc/PID/task/TID/status)? */
static bool trap_pending(pid_t pid, pid_t tid)
{
	char path[64] = "/proc/", num[24], buf[2048];
	unsigned long mask = 0;
	const char *p;
	ssize_t n;
	int fd;

	strcat(path, utoa(num + sizeof num, (unsigned long)pid));
	strcat(path, "/task/");
	strcat(path, utoa(num + sizeof num, (unsigned long)tid));
	strcat(path, "/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	p = strstr(buf, "\nSigPnd:");
	if (!p)
		return false;
	for (p += 9; *p == ' ' || *p == '\t'; p++)
		;
	for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
		mask = mask << 4 | (unsigned long)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	return mask & (1UL << (SIGTRAP - 1));
}

/* A thread that executed one of our int3s just before it was interrupted
 * stops for the interrupt with the SIGTRAP still queued (get_signal()
 * handles the trap-stop before it dequeues a signal); detached like that,
 * it would die of it.  Let it dequeue the signal under our eyes: resumed
 * with no signal it stops at once in the SIGTRAP's delivery, which settle()
 * then rewinds and suppresses.  Not from a stop delivering another signal,
 * which resuming would drop. */
static enum tstate drain_trap(pid_t pid, pid_t tid, enum tstate ts)
{
	siginfo_t si;
	int i;

	for (i = 0; i < 16 && ts != T_GONE && trap_pending(pid, tid); i++) {
		if (pt(PTRACE_GETSIGINFO, tid, 0, &si) == 0 &&
		    si.si_signo != SIGTRAP)
			break;
		if (pt(PTRACE_CONT, tid, 0, 0) < 0)
			break;
		ts = wait_stopped(tid);
	}
	return ts;
}

/* Returns how many bytes were restored, or -1 when no thread could be
 * stopped (the process is gone); *failed counts bytes not restored. */
static long release(pid_t pid, bool seize, bool (*adjusted)(pid_t),
		    unsigned *failed)
{
	size_t i, waited = 0;
	long done;
	int added;

	ntids = 0;
	/* A thread still running may create another: take the new ones until
	 * a pass over /proc/PID/task finds none. */
	do {
		added = scan(pid, seize);
		for (; waited < ntids; waited++)
			tstate[waited] = wait_stopped(tids[waited]);
	} while (added > 0);
	for (i = 0; i < ntids; i++)
		tstate[i] = drain_trap(pid, tids[i], tstate[i]);
	done = restore_all(failed);
	for (i = 0; i < ntids; i++) {
		int sig = done >= 0 && tstate[i] != T_GONE ?
			  settle(tids[i], tstate[i], adjusted) : 0;

		/* a SIGTRAP of our int3 still queued behind the stop settled
		 * (an interrupt stop came again): drained and settled again,
		 * or the detached thread would die of it */
		if (sig == 0 && done >= 0 && tstate[i] != T_GONE &&
		    trap_pending(pid, tids[i])) {
			tstate[i] = drain_trap(pid, tids[i], T_FRESH);
			if (tstate[i] != T_GONE)
				sig = settle(tids[i], tstate[i], adjusted);
		}

		/* no watchpoint left to kill it with SIGTRAP */
		if (tstate[i] != T_GONE)
			pt(PTRACE_POKEUSER, tids[i],
			   offsetof(struct user, u_debugreg) + 7 * sizeof(long), 0);
		pt(PTRACE_DETACH, tids[i], 0, (void *)(long)sig);
	}
	return done;
}

static void say(const char *a, pid_t pid, const char *b, long n, const char *c)
{
	char msg[256] = "layoutdbg: ", num[24];

	strcat(msg, a);
	strcat(msg, utoa(num + sizeof num, (unsigned long)pid));
	strcat(msg, b);
	if (n >= 0)
		strcat(msg, utoa(num + sizeof num, (unsigned long)n));
	strcat(msg, c);
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
		return;
}

int ld_guardian_crash_release(bool (*adjusted)(pid_t tid))
{
	unsigned failed = 0;
	long done;

	if (!active)
		return -1;
	/* A wait that never ends (a thread that cannot stop) must not keep
	 * a crashed layoutdbg alive: SIGALRM ends it, and the guardian takes
	 * over. */
	alarm(3);
	done = release(table->pid, false, adjusted, &failed);
	alarm(0);
	if (done < 0)
		return -1;
	say("crashed: process ", table->pid, " detached, ", done,
	    failed ? " breakpoint byte(s) restored, some could not be\n" :
		     " breakpoint byte(s) restored\n");
	if (!failed && guard_fd >= 0 && write(guard_fd, "q", 1) < 0)
		return 0;
	return 0;
}

/* ---- the guardian process --------------------------------------------- */

static void quiet_signals(void)
{
	static const int ign[] = { SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN,
				   SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2 };
	sigset_t all;
	int s;
	size_t i;

	/* layoutdbg's handlers (Ctrl-C kicks the tracee, a crash releases
	 * it) mean nothing here. */
	for (s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	for (i = 0; i < sizeof ign / sizeof *ign; i++)
		signal(ign[i], SIG_IGN);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Hold nothing of layoutdbg's: a test or a shell waiting for EOF on
 * layoutdbg's stdout must not wait for us.  stderr stays, for the one
 * line said after layoutdbg's death. */
static void close_others(int keep)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (null > STDERR_FILENO && null != keep)
			close(null);
	}
	if (keep > 3)
		syscall(SYS_close_range, 3, keep - 1, 0);
	syscall(SYS_close_range, keep + 1, ~0U, 0);
}

static void wait_dead(int pidfd)
{
	struct pollfd pf = { .fd = pidfd, .events = POLLIN };

	/* EOF comes when the dying layoutdbg closes its files; the kernel
	 * releases its tracees later in the same exit (exit_files() before
	 * exit_notify() in do_exit), so wait for the exit itself.  Without a
	 * pidfd, take() retries while the tracees are still held. */
	if (pidfd >= 0)
		while (poll(&pf, 1, -1) < 0 && errno == EINTR)
			;
}

static void guardian_main(int rfd, pid_t parent, pid_t pid)
{
	unsigned failed = 0;
	long done;
	int pidfd;
	ssize_t n;
	char c;

	quiet_signals();
	setpgid(0, 0);		/* out of the terminal's job control */
	if (rfd <= STDERR_FILENO)
		rfd = fcntl(rfd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close_others(rfd);
	pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
	while ((n = read(rfd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);	/* layoutdbg let the process go itself */
	wait_dead(pidfd);
	if (table->n == 0 && !table->debugregs)
		_exit(0);	/* nothing of ours in its text or registers */
	alarm(10);		/* never hang around a process that cannot stop */
	done = release(pid, true, NULL, &failed);
	if (done < 0)
		say("layoutdbg died: process ", pid,
		    " ended before its breakpoint bytes could be restored", -1, "\n");
	else
		say("layoutdbg died: process ", pid, " released, ", done,
		    failed ? " breakpoint byte(s) restored, some could not be\n" :
			     " breakpoint byte(s) restored\n");
	_exit(0);
}

int ld_guardian_start(pid_t pid)
{
	pid_t parent = getpid(), g;
	int fds[2], e;

	ld_guardian_stop();
	if (!table) {
		void *m = mmap(NULL, TABLE_BYTES, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return -errno;
		table = m;
	}
	table->pid = pid;
	table->n = 0;
	table->debugregs = 0;
	active = true;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	g = fork();
	if (g < 0) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (g == 0) {
		close(fds[1]);
		guardian_main(fds[0], parent, pid);
	}
	close(fds[0]);
	setpgid(g, g);		/* also here: whichever runs first */
	guard_pid = g;
	guard_fd = fds[1];
	guard_pidfd = (int)syscall(SYS_pidfd_open, g, 0);
	if (guard_pidfd >= 0)
		fcntl(guard_pidfd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Reap exactly the guardian: through its pidfd, run control's
 * waitpid(-1) may have reaped it already (if it died) and its pid may be
 * someone else's now. */
static void reap_guardian(void)
{
	siginfo_t si;

	if (guard_pidfd >= 0) {
		while (waitid(P_PIDFD, (id_t)guard_pidfd, &si, WEXITED) < 0 &&
		       errno == EINTR)
			;
		close(guard_pidfd);
		guard_pidfd = -1;
		return;
	}
	while (waitpid(guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void ld_guardian_stop(void)
{
	active = false;
	if (table)
		table->n = 0;
	if (guard_pid <= 0)
		return;
	if (write(guard_fd, "q", 1) < 0)
		kill(guard_pid, SIGKILL);	/* it cannot have read anything */
	close(guard_fd);
	guard_fd = -1;
	reap_guardian();
	guard_pid = 0;
}
