/* backtrace, frame and info frame: gdb's text, or their --json documents. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/source.h"
#include "layoutdbg/srcview.h"
#include "layoutdbg/stackview.h"

/* One frame as the JSON object of a snapshot's frame list. */
static json_t *frame_json(const struct ld_snap_frame *f)
{
	json_t *one = ld_json_frames_args(f, 1), *o;

	o = one ? json_array_get(one, 0) : NULL;
	json_incref(o);
	json_decref(one);
	return o;
}

void ld_bt_begin(struct ld_bt_out *o, pid_t tid, int thread, const char *exe)
{
	o->exe = exe;
	o->doc = o->frames = NULL;
	if (!ld_json_on())
		return;
	o->doc = ld_jdoc("backtrace");
	o->frames = json_array();
	ld_jset(o->doc, "tid", json_integer(tid));
	ld_jset(o->doc, "thread", json_integer(thread));
}

int ld_bt_frame(struct ld_bt_out *o, size_t level, const struct ld_snap_frame *f)
{
	json_t *fr;

	if (!ld_json_on()) {
		ld_render_frame(stdout, (int)level, f, o->exe);
		return 0;
	}
	fr = o->frames ? frame_json(f) : NULL;
	if (!fr || json_array_append_new(o->frames, fr))
		return -ENOMEM;
	return 0;
}

int ld_bt_fail(struct ld_bt_out *o, int r)
{
	json_decref(o->frames);
	json_decref(o->doc);
	o->doc = o->frames = NULL;
	/* --json: every failure is reported as one of memory (the document's) */
	return ld_error("backtrace: %s", strerror(ld_json_on() ? ENOMEM : -r));
}

int ld_bt_end(struct ld_bt_out *o, size_t from, size_t to, size_t depth)
{
	json_t *d = o->doc;

	if (!ld_json_on()) {
		if (to < depth)
			ld_out("(More stack frames follow...)\n");
		fflush(stdout);
		return 0;
	}
	ld_jset(d, "frames", o->frames);
	ld_jset(d, "more", json_boolean(to < depth));
	ld_jset(d, "depth", json_integer((json_int_t)depth));
	ld_jset(d, "from", json_integer((json_int_t)from));
	o->doc = o->frames = NULL;
	return ld_emit_json(d);
}

int ld_show_selected_frame(long level, const struct ld_snap_frame *f,
			   const char *exe)
{
	json_t *d, *fr;

	if (!ld_json_on()) {
		ld_render_frame(stdout, (int)level, f, exe);
		/* gdb's frame, up and down: the frame's source line under it */
		if (f->file && f->line) {
			const char *text = ld_source_line(f->file, f->line);

			ld_show_frame_line(f->line, f->file, text, text ? 0 : errno);
		}
		fflush(stdout);
		return 0;
	}
	fr = frame_json(f);
	if (!fr)
		return ld_error("frame: %s", strerror(ENOMEM));
	d = ld_jdoc("frame");
	ld_jset(d, "level", json_integer(level));
	ld_jset(d, "frame", fr);
	return ld_emit_json(d);
}

/* The level of the frame frame k returns to (past the inlined copies
 * of its physical frame, which share its registers); n if none. */
static int caller_of(const struct ld_frame *f, int n, int k)
{
	while (k < n && f[k].inlined)
		k++;
	return k + 1 < n ? k + 1 : n;
}

static int frame_info_json(const struct ld_frame_view *v)
{
	const struct ld_frame *f = v->f;
	json_t *d = ld_jdoc("info frame"), *saved = json_object();
	int k = v->k, n = v->n, up = caller_of(f, n, k);

	ld_jset(d, "level", json_integer(k));
	ld_json_put_u64(d, "cfa", f[k].cfa);
	ld_json_put_u64(d, "pc", f[k].pc);
	if (up < n)
		ld_json_put_u64(d, "saved_pc", f[up].pc);
	if (!f[k].inlined && up < n && f[up].cfa)
		ld_json_put_u64(d, "caller_cfa", f[up].cfa);
	if (k > 0)
		ld_json_put_u64(d, "callee_cfa", f[k - 1].cfa);
	ld_jset(d, "inline", json_boolean(f[k].inlined));
	if (f[k].rbp_at)
		ld_json_put_u64(saved, "rbp", f[k].rbp_at);
	if (f[k].rip_at)
		ld_json_put_u64(saved, "rip", f[k].rip_at);
	ld_jset(d, "saved_registers", saved);
	return ld_emit_json(d);
}

/* gdb's "args: n=1, tag=0x..." of info frame: the frame line's list. */
static void arg_list(const struct ld_frame_args *a)
{
	char buf[4096];
	size_t n;

	if (!a || !a->n)
		return;
	ld_frame_args_text(a, buf, sizeof buf);
	n = strlen(buf);
	if (n >= 2 && buf[0] == '(' && buf[n - 1] == ')') {
		buf[n - 1] = 0;
		ld_out(" %s", buf + 1);
	}
}

/* gdb's "Arglist/Locals" and "Saved registers" lines of frame g. */
static void frame_base(const struct ld_frame *g, const struct ld_frame_args *a)
{
	/* With a frame pointer, rbp was pushed right below the return
	 * address and points at itself: the frame base gdb reports. */
	if (g->rbp_at && g->rbp_at + 8 == g->rip_at) {
		ld_out(" Arglist at 0x%" PRIx64 ", args:", g->rbp_at);
		arg_list(a);
		ld_out("\n Locals at 0x%" PRIx64 ", Previous frame's sp is 0x%"
		       PRIx64 "\n", g->rbp_at, g->cfa);
	}
	else
		ld_out(" Arglist at unknown address.\n Locals at unknown address,"
		       " Previous frame's sp is 0x%" PRIx64 "\n", g->cfa);
	if (g->rbp_at || g->rip_at) {
		ld_out(" Saved registers:\n ");
		if (g->rbp_at)
			ld_out(" rbp at 0x%" PRIx64 "%s", g->rbp_at,
			       g->rip_at ? "," : "");
		if (g->rip_at)
			ld_out(" rip at 0x%" PRIx64, g->rip_at);
		ld_out("\n");
	}
}

int ld_show_frame_info(const struct ld_frame_view *v)
{
	const struct ld_frame *f = v->f;
	int k = v->k, n = v->n, up = caller_of(f, n, k);

	if (ld_json_on())
		return frame_info_json(v);
	ld_out("Stack level %d, frame at 0x%" PRIx64 ":\n", k, f[k].cfa);
	ld_out(" rip = 0x%" PRIx64 " in %s", f[k].pc, v->func);
	if (up < n)
		ld_out("; saved rip = 0x%" PRIx64 "\n", f[up].pc);
	else
		ld_out("\n");
	/* gdb's words for an inlined copy's frame: it has no frame of its
	 * own, the one it is inlined into holds it */
	if (f[k].inlined && k > 0)
		ld_out(" inlined into frame %d, ", k + 1);
	else if (f[k].inlined)
		ld_out(" inlined into frame %d\n", k + 1);
	else if (up < n && f[up].cfa)
		ld_out(" called by frame at 0x%" PRIx64 "\n", f[up].cfa);
	if (k > 0)
		ld_out("%scaller of frame at 0x%" PRIx64 "\n",
		       f[k].inlined ? "" : " ", f[k - 1].cfa);
	frame_base(&f[k], v->args);
	return 0;
}
