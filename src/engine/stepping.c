/* Stepping: stepi, finish, and next/step/until by source lines (DWARF),
 * one instruction at a time with calls run through at full speed. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/inlframes.h"

static int step_insn(struct ld_session *s, struct ld_thread *t,
		     struct ld_outcome *out);
static int finish_inlined(struct ld_session *s, struct ld_thread *t);

int ld_stepi(struct ld_session *s, unsigned count)
{
	struct ld_outcome out = { 0 };
	struct ld_thread *t;
	int r;

	if (ld_need_stopped(s, "stepi") || !(t = ld_session_thread(s)))
		return -1;
	ld_interrupted = 0;
	while (count--) {
		r = step_insn(s, t, &out);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		out.ev = LD_EV_STEP;
		out.tid = t->tid;
	}
	ld_after_stop(s, &out);
	return 0;
}

/* Set a <finish> breakpoint where frame `s->frame` returns to; it is
 * returned, or NULL after an error was printed. */
static struct ld_bp *arm_finish(struct ld_session *s, struct ld_thread *t)
{
	struct ld_frames fs = { 0 };
	struct ld_bp *bp = NULL;
	struct ld_stop_frame from;
	struct ld_note note = { .kind = LD_NOTE_FINISH_FROM, .frame = &from };
	int n, r;

	/* the selected frame and its caller: no need to unwind further */
	n = ld_session_stack(s, t->tid, (size_t)s->live.frame + 2, &fs);
	if (n < 0)
		ld_error("finish: cannot unwind thread %d: %s", (int)t->tid,
			 strerror(-n));
	else if (n <= s->live.frame + 1 || !fs.v[s->live.frame + 1].pc)
		ld_error("finish: not meaningful in the outermost frame");
	else if (!(bp = ld_bp_add(&s->live.bps, LD_BP_FINISH, "<finish>")))
		ld_error("finish: %s", strerror(ENOMEM));
	if (!bp)
		goto out;
	if (s->live.frame > 0 && !fs.v[s->live.frame].in_frame0) {
		/* a caller's frame: named by its call (the return address may
		 * start the next line), shown with its pc, as gdb does */
		ld_stop_frame_fill(s, fs.v[s->live.frame].pc - 1, NULL, &from);
		from.pc++;
		from.offset++;
		from.line_start = false;
	} else {
		ld_stop_frame_fill(s, fs.v[s->live.frame].pc, NULL, &from);
	}
	note.count = (unsigned long)s->live.frame;
	ld_notify(s, &note);
	ld_stop_frame_release(&from);
	bp->addr = fs.v[s->live.frame + 1].pc;
	/* The frame has returned when the stack pointer is back at its
	 * caller's: under recursion the same return address is hit by deeper
	 * frames first, with a lower sp (x86-64: the stack grows down). */
	bp->sp = fs.v[s->live.frame + 1].sp;
	bp->tid = t->tid;
	bp->pending = false;
	r = ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp);
	if (r < 0) {
		ld_bp_delete(&s->live.bps, bp);
		bp = NULL;
		ld_error("finish: cannot insert a breakpoint at 0x%" PRIx64 ": %s",
			 fs.v[s->live.frame + 1].pc, strerror(-r));
	}
out:
	ld_frames_release(&fs);
	return bp;
}

int ld_finish(struct ld_session *s)
{
	struct ld_thread *t;
	struct ld_bp *bp;
	size_t i;
	int r;

	if (ld_need_stopped(s, "finish") || !(t = ld_session_thread(s)))
		return -1;
	if ((r = finish_inlined(s, t)) != 2)
		return r;
	if (!(bp = arm_finish(s, t)))
		return -1;
	r = ld_run_until_stop(s);
	for (i = 0; i < s->live.bps.n; i++) {
		if (s->live.bps.v[i] == bp) {
			ld_delete_bp(s, bp);
			break;
		}
	}
	return r;
}

/* One machine instruction of t (stepping over a breakpoint under it).
 * Returns 0 when it was executed, 1 when something else is to be reported
 * (out filled), -1 after an error. */
static int step_insn(struct ld_session *s, struct ld_thread *t,
		     struct ld_outcome *out)
{
	struct ld_stop st;
	int r;

