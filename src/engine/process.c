/* The life of a process: start it (`run`, with a seccomp filter when
 * memory calls are watched), attach, detach, kill, notice its death
 * between commands, and run one system call inside it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/guardian.h"
#include "layoutdbg/heapmem.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/watch.h"

extern char **environ;

void ld_end_process(struct ld_session *s, bool kill_or_detach)
{
	struct ld_proc *p = s->live.proc;
	size_t i;

	if (!p)
		return;
	if (kill_or_detach && !p->exited) {
		/* Every thread must be stopped, its hits in flight settled,
		 * before its text is touched or it is detached. */
		ld_quiesce(s, p);
		if (p->spawned) {
			ld_bps_disarm_all(&s->live.bps, 0);
			ld_proc_kill(p);
		} else {
			/* Restore every original byte first: a detached
			 * process must never meet one of our int3s. */
			if (ld_bps_disarm_all(&s->live.bps, ld_proc_mem_tid(p)) < 0)
				ld_error("detach: could not restore every "
					 "breakpoint byte in process %d", (int)p->pid);
			ld_proc_detach(p);
		}
	}
	ld_guardian_stop();	/* after the bytes are back and it is let go */
	ld_bps_disarm_all(&s->live.bps, 0);
	/* Internal breakpoints belong to the process. */
	for (i = s->live.bps.n; i-- > 0;) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (bp->type == LD_BP_SOLIB || bp->type == LD_BP_FINISH)
			ld_bp_delete(&s->live.bps, bp);
	}
	s->live.solib_bp = NULL;
	ld_rearm_for_file(s);
	ld_proc_free(p);
	s->live.proc = NULL;
	s->live.cur_tid = 0;
	s->recording.seccomp = false;
	s->recording.cur_brk_known = false;
	s->recording.trace_until = 0;
	s->recording.trace_until_exit = false;
	ld_objs_release(&s->live.objs);
	/* values typed by its libraries' DWARF go; the program file's stay
	 * (gdb keeps the history across runs) */
	ld_history_forget_foreign(&s->live.history, ld_lines_dwarf(s->program.exe_lines));
	ld_conv_forget_typed(&s->live.conv, ld_lines_dwarf(s->program.exe_lines));
	ld_maps_release(&s->cache.maps);
	ld_unwinder_free(s->live.unw);
	s->live.unw = NULL;
	ld_stop_cache_invalidate(&s->cache);
}

/* Wait for the single step of an injected call in t; stops of other
 * threads are kept for later.  0 with *st, or -errno. */
static int inject_wait(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	struct ld_thread *o;
	int e;

	for (;;) {
		e = ld_proc_wait(s->live.proc, st, true);
		if (e == -EINTR && ld_proc_cancelled())
			return -ECANCELED;
		if (e == -EINTR)
			continue;
		if (e || st->tid == t->tid)
			return e;
		o = ld_proc_thread(s->live.proc, st->tid);
		if (o && o->state == LD_T_STOPPED)
			o->queued = true;	/* not ours: keep it */
	}
}

/* Step over the `syscall` put at t's pc.  Under layoutdbg's own seccomp
 * filter (SECCOMP_RET_TRACE for the memory calls) the call first stops
 * at PTRACE_EVENT_SECCOMP with rax = -ENOSYS and has not run yet;
 * resuming with PTRACE_SINGLESTEP lets the kernel run it and reports the
 * step from the syscall exit path (arch/x86 user_single_step_report).
 * One stop per installed filter at most; 4 bounds it. */
static int inject_step(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	int e = ld_proc_resume(s->live.proc, t, LD_RESUME_STEP, 0), seen = 0;

	while (!e && !(e = inject_wait(s, t, st)) &&
	       st->kind == LD_STOP_SECCOMP && seen++ < 4)
		e = ld_proc_resume(s->live.proc, t, LD_RESUME_STEP, 0);
	if (!e && (st->kind == LD_STOP_EXITED || st->kind == LD_STOP_KILLED))
		return -ESRCH;
	return e;
}

