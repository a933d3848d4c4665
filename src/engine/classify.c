/* The mapping classifier (classify.h). */
#include <elf.h>
#include <string.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/snapshot.h"

#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define PAGE_UP(x) (((x) + 4095) & ~4095ULL)

enum ld_map_name ld_map_name_of(const struct ld_map *mp)
{
	static const struct { const char *name; size_t len; enum ld_map_name k; } named[] = {
		/* len 0: the whole name; else a prefix of that length */
		{ "[heap]", 0, LD_MN_HEAP }, { "[stack]", 0, LD_MN_STACK },
		{ "[stack:", 7, LD_MN_THREAD_STACK }, { "[vdso]", 0, LD_MN_VDSO },
		{ "[vvar", 5, LD_MN_VVAR }, { "[vsyscall]", 0, LD_MN_VSYSCALL },
		{ "[anon", 5, LD_MN_ANON_NAMED },
	};
	const char *p = mp->path;
	size_t i;

	if (p[0] == '/')
		return LD_MN_FILE;
	if (!p[0])
		return LD_MN_ANON;
	for (i = 0; i < sizeof named / sizeof *named; i++)
		if (named[i].len ? !strncmp(p, named[i].name, named[i].len) :
				   !strcmp(p, named[i].name))
			return named[i].k;
	return p[0] == '[' ? LD_MN_OTHER : LD_MN_UNKNOWN;
}

enum ld_file_kind ld_file_kind_of(const struct ld_map *mp)
{
	const char *p = mp->path;

	if (!mp->deleted)
		return LD_FK_PLAIN;
	/* these live on internal mounts (device 00:NN), so a real file
	 * of the same name cannot pass for one */
	if (mp->dev_major == 0) {
		if (!strncmp(p, "/dev/zero ", 10))
			return LD_FK_DEVZERO;
		if (!strncmp(p, "/memfd:", 7))
			return LD_FK_MEMFD;
		if (!strncmp(p, "/SYSV", 5))
			return LD_FK_SHM;
	}
	return LD_FK_DELETED;
}

bool ld_classify_maps_obj(const struct ld_obj *ob, const struct ld_map *mp)
{
	char buf[4096];

	return mp->inode == ob->inode &&
	       !strcmp(ld_map_basepath(mp, buf, sizeof buf), ob->path);
}

static struct ld_obj *obj_of_map(struct ld_objs *objs, const struct ld_map *mp)
{
	size_t i;

	for (i = 0; objs && i < objs->n; i++)
		if (ld_classify_maps_obj(&objs->v[i], mp))
			return &objs->v[i];
	return NULL;
}

int ld_classify_segment_of(struct ld_obj *ob, const struct ld_map *mp)
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

int ld_classify_bss_of(struct ld_obj *ob, const struct ld_map *mp)
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

/* What the name alone says, for a mapping that is no file. */
static void classify_special(const struct ld_map *mp, struct ld_region *r)
{
	switch (ld_map_name_of(mp)) {
	case LD_MN_HEAP: r->kind = LD_RK_HEAP; break;
	case LD_MN_STACK: r->kind = LD_RK_STACK, r->thread_num = 1; break;
	case LD_MN_VDSO: r->kind = LD_RK_VDSO; break;
	case LD_MN_VVAR: r->kind = LD_RK_VVAR; break;
	case LD_MN_VSYSCALL: r->kind = LD_RK_VSYSCALL; break;
	default: r->kind = LD_RK_ANON; break;
	}
}

/* Anonymous memory holding a thread's stack pointer or TLS block. */
static void classify_threads(const struct ld_classify_in *in,
			     const struct ld_map *mp, struct ld_region *r)
{
	size_t k;

	for (k = 0; k < in->nthreads; k++) {
		const struct ld_class_thread *t = &in->threads[k];

		if (t->sp >= mp->start && t->sp < mp->end && t->tid != in->leader) {
			r->kind = LD_RK_THREAD_STACK;
			r->thread_num = t->num;
			r->tid = t->tid;
		} else if (t->fs_base >= mp->start && t->fs_base < mp->end &&
			   r->kind == LD_RK_ANON) {
			r->kind = LD_RK_TLS;
			r->thread_num = t->num;
			r->tid = t->tid;
		}
	}
}

