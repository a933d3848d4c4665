/* `catch layout ADDR|REGION`: a catchpoint on one mapping's layout.  It
 * rides on the memory-call stops of syscallstop.c (the seccomp filter,
 * or PTRACE_SYSCALL for a process started without it): at the return of
 * a call whose range touches the caught mapping (munmap, mprotect,
 * mremap, mmap over it, brk, shmat/shmdt) the maps are read and compared
 * with the mapping as last seen; any other memory call goes on unseen. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/watch.h"

#define PAGE 4096ULL

static const long layout_calls[] = {
	SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_pkey_mprotect,
	SYS_brk, SYS_shmat, SYS_shmdt,
};

void ld_layout_calls(struct ld_sysset *set)
{
	size_t i;

	for (i = 0; i < sizeof layout_calls / sizeof *layout_calls; i++)
		ld_sysset_add(set, layout_calls[i]);
}

static void remember(struct ld_bp_layout *lay, const struct ld_map *mp)
{
	lay->mapped = mp != NULL;
	if (!mp)
		return;
	lay->start = mp->start;
	lay->end = mp->end;
	lay->offset = mp->offset;
	lay->inode = mp->inode;
	memcpy(lay->perms, mp->perms, sizeof lay->perms);
}

/* REGION: a mapping whose path is arg, or whose file name starts with it
 * ("libc" for libc.so.6). */
static const struct ld_map *by_region(const struct ld_maps *m, const char *arg)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].path, arg))
			return &m->v[i];
	for (i = 0; i < m->n; i++) {
		const char *base = strrchr(m->v[i].path, '/');

		if (base && !strncmp(base + 1, arg, strlen(arg)))
			return &m->v[i];
	}
	return NULL;
}

/* An address expression (a number, $reg, a symbol of the loaded objects)
 * or else a region's name. */
static bool is_address(struct ld_session *s, const char *arg)
{
	struct ld_obj *ob = NULL;
	char name[256];

	if (isdigit((unsigned char)*arg) || *arg == '$' || *arg == '&' || *arg == '*')
		return true;
	snprintf(name, sizeof name, "%s", arg);
	name[strcspn(name, "+@")] = 0;
	ld_objs_resolve(&s->objs, name, NULL, &ob);
	return ob != NULL;
}

struct ld_bp *ld_catch_layout(struct ld_session *s, const char *arg)
{
	const struct ld_maps *m = ld_session_maps(s);
	const struct ld_map *mp = NULL;
	struct ld_bp *bp;
	char spec[600];
	uint64_t addr = 0;

	if (!*arg) {
		ld_error("catch layout: usage: catch layout ADDRESS|REGION");
		return NULL;
	}
	if (!m)
		return NULL;
	if (is_address(s, arg)) {
		if (ld_eval_addr(s, "catch layout", arg + (*arg == '*'), &addr) < 0)
			return NULL;
		mp = ld_maps_find(m, addr);
	} else if ((mp = by_region(m, arg))) {
		addr = mp->start;
	} else {
		ld_error("catch layout: \"%s\": no such address or region (a "
			 "mapping's path, [heap], [stack], a library's name)", arg);
		return NULL;
	}
	if (!mp) {
		ld_error("catch layout: 0x%" PRIx64 ": not in any mapping", addr);
		return NULL;
	}
	snprintf(spec, sizeof spec, "layout %s", arg);
	bp = ld_bp_add(&s->bps, LD_BP_CATCH_LAYOUT, spec);
	if (!bp) {
		ld_error("catch layout: %s", strerror(ENOMEM));
		return NULL;
	}
	bp->pending = false;
	bp->addr = addr;
	bp->lay.resolved = true;
	remember(&bp->lay, mp);
	return bp;
}

/* The address range a returned call acted on; false when it failed or is
 * not one of ours.  all: it may have changed anything (brk, shm). */
static bool call_range(const struct ld_syscall *sc, uint64_t *lo, uint64_t *hi,
		       bool *all)
{
	const uint64_t *a = sc->args;
	uint64_t ret = (uint64_t)sc->ret;

	*all = false;
	if (sc->ret < 0 && sc->ret > -4096)
		return false;
	switch (sc->nr) {
	case SYS_mmap:
		*lo = ret;
		*hi = ret + a[1];
		return true;
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_mremap:
		*lo = a[0];
		*hi = a[0] + a[1];
		return true;
	case SYS_brk:
	case SYS_shmat:
	case SYS_shmdt:
		*all = true;
		return true;
	default:
		return false;
	}
}

/* Does the call touch bp's mapping (or, once unmapped, its page)?  An
 * mremap that moved the caught address takes it along. */
