/* Inline frames (gdb's inline-frame.c): a physical frame whose pc lies in
 * code inlined into its function becomes one logical frame per inlined
 * copy holding the pc, then the function's frame.  Each frame but the
 * innermost is at the call site of the copy inside it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/inlframes.h"
#include "layoutdbg/inlines.h"
#include "layoutdbg/source.h"

#define MAX_INLINED 32

/* The copies holding runtime address look, innermost first. */
static size_t chain_at(struct ld_objs *o, uint64_t look, struct ld_inline *v)
{
	struct ld_obj *ob = ld_objs_at(o, look);
	struct ld_lines *l = ob ? ld_obj_lines(ob) : NULL;

	return l ? ld_lines_inlined_at(l, look - ob->bias, v, MAX_INLINED) : 0;
}

/* The display name of copy c (demangled without parameters, as gdb
 * names an inlined C++ function), malloc'd. */
static char *copy_name(const struct ld_inline *c)
{
	char *d = c->linkage ? ld_demangle(c->linkage, false) : NULL;

	return d ? d : strdup(c->name);
}

unsigned ld_inline_skip_at(struct ld_objs *o, uint64_t pc)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v);
	unsigned k = 0;

	while (k < n && v[k].starts)
		k++;
	return k;
}

unsigned ld_inline_skip_for_bp(struct ld_objs *o, uint64_t pc, const char *sym)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v);
	unsigned k = 0;

	/* inline-frame.c stopped_by_user_bp_inline_frame: the breakpoint's
	 * own function is shown, and without one (an address, a line) the
	 * innermost */
	for (; k < n && v[k].starts && sym; k++) {
		char *name = copy_name(&v[k]);
		bool mine = name && !strcmp(name, sym);

		free(name);
		if (mine)
			break;
	}
	return k;
}

void ld_inline_stop_frame(struct ld_objs *o, pid_t tid,
			  const struct ld_stop_cache *c, struct ld_stop_frame *f)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = f->valid ? chain_at(o, f->pc, v) : 0, k;
	char *name;

	if (n == 0)
		return;
	k = tid == c->inline_tid && c->inline_skip >= 0 ?
	    (size_t)c->inline_skip : ld_inline_skip_at(o, f->pc);
	if (k > n)
		k = n;
	if (k < n && (name = copy_name(&v[k]))) {
		free(f->function);
		f->function = name;
	}
	if (k > 0 && v[k - 1].call_file) {
		char *file = strdup(v[k - 1].call_file);

		if (file) {
			free(f->file);
			f->file = file;
			f->line = v[k - 1].call_line;
			f->line_start = true;	/* gdb shows no pc here */
		}
	}
}

/* Append the logical frames of physical frame p (level i) to out. */
static int expand_one(struct ld_objs *o, const struct ld_frame *p, size_t i,
		      int skip0, struct ld_frames *out, size_t max)
{
	struct ld_inline v[MAX_INLINED];
	uint64_t look = i ? p->pc - 1 : p->pc;
	size_t n = p->pc ? chain_at(o, look, v) : 0, k = 0;

	if (i == 0) {
		k = skip0 < 0 ? ld_inline_skip_at(o, p->pc) : (size_t)skip0;
		if (k > n)
			k = n;
	}
	for (; k <= n && out->n < max; k++) {
		struct ld_frame *f;

		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 64;
			void *nv = realloc(out->v, cap * sizeof *out->v);

			if (!nv)
				return -ENOMEM;
			out->v = nv;
			out->cap = cap;
		}
		f = &out->v[out->n++];
		*f = *p;
		f->inl = (uint16_t)k;
		f->inlined = k < n;
		f->in_frame0 = i == 0;
	}
	return 0;
}

/* Is physical frame i (p) in inlined code? */
static bool has_inlined(struct ld_objs *o, const struct ld_frame *p, size_t i)
{
	struct ld_inline v[MAX_INLINED];

	return p->pc && chain_at(o, i ? p->pc - 1 : p->pc, v) > 0;
}

