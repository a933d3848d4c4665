/* Attaching to a running process: seizing every thread listed in /proc,
 * and saying from /proc why a task cannot be traced.  Part of the proc
 * module (proc_int.h). */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "layoutdbg/proc.h"
#include "proc_int.h"

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
		return ld_proc_add_thread(p, tid, LD_T_RUNNING) ? 1 : -ENOMEM;
	}
	e = errno;
	if (e != ESRCH && e != EPERM)
		return -e;
	if (!task_facts(p->pid, tid, &tf))
		return tid == p->pid ? -ESRCH : 0;	/* gone */
	/* Ours already: born of a seized thread (PTRACE_O_TRACECLONE) and
	 * not yet announced by its creator's clone event.  New to the table:
	 * its first stop is still to be collected. */
	if (tf.tracer == getpid())
		return ld_proc_add_thread(p, tid, LD_T_RUNNING) ? 1 : -ENOMEM;
	/* A leader gone by pthread_exit stays a zombie while its threads
	 * live: those are the process (gdb attaches them the same way). */
	if (tid == p->pid && tf.state == 'Z' && has_other_tasks(p->pid))
		return ld_proc_add_thread(p, tid, LD_T_GONE) ? 0 : -ENOMEM;
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

		if (tid <= 0 || ld_proc_live_thread(p, tid) ||
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

/* The pid the kernel handed out last (in our pid namespace): on a quiet
 * machine, the newest thread of a chain that escaped us.  0 if unknown. */
static pid_t last_pid(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

/* How many of the newest pids are looked at for ours, and how often the
 * newest is looked at before a further pass of /proc. */
#define CHASE_WINDOW 8
#define CHASE_LOOKS 2000

/* Threads that escaped (their creator was seized in clone(2) after the
 * kernel had decided the child is not traced) make threads that make
 * threads: a pass of /proc/PID/task is always a step behind such a chain,
 * whose threads live a few microseconds.  Chase its head instead: the
 * newest pids, as the kernel hands them out, seized the moment they are
 * tasks of the process, before they can clone in turn.  Stops as soon as
 * the kernel counts no thread we do not hold.  Returns how many were
 * seized, or -1 as seize_tasks. */
static int chase_newest(struct ld_proc *p, int *err, pid_t *bad)
{
	char path[64];
	pid_t seen = 0;
	int added = 0, r;

	for (int look = 0; look < CHASE_LOOKS; look++) {
		pid_t l = last_pid();

		if (l <= 0)
			break;
		if (l == seen) {
			sched_yield();
			continue;
		}
		/* the pid is handed out before its task joins the process:
		 * looked at again until it has (or another pid came) */
		snprintf(path, sizeof path, "/proc/%d/task/%d", (int)p->pid, (int)l);
		if (access(path, F_OK) == 0)
			seen = l;
		for (pid_t tid = l; tid > l - CHASE_WINDOW && tid > 0; tid--) {
			snprintf(path, sizeof path, "/proc/%d/task/%d", (int)p->pid,
				 (int)tid);
			/* a zombie leader is held already, as gone */
			if (tid == p->pid || ld_proc_live_thread(p, tid) ||
			    access(path, F_OK) != 0)
				continue;
			if ((r = seize_one(p, tid)) < 0) {
				*err = -r;
				*bad = tid;
				return -1;
			}
			added += r;
			if (r > 0 && kernel_threads(p->pid) <= known_threads(p))
				return added;
		}
	}
	return added;
}

/* Rounds of passes and stops before we take what we have: threads that
 * escape a pass are rare; a program creating them faster than we stop
 * them forever is not attachable whole. */
#define ATTACH_ROUNDS 100

/* After the last round: the live tasks of the process that are not ours
 * (a zombie thread waiting to be released is no thread), said in err;
 * nothing when there are none. */
static void say_escaped(struct ld_proc *p, char *err, size_t errlen)
{
	char path[64], some[96] = "";
	struct task_facts tf;
	struct dirent *d;
	size_t len = 0;
	long n = 0;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)p->pid);
	if (!(dir = opendir(path)))
		return;
	while ((d = readdir(dir))) {
		pid_t tid = (pid_t)atoi(d->d_name);

		if (tid <= 0 || ld_proc_live_thread(p, tid) ||
		    !task_facts(p->pid, tid, &tf) || tf.state == 'Z' ||
		    tf.state == 'X' || tf.tracer == getpid())
			continue;
		if (n++ < 4 && len < sizeof some)
			len += (size_t)snprintf(some + len, sizeof some - len, "%s%d",
						len ? ", " : "", (int)tid);
	}
	closedir(dir);
	if (n)
		snprintf(err, errlen, "%ld thread%s not stopped (%s%s): the process "
			 "creates threads faster than they can be seized; they run on",
			 n, n == 1 ? "" : "s", some, n > 4 ? ", ..." : "");
	else if ((n = kernel_threads(p->pid) - known_threads(p)) > 0)
		/* a chain's one live thread, gone from one listing to the next */
		snprintf(err, errlen, "%ld thread%s not stopped: the kernel counts %ld, "
			 "%ld are held; the process creates threads faster than they "
			 "can be seized", n, n == 1 ? "" : "s", kernel_threads(p->pid),
			 known_threads(p));
}

/* Let go of what a failed attach seized: PTRACE_DETACH needs a stopped
 * tracee, and a thread left traced would wait for us at its next event. */
static void attach_undo(struct ld_proc *p)
{
	ld_proc_stop_all(p);
	ld_proc_detach(p);
	ld_proc_free(p);
}

/* The stops of the threads seized so far; -1 (p freed) when the process
 * is gone meanwhile. */
static int stop_seized(struct ld_proc *p, char *err, size_t errlen)
{
	if (ld_proc_collect_stops(p) < 0 || p->exited || ld_proc_nlive(p) == 0) {
		snprintf(err, errlen, "the process exited while attaching");
		ld_proc_free(p);
		return -1;
	}
	return 0;
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
	p = ld_proc_new(pid, false);
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
		if (stop_seized(p, err, errlen) < 0)
			return -1;
		/* The count alone can balance while the sets differ (threads
		 * that exited meanwhile against ones that escaped): done only
		 * when a further pass finds no task we do not hold either. */
		if (kernel_threads(pid) <= known_threads(p) &&
		    seize_tasks(p, &e, &bad) == 0)
			break;
		/* threads the passes keep missing: a chain to chase */
		if (kernel_threads(pid) > known_threads(p) &&
		    chase_newest(p, &e, &bad) < 0) {
			why_not_task(pid, bad, e, err, errlen);
			attach_undo(p);
			return -1;
		}
	}
	err[0] = 0;
	if (round == ATTACH_ROUNDS) {
		/* the last round's chase seized threads still to stop */
		if (stop_seized(p, err, errlen) < 0)
			return -1;
		say_escaped(p, err, errlen);
	}
	*out = p;
	return 0;
}