	memset(&st, 0, sizeof st);
	memset(out, 0, sizeof *out);
	out->tid = t->tid;
	r = ld_step_over(s, t);
	if (r == 0) {
		r = ld_resume(s, t, LD_RESUME_STEP, t->pending_sig);
		if (!r)
			r = ld_wait_thread(s, t, &st);
	} else if (r == 1) {
		st = t->last;
		t->queued = false;
	} else if (r == 2) {
		st.kind = LD_STOP_STEP;
		st.tid = t->tid;
	}
	if (r < 0)
		return ld_error("step: thread %d: %s", (int)t->tid, strerror(-r));
	if (s->live.proc->exited) {
		out->ev = LD_EV_EXITED;
		return 1;
	}
	/* the instruction wrote a watched address: the watchpoint reports
	 * (gdb's stepi and next stop there too) */
	if (st.kind == LD_STOP_STEP && ld_watch_trapped(s, t))
		st.kind = LD_STOP_WATCH;
	if (st.kind == LD_STOP_STEP) {
		/* stepped onto a breakpoint: `continue` goes on from it (gdb) */
		t->on_bp = ld_site_at(&s->live.bps, ld_thread_pc(t)) != NULL;
		return 0;
	}
	if (ld_on_stop(s, &st, true, out) == LD_V_REPORT && out->ev != LD_EV_STEP)
		return 1;
	return 0;
}

/* Run every thread until t reaches addr with a stack pointer of at least
 * sp (0: any); then stop the others.  0 when reached, 1 when something
 * else is to be reported (out), -1 after an error. */
static int run_to_addr(struct ld_session *s, struct ld_thread *t, uint64_t addr,
		       uint64_t sp, struct ld_outcome *out)
{
	struct ld_bp *bp = ld_bp_add(&s->live.bps, LD_BP_FINISH, "<step>");
	size_t i;
	int r;

	if (!bp)
		return ld_error("step: %s", strerror(ENOMEM));
	bp->addr = addr;
	bp->sp = sp;
	bp->tid = t->tid;
	bp->pending = false;
	r = ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp);
	if (r < 0) {
		ld_bp_delete(&s->live.bps, bp);
		return ld_error("step: cannot insert a breakpoint at 0x%" PRIx64 ": %s",
				addr, strerror(-r));
	}
	r = ld_run_to(s, out);
	/* The other threads still run: stop them before the int3 goes
	 * (its byte is written through a stopped thread, and hits of it in
	 * flight are settled while the site still exists). */
	if (s->live.proc && !s->live.proc->exited)
		ld_stop_world(s);
	for (i = 0; i < s->live.bps.n; i++) {
		if (s->live.bps.v[i] == bp) {
			ld_delete_bp(s, bp);
			break;
		}
	}
	if (r < 0)
		return -1;
	if (out->ev != LD_EV_FINISH || !s->live.proc)
		return 1;
	ld_stop_cache_invalidate(&s->cache);
	ld_forget_unwatched_brk(s);
	return 0;
}

/* The instruction just executed was a call when the stack grew by one
 * word holding an address just past the previous pc, and the pc jumped. */
static bool was_call(struct ld_session *s, const ld_regs *before,
		     const ld_regs *after, uint64_t *ret)
{
	if (after->rsp != before->rsp - 8 ||
	    ld_mem_read(s->live.cur_tid, after->rsp, ret, sizeof *ret))
		return false;
	return *ret > before->rip && *ret <= before->rip + 15 &&
	       (after->rip < before->rip || after->rip > before->rip + 15);
}

static bool function_of(struct ld_session *s, uint64_t pc, const char **name,
			uint64_t *start)
{
	struct ld_obj *ob;
	uint64_t off;

	if (!ld_objs_symbolize(&s->live.objs, pc, &ob, name, &off))
		return false;
	*start = pc - off;
	return true;
}

