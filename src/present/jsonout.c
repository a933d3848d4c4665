/* JSON documents of the session shared by the commands. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/frameargs.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/watch.h"

json_t *ld_json_process(struct ld_session *s)
{
	const struct ld_stop_report *last = ld_last_stop(s);
	json_t *o = json_object(), *stop;
	char reason[1280];
	struct ld_thread *t;
	struct ld_obj *ob;
	const char *sym;
	uint64_t off;
	ld_regs r;

	if (!o)
		return NULL;
	if (!s->live.proc) {
		bool gone = last->kind == LD_SK_EXITED || last->kind == LD_SK_KILLED;

		ld_jset(o, "state", json_string(gone ? "exited" : "none"));
		if (gone) {
			stop = json_object();
			ld_jset(o, "pid", json_integer(last->pid));
			ld_jset(stop, "event", json_string("exited"));
			ld_jset(stop, "reason", json_string("exited"));
			if (last->kind == LD_SK_KILLED)
				ld_jset(stop, "signal", json_string(sigabbrev_np(last->sig)));
			else
				ld_jset(stop, "exit_code", json_integer(last->exit_code));
			ld_jset(o, "stop", stop);
		}
		return o;
	}
	ld_jset(o, "pid", json_integer(s->live.proc->pid));
	ld_jset(o, "state", json_string("stopped"));
	ld_jset(o, "threads", json_integer((json_int_t)ld_proc_nlive(s->live.proc)));
	ld_jset(o, "aslr", json_boolean(s->live.proc_aslr));
	stop = json_object();
	ld_jset(stop, "event", json_string(ld_stop_event_name(last->kind)));
	ld_jset(stop, "reason", json_string(ld_stop_reason(last, reason,
							    sizeof reason)));
	t = ld_proc_thread(s->live.proc, s->live.cur_tid);
	if (t && ld_tregs(t, &r) == 0) {
		ld_jset(stop, "tid", json_integer(t->tid));
		ld_jset(stop, "thread", json_integer(t->num));
		ld_json_put_u64(stop, "pc", r.rip);
		if (ld_objs_symbolize(&s->live.objs, r.rip, &ob, &sym, &off)) {
			ld_jset(stop, "function", json_string(sym));
			ld_jset(stop, "offset", json_integer((json_int_t)off));
		}
		if (ob)
			ld_json_put_text(stop, "object", ob->path);
	}
	ld_jset(o, "stop", stop);
	return o;
}

static const char *bp_type(const struct ld_bp *bp)
{
	if (LD_BP_IS_WATCH(bp))
		return ld_watch_short(bp->type);
	return LD_BP_IS_CATCH(bp) ? "catchpoint" : "breakpoint";
}

/* A breakpoint's locations N.M in order: number, address, what. */
static json_t *locations(const struct ld_bps *b, const struct ld_bp *bp)
{
	json_t *v = json_array();
	unsigned m;
	size_t i;

	for (m = 1; v && m <= bp->nlocs; m++) {
		const struct ld_bp *l = m == 1 ? bp : NULL;
		char num[32];
		json_t *o;

		for (i = 0; !l && i < b->n; i++)
			if (b->v[i]->parent == bp && b->v[i]->loc == m)
				l = b->v[i];
		if (!l || !(o = json_object()))
			continue;
		snprintf(num, sizeof num, "%d.%u", bp->num, m);
		ld_jset(o, "number", json_string(num));
		ld_json_put_u64(o, "address", l->addr);
		if (l->loc_what)
			ld_json_put_text(o, "what", l->loc_what);
		json_array_append_new(v, o);
	}
	return v;
}

static json_t *bp_list(const struct ld_bps *b, bool watch_only)
{
	json_t *v = json_array();
	size_t i;

	for (i = 0; v && i < b->n; i++) {
		const struct ld_bp *bp = b->v[i];
		json_t *o;

		if (!bp->num || (watch_only && !LD_BP_IS_WATCH(bp)))
			continue;
		o = json_pack("{s:i, s:s, s:s, s:b, s:b, s:i, s:i}", "num", bp->num,
			      "type", bp_type(bp), "disposition",
			      bp->type == LD_BP_TEMP ? "del" : "keep", "enabled",
			      bp->enabled, "pending", bp->pending && !bp->is_addr,
			      "hits", bp->hits, "ignore", bp->ignore);
		ld_json_put_text(o, "location", bp->spec);
		if (bp->cond)
			ld_json_put_text(o, "condition", bp->cond);
		if (!LD_BP_IS_CATCH(bp) && (!bp->pending || bp->is_addr))
			ld_json_put_u64(o, "address", bp->addr);
		if (LD_BP_IS_WATCH(bp))
			ld_jset(o, "length", json_integer(bp->w.len));
		if (bp->where)
			ld_json_put_text(o, "what", bp->where);
		if (bp->nlocs > 1 && !bp->pending)
			ld_jset(o, "locations", locations(b, bp));
		json_array_append_new(v, o);
	}
	return v;
}

json_t *ld_json_breakpoints(const struct ld_bps *b)
{
	return bp_list(b, false);
}

json_t *ld_json_watchpoints(const struct ld_bps *b)
{
	return bp_list(b, true);
}

json_t *ld_json_snapshot_list(const struct ld_snapshots *ss)
{
	json_t *v = json_array();
	size_t i;

	for (i = 0; v && i < ss->n; i++) {
		const struct ld_snapshot *s = ss->v[i];
		json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:b}", "id", s->id,
				      "pid", s->pid, "mappings", (json_int_t)s->maps.n,
				      "threads", (json_int_t)s->nthreads,
				      "brk_valid", s->brk_valid);

		ld_jset(o, "name", s->name ? json_string(s->name) : json_null());
		ld_json_put_text(o, "reason", s->reason ? s->reason : "");
		ld_jset(o, "time_ns", json_integer((json_int_t)s->when.tv_sec *
						   1000000000 + s->when.tv_nsec));
		if (s->brk_valid) {
			ld_json_put_u64(o, "start_brk", s->start_brk);
			ld_json_put_u64(o, "brk", s->brk);
		}
		json_array_append_new(v, o);
	}
	return v;
}

json_t *ld_json_thread_frames(const struct ld_snap_thread *t)
{
	json_t *o = json_pack("{s:i, s:i}", "tid", t->tid, "thread", t->num);

	ld_jset(o, "frames", ld_json_frames_args(t->frames, t->nframes));
	return o;
}

json_t *ld_json_registers(const ld_regs *r)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < ld_nregs; i++)
		ld_json_put_u64(o, ld_reg_descs[i].name, ld_reg_value(r, &ld_reg_descs[i]));
	return o;
}
