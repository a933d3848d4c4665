/* Hardware watchpoints: watch, rwatch and awatch on the x86-64 debug
 * registers (DR0-DR3 addresses, DR7 control, DR6 status), set in every
 * thread through the process record (proc.h: dr, dr7, dr_gen), and the
 * decision at a debug-register trap, as gdb's bpstat_check_watchpoint
 * makes it: a write watchpoint stops only when the value changed, a read
 * watchpoint (x86 has no read-only slot: an access slot) only when it did
 * not. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/guardian.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/watch.h"
#include "layoutdbg/xinfo.h"

#define NSLOTS 4

/* What one watch expression names. */
struct wexpr {
	uint64_t addr;
	unsigned len;
	char spec[512];
};

const char *ld_watch_title(enum ld_bp_type type)
{
	return type == LD_BP_RWATCH ? "Hardware read watchpoint" :
	       type == LD_BP_AWATCH ? "Hardware access (read/write) watchpoint" :
	       "Hardware watchpoint";
}

const char *ld_watch_short(enum ld_bp_type type)
{
	return type == LD_BP_RWATCH ? "read watchpoint" :
	       type == LD_BP_AWATCH ? "acc watchpoint" : "hw watchpoint";
}

static const char *cmd_of(enum ld_bp_type type)
{
	return type == LD_BP_RWATCH ? "rwatch" :
	       type == LD_BP_AWATCH ? "awatch" : "watch";
}

/* The size of a C scalar type named in a cast; 0 when unknown. */
static unsigned type_size(const char *t, int stars)
{
	static const struct { const char *name; unsigned size; } types[] = {
		{ "char", 1 }, { "signed char", 1 }, { "unsigned char", 1 },
		{ "int8_t", 1 }, { "uint8_t", 1 }, { "bool", 1 }, { "_Bool", 1 },
		{ "short", 2 }, { "unsigned short", 2 }, { "short int", 2 },
		{ "int16_t", 2 }, { "uint16_t", 2 },
		{ "int", 4 }, { "unsigned", 4 }, { "unsigned int", 4 },
		{ "int32_t", 4 }, { "uint32_t", 4 }, { "float", 4 },
		{ "long", 8 }, { "unsigned long", 8 }, { "long long", 8 },
		{ "unsigned long long", 8 }, { "long int", 8 }, { "int64_t", 8 },
		{ "uint64_t", 8 }, { "double", 8 }, { "size_t", 8 },
		{ "ssize_t", 8 }, { "uintptr_t", 8 }, { "intptr_t", 8 },
	};
	size_t i;

	if (stars > 1)
		return 8;	/* a pointer */
	for (i = 0; i < sizeof types / sizeof *types; i++)
		if (!strcmp(t, types[i].name))
			return types[i].size;
	return 0;
}

/* "(TYPE *) REST": the length TYPE gives, *rest past the cast. */
static int parse_cast(const char *cmd, const char *expr, unsigned *len,
		      const char **rest)
{
	const char *close = strchr(expr, ')');
	char t[128];
	size_t n;
	int stars = 0;

	if (!close || (size_t)(close - expr - 1) >= sizeof t)
		return ld_error("%s: \"%s\": bad cast", cmd, expr);
	n = (size_t)(close - expr - 1);
	memcpy(t, expr + 1, n);
	t[n] = 0;
	while (n && (t[n - 1] == '*' || isspace((unsigned char)t[n - 1]))) {
		stars += t[n - 1] == '*';
		t[--n] = 0;
	}
	if (!stars)
		return ld_error("%s: \"%s\": the cast must be to a pointer "
				"(*(int *) ADDRESS)", cmd, expr);
	if (!(*len = type_size(t, stars)))
		return ld_error("%s: \"%s\": unknown type \"%s\" (a scalar type "
				"of 1, 2, 4 or 8 bytes, or a pointer)", cmd, expr, t);
	*rest = close + 1;
	while (isspace((unsigned char)**rest))
		(*rest)++;
	return 0;
}

