/* Breakpoint locations: parsing LOCATION, resolving it (symbols as the
 * dynamic linker binds them, IFUNCs, FILE:LINE, past the prologue),
 * arming it when its library loads, and `break` itself. */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/bplocs.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/prologue.h"
#include "layoutdbg/source.h"
#include "layoutdbg/watch.h"

/* A breakpoint was placed (or a pending one resolved): form says how. */
static void note_break(struct ld_session *s, const struct ld_bp *bp,
		       enum ld_break_form form, uint64_t addr, const char *text)
{
	struct ld_break_note b = {
		.form = form, .num = bp->num, .temporary = bp->type == LD_BP_TEMP,
		.addr = addr, .location = bp->spec, .text = text,
	};
	struct ld_note n = { .kind = LD_NOTE_BREAK, .brk = &b };

	ld_notify(s, &n);
}

/* ... at FILE:LINE (before the process runs). */
static void note_break_line(struct ld_session *s, const struct ld_bp *bp,
			    uint64_t addr, const char *file, unsigned line)
{
	struct ld_break_note b = {
		.form = LD_BRK_LINE, .num = bp->num,
		.temporary = bp->type == LD_BP_TEMP, .addr = addr,
		.location = bp->spec, .file = file, .line = line,
	};
	struct ld_note n = { .kind = LD_NOTE_BREAK, .brk = &b };

	ld_notify(s, &n);
}

/* Before `run`: bp's one location in the program file, as info
 * breakpoints shows it (gdb: the link-time address, "in FUNC at
 * FILE:LINE"). */
static void static_what(struct ld_session *s, struct ld_bp *bp, uint64_t addr,
			const struct ld_line *row)
{
	uint64_t off;
	const struct ld_symbol *sym = ld_elf_symbol_at(s->program.exe, addr, &off);

	bp->file_addr = addr;
	free(bp->loc_what);
	if (!sym || asprintf(&bp->loc_what, "in %s at %s:%u", sym->display,
			     ld_source_shortname(row->file), row->line) < 0)
		bp->loc_what = NULL;
}

/* LINE or FILE:LINE */
static bool is_line_location(const char *loc)
{
	const char *colon = strrchr(loc, ':');
	const char *digits = colon ? colon + 1 : loc;

	if (!*digits || strspn(digits, "0123456789") != strlen(digits))
		return false;
	return !colon || colon > loc;
}

static int parse_line_location(struct ld_bp *bp, const char *loc)
{
	const char *colon = strrchr(loc, ':');
	unsigned long n = strtoul(colon ? colon + 1 : loc, NULL, 10);

	if (n == 0 || n > 10000000)
		return ld_error("break %s: no line %lu", loc, n);
	bp->line = (unsigned)n;
	if (colon && !(bp->file = strndup(loc, (size_t)(colon - loc))))
		return ld_error("break: %s", strerror(ENOMEM));
	return 0;
}

/* gdb's 'ns::C::m(int)': the quotes keep a linespec whole; the name is
 * what they hold. */
static void unquote(char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n >= 2 && name[0] == '\'' && name[n - 1] == '\'') {
		memmove(name, name + 1, n - 2);
		name[n - 2] = '\0';
	}
}

static int parse_location(struct ld_bp *bp, const char *loc)
{
	const char *at;
	char *end;

	if (loc[0] == '*') {
		errno = 0;
		bp->addr = strtoull(loc + 1, &end, 0);
		if (errno || end == loc + 1 || *end)
			return ld_error("break %s: not an address", loc);
		bp->is_addr = true;
		return 0;
	}
	if (is_line_location(loc))
		return parse_line_location(bp, loc);
	at = strchr(loc, '@');
	bp->sym = at ? strndup(loc, (size_t)(at - loc)) : strdup(loc);
	unquote(bp->sym);
	if (at)
		bp->lib = strdup(at + 1);
	if (!bp->sym || (at && !bp->lib))
		return ld_error("break: %s", strerror(ENOMEM));
	if (!*bp->sym || (at && !*bp->lib))
		return ld_error("break %s: expected SYMBOL, SYMBOL@LIBRARY or "
				"*ADDRESS", loc);
	return 0;
}

