/* The layout diagram's blocks, from the mappings' names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/blocks.h"
#include "layoutdbg/classify.h"

/* A file mapping's block: what the kernel's name says first, then the
 * program, then an object or not (a deleted library stays a library). */
static enum ld_block_kind file_block(const struct ld_map *mp,
				     const struct ld_region *r, const char *exe)
{
	char buf[4096];

	switch (ld_file_kind_of(mp)) {
	case LD_FK_DEVZERO: return LD_BLK_DEVZERO;
	case LD_FK_MEMFD: return LD_BLK_MEMFD;
	case LD_FK_SHM: return LD_BLK_SHM;
	default: break;
	}
	if (exe && !strcmp(ld_map_basepath(mp, buf, sizeof buf), exe))
		return LD_BLK_EXE;
	if (r && r->kind == LD_RK_FILE)
		return mp->deleted ? LD_BLK_DELETED : LD_BLK_FILE;
	return LD_BLK_DSO;
}

/* The seed diagram's blocks, from the mapping's name and its region. */
static enum ld_block_kind block_of(const struct ld_map *mp,
				   const struct ld_region *r, const char *exe)
{
	switch (ld_map_name_of(mp)) {
	case LD_MN_HEAP: return LD_BLK_HEAP;
	case LD_MN_STACK: return LD_BLK_STACK;
	case LD_MN_VSYSCALL: return LD_BLK_VSYSCALL;
	case LD_MN_THREAD_STACK: return LD_BLK_THREAD_STACK;
	case LD_MN_VDSO: case LD_MN_VVAR:
	case LD_MN_OTHER: return LD_BLK_SPECIAL;
	case LD_MN_FILE: return file_block(mp, r, exe);
	default: break;
	}
	if (r && (r->kind == LD_RK_THREAD_STACK || r->kind == LD_RK_GUARD))
		return LD_BLK_THREAD_STACK;
	return r && r->kind == LD_RK_TLS ? LD_BLK_TLS : LD_BLK_ANON;
}

/* Blocks are contiguous mappings of one kind.  Thread stacks, their
 * guard pages and TLS are told apart from other anonymous memory by
 * l->rg. */
int ld_layout_blocks(const struct ld_maps *m, const char *exe,
		     struct ld_layout *l)
{
	struct ld_block *out = calloc(m->n + 1, sizeof *out);
	size_t i, n = 0;

	l->m = m;
	l->v = out;
	l->n = 0;
	if (!out)
		return -ENOMEM;
	for (i = 0; i < m->n; i++) {
		enum ld_block_kind b = block_of(&m->v[i], l->rg ? &l->rg[i] : NULL, exe);
		bool touches_prev = i > 0 && m->v[i - 1].end == m->v[i].start;

		if (b == LD_BLK_ANON && touches_prev && n &&
		    out[n - 1].kind == LD_BLK_DSO && ld_map_is_file(&m->v[i - 1]) &&
		    strcmp(m->v[i].perms, "---p"))
			b = LD_BLK_DSO;
		if (n && out[n - 1].kind == b && touches_prev) {
			out[n - 1].last = i;
			continue;
		}
		out[n].kind = b;
		out[n].first = out[n].last = i;
		n++;
	}
	l->n = n;
	return 0;
}

void ld_layout_release(struct ld_layout *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

uint64_t ld_block_rss(const struct ld_layout *l, const struct ld_block *b)
{
	uint64_t t = 0;

	for (size_t i = b->first; l->pg && i <= b->last; i++)
		t += l->pg[i].rss;
	return t;
}