/* A source-line step under way: the line being left and its function. */
struct line_step {
	enum ld_step_mode mode;
	const char *what;         /* the command, for errors */
	struct ld_thread *t;
	struct ld_line row;       /* the line being left */
	char file[4096];          /* its file (row.file may not outlive a stop) */
	const char *fname;
	uint64_t fstart;          /* the function it lies in */
	uint64_t start_fn;        /* the function the step began in */
	uint64_t cfa;             /* that frame's CFA (0: unknown) */
	unsigned depth0;          /* inlined frames shown above its function
				     (inlframes.h) */
};

/* What one instruction of a line step led to. */
enum step_next { STEP_ON, STEP_DONE /* out filled */, STEP_FAIL, STEP_RUN /* run on */ };

static void line_stop(struct ld_outcome *out, pid_t tid)
{
	memset(out, 0, sizeof *out);
	out->ev = LD_EV_STEP;
	out->tid = tid;
	out->line_step = true;
}

/* The step ran a call: `step` goes into a function with line information,
 * to the end of its prologue; otherwise the call runs to its return. */
static enum step_next through_call(struct ld_session *s, struct line_step *ls,
				   ld_regs *after, uint64_t ret,
				   struct ld_outcome *out)
{
	struct ld_obj *ob = ld_objs_at(&s->live.objs, after->rip);
	struct ld_line now;
	int r;

	if (ls->mode == STEP_INTO && ob && ld_obj_lines(ob) &&
	    ld_objs_line_at(&s->live.objs, after->rip, &now)) {
		uint64_t body = ld_after_prologue(s, ob, after->rip);

		if (body != after->rip && run_to_addr(s, ls->t, body, 0, out) != 0)
			return STEP_DONE;
		line_stop(out, ls->t->tid);
		return STEP_DONE;
	}
	r = run_to_addr(s, ls->t, ret, after->rsp + 8, out);
	if (r < 0)
		return STEP_FAIL;
	if (r == 1)
		return STEP_DONE;
	/* the return address may itself start a new line */
	if (ld_tregs(ls->t, after))
		return ld_error("%s: thread %d is gone", ls->what, (int)ls->t->tid),
		       STEP_FAIL;
	return STEP_ON;
}

/* Returned out of the frame into the middle of the caller's line: go on
 * stepping to the start of the caller's next line, as gdb does; into code
 * without lines: run on. */
static enum step_next returned(struct ld_session *s, struct line_step *ls,
			       const ld_regs *after, struct ld_outcome *out)
{
	struct ld_line now;
	struct ld_frame cf[2];

	if (!ld_objs_line_at(&s->live.objs, after->rip, &now))
		return STEP_RUN;
	if (now.addr == after->rip && now.is_stmt) {
		line_stop(out, ls->t->tid);
		return STEP_DONE;
	}
	/* back out in the caller mid-line: gdb stops at the next statement
	 * start, whatever its line (the caller's line is not the one the
	 * step was leaving) */
	ls->row = now;
	ls->row.line = 0;
	snprintf(ls->file, sizeof ls->file, "%s", now.file);
	function_of(s, after->rip, &ls->fname, &ls->fstart);
	ls->cfa = ld_session_unwind(s, ls->t->tid, cf, 2) == 2 ? cf[0].cfa : 0;
	return STEP_ON;
}

/* One instruction of the step, and what it means. */
static enum step_next step_one(struct ld_session *s, struct line_step *ls,
			       struct ld_outcome *out)
{
	const char *fn2;
	uint64_t fs2, ret;
	struct ld_line now;
	ld_regs before, after;
	enum step_next k;
	int r;