static void set_where(struct ld_bp *bp, const char *fmt, ...) LD_PRINTF(2, 3);

static void set_where(struct ld_bp *bp, const char *fmt, ...)
{
	va_list ap;
	char *w;

	va_start(ap, fmt);
	if (vasprintf(&w, fmt, ap) < 0)
		w = NULL;
	va_end(ap);
	free(bp->where);
	bp->where = w;
}

/* Where `break FUNCTION` stops, as gdb chooses it: past the prologue by
 * the line table when the object has DWARF lines; without them past a
 * frame-pointer setup (prologue.h) if the code starts with one; else at
 * the entry. */
uint64_t ld_after_prologue(struct ld_session *s, struct ld_obj *ob,
			       uint64_t a)
{
	struct ld_lines *l = ld_obj_lines(ob);
	const struct ld_symbol *sym;
	uint8_t code[8];	/* the longest frame setup: endbr64, push, movq */
	uint64_t off;

	sym = ob->elf ? ld_obj_symbol_at(ob, a - ob->bias, &off) : NULL;
	if (!sym || off || sym->type == STT_GNU_IFUNC)
		return a;
	if (l)
		return ob->bias + ld_lines_after_prologue(l, a - ob->bias,
							  a - ob->bias + sym->size);
	if (!s->live.proc || ld_session_read(s, a, code, sizeof code))
		return a;
	return a + ld_prologue_frame_setup(code, sizeof code);
}

static void set_where_line(struct ld_bp *bp, const struct ld_line *row)
{
	set_where(bp, "file %s, line %u", ld_source_shortname(row->file),
		  row->line);
}

static bool resolve_line_live(struct ld_session *s, struct ld_bp *bp)
{
	const char *file = bp->file ? bp->file : ld_default_source(s);
	uint64_t addrs[8];
	unsigned actual;
	size_t i;

	for (i = 0; file && i < s->live.objs.n; i++) {
		struct ld_obj *ob = &s->live.objs.v[i];
		struct ld_lines *l = ld_obj_lines(ob);
		struct ld_line row;
		char err[256];
		int n;

		if (!l)
			continue;
		n = ld_lines_find(l, file, bp->line, addrs, 8, &actual, err, sizeof err);
		if (n <= 0)
			continue;
		bp->addr = ob->bias + addrs[0];
		bp->pending = false;
		if (ld_lines_at(l, addrs[0], &row))
			set_where_line(bp, &row);
		return true;
	}
	return false;
}

/* Where calls of an IFUNC go once the dynamic linker has run its
 * resolver: the GOT slot of the object's own IRELATIVE relocation for it
 * (glibc calls its string functions that way).  The dynamic linker has
 * filled it by the time it reports the object loaded; a slot that does
 * not yet hold an address in the object's code is not believed. */
static bool ifunc_target(struct ld_session *s, struct ld_obj *ob,
			 uint64_t resolver, uint64_t *target)
{
	const struct ld_map *mp;
	const struct ld_maps *m;
	uint64_t slot, v;

	if (!ob->elf || !ld_elf_irelative_slot(ob->elf, resolver - ob->bias, &slot) ||
	    ld_session_read(s, ob->bias + slot, &v, sizeof v) < 0 || v == resolver)
		return false;
	m = ld_session_maps(s);
	mp = m ? ld_maps_find(m, v) : NULL;
	if (!mp || mp->perms[2] != 'x' || v < ob->lo || v >= ob->hi)
		return false;
	*target = v;
	return true;
}

/* bp at every inlined copy of its function too (bp->pending false: it
 * has its out-of-line address already).  True when it has an address. */
static bool resolve_copies(struct ld_session *s, struct ld_bp *bp)
{
	size_t n = ld_bp_find_locations(s, bp, !bp->pending);

	if (n == 0)
		return false;
	bp->pending = false;
	if (n > 1)
		set_where(bp, "%s. (%zu locations)", bp->sym, n);
	else if (!bp->where)
		set_where(bp, "%s", bp->sym);
	return true;
}

static bool resolve_at(struct ld_session *s, struct ld_bp *bp);

/* Resolve bp in the live process.  Returns true when it now has an
 * address (and, with one location, gdb's What). */
