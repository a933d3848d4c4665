/* xinfo's answer about one address, from the classifier, the objects,
 * the heap walk of this stop, the unwinder and pagemap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/xinfo.h"

void ld_xinfo_frame_of(struct ld_session *s, uint64_t addr,
		       struct ld_xinfo_frame *out)
{
	struct ld_frames fs = { 0 };

	for (size_t i = 0; i < s->live.proc->nthreads && !out->found; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];
		int n, k;

		if (t->state != LD_T_STOPPED)
			continue;
		n = ld_session_stack(s, t->tid, SIZE_MAX, &fs);
		for (k = 0; k < n; k++) {
			const struct ld_frame *f = &fs.v[k];

			if (!f->cfa || addr < f->sp || addr >= f->cfa)
				continue;
			out->found = true;
			out->index = k;
			out->thread_num = t->num;
			ld_session_symbolize(s, k ? f->pc - 1 : f->pc, out->function,
					     sizeof out->function);
			out->sp = f->sp;
			out->cfa = f->cfa;
			break;
		}
	}
	ld_frames_release(&fs);
}

/* The heap chunk holding addr when it lies in anonymous memory or
 * [heap] (the walk is made once a stop). */
static void find_chunk(struct ld_session *s, struct ld_xinfo *x)
{
	enum ld_map_name n = ld_map_name_of(x->mp);
	const struct ld_heap *h;

	if (n != LD_MN_ANON && n != LD_MN_HEAP)
		return;
	h = ld_heap_at_stop(s);
	x->chunk = h ? ld_heap_chunk_at(h, x->addr, &x->arena) : NULL;
}

static void in_object(struct ld_xinfo *x)
{
	struct ld_obj *ob = x->region.obj;
	uint64_t link;

	if (!ob || !ld_obj_elf(ob))
		return;
	link = x->addr - ob->bias;
	x->sec = ld_elf_section_at(ob->elf, link);
	x->sym = ld_obj_symbol_at(ob, link, &x->sym_off);
}

/* The region of x->mp: every mapping is classified (a region's kind
 * depends on its neighbours). */
static int classify_one(struct ld_session *s, const struct ld_maps *m,
			struct ld_xinfo *x)
{
	struct ld_region *rg = calloc(m->n, sizeof *rg);

	if (!rg)
		return ld_error("xinfo: %s", strerror(ENOMEM));
	ld_session_classify(s, m, ld_heap_cached(s), rg);
	x->region = rg[x->mp - m->v];
	free(rg);
	return 0;
}

/* The mapping, region, object part and frame of addr; walk: the heap
 * may be walked first (the kinds use the walk). */
static int place(struct ld_session *s, uint64_t addr, struct ld_xinfo *x,
		 bool walk)
{
	const struct ld_maps *m;
	enum ld_region_kind k;

	memset(x, 0, sizeof *x);
	x->addr = addr;
	if (ld_session_rescan(s) < 0 || !(m = ld_session_maps(s)))
		return -1;
	if (!(x->mp = ld_maps_find(m, addr)))
		return 0;
	if (walk)
		find_chunk(s, x);
	if (classify_one(s, m, x) < 0)
		return -1;
	in_object(x);
	k = x->region.kind;
	if (k == LD_RK_STACK || k == LD_RK_THREAD_STACK)
		ld_xinfo_frame_of(s, addr, &x->frame);
	return 0;
}

int ld_xinfo_place(struct ld_session *s, uint64_t addr, struct ld_xinfo *x)
{
	return place(s, addr, x, false);
}

int ld_xinfo_at(struct ld_session *s, uint64_t addr, struct ld_xinfo *x)
{
	if (place(s, addr, x, true) < 0)
		return -1;
	if (!x->mp)
		return 0;
	if (x->region.kind == LD_RK_HEAP)
		x->brk_known = ld_session_brk(s, &x->start_brk, &x->brk) == 0;
	x->pid = s->live.proc->pid;
	x->page_err = ld_page_info(x->pid, addr, &x->page);
	return 0;
}
