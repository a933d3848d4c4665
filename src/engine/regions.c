/* The regions as views show them, and vmmap's model. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/resident.h"

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

static void thread_owner(const struct ld_region *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "thread %d (LWP %d)", r->thread_num, (int)r->tid);

	if (r->kind == LD_RK_TLS && r->nchunks && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n,
			 ", and mmapped chunk 0x%" PRIx64 "%s", r->chunk,
			 r->nchunks > 1 ? " and more" : "");
}

const char *ld_region_owner(const struct ld_region *r, const struct ld_map *mp,
			    char *buf, size_t len)
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
		thread_owner(r, buf, len);
		break;
	case LD_RK_STACK:
		snprintf(buf, len, "main thread");
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

static bool vmmap_match(const char *filter, const struct ld_map *mp,
			const struct ld_region *r)
{
	char *end, owner[512];
	uint64_t a;

	if (!filter)
		return true;
	errno = 0;
	a = strtoull(filter, &end, 0);
	if (!errno && !*end && end != filter)
		return a >= mp->start && a < mp->end;
	return strstr(mp->path, filter) ||
	       strstr(ld_region_owner(r, mp, owner, sizeof owner), filter) ||
	       strstr(ld_region_kind_name(r->kind), filter);
}

int ld_vmmap_rows(struct ld_session *s, const char *filter, struct ld_vmmap *v)
{
	const struct ld_maps *m = ld_session_maps(s);
	size_t i;

	memset(v, 0, sizeof *v);
	if (!m || ld_session_rescan(s) < 0)
		return -1;
	v->m = m = ld_session_maps(s);
	v->rg = calloc(m->n + 1, sizeof *v->rg);
	v->rows = calloc(m->n + 1, sizeof *v->rows);
	if (!v->rg || !v->rows) {
		ld_vmmap_release(v);
		return ld_error("vmmap: %s", strerror(ENOMEM));
	}
	ld_session_classify(s, m, ld_heap_cached(s), v->rg);
	v->sm = ld_resident_column(s, m, "vmmap");
	v->filter = filter;
	for (i = 0; i < m->n; i++)
		if (vmmap_match(filter, &m->v[i], &v->rg[i]))
			v->rows[v->nrows++] = i;
	return 0;
}

void ld_vmmap_release(struct ld_vmmap *v)
{
	free(v->rg);
	free(v->rows);
	memset(v, 0, sizeof *v);
}
