/* The per-stop cache: mappings, smaps and unwound stacks read once per
 * stop, dropped together when the process resumes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/stopcache.h"

void ld_stop_cache_init(struct ld_stop_cache *c)
{
	memset(c, 0, sizeof *c);
	ld_maps_init(&c->maps);
}

static void drop_stacks(struct ld_stop_cache *c)
{
	size_t i;

	for (i = 0; i < c->nstacks; i++)
		ld_frames_release(&c->stacks[i].fs);
	c->nstacks = 0;
}

void ld_stop_cache_release(struct ld_stop_cache *c)
{
	drop_stacks(c);
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
	drop_stacks(c);
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

static int copy_frames(struct ld_frames *to, const struct ld_frames *from,
		       size_t n)
{
	if (n > to->cap) {
		struct ld_frame *v = realloc(to->v, n * sizeof *v);

		if (!v)
			return -ENOMEM;
		to->v = v;
		to->cap = n;
	}
	if (n)
		memcpy(to->v, from->v, n * sizeof *to->v);
	to->n = n;
	return 0;
}

int ld_stop_cache_stack(struct ld_stop_cache *c, pid_t tid, size_t max,
			struct ld_frames *fs)
{
	struct ld_stack_entry *e = find(c, tid);
	size_t n;

	/* a stack cut at e->max frames serves asks for no more than that */
	if (!e || (e->fs.n >= e->max && max > e->max))
		return -ENOENT;
	n = e->fs.n < max ? e->fs.n : max;
	if (copy_frames(fs, &e->fs, n) < 0)
		return -ENOMEM;
	return (int)n;
}

void ld_stop_cache_keep(struct ld_stop_cache *c, pid_t tid, size_t max,
			const struct ld_frames *fs)
{
	struct ld_stack_entry *e = find(c, tid);

	if (!e) {
		if (LD_GROW(c->stacks, c->capstacks, c->nstacks, 4) < 0)
			return;
		e = &c->stacks[c->nstacks++];
		memset(e, 0, sizeof *e);
		e->tid = tid;
	}
	if (copy_frames(&e->fs, fs, fs->n) < 0) {
		e->max = 0;
		e->fs.n = 0;
		return;
	}
	e->max = max;
}
