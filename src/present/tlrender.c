/* The memory timeline as text (`timeline`, `timeline N`) and as a JSON
 * document (`timeline --json`, `export timeline FILE.json`). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/frameargs.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/tlrender.h"

/* ---- text ------------------------------------------------------------ */

/* The first frame outside the C library's and the dynamic linker's
 * system-call wrappers: who asked for the memory. */
static const struct ld_snap_frame *caller_frame(const struct ld_tl_entry *e)
{
	size_t i;

	for (i = 0; i < e->nframes; i++) {
		const char *o = e->frames[i].obj;

		if (!o || (!strstr(o, "/libc.so") && !strstr(o, "/ld-linux")))
			return &e->frames[i];
	}
	return e->nframes ? &e->frames[e->nframes - 1] : NULL;
}

static void change_summary(FILE *f, const struct ld_tl_entry *e)
{
	struct ld_map_diff d;
	size_t i;

	if (!e->done) {
		ld_fout(f, "(no return seen)");
		return;
	}
	ld_map_diff_init(&d);
	if (ld_maps_diff(&e->before, &e->after, &d) < 0) {
		ld_fout(f, "(out of memory)");
		return;
	}
	for (i = 0; i < d.n; i++) {
		const struct ld_map_change *c = &d.v[i];
		const struct ld_map *m = c->kind == LD_MC_MERGED || !c->after ?
					 c->before : c->after;

		ld_fout(f, "%s%s %s 0x%" PRIx64 "-0x%" PRIx64 " %s", i ? "; " : "",
			c->kind == LD_MC_ADDED ? "+" : c->kind == LD_MC_REMOVED ? "-" : "~",
			ld_map_change_name(c->kind), m->start, m->end, m->perms);
	}
	if (e->brk_known && e->brk_after != e->brk_before)
		ld_fout(f, "%sbrk 0x%" PRIx64 " -> 0x%" PRIx64, d.n ? "; " : "",
			e->brk_before, e->brk_after);
	if (!d.n && (!e->brk_known || e->brk_after == e->brk_before))
		ld_fout(f, "no layout change");
	ld_map_diff_release(&d);
}

void ld_render_timeline(FILE *f, const struct ld_timeline *t, const char *exe)
{
	size_t i;

	if (!t->n) {
		ld_fout(f, "The timeline is empty: `trace memory` or `catch memory` "
			"records memory system calls.\n");
		return;
	}
	for (i = 0; i < t->n; i++) {
		const struct ld_tl_entry *e = t->v[i];
		const struct ld_snap_frame *who = caller_frame(e);
		char ret[128];

		/* a child process's call: "[pid N]" as strace -f says it */
		if (e->thread_num > 0)
			ld_fout(f, "%4u  [%d] ", e->n, e->thread_num);
		else
			ld_fout(f, "%4u  [pid %d] ", e->n, (int)e->pid);
		ld_fout(f, "%s = %s\n", e->text,
			ld_syscall_format_ret(&e->call, ret, sizeof ret));
		ld_fout(f, "        ");
		change_summary(f, e);
		if (who)
			ld_fout(f, "  <- %s", who->func ? who->func : "??");
		ld_fout(f, "\n");
	}
}

