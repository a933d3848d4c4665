/* The arguments of a frame line, as gdb's print_frame_args shows them:
 * evaluated in that frame (its registers from the unwinder, as `frame N`
 * + `info args`), only for the frames a command shows. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwvars.h"
#include "layoutdbg/entryval.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/valeval.h"
#include "layoutdbg/valprint.h"

/* gdb's val_print_scalar_type_p: what `scalars` prints in full; a
 * reference counts as what it refers to. */
static bool is_scalar(const struct ld_ty *t)
{
	struct ld_ty r = *t;

	while (ld_ty_kind(&r) == K_REF && ld_ty_target(&r, &r))
		;
	switch (ld_ty_kind(&r)) {
	case K_ARRAY:
	case K_STRUCT:
	case K_UNION:
		return false;
	default:
		return true;
	}
}

/* The scope whose parameters frame `level` shows: its function, or for
 * an inlined copy's frame the inlined subroutine of that depth (the
 * frames of one physical frame are its inlined copies, innermost first,
 * as the scopes are). */
static Dwarf_Die *frame_scope(struct ld_evalctx *c, int level)
{
	const struct ld_frames *fs = NULL;
	int n = ld_session_stack_ref(c->s, c->tid, (size_t)level + 1, &fs), j = 0;

	if (n <= level || !fs->v[level].inlined)
		return &c->scopes[c->fn];
	for (int i = level - 1; i >= 0 && fs->v[i].inlined; i--)
		j++;
	for (int i = 0; i < c->fn; i++)
		if (dwarf_tag(&c->scopes[i]) == DW_TAG_inlined_subroutine && j-- == 0)
			return &c->scopes[i];
	return NULL;
}

static int count_params(Dwarf_Die *sc)
{
	Dwarf_Die d;
	bool param;
	int n = 0;

	if (dwarf_child(sc, &d) != 0)
		return 0;
	do {
		if (ld_dw_is_var(&d, &param) && param)
			n++;
	} while (dwarf_siblingof(&d, &d) == 0);
	return n;
}

/* The place of a pointer value, for JSON. */
static struct ld_points_to *place_of(struct ld_evalctx *c, const struct ld_val *v)
{
	struct ld_points_to *p;

	if (v->optout || ld_ty_kind(&v->ty) != K_PTR || !c->s->live.proc ||
	    !(p = malloc(sizeof *p)))
		return NULL;
	if (ld_points_to(c->s, ld_val_uint(v), p) == 0)
		return p;
	free(p);
	return NULL;
}

/* The text of value v of an argument under mode. */
static char *shown(struct ld_evalctx *c, const struct ld_val *v,
		   enum ld_frame_args_mode mode)
{
	/* gdb hides a struct even when it is <optimized out> */
	if (mode == LD_FA_SCALARS && !is_scalar(&v->ty))
		return strdup("...");
	return ld_val_text_plain(c, v);
}

/* Parameter d of the frame: its value and, where DWARF gives one, its
 * value at the function's entry (gdb's `set print entry-values
 * default`). */
static int one_arg(struct ld_evalctx *c, Dwarf_Die *d, bool own,
		   enum ld_frame_args_mode mode, struct ld_frame_arg *a)
{
	struct ld_val v, e;
	int r, er;

	if (!(a->name = strdup(dwarf_diename(d))))
		return -ENOMEM;
	if (mode == LD_FA_NONE || mode == LD_FA_PRESENCE)
		return (a->value = strdup("...")) ? 0 : -ENOMEM;
	c->ob = ld_objs_at(&c->s->live.objs, c->pc);
	r = ld_eval_var(c, d, c->ob, c->fn, &v);
	if (r) {
		if (asprintf(&a->value, "<error: %s>", c->err) < 0)
			a->value = NULL;
		return a->value ? 0 : -ENOMEM;
	}
	/* an inlined copy's parameters have no entry values */
	er = own ? ld_entry_value(c, d, &v, &e) : LD_ENTRY_NONE;
	if (er == LD_ENTRY_EQUAL)
		a->compact = true;
	else if (er == LD_ENTRY_KNOWN)
		a->entry = shown(c, &e, mode);
	if (er == LD_ENTRY_KNOWN)
		ld_val_release(&e);
	a->value = shown(c, &v, mode);
	if (ld_json_on())
		a->points_to = place_of(c, &v);
	ld_val_release(&v);
	return a->value && (er != LD_ENTRY_KNOWN || a->entry) ? 0 : -ENOMEM;
}

