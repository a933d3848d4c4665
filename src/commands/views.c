/* The layout through the ELF objects: the mapping classifier and the
 * commands vmmap, info sections, info segments, xinfo, info symbol,
 * layout (each gathers its model and hands it to present/). */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/elfview.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/layoutview.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/views.h"
#include "layoutdbg/vmmapview.h"
#include "layoutdbg/xinfoview.h"

#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define PAGE_UP(x) (((x) + 4095) & ~4095ULL)

static struct ld_obj *obj_of_map(struct ld_session *s, const struct ld_map *mp)
{
	char buf[4096];
	const char *path = ld_map_basepath(mp, buf, sizeof buf);
	size_t i;

	for (i = 0; i < s->objs.n; i++)
		if (s->objs.v[i].inode == mp->inode && !strcmp(s->objs.v[i].path, path))
			return &s->objs.v[i];
	return NULL;
}

static bool obj_of_map_path(const struct ld_obj *ob, const struct ld_map *mp)
{
	char buf[4096];

	return mp->inode == ob->inode &&
	       !strcmp(ld_map_basepath(mp, buf, sizeof buf), ob->path);
}

/* The PT_LOAD of ob whose file pages this mapping maps. */
static int segment_of(struct ld_obj *ob, const struct ld_map *mp)
{
	struct ld_elf *e = ld_obj_elf(ob);
	size_t i;

	for (i = 0; e && i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = ob->bias + PAGE_DOWN(g->vaddr);
		uint64_t hi = ob->bias + PAGE_UP(g->vaddr + g->memsz);

		if (g->type == PT_LOAD && mp->start < hi && mp->end > lo &&
		    mp->offset >= PAGE_DOWN(g->offset) &&
		    mp->offset < PAGE_UP(g->offset + (g->filesz ? g->filesz : 1)))
			return (int)i;
	}
	return -1;
}

/* An anonymous mapping right after an object's file mapping that its
 * PT_LOAD's memsz reaches into: the zero-filled rest of .bss. */
static int bss_segment(struct ld_obj *ob, const struct ld_map *mp)
{
	struct ld_elf *e = ld_obj_elf(ob);
	size_t i;

	for (i = 0; e && i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);

		if (g->type == PT_LOAD && g->memsz > g->filesz &&
		    ob->bias + g->vaddr + g->memsz > mp->start &&
		    ob->bias + g->vaddr + g->filesz < mp->end)
			return (int)i;
	}
	return -1;
}

struct tinfo { pid_t tid; int num; uint64_t sp, fs; };

static size_t thread_info(struct ld_session *s, struct tinfo *ti, size_t max)
{
	size_t i, n = 0;

	for (i = 0; s->proc && i < s->proc->nthreads && n < max; i++) {
		struct ld_thread *t = &s->proc->threads[i];
		ld_regs r;

		if (t->state != LD_T_STOPPED || ld_regs_get(t->tid, &r))
			continue;
		ti[n].tid = t->tid;
		ti[n].num = t->num;
		ti[n].sp = r.rsp;
		ti[n].fs = r.fs_base;
		n++;
	}
	return n;
}

static void classify_special(const struct ld_map *mp, struct ld_region *r)
{
	if (!strcmp(mp->path, "[heap]"))
		r->kind = LD_RK_HEAP;
	else if (!strcmp(mp->path, "[stack]"))
		r->kind = LD_RK_STACK, r->thread_num = 1;
	else if (!strcmp(mp->path, "[vdso]"))
		r->kind = LD_RK_VDSO;
	else if (!strncmp(mp->path, "[vvar", 5))
		r->kind = LD_RK_VVAR;
	else if (!strcmp(mp->path, "[vsyscall]"))
		r->kind = LD_RK_VSYSCALL;
	else
		r->kind = LD_RK_ANON;
}

/* A thread arena's heap_info region (its used part or the PROT_NONE rest
 * of its 64 MiB reservation), or mmapped chunks, by the walk of h. */
