/* Spawning a program under ptrace: fork, seize before the exec, a
 * seccomp filter when asked, and the exec event that makes the new process
 * ours.  Part of the proc module (proc_int.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layoutdbg/proc.h"
#include "proc_int.h"

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

/* The two pipes of a spawn: go tells the child it is seized, ep brings
 * back the errno of a failed exec. */
static int spawn_pipes(int go[2], int ep[2], char *err, size_t errlen)
{
	int e;

	if (pipe2(go, O_CLOEXEC) < 0)
		return spawn_fail(err, errlen, "pipe", errno);
	if (pipe2(ep, O_CLOEXEC) < 0) {
		e = errno;
		close(go[0]);
		close(go[1]);
		return spawn_fail(err, errlen, "pipe", e);
	}
	return 0;
}

/* Seize the new child, still blocked before its exec; when that fails,
 * kill and reap it (NULL, the reason in err). */
static struct ld_proc *seize_child(pid_t pid, const struct sock_fprog *filter,
				   int go[2], int ep[2], char *err, size_t errlen)
{
	struct ld_proc *p;
	int status, e;

	close(go[0]);
	close(ep[1]);
	setpgid(pid, pid);	/* also here: whichever runs first */
	p = ld_proc_new(pid, true);
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
		spawn_fail(err, errlen, "cannot trace the new process", e);
		return NULL;
	}
	return p;
}

/* Let the seized child go on to its exec and wait for what comes of it;
 * *status is the last wait status, the result an errno or 0. */
static int wait_exec(pid_t pid, int go_fd, int *status)
{
	int e = 0;

	if (write(go_fd, "g", 1) != 1) {
		e = errno;
		kill(pid, SIGKILL);
	}
	close(go_fd);
	/* Either the exec event, or the child's exit after a failed exec.
	 * When the filter watches execve (`catch syscall execve`), our own
	 * execve stops at it first: that one is the start, not a catch. */
	for (;;) {
		if (waitpid(pid, status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (!WIFSTOPPED(*status) ||
		    *status >> 8 != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) ||
		    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0)
			break;
	}
	return e;
}

/* The exec event makes the process ours; anything else is a start that
 * failed: the child's errno from ep_fd, or that it ended first. */
static int spawn_finish(struct ld_proc *p, int ep_fd, int e, int status,
			struct ld_proc **out, char *err, size_t errlen)
{
	pid_t pid = p->pid;

	if (!e && WIFSTOPPED(status) &&
	    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		close(ep_fd);
		ld_proc_add_thread(p, pid, LD_T_STOPPED);
		p->threads[0].last.kind = LD_STOP_EXEC;
		p->threads[0].last.tid = pid;
		*out = p;
		return 0;
	}
	if (!e && read(ep_fd, &e, sizeof e) != sizeof e)
		e = 0;
	close(ep_fd);
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

int ld_proc_spawn(const char *path, char *const argv[], char *const envp[],
		  bool aslr, const struct sock_fprog *filter,
		  struct ld_proc **out, char *err, size_t errlen)
{
	int go[2], ep[2], status = 0, e;
	struct ld_proc *p;
	pid_t pid;

	if (spawn_pipes(go, ep, err, errlen) < 0)
		return -1;
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
	p = seize_child(pid, filter, go, ep, err, errlen);
	if (!p)
		return -1;
	e = wait_exec(pid, go[1], &status);
	return spawn_finish(p, ep[0], e, status, out, err, errlen);
}
