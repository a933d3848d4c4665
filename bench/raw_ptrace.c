/* The raw ptrace limit, as a baseline for layoutdbg's numbers: the
 * cheapest possible breakpoint cycle (int3 hit, restore the byte, single
 * step, re-insert) on bench-hits' marker(), with nothing else done.
 * Usage: bench-raw PATH-TO-bench-hits N ADDR-OF-marker-OFFSET
 * Prints one line: "raw_hits N seconds". */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long off, base = 0x555555554000UL, addr;
	long hits = 0, orig;
	struct user_regs_struct r;
	double t0;
	pid_t pid;
	int st;

	if (argc < 4)
		return fprintf(stderr, "usage: %s HITS-PROGRAM N MARKER-OFFSET\n",
			       argv[0]), 2;
	off = strtoul(argv[3], NULL, 0);
	addr = base + off;
	pid = fork();
	if (pid == 0) {
		personality(ADDR_NO_RANDOMIZE);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl(argv[1], argv[1], argv[2], (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);			/* the exec SIGTRAP */
	orig = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
	ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)((orig & ~0xffL) | 0xcc));
	t0 = now();
	for (;;) {
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st))
			break;
		hits++;
		ptrace(PTRACE_GETREGS, pid, NULL, &r);
		r.rip--;
		ptrace(PTRACE_SETREGS, pid, NULL, &r);
		ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)orig);
		ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL);
		waitpid(pid, &st, 0);
		ptrace(PTRACE_POKEDATA, pid, (void *)addr,
		       (void *)((orig & ~0xffL) | 0xcc));
	}
	printf("raw_hits %ld %.6f\n", hits, now() - t0);
	return 0;
}
