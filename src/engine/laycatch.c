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
	ld_objs_resolve(&s->live.objs, name, NULL, &ob);
	return ob != NULL;
}

/* The maps after the call, read once for all catchpoints. */
struct after {
	struct ld_session *s;
	struct ld_maps m;
	bool read, failed;
};

static const struct ld_map *after_at(struct after *a, uint64_t addr);

static struct ld_bp *new_catch(struct ld_session *s, const char *arg)
{
	struct ld_bp *bp;
	char spec[600];

	snprintf(spec, sizeof spec, "layout %s", arg);
	bp = ld_bp_add(&s->live.bps, LD_BP_CATCH_LAYOUT, spec);
	if (!bp)
		ld_error("catch layout: %s", strerror(ENOMEM));
	else
		bp->pending = false;
	return bp;
}

/* Before `run`: a number or a region's name, found when the program's
 * memory calls map it (the filter of `run` stops them). */
static struct ld_bp *catch_pending(struct ld_session *s, const char *arg)
{
	struct ld_bp *bp;
	char *end;
	uint64_t addr = 0;

	if (isdigit((unsigned char)*arg)) {
		errno = 0;
		addr = strtoull(arg, &end, 0);
		if (errno || *end) {
			ld_error("catch layout: \"%s\": not an address", arg);
			return NULL;
		}
	} else if (*arg == '$' || *arg == '*' || *arg == '&') {
		ld_error("catch layout: \"%s\": no process to evaluate it in (give "
			 "a number or a region's name before `run`)", arg);
		return NULL;
	}
	if (!(bp = new_catch(s, arg)))
		return NULL;
	bp->addr = addr;
	if (!addr && !(bp->lay.region = strdup(arg))) {
		ld_bp_delete(&s->live.bps, bp);
		ld_error("catch layout: %s", strerror(ENOMEM));
		return NULL;
	}
	return bp;
}

struct ld_bp *ld_catch_layout(struct ld_session *s, const char *arg)
{
	const struct ld_maps *m;
	const struct ld_map *mp = NULL;
	struct ld_bp *bp;
	uint64_t addr = 0;
	bool region = false;

	if (!*arg) {
		ld_error("catch layout: usage: catch layout ADDRESS|REGION");
		return NULL;
	}
	if (!s->live.proc)
		return catch_pending(s, arg);
	if (!(m = ld_session_maps(s)))
		return NULL;
	if (is_address(s, arg)) {
		if (ld_eval_addr(s, "catch layout", arg + (*arg == '*'), &addr) < 0)
			return NULL;
		mp = ld_maps_find(m, addr);
	} else if ((mp = by_region(m, arg))) {
		addr = mp->start;
		region = true;
	} else {
		ld_error("catch layout: \"%s\": no such address or region (a "
			 "mapping's path, [heap], [stack], a library's name)", arg);
		return NULL;
	}
	if (!mp) {
		ld_error("catch layout: 0x%" PRIx64 ": not in any mapping", addr);
		return NULL;
	}
	if (!(bp = new_catch(s, arg)))
		return NULL;
	bp->addr = addr;
	bp->lay.region = region ? strdup(arg) : NULL;
	bp->lay.pid = s->live.proc->pid;
	remember(&bp->lay, mp);
	return bp;
}

/* A catchpoint set before this process: its mapping, once there, is where
 * the layout starts from (its birth is not an event). */