int ld_inject_syscall(struct ld_session *s, struct ld_thread *t, long nr,
		      uint64_t arg0, uint64_t *ret)
{
	static const uint8_t insn[2] = { 0x0f, 0x05 };	/* syscall */
	struct ld_stop st, last = t->last;
	int pending = t->pending_sig;
	ld_regs saved, r;
	uint8_t orig[2];
	int e;

	/* At a syscall stop the kernel is half way through a call: running
	 * another one from there is not reliable. */
	if (t->state != LD_T_STOPPED || t->in_syscall ||
	    t->last.kind == LD_STOP_SYSCALL || t->last.kind == LD_STOP_SECCOMP)
		return -EBUSY;
	if ((e = ld_tregs_flush(t)) || (e = ld_regs_get(t->tid, &saved)) ||
	    (e = ld_mem_read(t->tid, saved.rip, orig, 2)))
		return e;
	r = saved;
	r.rax = (uint64_t)nr;
	r.rdi = arg0;
	/* orig_rax = -1: the kernel must not treat this stop as an
	 * interrupted system call to restart while ours runs; the saved
	 * registers put the restart state back afterwards. */
	r.orig_rax = (uint64_t)-1;
	if ((e = ld_mem_write(t->tid, saved.rip, insn, 2)))
		return e;
	e = ld_regs_set(t->tid, &r);
	if (!e)
		e = inject_step(s, t, &st);
	if (e == -ESRCH)
		return e;
	if (!e && st.kind != LD_STOP_STEP) {
		/* A signal arrived instead: keep it for the next resume. */
		if (st.kind == LD_STOP_SIGNAL)
			pending = st.sig;
		e = -EAGAIN;
	}
	if (!e && (e = ld_regs_get(t->tid, &r)) == 0)
		*ret = r.rax;
	/* Put everything back even after a failure: the bytes, the
	 * registers, and the stop the thread was reported at. */
	ld_mem_write(t->tid, saved.rip, orig, 2);
	ld_regs_set(t->tid, &saved);
	t->last = last;
	t->pending_sig = pending;
	return e;
}

int ld_need_stopped(struct ld_session *s, const char *what)
{
	if (!s->live.proc)
		return ld_error("%s: no process: the program is not being run", what);
	return 0;
}

/* Start the program.  When memory calls or caught calls are wanted from
 * the start, a seccomp filter makes exactly those stop the tracee (as
 * strace --seccomp-bpf does): every other call runs at full speed. */
static int spawn(struct ld_session *s, char **argv, char *err, size_t len)
{
	struct sock_filter *prog = NULL;
	struct sock_fprog fprog;
	struct ld_sysset want;
	unsigned short n = 0;
	size_t i, count = 0;
	int r;

	ld_wanted_calls(s, &want);
	for (i = 0; i < LD_NSYSCALLS; i++)
		count += ld_sysset_has(&want, (long)i);
	s->recording.seccomp = false;
	/* A classic BPF jump reaches 255 instructions at most. */
	if (count && count < 200 && ld_seccomp_program(&want, &prog, &n) == 0) {
		fprog.len = n;
		fprog.filter = prog;
		s->recording.seccomp = true;
		s->recording.filtered = want;
	}
	r = ld_proc_spawn(s->program.exe_path, argv, environ, s->settings.aslr,
			  s->recording.seccomp ? &fprog : NULL, &s->live.proc, err, len);
	free(prog);
	if (r < 0 && s->recording.seccomp) {
		/* No seccomp here (a kernel without it, valgrind): every system
		 * call will stop the program instead. */
		ld_warn("seccomp filter unavailable (%s): tracing with "
			"PTRACE_SYSCALL", err);
		s->recording.seccomp = false;
		r = ld_proc_spawn(s->program.exe_path, argv, environ, s->settings.aslr, NULL,
				  &s->live.proc, err, len);
	}
	if (r < 0)
		s->recording.seccomp = false;
	else if (s->recording.seccomp) {
		s->live.proc->passive_hook = ld_passive_syscall;
		s->live.proc->passive_ctx = s;
	}
	return r;
}

