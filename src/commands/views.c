/* The layout through the ELF objects: vmmap, info sections, info
 * segments, xinfo / info symbol, layout. */
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
#include "layoutdbg/infrun.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pagescmd.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/views.h"

#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define PAGE_UP(x) (((x) + 4095) & ~4095ULL)

const char *ld_region_kind_name(enum ld_region_kind k)
{
	static const char *names[] = {
		[LD_RK_SEGMENT] = "segment", [LD_RK_BSS] = "bss",
		[LD_RK_HEAP] = "heap", [LD_RK_STACK] = "stack",
		[LD_RK_THREAD_STACK] = "thread stack", [LD_RK_GUARD] = "guard page",
		[LD_RK_TLS] = "tls", [LD_RK_ANON] = "anonymous",
		[LD_RK_VDSO] = "vdso", [LD_RK_VVAR] = "vvar",
		[LD_RK_VSYSCALL] = "vsyscall", [LD_RK_FILE] = "file",
		[LD_RK_ARENA_HEAP] = "arena heap", [LD_RK_MMAPPED] = "mmapped chunk",
	};

	return names[k];
}

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

static const char *region_detail(const struct ld_region *r,
				 const struct ld_map *mp, char *buf, size_t len)
{
	switch (r->kind) {
	case LD_RK_SEGMENT:
		if (r->segment >= 0)
			snprintf(buf, len, "%s LOAD[%d]", r->obj->name, r->segment);
		else
			snprintf(buf, len, "%s (no PT_LOAD)", r->obj->name);
		break;
	case LD_RK_BSS:
		snprintf(buf, len, "%s .bss tail of LOAD[%d]", r->obj->name, r->segment);
		break;
	case LD_RK_THREAD_STACK:
	case LD_RK_GUARD:
	case LD_RK_TLS:
		snprintf(buf, len, "thread %d (LWP %d)", r->thread_num, (int)r->tid);
		if (r->kind == LD_RK_TLS && r->nchunks)
			snprintf(buf + strlen(buf), len - strlen(buf),
				 ", and mmapped chunk 0x%" PRIx64 "%s", r->chunk,
				 r->nchunks > 1 ? " and more" : "");
		break;
	case LD_RK_STACK:
		snprintf(buf, len, "main thread");
		break;
	case LD_RK_FILE:
		snprintf(buf, len, "%s", mp->path);
		break;
	case LD_RK_ANON:
		snprintf(buf, len, "%s", mp->path);
		break;
	case LD_RK_ARENA_HEAP:
		snprintf(buf, len, "heap of arena %d, heap_info 0x%" PRIx64 "%s",
			 r->arena, r->chunk, mp->perms[0] == '-' ?
			 " (reserved, not yet used)" : "");
		break;
	case LD_RK_MMAPPED:
		if (r->nchunks > 1)
			snprintf(buf, len, "mmapped chunk 0x%" PRIx64 " and %zu more",
				 r->chunk, r->nchunks - 1);
		else
			snprintf(buf, len, "mmapped chunk 0x%" PRIx64, r->chunk);
		break;
	default:
		snprintf(buf, len, "%s", mp->path);
	}
	return buf;
}

/* vmmap's colours (only on a terminal, --color): code bold, heap green,
 * stacks yellow, guard pages and anonymous memory dim. */
static const char *kind_color(const struct ld_region *r, const struct ld_map *mp)
{
	switch (r->kind) {
	case LD_RK_SEGMENT:
		return mp->perms[2] == 'x' ? ld_c(LD_C_BOLD) : "";
	case LD_RK_HEAP:
	case LD_RK_ARENA_HEAP:
	case LD_RK_MMAPPED:
		return ld_c(LD_C_ADD);
	case LD_RK_STACK:
	case LD_RK_THREAD_STACK:
		return ld_c(LD_C_CHG);
	case LD_RK_GUARD:
	case LD_RK_ANON:
	case LD_RK_TLS:
	case LD_RK_BSS:
		return ld_c(LD_C_DIM);
	default:
		return "";
	}
}

static bool vmmap_match(const char *filter, const struct ld_map *mp,
			const struct ld_region *r, const char *detail)
{
	char *end;
	uint64_t a;

	if (!filter)
		return true;
	errno = 0;
	a = strtoull(filter, &end, 0);
	if (!errno && !*end && end != filter)
		return a >= mp->start && a < mp->end;
	return strstr(mp->path, filter) || strstr(detail, filter) ||
	       strstr(ld_region_kind_name(r->kind), filter);
}

static json_t *words_json(const char *list)
{
	json_t *v = json_array();
	char *copy = strdup(list), *save = NULL, *w;

	for (w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save))
		json_array_append_new(v, json_string(w));
	free(copy);
	return v;
}