static bool resolve_live(struct ld_session *s, struct ld_bp *bp)
{
	if (!resolve_at(s, bp))
		return false;
	bp->last_run = false;
	if (bp->nlocs <= 1)
		ld_bp_set_what(s, bp);
	return true;
}

static bool resolve_at(struct ld_session *s, struct ld_bp *bp)
{
	struct ld_obj *ob;
	uint64_t a;

	if (bp->is_addr) {
		struct ld_obj *o2 = ld_objs_at(&s->live.objs, bp->addr);
		char sym[256];

		ld_session_symbolize(s, bp->addr, sym, sizeof sym);
		set_where(bp, "%s in %s", sym, o2 ? o2->path : "??");
		bp->pending = false;
		return true;
	}
	if (bp->line)
		return resolve_line_live(s, bp);
	a = ld_objs_resolve(&s->live.objs, bp->sym, bp->lib, &ob);
	if (!a)
		return resolve_copies(s, bp);
	a = ld_after_prologue(s, ob, a);
	bp->addr = a;
	bp->pending = false;
	{
		const struct ld_symbol *sym;
		uint64_t off;

		/* An IFUNC symbol's value is its resolver: the code that runs
		 * for calls is chosen when the symbol is bound. */
		sym = ob->elf ? ld_obj_symbol_at(ob, a - ob->bias, &off) : NULL;
		if (sym && sym->type == STT_GNU_IFUNC) {
			uint64_t target;

			if (ifunc_target(s, ob, a, &target)) {
				bp->addr = target;
				set_where(bp, "%s in %s (IFUNC, resolved to %#" PRIx64 ")",
					  bp->sym, ob->path, target);
				return true;
			}
			set_where(bp, "%s in %s (IFUNC: stops in its resolver)",
				  bp->sym, ob->path);
			return true;
		}
	}
	set_where(bp, "%s in %s", bp->sym, ob->path);
	resolve_copies(s, bp);
	return true;
}

/* Arm every enabled, resolvable breakpoint; newly resolved ones are
 * announced when announce is set. */
void ld_arm_all(struct ld_session *s, bool announce)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];
		bool was_pending = bp->pending;
		int r;

		if (bp->type == LD_BP_SOLIB || bp->type == LD_BP_FINISH ||
		    LD_BP_NO_SITE(bp) || (bp->parent && bp->pending))
			continue;
		if (bp->pending && !resolve_live(s, bp))
			continue;
		if (!bp->enabled || bp->armed)
			continue;
		/* *ADDRESS in a library not mapped yet: armed when it is */
		if (bp->is_addr && (!ld_session_maps(s) ||
				    !ld_maps_find(ld_session_maps(s), bp->addr)))
			continue;
		r = ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp);
		if (r < 0) {
			ld_error("breakpoint %d at 0x%" PRIx64 ": cannot insert: %s",
				 bp->num, bp->addr, strerror(-r));
			continue;
		}
		if (announce && was_pending && !bp->is_addr)
			note_break(s, bp, LD_BRK_RESOLVED, bp->addr, bp->where);
	}
}

void ld_rearm_for_file(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *bp = s->live.bps.v[i];

		if (!bp->is_addr && !LD_BP_NO_SITE(bp)) {
			bp->last_run = !bp->pending && bp->addr;
			bp->pending = true;
		}
	}
}

/* The dynamic linker calls r_brk (_dl_debug_state) around every change
 * of the link map, at start-up and at every dlopen/dlclose: a breakpoint
 * there misses no load (glibc elf/dl-debug.c). */
void ld_arm_solib_hook(struct ld_session *s)
{
	uint64_t r_brk = s->live.objs.r_brk;

	if (!r_brk || (s->live.solib_bp && s->live.solib_bp->addr == r_brk))
		return;
	if (!s->live.solib_bp) {
		s->live.solib_bp = ld_bp_add(&s->live.bps, LD_BP_SOLIB, "<dl_debug_state>");
		if (!s->live.solib_bp)
			return;
	}
	s->live.solib_bp->addr = r_brk;
	s->live.solib_bp->pending = false;
	if (ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), s->live.solib_bp) < 0)
		ld_warn("cannot watch library loads: pending breakpoints in "
			"libraries loaded later stay pending");
}