static void classify_heap(const struct ld_heap *h, const struct ld_map *mp,
			  struct ld_region *r)
{
	for (size_t i = 0; i < h->narenas; i++)
		for (size_t k = 0; k < h->arenas[i].nheaps; k++) {
			const struct ld_heap_region *hr = &h->arenas[i].heaps[k];

			if (hr->info && mp->start < hr->reserved_end &&
			    mp->end > hr->info) {
				r->kind = LD_RK_ARENA_HEAP;
				r->arena = (int)i;
				r->chunk = hr->info;
				return;
			}
		}
	for (size_t i = 0; i < h->nmmapped; i++) {
		const struct ld_chunk *c = &h->mmapped[i];

		if (c->addr < mp->start || c->addr >= mp->end)
			continue;
		if (!r->nchunks++)
			r->chunk = c->addr;
		/* the kernel merges an mmapped chunk with a neighbour of the
		 * same protection (a thread's TLS block): that keeps its kind */
		if (r->kind == LD_RK_ANON)
			r->kind = LD_RK_MMAPPED;
	}
}

int ld_classify(struct ld_session *s, const struct ld_maps *m,
		struct ld_region *out)
{
	const struct ld_heap *h = ld_heap_cached(s);
	struct tinfo ti[256];
	size_t nt = thread_info(s, ti, 256), i, k;

	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		struct ld_region *r = &out[i];

		memset(r, 0, sizeof *r);
		r->segment = -1;
		if (ld_map_is_file(mp)) {
			r->obj = obj_of_map(s, mp);
			r->kind = r->obj ? LD_RK_SEGMENT : LD_RK_FILE;
			if (r->obj)
				r->segment = segment_of(r->obj, mp);
			continue;
		}
		classify_special(mp, r);
		if (r->kind != LD_RK_ANON)
			continue;
		for (k = 0; k < nt; k++) {
			if (ti[k].sp >= mp->start && ti[k].sp < mp->end && ti[k].tid != s->proc->pid) {
				r->kind = LD_RK_THREAD_STACK;
				r->thread_num = ti[k].num;
				r->tid = ti[k].tid;
			} else if (ti[k].fs >= mp->start && ti[k].fs < mp->end &&
				   r->kind == LD_RK_ANON) {
				r->kind = LD_RK_TLS;
				r->thread_num = ti[k].num;
				r->tid = ti[k].tid;
			}
		}
		if (r->kind == LD_RK_ANON && i > 0 && m->v[i - 1].end == mp->start &&
		    out[i - 1].obj && out[i - 1].kind == LD_RK_SEGMENT) {
			int g = bss_segment(out[i - 1].obj, mp);

			if (g >= 0) {
				r->kind = LD_RK_BSS;
				r->obj = out[i - 1].obj;
				r->segment = g;
			}
		}
	}
	for (i = 0; h && i < m->n; i++)
		if ((out[i].kind == LD_RK_ANON || out[i].kind == LD_RK_TLS) &&
		    !m->v[i].path[0])
			classify_heap(h, &m->v[i], &out[i]);
	/* A ---p page right below a thread stack is its guard. */
	for (i = 0; i + 1 < m->n; i++)
		if (out[i].kind == LD_RK_ANON && !strcmp(m->v[i].perms, "---p") &&
		    m->v[i].end == m->v[i + 1].start &&
		    out[i + 1].kind == LD_RK_THREAD_STACK) {
			out[i].kind = LD_RK_GUARD;
			out[i].thread_num = out[i + 1].thread_num;
			out[i].tid = out[i + 1].tid;
		}
	return 0;
}

const char *ld_sections_in(struct ld_obj *ob, uint64_t lo, uint64_t hi,
			   char *buf, size_t len)
{
	struct ld_elf *e = ob ? ld_obj_elf(ob) : NULL;
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; e && i < ld_elf_nsections(e); i++) {
		const struct ld_section *sec = ld_elf_section(e, i);
		uint64_t a = ob->bias + sec->addr;
		int n;

		if (!(sec->flags & SHF_ALLOC) || !sec->size || a >= hi ||
		    a + sec->size <= lo)
			continue;
		/* .tbss occupies no address space of its own */
		if ((sec->flags & SHF_TLS) && sec->type == SHT_NOBITS)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", sec->name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

int ld_cmd_vmmap(struct ld_session *s, char *args)
{
	struct ld_vmmap v;
	int r;

	if (ld_vmmap_rows(s, strtok(args, " \t"), &v) < 0)
		return -1;
	r = ld_show_vmmap(&v);
	ld_vmmap_release(&v);
	return r;
}

/* ---- info sections, info segments ------------------------------- */

/* The objects FILTER names (the program when none), loaded ones with an
 * ELF file that reads; NULL after an error (out of memory). */
static struct ld_elf_shown *objects_shown(struct ld_session *s, const char *cmd,
					  const char *filter, size_t *n)
{
	struct ld_elf_shown *v = calloc(s->objs.n + 1, sizeof *v);
	size_t i;

	*n = 0;
	if (!v) {
		ld_error("%s: %s", cmd, strerror(ENOMEM));
		return NULL;
	}
	for (i = 0; i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];
		struct ld_elf *e;

		if (filter ? !strstr(ob->path, filter) : !ob->is_exe)
			continue;
		if (!(e = ld_obj_elf(ob))) {
			ld_error("%s: %s: cannot read the ELF file", cmd, ob->path);
			continue;
		}
		v[(*n)++] = (struct ld_elf_shown){ .e = e, .bias = ob->bias,
			.path = ob->path, .exec = ob->is_exe, .ob = ob };
	}
	return v;
}

