/* The kernel's share of `trace memory`, as a baseline: run a program under
 * the very seccomp filter layoutdbg installs for it (same instructions,
 * same flags), with no tracer and every call allowed (the watched calls'
 * SECCOMP_RET_TRACE becomes SECCOMP_RET_ALLOW: untraced, they would fail
 * with ENOSYS).  Calls the filter allows cost the same either way: the
 * kernel's constant-action cache answers them before the filter runs, but
 * every system call of a filtered task takes the slow entry path.
 * Usage: bench-filter-only PROG [ARGS...] */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layoutdbg/syscalls.h"

int main(int argc, char **argv)
{
	struct ld_sysset set;
	struct sock_filter *f;
	struct sock_fprog prog;
	unsigned short i, len;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-filter-only PROG [ARGS...]\n");
		return 2;
	}
	ld_sysset_clear(&set);
	ld_sysset_memory(&set);
	if (ld_seccomp_program(&set, &f, &len) < 0)
		return 1;
	for (i = 0; i < len; i++)
		if (f[i].code == (BPF_RET | BPF_K) && f[i].k == SECCOMP_RET_TRACE)
			f[i].k = SECCOMP_RET_ALLOW;
	prog = (struct sock_fprog){ .len = len, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog) < 0) {
		perror("bench-filter-only: seccomp");
		return 1;
	}
	execv(argv[1], argv + 1);
	perror("bench-filter-only: exec");
	return 127;
}