	if (ld_tregs(ls->t, &before))
		return ld_error("%s: thread %d is gone", ls->what, (int)ls->t->tid),
		       STEP_FAIL;
	r = step_insn(s, ls->t, out);
	if (r != 0)
		return r < 0 ? STEP_FAIL : STEP_DONE;
	if (ld_tregs(ls->t, &after))
		return ld_error("%s: thread %d is gone", ls->what, (int)ls->t->tid),
		       STEP_FAIL;
	if (was_call(s, &before, &after, &ret) &&
	    (k = through_call(s, ls, &after, ret, out)) != STEP_ON)
		return k;
	if (ls->cfa && after.rsp >= ls->cfa &&
	    !(after.rip >= ls->fstart && function_of(s, after.rip, &fn2, &fs2) &&
	      fs2 == ls->fstart))
		return returned(s, ls, &after, out);
	/* gdb stops only where a statement begins */
	if (!ld_objs_line_at(&s->live.objs, after.rip, &now) ||
	    now.addr != after.rip || !now.is_stmt)
		return STEP_ON;
	switch (ld_inline_step_at(&s->live.objs, after.rip, ls->depth0,
				  ls->mode == STEP_INTO, ls->file, ls->row.line)) {
	case LD_INL_ON:
		return STEP_ON;
	case LD_INL_NONE:
		break;
	case LD_INL_ENTER:
		line_stop(out, ls->t->tid);
		out->inline_set = true;
		out->inline_skip = ld_inline_skip_at(&s->live.objs, after.rip) - 1;
		return STEP_DONE;
	case LD_INL_INSIDE:
		line_stop(out, ls->t->tid);
		return STEP_DONE;
	case LD_INL_STOP:	/* the step's own frame, at the call */
		line_stop(out, ls->t->tid);
		out->same_function = function_of(s, after.rip, &fn2, &fs2) &&
				     fs2 == ls->start_fn;
		return STEP_DONE;
	}
	if (now.line == ls->row.line && !strcmp(now.file, ls->file))
		return STEP_ON;
	/* until: a jump back (a loop) does not count */
	if (ls->mode == STEP_UNTIL && now.line < ls->row.line &&
	    !strcmp(now.file, ls->file))
		return STEP_ON;
	line_stop(out, ls->t->tid);
	/* gdb names the function when it is not the one `next` began in */
	out->same_function = function_of(s, after.rip, &fn2, &fs2) &&
			     fs2 == ls->start_fn;
	return STEP_DONE;
}

/* Without line information `next` finishes the function (gdb). */
static int no_lines(struct ld_session *s, struct ld_thread *t)
{
	struct ld_note n = { .kind = LD_NOTE_NO_LINES };
	char sym[256];

	n.text = ld_session_symbolize(s, ld_thread_pc(t), sym, sizeof sym);
	ld_notify(s, &n);
	return ld_finish(s);
}

/* Frame 0 at an inlined call (its inlined frames hidden): the line being
 * left is the call's; `step` goes into the call without running, as
 * gdb's step_into_inline_frame.  True when that step is done. */
static bool begin_inline(struct ld_session *s, struct line_step *ls,
			 struct ld_outcome *out)
{
	uint64_t pc = ld_thread_pc(ls->t);
	unsigned skip = ld_inline_skip_now(&s->live.objs, &s->cache, ls->t->tid, pc);

	ls->depth0 = ld_inline_step_begin(&s->live.objs, pc, skip, &ls->row.file,
					  &ls->row.line);
	if (ls->mode != STEP_INTO || skip == 0)
		return false;
	line_stop(out, ls->t->tid);
	out->inline_set = true;
	out->inline_skip = skip - 1;
	ld_after_stop(s, out);
	return true;
}

int ld_step_line(struct ld_session *s, enum ld_step_mode mode)
{
	static const char *what[] = { "next", "step", "until" };
	struct line_step ls = { .mode = mode, .what = what[mode] };
	struct ld_frame f[2];
	struct ld_outcome out;
	unsigned long steps;
	enum step_next k = STEP_ON;

	if (ld_need_stopped(s, ls.what) || !(ls.t = ld_session_thread(s)))
		return -1;
	ld_interrupted = 0;
	if (!ld_objs_line_at(&s->live.objs, ld_thread_pc(ls.t), &ls.row))
		return no_lines(s, ls.t);
	if (begin_inline(s, &ls, &out))
		return 0;
	snprintf(ls.file, sizeof ls.file, "%s", ls.row.file);
	function_of(s, ld_thread_pc(ls.t), &ls.fname, &ls.fstart);
	ls.start_fn = ls.fstart;
	ls.cfa = ld_session_unwind(s, ls.t->tid, f, 2) == 2 ? f[0].cfa : 0;
	memset(&out, 0, sizeof out);
	for (steps = 0; steps < 10000000 && k == STEP_ON; steps++) {
		if (ld_interrupted) {
			memset(&out, 0, sizeof out);
			out.ev = LD_EV_INTERRUPT;
			out.tid = ls.t->tid;
			ld_interrupted = 0;
			break;
		}
		k = step_one(s, &ls, &out);
	}
	if (k == STEP_FAIL)
		return -1;
	if (k == STEP_RUN)
		return ld_run_until_stop(s);
	ld_after_stop(s, &out);
	return 0;
}