static void find_pending(struct ld_bp *bp, struct after *a, pid_t pid)
{
	const struct ld_map *mp;

	if (bp->lay.region) {
		if (!after_at(a, 0) && !a->read)
			return;
		if (!(mp = by_region(&a->m, bp->lay.region)))
			return;
		bp->addr = mp->start;
	} else if (!(mp = after_at(a, bp->addr))) {
		return;
	}
	remember(&bp->lay, mp);
	bp->lay.pid = pid;
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

static const struct ld_map *after_at(struct after *a, uint64_t addr)
{
	char err[128];

	if (!a->read && !a->failed) {
		a->failed = ld_maps_read(ld_proc_mem_tid(a->s->live.proc), &a->m, err,
					 sizeof err) < 0;
		a->read = !a->failed;
	}
	return a->read ? ld_maps_find(&a->m, addr) : NULL;
}

/* brk, shmat, shmdt: only what the maps say about the caught address. */
static bool event_any(struct ld_bp *bp, const char *name, struct after *a,
		      char *buf, size_t len)
{
	struct ld_bp_layout *L = &bp->lay;
	const struct ld_map *mp = after_at(a, bp->addr);

	if (L->mapped == (mp != NULL))
		return false;
	if (mp)
		snprintf(buf, len, "%s mapped 0x%" PRIx64 "-0x%" PRIx64 " %s at 0x%"
			 PRIx64, name, mp->start, mp->end, mp->perms, bp->addr);
	else
		snprintf(buf, len, "%s unmapped 0x%" PRIx64 "-0x%" PRIx64 " %s",
			 name, L->start, L->end, L->perms);
	remember(L, mp);
	return true;
}

/* The caught range is gone: a new mapping over the caught address. */
static bool event_mapped(struct ld_bp *bp, const struct ld_syscall *sc,
			 const char *name, struct after *a, char *buf, size_t len)
{
	uint64_t lo = sc->nr == SYS_mmap ? (uint64_t)sc->ret : 0, hi = 0;
	const struct ld_map *mp;

	if (sc->nr == SYS_mremap) {
		lo = (uint64_t)sc->ret;
		hi = lo + sc->args[2];
	} else if (sc->nr == SYS_mmap) {
		hi = lo + sc->args[1];
	}
	if (bp->addr < lo || bp->addr >= hi || !(mp = after_at(a, bp->addr)))
		return false;
	snprintf(buf, len, "%s mapped 0x%" PRIx64 "-0x%" PRIx64 " %s at 0x%" PRIx64,
		 name, lo, hi, mp->perms, bp->addr);
	remember(&bp->lay, mp);
	bp->lay.start = lo;
	bp->lay.end = hi;
	return true;
}

/* [lo, hi) of the caught range left it: it shrinks, or is gone when the
 * caught address went with it. */
static void cut(struct ld_bp *bp, uint64_t lo, uint64_t hi)
{
	struct ld_bp_layout *L = &bp->lay;

	if (bp->addr >= lo && bp->addr < hi)
		L->mapped = false;
	else if (lo <= L->start)
		L->start = hi;
	else if (hi >= L->end)
		L->end = lo;
}

/* mremap over the caught range: moved (with the caught address when it
 * was in the moved part), or resized in place. */
static void event_mremap(struct ld_bp *bp, const struct ld_syscall *sc,
			 uint64_t olo, uint64_t ohi, const char *part,
			 char *buf, size_t len)
{
	struct ld_bp_layout *L = &bp->lay;
	uint64_t from = sc->args[0], to = (uint64_t)sc->ret, nlen = sc->args[2];

	if (to == from) {
		snprintf(buf, len, "mremap resized %s to 0x%" PRIx64 "-0x%" PRIx64,
			 part, from, from + nlen);
		if (ohi > from + nlen)
			cut(bp, from + nlen, ohi);
		else if (L->end == from + sc->args[1])
			L->end = from + nlen;
		return;
	}
	snprintf(buf, len, "mremap moved %s to 0x%" PRIx64 "-0x%" PRIx64, part,
		 to, to + nlen);
	if (bp->addr < olo || bp->addr >= ohi) {
		cut(bp, olo, ohi);
		return;
	}
	bp->addr += to - from;
	L->start = to + (olo - from);
	/* the part that reached the old end grew with the new length */
	L->end = ohi == from + sc->args[1] ? to + nlen : to + (ohi - from);
}

/* What the returned call did to bp's caught range (the mapping that held
 * its address when it was set, followed through moves); false: nothing,
 * as for every call that acts elsewhere (a merge of a neighbour's pages
 * into the kernel's mapping is not an event). */
static bool event(struct ld_bp *bp, const struct ld_syscall *sc,
		  struct after *a, char *buf, size_t len)
{
	struct ld_bp_layout *L = &bp->lay;
	const char *name = ld_syscall_name(sc->nr);
	const struct ld_map *mp;
	uint64_t lo, hi, olo, ohi;
	char part[128];
	bool all;

	name = name ? name : "?";
	if (!call_range(sc, &lo, &hi, &all))
		return false;
	if (all)
		return event_any(bp, name, a, buf, len);
	if (!L->mapped)
		return event_mapped(bp, sc, name, a, buf, len);
	olo = lo > L->start ? lo : L->start;
	ohi = hi < L->end ? hi : L->end;
	if (olo >= ohi)
		return false;
	if (olo == L->start && ohi == L->end)
		snprintf(part, sizeof part, "0x%" PRIx64 "-0x%" PRIx64 " %s",
			 L->start, L->end, L->perms);
	else
		snprintf(part, sizeof part, "0x%" PRIx64 "-0x%" PRIx64 " of 0x%"
			 PRIx64 "-0x%" PRIx64 " %s", olo, ohi, L->start, L->end,
			 L->perms);
	switch (sc->nr) {
	case SYS_munmap:
		snprintf(buf, len, "munmap unmapped %s", part);
		cut(bp, olo, ohi);
		return true;
	case SYS_mprotect:
	case SYS_pkey_mprotect:
		mp = after_at(a, olo);
		snprintf(buf, len, "%s changed %s to %s", name, part,
			 mp ? mp->perms : "?");
		if (mp && bp->addr >= olo && bp->addr < ohi)
			memcpy(L->perms, mp->perms, sizeof L->perms);
		return true;
	case SYS_mremap:
		event_mremap(bp, sc, olo, ohi, part, buf, len);
		return true;
	default:	/* mmap with MAP_FIXED over it */
		mp = after_at(a, olo);
		snprintf(buf, len, "mmap replaced %s by a new mapping %s", part,
			 mp ? mp->perms : "?");
		return true;
	}
}

bool ld_layout_fires(struct ld_session *s, struct ld_thread *t,
		     const struct ld_syscall *sc, struct ld_outcome *out)
{
	struct after a = { .s = s };
	char what[sizeof out->layout];
	bool fired = false;
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (bp->type != LD_BP_CATCH_LAYOUT || !bp->enabled)
			continue;
		if (bp->lay.pid != s->live.proc->pid) {
			find_pending(bp, &a, s->live.proc->pid);
			continue;
		}
		if (!event(bp, sc, &a, what, sizeof what))
			continue;
		bp->hits++;
		if (bp->ignore) {
			bp->ignore--;
			continue;
		}
		if (!fired) {
			snprintf(out->layout, sizeof out->layout, "%s", what);
			out->bpnum = bp->num;
		}
		fired = true;
	}
	ld_maps_release(&a.m);
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