static int vmmap_json(struct ld_session *s, const struct ld_maps *m,
		      struct ld_region *rg, const char *filter,
		      const struct ld_smaps *sm)
{
	json_t *d = ld_jdoc("vmmap"), *arr = json_array();
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		char detail[512], secs[2048] = "";
		json_t *o;

		region_detail(&rg[i], mp, detail, sizeof detail);
		if (!vmmap_match(filter, mp, &rg[i], detail))
			continue;
		o = ld_json_mapping(mp);
		ld_jset(o, "kind", json_string(ld_region_kind_name(rg[i].kind)));
		ld_json_put_text(o, "owner", detail);
		if (rg[i].obj) {
			ld_json_put_text(o, "object", rg[i].obj->path);
			ld_sections_in(rg[i].obj, mp->start, mp->end, secs, sizeof secs);
		}
		if (rg[i].segment >= 0)
			ld_jset(o, "segment", json_integer(rg[i].segment));
		if (rg[i].thread_num)
			ld_jset(o, "thread", json_integer(rg[i].thread_num));
		ld_jset(o, "sections", words_json(secs));
		if (sm)
			ld_jset(o, "rss", json_integer((json_int_t)sm->v[i].kb[LD_SM_RSS] * 1024));
		json_array_append_new(arr, o);
	}
	free(rg);
	ld_jset(d, "regions", arr);
	return ld_emit_json(d);
}

int ld_cmd_vmmap(struct ld_session *s, char *args)
{
	const struct ld_maps *m = ld_session_maps(s);
	char *filter = strtok(args, " \t"), res[32] = "", rs[32];
	const struct ld_smaps *sm;
	struct ld_region *rg;
	size_t i, shown = 0;

	if (!m)
		return -1;
	if (ld_session_rescan(s) < 0)
		return -1;
	m = ld_session_maps(s);
	rg = calloc(m->n + 1, sizeof *rg);
	if (!rg)
		return ld_error("vmmap: %s", strerror(ENOMEM));
	ld_classify(s, m, rg);
	sm = ld_resident_column(s, m, "vmmap");
	if (ld_json_on())
		return vmmap_json(s, m, rg, filter, sm);
	ld_out("%-18s %-18s %-5s %9s %s %-12s %-34s %s\n", "Start", "End", "Perms",
	       "Size", sm ? " Resident " : "", "Kind", "Object / owner", "Sections");
	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		char detail[512], secs[2048], size[32];

		region_detail(&rg[i], mp, detail, sizeof detail);
		if (!vmmap_match(filter, mp, &rg[i], detail))
			continue;
		shown++;
		secs[0] = 0;
		if (rg[i].obj)
			ld_sections_in(rg[i].obj, mp->start, mp->end, secs, sizeof secs);
		if (sm)
			snprintf(res, sizeof res, " %9s ",
				 ld_human_size(sm->v[i].kb[LD_SM_RSS] * 1024, rs, sizeof rs));
		ld_out("%s0x%016" PRIx64 " 0x%016" PRIx64 " %-5s %9s %s %-12s %-34s %s%s\n",
		       kind_color(&rg[i], mp), mp->start, mp->end, mp->perms,
		       ld_human_size(mp->end - mp->start, size, sizeof size), res,
		       ld_region_kind_name(rg[i].kind), detail, secs, ld_c(LD_C_RESET));
	}
	free(rg);
	if (filter && !shown)
		return ld_error("vmmap %s: no mapping matches", filter);
	return 0;
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

static void xinfo_frames(struct ld_session *s, uint64_t addr)
{
	struct ld_frames fs = { 0 };
	size_t i;

	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];
		int n, k;

		if (t->state != LD_T_STOPPED)
			continue;
		n = ld_session_stack(s, t->tid, SIZE_MAX, &fs);
		for (k = 0; k < n; k++) {
			const struct ld_frame *f = &fs.v[k];
			char sym[256];

			if (!f->cfa || addr < f->sp || addr >= f->cfa)
				continue;
			ld_out("  frame     #%d of thread %d (%s), sp 0x%" PRIx64
			       ", frame at 0x%" PRIx64 ", cfa%+" PRId64 "\n", k, t->num,
			       ld_session_symbolize(s, k ? f->pc - 1 : f->pc, sym,
						    sizeof sym),
			       f->sp, f->cfa, (int64_t)(addr - f->cfa));
			ld_frames_release(&fs);
			return;
		}
	}
	ld_frames_release(&fs);
}