/* Stepping onto a user breakpoint is its hit (gdb's bpstat at the stop
 * pc): out filled when one is there. */
static bool hit_by_step(struct ld_session *s, struct ld_thread *t, uint64_t pc,
			struct ld_outcome *out)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i], *owner = ld_bp_owner(bp);

		if (!bp->armed || !bp->enabled || bp->addr != pc ||
		    (bp->type != LD_BP_USER && bp->type != LD_BP_TEMP))
			continue;
		owner->hits++;
		if (owner->ignore) {
			owner->ignore--;
			continue;
		}
		memset(out, 0, sizeof *out);
		out->ev = LD_EV_BREAKPOINT;
		out->tid = t->tid;
		out->bpnum = owner->num;
		return true;
	}
	return false;
}

/* Step over t's instructions (calls run through) until it leaves the
 * inlined copy beginning at entry, at the start of a statement. */
static int leave_copy(struct ld_session *s, struct ld_thread *t, uint64_t entry,
		      struct ld_outcome *out)
{
	struct line_step ls = { .mode = STEP_NEXT, .what = "finish", .t = t };
	unsigned long steps;

	for (steps = 0; steps < 10000000; steps++) {
		struct ld_line now;
		ld_regs before, after;
		enum step_next k;
		uint64_t ret;
		int r;

		if (ld_tregs(t, &before))
			return ld_error("finish: thread %d is gone", (int)t->tid);
		if ((r = step_insn(s, t, out)) != 0)
			return r < 0 ? -1 : 0;
		if (ld_tregs(t, &after))
			return ld_error("finish: thread %d is gone", (int)t->tid);
		if (was_call(s, &before, &after, &ret) &&
		    (k = through_call(s, &ls, &after, ret, out)) != STEP_ON)
			return k == STEP_DONE ? 0 : -1;
		if (hit_by_step(s, t, after.rip, out))
			return 0;
		if (ld_inline_in_copy(&s->live.objs, after.rip, entry) ||
		    !ld_objs_line_at(&s->live.objs, after.rip, &now) ||
		    now.addr != after.rip || !now.is_stmt)
			continue;
		line_stop(out, t->tid);
		return 0;
	}
	return ld_error("finish: the inlined function does not end");
}

/* `finish` in an inlined copy's frame (gdb's finish_command: no frame to
 * return from, so step until the copy is left; no value).  2: the
 * selected frame is a real one. */
static int finish_inlined(struct ld_session *s, struct ld_thread *t)
{
	struct ld_frames fs = { 0 };
	struct ld_snap_frame sf = { 0 };
	struct ld_stop_frame from = { 0 };
	struct ld_note note = { .kind = LD_NOTE_FINISH_FROM, .frame = &from };
	struct ld_outcome out;
	uint64_t entry = 0;
	int n = ld_session_stack(s, t->tid, (size_t)s->live.frame + 1, &fs);

	if (n > s->live.frame && fs.v[s->live.frame].inlined)
		entry = ld_inline_copy_entry(&s->live.objs, fs.v[s->live.frame].pc,
					     fs.v[s->live.frame].inl);
	if (entry && ld_session_frame_info(s, &fs.v[s->live.frame], false, &sf) == 0) {
		from.valid = true;
		from.pc = sf.pc;
		from.function = sf.func;
		from.file = sf.file;
		from.line = sf.line;
		from.line_start = true;
		sf.func = sf.file = NULL;
	}
	ld_frames_release(&fs);
	ld_snap_frame_release(&sf);
	if (!entry)
		return 2;
	note.count = (unsigned long)s->live.frame;
	ld_notify(s, &note);
	ld_stop_frame_release(&from);
	memset(&out, 0, sizeof out);
	if (leave_copy(s, t, entry, &out) < 0)
		return -1;
	ld_after_stop(s, &out);
	return 0;
}