static bool reads_randomized(pid_t pid)
{
	char path[64];
	unsigned long pers = 0;
	FILE *f;
	int sys = 2;

	snprintf(path, sizeof path, "/proc/%d/personality", (int)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lx", &pers) != 1)
			pers = 0;
		fclose(f);
	}
	if ((f = fopen("/proc/sys/kernel/randomize_va_space", "r"))) {
		if (fscanf(f, "%d", &sys) != 1)
			sys = 2;
		fclose(f);
	}
	return sys != 0 && !(pers & 0x0040000 /* ADDR_NO_RANDOMIZE */);
}

int ld_run(struct ld_session *s, bool stop_at_main)
{
	char err[512], **argv;
	size_t n = 0, i;
	int r;

	if (!s->program.exe)
		return ld_error("run: no program: give one on the command line "
				"or with `file PROGRAM`");
	if (s->live.proc) {
		ld_note_pid(s, LD_NOTE_KILLING, s->live.proc->pid);
		ld_end_process(s, true);
	}
	if (stop_at_main && ld_break(s, "main", true) < 0)
		return -1;
	while (s->program.args[n])
		n++;
	argv = calloc(n + 2, sizeof *argv);
	if (!argv)
		return ld_error("run: %s", strerror(ENOMEM));
	argv[0] = s->program.exe_path;
	for (i = 0; i < n; i++)
		argv[i + 1] = s->program.args[i];
	r = spawn(s, argv, err, sizeof err);
	free(argv);
	if (r < 0)
		return ld_error("run: %s: %s", s->program.exe_path, err);
	/* what the kernel did, not what was asked: exec of a set-user-ID
	 * file clears ADDR_NO_RANDOMIZE */
	s->live.proc_aslr = reads_randomized(s->live.proc->pid);
	s->live.cur_tid = s->live.proc->pid;
	{
		struct ld_note note = { .kind = LD_NOTE_STARTING, .text = s->program.exe_path };

		ld_notify(s, &note);
	}
	ld_stop_report_release(&s->live.last_stop);
	s->live.last_stop.kind = LD_SK_STARTED;
	ld_new_image(s);
	return ld_run_until_stop(s);
}

/* The program's file was unlinked while it ran: the kernel still holds
 * it, and /proc/PID/exe (proc_path) opens it.  The session calls it by
 * its old path (what its mappings name, less " (deleted)"); a failure is
 * a warning, not a failed command: attaching worked. */
static void program_file_deleted(struct ld_session *s, const char *proc_path,
				 const char *exe)
{
	if (ld_session_file_as(s, proc_path, exe) < 0) {
		ld_warn("%s (deleted): continuing without the program's symbols", exe);
		return;
	}
	ld_rearm_for_file(s);
}