static void xinfo_object(struct ld_session *s, struct ld_obj *ob, uint64_t addr)
{
	struct ld_elf *e = ld_obj_elf(ob);
	uint64_t link = addr - ob->bias, off;
	const struct ld_section *sec;
	const struct ld_symbol *sym;
	size_t i;

	ld_out("  object    %s, load bias 0x%" PRIx64 ", offset 0x%" PRIx64
	       " from its base 0x%" PRIx64 "\n", ob->path, ob->bias, addr - ob->lo,
	       ob->lo);
	if (!e)
		return;
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		char fl[4];

		if (g->type == PT_LOAD && link >= g->vaddr && link < g->vaddr + g->memsz)
			ld_out("  segment   LOAD[%zu] %s 0x%" PRIx64 "-0x%" PRIx64
			       ", +0x%" PRIx64 "%s\n", i, ld_segment_flag_str(g->flags, fl),
			       ob->bias + g->vaddr, ob->bias + g->vaddr + g->memsz,
			       link - g->vaddr,
			       link >= g->vaddr + g->filesz ? " (zero-filled, not in the file)" : "");
	}
	sec = ld_elf_section_at(e, link);
	if (sec)
		ld_out("  section   %s 0x%" PRIx64 "-0x%" PRIx64 ", +0x%" PRIx64 "\n",
		       sec->name, ob->bias + sec->addr, ob->bias + sec->addr + sec->size,
		       link - sec->addr);
	sym = ld_elf_symbol_at(e, link, &off);
	if (sym)
		ld_out("  symbol    %s+%" PRIu64 " (%s, %" PRIu64 " bytes)\n", sym->name,
		       off, sym->type == STT_FUNC ? "function" :
			    sym->type == STT_OBJECT ? "object" : "symbol", sym->size);
	else
		ld_out("  symbol    ?? (no symbol covers it)\n");
}

/* The heap chunk holding addr when it lies in anonymous memory or
 * [heap] (the walk is made once a stop); NULL elsewhere. */
static const struct ld_chunk *xinfo_chunk(struct ld_session *s, uint64_t addr,
					  const struct ld_map *mp, int *arena)
{
	const struct ld_heap *h;

	if (mp->path[0] && strcmp(mp->path, "[heap]"))
		return NULL;
	h = ld_heap_at_stop(s);
	return h ? ld_heap_chunk_at(h, addr, arena) : NULL;
}

/* "main arena", "arena 2", "mmapped" */
static const char *arena_word(int arena, char *buf, size_t len)
{
	if (arena < 0)
		snprintf(buf, len, "mmapped");
	else if (arena == 0)
		snprintf(buf, len, "main arena");
	else
		snprintf(buf, len, "arena %d", arena);
	return buf;
}

/* An mmapped chunk is in use by definition: say so like the others. */
static const char *chunk_state_word(const struct ld_chunk *c, char *buf,
				    size_t len)
{
	if (c->state == LD_CH_MMAPPED)
		return ld_chunk_describe(&(struct ld_chunk){ .state = LD_CH_INUSE },
					 buf, len);
	return ld_chunk_describe(c, buf, len);
}

static void xinfo_chunk_text(const struct ld_chunk *c, int arena, uint64_t addr)
{
	char st[64], aw[32];

	ld_out("  chunk     in heap chunk 0x%" PRIx64 " (0x%" PRIx64 ", %s, %s), "
	       "+0x%" PRIx64 " into it", c->addr, c->size,
	       chunk_state_word(c, st, sizeof st), arena_word(arena, aw, sizeof aw),
	       addr - c->addr);
	if (addr - c->addr < 16)
		ld_out(" (its header)");
	else
		ld_out(" (user pointer 0x%" PRIx64 "+0x%" PRIx64 ")", ld_chunk_mem(c),
		       addr - ld_chunk_mem(c));
	ld_out("\n");
}

static json_t *xinfo_chunk_json(const struct ld_chunk *c, int arena,
				uint64_t addr)
{
	json_t *o = json_object();
	char st[64];

	ld_json_put_u64(o, "address", c->addr);
	ld_json_put_u64(o, "size", c->size);
	ld_jset(o, "state", json_string(ld_chunk_state_name(c->state)));
	ld_jset(o, "description", json_string(chunk_state_word(c, st, sizeof st)));
	ld_jset(o, "arena", json_integer(arena));
	ld_json_put_u64(o, "offset", addr - c->addr);
	ld_json_put_u64(o, "user", ld_chunk_mem(c));
	return o;
}

