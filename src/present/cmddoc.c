/* --json documents of the commands that have one value: {"command": CMD,
 * KEY: VALUE}, and of those that have none. */
#include <stdio.h>
#include <string.h>

#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/cmddoc.h"

/* --json: the document {"command": CMD, KEY: V} (V stolen). */
int ld_emit_doc(const char *cmd, const char *key, json_t *v)
{
	json_t *d = ld_jdoc(cmd);

	if (ld_jset(d, key, v) < 0) {
		json_decref(d);
		d = NULL;
	}
	return ld_emit_json(d);
}

/* The full name of the command running ("info signals", not "info"). */
static char cmd_name[96];
/* The last stop event the running command printed, NULL: none. */
static json_t *cmd_stop;

void ld_cmd_doc_start(void)
{
	cmd_name[0] = '\0';
	json_decref(cmd_stop);
	cmd_stop = NULL;
	ld_json_cmd_begin();
}

void ld_cmd_doc_stop(json_t *stop)
{
	json_decref(cmd_stop);
	cmd_stop = json_incref(stop);
}

void ld_cmd_doc_name(const char *name)
{
	snprintf(cmd_name, sizeof cmd_name, "%s", name);
}

const char *ld_cmd_doc_current(void)
{
	return cmd_name;
}

static bool is_one_of(const char *name, const char *const *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, cmds[i]))
			return true;
	return false;
}

/* The commands that change the breakpoint table report it. */
static bool changes_breakpoints(const char *name)
{
	static const char *const cmds[] = { "break", "tbreak", "catch", "delete",
					    "enable", "disable", "ignore", "watch",
					    "rwatch", "awatch" };

	return is_one_of(name, cmds, sizeof cmds / sizeof *cmds);
}

/* The commands that let the program run report the stop they led to. */
static bool runs_program(const char *name)
{
	static const char *const cmds[] = { "run", "start", "continue", "next", "step",
					    "stepi", "finish", "until", "attach",
					    "detach", "kill", "trace memory" };

	return is_one_of(name, cmds, sizeof cmds / sizeof *cmds);
}

void ld_cmd_doc_finish(const char *name, bool ok, struct ld_session *s)
{
	json_t *d = NULL;

	if (!ld_json_on())
		return;
	if (!cmd_name[0])
		ld_cmd_doc_name(name);
	/* Commands without data of their own report the state. */
	if (!ld_json_emitted()) {
		d = ld_jdoc(cmd_name);
		ld_jset(d, "ok", json_boolean(ok));
		if (changes_breakpoints(cmd_name))
			ld_jset(d, "breakpoints", ld_json_breakpoints(&s->live.bps));
		/* the same object as the stop event printed before: the
		 * stop this command led to; null: it led to none */
		if (runs_program(cmd_name))
			ld_jset(d, "stop", cmd_stop ? json_incref(cmd_stop) : json_null());
		ld_jset(d, "process", ld_json_process(s));
	}
	json_decref(cmd_stop);
	cmd_stop = NULL;
	ld_json_cmd_end(d);
}
