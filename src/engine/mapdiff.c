/* Diff of two mapping lists: what mmap, munmap, mprotect, mremap and brk did
 * between two snapshots.
 *
 * Both lists are sorted and free of overlaps (ld_maps_parse() sees to it).
 * One merge walk cuts the address space into clusters: the mappings of both
 * lists that are connected by overlap.  A cluster never shares an address
 * with another, so diffing clusters one after the other emits changes in
 * address order, and every mapping is looked at a bounded number of times.
 * Inside a cluster the shapes that syscalls produce are recognised (one to
 * one, one to many tiling it, many to one); anything else is reported as
 * removed + added, which is never wrong, only less precise.  A last pass
 * pairs removed and added pieces of the same file, offset and size into
 * moves, by sorting instead of comparing every pair. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/maps.h"

#define DELETED_LEN (sizeof(" (deleted)") - 1)
#define CMP(x, y) (((x) > (y)) - ((x) < (y)))

/* A run of consecutive mappings of one list; v is NULL when n is 0. */
struct span {
	const struct ld_map *v;
	size_t n;
};

void ld_map_diff_init(struct ld_map_diff *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
}

void ld_map_diff_release(struct ld_map_diff *d)
{
	free(d->v);
	ld_map_diff_init(d);
}

const char *ld_map_change_name(enum ld_map_change_kind k)
{
	static const char *const names[] = {
		[LD_MC_ADDED] = "added",
		[LD_MC_REMOVED] = "removed",
		[LD_MC_GROWN] = "grown",
		[LD_MC_SHRUNK] = "shrunk",
		[LD_MC_MOVED] = "moved",
		[LD_MC_PERMS] = "perms",
		[LD_MC_SPLIT] = "split",
		[LD_MC_MERGED] = "merged",
	};

	if ((unsigned)k >= sizeof(names) / sizeof(names[0]) || !names[k])
		return "unknown";
	return names[k];
}

int64_t ld_map_change_size_delta(const struct ld_map_change *c)
{
	if (!c->before || !c->after)
		return 0;
	return (int64_t)(c->after->end - c->after->start) -
	       (int64_t)(c->before->end - c->before->start);
}

bool ld_map_change_at_start(const struct ld_map_change *c)
{
	return (c->kind == LD_MC_GROWN || c->kind == LD_MC_SHRUNK) &&
	       c->before->start != c->after->start;
}

static int emit(struct ld_map_diff *d, enum ld_map_change_kind kind,
		const struct ld_map *before, const struct ld_map *after)
{
	struct ld_map_change *c;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;

		if (d->cap > SIZE_MAX / 2 / sizeof(*c))
			return -ENOMEM;
		c = realloc(d->v, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		d->v = c;
		d->cap = cap;
	}
	c = &d->v[d->n++];
	c->kind = kind;
	c->before = before;
	c->after = after;
	c->perms_changed = before && after &&
			   strcmp(before->perms, after->perms) != 0;
	return 0;
}

/* The path without " (deleted)": unlinking a mapped file does not change
 * the mapping. */
static size_t base_len(const struct ld_map *mp)
{
	size_t n = strlen(mp->path);

	return mp->deleted && n >= DELETED_LEN ? n - DELETED_LEN : n;
}

/* Order on what is mapped: device, inode, path.  Anonymous mappings (0:0,
 * inode 0, no path) are all one object; [heap], [stack], [anon:x] are each
 * their own. */
static int cmp_object(const struct ld_map *x, const struct ld_map *y)
{
	size_t nx = base_len(x), ny = base_len(y);
	int r;

	if (x->dev_major != y->dev_major)
		return CMP(x->dev_major, y->dev_major);
	if (x->dev_minor != y->dev_minor)
		return CMP(x->dev_minor, y->dev_minor);
	if (x->inode != y->inode)
		return CMP(x->inode, y->inode);
	r = memcmp(x->path, y->path, nx < ny ? nx : ny);
	return r ? r : CMP(nx, ny);
}

/* Whether y could be (part of) the same mapping as x, moved by its start
 * only: a file page keeps its offset wherever its address goes.  The kernel
 * prints 0 as the offset of anything without a file. */
