/* The heap of the live process at a stop: located and walked once, kept
 * until the process resumes, for the heap commands, snapshots and views. */
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

/* The walk of the current stop, kept for xinfo and vmmap: the tracee's
 * memory does not change while it is stopped (only our int3 bytes, which
 * are never in a heap), so one walk serves every command of a stop. */
static struct {
	const struct ld_session *s;
	pid_t pid;
	unsigned gen;
	int r;                  /* ld_heap_capture's answer */
	struct ld_heap_source src;
	struct ld_heap h;
} cache;

static bool cache_fresh(const struct ld_session *s)
{
	return cache.s == s && s->live.proc && cache.pid == s->live.proc->pid &&
	       cache.gen == s->cache.gen;
}

/* Keep h (owned from now on) as the walk of this stop. */
static void cache_put(struct ld_session *s, const struct ld_heap_source *src,
		      struct ld_heap *h, int r)
{
	if (cache.s && cache.r == 0)
		ld_heap_release(&cache.h);
	cache.s = s;
	cache.pid = s->live.proc ? s->live.proc->pid : 0;
	cache.gen = s->cache.gen;
	cache.r = r;
	cache.src = *src;
	if (r == 0)
		cache.h = *h;
}

const struct ld_heap *ld_heap_cached(const struct ld_session *s)
{
	return cache_fresh(s) && cache.r == 0 && cache.h.initialized ? &cache.h :
	       NULL;
}

const struct ld_heap *ld_heap_at_stop(struct ld_session *s)
{
	struct ld_heap_source src;
	struct ld_heap h;
	int r;

	if (!s->live.proc)
		return NULL;
	if (!cache_fresh(s)) {
		r = ld_heap_capture(s, &src, &h, true);
		if (r < 0)      /* ENOMEM or unreadable: try again next time */
			return NULL;
		cache_put(s, &src, &h, r);
	}
	return ld_heap_cached(s);
}

void ld_heap_forget(void)
{
	if (cache.s && cache.r == 0)
		ld_heap_release(&cache.h);
	memset(&cache, 0, sizeof cache);
	ld_heap_drop_buffers();
}

struct ld_snap_heap *ld_heap_snapshot(struct ld_session *s)
{
	const struct ld_heap *h = ld_heap_at_stop(s);

	return h ? ld_snap_heap_from(h, ld_heap_from_name(cache.src.from)) : NULL;
}

void ld_heap_keep(struct ld_session *s, const struct ld_heap_source *src,
		  struct ld_heap *h)
{
	cache_put(s, src, h, 0);
}