int ld_attach(struct ld_session *s, pid_t pid)
{
	char err[512], path[64], exe[4096];
	struct ld_thread *t;
	ssize_t n;
	int g;
	size_t i;

	if (s->live.proc)
		return ld_error("attach %d: already debugging process %d; "
				"`detach` or `kill` first", (int)pid, (int)s->live.proc->pid);
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof exe - 1);
	if (ld_proc_attach(pid, &s->live.proc, err, sizeof err) < 0) {
		s->live.proc = NULL;
		return ld_error("attach %d: %s", (int)pid, err);
	}
	if (err[0])
		ld_warn("attach %d: %s", (int)pid, err);
	if ((g = ld_guardian_start(pid)) < 0)
		ld_warn("attach %d: no guardian: if layoutdbg is killed, breakpoint "
			"bytes stay in the process: %s", (int)pid, strerror(-g));
	if (n > 0) {
		exe[n] = 0;
		if (n > 10 && !strcmp(exe + n - 10, " (deleted)")) {
			exe[n - 10] = 0;
			if (!s->program.exe_path || strcmp(s->program.exe_path, exe))
				program_file_deleted(s, path, exe);
		} else if ((!s->program.exe_path || strcmp(s->program.exe_path, exe)) &&
			   ld_program_file(s, exe) < 0) {
			ld_warn("continuing without the program's symbols");
		}
	}
	s->live.proc_aslr = reads_randomized(pid);
	/* a leader gone by pthread_exit is no thread to show: the first live */
	t = ld_proc_thread(s->live.proc, pid);
	for (i = 0; (!t || t->state == LD_T_GONE) && i < s->live.proc->nthreads; i++)
		t = &s->live.proc->threads[i];
	s->live.cur_tid = t->tid;
	ld_stop_cache_invalidate(&s->cache);
	{
		struct ld_note note = { .kind = LD_NOTE_ATTACHED, .pid = pid,
					.count = ld_proc_nlive(s->live.proc) };

		ld_notify(s, &note);
	}
	if (ld_session_rescan_files(s) == 0) {
		ld_arm_solib_hook(s);
		ld_arm_all(s, true);
		ld_watch_rearm(s);
	}
	ld_report_attached(s);
	return 0;
}

int ld_detach(struct ld_session *s)
{
	pid_t pid;
	int r;

	if (ld_need_stopped(s, "detach"))
		return -1;
	if (s->recording.seccomp)
		return ld_error("detach: process %d runs under layoutdbg's seccomp "
				"filter (started for `trace memory` or a catchpoint): "
				"without a tracer its memory system calls would fail "
				"with ENOSYS; use `kill`", (int)s->live.proc->pid);
	pid = s->live.proc->pid;
	ld_quiesce(s, s->live.proc);
	r = ld_bps_disarm_all(&s->live.bps, ld_proc_mem_tid(s->live.proc));
	if (r < 0)
		ld_error("detach: could not restore every breakpoint byte: %s",
			 strerror(-r));
	if (ld_proc_detach(s->live.proc) < 0)
		ld_error("detach: %s", strerror(errno));
	ld_note_pid(s, LD_NOTE_DETACHED, pid);
	ld_end_process(s, false);
	return r < 0 ? -1 : 0;
}

int ld_kill(struct ld_session *s)
{
	pid_t pid;

	if (ld_need_stopped(s, "kill"))
		return -1;
	pid = s->live.proc->pid;
	ld_quiesce(s, s->live.proc);
	/* The text is restored even though the process dies: a process
	 * sharing the pages (vfork) must not see our int3s. */
	ld_bps_disarm_all(&s->live.bps, ld_proc_mem_tid(s->live.proc));
	ld_proc_kill(s->live.proc);
	ld_note_pid(s, LD_NOTE_KILLED, pid);
	ld_end_process(s, false);
	return 0;
}

/* Between commands: has the stopped process died from outside (SIGKILL)?
 * Reports it and forgets the process.  Returns 1 when it is gone. */
int ld_poll_process(struct ld_session *s)
{
	struct ld_stop st;

	if (!s->live.proc)
		return 0;
	while (ld_proc_wait(s->live.proc, &st, false) == 0) {
		struct ld_thread *t = ld_proc_thread(s->live.proc, st.tid);

		if (s->live.proc->exited) {
			ld_report_exit(s);
			return 1;
		}
		/* A stop that arrived while we sat at the prompt (a signal
		 * sent from outside): keep it for the next resume. */
		if (t && t->state == LD_T_STOPPED)
			t->queued = st.kind != LD_STOP_INTERRUPT;
	}
	return 0;
}

int ld_program_file(struct ld_session *s, const char *path)
{
	if (ld_session_file(s, path) < 0)
		return -1;
	ld_rearm_for_file(s);
	return 0;
}

void ld_session_end(struct ld_session *s)
{
	if (s->live.proc)
		ld_end_process(s, true);
	ld_session_release(s);          /* the heap walk with the stop cache */
	ld_heap_drop_buffers();
}
