/* What the pictures (svg.c, html.c) share: the scale that lays the
 * address space out in rows, the kinds of mappings and their colours, XML
 * text, and the facts that head a picture.
 *
 * The scale: the sorted boundaries of every mapping shown cut the address
 * space into rows, mapped rows get a height from log2 of their size,
 * unmapped ones a small fixed band.  A diff builds one scale from both
 * snapshots, so its two columns line up by address. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/picture.h"

/* ---- titles ------------------------------------------------------------ */

/* "%3", or "%3 (name)" when named. */
const char *ld_snap_title(const struct ld_snapshot *s, char *buf, size_t len)
{
	if (s->name)
		snprintf(buf, len, "%%%u (%s)", s->id, s->name);
	else
		snprintf(buf, len, "%%%u", s->id);
	return buf;
}

/* "process 1234 · stopped by REASON", escaped; the reason cut to max
 * characters. */
void ld_pic_facts_who(FILE *f, const struct ld_snapshot *s, size_t max)
{
	fprintf(f, "process %d \xc2\xb7 stopped by ", (int)s->pid);
	ld_xml_text_n(f, s->reason ? s->reason : "?", max);
}

/* "TIME · ASLR off · 22 mappings" */
void ld_pic_facts_when(FILE *f, const struct ld_snapshot *s)
{
	char t[64];

	fprintf(f, "%s \xc2\xb7 ASLR %s \xc2\xb7 %zu mapping%s",
		ld_iso_time(&s->when, t, sizeof t), s->aslr ? "on" : "off",
		s->maps.n, s->maps.n == 1 ? "" : "s");
}

/* ---- kinds of mappings (colours of the pictures) -------------------- */

const struct ld_kind_look ld_kinds[LD_K_COUNT] = {
	[LD_K_EXE_CODE] = { "#e8743b", "program code" },
	[LD_K_EXE_RO] = { "#f6c28b", "program read-only" },
	[LD_K_EXE_DATA] = { "#f19a5b", "program data" },
	[LD_K_LIB_CODE] = { "#3c78d8", "library code" },
	[LD_K_LIB_RO] = { "#a4c2f4", "library read-only" },
	[LD_K_LIB_DATA] = { "#6d9eeb", "library data" },
	[LD_K_HEAP] = { "#c27ba0", "heap" },
	[LD_K_STACK] = { "#8e7cc3", "stack" },
	[LD_K_ANON] = { "#cccccc", "anonymous" },
	[LD_K_SPECIAL] = { "#76a5af", "vdso, vvar, vsyscall" },
	[LD_K_THREAD] = { "#b4a7d6", "thread stack, guard, TLS" },
	[LD_K_SHARED] = { "#93c47d", "shm, memfd, /dev/zero" },
	[LD_K_FILE] = { "#ffd966", "mapped file" },
	[LD_K_DELETED] = { "#e06666", "deleted file" },
};

/* From the mapping's name and its region: the executable's own mappings
 * are those of its path; code is what is executable, data what is
 * writable, the rest read-only.  Thread stacks named by old kernels join
 * the threads, named anonymous memory the anonymous. */
enum ld_kind ld_kind_of(const struct ld_map *mp, const struct ld_region *r,
			const char *exe)
{
	char buf[PATH_MAX];
	int shade = mp->perms[2] == 'x' ? 0 : mp->perms[1] == 'w' ? 2 : 1;

	switch (ld_map_name_of(mp)) {
	case LD_MN_HEAP: return LD_K_HEAP;
	case LD_MN_STACK: return LD_K_STACK;
	case LD_MN_THREAD_STACK: return LD_K_THREAD;
	case LD_MN_ANON: case LD_MN_ANON_NAMED:
		return r && (r->kind == LD_RK_THREAD_STACK || r->kind == LD_RK_GUARD ||
			     r->kind == LD_RK_TLS) ? LD_K_THREAD : LD_K_ANON;
	case LD_MN_FILE: break;
	default: return LD_K_SPECIAL;
	}
	if (ld_file_kind_of(mp) != LD_FK_PLAIN && ld_file_kind_of(mp) != LD_FK_DELETED)
		return LD_K_SHARED;
	if (exe && !strcmp(ld_map_basepath(mp, buf, sizeof buf), exe))
		return (enum ld_kind)(LD_K_EXE_CODE + shade);
	if (r && r->kind == LD_RK_FILE)
		return mp->deleted ? LD_K_DELETED : LD_K_FILE;
	return (enum ld_kind)(LD_K_LIB_CODE + shade);
}

const char *ld_pic_name(const struct ld_map *mp, const struct ld_region *r,
			char *buf, size_t len)
{
	const char *slash;

	if (r && (r->kind == LD_RK_THREAD_STACK || r->kind == LD_RK_GUARD ||
		  r->kind == LD_RK_TLS)) {
		snprintf(buf, len, "thread %d %s", r->thread_num,
			 r->kind == LD_RK_GUARD ? "guard page" :
			 r->kind == LD_RK_TLS ? "TLS" : "stack");
		return buf;
	}
	if (!mp->path[0])
		return "anonymous";
	if (!ld_map_is_file(mp))
		return mp->path;
	slash = strrchr(mp->path, '/');
	return slash + 1;
}

struct ld_region *ld_pic_regions(const struct ld_snapshot *s)
{
	struct ld_region *rg = calloc(s->maps.n + 1, sizeof *rg);

