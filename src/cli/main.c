/* layoutdbg: option parsing and the session's life.  Only main and the
 * REPL decide to exit. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ld_config.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/cmdtable.h"
#include "layoutdbg/debugsrc.h"
#include "layoutdbg/debugview.h"
#include "layoutdbg/error.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/output.h"
#include "layoutdbg/repl.h"
#include "layoutdbg/script.h"
#include "layoutdbg/session.h"
#include "layoutdbg/settings.h"
#include "layoutdbg/srcview.h"
#include "layoutdbg/stop.h"
#include "layoutdbg/usage.h"

static const char usage[] =
"Usage: layoutdbg [OPTIONS] PROGRAM [ARGS...]   debug a new process\n"
"       layoutdbg [OPTIONS] -p PID              attach to a running process\n"
"       layoutdbg [OPTIONS]                     empty session\n"
"\n"
"A ptrace-based live memory-layout debugger: where the ELF segments landed,\n"
"the heap (down to glibc malloc's chunks and bins: `heap`), the program break,\n"
"ld.so's mappings, the stacks, and what changed\n"
"between two stops.\n"
"\n"
"Options:\n"
"  -p, --pid PID      attach to process PID\n"
"  -ex CMD            run CMD after loading (repeatable, in order)\n"
"  -x FILE            run the commands in FILE (a safe file: see layoutdbg(1))\n"
"  -batch             run -ex / -x commands, then exit (status 1 if any failed)\n"
"  --json             every command prints one JSON document, each stop one\n"
"                     {\"event\": \"stop\"} document (see layoutdbg(1))\n"
"  --aslr             run with address randomization on (default off, like gdb)\n"
"  --color=WHEN       auto|always|never (auto: a tty, NO_COLOR unset or empty)\n"
"  -nx                do not read ~/.layoutdbgrc (read only when it is a regular\n"
"                     file of yours or root's, not group/world writable)\n"
"  -q, --quiet        no banner\n"
"  --version          print the version\n"
"  -h, --help         this help\n"
"\n"
"Commands are read from standard input when it is not a terminal.\n"
"Residency: `info proc smaps`, `info proc smaps_rollup`, `set vmmap-resident`,\n"
"`set snapshot-pages`, `export SNAP FILE.svg --pages`.\n"
"Code: `x/Ni ADDR`, `disassemble [/r] [/s] [FUNC|START,END|START,+LEN]`,\n"
"`set disassembly-flavor att|intel`.\n"
"Type `help` at the prompt for the commands; see layoutdbg(1).\n";

struct opts {
	const char **ex;         /* -ex and -x in order; -x marked by a \1 prefix */
	size_t nex;
	bool batch, quiet, nx;
	int color;               /* -1 auto, 0 never, 1 always */
	long pid;
	int prog_index;          /* argv index of PROGRAM, 0 if none */
};

static int add_ex(struct opts *o, const char *cmd, bool is_file)
{
	char *c;
	const char **v = realloc(o->ex, (o->nex + 1) * sizeof *v);

	if (!v)
		return -1;
	o->ex = v;
	if (asprintf(&c, "%s%s", is_file ? "\1" : "", cmd) < 0)
		return -1;
	o->ex[o->nex++] = c;
	return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse_opts(int argc, char **argv, struct opts *o,
		      struct ld_session *s)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		/* gdb accepts -opt and --opt alike */
		const char *n = a[0] == '-' && a[1] == '-' ? a + 1 : a;

		if (a[0] != '-' || !strcmp(a, "-"))
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(n, "-h") || !strcmp(n, "-help")) {
			ld_show_usage(usage);
			return 0;
		}
		if (!strcmp(n, "-version")) {
			ld_show_version(LD_VERSION);
			return 0;
		}
		if (!strcmp(n, "-ex") || !strcmp(n, "-x") || !strcmp(n, "-p") ||
		    !strcmp(n, "-pid")) {
			char *end;

			if (i + 1 >= argc)
				return ld_show_bad_usage("option '%s' needs an argument", a);
			if (!strcmp(n, "-ex") || !strcmp(n, "-x")) {
				if (add_ex(o, argv[++i], n[1] == 'x' && !n[2]) < 0)
					return ld_show_bad_usage("%s", strerror(ENOMEM));
				continue;
			}
			errno = 0;
			o->pid = strtol(argv[++i], &end, 10);
			if (errno || *end || o->pid <= 0 || o->pid > INT_MAX)
				return ld_show_bad_usage("'%s' is not a process id", argv[i]);
			continue;
		}
		if (!strcmp(n, "-batch")) {
			o->batch = o->quiet = true;
		} else if (!strcmp(n, "-q") || !strcmp(n, "-quiet") ||
			   !strcmp(n, "-silent")) {
			o->quiet = true;
		} else if (!strcmp(n, "-nx")) {
			o->nx = true;
		} else if (!strcmp(n, "-json")) {
			ld_json_set(1);
			o->quiet = true;
		} else if (!strcmp(n, "-aslr")) {
			ld_settings_set_aslr(s, true);
		} else if (!strncmp(n, "-color=", 7) || !strncmp(n, "-colour=", 8)) {
			const char *w = strchr(n, '=') + 1;

			if (!strcmp(w, "auto"))
				o->color = -1;
			else if (!strcmp(w, "always"))
				o->color = 1;
			else if (!strcmp(w, "never"))
				o->color = 0;
			else
				return ld_show_bad_usage("--color: '%s': expected auto, always "
						 "or never", w);
		} else {
			return ld_show_bad_usage("unknown option '%s'", a);
		}
	}
	if (i < argc)
		o->prog_index = i;
	if (o->prog_index && o->pid)
		return ld_show_bad_usage("%s", "give a PROGRAM or -p PID, not both");
	return -1;
}