static bool touches(struct ld_bp *bp, const struct ld_syscall *sc)
{
	uint64_t lo = 0, hi = 0, wlo, whi;
	bool all;

	if (!call_range(sc, &lo, &hi, &all))
		return false;
	wlo = bp->lay.mapped ? bp->lay.start : bp->addr & ~(PAGE - 1);
	whi = bp->lay.mapped ? bp->lay.end : wlo + PAGE;
	if (sc->nr == SYS_mremap && (uint64_t)sc->ret != sc->args[0] &&
	    bp->addr >= lo && bp->addr < hi)
		bp->addr = (uint64_t)sc->ret + (bp->addr - lo);
	if (sc->nr == SYS_mremap && (uint64_t)sc->ret != sc->args[0] &&
	    bp->addr >= (uint64_t)sc->ret && bp->addr < (uint64_t)sc->ret + sc->args[2])
		return true;
	return all || (lo < whi && hi > wlo);
}

/* What the call did to the mapping that was lay, now mp (NULL: none);
 * false when nothing of it changed. */
static bool describe(const struct ld_bp_layout *lay, const struct ld_map *mp,
		     const struct ld_syscall *sc, uint64_t addr, char *buf,
		     size_t len)
{
	const char *name = ld_syscall_name(sc->nr);
	char was[96];

	name = name ? name : "?";
	snprintf(was, sizeof was, "0x%" PRIx64 "-0x%" PRIx64 " %s", lay->start,
		 lay->end, lay->perms);
	if (!lay->mapped && !mp)
		return false;
	if (!lay->mapped)
		snprintf(buf, len, "%s mapped 0x%" PRIx64 "-0x%" PRIx64 " %s at 0x%"
			 PRIx64, name, mp->start, mp->end, mp->perms, addr);
	else if (!mp)
		snprintf(buf, len, "%s unmapped %s", name, was);
	else if (sc->nr == SYS_mremap && (addr < lay->start || addr >= lay->end))
		snprintf(buf, len, "%s moved %s to 0x%" PRIx64 "-0x%" PRIx64, name,
			 was, mp->start, mp->end);
	else if (sc->nr == SYS_mmap || sc->nr == SYS_shmat)
		snprintf(buf, len, "%s replaced %s by 0x%" PRIx64 "-0x%" PRIx64 " %s",
			 name, was, mp->start, mp->end, mp->perms);
	else if (strcmp(mp->perms, lay->perms))
		snprintf(buf, len, "%s changed %s to %s (now 0x%" PRIx64 "-0x%" PRIx64
			 ")", name, was, mp->perms, mp->start, mp->end);
	else if (mp->start != lay->start || mp->end != lay->end ||
		 mp->inode != lay->inode ||
		 mp->offset - mp->start != lay->offset - lay->start)
		snprintf(buf, len, "%s resized %s to 0x%" PRIx64 "-0x%" PRIx64, name,
			 was, mp->start, mp->end);
	else
		return false;
	return true;
}

/* One caught mapping against the maps after the call. */
static bool check_one(struct ld_session *s, struct ld_bp *bp,
		      const struct ld_maps *m, const struct ld_syscall *sc,
		      struct ld_outcome *out, bool first)
{
	const struct ld_map *mp = ld_maps_find(m, bp->addr);
	char what[sizeof out->layout];

	if (!describe(&bp->lay, mp, sc, bp->addr, what, sizeof what))
		return false;
	remember(&bp->lay, mp);
	bp->hits++;
	if (bp->ignore) {
		bp->ignore--;
		return false;
	}
	if (first) {
		snprintf(out->layout, sizeof out->layout, "%s", what);
		out->bpnum = bp->num;
	}
	return true;
}

bool ld_layout_fires(struct ld_session *s, struct ld_thread *t,
		     const struct ld_syscall *sc, struct ld_outcome *out)
{
	struct ld_maps m = { 0 };
	bool read = false, fired = false;
	char err[128];
	size_t i;

	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];

		if (bp->type != LD_BP_CATCH_LAYOUT || !bp->enabled ||
		    !touches(bp, sc))
			continue;
		if (!read && ld_maps_read(ld_proc_mem_tid(s->proc), &m, err,
					  sizeof err) < 0)
			break;
		read = true;
		fired |= check_one(s, bp, &m, sc, out, !fired);
	}
	ld_maps_release(&m);
	if (!fired)
		return false;
	ld_syscall_format(t->tid, sc, out->call, sizeof out->call);
	ld_syscall_format_ret(sc, out->result, sizeof out->result);
	out->sc = *sc;
	out->sc.returned = true;
	out->catch_kind = LD_SK_LAYOUT;
	out->ev = LD_EV_CATCH;
	return true;
}