static int collect(struct ld_evalctx *c, Dwarf_Die *sc,
		   struct ld_frame_args *a)
{
	enum ld_frame_args_mode mode = c->s->settings.frame_args;
	Dwarf_Die d;
	bool param;
	int n = count_params(sc);

	a->presence = mode == LD_FA_PRESENCE;
	if (!n || !(a->v = calloc((size_t)n, sizeof *a->v)))
		return n ? -ENOMEM : 0;
	if (dwarf_child(sc, &d) != 0)
		return 0;
	do {
		if (!ld_dw_is_var(&d, &param) || !param || a->n == (size_t)n)
			continue;
		if (one_arg(c, &d, sc == &c->scopes[c->fn], mode, &a->v[a->n++]))
			return -ENOMEM;
	} while (dwarf_siblingof(&d, &d) == 0);
	return 0;
}

struct ld_frame_args *ld_frame_args_get(struct ld_session *s, pid_t tid,
					int level, struct ld_regmemo *memo)
{
	struct ld_frame_args *a;
	struct ld_evalctx c;
	Dwarf_Die *sc;

	if (!s->live.proc || level < 0)
		return NULL;
	if (ld_eval_frame_memo(&c, s, tid, level, memo) || c.fn < 0 ||
	    !(sc = frame_scope(&c, level)) || !(a = calloc(1, sizeof *a))) {
		ld_eval_release(&c);
		return NULL;
	}
	if (collect(&c, sc, a)) {
		ld_frame_args_free(a);
		a = NULL;
	}
	ld_eval_release(&c);
	return a;
}

void ld_frame_args_fill(struct ld_session *s, pid_t tid, int level,
			struct ld_regmemo *memo, struct ld_snap_frame *sf)
{
	ld_frame_args_free(sf->args);
	sf->args = ld_frame_args_get(s, tid, level, memo);
}

void ld_frame_args_write(FILE *f, const struct ld_frame_args *a)
{
	if (!a || !a->n) {
		fputs("()", f);
		return;
	}
	if (a->presence) {
		fputs("(...)", f);
		return;
	}
	fputc('(', f);
	for (size_t i = 0; i < a->n; i++) {
		const struct ld_frame_arg *g = &a->v[i];

		fprintf(f, "%s%s=", i ? ", " : "", g->name);
		if (g->compact)
			fprintf(f, "%s@entry=", g->name);
		fputs(g->value, f);
		if (g->entry)
			fprintf(f, ", %s@entry=%s", g->name, g->entry);
	}
	fputc(')', f);
}

const char *ld_frame_args_text(const struct ld_frame_args *a, char *buf,
			       size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	if (!f) {
		snprintf(buf, len, "()");
		return buf;
	}
	setbuf(f, NULL);
	ld_frame_args_write(f, a);
	fclose(f);
	buf[len - 1] = 0;
	return buf;
}

json_t *ld_frame_args_json(const struct ld_frame_args *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && a && i < a->n; i++) {
		const struct ld_frame_arg *g = &a->v[i];
		const char *entry = g->compact ? g->value : g->entry;
		json_t *o = json_object();

		if (!o || ld_json_put_text(o, "name", g->name) ||
		    ld_json_put_text(o, "value", g->value) ||
		    (entry && ld_json_put_text(o, "entry_value", entry)) ||
		    (g->points_to && ld_jset(o, "points_to",
					     ld_points_to_json(g->points_to))) ||
		    json_array_append_new(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ld_json_frames_args(const struct ld_snap_frame *v, size_t n)
{
	json_t *arr = ld_json_frames(v, n);

	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = json_array_get(arr, i);

		if (v[i].args && ld_jset(o, "args", ld_frame_args_json(v[i].args))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