int ld_cmd_info_sections(struct ld_session *s, char *args)
{
	char *filter = strtok(args, " \t");
	struct ld_elf_shown *v;
	size_t n;
	int r;

	if (!s->proc) {
		if (!s->exe)
			return ld_error("info sections: no program loaded");
		if (filter && !strstr(s->exe_path, filter))
			return ld_error("info sections %s: not the program; libraries "
					"are known once the program runs", filter);
		return ld_show_sections(&(struct ld_elf_shown){ .e = s->exe,
			.path = s->exe_path, .exec = true }, 1);
	}
	if (ld_session_rescan(s) < 0)
		return -1;
	if (!(v = objects_shown(s, "info sections", filter, &n)))
		return -1;
	if (!n && filter)
		r = ld_error("info sections %s: no loaded object matches", filter);
	else
		r = ld_show_sections(v, n);
	free(v);
	return r;
}

/* Where ob's segments live: a PT_LOAD in the file mappings of ob that map
 * its pages and the anonymous .bss tail right after one; the other
 * segments that take memory in the mappings they overlap (a TLS segment
 * is a template: each thread has a copy, so it has none). */
static int segment_maps(struct ld_obj *ob, const struct ld_maps *m,
			struct ld_seg_map **out, size_t *n)
{
	struct ld_elf *e = ld_obj_elf(ob);
	size_t i, k, cap = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = ob->bias + g->vaddr, hi = lo + g->memsz;

		if (g->type != PT_LOAD && g->type != PT_GNU_RELRO &&
		    g->type != PT_DYNAMIC && g->type != PT_GNU_EH_FRAME)
			continue;
		for (k = 0; k < m->n; k++) {
			const struct ld_map *mp = &m->v[k];
			bool in = g->type != PT_LOAD ?
				  mp->start < PAGE_UP(hi) && mp->end > PAGE_DOWN(lo) :
				  ld_map_is_file(mp) ?
				  obj_of_map_path(ob, mp) && segment_of(ob, mp) == (int)i :
				  k > 0 && m->v[k - 1].end == mp->start &&
				  obj_of_map_path(ob, &m->v[k - 1]) &&
				  bss_segment(ob, mp) == (int)i;

			if (!in)
				continue;
			if (*n == cap) {
				struct ld_seg_map *t = realloc(*out, (cap = cap * 2 + 16) *
							       sizeof *t);
				if (!t) {
					free(*out);
					return -ENOMEM;
				}
				*out = t;
			}
			(*out)[(*n)++] = (struct ld_seg_map){ .seg = i, .map = k };
		}
	}
	return 0;
}

static void segments_release(struct ld_segments_view *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free((void *)v[i].live);
	free(v);
}

