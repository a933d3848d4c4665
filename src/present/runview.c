/* info threads, thread, handle, info signals: gdb's text; info threads
 * also as --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/runview.h"

void ld_threads_begin(struct ld_threads_out *o)
{
	o->rows = ld_json_on() ? json_array() : NULL;
	ld_out("  %-4s %-26s %s\n", "Id", "Target Id", "Frame");
}

void ld_threads_row(struct ld_threads_out *o, const struct ld_thread_row *r)
{
	char target[96];
	json_t *j;

	snprintf(target, sizeof target, "LWP %d \"%s\"", (int)r->tid, r->name);
	ld_out("%c %-4d %-26s %s\n", r->current ? '*' : ' ', r->num, target,
	       r->where);
	if (!o->rows)
		return;
	j = json_pack("{s:i, s:i, s:s, s:b, s:s}", "num", r->num, "tid", r->tid,
		      "name", r->name, "current", r->current, "frame", r->where);
	if (r->has_pc)
		ld_json_put_u64(j, "pc", r->pc);
	json_array_append_new(o->rows, j);
}

int ld_threads_end(struct ld_threads_out *o)
{
	if (!o->rows)
		return 0;
	return ld_emit_doc("info threads", "threads", o->rows);
}

const char *ld_frame_text(char *buf, size_t len, const struct ld_snap_frame *fr,
			  const char *exe)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return NULL;
	ld_render_frame(f, 0, fr, exe);
	if (fclose(f) || !text) {
		free(text);
		return NULL;
	}
	/* bt's line less its "#0  " and newline */
	text[strcspn(text, "\n")] = 0;
	snprintf(buf, len, "%s", strlen(text) > 4 ? text + 4 : text);
	free(text);
	return buf;
}

void ld_show_thread_current(int num, pid_t tid)
{
	ld_out("[Current thread is %d (LWP %d)]\n", num, (int)tid);
}

void ld_show_thread_switch(int num, pid_t tid, const char *where)
{
	ld_out("[Switching to thread %d (LWP %d)]\n", num, (int)tid);
	if (where)
		ld_out("#0  %s\n", where);
}

void ld_show_signals(const int *sigs, size_t n, const bool *stop,
		     const bool *pass)
{
	json_t *rows = ld_json_on() ? json_array() : NULL;
	size_t i;

	ld_out("%-14s %-5s %-6s %s\n", "Signal", "Stop", "Pass", "Description");
	for (i = 0; i < n; i++) {
		int sig = sigs[i];
		const char *a = sigabbrev_np(sig);
		char name[32];

		snprintf(name, sizeof name, "SIG%s", a ? a : "?");
		ld_out("%-14s %-5s %-6s %s\n", name, stop[sig] ? "Yes" : "No",
		       pass[sig] ? "Yes" : "No", strsignal(sig));
		if (rows)
			json_array_append_new(rows, json_pack(
				"{s:s, s:i, s:b, s:b, s:s}", "signal", name, "number", sig,
				"stop", stop[sig], "pass", pass[sig], "description",
				strsignal(sig)));
	}
	if (rows)
		ld_emit_doc(ld_cmd_doc_current(), "signals", rows);
}
