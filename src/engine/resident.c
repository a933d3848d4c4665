/* What is in memory at a stop: the smaps of the stop, the resident
 * column's source, one page's state (xinfo) and the page counts of
 * snapshots.  Shown by present/pages.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/resident.h"

/* ---- the smaps of this stop --------------------------------------------- */

int ld_session_smaps(struct ld_session *s, const struct ld_smaps **out,
		     char *err, size_t errlen)
{
	pid_t pid;
	int r;

	*out = NULL;
	err[0] = 0;
	if (!s->live.proc) {
		snprintf(err, errlen, "no process");
		return -ESRCH;
	}
	pid = s->live.proc->pid;
	if (s->cache.smaps && s->cache.smaps_gen == s->cache.gen && s->cache.smaps_pid == pid) {
		*out = s->cache.smaps;
		return 0;
	}
	if (!s->cache.smaps) {
		s->cache.smaps = malloc(sizeof *s->cache.smaps);
		if (!s->cache.smaps) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
	} else {
		ld_smaps_release(s->cache.smaps);
	}
	ld_smaps_init(s->cache.smaps);
	s->cache.smaps_pid = 0;
	r = ld_smaps_read(pid, false, s->cache.smaps, err, errlen);
	if (r < 0 && !s->cache.smaps->maps.n)
		return r;
	*out = s->cache.smaps;
	if (r == 0) {
		s->cache.smaps_gen = s->cache.gen;
		s->cache.smaps_pid = pid;
	}
	return r;
}

bool ld_smaps_matches(const struct ld_smaps *sm, const struct ld_maps *m)
{
	size_t i;

	if (sm->maps.n != m->n)
		return false;
	for (i = 0; i < m->n; i++)
		if (sm->maps.v[i].start != m->v[i].start ||
		    sm->maps.v[i].end != m->v[i].end)
			return false;
	return true;
}

void ld_resident_prime(struct ld_session *s)
{
	const struct ld_smaps *sm;
	char err[256];

	if (!s->settings.snapshot_pages || !s->live.proc || s->cache.maps_gen == s->cache.gen)
		return;
	if (ld_session_smaps(s, &sm, err, sizeof err) < 0 || !sm->maps.n)
		return;
	ld_maps_release(&s->cache.maps);
	if (ld_maps_copy(&s->cache.maps, &sm->maps) == 0)
		s->cache.maps_gen = s->cache.gen;
}

const struct ld_smaps *ld_resident_column(struct ld_session *s,
					  const struct ld_maps *m,
					  const char *cmd)
{
	const struct ld_smaps *sm;
	char err[256];
	int r;

	if (!s->settings.vmmap_resident || !s->live.proc)
		return NULL;
	r = ld_session_smaps(s, &sm, err, sizeof err);
	if (r < 0) {
		ld_warn("%s: no resident column: %s", cmd, err);
		return NULL;
	}
	if (!ld_smaps_matches(sm, m)) {
		ld_warn("%s: no resident column: smaps and maps differ (the "
			"process changed or exited during the read)", cmd);
		return NULL;
	}
	return sm;
}

/* ---- one page ------------------------------------------------------ */

/* Whether pfn is the shared zero page, from /proc/kpageflags (KPF_ZERO_PAGE,
 * bit 24; readable with CAP_SYS_ADMIN only, like the PFN itself). */
static bool zero_page(uint64_t pfn)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	uint64_t fl = 0;
	bool z;

	if (fd < 0)
		return false;
	z = pread(fd, &fl, sizeof fl, (off_t)(pfn * 8)) == (ssize_t)sizeof fl &&
	    (fl >> 24 & 1);
	close(fd);
	return z;
}

int ld_page_info(pid_t pid, uint64_t addr, struct ld_page_info *out)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	int fd = ld_pagemap_open(pid), r = fd;

	memset(out, 0, sizeof *out);
	out->page = addr & ~(pg - 1);
	if (fd >= 0) {
		r = ld_pagemap_read(fd, out->page, 1, &out->entry);
		close(fd);
	}
	if (r < 0)
		return r;
	out->zero = (out->entry & LD_PM_PRESENT) && (out->entry & LD_PM_PFN_MASK) &&
		    zero_page(out->entry & LD_PM_PFN_MASK);
	return 0;
}

/* ---- snapshots ------------------------------------------------------- */

