/* Where an address points: xinfo's placing, told as one of a few kinds
 * (the annotation every printed pointer carries). */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/pointsto.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/xinfo.h"

const char *ld_pt_kind_name(enum ld_pt_kind k)
{
	static const char *names[] = {
		[LD_PT_NULL] = "null", [LD_PT_SYMBOL] = "symbol",
		[LD_PT_REGION] = "region", [LD_PT_STACK] = "stack",
		[LD_PT_TLS] = "tls", [LD_PT_UNMAPPED] = "unmapped",
	};

	return names[k];
}

/* The bytes of static TLS below a thread pointer: every object's PT_TLS
 * block, each aligned (x86-64 puts them below %fs, variant II). */
static uint64_t static_tls_size(struct ld_session *s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->live.objs.n; i++) {
		struct ld_obj *ob = &s->live.objs.v[i];
		struct ld_elf *e = ld_obj_elf(ob);

		for (size_t k = 0; e && k < ld_elf_nsegments(e); k++) {
			const struct ld_segment *g = ld_elf_segment(e, k);
			uint64_t a = g->align ? g->align : 1;

			if (g->type == PT_TLS)
				sum = (sum + g->memsz + a - 1) / a * a;
		}
	}
	return sum;
}

/* glibc's struct pthread (the TCB) lies at and above the thread pointer;
 * it is under 4 KiB in every glibc of this century. */
#define TCB_SPAN 0x1000

/* The thread whose TLS block or TCB (in the same mapping as its thread
 * pointer) holds addr; 0: none. */
static int tls_thread(struct ld_session *s, const struct ld_map *mp,
		      uint64_t addr)
{
	uint64_t below = 0;
	bool sized = false;

	for (size_t i = 0; i < s->live.proc->nthreads; i++) {
		struct ld_thread *t = &s->live.proc->threads[i];
		ld_regs r;
		uint64_t fs;

		if (t->state != LD_T_STOPPED || ld_tregs(t, &r))
			continue;
		fs = r.fs_base;
		if (fs < mp->start || fs >= mp->end || addr >= fs + TCB_SPAN)
			continue;
		if (!sized) {
			below = static_tls_size(s);
			sized = true;
		}
		if (addr + below >= fs)
			return t->num;
	}
	return 0;
}

static void base_name(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	snprintf(buf, len, "%s", slash && path[0] == '/' ? slash + 1 : path);
}

/* In a loaded object: its symbol (as gdb names it) or its section. */
static void in_object(struct ld_session *s, const struct ld_xinfo *x,
		      struct ld_points_to *p)
{
	struct ld_obj *ob = x->region.obj;
	char sym[256];

	snprintf(p->object, sizeof p->object, "%s", ob->name);
	if (x->sec) {
		snprintf(p->section, sizeof p->section, "%s", x->sec->name);
		p->section_off = x->addr - ob->bias - x->sec->addr;
		p->code = (x->sec->flags & SHF_EXECINSTR) != 0;
	}
	ld_session_symbolize(s, x->addr, sym, sizeof sym);
	if (strcmp(sym, "??")) {
		p->kind = LD_PT_SYMBOL;
		snprintf(p->symbol, sizeof p->symbol, "%s", sym);
		return;
	}
	p->kind = LD_PT_REGION;
	snprintf(p->region, sizeof p->region, "%s", ob->name);
	p->region_off = x->sec ? p->section_off : x->addr - ob->lo;
}

/* A mapping that is no object's: its name, or its kind in brackets. */
static void in_region(const struct ld_xinfo *x, struct ld_points_to *p)
{
	const struct ld_map *mp = x->mp;

	p->kind = LD_PT_REGION;
	p->region_off = x->addr - mp->start;
	if (mp->path[0])
		base_name(mp->path, p->region, sizeof p->region);
	else
		snprintf(p->region, sizeof p->region, "[%s]",
			 ld_region_kind_name(x->region.kind));
}

int ld_points_to(struct ld_session *s, uint64_t addr, struct ld_points_to *p)
{
	struct ld_xinfo x;
	enum ld_region_kind k;

	memset(p, 0, sizeof *p);
	p->addr = addr;
	p->frame = -1;
	if (addr == 0) {
		p->kind = LD_PT_NULL;
		return 0;
	}
	if (!s->live.proc || ld_xinfo_place(s, addr, &x) < 0)
		return -1;
	if (!x.mp) {
		p->kind = LD_PT_UNMAPPED;
		return 0;
	}
	k = p->region_kind = x.region.kind;
	if ((p->thread = tls_thread(s, x.mp, addr))) {
		p->kind = LD_PT_TLS;
	} else if (k == LD_RK_STACK || k == LD_RK_THREAD_STACK) {
		p->kind = LD_PT_STACK;
		p->thread = x.frame.found ? x.frame.thread_num : x.region.thread_num;
		p->frame = x.frame.found ? x.frame.index : -1;
	} else if (x.region.obj && (k == LD_RK_SEGMENT || k == LD_RK_BSS)) {
		in_object(s, &x, p);
	} else {
		in_region(&x, p);
	}
	return 0;
}
