/* The REPL: readline's callback interface, so a Ctrl-C at the prompt can
 * clear the line and one while the tracee runs can stop it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "layoutdbg/cmdtable.h"
#include "layoutdbg/guardian.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pager.h"
#include "layoutdbg/repl.h"
#include "layoutdbg/script.h"
#include "layoutdbg/syscalls.h"
#include "layoutdbg/usage.h"

static struct ld_session *cur_session;
static int repl_done;
/* At the prompt SIGINT, SIGTERM and SIGHUP are blocked except inside
 * pselect(), so one that comes between the look at the flags and the wait
 * interrupts the wait instead of waiting for the next key. */
static sigset_t prompt_block, prompt_orig;

static struct ld_session *crash_session;

/* The flag alone could arrive just before waitpid() blocks and be missed:
 * also interrupt the running tracee, so waitpid returns. */
static void kick_tracee(void)
{
	if (ld_running && crash_session && crash_session->live.proc &&
	    !crash_session->live.proc->exited)
		ld_proc_interrupt_raw(crash_session->live.proc);
}

static void on_sigint(int sig)
{
	int saved = errno;

	(void)sig;
	ld_interrupted = 1;
	kick_tracee();
	errno = saved;
}

static void on_terminate(int sig)
{
	int saved = errno;

	(void)sig;
	ld_terminate = 1;
	ld_interrupted = 1;
	kick_tracee();
	ld_proc_cancel_waits();
	errno = saved;
}

/* layoutdbg itself crashing must not leave int3s in an attached
 * process: the guardian module stops every thread, puts every original
 * byte back and detaches with raw ptrace calls (a signal handler can make
 * system calls, not much else); a spawned process is killed.  Then die of
 * the same signal. */

/* Has run control looked at (and so adjusted) the pc of tid's current
 * stop, in the kernel's copy?  Registers are read once per stop and
 * cached; a rewind or an emulated step changes the cache and is staged
 * (regs_dirty) until the one write before the thread runs: a staged
 * rewind has not reached the kernel, whose pc is still one past the
 * site, and the guardian must rewind it itself. */
static bool pc_adjusted(pid_t tid)
{
	struct ld_thread *t = ld_proc_thread(crash_session->live.proc, tid);

	return t && t->state == LD_T_STOPPED && t->regs_written && !t->regs_dirty;
}

