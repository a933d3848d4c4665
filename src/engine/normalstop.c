/* Reporting a stop, as gdb's normal_stop does: stop every thread, build
 * the stop report from what the decoder saw (stopdecode.c), delete a spent
 * tbreak, take the auto-snapshot, and hand the report to the session's
 * observer.  The end of a process and the stop of `attach` too. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/bplocs.h"
#include "layoutdbg/capture.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/inlframes.h"
#include "layoutdbg/source.h"
#include "layoutdbg/syscalls.h"
#include "layoutdbg/watch.h"

/* A NULL-tolerant strdup: a field that cannot be copied is left out. */
static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void ld_stop_frame_fill(struct ld_session *s, uint64_t pc, const char *alias,
			struct ld_stop_frame *f)
{
	struct ld_line row;
	struct ld_obj *ob;
	const char *sym;
	uint64_t off;

	memset(f, 0, sizeof *f);
	f->valid = true;
	f->pc = pc;
	if (ld_objs_symbolize(&s->live.objs, pc, &ob, &sym, &off)) {
		f->function = dup_or_null(sym);
		f->offset = off;
	}
	if (ob) {
		f->object = dup_or_null(ob->path);
		f->in_exe = ob->is_exe;
	}
	if (ld_objs_line_at(&s->live.objs, pc, &row)) {
		f->file = dup_or_null(row.file);
		f->line = row.line;
		f->line_start = row.addr == pc;
	}
	/* Aliases share addresses (cos, cosf64): a stop at a breakpoint is
	 * named by the symbol the user asked for (the offset is the same),
	 * unless DWARF names the function (__libc_calloc for calloc), as
	 * gdb names it then. */
	if (alias && !f->file) {
		free(f->function);
		f->function = dup_or_null(alias);
	}
}

/* The source line a stop shows under its location. */
void ld_stop_source_fill(struct ld_stop_report *r)
{
	const char *text;

	if (!r->frame.file)
		return;
	text = ld_source_line(r->frame.file, r->frame.line);
	r->source_errno = text ? 0 : errno;
	r->source = dup_or_null(text);
}

void ld_notify(struct ld_session *s, const struct ld_note *n)
{
	if (s->ui.observer)
		s->ui.observer(s, n);
}

void ld_note_pid(struct ld_session *s, enum ld_note_kind kind, pid_t pid)
{
	struct ld_note n = { .kind = kind, .pid = pid };

	ld_notify(s, &n);
}

const struct ld_stop_report *ld_last_stop(const struct ld_session *s)
{
	return &s->live.last_stop;
}

/* The process is gone: the last stop says how, and it is forgotten. */
void ld_report_exit(struct ld_session *s)
{
	struct ld_stop_report *r = &s->live.last_stop;
	struct ld_proc *p = s->live.proc;
	struct ld_note n = { .kind = LD_NOTE_STOP, .stop = r };

	ld_stop_report_release(r);
	r->kind = p->exit_sig ? LD_SK_KILLED : LD_SK_EXITED;
	r->pid = p->pid;
	r->sig = p->exit_sig;
	r->exit_code = p->exit_code;
	/* gdb's $_exitcode, or $_exitsignal (and $_exitcode void) */
	ld_conv_set_scalar(&s->live.conv, p->exit_sig ? "_exitsignal" : "_exitcode",
			   SY_INT, 0, (uint64_t)(p->exit_sig ? p->exit_sig : p->exit_code));
	ld_conv_set_scalar(&s->live.conv, p->exit_sig ? "_exitcode" : "_exitsignal",
			   SY_VOID, 0, 0);
	ld_notify(s, &n);
	ld_end_process(s, false);
}

/* Whatever the reason needs beyond the frame: the breakpoint, signal,
 * catchpoint. */
static void fill_reason(struct ld_session *s, const struct ld_outcome *out,
			struct ld_stop_report *r)
{
	static const enum ld_report_kind kinds[] = {
		[LD_EV_NONE] = LD_SK_NONE, [LD_EV_BREAKPOINT] = LD_SK_BREAKPOINT,
		[LD_EV_STEP] = LD_SK_STEPI, [LD_EV_FINISH] = LD_SK_FINISH,
		[LD_EV_SIGNAL] = LD_SK_SIGNAL, [LD_EV_INTERRUPT] = LD_SK_INTERRUPT,
		[LD_EV_CATCH] = LD_SK_NONE, [LD_EV_EXITED] = LD_SK_EXITED,
		[LD_EV_WATCH] = LD_SK_WATCHPOINT,
	};
	struct ld_bp *bp = out->ev == LD_EV_BREAKPOINT ?
			   ld_bp_by_num(&s->live.bps, out->bpnum) : NULL;