static bool offsets_agree(const struct ld_map *x, const struct ld_map *y)
{
	if (!ld_map_is_file(x))
		return x->offset == y->offset;
	return y->offset - x->offset == y->start - x->start;
}

static bool same_piece(const struct ld_map *x, const struct ld_map *y)
{
	return !cmp_object(x, y) && offsets_agree(x, y);
}

/* The mappings of both lists from *i and *j that are connected by overlap.
 * Adjacent mappings do not overlap, so an unchanged one is a cluster of its
 * own.  Each step consumes a mapping: this ends even on unsorted input. */
static void next_cluster(const struct ld_maps *a, const struct ld_maps *b,
			 size_t *i, size_t *j)
{
	uint64_t end;

	if (*j >= b->n || (*i < a->n && a->v[*i].start <= b->v[*j].start))
		end = a->v[(*i)++].end;
	else
		end = b->v[(*j)++].end;
	for (;;) {
		const struct ld_map *mp;

		if (*i < a->n && a->v[*i].start < end)
			mp = &a->v[(*i)++];
		else if (*j < b->n && b->v[*j].start < end)
			mp = &b->v[(*j)++];
		else
			break;
		if (mp->end > end)
			end = mp->end;
	}
}

/* Everything in a removed, everything in b added, in address order. */
static int unrelated(struct ld_map_diff *d, struct span a, struct span b)
{
	size_t i = 0, j = 0;
	int rc;

	while (i < a.n || j < b.n) {
		if (j >= b.n || (i < a.n && a.v[i].start <= b.v[j].start))
			rc = emit(d, LD_MC_REMOVED, &a.v[i++], NULL);
		else
			rc = emit(d, LD_MC_ADDED, NULL, &b.v[j++]);
		if (rc)
			return rc;
	}
	return 0;
}

/* One mapping in each list, overlapping.  The same object with one end kept
 * grew or shrank: brk and mremap move the end; the stack growing, or the
 * kernel merging a new anonymous mmap into the mapping above it, moves the
 * start. */
static int one_to_one(struct ld_map_diff *d, const struct ld_map *x,
		      const struct ld_map *y)
{
	struct span a = { x, 1 }, b = { y, 1 };

	if (!same_piece(x, y))
		return unrelated(d, a, b);
	if (x->start == y->start && x->end == y->end) {
		if (!strcmp(x->perms, y->perms))
			return 0;
		return emit(d, LD_MC_PERMS, x, y);
	}
	if (x->start == y->start || x->end == y->end)
		return emit(d, y->end - y->start > x->end - x->start ?
			    LD_MC_GROWN : LD_MC_SHRUNK, x, y);
	return unrelated(d, a, b);
}

/* Whether the pieces, side by side, cover exactly whole and are parts of it:
 * what mprotect on part of a mapping (RELRO, a guard page) leaves behind. */
static bool tiles(const struct ld_map *whole, struct span pieces)
{
	size_t k;

	if (pieces.v[0].start != whole->start ||
	    pieces.v[pieces.n - 1].end != whole->end)
		return false;
	for (k = 0; k < pieces.n; k++) {
		if (k && pieces.v[k].start != pieces.v[k - 1].end)
			return false;
		if (!same_piece(whole, &pieces.v[k]))
			return false;
	}
	return true;
}

/* One change per piece: of a split, whole is the before of each; of a
 * merge (whole_is_after), the after. */
static int each_piece(struct ld_map_diff *d, enum ld_map_change_kind kind,
		      const struct ld_map *whole, struct span pieces,
		      bool whole_is_after)
{
	size_t k;
	int rc;

	for (k = 0; k < pieces.n; k++) {
		if (whole_is_after)
			rc = emit(d, kind, &pieces.v[k], whole);
		else
			rc = emit(d, kind, whole, &pieces.v[k]);
		if (rc)
			return rc;
	}
	return 0;
}