void ld_render_tl_entry(FILE *f, const struct ld_tl_entry *e, const char *exe)
{
	struct ld_snapshot a = { 0 }, b = { 0 };
	struct ld_snap_diff d;
	char ret[128];
	size_t i;

	if (e->thread_num > 0)
		ld_fout(f, "#%u thread %d (LWP %d)\n", e->n, e->thread_num, (int)e->tid);
	else
		ld_fout(f, "#%u child process %d (LWP %d)\n", e->n, (int)e->pid,
			(int)e->tid);
	ld_fout(f, "  %s = %s\n", e->text, ld_syscall_format_ret(&e->call, ret, sizeof ret));
	/* the break is followed in the traced process only */
	if (e->thread_num > 0 && e->brk_known)
		ld_fout(f, "  program break 0x%" PRIx64 " -> 0x%" PRIx64 "\n",
			e->brk_before, e->brk_after);
	else if (e->thread_num > 0)
		ld_fout(f, "  program break unknown (not watched before this call)\n");
	if (e->done) {
		a.maps = e->before;
		b.maps = e->after;
		a.id = b.id = e->n;
		a.exe = b.exe = (char *)exe;
		memset(&d, 0, sizeof d);
		ld_map_diff_init(&d.maps);
		if (ld_maps_diff(&a.maps, &b.maps, &d.maps) == 0) {
			for (i = 0; i < d.maps.n; i++)
				ld_render_change(f, &d.maps.v[i]);
			if (!d.maps.n)
				ld_fout(f, "  mappings: no change\n");
		}
		ld_map_diff_release(&d.maps);
	}
	ld_fout(f, "  called from:\n");
	for (i = 0; i < e->nframes; i++) {
		ld_fout(f, "  ");
		ld_render_frame(f, (int)i, &e->frames[i], exe);
	}
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *args_json(const struct ld_syscall *call)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < 6; i++) {
		if (json_array_append_new(a, ld_json_hex(call->args[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The layout changes the call made (none before it returned, or when
 * memory ran out for the diff). */
static json_t *changes_json(const struct ld_tl_entry *e)
{
	json_t *a = json_array();
	struct ld_map_diff d;
	size_t i;

	ld_map_diff_init(&d);
	if (a && e->done && ld_maps_diff(&e->before, &e->after, &d) == 0) {
		for (i = 0; i < d.n; i++) {
			if (json_array_append_new(a, ld_json_change(&d.v[i]))) {
				json_decref(a);
				a = NULL;
				break;
			}
		}
	}
	ld_map_diff_release(&d);
	return a;
}

static json_t *entry_brk_json(const struct ld_tl_entry *e)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "valid", json_boolean(e->brk_known)) ||
	    (e->brk_known && (ld_json_put_u64(o, "before", e->brk_before) ||
			      ld_json_put_u64(o, "after", e->brk_after)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *entry_json(const struct ld_tl_entry *e)
{
	json_t *o = json_object();
	const char *name = ld_syscall_name(e->call.nr);
	char ret[128];

	if (!o || ld_jset(o, "n", json_integer(e->n)) ||
	    ld_jset(o, "pid", json_integer(e->pid)) ||
	    ld_jset(o, "tid", json_integer(e->tid)) ||
	    ld_jset(o, "thread", json_integer(e->thread_num)) ||
	    ld_jset(o, "syscall", name ? json_string(name) : json_null()) ||
	    ld_jset(o, "nr", json_integer(e->call.nr)) ||
	    ld_jset(o, "args_hex", args_json(&e->call)) ||
	    ld_json_put_text(o, "call", e->text ? e->text : "") ||
	    ld_jset(o, "returned", json_boolean(e->call.returned)) ||
	    ld_json_put_text(o, "result",
			     ld_syscall_format_ret(&e->call, ret, sizeof ret)) ||
	    ld_jset(o, "done", json_boolean(e->done)) ||
	    ld_jset(o, "brk", entry_brk_json(e)) ||
	    ld_jset(o, "changes", changes_json(e)) ||
	    ld_jset(o, "frames", ld_json_frames_args(e->frames, e->nframes))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *entry_at(struct ld_tl_entry *const *e)
{
	return entry_json(*e);
}

static json_t *entries_json(const struct ld_timeline *t)
{
	LD_RETURN_JSON_ARRAY(entry_at, t->v, t->n);
}

json_t *ld_timeline_to_json(const struct ld_timeline *t)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "format", json_string("layoutdbg-timeline")) ||
	    ld_jset(o, "version", json_integer(1)) ||
	    ld_jset(o, "entries", entries_json(t))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
