/* Snapshots and diffs as JSON documents ("layoutdbg-snapshot" and
 * "layoutdbg-diff", described in include/layoutdbg/snapjson.h), and the
 * snapshot saved to a file. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/frameargs.h"
#include "layoutdbg/heapjson.h"
#include "layoutdbg/json.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/snapjson.h"


static int put_regs(json_t *t, const struct ld_snap_thread *th)
{
	json_t *num, *hex;
	size_t i;

	if (!th->regs_valid)
		return ld_jset(t, "regs", json_null()) ||
		       ld_jset(t, "regs_hex", json_null());
	/* t owns each once set (or released it), and we keep borrowing. */
	if (ld_jset(t, "regs", num = json_object()))
		return -1;
	if (ld_jset(t, "regs_hex", hex = json_object()))
		return -1;
	/* struct user_regs_struct, field by field, in its own order */
	for (i = 0; i < ld_nregs; i++) {
		const struct ld_reg_desc *d = ld_reg_in_struct(i);
		uint64_t v = ld_reg_value(&th->regs, d);

		if (ld_json_put_u64_in(num, d->name, hex, d->name, v))
			return -1;
	}
	return 0;
}

/* Which frames of the stack "frames" holds: the innermost ones, then the
 * outermost (the whole stack: all innermost). */
static json_t *window_json(const struct ld_snap_thread *th)
{
	size_t inner = ld_snap_windowed(th) ? th->ninner : th->nframes;

	return json_pack("{s:I,s:I}", "innermost", (json_int_t)inner,
			 "outermost", (json_int_t)(th->nframes - inner));
}

static json_t *thread_json(const struct ld_snap_thread *th)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "tid", json_integer(th->tid)) ||
	    ld_jset(o, "num", json_integer(th->num)) || put_regs(o, th) ||
	    ld_jset(o, "frames", ld_json_frames_args(th->frames, th->nframes)) ||
	    ld_jset(o, "depth", json_integer((json_int_t)ld_snap_depth(th))) ||
	    ld_jset(o, "window", window_json(th))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *brk_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();

	if (!o || ld_json_put_u64(o, "start", s->start_brk) ||
	    ld_json_put_u64(o, "current", s->brk) ||
	    ld_jset(o, "valid", json_boolean(s->brk_valid))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *threads_json(const struct ld_snapshot *s)
{
	LD_RETURN_JSON_ARRAY(thread_json, s->threads, s->nthreads);
}

/* A page strip as text: one digit a page (enum ld_page_state). */
static json_t *strip_json(const uint8_t *st, size_t n)
{
	char *t = malloc(n + 1);
	json_t *v;
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++)
		t[i] = (char)('0' + st[i]);
	v = json_stringn(t, n);
	free(t);
	return v;
}

/* "pages" and "page_strip" of each mapping, when the snapshot has them. */
static int put_pages(json_t *maps, const struct ld_snapshot *s)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t i, at = 0;

	for (i = 0; s->pages && i < s->maps.n; i++) {
		const struct ld_map *mp = &s->maps.v[i];
		json_t *o = json_array_get(maps, i);
		size_t n = (size_t)((mp->end - mp->start) / pg);

		if (ld_jset(o, "pages", ld_json_pages(&s->pages[i])))
			return -ENOMEM;
		if (!s->strip || n > LD_STRIP_MAX_PAGES || at + n > s->nstrip)
			continue;
		if (ld_jset(o, "page_strip", strip_json(s->strip + at, n)))
			return -ENOMEM;
		at += n;
	}
	return 0;
}

