/* The heap of the live process at a stop: located and walked once, kept
 * in the per-stop cache until the process resumes, for the heap commands,
 * snapshots and views. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/heapmem.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/mem.h"

static int read_pid(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return ld_mem_read(*(pid_t *)ctx, addr, buf, len);
}

int ld_heap_capture(struct ld_session *s, struct ld_heap_source *src,
		    struct ld_heap *h, bool quiet)
{
	pid_t pid;
	struct ld_heap_params p = { .read = read_pid, .ctx = &pid };
	int r;

	memset(h, 0, sizeof *h);
	if (!s->live.proc)
		return quiet ? -1 : ld_error("heap: no process");
	pid = s->live.proc->pid;
	r = ld_heap_locate(s, src, quiet);
	if (r)
		return r;
	p.main_arena = src->main_arena;
	p.mp = src->mp;
	p.glibc_minor = src->glibc_minor;
	p.maps = ld_session_maps(s);
	r = ld_heap_walk(&p, h);
	if (r < 0)
		return quiet ? -1 : ld_error("heap: reading main_arena at 0x%" PRIx64
					     ": %s", p.main_arena, strerror(-r));
	return 0;
}

/* The walk of the current stop is kept in the per-stop cache for xinfo
 * and vmmap: the tracee's memory does not change while it is stopped
 * (only our int3 bytes, which are never in a heap), so one walk serves
 * every command of a stop. */
const struct ld_heap *ld_heap_cached(const struct ld_session *s)
{
	const struct ld_heap *h;

	if (!s->live.proc)
		return NULL;
	ld_stop_cache_heap(&s->cache, &h, NULL);
	return h && h->initialized ? h : NULL;
}

const struct ld_heap *ld_heap_at_stop(struct ld_session *s)
{
	struct ld_heap_source src;
	struct ld_heap h;
	int r;

	if (!s->live.proc)
		return NULL;
	if (ld_stop_cache_heap(&s->cache, NULL, NULL) == LD_HEAP_NOT_WALKED) {
		r = ld_heap_capture(s, &src, &h, true);
		if (r < 0)      /* ENOMEM or unreadable: try again next time */
			return NULL;
		ld_stop_cache_keep_heap(&s->cache, r == 0 ? &h : NULL,
					ld_heap_from_name(src.from));
	}
	return ld_heap_cached(s);
}

struct ld_snap_heap *ld_heap_snapshot(struct ld_session *s)
{
	const struct ld_heap *h = ld_heap_at_stop(s);
	const char *from;

	ld_stop_cache_heap(&s->cache, NULL, &from);
	return h ? ld_snap_heap_from(h, from) : NULL;
}

void ld_heap_keep(struct ld_session *s, const struct ld_heap_source *src,
		  struct ld_heap *h)
{
	ld_stop_cache_keep_heap(&s->cache, h, ld_heap_from_name(src->from));
}