	if (rg)
		ld_classify_snapshot(s, rg);
	return rg;
}

/* ---- XML text ------------------------------------------------ */

/* One character in XML text.  XML 1.0 cannot carry the other C0 controls,
 * U+FFFE or U+FFFF at all, not even as references: they become U+FFFD. */
static void xml_char(FILE *f, const unsigned char *p, size_t k, uint32_t cp)
{
	switch (cp) {
	case '&': fputs("&amp;", f); return;
	case '<': fputs("&lt;", f); return;
	case '>': fputs("&gt;", f); return;
	case '"': fputs("&quot;", f); return;
	case '\'': fputs("&#39;", f); return;
	}
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xfffe || cp == 0xffff)
		fputs("\xef\xbf\xbd", f);
	else
		fwrite(p, 1, k, f);
}

/* s escaped, at most max characters of it ("…" marks a cut).  File names
 * are bytes, not UTF-8: a bad byte becomes U+FFFD, so the document stays
 * well-formed. */
void ld_xml_text_n(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k, count = 0;
	uint32_t cp;

	for (; n; p += k, n -= k) {
		if (count++ == max) {
			fputs("\xe2\x80\xa6", f);
			return;
		}
		k = ld_utf8_seq(p, n, &cp);
		if (!k) {
			fputs("\xef\xbf\xbd", f);
			k = 1;
			continue;
		}
		xml_char(f, p, k, cp);
	}
}

void ld_xml_text(FILE *f, const char *s)
{
	ld_xml_text_n(f, s, SIZE_MAX);
}

/* ---- the scale ---------------------------------------------- */

#define ROW_MIN_H 16.0          /* a 4 KiB page: one line of 11px text */
#define ROW_PER_DOUBLING 6.0    /* and this much more per doubling */
#define GAP_H 20.0              /* an unmapped gap, whatever its size */

/* log2 without libm: the integer part, then linear between powers of
 * two, which is all a picture needs. */
static double log2_u64(uint64_t v)
{
	int k = 0;

	if (!v)
		return 0;
	while (k < 63 && v >> (k + 1))
		k++;
	return k + (double)(v - (1ULL << k)) / (double)(1ULL << k);
}

static double row_height(uint64_t size)
{
	double l = log2_u64(size) - 12;

	return ROW_MIN_H + ROW_PER_DOUBLING * (l > 0 ? l : 0);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static bool covered(const struct ld_maps *const *lists, size_t nl,
		    uint64_t addr)
{
	size_t k;

	for (k = 0; k < nl; k++)
		if (ld_maps_find(lists[k], addr))
			return true;
	return false;
}

/* Sorted, unique boundaries of every mapping of the lists, in *out. */
static int boundaries(const struct ld_maps *const *lists, size_t nl,
		      uint64_t **out, size_t *nout)
{
	size_t total = 0, n = 0, i, k;
	uint64_t *b;

	for (k = 0; k < nl; k++)
		total += 2 * lists[k]->n;
	if (!(b = malloc((total + 1) * sizeof *b)))
		return -ENOMEM;
	for (k = 0; k < nl; k++) {
		for (i = 0; i < lists[k]->n; i++) {
			b[n++] = lists[k]->v[i].start;
			b[n++] = lists[k]->v[i].end;
		}
	}
	qsort(b, n, sizeof *b, cmp_u64);
	for (i = k = 0; i < n; i++)
		if (!k || b[i] != b[k - 1])
			b[k++] = b[i];
	*out = b;
	*nout = k;
	return 0;
}

int ld_scale_build(struct ld_scale *sc, const struct ld_maps *const *lists,
		   size_t nl, double top)
{
	uint64_t *b;
	size_t nb, i;
	double y = top;

	memset(sc, 0, sizeof *sc);
	sc->top = sc->bottom = top;
	if (boundaries(lists, nl, &b, &nb))
		return -ENOMEM;
	if (!(sc->v = calloc(nb + 1, sizeof *sc->v))) {
		free(b);
		return -ENOMEM;
	}
	for (i = 0; i + 1 < nb; i++) {
		struct ld_row *rw = &sc->v[sc->n++];

		rw->lo = b[i];
		rw->hi = b[i + 1];
		rw->gap = !covered(lists, nl, rw->lo);
		rw->h = rw->gap ? GAP_H : row_height(rw->hi - rw->lo);
		rw->y = y;
		y += rw->h;
	}
	sc->bottom = y;
	free(b);
	return 0;
}

/* Where addr is drawn: linear inside its row (for the program break, which
 * may fall anywhere), clamped to the picture. */
double ld_scale_y(const struct ld_scale *sc, uint64_t addr)
{
	size_t lo = 0, hi = sc->n;
	const struct ld_row *rw;

	if (!sc->n || addr <= sc->v[0].lo)
		return sc->top;
	if (addr >= sc->v[sc->n - 1].hi)
		return sc->bottom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->v[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	rw = &sc->v[lo];
	return rw->y + rw->h * ((double)(addr - rw->lo) / (double)(rw->hi - rw->lo));
}

/* Flushed, so that a full disk shows up here and not at fclose(). */
int ld_pic_finish(FILE *out, int rc)
{
	if (fflush(out))
		return rc ? rc : -errno;
	if (ferror(out))
		return rc ? rc : -EIO;
	return rc;
}

void ld_scale_release(struct ld_scale *sc)
{
	free(sc->v);
	memset(sc, 0, sizeof *sc);
}