/* The watched length of SYMBOL[+OFF] at addr: the rest of its ELF symbol,
 * as one debug register can hold it. */
static int symbol_len(struct ld_session *s, const char *cmd, const char *name,
		      uint64_t addr, unsigned *len)
{
	struct ld_obj *ob = ld_objs_at(&s->live.objs, addr);
	struct ld_elf *e = ob ? ld_obj_elf(ob) : NULL;
	const struct ld_symbol *sym;
	uint64_t off, left;

	sym = e ? ld_obj_symbol_at(ob, addr - ob->bias, &off) : NULL;
	if (!sym || !sym->size || off >= sym->size)
		return ld_error("%s: '%s' has unknown size; cast it to its "
				"declared type (*(int *) &%s)", cmd, name, name);
	left = sym->size - off;
	if (!off && left > 8)
		return ld_error("%s: '%s' is %" PRIu64 " bytes: a debug register "
				"watches at most 8 (watch a part: *(long *) &%s)",
				cmd, name, left, name);
	for (*len = 8; *len > 1; *len /= 2)
		if (*len <= left && addr % *len == 0)
			break;
	return 0;
}

static int parse_expr(struct ld_session *s, enum ld_bp_type type,
		      const char *expr, struct wexpr *w)
{
	const char *cmd = cmd_of(type), *e = expr;
	bool location = false;

	if (!strncmp(e, "-location ", 10) || !strncmp(e, "-l ", 3)) {
		location = true;
		e = strchr(e, ' ');
		while (isspace((unsigned char)*e))
			e++;
	}
	if (!*e)
		return ld_error("%s: usage: %s [-l] EXPRESSION|*ADDRESS|"
				"*(TYPE *) ADDRESS", cmd, cmd);
	snprintf(w->spec, sizeof w->spec, "%s%s", location ? "-location " : "", e);
	if (*e == '*') {
		const char *a = e + 1;

		while (isspace((unsigned char)*a))
			a++;
		w->len = 4;	/* gdb's *ADDRESS is an int */
		if (*a == '(' && parse_cast(cmd, a, &w->len, &a) < 0)
			return -1;
		return ld_eval_addr(s, cmd, a, &w->addr);
	}
	if (isdigit((unsigned char)*e) || *e == '-')
		return ld_error("%s: cannot watch constant value `%s' (*ADDRESS "
				"watches memory)", cmd, e);
	if (*e == '$')
		return ld_error("%s: %s: a register has no address (no software "
				"watchpoints)", cmd, e);
	if (ld_eval_addr(s, cmd, e, &w->addr) < 0)
		return -1;
	return symbol_len(s, cmd, e, w->addr, &w->len);
}

/* One debug register: aligned, mapped. */
static int check_range(struct ld_session *s, const char *cmd,
		       const struct wexpr *w)
{
	const struct ld_maps *m = ld_session_maps(s);

	if (w->addr % w->len)
		return ld_error("%s: 0x%" PRIx64 " is not aligned to its length %u "
				"(a debug register watches 1, 2, 4 or 8 aligned "
				"bytes)", cmd, w->addr, w->len);
	if (m && !ld_maps_find(m, w->addr))
		return ld_error("%s: 0x%" PRIx64 ": not in any mapping", cmd,
				w->addr);
	return 0;
}

static size_t enabled_watches(const struct ld_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->live.bps.n; i++)
		n += LD_BP_IS_WATCH(s->live.bps.v[i]) && s->live.bps.v[i]->enabled;
	return n;
}

/* The watched bytes now, as an integer (little-endian), read through
 * thread tid (the one that trapped: the selected one may have ended). */
static bool read_value(struct ld_session *s, pid_t tid, const struct ld_bp *bp,
		       uint64_t *v)
{
	uint64_t x = 0;

	if (ld_mem_read(tid ? tid : ld_proc_mem_tid(s->live.proc), bp->addr, &x,
			bp->w.len))
		return false;
	*v = x;
	return true;
}

