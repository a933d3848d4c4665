/* The raw ptrace limit, as a baseline for layoutdbg's numbers: the
 * cheapest possible breakpoint cycle on bench-hits' marker(), with nothing
 * else done.  Two variants:
 *   step     int3 hit, back up the pc, restore the byte, single-step,
 *            re-insert (two stops per hit);
 *   emulate  int3 hit, execute the instruction under it on the registers
 *            (one PTRACE_GETREGS, the memory access it makes, one
 *            PTRACE_SETREGS) and PTRACE_CONT past it: one stop per hit.
 *            Knows only what sits at a -O0 function's entry: push %rbp
 *            (and endbr64 before it); anything else is refused.
 * Usage: bench-raw PATH-TO-bench-hits N MARKER-OFFSET [step|emulate]
 * Prints one line: "raw_hits N seconds". */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
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

/* The instruction at the site, decoded once: its length and whether it
 * is push %rbp (else a no-op, endbr64).  0 when it is neither. */
static int decode(long orig, int *push)
{
	static const uint8_t endbr[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	uint8_t b[8];

	memcpy(b, &orig, sizeof b);
	*push = b[0] == 0x55;
	if (*push)
		return 1;
	return memcmp(b, endbr, 4) ? 0 : 4;
}

/* One hit, stepping: two round trips. */
static int hit_step(pid_t pid, unsigned long addr, long orig)
{
	struct user_regs_struct r;
	int st;

	ptrace(PTRACE_GETREGS, pid, NULL, &r);
	r.rip--;
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)orig);
	ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL);
	waitpid(pid, &st, 0);
	ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)((orig & ~0xffL) | 0xcc));
	return ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 ? -1 : 0;
}

/* One hit, emulating: the int3 left rip at addr + 1. */
static int hit_emulate(pid_t pid, unsigned long addr, int len, int push)
{
	struct user_regs_struct r;

	ptrace(PTRACE_GETREGS, pid, NULL, &r);
	if (push) {
		struct iovec l = { &r.rbp, 8 }, rm = { (void *)(r.rsp - 8), 8 };

		if (process_vm_writev(pid, &l, 1, &rm, 1, 0) != 8)
			return -1;
		r.rsp -= 8;
	}
	r.rip = addr + (unsigned long)len;
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	return ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long off, base = 0x555555554000UL, addr;
	long hits = 0, orig;
	double t0;
	pid_t pid;
	int st, emulate, len = 0, push = 0;

	if (argc < 4)
		return fprintf(stderr, "usage: %s HITS-PROGRAM N MARKER-OFFSET "
			       "[step|emulate]\n", argv[0]), 2;
	emulate = argc > 4 && strcmp(argv[4], "emulate") == 0;
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
	errno = 0;
	orig = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
	if (errno || (emulate && !(len = decode(orig, &push)))) {
		fprintf(stderr, "bench-raw: cannot %s the instruction at %#lx\n",
			errno ? "read" : "emulate", addr);
		kill(pid, SIGKILL);
		return 1;
	}
	ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)((orig & ~0xffL) | 0xcc));
	t0 = now();
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (;;) {
		if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st))
			break;
		hits++;
		if ((emulate ? hit_emulate(pid, addr, len, push)
			     : hit_step(pid, addr, orig)) < 0)
			break;
	}
	printf("raw_hits %ld %.6f\n", hits, now() - t0);
	return 0;
}
