/* Breakpoint table and int3 sites. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/bp.h"
#include "layoutdbg/guardian.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/maps.h"

#define INT3 0xcc

void ld_bps_init(struct ld_bps *b)
{
	memset(b, 0, sizeof *b);
	b->next_num = 1;
}

static void bp_free(struct ld_bp *bp)
{
	if (!bp)
		return;
	free(bp->spec);
	free(bp->sym);
	free(bp->lib);
	free(bp->where);
	free(bp->pattern);
	free(bp->file);
	free(bp->lay.region);
	free(bp->loc_what);
	free(bp->cond);
	if (bp->cond_free)
		bp->cond_free(bp->cond_state);
	free(bp);
}

void ld_bps_watch_maps(struct ld_bps *b, const struct ld_maps *maps)
{
	b->maps = maps;
}

void ld_bps_release(struct ld_bps *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		bp_free(b->v[i]);
	free(b->v);
	free(b->sites);
	free(b->moribund);
	ld_bps_init(b);
}

struct ld_bp *ld_bp_add(struct ld_bps *b, enum ld_bp_type type,
			const char *spec)
{
	struct ld_bp *bp;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		struct ld_bp **v = realloc(b->v, cap * sizeof *v);

		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	bp = calloc(1, sizeof *bp);
	if (!bp || !(bp->spec = strdup(spec ? spec : ""))) {
		free(bp);
		return NULL;
	}
	bp->type = type;
	bp->enabled = true;
	bp->pending = true;
	bp->w.slot = -1;
	if (type == LD_BP_USER || type == LD_BP_TEMP || type >= LD_BP_CATCH_SYSCALL)
		bp->num = b->next_num++;
	b->v[b->n++] = bp;
	return bp;
}

struct ld_bp *ld_bp_add_location(struct ld_bps *b, struct ld_bp *parent,
				 uint64_t addr)
{
	/* added as an internal kind, so that it takes no number */
	struct ld_bp *bp = ld_bp_add(b, LD_BP_SOLIB, parent->spec);

	if (!bp)
		return NULL;
	bp->type = parent->type;
	bp->parent = parent;
	bp->addr = addr;
	bp->pending = false;
	bp->enabled = parent->enabled;
	return bp;
}

struct ld_bp *ld_bp_owner(struct ld_bp *bp)
{
	return bp->parent ? bp->parent : bp;
}

void ld_bp_delete(struct ld_bps *b, struct ld_bp *bp)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i] == bp) {
			memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof *b->v);
			b->n--;
			bp_free(bp);
			return;
		}
	}
}

void ld_bp_withdraw(struct ld_bps *b, struct ld_bp *bp)
{
	if (bp->num && bp->num == b->next_num - 1)
		b->next_num--;
	ld_bp_delete(b, bp);
}

struct ld_bp *ld_bp_by_num(struct ld_bps *b, int num)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i]->num == num && num > 0)
			return b->v[i];
	return NULL;
}

struct ld_site *ld_site_at(struct ld_bps *b, uint64_t addr)
{
	size_t i;

	for (i = 0; i < b->nsites; i++)
		if (b->sites[i].addr == addr)
			return &b->sites[i];
	return NULL;
}

/* Where in which file s->orig is read from. */
static void stamp_file(const struct ld_bps *b, struct ld_site *s)
{
	const struct ld_map *mp = b->maps ? ld_maps_find(b->maps, s->addr) : NULL;

	s->file_inode = mp ? mp->inode : 0;
	s->file_dev = mp ? makedev(mp->dev_major, mp->dev_minor) : 0;
	s->file_off = mp ? mp->offset + (s->addr - mp->start) : 0;
}

/* Is the file s->orig came from still mapped at s->addr, at the same
 * offset?  (Mappings split or merged by mprotect keep the offset of every
 * address; an unloaded object and whatever came in its place do not.) */
static bool file_still_there(const struct ld_bps *b, const struct ld_site *s)
{
	const struct ld_map *mp;

	if (!s->file_inode || !b->maps)
		return true;	/* not a file: nothing to compare */
	mp = ld_maps_find(b->maps, s->addr);
	return mp && mp->inode == s->file_inode &&
	       makedev(mp->dev_major, mp->dev_minor) == s->file_dev &&
	       mp->offset + (s->addr - mp->start) == s->file_off;
}

/* Write the original byte back for good, but only over our own int3: if
 * another byte is there, the code we patched is gone (unloaded, and
 * something else mapped in its place, or rewritten by the program) and
 * the saved byte belongs to nothing there.  A page that cannot be read
 * any more is gone too. */
static int site_restore(pid_t tid, struct ld_site *s)
{
	uint8_t cur;
	int r = ld_mem_read(tid, s->addr, &cur, 1);

	if (r == -EIO || r == -EFAULT || (!r && cur != INT3))
		return 0;
	return r ? r : ld_site_lift(tid, s);
}

int ld_site_lift(pid_t tid, struct ld_site *s)
{
	return ld_mem_write(tid, s->addr, &s->orig, 1);
}