static void on_crash(int sig)
{
	struct ld_session *s = crash_session;
	size_t i;

	if (s && s->live.proc && !s->live.proc->exited &&
	    (s->live.proc->spawned || ld_guardian_crash_release(pc_adjusted) < 0)) {
		for (i = 0; i < s->live.bps.nsites; i++)
			ld_mem_poke_byte(s->live.proc->pid, s->live.bps.sites[i].addr,
					 s->live.bps.sites[i].orig);
		ld_proc_abandon(s->live.proc);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void ld_install_crash_handler(struct ld_session *s)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa;
	size_t i;

	crash_session = s;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

void ld_install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_terminate;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A tracee writing to a closed pipe must not take us with it. */
	signal(SIGPIPE, SIG_IGN);
}

int ld_run_stream(struct ld_session *s, FILE *f)
{
	return ld_script_stream(s, f, NULL, ld_execute);
}

static void on_line(char *line)
{
	if (!line) {		/* Ctrl-D */
		ld_show_eof();
		repl_done = 1;
		rl_callback_handler_remove();
		return;
	}
	if (*line) {
		HIST_ENTRY *last = history_length ? history_get(history_base +
								history_length - 1) : NULL;

		if (!last || strcmp(last->line, line))
			add_history(line);
	}
	/* The tracee runs inside ld_execute; readline must not own the
	 * terminal meanwhile, and a Ctrl-C must reach the running command. */
	rl_callback_handler_remove();
	sigprocmask(SIG_SETMASK, &prompt_orig, NULL);
	ld_pager_command_start();
	if (ld_execute(cur_session, line) == LD_CMD_QUIT)
		repl_done = 1;
	sigprocmask(SIG_BLOCK, &prompt_block, NULL);
	/* a Ctrl-C during the command was for the command */
	ld_interrupted = 0;
	free(line);
	if (!repl_done)
		rl_callback_handler_install("(layoutdbg) ", on_line);
}

/* readline's generator protocol over a list of names: name_at(i) is the
 * i-th candidate ("" to pass over, NULL at the end); the state-th call
 * gives the next one starting with text. */
static char *next_name(const char *text, int state,
		       const char *(*name_at)(size_t i, char buf[32]))
{
	static size_t i;
	size_t n = strlen(text);
	const char *name;
	char buf[32];

	if (!state)
		i = 0;
	while ((name = name_at(i++, buf)))
		if (*name && !strncmp(name, text, n))
			return strdup(name);
	return NULL;
}

static const char *command_at(size_t i, char buf[32])
{
	(void)buf;
	return ld_command_at(NULL, i);
}

static char *gen_command(const char *text, int state)
{
	return next_name(text, state, command_at);
}

static char sub_of[32];

static const char *sub_at(size_t i, char buf[32])
{
	(void)buf;
	return ld_command_at(sub_of, i);
}

static char *gen_sub(const char *text, int state)
{
	return next_name(text, state, sub_at);
}

/* Symbol names after break/tbreak, from the loaded objects (or the
 * program before `run`). */
struct symgen { char **v; size_t n, cap; };

static int add_name(const char *name, void *arg)
{
	struct symgen *g = arg;

	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		char **v = realloc(g->v, cap * sizeof *v);

		if (!v)
			return 1;
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = strdup(name);
	return g->n > 5000;
}

static char *gen_symbol(const char *text, int state)
{
	static struct symgen g;
	static size_t i;

	if (!state) {
		size_t k;

		for (k = 0; k < g.n; k++)
			free(g.v[k]);
		g.n = 0;
		i = 0;
		if (cur_session->live.proc) {
			for (k = 0; k < cur_session->live.objs.n; k++) {
				struct ld_obj *ob = &cur_session->live.objs.v[k];
				struct ld_elf *e = ld_obj_elf(ob);

				if (e)
					ld_elf_foreach_name(e, text, add_name, &g);
				/* and its debug file's (sysmalloc) */
				if (e && ld_debug_names_on() && ld_obj_debug(ob)->elf)
					ld_elf_foreach_name(ob->dbg.elf, text, add_name, &g);
			}
		} else if (cur_session->program.exe) {
			ld_elf_foreach_name(cur_session->program.exe, text, add_name, &g);
		}
	}
	while (i < g.n) {
		char *n = g.v[i++];
		size_t k;

		/* the same name in two objects is offered once */
		for (k = 0; k + 1 < i; k++)
			if (!strcmp(g.v[k], n))
				break;
		if (k + 1 == i)
			return strdup(n);
	}
	return NULL;
}

/* The kinds after catch (vfork is fork's other name, as in gdb). */
static const char *catch_at(size_t i, char buf[32])
{
	static const char *kinds[] = { "exec", "fork", "load", "memory",
				       "syscall", "vfork" };

	(void)buf;
	return i < sizeof kinds / sizeof *kinds ? kinds[i] : NULL;
}

static char *gen_catch(const char *text, int state)
{
	return next_name(text, state, catch_at);
}

/* System call names after `catch syscall`, in number order (a number
 * unassigned in the table has no name: passed over). */
static const char *syscall_at(size_t i, char buf[32])
{
	const char *name;

	(void)buf;
	if (i >= LD_NSYSCALLS)
		return NULL;
	name = ld_syscall_name((long)i);
	return name ? name : "";
}

static char *gen_syscall(const char *text, int state)
{
	return next_name(text, state, syscall_at);
}

/* Snapshot names and numbers after show, drop, diff, layout, export:
 * each snapshot's %N, then its name. */
static const char *snapshot_at(size_t i, char buf[32])
{
	const struct ld_snapshot *snap;

	if (i >= 2 * cur_session->recording.snaps.n)
		return NULL;
	snap = cur_session->recording.snaps.v[i / 2];
	if (i % 2)
		return snap->name ? snap->name : "";
	snprintf(buf, 32, "%%%u", snap->id);
	return buf;
}

static char *gen_snapshot(const char *text, int state)
{
	return next_name(text, state, snapshot_at);
}

/* After `show`: the settings, then the snapshots (show SNAP). */
static const char *show_at(size_t i, char buf[32])
{
	size_t n = 0;

	while (ld_command_at("show", n))
		n++;
	return i < n ? ld_command_at("show", i) : snapshot_at(i - n, buf);
}

static char *gen_show(const char *text, int state)
{
	return next_name(text, state, show_at);
}

/* After `catch`: its kinds; after `catch syscall`, any number of names. */
static char **catch_matches(const char *text, int start, int nwords)
{
	char second[16] = "";
	const char *p = rl_line_buffer + strspn(rl_line_buffer, " ");

	if (nwords == 1)
		return rl_completion_matches(text, gen_catch);
	p += strcspn(p, " ");
	p += strspn(p, " ");
	if (p < rl_line_buffer + start)
		snprintf(second, sizeof second, "%.*s", (int)strcspn(p, " "), p);
	if (!strcmp(second, "syscall"))
		return rl_completion_matches(text, gen_syscall);
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char first[32] = "";
	const char *p = rl_line_buffer;
	int nwords = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	while (p < rl_line_buffer + start) {
		while (p < rl_line_buffer + start && *p == ' ')
			p++;
		if (p >= rl_line_buffer + start)
			break;
		if (!nwords)
			snprintf(first, sizeof first, "%.*s", (int)strcspn(p, " "), p);
		nwords++;
		p += strcspn(p, " ");
	}
	if (nwords == 0)
		return rl_completion_matches(text, gen_command);
	if (nwords == 1 && !strcmp(first, "show"))
		return rl_completion_matches(text, gen_show);
	if (nwords == 1 && (!strcmp(first, "info") || !strcmp(first, "i") ||
			    !strcmp(first, "set"))) {
		snprintf(sub_of, sizeof sub_of, "%s", first);
		return rl_completion_matches(text, gen_sub);
	}
	if (!strcmp(first, "catch"))
		return catch_matches(text, start, nwords);
	if (nwords == 1 && (!strcmp(first, "break") || !strcmp(first, "b") ||
			    !strcmp(first, "tbreak")))
		return rl_completion_matches(text, gen_symbol);
	if (!strcmp(first, "file") || !strcmp(first, "load") || !strcmp(first, "source") ||
	    !strcmp(first, "-x") ||
	    (!strcmp(first, "export") && nwords >= 2) ||
	    (!strcmp(first, "save") && nwords >= 2)) {
		rl_attempted_completion_over = 0;	/* readline's file names */
		return NULL;
	}
	if (!strcmp(first, "show") || !strcmp(first, "drop") || !strcmp(first, "diff") ||
	    !strcmp(first, "layout") || !strcmp(first, "export") || !strcmp(first, "save"))
		return rl_completion_matches(text, gen_snapshot);
	if ((!strcmp(first, "help") || !strcmp(first, "h")) && nwords == 1)
		return rl_completion_matches(text, gen_command);
	return NULL;
}

/* pselect() that returns "readable" leaves a signal that came with the
 * input pending (and blocked): a Ctrl-C typed just before more keys.  Let
 * it in now, before those keys are read. */
static void take_pending_signals(void)
{
	sigset_t pend;

	if (sigpending(&pend) == 0 && (sigismember(&pend, SIGINT) ||
				       sigismember(&pend, SIGTERM) ||
				       sigismember(&pend, SIGHUP))) {
		sigprocmask(SIG_SETMASK, &prompt_orig, NULL);
		sigprocmask(SIG_BLOCK, &prompt_block, NULL);
	}
}

int ld_repl(struct ld_session *s, const char *history_file)
{
	cur_session = s;
	rl_readline_name = "layoutdbg";
	rl_attempted_completion_function = complete;
	/* We handle SIGINT ourselves: readline must not install handlers. */
	rl_catch_signals = 0;
	/* readline writes to the terminal itself; the commands' output goes
	 * through the pager (gdb pages only on a terminal, never --json) */
	rl_outstream = stdout;
	if (isatty(STDOUT_FILENO) && !ld_json_on() && ld_pager_install() < 0)
		ld_out_diag(1, "pager", "cannot be installed: output is not paged");
	if (history_file)
		read_history(history_file);
	repl_done = 0;
	sigemptyset(&prompt_block);
	sigaddset(&prompt_block, SIGINT);
	sigaddset(&prompt_block, SIGTERM);
	sigaddset(&prompt_block, SIGHUP);
	sigprocmask(SIG_BLOCK, &prompt_block, &prompt_orig);
	rl_callback_handler_install("(layoutdbg) ", on_line);
	while (!repl_done && !ld_terminate) {
		fd_set fds;
		int r = 0;

		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		if (!ld_interrupted)
			r = pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL, &prompt_orig);
		take_pending_signals();
		/* Ctrl-C at the prompt drops the line, whether it interrupted
		 * the wait or came with input (then the input is kept). */
		if (ld_interrupted && !ld_terminate) {
			ld_interrupted = 0;
			rl_free_line_state();
			rl_crlf();
			rl_replace_line("", 0);
			rl_on_new_line();
			rl_redisplay();
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r > 0)
			rl_callback_read_char();
	}
	sigprocmask(SIG_SETMASK, &prompt_orig, NULL);
	if (!repl_done)
		rl_callback_handler_remove();
	ld_pager_remove();
	if (history_file)
		write_history(history_file);
	return 0;
}