struct ld_bp *ld_watch(struct ld_session *s, enum ld_bp_type type,
		       const char *expr)
{
	const char *cmd = cmd_of(type);
	struct wexpr w = { 0 };
	struct ld_bp *bp;

	if (parse_expr(s, type, expr, &w) < 0 || check_range(s, cmd, &w) < 0)
		return NULL;
	if (enabled_watches(s) >= NSLOTS) {
		ld_error("%s: all %d debug registers are in use (delete or disable "
			 "a watchpoint; no software watchpoints)", cmd, NSLOTS);
		return NULL;
	}
	if (!(bp = ld_bp_add(&s->live.bps, type, w.spec))) {
		ld_error("%s: %s", cmd, strerror(ENOMEM));
		return NULL;
	}
	bp->pending = false;
	bp->addr = w.addr;
	bp->w.len = w.len;
	bp->w.old_valid = read_value(s, 0, bp, &bp->w.old);
	if (ld_watch_update(s) < 0) {
		s->live.bps.next_num--;
		ld_bp_delete(&s->live.bps, bp);
		ld_watch_update(s);
		return NULL;
	}
	return bp;
}

/* DR7 for slot i: enabled locally, its condition and its length. */
static uint64_t dr7_bits(int i, const struct ld_bp *bp)
{
	uint64_t rw = bp->type == LD_BP_WATCH ? 1 : 3;	/* write / access */
	uint64_t len = bp->w.len == 1 ? 0 : bp->w.len == 2 ? 1 :
		       bp->w.len == 8 ? 2 : 3;

	return (1ULL << (2 * i)) | (rw << (16 + 4 * i)) | (len << (18 + 4 * i));
}

int ld_watch_update(struct ld_session *s)
{
	struct ld_proc *p = s->live.proc;
	uint64_t dr[NSLOTS] = { 0 }, dr7 = 0;
	size_t i;
	int slot = 0, r;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (!LD_BP_IS_WATCH(bp))
			continue;
		bp->w.slot = -1;
		if (!bp->enabled || slot == NSLOTS)
			continue;
		bp->w.slot = slot;
		dr[slot] = bp->addr;
		dr7 |= dr7_bits(slot++, bp);
	}
	if (!p || p->exited || (dr7 == p->dr7 && !memcmp(dr, p->dr, sizeof dr)))
		return 0;
	ld_guardian_note_debugregs();	/* told before they are written */
	memcpy(p->dr, dr, sizeof dr);
	p->dr7 = dr7;
	if (++p->dr_gen == 0)
		p->dr_gen = 1;
	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];

		r = ld_proc_sync_debugregs(p, t);
		if (r < 0 && r != -ESRCH)
			return ld_error("debug registers of thread %d (LWP %d): %s",
					t->num, (int)t->tid, strerror(-r));
	}
	return 0;
}

void ld_watch_rearm(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];
		struct wexpr w = { 0 };

		if (!LD_BP_IS_WATCH(bp) || !bp->enabled)
			continue;
		if (parse_expr(s, bp->type, bp->spec, &w) < 0 ||
		    check_range(s, cmd_of(bp->type), &w) < 0) {
			bp->enabled = false;
			ld_warn("watchpoint %d (%s) disabled: not in process %d",
				bp->num, bp->spec, (int)s->live.proc->pid);
			continue;
		}
		bp->addr = w.addr;
		bp->w.len = w.len;
		bp->w.old = 0;
		bp->w.old_valid = read_value(s, 0, bp, &bp->w.old);
	}
	ld_watch_update(s);
}