int ld_site_drop(pid_t tid, struct ld_site *s)
{
	uint8_t op = INT3;

	return ld_mem_write(tid, s->addr, &op, 1);
}

int ld_bp_arm(struct ld_bps *b, pid_t tid, struct ld_bp *bp)
{
	struct ld_site *s = ld_site_at(b, bp->addr);
	uint8_t orig;
	int r;

	if (bp->armed)
		return 0;
	if (s) {
		s->refs++;
		bp->armed = true;
		return 0;
	}
	if (LD_GROW(b->sites, b->capsites, b->nsites, 8) < 0)
		return -ENOMEM;
	r = ld_mem_read(tid, bp->addr, &orig, 1);
	if (r)
		return r;
	s = &b->sites[b->nsites];
	s->addr = bp->addr;
	s->orig = orig;
	s->refs = 1;
	s->emu_tried = false;
	ld_guardian_note(s->addr, orig, true);	/* listed before written */
	stamp_file(b, s);
	r = ld_site_drop(tid, s);
	if (r) {
		ld_guardian_note(bp->addr, orig, false);
		return r;
	}
	b->nsites++;
	bp->armed = true;
	return 0;
}

/* Remember a removed site's address (best effort: without memory, a late
 * hit looks like the program's own int3, as before). */
static void moribund_add(struct ld_bps *b, uint64_t addr)
{
	if (ld_bp_moribund(b, addr))
		return;
	if (b->nmoribund == b->capmoribund) {
		size_t cap = b->capmoribund ? 2 * b->capmoribund : 8;
		uint64_t *v = realloc(b->moribund, cap * sizeof *v);

		if (!v)
			return;
		b->moribund = v;
		b->capmoribund = cap;
	}
	b->moribund[b->nmoribund++] = addr;
}

bool ld_bp_moribund(const struct ld_bps *b, uint64_t addr)
{
	size_t i;

	for (i = 0; i < b->nmoribund; i++)
		if (b->moribund[i] == addr)
			return true;
	return false;
}

void ld_bps_forget_moribund(struct ld_bps *b)
{
	b->nmoribund = 0;
}

static void site_remove(struct ld_bps *b, struct ld_site *s)
{
	size_t i = (size_t)(s - b->sites);

	moribund_add(b, s->addr);

	memmove(&b->sites[i], &b->sites[i + 1], (b->nsites - i - 1) * sizeof *s);
	b->nsites--;
}

int ld_bp_disarm(struct ld_bps *b, pid_t tid, struct ld_bp *bp)
{
	struct ld_site *s = ld_site_at(b, bp->addr);
	int r = 0;

	if (!bp->armed)
		return 0;
	bp->armed = false;
	if (!s)
		return 0;
	if (--s->refs > 0)
		return 0;
	if (tid)
		r = site_restore(tid, s);
	if (r == 0 || r == -ESRCH)
		ld_guardian_note(s->addr, 0, false);
	site_remove(b, s);
	return r == -ESRCH ? 0 : r;
}

int ld_bps_disarm_all(struct ld_bps *b, pid_t tid)
{
	int r = 0;
	size_t i;

	for (i = 0; i < b->nsites; i++) {
		int e = tid ? site_restore(tid, &b->sites[i]) : 0;

		if (e && e != -ESRCH && !r)
			r = e;
		if (!e || e == -ESRCH)
			ld_guardian_note(b->sites[i].addr, 0, false);
	}
	/* Every thread is stopped with its traps drained (or gone): no hit
	 * of these sites can come any more. */
	b->nsites = 0;
	b->nmoribund = 0;
	for (i = 0; i < b->n; i++)
		b->v[i]->armed = false;
	return r;
}

size_t ld_bps_forget_unloaded(struct ld_bps *b)
{
	size_t i = 0, j, n = 0;

	while (i < b->nsites) {
		struct ld_site *s = &b->sites[i];

		if (file_still_there(b, s)) {
			i++;
			continue;
		}
		for (j = 0; j < b->n; j++)
			if (b->v[j]->armed && b->v[j]->addr == s->addr)
				b->v[j]->armed = false;
		site_remove(b, s);
		n++;
	}
	/* Resolved but not armed (disabled, or its object just went): the
	 * address may name code that is gone; resolve it again. */
	for (j = 0; j < b->n; j++) {
		struct ld_bp *bp = b->v[j];

		if (!bp->armed && !bp->is_addr &&
		    (bp->type == LD_BP_USER || bp->type == LD_BP_TEMP))
			bp->pending = true;
	}
	return n;
}

void ld_bp_shadow(const struct ld_bps *b, uint64_t addr, void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < b->nsites; i++) {
		const struct ld_site *s = &b->sites[i];
		uint8_t *at;

		if (s->addr < addr || s->addr - addr >= len)
			continue;
		/* Where our int3 is not, the code is no longer what the
		 * byte was saved from: show what is there. */
		at = (uint8_t *)buf + (s->addr - addr);
		if (*at == INT3)
			*at = s->orig;
	}
}