json_t *ld_snapshot_to_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();
	char t[64];

	if (!o || ld_jset(o, "format", json_string(LD_SNAP_FORMAT)) ||
	    ld_jset(o, "version", json_integer(LD_FORMAT_VERSION)) ||
	    ld_jset(o, "id", json_integer(s->id)) || ld_json_put_text(o, "name", s->name) ||
	    ld_jset(o, "time", json_string(ld_iso_time(&s->when, t, sizeof t))) ||
	    ld_jset(o, "time_ns", json_integer(ld_time_ns(&s->when))) ||
	    ld_jset(o, "pid", json_integer(s->pid)) || ld_json_put_text(o, "exe", s->exe) ||
	    ld_json_put_text(o, "reason", s->reason) ||
	    ld_jset(o, "aslr", json_boolean(s->aslr)) ||
	    ld_jset(o, "brk", brk_json(s)) ||
	    ld_jset(o, "mappings", ld_json_mappings(&s->maps)) ||
	    ld_jset(o, "threads", threads_json(s)) ||
	    (s->heap && ld_jset(o, "heap", ld_snap_heap_to_json(s->heap))) ||
	    put_pages(json_object_get(o, "mappings"), s)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- JSON out: diffs ------------------------------------------------- */

static json_t *snapref_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();
	char label[64], t[64];

	ld_snapshot_label(s, label, sizeof label);
	if (!o || ld_jset(o, "id", json_integer(s->id)) ||
	    ld_json_put_text(o, "name", s->name) || ld_json_put_text(o, "label", label) ||
	    ld_jset(o, "pid", json_integer(s->pid)) ||
	    ld_jset(o, "time", json_string(ld_iso_time(&s->when, t, sizeof t))) ||
	    ld_jset(o, "time_ns", json_integer(ld_time_ns(&s->when)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *diff_change_json(const struct ld_snap_diff *d,
				const struct ld_map_change *c)
{
	json_t *o = ld_json_change(c);

	if (o && d->pages &&
	    ld_json_put_pages_change(o, ld_snap_pages(d->a, c->before),
			     ld_snap_pages(d->b, c->after))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *touched_json(const struct ld_snap_diff *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < d->ntouched; i++) {
		const struct ld_touched *t = &d->touched[i];
		json_t *o = json_object();

		if (!o || ld_jset(o, "kind", json_string("touched")) ||
		    ld_jset(o, "before", ld_json_mapping(t->before)) ||
		    ld_jset(o, "after", ld_json_mapping(t->after)) ||
		    ld_json_put_pages_change(o, ld_snap_pages(d->a, t->before),
				     ld_snap_pages(d->b, t->after)) ||
		    json_array_append_new(a, o)) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *diff_brk_json(const struct ld_snap_diff *d)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "valid", json_boolean(d->brk_valid)))
		goto fail;
	if (d->brk_valid &&
	    (ld_json_put_u64(o, "before", d->a->brk) || ld_json_put_u64(o, "after", d->b->brk) ||
	     ld_jset(o, "delta", json_integer(d->brk_delta))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The kept frames of th below level limit, each with its "level". */
static json_t *frames_below_json(const struct ld_snap_thread *th, size_t limit)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && th && i < th->nframes && ld_snap_level(th, i) < limit; i++) {
		json_t *fr = ld_json_frame(&th->frames[i]);

		if (ld_jset(fr, "level", json_integer((json_int_t)ld_snap_level(th, i))) ||
		    json_array_append_new(a, fr)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *frame_change_json(const struct ld_frame_change *fc)
{
	json_t *o = json_object();
	const char *state = !fc->a ? "new" : !fc->b ? "gone" : "present";

	if (!o || ld_jset(o, "tid", json_integer(fc->tid)) ||
	    ld_jset(o, "num", json_integer(fc->num)) ||
	    ld_jset(o, "state", json_string(state)) ||
	    ld_jset(o, "common", json_integer((json_int_t)fc->common)) ||
	    ld_jset(o, "uncertain", json_integer((json_int_t)fc->uncertain)) ||
	    ld_jset(o, "popped", json_integer((json_int_t)fc->popped)) ||
	    ld_jset(o, "pushed", json_integer((json_int_t)fc->pushed)) ||
	    ld_jset(o, "popped_frames", frames_below_json(fc->a, fc->popped)) ||
	    ld_jset(o, "pushed_frames", frames_below_json(fc->b, fc->pushed))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *diff_lists_json(const struct ld_snap_diff *d, bool threads)
{
	json_t *a = json_array();
	size_t i, n = threads ? d->nthreads : d->maps.n;

	for (i = 0; a && i < n; i++) {
		json_t *v = threads ? frame_change_json(&d->threads[i]) :
				      diff_change_json(d, &d->maps.v[i]);

		if (json_array_append_new(a, v)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *ld_snap_diff_to_json(const struct ld_snap_diff *d)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "format", json_string(LD_DIFF_FORMAT)) ||
	    ld_jset(o, "version", json_integer(LD_FORMAT_VERSION)) ||
	    ld_jset(o, "a", snapref_json(d->a)) || ld_jset(o, "b", snapref_json(d->b)) ||
	    ld_jset(o, "different_process", json_boolean(d->different_process)) ||
	    ld_jset(o, "changes", diff_lists_json(d, false)) ||
	    ld_jset(o, "brk", diff_brk_json(d)) ||
	    ld_jset(o, "threads", diff_lists_json(d, true)) ||
	    ld_jset(o, "pages", json_boolean(d->pages)) ||
	    ld_jset(o, "touched", touched_json(d))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* diff --by-object's changes, as ld_snap_diff_to_json's. */
json_t *ld_objdiff_to_json(const struct ld_objdiff *d)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct ld_objchange *c = &d->v[i];
		json_t *x = json_object();

		ld_jset(x, "key", json_string(c->key));
		ld_jset(x, "kind", json_string(c->kind == '+' ? "added" :
					       c->kind == '-' ? "removed" :
					       c->kind == 't' ? "touched" : "changed"));
		if (d->pages)
			ld_json_put_pages_change(x, c->pages_a, c->pages_b);
		if (c->kind != '+') {
			ld_json_put_u64(x, "size_before", c->size_a);
			ld_jset(x, "perms_before", json_string(c->perms_a));
		}
		if (c->kind != '-') {
			ld_json_put_u64(x, "size_after", c->size_b);
			ld_jset(x, "perms_after", json_string(c->perms_b));
		}
		json_array_append_new(arr, x);
	}
	ld_jset(o, "changes", arr);
	ld_jset(o, "same", json_integer((json_int_t)d->same));
	ld_jset(o, "pages", json_boolean(d->pages));
	return o;
}