static int run_file(struct ld_session *s, const char *path)
{
	return ld_script_run(s, path, path, false, ld_execute);
}

/* ~/.layoutdbgrc, under the rule of script.h; messages call it by its
 * full path ("/root/.layoutdbgrc:3: ..."), as gdb names its ~/.gdbinit. */
static void read_rc(struct ld_session *s)
{
	const char *home = getenv("HOME");
	char path[PATH_MAX];

	if (!home || !*home)
		return;
	snprintf(path, sizeof path, "%s/.layoutdbgrc", home);
	ld_script_run(s, path, path, true, ld_execute);
}

static int set_program(struct ld_session *s, int argc, char **argv, int idx)
{
	int i, n = argc - idx - 1;
	char **args;

	if (ld_program_file(s, argv[idx]) < 0)
		return -1;
	args = calloc((size_t)n + 1, sizeof *args);
	if (!args)
		return ld_error("%s", strerror(ENOMEM));
	for (i = 0; i < n; i++)
		args[i] = strdup(argv[idx + 1 + i]);
	ld_program_set_args(s, args);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .color = -1 };
	struct ld_session s;
	int rc, quit = 0;
	size_t i;

	ld_session_init(&s);
	s.ui.observer = ld_render_note;
	s.ui.frame_args = ld_frame_args_fill;
	rc = parse_opts(argc, argv, &o, &s);
	if (rc >= 0) {
		ld_session_end(&s);
		return rc;
	}
	if (o.color < 0) {
		/* no-color.org: NO_COLOR set and not empty turns colour off */
		const char *nc = getenv("NO_COLOR");

		o.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	}
	ld_color_set(o.color);
	if (!o.batch)
		ld_debug_set_hooks(&(struct ld_debug_hooks){ ld_ask_debuginfod,
							     ld_show_download });
	else
		ld_debug_set_hooks(&(struct ld_debug_hooks){ NULL, ld_show_download });
	ld_install_signal_handlers();
	ld_install_crash_handler(&s);
	if (!o.quiet)
		ld_show_banner(LD_VERSION);
	if (!o.nx)
		read_rc(&s);
	if (o.prog_index && set_program(&s, argc, argv, o.prog_index) == 0 && !o.quiet)
		ld_show_reading_symbols(s.program.exe_path);
	if (o.pid)
		ld_attach(&s, (pid_t)o.pid);
	for (i = 0; i < o.nex && !quit && !ld_terminate; i++) {
		if (o.ex[i][0] == '\1')
			quit = run_file(&s, o.ex[i] + 1) == LD_CMD_QUIT;
		else
			quit = ld_execute(&s, o.ex[i]) == LD_CMD_QUIT;
	}
	if (!o.batch && !quit && !ld_terminate) {
		if (isatty(STDIN_FILENO)) {
			char hist[PATH_MAX] = "";
			const char *home = getenv("HOME");

			if (home)
				snprintf(hist, sizeof hist, "%s/.layoutdbg_history", home);
			ld_repl(&s, *hist ? hist : NULL);
		} else {
			ld_run_stream(&s, stdin);
		}
	}
	ld_session_end(&s);
	for (i = 0; i < o.nex; i++)
		free((char *)o.ex[i]);
	free(o.ex);
	return o.batch && ld_error_count() ? 1 : 0;
}