static int diff_cluster(struct ld_map_diff *d, struct span a, struct span b)
{
	if (a.n == 1 && b.n == 1)
		return one_to_one(d, a.v, b.v);
	if (a.n == 1 && b.n > 1 && tiles(a.v, b))
		return each_piece(d, LD_MC_SPLIT, a.v, b, false);
	if (b.n == 1 && a.n > 1 && tiles(b.v, a))
		return each_piece(d, LD_MC_MERGED, b.v, a, true);
	return unrelated(d, a, b);
}

static struct span span_of(const struct ld_maps *m, size_t from, size_t to)
{
	struct span s = { NULL, to - from };

	if (s.n)
		s.v = m->v + from;
	return s;
}

static const struct ld_map *map_of(const struct ld_map_change *c)
{
	return c->before ? c->before : c->after;
}

/* What must be equal for a removed and an added mapping to be one move:
 * the object, the file offset and the size (mremap keeps all three). */
static int cmp_move(const struct ld_map *x, const struct ld_map *y)
{
	int r = cmp_object(x, y);

	if (r)
		return r;
	if (x->offset != y->offset)
		return CMP(x->offset, y->offset);
	return CMP(x->end - x->start, y->end - y->start);
}

/* Sort order for pairing; the address breaks ties so that equal keys pair
 * up in address order whatever qsort does. */
static int by_move_key(const void *p, const void *q)
{
	const struct ld_map *x = map_of(*(struct ld_map_change *const *)p);
	const struct ld_map *y = map_of(*(struct ld_map_change *const *)q);
	int r = cmp_move(x, y);

	return r ? r : CMP(x->start, y->start);
}

/* The removed (want_before) or added file mappings among d->v[first..]. */
static size_t collect(struct ld_map_diff *d, size_t first, bool want_before,
		      struct ld_map_change **out)
{
	enum ld_map_change_kind kind;
	size_t k, n = 0;

	kind = want_before ? LD_MC_REMOVED : LD_MC_ADDED;
	for (k = first; k < d->n; k++)
		if (d->v[k].kind == kind && ld_map_is_file(map_of(&d->v[k])))
			out[n++] = &d->v[k];
	qsort(out, n, sizeof(*out), by_move_key);
	return n;
}

/* Turn each added mapping that has a removed twin into a move, in the
 * added one's place (changes are ordered by after->start), and drop the
 * twin.  Anonymous memory has no offset to tell one region from another,
 * so only file mappings are paired. */
static int pair_moves(struct ld_map_diff *d, size_t first)
{
	struct ld_map_change **rm, **ad;
	size_t nrm, nad, p = 0, q = 0, k, w;

	if (d->n == first)
		return 0;
	rm = malloc((d->n - first) * sizeof(*rm));
	ad = malloc((d->n - first) * sizeof(*ad));
	if (!rm || !ad) {
		free(rm);
		free(ad);
		return -ENOMEM;
	}
	nrm = collect(d, first, true, rm);
	nad = collect(d, first, false, ad);
	while (p < nrm && q < nad) {
		int r = cmp_move(rm[p]->before, ad[q]->after);

		if (r < 0) {
			p++;
		} else if (r > 0) {
			q++;
		} else {
			ad[q]->kind = LD_MC_MOVED;
			ad[q]->before = rm[p]->before;
			ad[q]->perms_changed = strcmp(ad[q]->before->perms,
						      ad[q]->after->perms) != 0;
			rm[p]->before = NULL;
			p++;
			q++;
		}
	}
	free(rm);
	free(ad);
	for (k = w = first; k < d->n; k++)
		if (d->v[k].before || d->v[k].after)
			d->v[w++] = d->v[k];
	d->n = w;
	return 0;
}

int ld_maps_diff(const struct ld_maps *a, const struct ld_maps *b,
		 struct ld_map_diff *out)
{
	size_t i = 0, j = 0, first = out->n;
	int rc;

	while (i < a->n || j < b->n) {
		size_t i0 = i, j0 = j;

		next_cluster(a, b, &i, &j);
		rc = diff_cluster(out, span_of(a, i0, i), span_of(b, j0, j));
		if (rc)
			return rc;
	}
	return pair_moves(out, first);
}