/* Adjacent small mappings are read from pagemap together, up to this many
 * pages (holes between them included: the kernel fills them with 0). */
#define STRIP_READ 8192

static bool strip_small(const struct ld_map *mp, uint64_t pg)
{
	return (mp->end - mp->start) / pg <= LD_STRIP_MAX_PAGES;
}

/* The states of mappings [i, j), whose pages are in e[] from lo on. */
static size_t strip_fill(struct ld_snapshot *snap, size_t i, size_t j,
			 uint64_t lo, const uint64_t *e, uint64_t pg, size_t out)
{
	for (; i < j; i++) {
		const struct ld_map *mp = &snap->maps.v[i];
		uint64_t a;

		for (a = mp->start; a < mp->end; a += pg)
			snap->strip[out++] = e ? (uint8_t)ld_page_state_of(e[(a - lo) / pg]) :
					       LD_PS_UNKNOWN;
	}
	return out;
}

/* smaps already says that no page is present or swapped: nothing to ask
 * pagemap.  Not for PFN and I/O maps ([vvar]), whose present pages smaps
 * does not count. */
static bool nothing_there(const struct ld_smap *m)
{
	return !m->kb[LD_SM_RSS] && !m->kb[LD_SM_SWAP] &&
	       (!m->vmflags || (!strstr(m->vmflags, "pf") && !strstr(m->vmflags, "io")));
}

/* A mapping whose pages pagemap is asked for. */
static bool strip_read(const struct ld_smaps *sm, size_t i, uint64_t pg)
{
	return strip_small(&sm->maps.v[i], pg) && !nothing_there(&sm->v[i]);
}

static int capture_strip(pid_t pid, const struct ld_smaps *sm,
			 struct ld_snapshot *snap)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), total = 0, *e;
	const struct ld_maps *m = &snap->maps;
	size_t i, j, out = 0;
	int fd;

	for (i = 0; i < m->n; i++)
		if (strip_small(&m->v[i], pg))
			total += (m->v[i].end - m->v[i].start) / pg;
	fd = ld_pagemap_open(pid);
	if (fd < 0) {
		snap->strip_err = fd;
		return 0;
	}
	e = malloc(STRIP_READ * sizeof *e);
	snap->strip = malloc(total ? total : 1);
	if (!e || !snap->strip) {
		free(e);
		close(fd);
		return -ENOMEM;
	}
	for (i = 0; i < m->n; i = j) {
		uint64_t lo = m->v[i].start;

		j = i + 1;
		if (!strip_small(&m->v[i], pg))
			continue;
		if (nothing_there(&sm->v[i])) {
			memset(snap->strip + out, LD_PS_ABSENT,
			       (m->v[i].end - m->v[i].start) / pg);
			out += (m->v[i].end - m->v[i].start) / pg;
			continue;
		}
		while (j < m->n && strip_read(sm, j, pg) &&
		       (m->v[j].end - lo) / pg <= STRIP_READ)
			j++;
		/* [vsyscall] lies above the user address space that
		 * pagemap covers: its pages are unknown */
		if (ld_pagemap_read(fd, lo, (m->v[j - 1].end - lo) / pg, e) < 0)
			out = strip_fill(snap, i, j, lo, NULL, pg, out);
		else
			out = strip_fill(snap, i, j, lo, e, pg, out);
	}
	snap->nstrip = out;
	free(e);
	close(fd);
	return 0;
}

int ld_snapshot_pages(struct ld_session *s, struct ld_snapshot *snap)
{
	const struct ld_smaps *sm;
	char err[256];
	size_t i;
	int r;

	if (!s->settings.snapshot_pages)
		return 0;
	r = ld_session_smaps(s, &sm, err, sizeof err);
	if (r == 0 && !ld_smaps_matches(sm, &snap->maps)) {
		r = -ESTALE;
		snprintf(err, sizeof err, "smaps and maps differ (the process "
			 "changed or exited during the read)");
	}
	if (r < 0) {
		snap->pages_err = r;
		ld_warn("snapshot: page counts not recorded: %s", err);
		return 0;
	}
	snap->pages = malloc((snap->maps.n ? snap->maps.n : 1) * sizeof *snap->pages);
	if (!snap->pages)
		return -ENOMEM;
	for (i = 0; i < snap->maps.n; i++)
		ld_pages_of(&sm->v[i], &snap->pages[i]);
	return capture_strip(s->live.proc->pid, sm, snap);
}