	r->kind = out->ev == LD_EV_CATCH ? out->catch_kind : kinds[out->ev];
	if (out->ev == LD_EV_STEP && out->line_step)
		r->kind = LD_SK_LINE;
	if (out->ev == LD_EV_SIGNAL && out->group_stop)
		r->kind = LD_SK_GROUP_STOP;
	r->bpnum = out->bpnum;
	r->temporary = bp && bp->type == LD_BP_TEMP;
	r->spec = bp ? strdup(bp->spec) : NULL;
	r->sig = out->sig;
	r->same_function = out->same_function;
	r->child = out->child;
	r->vfork = out->vfork;
	r->path = out->path[0] ? strdup(out->path) : NULL;
	if (r->kind == LD_SK_LAYOUT)
		r->layout = strdup(out->layout);
	if (r->kind == LD_SK_SYSCALL || r->kind == LD_SK_LAYOUT) {
		r->sys.nr = out->sc.nr;
		r->sys.name = ld_syscall_name(out->sc.nr);
		r->sys.returned = out->sc.returned;
		r->sys.ret = out->sc.ret;
		r->sys.call = strdup(out->call);
		r->sys.result = out->sc.returned ? strdup(out->result) : NULL;
	}
}

/* A watchpoint's hit: what it watches, the values, the region. */
static void fill_watch(struct ld_session *s, const struct ld_outcome *out,
		       struct ld_stop_report *r)
{
	struct ld_bp *bp = ld_bp_by_num(&s->live.bps, out->bpnum);
	struct ld_stop_watch *w = &r->watch;

	if (r->kind != LD_SK_WATCHPOINT || !bp)
		return;
	w->title = ld_watch_title(bp->type);
	w->verb = bp->type == LD_BP_WATCH ? "written" :
		  bp->type == LD_BP_RWATCH ? "read" : "accessed";
	w->expr = strdup(bp->spec);
	w->addr = bp->addr;
	w->len = bp->w.len;
	w->old_valid = out->watch_old_valid;
	w->new_valid = out->watch_new_valid;
	w->changed = out->watch_changed;
	w->old = out->watch_old;
	w->value = out->watch_new;
	w->region = ld_watch_region(s, bp->addr);
}

/* catch layout: the frame that made the call (#1: #0 is the wrapper). */
static void fill_caller(struct ld_session *s, struct ld_stop_report *r)
{
	struct ld_frames fs = { 0 };

	if (r->kind == LD_SK_LAYOUT &&
	    ld_session_stack(s, r->tid, 2, &fs) == 2 && fs.v[1].pc) {
		/* the line of the call, not of the return address */
		ld_stop_frame_fill(s, fs.v[1].pc - 1, NULL, &r->caller);
		r->caller.pc = fs.v[1].pc;
		r->caller.line_start = false;
	}
	ld_frames_release(&fs);
}

/* SIGSEGV, SIGBUS: where the faulting address lies. */
static void fill_fault(struct ld_session *s, const struct ld_outcome *out,
		       struct ld_stop_report *r)
{
	const struct ld_maps *m;
	const struct ld_map *mp;

	if (r->kind != LD_SK_SIGNAL || (out->sig != SIGSEGV && out->sig != SIGBUS))
		return;
	m = ld_session_maps(s);
	mp = m ? ld_maps_find(m, out->fault_addr) : NULL;
	r->fault = true;
	r->fault_addr = out->fault_addr;
	r->fault_map = mp ? strdup(mp->path) : NULL;
}

/* The thread and its frame; the stop at a breakpoint is named by the
 * breakpoint's symbol (aliases share addresses: cos, cosf64). */
static void fill_frame(struct ld_session *s, const struct ld_outcome *out,
		       struct ld_stop_report *r)
{
	struct ld_thread *t = ld_proc_thread(s->live.proc, out->tid);
	struct ld_bp *bp = out->ev == LD_EV_BREAKPOINT ?
			   ld_bp_by_num(&s->live.bps, out->bpnum) : NULL;
	uint64_t pc = t ? ld_thread_pc(t) : 0;
	struct ld_bp *loc = ld_bp_location_at(&s->live.bps, bp, pc);
	const char *sym;

