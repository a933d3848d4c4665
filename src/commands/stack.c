/* The stack: backtrace, frame, up, down, info frame. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/stack.h"
#include "layoutdbg/stackview.h"
#include "layoutdbg/valcmd.h"
#include "layoutdbg/valeval.h"

/* Frames of the selected thread, at most max of them (SIZE_MAX: all),
 * as the per-stop cache keeps them (not to be released): their count, or
 * -1 after an error was printed. */
static int cur_stack(struct ld_session *s, const char *what, size_t max,
		     const struct ld_frames **fs)
{
	struct ld_thread *t = ld_session_thread(s);
	int n;

	if (!t)
		return -1;
	n = ld_session_stack_ref(s, t->tid, max, fs);
	if (n < 0 && n != -ESRCH)
		return ld_error("%s: %s", what, strerror(-n));
	if (n <= 0)
		return ld_error("cannot unwind thread %d (LWP %d)", t->num, (int)t->tid);
	return n;
}

/* Frames [from, to) of fs (n deep), each symbolized, shown and released. */
static int show_frames(struct ld_session *s, const struct ld_frames *fs,
		       size_t n, size_t from, size_t to, bool full)
{
	struct ld_thread *t = ld_session_thread(s);
	struct ld_regmemo memo = { 0 };
	struct ld_bt_out o;
	size_t i;
	int r = 0;

	ld_bt_begin(&o, s->live.cur_tid, t->num, s->program.exe_path);
	for (i = from; i < to && r == 0; i++) {
		struct ld_snap_frame sf;

		r = ld_session_frame_info(s, &fs->v[i], i > 0, &sf);
		if (r == 0) {
			ld_frame_args_fill(s, s->live.cur_tid, (int)i, &memo, &sf);
			r = ld_bt_frame(&o, i, &sf);
		}
		ld_snap_frame_release(&sf);
		if (r == 0 && full)
			ld_show_frame_locals(s, (int)i);
	}
	ld_regmemo_release(&memo);
	if (r < 0)
		return ld_bt_fail(&o, r);
	return ld_bt_end(&o, from, to, n);
}

/* `backtrace [full] [N|-N]`, as gdb: N the innermost N frames, -N the
 * outermost N; every frame, however deep the stack, without a count. */
int ld_cmd_backtrace(struct ld_session *s, char *args)
{
	const struct ld_frames *fs;
	unsigned long count = ULONG_MAX;
	bool outermost = false, full = false;
	char *w = ld_next_word(&args);
	size_t from = 0, to;
	int n;

	if (w && (!strcmp(w, "full") || !strcmp(w, "-full"))) {
		full = true;
		w = ld_next_word(&args);
	}
	if (w && w[0] == '-' && isdigit((unsigned char)w[1])) {
		outermost = true;
		w++;
	}
	if (w && ld_parse_uint("backtrace", w, INT_MAX, &count) < 0)
		return -1;
	n = cur_stack(s, "backtrace", SIZE_MAX, &fs);
	if (n < 0)
		return -1;
	to = (size_t)n;
	if (outermost && count < to)
		from = to - count;
	else if (!outermost && count < to)
		to = count;
	return show_frames(s, fs, (size_t)n, from, to, full);
}

/* Select frame `level` of the selected thread and show it; negative:
 * below the innermost. */
static int select_frame(struct ld_session *s, long level)
{
	const struct ld_frames *fs;
	struct ld_snap_frame sf;
	int n, rc;

	if (level < 0)
		return ld_error("frame: bottom (innermost) frame selected; you cannot "
				"go down");
	/* the frames up to level and the one above (which gives level's
	 * CFA): a deeper unwind is not needed */
	n = cur_stack(s, "frame", (size_t)level + 2, &fs);
	if (n < 0)
		return -1;
	if (level >= n)
		return ld_error("frame %ld: no frame at level %ld (the stack has %d "
				"frame%s)", level, level, n, n == 1 ? "" : "s");
	rc = ld_session_frame_info(s, &fs->v[level], level > 0, &sf);
	if (rc < 0) {
		ld_snap_frame_release(&sf);
		return ld_error("frame: %s", strerror(-rc));
	}
	ld_frame_args_fill(s, s->live.cur_tid, (int)level, NULL, &sf);
	rc = ld_show_selected_frame(level, &sf, s->program.exe_path);
	ld_snap_frame_release(&sf);
	if (rc == 0)
		ld_select_frame(s, (int)level);
	return rc;
}

int ld_cmd_frame(struct ld_session *s, char *args)
{
	unsigned long n = (unsigned long)s->live.frame;

	if (ld_opt_uint(&args, "frame", INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, (long)n);
}

/* up/down [N], as gdb: with N, as far as the stack goes (the end frame
 * shown again); without, an error at its end. */
static int move_frame(struct ld_session *s, char *args, const char *what, int dir)
{
	const struct ld_frames *fs;
	unsigned long count = 1;
	bool given = args && *ld_skip_ws(args);
	long level;
	int n;

	if (ld_opt_uint(&args, what, INT_MAX, &count) < 0)
		return -1;
	level = s->live.frame + dir * (long)count;
	if (dir < 0 && level < 0) {
		if (!given)
			return ld_error("%s: bottom (innermost) frame selected; you "
					"cannot go down", what);
		level = 0;
	}
	if (dir > 0) {
		n = cur_stack(s, what, (size_t)level + 1, &fs);
		if (n < 0)
			return -1;
		if (level >= n) {
			if (!given)
				return ld_error("%s: initial frame selected; you "
						"cannot go up", what);
			level = n - 1;
		}
	}
	return select_frame(s, level);
}

int ld_cmd_up(struct ld_session *s, char *args)
{
	return move_frame(s, args, "up", 1);
}

int ld_cmd_down(struct ld_session *s, char *args)
{
	return move_frame(s, args, "down", -1);
}

/* `info frame` of frame k of f[0..n). */
static int frame_report(struct ld_session *s, const struct ld_frame *f, int n,
			int k)
{
	struct ld_frame_view v = { .f = f, .n = n, .k = k };
	struct ld_obj *ob;
	uint64_t off;

	struct ld_snap_frame sf;
	int r;

	/* gdb names the function only, without the offset. */
	if (ld_session_frame_info(s, &f[k], k > 0, &sf) == 0 && sf.func)
		v.func = sf.func;
	else if (!ld_objs_symbolize(&s->live.objs, k ? f[k].pc - 1 : f[k].pc,
				    &ob, &v.func, &off))
		v.func = "??";
	v.args = sf.args = ld_frame_args_get(s, s->live.cur_tid, k, NULL);
	r = ld_show_frame_info(&v);
	ld_snap_frame_release(&sf);
	return r;
}

int ld_cmd_info_frame(struct ld_session *s, char *args)
{
	struct ld_frames fs = { 0 };
	struct ld_thread *t = ld_session_thread(s);
	int n, r;

	if (!t)
		return -1;
	/* the selected frame and its caller, whose CFA takes one frame more
	 * (past the inlined copies sharing its frame) */
	n = ld_session_stack(s, t->tid, (size_t)s->live.frame + 3 + 32, &fs);
	if (n <= s->live.frame)
		r = ld_error("info frame: cannot unwind thread %d to frame %d",
			     t->num, s->live.frame);
	else
		r = frame_report(s, fs.v, n, s->live.frame);
	ld_frames_release(&fs);
	return r;
}