int ld_inline_expand(struct ld_objs *o, struct ld_frames *fs, size_t max,
		     int skip0)
{
	struct ld_frames out = { 0 };
	size_t i, plain;

	/* Most stacks hold no inlined code: their frames stay where they
	 * are (a deep stack is not copied) until the first that does. */
	for (plain = 0; plain < fs->n && plain < max &&
	     !has_inlined(o, &fs->v[plain], plain); plain++) {
		fs->v[plain].inl = 0;
		fs->v[plain].inlined = false;
		fs->v[plain].in_frame0 = plain == 0;
	}
	if (plain == fs->n || plain == max) {
		fs->n = plain;
		return (int)(plain > INT_MAX ? INT_MAX : plain);
	}
	if (ld_frames_copy(&out, fs, plain) < 0)
		return -ENOMEM;
	for (i = plain; i < fs->n && out.n < max; i++)
		if (expand_one(o, &fs->v[i], i, skip0, &out, max) < 0) {
			ld_frames_release(&out);
			return -ENOMEM;
		}
	ld_frames_release(fs);
	*fs = out;
	return (int)(out.n > INT_MAX ? INT_MAX : out.n);
}

int ld_inline_frame_info(struct ld_objs *o, const struct ld_frame *f,
			 uint64_t look, struct ld_snap_frame *sf)
{
	struct ld_inline v[MAX_INLINED];
	size_t n;

	if (!f->inlined && f->inl == 0)
		return 0;
	n = chain_at(o, look, v);
	if (f->inl > n)
		return 0;	/* the DWARF changed under us: a plain frame */
	sf->inlined = f->inl < n;
	sf->at_call = f->inl > 0;
	if (sf->inlined) {
		const struct ld_inline *c = &v[f->inl];

		if (!(sf->func = copy_name(c)))
			return -ENOMEM;
		if (c->linkage && strcmp(c->linkage, sf->func) &&
		    !(sf->linkage = strdup(c->linkage)))
			return -ENOMEM;
	}
	if (f->inl > 0 && v[f->inl - 1].call_file) {
		if (!(sf->file = strdup(ld_source_shortname(v[f->inl - 1].call_file))))
			return -ENOMEM;
		sf->line = v[f->inl - 1].call_line;
	}
	return 1;
}

unsigned ld_inline_skip_now(struct ld_objs *o, const struct ld_stop_cache *c,
			    pid_t tid, uint64_t pc)
{
	if (tid == c->inline_tid && c->inline_skip >= 0)
		return (unsigned)c->inline_skip;
	return ld_inline_skip_at(o, pc);
}

unsigned ld_inline_step_begin(struct ld_objs *o, uint64_t pc, unsigned skip,
			      const char **file, unsigned *line)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v);

	if (skip > n)
		skip = (unsigned)n;
	if (skip > 0 && v[skip - 1].call_file) {
		*file = v[skip - 1].call_file;
		*line = v[skip - 1].call_line;
	}
	return (unsigned)n - skip;
}

enum ld_inline_step ld_inline_step_at(struct ld_objs *o, uint64_t pc,
				      unsigned depth0, bool into,
				      const char *file, unsigned line)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v), skip, shown;
	const struct ld_inline *callee;
	bool same_line;

	if (n <= depth0)
		return LD_INL_NONE;
	for (skip = 0; skip < n && v[skip].starts; skip++)
		;
	shown = n - skip;
	if (shown > depth0)	/* further into code inlined from here */
		return into ? LD_INL_INSIDE : LD_INL_ON;
	if (shown < depth0)	/* out of the step's frame */
		return LD_INL_NONE;
	/* at the start of a call inlined into the step's frame: gdb steps
	 * over it (next) or into it (step) when its call is on the line the
	 * step began on, else stops at the call */
	callee = &v[n - depth0 - 1];
	same_line = callee->call_line == line && callee->call_file && file &&
		    !strcmp(callee->call_file, file);
	if (!same_line)
		return LD_INL_STOP;
	return into ? LD_INL_ENTER : LD_INL_ON;
}

uint64_t ld_inline_copy_entry(struct ld_objs *o, uint64_t pc, unsigned inl)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v);
	struct ld_obj *ob = ld_objs_at(o, pc);

	return inl < n && ob ? v[inl].entry + ob->bias : 0;
}

bool ld_inline_in_copy(struct ld_objs *o, uint64_t pc, uint64_t entry)
{
	struct ld_inline v[MAX_INLINED];
	size_t n = chain_at(o, pc, v), i;
	struct ld_obj *ob = ld_objs_at(o, pc);

	for (i = 0; ob && i < n; i++)
		if (v[i].entry + ob->bias == entry)
			return true;
	return false;
}