static int xinfo_json(struct ld_session *s, uint64_t addr,
		      const struct ld_map *mp, const struct ld_region *r)
{
	int arena;
	const struct ld_chunk *c = xinfo_chunk(s, addr, mp, &arena);
	json_t *d = ld_jdoc("xinfo");
	char detail[512];

	ld_json_put_u64(d, "address", addr);
	ld_jset(d, "mapped", json_true());
	ld_jset(d, "mapping", ld_json_mapping(mp));
	ld_json_put_u64(d, "mapping_offset", addr - mp->start);
	ld_jset(d, "kind", json_string(ld_region_kind_name(r->kind)));
	ld_json_put_text(d, "owner", region_detail(r, mp, detail, sizeof detail));
	if (r->obj && ld_obj_elf(r->obj)) {
		struct ld_elf *e = r->obj->elf;
		uint64_t link = addr - r->obj->bias, off;
		const struct ld_section *sec = ld_elf_section_at(e, link);
		const struct ld_symbol *sym = ld_elf_symbol_at(e, link, &off);

		ld_json_put_text(d, "object", r->obj->path);
		ld_json_put_u64(d, "bias", r->obj->bias);
		ld_json_put_u64(d, "object_offset", addr - r->obj->lo);
		if (r->segment >= 0)
			ld_jset(d, "segment", json_integer(r->segment));
		if (sec)
			ld_json_put_text(d, "section", sec->name);
		if (sec)
			ld_json_put_u64(d, "section_offset", link - sec->addr);
		if (sym) {
			ld_json_put_text(d, "symbol", sym->name);
			ld_json_put_u64(d, "symbol_offset", off);
		}
	}
	if (r->thread_num)
		ld_jset(d, "thread", json_integer(r->thread_num));
	if (r->kind == LD_RK_HEAP) {
		uint64_t sb, b;

		if (ld_session_brk(s, &sb, &b) == 0) {
			ld_json_put_u64(d, "heap_offset", addr - sb);
			ld_json_put_u64(d, "brk", b);
		}
	}
	if (c)
		ld_jset(d, "heap_chunk", xinfo_chunk_json(c, arena, addr));
	ld_xinfo_page(s, addr, mp, d);
	return ld_emit_json(d);
}

int ld_cmd_xinfo(struct ld_session *s, char *args)
{
	const struct ld_maps *m;
	const struct ld_map *mp;
	struct ld_region *rg;
	char detail[512], size[32];
	const struct ld_chunk *chunk;
	uint64_t addr;
	size_t i;
	int arena = 0;

	while (isspace((unsigned char)*args))
		args++;
	if (!*args)
		return ld_error("xinfo: an address is needed");
	if (ld_eval_addr(s, "xinfo", args, &addr) < 0)
		return -1;
	if (ld_session_rescan(s) < 0 || !(m = ld_session_maps(s)))
		return -1;
	mp = ld_maps_find(m, addr);
	if (ld_json_on() && !mp) {
		json_t *d = ld_jdoc("xinfo");

		ld_json_put_u64(d, "address", addr);
		ld_jset(d, "mapped", json_false());
		return ld_emit_json(d);
	}
	ld_out("0x%" PRIx64 ":\n", addr);
	if (!mp) {
		ld_out("  not mapped\n");
		return 0;
	}
	i = (size_t)(mp - m->v);
	rg = calloc(m->n, sizeof *rg);
	if (!rg)
		return ld_error("xinfo: %s", strerror(ENOMEM));
	chunk = xinfo_chunk(s, addr, mp, &arena);   /* before: kinds use the walk */
	ld_classify(s, m, rg);
	if (ld_json_on()) {
		int r = xinfo_json(s, addr, mp, &rg[i]);

		free(rg);
		return r;
	}
	ld_out("  mapping   0x%" PRIx64 "-0x%" PRIx64 " %s %s, offset 0x%" PRIx64
	       " into it%s%s\n", mp->start, mp->end, mp->perms,
	       ld_human_size(mp->end - mp->start, size, sizeof size),
	       addr - mp->start, mp->path[0] ? ", " : "", mp->path);
	ld_out("  kind      %s%s%s\n", ld_region_kind_name(rg[i].kind),
	       rg[i].kind == LD_RK_ANON && !mp->path[0] ? "" : ": ",
	       rg[i].kind == LD_RK_ANON && !mp->path[0] ? "" :
	       region_detail(&rg[i], mp, detail, sizeof detail));
	if (rg[i].obj)
		xinfo_object(s, rg[i].obj, addr);
	if (rg[i].kind == LD_RK_HEAP) {
		uint64_t sb, b;

		if (ld_session_brk(s, &sb, &b) == 0)
			ld_out("  heap      0x%" PRIx64 " from start_brk, break at 0x%"
			       PRIx64 "%s\n", addr - sb, b,
			       addr >= b ? " (beyond the break)" : "");
	}
	if (chunk)
		xinfo_chunk_text(chunk, arena, addr);
	if (rg[i].kind == LD_RK_STACK || rg[i].kind == LD_RK_THREAD_STACK)
		xinfo_frames(s, addr);
	ld_xinfo_page(s, addr, mp, NULL);
	free(rg);
	return 0;
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