int ld_cmd_info_segments(struct ld_session *s, char *args)
{
	char *filter = strtok(args, " \t");
	const struct ld_maps *m;
	struct ld_elf_shown *obj;
	struct ld_segments_view *v;
	size_t i, n;
	int r;

	if (!s->proc) {
		if (!s->exe)
			return ld_error("info segments: no program loaded");
		return ld_show_segments(&(struct ld_segments_view){ .obj = {
			.e = s->exe, .path = ld_elf_path(s->exe), .exec = true } }, 1);
	}
	if (ld_session_rescan(s) < 0 || !(m = ld_session_maps(s)))
		return -1;
	if (!(obj = objects_shown(s, "info segments", filter, &n)))
		return -1;
	v = calloc(n + 1, sizeof *v);
	for (i = 0; v && i < n; i++) {
		struct ld_seg_map *live;

		v[i].obj = obj[i];
		v[i].m = m;
		if (segment_maps(obj[i].ob, m, &live, &v[i].nlive) < 0)
			break;
		v[i].live = live;
	}
	free(obj);
	if (!v || i < n)
		r = ld_error("info segments: %s", strerror(ENOMEM));
	else if (!n)
		r = ld_error("info segments%s%s: no loaded object matches",
			     filter ? " " : "", filter ? filter : "");
	else
		r = ld_show_segments(v, n);
	segments_release(v, i);
	return r;
}

/* ---- xinfo / info symbol ------------------------------------------ */

int ld_cmd_xinfo(struct ld_session *s, char *args)
{
	struct ld_xinfo x;
	uint64_t addr;

	while (isspace((unsigned char)*args))
		args++;
	if (!*args)
		return ld_error("xinfo: an address is needed");
	if (ld_eval_addr(s, "xinfo", args, &addr) < 0)
		return -1;
	if (ld_xinfo_at(s, addr, &x) < 0)
		return -1;
	return ld_show_xinfo(&x);
}

int ld_cmd_info_symbol(struct ld_session *s, char *args)
{
	struct ld_symbol_answer a = { 0 };
	struct ld_obj *ob;
	const struct ld_section *sec;
	uint64_t addr;

	while (isspace((unsigned char)*args))
		args++;
	a.expr = args;
	if (!*args)
		return ld_error("info symbol: an address is needed");
	if (ld_eval_addr(s, "info symbol", args, &addr) < 0)
		return -1;
	if (ld_objs_symbolize(&s->objs, addr, &ob, &a.name, &a.offset)) {
		sec = ld_elf_section_at(ob->elf, addr - ob->bias);
		a.section = sec ? sec->name : NULL;
		a.ob = ob;
	} else {
		a.name = NULL;
	}
	return ld_show_symbol(&a);
}

/* ---- layout: the seed's summary diagram, from real data ----------- */

static int show_layout(struct ld_layout *l, const struct ld_maps *m,
		       const char *exe)
{
	int r;

	if (ld_layout_blocks(m, exe, l) < 0)
		return ld_error("layout: %s", strerror(ENOMEM));
	r = ld_show_layout(l);
	ld_layout_release(l);
	return r;
}

static int layout_of_snapshot(struct ld_session *s, const char *key)
{
	struct ld_snapshot *snap = ld_snapshot_find(&s->snaps, key);
	struct ld_layout l = { 0 };

	if (!snap)
		return ld_error("layout: no snapshot \"%s\" (see `snapshots`)", key);
	l.brk_valid = snap->brk_valid;
	l.start_brk = snap->start_brk;
	l.brk = snap->brk;
	l.pg = s->vmmap_resident ? snap->pages : NULL;
	return show_layout(&l, &snap->maps, snap->exe);
}

/* The layout now, with the resident sizes of this stop when allowed. */
static int live_layout(struct ld_session *s)
{
	const struct ld_maps *m = ld_session_maps(s);
	const struct ld_smaps *sm;
	struct ld_pages *pg = NULL;
	struct ld_layout l = { 0 };
	int r;

	if (!m)
		return -1;
	l.brk_valid = ld_session_brk(s, &l.start_brk, &l.brk) == 0;
	m = ld_session_maps(s);
	sm = ld_resident_column(s, m, "layout");
	if (sm && !(pg = calloc(m->n + 1, sizeof *pg)))
		return ld_error("layout: %s", strerror(ENOMEM));
	for (size_t i = 0; pg && i < m->n; i++)
		ld_pages_of(&sm->v[i], &pg[i]);
	l.pg = pg;
	r = show_layout(&l, m, s->exe_path);
	free(pg);
	return r;
}

int ld_cmd_layout(struct ld_session *s, char *args)
{
	char *key = strtok(args, " \t");

	if (key)
		return layout_of_snapshot(s, key);
	if (!s->proc)
		return ld_error("layout: no process: the program is not being run "
				"(or give a snapshot: layout SNAP)");
	return live_layout(s);
}