/* A new image: the executable and ld.so are mapped, nothing else yet. */
void ld_new_image(struct ld_session *s)
{
	uint64_t sb;

	/* A fresh image has no heap: the break is start_brk. */
	s->recording.cur_brk_known = ld_session_start_brk(s->live.proc->pid, &sb) == 0;
	s->recording.cur_brk = sb;
	s->live.solib_bp = NULL;
	ld_stop_cache_invalidate(&s->cache);
	ld_unwinder_flush(s->live.unw);
	if (ld_session_rescan(s) < 0)
		return;
	ld_arm_solib_hook(s);
	ld_arm_all(s, false);
	ld_watch_rearm(s);
}

/* `break FILE:LINE` before `run`: checked against the program's own line
 * table (libraries are not known yet: then it stays pending). */
static int break_line_static(struct ld_session *s, struct ld_bp *bp,
			     const char *location)
{
	struct ld_lines *l = ld_session_exe_lines(s);
	const char *file = bp->file ? bp->file : ld_default_source(s);
	char err[256] = "";
	uint64_t addr;
	unsigned actual;
	struct ld_line row;
	int n;

	if (!l) {
		ld_bp_withdraw(&s->live.bps, bp);
		return ld_error("break %s: %s has no DWARF line information (built "
				"without -g, or stripped); break on a function or "
				"*ADDRESS", location,
				s->program.exe_path ? s->program.exe_path : "no program");
	}
	if (!file) {
		ld_bp_withdraw(&s->live.bps, bp);
		return ld_error("break %s: no default source file; give FILE:LINE",
				location);
	}
	n = ld_lines_find(l, file, bp->line, &addr, 1, &actual, err, sizeof err);
	if (n < 0 && bp->file) {
		note_break(s, bp, LD_BRK_PENDING_FILE, 0, err);
		return 0;
	}
	if (n <= 0) {
		ld_bp_withdraw(&s->live.bps, bp);
		return ld_error("break %s: %s", location, *err ? err : "no code at or "
				"after that line");
	}
	if (ld_lines_at(l, addr, &row))
		static_what(s, bp, addr, &row);
	note_break_line(s, bp, addr, row.file, actual);
	return 0;
}

/* `break` before `run`: where it will be, as far as the program file
 * tells. */
static void break_static(struct ld_session *s, struct ld_bp *bp)
{
	const struct ld_symbol *sym = NULL;
	struct ld_lines *l;

	if (!s->program.exe && !bp->is_addr) {
		note_break(s, bp, LD_BRK_PENDING_NOPROG, 0, NULL);
		return;
	}
	if (!bp->is_addr && !bp->lib)
		sym = ld_elf_lookup_name(s->program.exe, bp->sym);
	l = !bp->is_addr && !bp->lib ? ld_session_exe_lines(s) : NULL;
	if (l && (sym || ld_bp_static_locations(NULL, l, bp->sym, &(uint64_t){ 0 }))) {
		uint64_t a = sym ? ld_lines_after_prologue(l, sym->value,
							  sym->value + sym->size) : 0;
		size_t n = ld_bp_static_locations(s->program.exe, l, bp->sym, &a);
		struct ld_line row;
		char text[300];

		snprintf(text, sizeof text, "%s. (%zu locations)", bp->sym, n);
		if (n > 1)
			note_break(s, bp, LD_BRK_LIVE, a, text);
		else if (ld_lines_at(l, a, &row)) {
			static_what(s, bp, a, &row);
			note_break_line(s, bp, a, row.file, row.line);
		}
		else
			note_break(s, bp, LD_BRK_ADDR, a, NULL);
	} else if (bp->is_addr) {
		note_break(s, bp, LD_BRK_ADDR, bp->addr, NULL);
	} else if (sym) {
		struct ld_break_note b = {
			.form = LD_BRK_UNRELOCATED, .num = bp->num,
			.temporary = bp->type == LD_BP_TEMP, .addr = sym->value,
			.location = bp->spec, .text = bp->sym, .exe = s->program.exe_path,
		};
		struct ld_note n = { .kind = LD_NOTE_BREAK, .brk = &b };

		ld_notify(s, &n);
	} else {
		note_break(s, bp, LD_BRK_PENDING_SYM, 0, NULL);
	}
}

