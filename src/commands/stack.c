/* The stack: backtrace, frame, up, down, info frame. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/stack.h"

/* Frames of the selected thread, at most max of them (SIZE_MAX: all):
 * their count, or -1 after an error was printed. */
static int cur_stack(struct ld_session *s, const char *what, size_t max,
		     struct ld_frames *fs)
{
	struct ld_thread *t = ld_session_thread(s);
	int n;

	if (!t)
		return -1;
	n = ld_session_stack(s, t->tid, max, fs);
	if (n < 0 && n != -ESRCH)
		return ld_error("%s: %s", what, strerror(-n));
	if (n <= 0)
		return ld_error("cannot unwind thread %d (LWP %d)", t->num, (int)t->tid);
	return n;
}

/* Frame `level` of fs (symbolized) as text or as a JSON object; JSON
 * NULL when memory is short. */
static int show_frame(struct ld_session *s, const struct ld_frames *fs,
		      size_t level, json_t **json)
{
	struct ld_snap_frame sf;
	int r = ld_session_frame_info(s, &fs->v[level], level > 0, &sf);

	if (r == 0 && json) {
		json_t *one = ld_json_frames(&sf, 1);

		*json = one ? json_array_get(one, 0) : NULL;
		json_incref(*json);
		json_decref(one);
		r = *json ? 0 : -ENOMEM;
	} else if (r == 0) {
		ld_render_frame(stdout, (int)level, &sf, s->exe_path);
	}
	ld_snap_frame_release(&sf);
	return r;
}

static int backtrace_json(struct ld_session *s, const struct ld_frames *fs,
			  size_t from, size_t to)
{
	json_t *d = ld_jdoc("backtrace"), *arr = json_array(), *fr;
	size_t i;

	ld_jset(d, "tid", json_integer(s->cur_tid));
	ld_jset(d, "thread", json_integer(ld_session_thread(s)->num));
	for (i = from; arr && i < to; i++) {
		if (show_frame(s, fs, i, &fr) < 0 || json_array_append_new(arr, fr)) {
			json_decref(arr);
			json_decref(d);
			return ld_error("backtrace: %s", strerror(ENOMEM));
		}
	}
	ld_jset(d, "frames", arr);
	ld_jset(d, "more", json_boolean(to < fs->n));
	ld_jset(d, "depth", json_integer((json_int_t)fs->n));
	ld_jset(d, "from", json_integer((json_int_t)from));
	return ld_emit_json(d);
}

/* `backtrace [full] [N|-N]`, as gdb: N the innermost N frames, -N the
 * outermost N; every frame, however deep the stack, without a count. */
int ld_cmd_backtrace(struct ld_session *s, char *args)
{
	struct ld_frames fs = { 0 };
	unsigned long count = ULONG_MAX;
	bool outermost = false;
	char *w = ld_next_word(&args);
	size_t from = 0, to, i;
	int n, r = 0;

	if (w && (!strcmp(w, "full") || !strcmp(w, "-full")))
		w = ld_next_word(&args);
	if (w && w[0] == '-' && isdigit((unsigned char)w[1])) {
		outermost = true;
		w++;
	}
	if (w && ld_parse_uint("backtrace", w, INT_MAX, &count) < 0)
		return -1;
	n = cur_stack(s, "backtrace", SIZE_MAX, &fs);
	if (n < 0)
		return -1;
	to = fs.n;
	if (outermost && count < fs.n)
		from = fs.n - count;
	else if (!outermost && count < fs.n)
		to = count;
	if (ld_json_on()) {
		r = backtrace_json(s, &fs, from, to);
	} else {
		for (i = from; i < to && r == 0; i++)
			r = show_frame(s, &fs, i, NULL);
		if (r < 0)
			r = ld_error("backtrace: %s", strerror(-r));
		else if (to < fs.n)
			ld_out("(More stack frames follow...)\n");
		fflush(stdout);
	}
	ld_frames_release(&fs);
	return r;
}

/* Select frame `level` of the selected thread and show it; negative:
 * below the innermost. */
static int select_frame(struct ld_session *s, long level)
{
	struct ld_frames fs = { 0 };
	json_t *fr = NULL;
	int n, rc;

	if (level < 0)
		return ld_error("frame: bottom (innermost) frame selected; you cannot "
				"go down");
	/* the frames up to level and the one above (which gives level's
	 * CFA): a deeper unwind is not needed */
	n = cur_stack(s, "frame", (size_t)level + 2, &fs);
	if (n < 0)
		return -1;
	if ((size_t)level >= fs.n) {
		ld_frames_release(&fs);
		return ld_error("frame %ld: no frame at level %ld (the stack has %d "
				"frames)", level, level, n);
	}
	rc = show_frame(s, &fs, (size_t)level, ld_json_on() ? &fr : NULL);
	ld_frames_release(&fs);
	if (rc < 0)
		return ld_error("frame: %s", strerror(-rc));
	s->frame = (int)level;
	if (fr) {
		json_t *d = ld_jdoc("frame");

		ld_jset(d, "level", json_integer(level));
		ld_jset(d, "frame", fr);
		return ld_emit_json(d);
	}
	fflush(stdout);
	return 0;
}

