/* The per-stop cache: mappings, smaps, unwound stacks and the heap walk
 * read once per stop, dropped together when the process resumes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/stopcache.h"

void ld_stop_cache_init(struct ld_stop_cache *c)
{
	memset(c, 0, sizeof *c);
	ld_maps_init(&c->maps);
	c->inline_skip = -1;
}

static void drop_stacks(struct ld_stop_cache *c)
{
	size_t i;

	for (i = 0; i < c->nstacks; i++)
		ld_frames_release(&c->stacks[i].fs);
	c->nstacks = 0;
}

/* The walk goes at once: it holds as much memory as the heap has chunks
 * (24 bytes each), and the tracee's heap is another after a resume. */
static void drop_heap(struct ld_stop_cache *c)
{
	if (c->heap_state == LD_HEAP_WALKED)
		ld_heap_release(&c->heap);
	c->heap_state = LD_HEAP_NOT_WALKED;
}

void ld_stop_cache_release(struct ld_stop_cache *c)
{
	drop_stacks(c);
	drop_heap(c);
	free(c->stacks);
	ld_maps_release(&c->maps);
	if (c->smaps)
		ld_smaps_release(c->smaps);
	free(c->smaps);
	ld_stop_cache_init(c);
}

void ld_stop_cache_invalidate(struct ld_stop_cache *c)
{
	/* The maps and smaps are kept for their memory (refilled in place);
	 * the generation alone marks them stale.  Stacks go now: a thread
	 * that exits must not leave its frames behind. */
	c->gen++;
	c->inline_tid = 0;
	c->inline_skip = -1;
	drop_stacks(c);
	drop_heap(c);
}

static struct ld_stack_entry *find(struct ld_stop_cache *c, pid_t tid)
{
	size_t i;

	if (c->stacks_gen != c->gen)
		drop_stacks(c);
	c->stacks_gen = c->gen;
	for (i = 0; i < c->nstacks; i++)
		if (c->stacks[i].tid == tid)
			return &c->stacks[i];
	return NULL;
}

const struct ld_frames *ld_stop_cache_stack(struct ld_stop_cache *c, pid_t tid,
					    size_t max)
{
	struct ld_stack_entry *e = find(c, tid);

	/* a stack cut at e->max frames serves asks for no more than that */
	if (!e || (e->fs.n >= e->max && max > e->max))
		return NULL;
	return &e->fs;
}

const struct ld_frames *ld_stop_cache_keep(struct ld_stop_cache *c, pid_t tid,
					   size_t max, struct ld_frames *fs)
{
	struct ld_stack_entry *e = find(c, tid);

	if (!e) {
		if (LD_GROW(c->stacks, c->capstacks, c->nstacks, 4) < 0)
			return NULL;
		e = &c->stacks[c->nstacks++];
		e->tid = tid;
	} else {
		ld_frames_release(&e->fs);
	}
	/* taken, not copied: a stack of 100,000 frames is 4 MB */
	e->fs = *fs;
	e->max = max;
	*fs = (struct ld_frames){ 0 };
	return &e->fs;
}

enum ld_heap_state ld_stop_cache_heap(const struct ld_stop_cache *c,
				      const struct ld_heap **h, const char **from)
{
	enum ld_heap_state st = c->heap_gen == c->gen ? c->heap_state :
				LD_HEAP_NOT_WALKED;

	if (h)
		*h = st == LD_HEAP_WALKED ? &c->heap : NULL;
	if (from)
		*from = st == LD_HEAP_WALKED ? c->heap_from : NULL;
	return st;
}

void ld_stop_cache_keep_heap(struct ld_stop_cache *c, struct ld_heap *h,
			     const char *from)
{
	drop_heap(c);
	c->heap_gen = c->gen;
	c->heap_state = h ? LD_HEAP_WALKED : LD_HEAP_NONE;
	if (h)
		c->heap = *h;
	c->heap_from = from;
	c->heap_walks++;
}
