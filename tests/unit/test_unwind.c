/* The fast unwinder (our own evaluation of .eh_frame) against
 * libunwind-ptrace, on live stops under real ptrace: every frame's pc, sp,
 * CFA and save slots must be the same, at each instruction of a stretch
 * stepped one at a time (prologues, the PLT, calloc), in a signal handler
 * (through the signal trampoline), in every thread of a threaded program,
 * in the dynamic linker before main.  Each case also checks that the fast
 * path did the unwinds, so agreement is never libunwind against itself.
 * Prints TAP.
 *
 * Environment: LD_FIXTURE_DIR  directory holding the built fixtures. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/cmdtable.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/output.h"
#include "layoutdbg/session.h"
#include "layoutdbg/unwind.h"

#define MAXF 128

static struct ld_session S;
static const char *fixtures;

/* A command whose tracee output must not mix with TAP: the program is
 * spawned (and keeps) stdout on /dev/null. */
static int quietly(const char *cmd)
{
	int saved, null, r;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved < 0 || null < 0)
		return LD_CMD_FAIL;
	dup2(null, STDOUT_FILENO);
	close(null);
	r = ld_execute(&S, cmd);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return r;
}

static bool start(const char *fixture)
{
	char cmd[4200];

	ld_session_end(&S);
	ld_session_init(&S);
	snprintf(cmd, sizeof cmd, "file %s/%s", fixtures, fixture);
	return quietly(cmd) == LD_CMD_OK;
}

/* The last stop was at breakpoint 1. */
static bool at_breakpoint_1(void)
{
	const struct ld_stop_report *r = ld_last_stop(&S);

	return r->kind == LD_SK_BREAKPOINT && r->bpnum == 1;
}

static bool stopped(void)
{
	return S.live.proc && !S.live.proc->exited;
}

static void show(const char *who, const struct ld_frame *f)
{
	printf("#   %-9s pc %#lx sp %#lx cfa %#lx rbp_at %#lx rip_at %#lx\n", who,
	       (unsigned long)f->pc, (unsigned long)f->sp, (unsigned long)f->cfa,
	       (unsigned long)f->rbp_at, (unsigned long)f->rip_at);
}

static unsigned long fast_count(void)
{
	return S.live.unw ? ld_unwinder_stats(S.live.unw).fast : 0;
}

/* Unwind tid both ways; false (with the difference shown) if they differ.
 * *n: the number of frames. */
static bool agree(pid_t tid, int *n)
{
	static struct ld_frame a[MAXF], b[MAXF];
	unsigned long before = fast_count();
	int na, nb, i;

	na = ld_session_unwind(&S, tid, a, MAXF);
	if (na > 0 && fast_count() == before)
		printf("# thread %d: libunwind took over at pc %#lx\n", (int)tid,
		       (unsigned long)a[0].pc);
	ld_unwinder_set_fast(S.live.unw, false);
	nb = ld_session_unwind(&S, tid, b, MAXF);
	ld_unwinder_set_fast(S.live.unw, true);
	*n = na;
	if (na != nb)
		printf("# thread %d: %d frames fast, %d libunwind\n", (int)tid, na, nb);
	for (i = 0; i < na && i < nb; i++) {
		if (!memcmp(&a[i], &b[i], sizeof a[i]))
			continue;
		printf("# thread %d frame %d differs:\n", (int)tid, i);
		show("fast", &a[i]);
		show("libunwind", &b[i]);
		return false;
	}
	return na == nb && na > 0;
}

static bool t_recursion(void)
{
	unsigned long before;
	int n;

	CHECK(start("recurse"));
	CHECK(quietly("break recurse.c:10") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	before = fast_count();
	CHECK(agree(S.live.proc->pid, &n));
	/* depth(0..3), main, __libc_start_call_main, __libc_start_main,
	 * _start */
	CHECK(n >= 8);
	CHECK(fast_count() == before + 1);
	return true;
}

/* From main, one instruction at a time through the call to calloc: the
 * PLT (whose CFA is a DWARF expression) and calloc's prologue. */
static bool t_every_instruction(void)
{
	unsigned long before;
	int i, n, steps = 0;

	CHECK(start("heap"));
	CHECK(quietly("break main") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	before = fast_count();
	for (i = 0; i < 3000 && stopped(); i++) {
		CHECK(agree(S.live.proc->pid, &n));
		CHECK(n >= 2);
		steps++;
		if (quietly("stepi") != LD_CMD_OK)
			break;
	}
	printf("# %d stops compared, %lu unwound by the fast path\n", steps,
	       fast_count() - before);
	CHECK(steps == 3000);
	CHECK(fast_count() - before == (unsigned long)steps);
	return true;
}

/* on_usr1 <- the signal trampoline (__restore_rt) <- raise <- main: the
 * frame after the trampoline is found at its exact pc. */
static bool t_signal_handler(void)
{
	unsigned long before;
	int i, n;

	CHECK(start("stopper"));
	CHECK(quietly("handle SIGUSR1 nostop noprint") == LD_CMD_OK);
	CHECK(quietly("break on_usr1") == LD_CMD_OK);
	/* the program's own SIGSTOP stops it twice (received, group-stop) */
	CHECK(quietly("run") == LD_CMD_OK);
	for (i = 0; i < 4 && stopped() && !at_breakpoint_1(); i++)
		quietly("continue");
	CHECK(stopped());
	CHECK(at_breakpoint_1());
	before = fast_count();
	CHECK(agree(S.live.proc->pid, &n));
	CHECK(n >= 5);
	CHECK(fast_count() == before + 1);
	return true;
}

/* Every thread where the breakpoint found it: the one in marker (by the
 * fast path), main, a thread just created.  Right after clone3's system
 * call glibc gives no call frame information: libunwind's part. */
static bool t_threads(void)
{
	unsigned long before;
	size_t i, k = 0;
	int n;

	CHECK(start("threads"));
	CHECK(quietly("break marker") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	before = fast_count();
	/* marker, worker, start_thread, clone3 */
	CHECK(agree(S.live.report_tid, &n) && n >= 4);
	CHECK(fast_count() == before + 1);
	for (i = 0; i < S.live.proc->nthreads; i++) {
		if (S.live.proc->threads[i].state == LD_T_GONE)
			continue;
		CHECK(agree(S.live.proc->threads[i].tid, &n));
		k++;
	}
	printf("# %zu threads compared\n", k);
	CHECK(k >= 2);
	return true;
}

/* The first brk is the dynamic linker's own, long before main. */
static bool t_dynamic_linker(void)
{
	unsigned long before;
	int n;

	CHECK(start("heap"));
	CHECK(quietly("catch syscall brk") == LD_CMD_OK);
	CHECK(quietly("run") == LD_CMD_OK && stopped());
	before = fast_count();
	CHECK(agree(S.live.proc->pid, &n));
	CHECK(n >= 3);
	CHECK(fast_count() == before + 1);
	return true;
}

int main(void)
{
	fixtures = getenv("LD_FIXTURE_DIR");
	ld_out_set_quiet(1);
	ld_session_init(&S);
	if (!fixtures) {
		skip("LD_FIXTURE_DIR not set", "unwinding live stops");
		return tap_done();
	}
	run("recursion: fast path equals libunwind", t_recursion);
	run("3000 single steps through the PLT, lazy binding and calloc", t_every_instruction);
	run("signal handler through the trampoline", t_signal_handler);
	run("every thread at a breakpoint", t_threads);
	run("in the dynamic linker at its first brk", t_dynamic_linker);
	ld_session_end(&S);
	return tap_done();
}