int ld_break(struct ld_session *s, const char *location, bool temporary)
{
	struct ld_bp *bp;

	if (!*location)
		return ld_error("break: a location is needed (SYMBOL, "
				"SYMBOL@LIBRARY or *ADDRESS)");
	bp = ld_bp_add(&s->live.bps, temporary ? LD_BP_TEMP : LD_BP_USER, location);
	if (!bp)
		return ld_error("break: %s", strerror(ENOMEM));
	if (parse_location(bp, location) < 0) {
		ld_bp_withdraw(&s->live.bps, bp);
		return -1;
	}
	if (s->live.proc) {
		if (resolve_live(s, bp)) {
			int r = ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp);

			if (r < 0) {
				ld_error("break %s: cannot insert at 0x%" PRIx64 ": %s",
					 location, bp->addr, strerror(-r));
				ld_bp_withdraw(&s->live.bps, bp);
				return -1;
			}
			note_break(s, bp, LD_BRK_LIVE, bp->addr, bp->where);
			return 0;
		}
		if (bp->line) {
			ld_bp_withdraw(&s->live.bps, bp);
			return ld_error("break %s: no code at or after that line in "
					"any loaded object with line information "
					"(a stripped program has none)", location);
		}
		if (!bp->lib || ld_objs_find(&s->live.objs, bp->lib)) {
			if (bp->lib)
				ld_error("break %s: no symbol \"%s\" in %s", location,
					 bp->sym, bp->lib);
			else
				ld_error("break %s: no symbol \"%s\" in the program or "
					 "its loaded libraries", location, location);
			ld_bp_withdraw(&s->live.bps, bp);
			return -1;
		}
		note_break(s, bp, LD_BRK_PENDING_LIB, 0, bp->lib);
		return 0;
	}
	if (bp->line)
		return break_line_static(s, bp, location);
	break_static(s, bp);
	return 0;
}

int ld_delete_bp(struct ld_session *s, struct ld_bp *bp)
{
	if (LD_BP_IS_WATCH(bp)) {
		ld_bp_delete(&s->live.bps, bp);
		return ld_watch_update(s);
	}
	if (bp->nlocs)
		ld_bp_drop_locations(s, bp);
	if (s->live.proc && ld_bp_disarm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp) < 0)
		ld_warn("breakpoint %d: could not restore the original byte",
			bp->num);
	ld_bp_delete(&s->live.bps, bp);
	return 0;
}

/* A watchpoint takes a debug register while enabled. */
static int enable_watch(struct ld_session *s, struct ld_bp *bp, bool on)
{
	size_t i, n = 0;

	for (i = 0; i < s->live.bps.n; i++)
		n += LD_BP_IS_WATCH(s->live.bps.v[i]) && s->live.bps.v[i]->enabled &&
		     s->live.bps.v[i] != bp;
	if (on && n >= 4)
		return ld_error("enable %d: all 4 debug registers are in use "
				"(disable or delete a watchpoint first)", bp->num);
	if (on && !bp->enabled) {	/* what changed while it slept is no hit */
		bp->w.old = 0;
		bp->w.old_valid = s->live.proc &&
			ld_mem_read(ld_proc_mem_tid(s->live.proc), bp->addr,
				    &bp->w.old, bp->w.len) == 0;
	}
	bp->enabled = on;
	return ld_watch_update(s);
}

int ld_enable_bp(struct ld_session *s, struct ld_bp *bp, bool on)
{
	if (LD_BP_IS_WATCH(bp))
		return enable_watch(s, bp, on);
	bp->enabled = on;
	if (bp->nlocs)
		ld_bp_enable_locations(s, bp, on);
	if (!s->live.proc || bp->pending || LD_BP_IS_CATCH(bp))
		return 0;
	if (on) {
		int r = ld_bp_arm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp);

		return r < 0 ? ld_error("enable %d: %s", bp->num, strerror(-r)) : 0;
	}
	return ld_bp_disarm(&s->live.bps, ld_proc_mem_tid(s->live.proc), bp) < 0 ?
	       ld_error("disable %d: cannot restore the original byte", bp->num) : 0;
}