int ld_cmd_frame(struct ld_session *s, char *args)
{
	unsigned long n = (unsigned long)s->frame;
	char *w = ld_next_word(&args);

	if (w && ld_parse_uint("frame", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, (long)n);
}

int ld_cmd_up(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = ld_next_word(&args);

	if (w && ld_parse_uint("up", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, s->frame + (long)n);
}

int ld_cmd_down(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = ld_next_word(&args);

	if (w && ld_parse_uint("down", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, s->frame - (long)n);
}

/* `info frame` of frame k of f[0..n). */
static int frame_report(struct ld_session *s, const struct ld_frame *f, int n,
			int k)
{
	char sym[256];

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info frame"), *saved = json_object();

		ld_jset(d, "level", json_integer(k));
		ld_json_put_u64(d, "cfa", f[k].cfa);
		ld_json_put_u64(d, "pc", f[k].pc);
		if (k + 1 < n)
			ld_json_put_u64(d, "saved_pc", f[k + 1].pc);
		if (k + 1 < n && f[k + 1].cfa)
			ld_json_put_u64(d, "caller_cfa", f[k + 1].cfa);
		if (k > 0)
			ld_json_put_u64(d, "callee_cfa", f[k - 1].cfa);
		if (f[k].rbp_at)
			ld_json_put_u64(saved, "rbp", f[k].rbp_at);
		if (f[k].rip_at)
			ld_json_put_u64(saved, "rip", f[k].rip_at);
		ld_jset(d, "saved_registers", saved);
		return ld_emit_json(d);
	}
	ld_out("Stack level %d, frame at 0x%" PRIx64 ":\n", k, f[k].cfa);
	{
		struct ld_obj *ob;
		const char *name;
		uint64_t off;

		/* gdb names the function only, without the offset. */
		if (!ld_objs_symbolize(&s->objs, k ? f[k].pc - 1 : f[k].pc, &ob,
				       &name, &off))
			name = "??";
		snprintf(sym, sizeof sym, "%s", name);
	}
	ld_out(" rip = 0x%" PRIx64 " in %s", f[k].pc, sym);
	if (k + 1 < n)
		ld_out("; saved rip = 0x%" PRIx64 "\n", f[k + 1].pc);
	else
		ld_out("\n");
	if (k + 1 < n && f[k + 1].cfa)
		ld_out(" called by frame at 0x%" PRIx64 "\n", f[k + 1].cfa);
	if (k > 0)
		ld_out(" caller of frame at 0x%" PRIx64 "\n", f[k - 1].cfa);
	/* With a frame pointer, rbp was pushed right below the return
	 * address and points at itself: the frame base gdb reports. */
	if (f[k].rbp_at && f[k].rbp_at + 8 == f[k].rip_at)
		ld_out(" Arglist at 0x%" PRIx64 ", args:\n Locals at 0x%" PRIx64
		       ", Previous frame's sp is 0x%" PRIx64 "\n",
		       f[k].rbp_at, f[k].rbp_at, f[k].cfa);
	else
		ld_out(" Arglist at unknown address.\n Locals at unknown address,"
		       " Previous frame's sp is 0x%" PRIx64 "\n", f[k].cfa);
	if (f[k].rbp_at || f[k].rip_at) {
		ld_out(" Saved registers:\n ");
		if (f[k].rbp_at)
			ld_out(" rbp at 0x%" PRIx64 "%s", f[k].rbp_at,
			       f[k].rip_at ? "," : "");
		if (f[k].rip_at)
			ld_out(" rip at 0x%" PRIx64, f[k].rip_at);
		ld_out("\n");
	}
	return 0;
}

int ld_cmd_info_frame(struct ld_session *s, char *args)
{
	struct ld_frames fs = { 0 };
	struct ld_thread *t = ld_session_thread(s);
	int n, r;

	if (!t)
		return -1;
	/* the selected frame and its caller, whose CFA takes one frame more */
	n = ld_session_stack(s, t->tid, (size_t)s->frame + 3, &fs);
	if (n <= s->frame)
		r = ld_error("info frame: cannot unwind thread %d to frame %d",
			     t->num, s->frame);
	else
		r = frame_report(s, fs.v, n, s->frame);
	ld_frames_release(&fs);
	return r;
}