void ld_watch_exec(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (!LD_BP_IS_WATCH(bp) || !bp->enabled)
			continue;
		bp->enabled = false;
		ld_warn("watchpoint %d (%s) disabled: the program exec'd", bp->num,
			bp->spec);
	}
	if (s->live.proc) {
		/* the kernel cleared them at exec: none to write */
		memset(s->live.proc->dr, 0, sizeof s->live.proc->dr);
		s->live.proc->dr7 = 0;
		for (i = 0; i < s->live.proc->nthreads; i++)
			s->live.proc->threads[i].dr_gen = s->live.proc->dr_gen;
	}
	ld_watch_update(s);
}

/* Does watchpoint bp stop at this trap (gdb's rules), its ignore count
 * permitting?  Its value is brought up to date either way. */
static bool watch_fires(struct ld_session *s, pid_t tid, struct ld_bp *bp,
			struct ld_outcome *out, bool first)
{
	uint64_t now = 0;
	bool valid = read_value(s, tid, bp, &now);
	bool changed = valid != bp->w.old_valid || (valid && now != bp->w.old);
	uint64_t old = bp->w.old;
	bool old_valid = bp->w.old_valid;

	bp->w.old = now;
	bp->w.old_valid = valid;
	if ((bp->type == LD_BP_WATCH && !changed) ||
	    (bp->type == LD_BP_RWATCH && changed))
		return false;
	bp->hits++;
	if (bp->ignore) {
		bp->ignore--;
		return false;
	}
	if (first) {
		out->ev = LD_EV_WATCH;
		out->bpnum = bp->num;
		out->watch_old = old;
		out->watch_old_valid = old_valid;
		out->watch_new = now;
		out->watch_new_valid = valid;
		out->watch_changed = changed;
	}
	return true;
}

enum ld_verdict ld_on_watch(struct ld_session *s, struct ld_thread *t,
			    struct ld_outcome *out)
{
	bool fired = false;
	uint64_t dr6;
	size_t i;

	if (!t || ld_debugreg_get(t->tid, 6, &dr6) < 0)
		return LD_V_RESUME;
	/* The status is the thread's until cleared (older kernels add to
	 * it): a later trap must not name this one's slots. */
	ld_debugreg_set(t->tid, 6, 0);
	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (LD_BP_IS_WATCH(bp) && bp->enabled && bp->w.slot >= 0 &&
		    (dr6 >> bp->w.slot) & 1 && watch_fires(s, t->tid, bp, out, !fired))
			fired = true;
	}
	/* A slot of a watchpoint deleted meanwhile, or a write that changed
	 * nothing: the program runs on (never a SIGTRAP for it). */
	return fired ? LD_V_REPORT : LD_V_RESUME;
}

bool ld_watch_trapped(struct ld_session *s, struct ld_thread *t)
{
	uint64_t dr6;

	uint64_t on = 0;
	int i;

	for (i = 0; i < NSLOTS; i++)
		on |= ((s->live.proc->dr7 >> (2 * i)) & 1) << i;
	return on && ld_debugreg_get(t->tid, 6, &dr6) == 0 && (dr6 & on);
}

char *ld_watch_region(struct ld_session *s, uint64_t addr)
{
	struct ld_xinfo x;
	char owner[512], sym[300] = "", sec[128] = "", *out;

	if (ld_xinfo_at(s, addr, &x) < 0 || !x.mp)
		return strdup("not in any mapping");
	if (x.sym)
		snprintf(sym, sizeof sym, x.sym_off ? "<%s+%" PRIu64 "> " : "<%s> ",
			 x.sym->display, x.sym_off);
	if (x.sec)
		snprintf(sec, sizeof sec, "%s, ", x.sec->name);
	if (asprintf(&out, "0x%" PRIx64 " %sin %s%s (%s), mapping 0x%" PRIx64
		     "-0x%" PRIx64 " %s", addr, sym, sec,
		     ld_region_kind_name(x.region.kind),
		     ld_region_owner(&x.region, x.mp, owner, sizeof owner),
		     x.mp->start, x.mp->end, x.mp->perms) < 0)
		return NULL;
	return out;
}