/* An anonymous mapping right after an object's segment that its PT_LOAD
 * reaches into is the object's .bss tail. */
static void classify_bss(const struct ld_maps *m, size_t i, struct ld_region *out)
{
	struct ld_region *r = &out[i];
	int g;

	if (r->kind != LD_RK_ANON || i == 0 || m->v[i - 1].end != m->v[i].start ||
	    !out[i - 1].obj || out[i - 1].kind != LD_RK_SEGMENT)
		return;
	g = ld_classify_bss_of(out[i - 1].obj, &m->v[i]);
	if (g >= 0) {
		r->kind = LD_RK_BSS;
		r->obj = out[i - 1].obj;
		r->segment = g;
	}
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

void ld_classify_regions(const struct ld_classify_in *in, struct ld_region *out)
{
	const struct ld_maps *m = in->maps;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		struct ld_region *r = &out[i];

		memset(r, 0, sizeof *r);
		r->segment = -1;
		if (ld_map_is_file(mp)) {
			r->obj = obj_of_map(in->objs, mp);
			r->kind = r->obj ? LD_RK_SEGMENT : LD_RK_FILE;
			if (r->obj)
				r->segment = ld_classify_segment_of(r->obj, mp);
			continue;
		}
		classify_special(mp, r);
		if (r->kind != LD_RK_ANON)
			continue;
		classify_threads(in, mp, r);
		classify_bss(m, i, out);
	}
	for (i = 0; in->heap && i < m->n; i++)
		if ((out[i].kind == LD_RK_ANON || out[i].kind == LD_RK_TLS) &&
		    !m->v[i].path[0])
			classify_heap(in->heap, &m->v[i], &out[i]);
	/* A ---p page right below a thread stack is its guard. */
	for (i = 0; i + 1 < m->n; i++)
		if (out[i].kind == LD_RK_ANON && !strcmp(m->v[i].perms, "---p") &&
		    m->v[i].end == m->v[i + 1].start &&
		    out[i + 1].kind == LD_RK_THREAD_STACK) {
			out[i].kind = LD_RK_GUARD;
			out[i].thread_num = out[i + 1].thread_num;
			out[i].tid = out[i + 1].tid;
		}
}

/* Whether some mapping of the run of consecutive mappings with i's path
 * held ELF sections at the capture (an object's mappings are one run:
 * ld.so reserves its whole span at once). */
static bool run_has_sections(const struct ld_snapshot *snap, size_t i)
{
	const struct ld_map *v = snap->maps.v;
	size_t lo = i, hi = i;

	while (lo > 0 && !strcmp(v[lo - 1].path, v[i].path))
		lo--;
	while (hi + 1 < snap->maps.n && !strcmp(v[hi + 1].path, v[i].path))
		hi++;
	for (; lo <= hi; lo++)
		if (snap->sections[lo] && snap->sections[lo][0])
			return true;
	return false;
}

void ld_classify_snapshot(const struct ld_snapshot *snap, struct ld_region *out)
{
	struct ld_class_thread ti[256];
	struct ld_classify_in in = { .maps = &snap->maps, .threads = ti,
				     .leader = snap->pid };

	for (size_t k = 0; k < snap->nthreads && in.nthreads < 256; k++) {
		const struct ld_snap_thread *t = &snap->threads[k];

		if (!t->regs_valid)
			continue;
		ti[in.nthreads++] = (struct ld_class_thread){ .tid = t->tid,
			.num = t->num, .sp = t->regs.rsp, .fs_base = t->regs.fs_base };
	}
	ld_classify_regions(&in, out);
	for (size_t i = 0; i < snap->maps.n; i++)
		if (out[i].kind == LD_RK_FILE &&
		    (!snap->sections || run_has_sections(snap, i)))
			out[i].kind = LD_RK_SEGMENT;
}
