/* Running the program: run, start, attach, detach, kill, continue, the
 * steps (stepi, next, step, until, finish), threads and signal handling. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/running.h"
#include "layoutdbg/runview.h"
#include "layoutdbg/settings.h"
#include "layoutdbg/stop.h"

int ld_cmd_run(struct ld_session *s, char *args)
{
	if (*ld_skip_ws(args) && ld_args_set(s, args) < 0)
		return -1;
	return ld_run(s, false);
}

int ld_cmd_start(struct ld_session *s, char *args)
{
	if (*ld_skip_ws(args) && ld_args_set(s, args) < 0)
		return -1;
	return ld_run(s, true);
}

int ld_cmd_kill(struct ld_session *s, char *args)
{
	return ld_kill(s);
}

int ld_cmd_attach(struct ld_session *s, char *args)
{
	unsigned long pid;
	char *w = ld_next_word(&args);

	if (!w)
		return ld_error("attach: a process id is needed");
	if (ld_parse_uint("attach", w, INT_MAX, &pid) < 0)
		return -1;
	return ld_attach(s, (pid_t)pid);
}

int ld_cmd_detach(struct ld_session *s, char *args)
{
	return ld_detach(s);
}

int ld_cmd_continue(struct ld_session *s, char *args)
{
	unsigned long n = 1;

	if (ld_opt_uint(&args, "continue", UINT_MAX, &n) < 0)
		return -1;
	return ld_continue(s, (unsigned)n);
}

int ld_cmd_stepi(struct ld_session *s, char *args)
{
	unsigned long n = 1;

	if (ld_opt_uint(&args, "stepi", UINT_MAX, &n) < 0)
		return -1;
	if (!n)
		return 0;
	return ld_stepi(s, (unsigned)n);
}

int ld_cmd_finish(struct ld_session *s, char *args)
{
	return ld_finish(s);
}

static int step_lines(struct ld_session *s, char *args, const char *what,
		      enum ld_step_mode mode)
{
	unsigned long n = 1;

	if (ld_opt_uint(&args, what, UINT_MAX, &n) < 0)
		return -1;
	while (n-- && s->live.proc)
		if (ld_step_line(s, mode) < 0)
			return -1;
	return 0;
}

int ld_cmd_next(struct ld_session *s, char *args)
{
	return step_lines(s, args, "next", STEP_NEXT);
}

int ld_cmd_step(struct ld_session *s, char *args)
{
	return step_lines(s, args, "step", STEP_INTO);
}

int ld_cmd_until(struct ld_session *s, char *args)
{
	ld_trim_end(args);
	if (*ld_skip_ws(args)) {
		/* until LOCATION: like tbreak LOCATION + continue, but it also
		 * stops when the current frame returns (gdb). */
		if (ld_break(s, ld_skip_ws(args), true) < 0)
			return -1;
		return ld_continue(s, 1);
	}
	return ld_step_line(s, STEP_UNTIL);
}

static const char *thread_name(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	buf[0] = 0;
	if ((f = fopen(path, "r"))) {
		/* the name may hold a newline itself (a program "a\nb"): only
		 * the kernel's last one ends it; the view escapes the rest */
		size_t n = fread(buf, 1, len - 1, f);

		buf[n] = 0;
		if (n && buf[n - 1] == '\n')
			buf[n - 1] = 0;
		fclose(f);
	}
	return buf;
}

/* Where thread t is, as bt's frame #0 says it (source line, inlined
 * copy); the pc alone when its stack cannot be had. */
static const char *thread_where(struct ld_session *s, struct ld_thread *t,
				uint64_t pc, char *buf, size_t len)
{
	const struct ld_frames *fs;
	struct ld_snap_frame sf;
	const char *w = NULL;

	if (ld_session_stack_ref(s, t->tid, 1, &fs) > 0 &&
	    ld_session_frame_info(s, &fs->v[0], false, &sf) == 0) {
		ld_frame_args_fill(s, t->tid, 0, NULL, &sf);
		w = ld_frame_text(buf, len, &sf, s->program.exe_path);
		ld_snap_frame_release(&sf);
	}
	return w ? w : ld_describe_pc(s, pc, buf, len);
}

int ld_cmd_info_threads(struct ld_session *s, char *args)
{
	struct ld_threads_out o;
	size_t i;

	ld_threads_begin(&o);
	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];
		struct ld_thread_row row = { .num = t->num, .tid = t->tid,
					     .current = t->tid == s->live.cur_tid };
		char name[64], where[512];
		ld_regs r;

		if (t->state == LD_T_GONE)
			continue;
		row.name = thread_name(s->live.proc->pid, t->tid, name, sizeof name);
		row.has_pc = ld_tregs(t, &r) == 0;
		row.pc = row.has_pc ? r.rip : 0;
		if (!row.has_pc)
			snprintf(where, sizeof where, "(running)");
		else
			thread_where(s, t, r.rip, where, sizeof where);
		row.where = where;
		ld_threads_row(&o, &row);
	}
	return ld_threads_end(&o);
}

int ld_cmd_thread(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), where[512];
	unsigned long n;
	size_t i;
	ld_regs r;

	if (!w) {
		struct ld_thread *t = ld_session_thread(s);

		if (t)
			ld_show_thread_current(t->num, t->tid);
		return t ? 0 : -1;
	}
	if (ld_parse_uint("thread", w, INT_MAX, &n) < 0)
		return -1;
	for (i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];

		if (t->num != (int)n || t->state == LD_T_GONE)
			continue;
		ld_select_thread(s, t->tid);
		ld_show_thread_switch(t->num, t->tid, ld_tregs(t, &r) ? NULL :
				      thread_where(s, t, r.rip, where, sizeof where));
		return 0;
	}
	return ld_error("thread %lu: no such thread (see `info threads`)", n);
}

static int signal_number(const char *w)
{
	char *end;
	long n;
	int i;

	n = strtol(w, &end, 10);
	if (*w && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncmp(w, "SIG", 3))
		w += 3;
	for (i = 1; i < 65; i++) {
		const char *a = sigabbrev_np(i);

		if (a && !strcasecmp(a, w))
			return i;
	}
	return -1;
}

int ld_cmd_handle(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *a;
	int sig;

	if (!w)
		return ld_error("handle: usage: handle SIGNAL [stop|nostop|pass|nopass]...");
	sig = signal_number(w);
	if (sig < 0)
		return ld_error("handle: unknown signal \"%s\"", w);
	if (sig == SIGKILL || sig == SIGSTOP)
		ld_warn("handle: SIG%s cannot be caught or ignored by the program",
			sigabbrev_np(sig));
	while ((a = ld_next_word(&args))) {
		if (ld_settings_handle(s, sig, a) < 0)
			return ld_error("handle: \"%s\": expected stop, nostop, pass "
					"or nopass", a);
	}
	ld_show_signals(&sig, 1, s->settings.handle_stop, s->settings.handle_pass);
	return 0;
}

int ld_cmd_info_signals(struct ld_session *s, char *args)
{
	int sigs[32], sig;
	size_t n = 0;

	for (sig = 1; sig < 32; sig++)
		if (sigabbrev_np(sig))
			sigs[n++] = sig;
	ld_show_signals(sigs, n, s->settings.handle_stop, s->settings.handle_pass);
	return 0;
}