	if (loc && bp->nlocs > 1)
		r->bploc = loc->loc;
	if (loc)	/* the stop is named for the location hit */
		bp = loc;
	r->pid = s->live.proc->pid;
	r->tid = out->tid;
	r->thread = t ? t->num : 0;
	sym = bp ? ld_bp_owner(bp)->sym : NULL;
	if (out->inline_set && t) {	/* a step into an inlined call */
		s->cache.inline_tid = t->tid;
		s->cache.inline_skip = (int)out->inline_skip;
	} else if (bp && bp->addr == pc && t) {
		s->cache.inline_tid = t->tid;
		s->cache.inline_skip = (int)ld_inline_skip_for_bp(&s->live.objs, pc,
								  sym);
	}
	ld_stop_frame_fill(s, pc, sym && bp->addr == pc ? sym : NULL, &r->frame);
	ld_inline_stop_frame(&s->live.objs, r->tid, &s->cache, &r->frame);
	if (r->kind != LD_SK_SYSCALL && r->kind != LD_SK_FORK &&
	    r->kind != LD_SK_EXEC && r->kind != LD_SK_LOAD &&
	    r->kind != LD_SK_LAYOUT)
		ld_stop_source_fill(r);
}

/* The value `finish` returns: rax (an integer or pointer). */
static void fill_value(struct ld_session *s, struct ld_stop_report *r)
{
	struct ld_thread *t = ld_proc_thread(s->live.proc, s->live.cur_tid);
	ld_regs regs;

	if (r->kind != LD_SK_FINISH || !t || ld_tregs(t, &regs))
		return;
	struct ld_ty lt = ld_ty_synth(SY_LONG);
	struct ld_val v;
	int num = -1;

	r->has_value = true;
	r->value = regs.rax;
	/* one value history with print: $N is this value afterwards */
	if (ld_val_scalar(&v, &lt, regs.rax) == 0) {
		num = ld_history_add(&s->live.history, &v);
		ld_val_release(&v);
	}
	s->ui.value_num = num > 0 ? (unsigned)num : s->ui.value_num + 1;
	r->value_num = s->ui.value_num;
}

/* A tbreak is spent once it was hit: gone once its stop is reported. */
static void delete_spent(struct ld_session *s, const struct ld_stop_report *r)
{
	struct ld_bp *bp;

	if (r->kind == LD_SK_BREAKPOINT && r->temporary &&
	    (bp = ld_bp_by_num(&s->live.bps, r->bpnum)))
		ld_delete_bp(s, bp);
}

/* Report a stop: stop the world, build the report, give it to the
 * observer. */
void ld_after_stop(struct ld_session *s, const struct ld_outcome *out)
{
	struct ld_stop_report *r = &s->live.last_stop;
	struct ld_note n = { .kind = LD_NOTE_STOP, .stop = r };
	pid_t last;

	if (out->ev == LD_EV_EXITED || !s->live.proc) {
		if (s->live.proc)
			ld_report_exit(s);
		else if (r->kind != LD_SK_KILLED)
			r->kind = LD_SK_EXITED;
		return;
	}
	ld_stop_world(s);
	ld_stop_cache_invalidate(&s->cache);
	ld_forget_unwatched_brk(s);
	last = s->live.report_tid ? s->live.report_tid : s->live.proc->pid;
	ld_stop_report_release(r);
	r->switched = out->tid && out->tid != last && s->live.proc->nthreads > 1;
	if (out->tid)
		s->live.cur_tid = s->live.report_tid = out->tid;
	s->live.frame = 0;
	fill_reason(s, out, r);
	fill_fault(s, out, r);
	fill_frame(s, out, r);
	fill_watch(s, out, r);
	fill_caller(s, r);
	fill_value(s, r);
	delete_spent(s, r);
	if (s->settings.auto_snapshot) {
		struct ld_snapshot *snap = ld_session_snapshot(s, NULL);

		r->snapshot = snap ? snap->id : 0;
	}
	ld_notify(s, &n);
}

/* The stop attach leaves every thread in: where the selected one is. */
void ld_report_attached(struct ld_session *s)
{
	struct ld_stop_report *r = &s->live.last_stop;
	struct ld_thread *t = ld_proc_thread(s->live.proc, s->live.cur_tid);
	struct ld_note n = { .kind = LD_NOTE_STOP, .stop = r };

	ld_stop_report_release(r);
	r->kind = LD_SK_ATTACHED;
	r->pid = s->live.proc->pid;
	if (t) {
		r->tid = t->tid;
		r->thread = t->num;
		ld_stop_frame_fill(s, ld_thread_pc(t), NULL, &r->frame);
	}
	ld_notify(s, &n);
}
