/* Run control: resuming, stepping over breakpoints, deciding what each
 * stop means, stopping every thread, reporting.  The only code that
 * resumes the tracee. */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "layoutdbg/emulate.h"
#include "layoutdbg/error.h"
#include "layoutdbg/guardian.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/output.h"
#include "layoutdbg/prologue.h"
#include "layoutdbg/session.h"
#include "layoutdbg/source.h"

volatile sig_atomic_t ld_interrupted;
volatile sig_atomic_t ld_running;
volatile sig_atomic_t ld_terminate;

/* What handling one stop decided. */
enum verdict { V_RESUME, V_REPORT, V_RESUMED /* already resumed */ };

struct outcome {
	enum ld_event ev;
	pid_t tid;
	int bpnum;              /* the breakpoint or catchpoint reported */
	int sig;
	uint64_t fault_addr;
	char msg[1280];         /* LD_EV_CATCH: what happened, in words */
	bool line_step;         /* LD_EV_STEP of next/step/until */
	bool same_function;     /* ... that stayed in the function */
	bool group_stop;        /* LD_EV_SIGNAL: a group-stop, not a delivery */
};

extern char **environ;

static bool catch_fires(struct ld_session *s, enum ld_bp_type type,
			const char *path, struct outcome *out);
static int step_insn(struct ld_session *s, struct ld_thread *t,
		     struct outcome *out);
static int quiesce(struct ld_session *s, struct ld_proc *p);

/* ---- breakpoints ---------------------------------------------------- */

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
static uint64_t after_prologue(struct ld_session *s, struct ld_obj *ob,
			       uint64_t a)
{
	struct ld_lines *l = ld_obj_lines(ob);
	const struct ld_symbol *sym;
	uint8_t code[8];	/* the longest frame setup: endbr64, push, movq */
	uint64_t off;

	sym = ob->elf ? ld_elf_symbol_at(ob->elf, a - ob->bias, &off) : NULL;
	if (!sym || off || sym->type == STT_GNU_IFUNC)
		return a;
	if (l)
		return ob->bias + ld_lines_after_prologue(l, a - ob->bias,
							  a - ob->bias + sym->size);
	if (!s->proc || ld_session_read(s, a, code, sizeof code))
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

	for (i = 0; file && i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];
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

/* Resolve bp in the live process.  Returns true when it now has an
 * address. */
static bool resolve_live(struct ld_session *s, struct ld_bp *bp)
{
	struct ld_obj *ob;
	uint64_t a;

	if (bp->is_addr) {
		struct ld_obj *o2 = ld_objs_at(&s->objs, bp->addr);
		char sym[256];

		ld_session_symbolize(s, bp->addr, sym, sizeof sym);
		set_where(bp, "%s in %s", sym, o2 ? o2->path : "??");
		bp->pending = false;
		return true;
	}
	if (bp->line)
		return resolve_line_live(s, bp);
	a = ld_objs_resolve(&s->objs, bp->sym, bp->lib, &ob);
	if (!a)
		return false;
	a = after_prologue(s, ob, a);
	bp->addr = a;
	bp->pending = false;
	{
		const struct ld_symbol *sym;
		uint64_t off;

		/* An IFUNC symbol's value is its resolver: the code that runs
		 * for calls is chosen when the symbol is bound. */
		sym = ob->elf ? ld_elf_symbol_at(ob->elf, a - ob->bias, &off) : NULL;
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
	return true;
}

/* Arm every enabled, resolvable breakpoint; newly resolved ones are
 * announced when announce is set. */
static void arm_all(struct ld_session *s, bool announce)
{
	size_t i;

	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];
		bool was_pending = bp->pending;
		int r;

		if (bp->type == LD_BP_SOLIB || bp->type == LD_BP_FINISH ||
		    LD_BP_IS_CATCH(bp))
			continue;
		if (bp->pending && !resolve_live(s, bp))
			continue;
		if (!bp->enabled || bp->armed)
			continue;
		/* *ADDRESS in a library not mapped yet: armed when it is */
		if (bp->is_addr && (!ld_session_maps(s) ||
				    !ld_maps_find(ld_session_maps(s), bp->addr)))
			continue;
		r = ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), bp);
		if (r < 0) {
			ld_error("breakpoint %d at 0x%" PRIx64 ": cannot insert: %s",
				 bp->num, bp->addr, strerror(-r));
			continue;
		}
		if (announce && was_pending && !bp->is_addr)
			ld_out("Breakpoint %d at 0x%" PRIx64 ": %s\n", bp->num,
			       bp->addr, bp->where);
	}
}

void ld_rearm_for_file(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];

		if (!bp->is_addr && !LD_BP_IS_CATCH(bp))
			bp->pending = true;
	}
}

/* Returns true when a `catch load` fired (out filled). */
static bool solib_event(struct ld_session *s, struct outcome *out)
{
	char **old = calloc(s->objs.n + 1, sizeof *old);
	size_t nold = s->objs.n, i, k;
	bool fired = false;

	for (i = 0; old && i < nold; i++)
		old[i] = strdup(s->objs.v[i].path);
	ld_unwinder_flush(s->unw);
	s->stop_gen++;
	if (ld_session_rescan(s) == 0) {
		/* What was unloaded takes its int3s with it: forget them
		 * before anything is armed where they were. */
		ld_bps_forget_unloaded(&s->bps);
		arm_all(s, true);
		for (i = 0; old && i < s->objs.n && !fired; i++) {
			for (k = 0; k < nold; k++)
				if (old[k] && !strcmp(old[k], s->objs.v[i].path))
					break;
			if (k < nold || !catch_fires(s, LD_BP_CATCH_LOAD,
						    s->objs.v[i].path, out))
				continue;
			snprintf(out->msg, sizeof out->msg,
				 "Catchpoint %d (loaded %s)", out->bpnum,
				 s->objs.v[i].path);
			fired = true;
		}
	}
	for (i = 0; old && i < nold; i++)
		free(old[i]);
	free(old);
	return fired;
}

/* The dynamic linker calls r_brk (_dl_debug_state) around every change
 * of the link map, at start-up and at every dlopen/dlclose: a breakpoint
 * there misses no load (glibc elf/dl-debug.c). */
static void arm_solib_hook(struct ld_session *s)
{
	if (!s->objs.r_brk || (s->solib_bp && s->solib_bp->addr == s->objs.r_brk))
		return;
	if (!s->solib_bp) {
		s->solib_bp = ld_bp_add(&s->bps, LD_BP_SOLIB, "<dl_debug_state>");
		if (!s->solib_bp)
			return;
	}
	s->solib_bp->addr = s->objs.r_brk;
	s->solib_bp->pending = false;
	if (ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), s->solib_bp) < 0)
		ld_warn("cannot watch library loads: pending breakpoints in "
			"libraries loaded later stay pending");
}

/* A new image: the executable and ld.so are mapped, nothing else yet. */
static void new_image(struct ld_session *s)
{
	uint64_t sb;

	/* A fresh image has no heap: the break is start_brk. */
	s->cur_brk_known = ld_session_start_brk(s->proc->pid, &sb) == 0;
	s->cur_brk = sb;
	s->solib_bp = NULL;
	s->stop_gen++;
	ld_unwinder_flush(s->unw);
	if (ld_session_rescan(s) < 0)
		return;
	arm_solib_hook(s);
	arm_all(s, false);
}

/* `break FILE:LINE` before `run`: checked against the program's own line
 * table (libraries are not known yet: then it stays pending). */
static int break_line_static(struct ld_session *s, struct ld_bp *bp,
			     const char *location, bool temporary)
{
	struct ld_lines *l = ld_session_exe_lines(s);
	const char *file = bp->file ? bp->file : ld_default_source(s);
	char err[256] = "";
	uint64_t addr;
	unsigned actual;
	struct ld_line row;
	int n;

	if (!l) {
		s->bps.next_num--;
		ld_bp_delete(&s->bps, bp);
		return ld_error("break %s: %s has no DWARF line information (built "
				"without -g, or stripped); break on a function or "
				"*ADDRESS", location, s->exe_path ? s->exe_path : "no program");
	}
	if (!file) {
		s->bps.next_num--;
		ld_bp_delete(&s->bps, bp);
		return ld_error("break %s: no default source file; give FILE:LINE",
				location);
	}
	n = ld_lines_find(l, file, bp->line, &addr, 1, &actual, err, sizeof err);
	if (n < 0 && bp->file) {
		ld_out("Breakpoint %d (%s) pending: %s in the program; armed if a "
		       "library with that file loads\n", bp->num, location, err);
		return 0;
	}
	if (n <= 0) {
		s->bps.next_num--;
		ld_bp_delete(&s->bps, bp);
		return ld_error("break %s: %s", location, *err ? err : "no code at or "
				"after that line");
	}
	ld_lines_at(l, addr, &row);
	ld_out("%s %d at 0x%" PRIx64 ": file %s, line %u.\n",
	       temporary ? "Temporary breakpoint" : "Breakpoint", bp->num, addr,
	       ld_source_shortname(row.file), actual);
	return 0;
}

int ld_break(struct ld_session *s, const char *location, bool temporary)
{
	struct ld_bp *bp;
	const struct ld_symbol *sym;

	if (!*location)
		return ld_error("break: a location is needed (SYMBOL, "
				"SYMBOL@LIBRARY or *ADDRESS)");
	bp = ld_bp_add(&s->bps, temporary ? LD_BP_TEMP : LD_BP_USER, location);
	if (!bp)
		return ld_error("break: %s", strerror(ENOMEM));
	if (parse_location(bp, location) < 0) {
		s->bps.next_num--;
		ld_bp_delete(&s->bps, bp);
		return -1;
	}
	if (s->proc) {
		if (resolve_live(s, bp)) {
			int r = ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), bp);

			if (r < 0) {
				ld_error("break %s: cannot insert at 0x%" PRIx64 ": %s",
					 location, bp->addr, strerror(-r));
				s->bps.next_num--;
				ld_bp_delete(&s->bps, bp);
				return -1;
			}
			ld_out("%s %d at 0x%" PRIx64 ": %s\n",
			       temporary ? "Temporary breakpoint" : "Breakpoint",
			       bp->num, bp->addr, bp->where);
			return 0;
		}
		if (bp->line) {
			s->bps.next_num--;
			ld_bp_delete(&s->bps, bp);
			return ld_error("break %s: no code at or after that line in "
					"any loaded object with line information "
					"(a stripped program has none)", location);
		}
		if (!bp->lib || ld_objs_find(&s->objs, bp->lib)) {
			if (bp->lib)
				ld_error("break %s: no symbol \"%s\" in %s", location,
					 bp->sym, bp->lib);
			else
				ld_error("break %s: no symbol \"%s\" in the program or "
					 "its loaded libraries", location, location);
			s->bps.next_num--;
			ld_bp_delete(&s->bps, bp);
			return -1;
		}
		ld_out("Breakpoint %d (%s) pending: %s is not loaded yet\n",
		       bp->num, location, bp->lib);
		return 0;
	}
	if (bp->line)
		return break_line_static(s, bp, location, temporary);
	if (!s->exe && !bp->is_addr)
		ld_out("Breakpoint %d (%s) pending: no program loaded yet\n",
		       bp->num, location);
	else if (!bp->is_addr && !bp->lib && (sym = ld_elf_lookup_any(s->exe, bp->sym)) &&
		 ld_session_exe_lines(s)) {
		struct ld_lines *l = ld_session_exe_lines(s);
		uint64_t a = ld_lines_after_prologue(l, sym->value, sym->value + sym->size);
		struct ld_line row;

		if (ld_lines_at(l, a, &row))
			ld_out("%s %d at 0x%" PRIx64 ": file %s, line %u.\n",
			       temporary ? "Temporary breakpoint" : "Breakpoint", bp->num,
			       a, ld_source_shortname(row.file), row.line);
		else
			ld_out("Breakpoint %d at 0x%" PRIx64 "\n", bp->num, a);
	} else if (bp->is_addr)
		ld_out("Breakpoint %d at 0x%" PRIx64 "\n", bp->num, bp->addr);
	else if (!bp->lib && (sym = ld_elf_lookup_any(s->exe, bp->sym)))
		ld_out("%s %d at 0x%" PRIx64 " (before relocation): %s in %s\n",
		       temporary ? "Temporary breakpoint" : "Breakpoint",
		       bp->num, sym->value, bp->sym, s->exe_path);
	else
		ld_out("Breakpoint %d (%s) pending: armed when a library "
		       "defining it loads\n", bp->num, location);
	return 0;
}

int ld_delete_bp(struct ld_session *s, struct ld_bp *bp)
{
	if (s->proc && ld_bp_disarm(&s->bps, ld_proc_mem_tid(s->proc), bp) < 0)
		ld_warn("breakpoint %d: could not restore the original byte",
			bp->num);
	ld_bp_delete(&s->bps, bp);
	return 0;
}

int ld_enable_bp(struct ld_session *s, struct ld_bp *bp, bool on)
{
	bp->enabled = on;
	if (!s->proc || bp->pending || LD_BP_IS_CATCH(bp))
		return 0;
	if (on) {
		int r = ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), bp);

		return r < 0 ? ld_error("enable %d: %s", bp->num, strerror(-r)) : 0;
	}
	return ld_bp_disarm(&s->bps, ld_proc_mem_tid(s->proc), bp) < 0 ?
	       ld_error("disable %d: cannot restore the original byte", bp->num) : 0;
}

/* ---- process life --------------------------------------------------- */

void ld_end_process(struct ld_session *s, bool kill_or_detach)
{
	struct ld_proc *p = s->proc;
	size_t i;

	if (!p)
		return;
	if (kill_or_detach && !p->exited) {
		/* Every thread must be stopped, its hits in flight settled,
		 * before its text is touched or it is detached. */
		quiesce(s, p);
		if (p->spawned) {
			ld_bps_disarm_all(&s->bps, 0);
			ld_proc_kill(p);
		} else {
			/* Restore every original byte first: a detached
			 * process must never meet one of our int3s. */
			if (ld_bps_disarm_all(&s->bps, ld_proc_mem_tid(p)) < 0)
				ld_error("detach: could not restore every "
					 "breakpoint byte in process %d", (int)p->pid);
			ld_proc_detach(p);
		}
	}
	ld_guardian_stop();	/* after the bytes are back and it is let go */
	ld_bps_disarm_all(&s->bps, 0);
	/* Internal breakpoints belong to the process. */
	for (i = s->bps.n; i-- > 0;) {
		struct ld_bp *bp = s->bps.v[i];

		if (bp->type == LD_BP_SOLIB || bp->type == LD_BP_FINISH)
			ld_bp_delete(&s->bps, bp);
	}
	s->solib_bp = NULL;
	ld_rearm_for_file(s);
	ld_proc_free(p);
	s->proc = NULL;
	s->cur_tid = 0;
	s->seccomp = false;
	s->cur_brk_known = false;
	s->trace_until = 0;
	s->trace_until_exit = false;
	ld_objs_release(&s->objs);
	ld_maps_release(&s->maps);
	ld_unwinder_free(s->unw);
	s->unw = NULL;
	s->stop_gen++;
}

static void report_exit(struct ld_session *s)
{
	struct ld_proc *p = s->proc;

	s->last_pid = p->pid;
	s->last_exit_code = p->exit_code;
	s->last_exit_sig = p->exit_sig;

	if (p->exit_sig)
		ld_out("[process %d killed by SIG%s]\n", (int)p->pid,
		       sigabbrev_np(p->exit_sig));
	else
		ld_out("[process %d exited with code %d]\n", (int)p->pid,
		       p->exit_code);
	snprintf(s->stop_reason, sizeof s->stop_reason, "exited");
	ld_end_process(s, false);
}

/* Wait for the single step of an injected call in t; stops of other
 * threads are kept for later.  0 with *st, or -errno. */
static int inject_wait(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	struct ld_thread *o;
	int e;

	for (;;) {
		e = ld_proc_wait(s->proc, st, true);
		if (e == -EINTR && ld_proc_cancelled())
			return -ECANCELED;
		if (e == -EINTR)
			continue;
		if (e || st->tid == t->tid)
			return e;
		o = ld_proc_thread(s->proc, st->tid);
		if (o && o->state == LD_T_STOPPED)
			o->queued = true;	/* not ours: keep it */
	}
}

/* Step over the `syscall` put at t's pc.  Under layoutdbg's own seccomp
 * filter (SECCOMP_RET_TRACE for the memory calls) the call first stops
 * at PTRACE_EVENT_SECCOMP with rax = -ENOSYS and has not run yet;
 * resuming with PTRACE_SINGLESTEP lets the kernel run it and reports the
 * step from the syscall exit path (arch/x86 user_single_step_report).
 * One stop per installed filter at most; 4 bounds it. */
static int inject_step(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	int e = ld_proc_resume(s->proc, t, LD_RESUME_STEP, 0), seen = 0;

	while (!e && !(e = inject_wait(s, t, st)) &&
	       st->kind == LD_STOP_SECCOMP && seen++ < 4)
		e = ld_proc_resume(s->proc, t, LD_RESUME_STEP, 0);
	if (!e && (st->kind == LD_STOP_EXITED || st->kind == LD_STOP_KILLED))
		return -ESRCH;
	return e;
}

int ld_inject_syscall(struct ld_session *s, struct ld_thread *t, long nr,
		      uint64_t arg0, uint64_t *ret)
{
	static const uint8_t insn[2] = { 0x0f, 0x05 };	/* syscall */
	struct ld_stop st, last = t->last;
	int pending = t->pending_sig;
	ld_regs saved, r;
	uint8_t orig[2];
	int e;

	/* At a syscall stop the kernel is half way through a call: running
	 * another one from there is not reliable. */
	if (t->state != LD_T_STOPPED || t->in_syscall ||
	    t->last.kind == LD_STOP_SYSCALL || t->last.kind == LD_STOP_SECCOMP)
		return -EBUSY;
	if ((e = ld_regs_get(t->tid, &saved)) ||
	    (e = ld_mem_read(t->tid, saved.rip, orig, 2)))
		return e;
	r = saved;
	r.rax = (uint64_t)nr;
	r.rdi = arg0;
	/* orig_rax = -1: the kernel must not treat this stop as an
	 * interrupted system call to restart while ours runs; the saved
	 * registers put the restart state back afterwards. */
	r.orig_rax = (uint64_t)-1;
	if ((e = ld_mem_write(t->tid, saved.rip, insn, 2)))
		return e;
	e = ld_regs_set(t->tid, &r);
	if (!e)
		e = inject_step(s, t, &st);
	if (e == -ESRCH)
		return e;
	if (!e && st.kind != LD_STOP_STEP) {
		/* A signal arrived instead: keep it for the next resume. */
		if (st.kind == LD_STOP_SIGNAL)
			pending = st.sig;
		e = -EAGAIN;
	}
	if (!e && (e = ld_regs_get(t->tid, &r)) == 0)
		*ret = r.rax;
	/* Put everything back even after a failure: the bytes, the
	 * registers, and the stop the thread was reported at. */
	ld_mem_write(t->tid, saved.rip, orig, 2);
	ld_regs_set(t->tid, &saved);
	t->last = last;
	t->pending_sig = pending;
	return e;
}

/* ---- stepping over breakpoints ------------------------------------- */

/* Registers of a stopped thread, read once per stop. */
static int tregs(struct ld_thread *t, ld_regs *r)
{
	if (!t->regs_valid) {
		int e = ld_regs_get(t->tid, &t->regs);

		if (e)
			return e;
		t->regs_valid = true;
	}
	*r = t->regs;
	return 0;
}

static int tregs_set(struct ld_thread *t, const ld_regs *r)
{
	int e = ld_regs_set(t->tid, r);

	t->regs_valid = !e;
	if (!e)
		t->regs = *r;
	return e;
}

static uint64_t thread_pc(struct ld_thread *t)
{
	ld_regs r;

	return tregs(t, &r) ? 0 : r.rip;
}

static int emu_read(uint64_t addr, void *buf, size_t len, void *arg)
{
	return ld_mem_read(*(pid_t *)arg, addr, buf, len);
}

static int emu_write(uint64_t addr, const void *buf, size_t len, void *arg)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)addr, len };

	if (process_vm_writev(*(pid_t *)arg, &l, 1, &r, 1, 0) == (ssize_t)len)
		return 0;
	return ld_mem_write(*(pid_t *)arg, addr, buf, len);
}

/* Step t off the breakpoint under it without a single-step round trip
 * when the instruction there is one ld_emulate knows.  True when done. */
static bool emulate_off(struct ld_session *s, struct ld_thread *t)
{
	struct ld_emu_mem mem = { emu_read, emu_write, &t->tid };
	uint8_t code[16];
	ld_regs r;

	/* a signal to deliver needs the real step (it enters the handler) */
	if (t->pending_sig || !s->emulate || tregs(t, &r) ||
	    (ld_session_read(s, r.rip, code, sizeof code) &&
	     ld_session_read(s, r.rip, code, 8)))
		return false;
	if (!ld_emulate(code, sizeof code, &r, &mem))
		return false;
	return tregs_set(t, &r) == 0;
}

/* Wait for thread t (the only one running).  Stops of other threads that
 * sneak in (a clone's first stop) are kept queued.  A step can block (a
 * futex held by a thread that stays stopped, a read from a pipe it
 * writes): Ctrl-C interrupts t, whose interrupt-stop then ends the wait
 * and is reported; SIGTERM/SIGHUP end it with -ECANCELED. */
static int wait_thread(struct ld_session *s, struct ld_thread *t,
		       struct ld_stop *st)
{
	for (;;) {
		int r;

		ld_running = 1;	/* a Ctrl-C from now on interrupts the tracee */
		if (ld_interrupted)
			ld_proc_interrupt(s->proc, t);
		r = ld_proc_wait(s->proc, st, true);
		ld_running = 0;
		if (r == -EINTR && ld_proc_cancelled())
			return -ECANCELED;
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (st->tid == t->tid)
			return 0;
		if (st->tid == s->proc->pid && s->proc->exited)
			return 0;
		{
			struct ld_thread *o = ld_proc_thread(s->proc, st->tid);

			/* Every such stop is kept, a new thread's first one
			 * too: next_stop hands it to on_stop, which resumes
			 * the thread; dropped, the thread would stay stopped
			 * for good. */
			if (o && o->state == LD_T_STOPPED)
				o->queued = true;
		}
	}
}

/* If t sits on one of our int3s, execute the original instruction: lift
 * the byte, single-step t alone, drop the byte back.  Returns 0 when t
 * was not on a breakpoint (nothing done), 2 when it stepped past it, 1
 * when the step ended in something else (kept in t->last, queued), or
 * -errno. */
static int step_over(struct ld_session *s, struct ld_thread *t)
{
	struct ld_site *site = ld_site_at(&s->bps, thread_pc(t));
	uint64_t at = site ? site->addr : 0;
	struct ld_stop st;
	int r;

	/* Only a thread that executed this int3 (or stepped onto it) steps
	 * over it; one that merely sits there (a new thread, one stopped
	 * by an interrupt) must hit it. */
	if (!site || !t->on_bp) {
		t->on_bp = false;
		return 0;
	}
	t->on_bp = false;
	if (emulate_off(s, t))
		return 2;
	if ((r = ld_site_lift(t->tid, site)))
		return r;
	r = ld_proc_resume(s->proc, t, LD_RESUME_STEP, t->pending_sig);
	if (!r)
		r = wait_thread(s, t, &st);
	if (!s->proc->exited) {
		site = ld_site_at(&s->bps, at);
		if (site && t->state != LD_T_GONE)
			ld_site_drop(t->tid, site);
	}
	if (r)
		return r;
	if (st.kind == LD_STOP_STEP && t->state == LD_T_STOPPED)
		return 2;
	if (t->state == LD_T_STOPPED) {
		t->queued = true;
		/* not stepped (an interrupt or a signal came first): it is
		 * still on the breakpoint it executed */
		t->on_bp = thread_pc(t) == at;
	}
	return 1;
}

static void rearm_sites(struct ld_session *s)
{
	size_t i;

	for (i = 0; i < s->bps.nsites; i++)
		ld_site_drop(ld_proc_mem_tid(s->proc), &s->bps.sites[i]);
}

/* follow-fork-mode child: the session goes on with the child, which
 * keeps the breakpoints (its copy of the text has them); the parent gets
 * its original bytes back and is detached, as gdb does. */
static bool follow_child(struct ld_session *s, pid_t child)
{
	struct ld_proc *c = ld_proc_adopt_child(s->proc, child), *parent = s->proc;
	size_t i;

	if (!c)
		return false;
	quiesce(s, parent);
	for (i = 0; i < s->bps.nsites; i++)
		ld_site_lift(parent->pid, &s->bps.sites[i]);
	ld_proc_detach(parent);
	ld_out("[Detaching after fork from parent process %d]\n[Attaching after "
	       "process %d fork to child process %d]\n", (int)parent->pid,
	       (int)parent->pid, (int)child);
	ld_proc_free(parent);
	s->proc = c;
	s->cur_tid = s->report_tid = child;
	s->stop_gen++;
	s->cur_brk_known = false;	/* the parent's */
	ld_session_rescan(s);
	return true;
}

static void cpu_unpin(struct ld_session *s);
static void cpu_unpin_task(struct ld_session *s, pid_t tid);

/* A fork child inherits a copy of the text with our int3s in it: write the
 * original bytes into the child, then let it go, so it never dies of
 * SIGTRAP.  A vfork child shares the parent's memory: lift the sites there
 * until VFORK_DONE instead (the parent is suspended meanwhile).  Under our
 * seccomp filter a child stays traced passively (it inherited the filter).
 * Returns true when the session now follows the child. */
static bool on_fork(struct ld_session *s, const struct ld_stop *st)
{
	pid_t child = (pid_t)st->msg;
	size_t i;

	if (child <= 0 || ld_proc_take_child(s->proc, child) < 0)
		return false;
	/* A child forked in a pinned loop inherited the pin: it gets the
	 * CPUs back before it runs, the parent too (it re-pins at its next
	 * passed-over hit). */
	if (s->pinned) {
		cpu_unpin_task(s, child);
		cpu_unpin(s);
	}
	if (s->follow_fork_child && st->kind == LD_STOP_FORK && follow_child(s, child))
		return true;
	for (i = 0; i < s->bps.nsites; i++)
		ld_site_lift(child, &s->bps.sites[i]);
	if (s->proc->keep_children ? ld_proc_keep_child(s->proc, child) < 0 :
	    ld_proc_release_child(child) < 0)
		ld_warn("could not release forked process %d", (int)child);
	return false;
}

/* ---- deciding what a stop means ------------------------------------ */

/* ---- system calls --------------------------------------------------- */

/* Which calls must stop the tracee now: memory calls while tracing, and
 * the sets of enabled `catch syscall` catchpoints. */
static void wanted_calls(struct ld_session *s, struct ld_sysset *set)
{
	size_t i;

	ld_sysset_clear(set);
	if (s->tracing)
		ld_sysset_memory(set);
	for (i = 0; i < s->bps.n; i++)
		if (s->bps.v[i]->type == LD_BP_CATCH_SYSCALL && s->bps.v[i]->enabled)
			ld_sysset_union(set, &s->bps.v[i]->sys);
}

/* PTRACE_SYSCALL is needed when some wanted call is not one our seccomp
 * filter (if any) already stops. */
static void update_syscall_mode(struct ld_session *s)
{
	struct ld_sysset want;
	size_t i;

	wanted_calls(s, &want);
	s->syscall_stops = false;
	for (i = 0; i < LD_NSYSCALLS / 64; i++)
		if (want.bits[i] & ~(s->seccomp ? s->filtered.bits[i] : 0))
			s->syscall_stops = true;
}

/* The break tracked from brk(2) returns is exact only while every brk
 * call stops the process; after a run that did not watch them it may be
 * stale, and a stale address is worse than "unknown". */
static void forget_unwatched_brk(struct ld_session *s)
{
	if (!s->syscall_stops &&
	    !(s->seccomp && ld_sysset_has(&s->filtered, SYS_brk)))
		s->cur_brk_known = false;
}

static enum ld_resume resume_how(struct ld_session *s, struct ld_thread *t)
{
	/* After a seccomp stop, one PTRACE_SYSCALL shows the call's return. */
	if (s->syscall_stops || (s->seccomp && t->in_syscall))
		return LD_RESUME_SYSCALL;
	return LD_RESUME_CONT;
}

static struct ld_bp *catch_for(struct ld_session *s, long nr)
{
	size_t i;

	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];

		if (bp->type == LD_BP_CATCH_SYSCALL && bp->enabled &&
		    ld_sysset_has(&bp->sys, nr))
			return bp;
	}
	return NULL;
}

/* Memory calls go on the timeline while tracing, and when a catchpoint
 * stops at them (`catch memory`). */
static bool recording(struct ld_session *s, long nr)
{
	return ld_syscall_is_memory(nr) && (s->tracing || catch_for(s, nr));
}

static void record_entry(struct ld_session *s, struct ld_thread *t,
			 const struct ld_syscall *sc)
{
	struct ld_tl_entry *e = ld_timeline_add(&s->timeline);
	struct ld_snap_thread st;
	char text[1024], err[128];

	if (!e)
		return;
	e->tid = t->tid;
	e->pid = s->proc->pid;
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->thread_num = t->num;
	e->call = *sc;
	e->text = strdup(ld_syscall_format(s->proc->pid, sc, text, sizeof text));
	ld_maps_read(ld_proc_mem_tid(s->proc), &e->before, err, sizeof err);
	e->brk_before = e->brk_after = s->cur_brk;
	e->brk_known = s->cur_brk_known;
	/* the call site: the innermost frames are enough */
	if (ld_session_frames(s, t, &st, LD_SNAP_INNER, 0) == 0) {
		e->frames = st.frames;
		e->nframes = st.nframes;
	}
}

static void record_exit(struct ld_session *s, struct ld_thread *t,
			const struct ld_syscall *sc)
{
	struct ld_tl_entry *e = ld_timeline_pending(&s->timeline, t->tid);
	char err[128];

	if (!e)
		return;
	e->call.returned = true;
	e->call.ret = sc->ret;
	e->brk_after = s->cur_brk;
	e->brk_known &= s->cur_brk_known;
	ld_maps_read(ld_proc_mem_tid(s->proc), &e->after, err, sizeof err);
	e->done = true;
}

/* The process a task belongs to (its Tgid); the task itself when /proc
 * cannot say. */
static pid_t task_tgid(pid_t tid)
{
	char path[64], line[128];
	long tgid = tid;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return tid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	fclose(f);
	return (pid_t)tgid;
}

/* A memory call of a child kept under our filter (proc.c's passive
 * tasks), on the timeline with its pid as strace -f shows it: thread 0
 * (not one of ours), the layout from that child's maps, no break and no
 * backtrace (the session knows neither for another process).  Returns
 * true to see the call's return. */
static bool passive_syscall(void *ctx, pid_t tid)
{
	struct ld_session *s = ctx;
	struct ld_tl_entry *e;
	struct ld_syscall sc;
	enum ld_sysop op;
	char text[1024], err[128];

	memset(&sc, 0, sizeof sc);
	if (ld_proc_syscall(tid, &op, &sc) < 0 || op == LD_SYS_NONE)
		return false;
	if (op == LD_SYS_EXIT) {
		e = ld_timeline_pending(&s->timeline, tid);
		if (e) {
			e->call.returned = true;
			e->call.ret = sc.ret;
			ld_maps_read(e->pid, &e->after, err, sizeof err);
			e->done = true;
		}
		return false;
	}
	if (!recording(s, sc.nr) || !(e = ld_timeline_add(&s->timeline)))
		return false;
	e->tid = tid;
	e->pid = task_tgid(tid);
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->call = sc;
	e->text = strdup(ld_syscall_format(tid, &sc, text, sizeof text));
	ld_maps_read(e->pid, &e->before, err, sizeof err);
	return true;
}

static enum verdict on_syscall(struct ld_session *s, struct ld_thread *t,
			       struct outcome *out)
{
	struct ld_syscall sc;
	enum ld_sysop op;
	struct ld_bp *bp;
	char text[1024], ret[128];
	const char *name;

	memset(&sc, 0, sizeof sc);
	if (ld_proc_syscall(t->tid, &op, &sc) < 0 || op == LD_SYS_NONE)
		return V_RESUME;
	if (op == LD_SYS_EXIT) {
		if (!t->in_syscall)
			return V_RESUME;
		t->in_syscall = false;
		sc.nr = t->sys_nr;
		memcpy(sc.args, t->sys_args, sizeof sc.args);
		/* The kernel's break moves only through brk(2): its result
		 * is the new break (also on failure: the old one). */
		if (sc.nr == SYS_brk && sc.ret > 0) {
			s->cur_brk = (uint64_t)sc.ret;
			s->cur_brk_known = true;
		}
		if (recording(s, sc.nr))
			record_exit(s, t, &sc);
	} else {
		t->in_syscall = true;
		t->sys_nr = sc.nr;
		memcpy(t->sys_args, sc.args, sizeof sc.args);
		if (recording(s, sc.nr))
			record_entry(s, t, &sc);
	}
	bp = catch_for(s, sc.nr);
	if (!bp)
		return V_RESUME;
	bp->hits++;
	if (bp->ignore) {
		bp->ignore--;
		return V_RESUME;
	}
	name = ld_syscall_name(sc.nr);
	ld_syscall_format(t->tid, &sc, text, sizeof text);
	if (op == LD_SYS_EXIT)
		snprintf(out->msg, sizeof out->msg, "Catchpoint %d (returned from "
			 "syscall %s)\n  %s = %s", bp->num, name ? name : "?", text,
			 ld_syscall_format_ret(&sc, ret, sizeof ret));
	else
		snprintf(out->msg, sizeof out->msg, "Catchpoint %d (call to syscall "
			 "%s)\n  %s", bp->num, name ? name : "?", text);
	out->bpnum = bp->num;
	out->ev = LD_EV_CATCH;
	return V_REPORT;
}

/* A catchpoint of this type fires (its ignore count permitting). */
static bool catch_fires(struct ld_session *s, enum ld_bp_type type,
			const char *path, struct outcome *out)
{
	size_t i;

	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];

		if (bp->type != type || !bp->enabled ||
		    (bp->pattern && (!path || !strstr(path, bp->pattern))))
			continue;
		bp->hits++;
		if (bp->ignore) {
			bp->ignore--;
			continue;
		}
		out->bpnum = bp->num;
		out->ev = LD_EV_CATCH;
		return true;
	}
	return false;
}

/* ---- one CPU for a hit loop ------------------------------------------ */

/* A breakpoint passed over many times in a row (an ignore count, `trace
 * memory` running through breakpoints) is a ping-pong of stops between
 * tracer and program.  On a machine whose idle CPU halts (this VM), each
 * stop that has to wake the other CPU costs far more than the stop itself
 * (bench: 100,000 hits 2.5 s on one CPU, 3 to 22 s across two).  So at the
 * first passed-over hit both go on the CPU layoutdbg runs on, and both get
 * their affinity back before the stop is reported.  Only a program we
 * started (it dies with us: no crash can leave it pinned) and only while
 * it has one thread: pinning would serialise a parallel program, so a new
 * thread ends it too.  A program that keeps running after the loop without
 * a stop stays on that CPU until the next stop is reported. */
static void cpu_pin(struct ld_session *s)
{
	cpu_set_t one;
	int cpu;

	if (s->pinned || !s->cpu_pinning || !s->proc->spawned ||
	    s->proc->nthreads != 1 || (cpu = sched_getcpu()) < 0)
		return;
	if (sched_getaffinity(0, sizeof s->our_cpus, &s->our_cpus) < 0 ||
	    sched_getaffinity(s->proc->pid, sizeof s->prog_cpus,
			      &s->prog_cpus) < 0 ||
	    !CPU_ISSET(cpu, &s->prog_cpus) || !CPU_ISSET(cpu, &s->our_cpus))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(s->proc->pid, sizeof one, &one) < 0)
		return;
	if (sched_setaffinity(0, sizeof one, &one) < 0) {
		sched_setaffinity(s->proc->pid, sizeof s->prog_cpus, &s->prog_cpus);
		return;
	}
	s->pinned = true;
	s->cpu_pinned = cpu;
}

/* One task's affinity back, unless it set its own since. */
static void cpu_unpin_task(struct ld_session *s, pid_t tid)
{
	cpu_set_t cur;

	if (sched_getaffinity(tid, sizeof cur, &cur) == 0 &&
	    CPU_COUNT(&cur) == 1 && CPU_ISSET(s->cpu_pinned, &cur))
		sched_setaffinity(tid, sizeof s->prog_cpus, &s->prog_cpus);
}

/* Give the affinities back: ours, and the program's threads' (threads
 * born in the loop inherited the pin) unless the program set its own. */
static void cpu_unpin(struct ld_session *s)
{
	size_t i;

	if (!s->pinned)
		return;
	s->pinned = false;
	sched_setaffinity(0, sizeof s->our_cpus, &s->our_cpus);
	for (i = 0; s->proc && i < s->proc->nthreads; i++)
		if (s->proc->threads[i].state != LD_T_GONE)
			cpu_unpin_task(s, s->proc->threads[i].tid);
}

static enum verdict on_breakpoint(struct ld_session *s, struct ld_thread *t,
				  struct outcome *out)
{
	enum verdict v = V_RESUME;
	ld_regs regs;
	uint64_t pc;
	size_t i;

	if (tregs(t, &regs))
		return V_RESUME;
	pc = regs.rip - 1;
	if (!ld_site_at(&s->bps, pc) && ld_bp_moribund(&s->bps, pc)) {
		/* A hit of a breakpoint taken out meanwhile: run the
		 * original instruction, as if it had never been there. */
		regs.rip = pc;
		tregs_set(t, &regs);
		return V_RESUME;
	}
	if (!ld_site_at(&s->bps, pc)) {
		/* Not ours: the program's own int3 is a SIGTRAP for it. */
		out->ev = LD_EV_SIGNAL;
		out->sig = SIGTRAP;
		return V_REPORT;
	}
	/* Back up over the int3 so the original instruction runs next. */
	regs.rip = pc;
	tregs_set(t, &regs);
	t->on_bp = true;
	for (i = 0; i < s->bps.n; i++) {
		struct ld_bp *bp = s->bps.v[i];

		if (!bp->armed || bp->addr != pc)
			continue;
		switch (bp->type) {
		default:
			break;
		case LD_BP_SOLIB:
			if (solib_event(s, out))
				v = V_REPORT;
			break;
		case LD_BP_FINISH:
			if (bp->tid == t->tid && regs.rsp >= bp->sp) {
				out->ev = LD_EV_FINISH;
				v = V_REPORT;
			}
			break;
		case LD_BP_USER:
		case LD_BP_TEMP:
			bp->hits++;
			if (bp->ignore) {
				bp->ignore--;
				cpu_pin(s);
				break;
			}
			/* `trace memory until N` / `until exit` runs through
			 * the other breakpoints. */
			if (s->tracing && (s->trace_until_exit ||
					   (s->trace_until && bp->num != s->trace_until))) {
				cpu_pin(s);
				break;
			}
			if (out->ev != LD_EV_BREAKPOINT || !out->bpnum)
				out->bpnum = bp->num;
			out->ev = LD_EV_BREAKPOINT;
			v = V_REPORT;
			break;
		}
	}
	return v;
}

static enum verdict on_stop(struct ld_session *s, struct ld_stop *st,
			    bool stepping, struct outcome *out)
{
	struct ld_thread *t = ld_proc_thread(s->proc, st->tid);

	out->tid = st->tid;
	switch (st->kind) {
	case LD_STOP_EXITED:
	case LD_STOP_KILLED:
		if (s->proc->exited) {
			out->ev = LD_EV_EXITED;
			return V_REPORT;
		}
		return V_RESUME;	/* one thread ended */
	case LD_STOP_BREAKPOINT:
		return on_breakpoint(s, t, out);
	case LD_STOP_STEP:
		if (!stepping)
			return V_RESUME;
		out->ev = LD_EV_STEP;
		return V_REPORT;
	case LD_STOP_SIGNAL:
	case LD_STOP_GROUP:
		/* A group-stop the user does not stop at: keep the process
		 * stopped by job control, as without a debugger, and listen
		 * for what comes next (SIGCONT). */
		if (st->kind == LD_STOP_GROUP && !s->handle_stop[st->sig & 63])
			return ld_proc_resume(s->proc, t, LD_RESUME_LISTEN, 0) == 0 ?
			       V_RESUMED : V_RESUME;
		if (st->kind == LD_STOP_SIGNAL && s->handle_pass[st->sig & 63])
			t->pending_sig = st->sig;
		if (st->kind == LD_STOP_SIGNAL && !s->handle_stop[st->sig & 63])
			return V_RESUME;
		out->ev = LD_EV_SIGNAL;
		out->sig = st->sig;
		out->fault_addr = st->fault_addr;
		out->group_stop = st->kind == LD_STOP_GROUP;
		return V_REPORT;
	case LD_STOP_INTERRUPT:
		if (!ld_interrupted)
			return V_RESUME;	/* a new thread, or a stale interrupt */
		ld_interrupted = 0;
		out->ev = LD_EV_INTERRUPT;
		return V_REPORT;
	case LD_STOP_FORK:
	case LD_STOP_VFORK:
		if (on_fork(s, st)) {
			/* now the child's session: let it run on */
			t = ld_proc_thread(s->proc, s->proc->pid);
			out->tid = s->proc->pid;
			if (catch_fires(s, LD_BP_CATCH_FORK, NULL, out)) {
				snprintf(out->msg, sizeof out->msg,
					 "Catchpoint %d (forked process %lu)",
					 out->bpnum, st->msg);
				return V_REPORT;
			}
			return t && ld_proc_resume(s->proc, t, resume_how(s, t), 0) == 0 ?
			       V_RESUMED : V_RESUME;
		}
		if (!catch_fires(s, LD_BP_CATCH_FORK, NULL, out))
			return V_RESUME;
		snprintf(out->msg, sizeof out->msg, "Catchpoint %d (%s process %lu)",
			 out->bpnum, st->kind == LD_STOP_FORK ? "forked" : "vforked",
			 st->msg);
		return V_REPORT;
	case LD_STOP_SYSCALL:
	case LD_STOP_SECCOMP:
		return on_syscall(s, t, out);
	case LD_STOP_VFORK_DONE:
		/* The vfork child has exec'd or exited: the shared text is
		 * ours alone again. */
		rearm_sites(s);
		return V_RESUME;
	case LD_STOP_EXEC:
		/* Whichever thread called execve, the process now is its
		 * leader alone (proc.c forgot the others). */
		ld_bps_disarm_all(&s->bps, 0);
		{
			char path[64], exe[4096];
			ssize_t n;

			snprintf(path, sizeof path, "/proc/%d/exe", (int)s->proc->pid);
			n = readlink(path, exe, sizeof exe - 1);
			exe[n > 0 ? n : 0] = 0;
			ld_out("process %d is executing new program: %s\n",
			       (int)s->proc->pid, n > 0 ? exe : "?");
			if (n > 0 && (!s->exe_path || strcmp(exe, s->exe_path)))
				ld_session_file(s, exe);
		}
		s->cur_tid = s->report_tid = s->proc->pid;
		out->tid = s->proc->pid;
		new_image(s);
		t->in_syscall = false;
		{
			const struct ld_obj *exe = NULL;
			size_t i;

			for (i = 0; i < s->objs.n; i++)
				if (s->objs.v[i].is_exe)
					exe = &s->objs.v[i];
			if (!catch_fires(s, LD_BP_CATCH_EXEC, NULL, out))
				return V_RESUME;
			snprintf(out->msg, sizeof out->msg, "Catchpoint %d (exec'd %s)",
				 out->bpnum, exe ? exe->path : "?");
		}
		return V_REPORT;
	default:
		return V_RESUME;
	}
}

/* Resume every stopped thread that has nothing queued.  Threads sitting
 * on a breakpoint step over it first, one at a time, while every other
 * thread is still stopped: with the int3 lifted, no other thread may run
 * through it unseen. */
static int resume_all(struct ld_session *s)
{
	size_t i;
	int r;

	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];

		if (t->state != LD_T_STOPPED || t->queued)
			continue;
		r = step_over(s, t);
		if (r < 0 && r != -ESRCH)
			return r;
		if (s->proc->exited)
			return 0;
	}
	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];

		if (t->state != LD_T_STOPPED || t->queued)
			continue;
		r = ld_proc_resume(s->proc, t, resume_how(s, t), t->pending_sig);
		if (r < 0 && r != -ESRCH)
			return r;
	}
	return 0;
}

/* Resume one thread after a stop that is not reported.  If it sits on a
 * breakpoint while other threads run, they are stopped for the step. */
static int resume_one(struct ld_session *s, struct ld_thread *t)
{
	size_t i;
	bool others = false;

	if (t->state != LD_T_STOPPED)
		return 0;
	for (i = 0; i < s->proc->nthreads; i++)
		others |= s->proc->threads[i].state == LD_T_RUNNING;
	if (others && t->on_bp && ld_site_at(&s->bps, thread_pc(t))) {
		int r = ld_proc_stop_all(s->proc);

		if (r < 0)
			return r;
		return resume_all(s);
	}
	if (t->on_bp && ld_site_at(&s->bps, thread_pc(t))) {
		int r = step_over(s, t);

		if (r == 1 || (r < 0 && r != -ESRCH) || t->state != LD_T_STOPPED)
			return r < 0 && r != -ESRCH ? r : 0;
	}
	{
		int r = ld_proc_resume(s->proc, t, resume_how(s, t), t->pending_sig);

		return r == -ESRCH ? 0 : r;
	}
}

/* Stop every thread of p and settle every breakpoint hit in flight: a
 * thread that trapped on one of our int3s (a live site, or one taken out
 * since: moribund) and has not been told about it is backed up over it,
 * so it executes the original instruction when resumed, and hits the
 * breakpoint again if it is still there (gdb's way): no hit is reported
 * twice or lost, and none is left for the kernel to deliver as a SIGTRAP
 * once the site is gone or the process detached.  Afterwards no thread
 * can report a moribund site any more. */
static int quiesce(struct ld_session *s, struct ld_proc *p)
{
	bool unsettled = false;
	size_t i;
	int r = ld_proc_stop_all(p);

	for (i = 0; i < p->nthreads; i++) {
		struct ld_thread *t = &p->threads[i];
		ld_regs regs;

		if (t->state != LD_T_STOPPED || !t->queued)
			continue;
		if (t->last.kind != LD_STOP_BREAKPOINT) {
			/* a trap still queued behind another event */
			unsettled |= ld_proc_trap_pending(t->tid);
			continue;
		}
		if (tregs(t, &regs) == 0 && (ld_site_at(&s->bps, regs.rip - 1) ||
					     ld_bp_moribund(&s->bps, regs.rip - 1))) {
			regs.rip--;
			tregs_set(t, &regs);
			t->queued = false;
			t->on_bp = false;	/* it must hit it again */
		}
	}
	if (r == 0 && !unsettled)
		ld_bps_forget_moribund(&s->bps);
	return r;
}

/* A stop is being reported: stop every other thread. */
static void stop_world(struct ld_session *s)
{
	quiesce(s, s->proc);
}

/* ---- the terminal ---------------------------------------------------- */

/* A spawned program owns the terminal while it runs (its Ctrl-C, its
 * reads), layoutdbg while it is stopped.  tcsetpgrp from what has become
 * a background group would raise SIGTTOU: blocked around the call. */
static void set_foreground(struct ld_session *s, pid_t pgrp)
{
	sigset_t block, old;

	if (s->tty < 0)
		return;
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	tcsetpgrp(s->tty, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void terminal_inferior(struct ld_session *s)
{
	if (s->proc && s->proc->spawned && !s->proc->exited)
		set_foreground(s, s->proc->pid);
}

static void terminal_ours(struct ld_session *s)
{
	set_foreground(s, getpgrp());
}

/* ---- the run loop --------------------------------------------------- */

/* The next stop to decide on: one kept from earlier first. */
static int next_stop(struct ld_session *s, struct ld_stop *st)
{
	size_t i;

	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];

		if (t->state == LD_T_STOPPED && t->queued) {
			t->queued = false;
			*st = t->last;
			return 0;
		}
	}
	for (;;) {
		int r;

		/* A signal that came before waitpid blocks was seen here. */
		if (ld_terminate)
			return -ECANCELED;	/* SIGTERM/SIGHUP: the session ends */
		r = ld_proc_wait(s->proc, st, true);
		if (r != -EINTR)
			return r;
		if (ld_terminate)
			return -ECANCELED;
		if (ld_interrupted) {
			/* Ctrl-C: stop the program where it is. */
			for (i = 0; i < s->proc->nthreads; i++) {
				struct ld_thread *t = &s->proc->threads[i];

				if (t->state == LD_T_RUNNING) {
					ld_proc_interrupt(s->proc, t);
					break;
				}
			}
		}
	}
}

/* gdb's form of a stop location: "main () at heap.c:12" at the start of
 * a line, "0x... in main () at heap.c:12" inside one, and without line
 * information "0x... in calloc () from /usr/lib/.../libc.so.6". */
static const char *describe_stop(struct ld_session *s, uint64_t pc,
				 const char *name, char *buf, size_t len)
{
	struct ld_line row;
	struct ld_obj *ob;
	const char *sym;
	uint64_t off;

	if (!ld_objs_line_at(&s->objs, pc, &row))
		return NULL;
	if (!name)
		name = ld_objs_symbolize(&s->objs, pc, &ob, &sym, &off) ? sym : "??";
	if (row.addr == pc)
		snprintf(buf, len, "%s () at %s:%u", name,
			 ld_source_shortname(row.file), row.line);
	else
		snprintf(buf, len, "0x%016" PRIx64 " in %s () at %s:%u", pc, name,
			 ld_source_shortname(row.file), row.line);
	return buf;
}

/* "12\t    void *heap_buffer = calloc(elements, element_size);" */
static void print_source(struct ld_session *s, uint64_t pc)
{
	struct ld_line row;
	const char *text;

	if (!ld_objs_line_at(&s->objs, pc, &row))
		return;
	text = ld_source_line(row.file, row.line);
	if (text)
		ld_out("%u\t%s\n", row.line, text);
	else
		ld_out("%u\tin %s (%s)\n", row.line, ld_source_shortname(row.file),
		       strerror(errno));
}

const char *ld_describe_pc(struct ld_session *s, uint64_t pc, char *buf,
			   size_t len)
{
	struct ld_obj *ob;
	const char *sym;
	uint64_t off;
	bool named = ld_objs_symbolize(&s->objs, pc, &ob, &sym, &off);
	int n = snprintf(buf, len, "0x%016" PRIx64 " in %s ()", pc,
			 named ? sym : "??");

	if (ob && !ob->is_exe && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " from %s", ob->path);
	return buf;
}

static void print_stop(struct ld_session *s, const struct outcome *out)
{
	struct ld_thread *t = ld_proc_thread(s->proc, out->tid);
	uint64_t pc = t ? thread_pc(t) : 0;
	char where[512];
	struct ld_bp *bp;

	bp = out->ev == LD_EV_BREAKPOINT ? ld_bp_by_num(&s->bps, out->bpnum) : NULL;
	if (!describe_stop(s, pc, bp && bp->sym && bp->addr == pc ? bp->sym : NULL,
			   where, sizeof where))
		ld_describe_pc(s, pc, where, sizeof where);
	else
		bp = NULL;	/* the line form already names it */
	switch (out->ev) {
	case LD_EV_BREAKPOINT:
		/* Aliases share addresses (cos, cosf64): name the stop by the
		 * symbol the user asked for. */
		if (bp && bp->sym && bp->addr == pc) {
			struct ld_obj *ob = ld_objs_at(&s->objs, pc);

			snprintf(where, sizeof where, "0x%016" PRIx64 " in %s ()%s%s", pc,
				 bp->sym, ob && !ob->is_exe ? " from " : "",
				 ob && !ob->is_exe ? ob->path : "");
		}
		{
			struct ld_bp *b = ld_bp_by_num(&s->bps, out->bpnum);

			ld_out("\n%s %d, %s\n", b && b->type == LD_BP_TEMP ?
			       "Temporary breakpoint" : "Breakpoint", out->bpnum, where);
		}
		bp = ld_bp_by_num(&s->bps, out->bpnum);
		snprintf(s->stop_reason, sizeof s->stop_reason,
			 "breakpoint %d (%s)", out->bpnum, bp ? bp->spec : "?");
		if (bp && bp->type == LD_BP_TEMP)
			ld_delete_bp(s, bp);
		break;
	case LD_EV_SIGNAL:
		if (out->group_stop)
			ld_out("\nProgram stopped by SIG%s (group-stop: every thread "
			       "is stopped; `continue` resumes it as SIGCONT would).\n%s\n",
			       sigabbrev_np(out->sig), where);
		else
			ld_out("\nProgram received signal SIG%s, %s.\n%s\n",
			       sigabbrev_np(out->sig), strsignal(out->sig), where);
		if (out->sig == SIGSEGV || out->sig == SIGBUS) {
			char sym[256];
			struct ld_obj *ob = NULL;
			const char *name;
			uint64_t off;
			const struct ld_maps *m = ld_session_maps(s);
			const struct ld_map *mp = m ? ld_maps_find(m, out->fault_addr) : NULL;

			ld_objs_symbolize(&s->objs, out->fault_addr, &ob, &name, &off);
			ld_session_symbolize(s, out->fault_addr, sym, sizeof sym);
			ld_out("Fault address 0x%" PRIx64 ": %s\n", out->fault_addr,
			       mp ? (mp->path[0] ? mp->path : "in an anonymous mapping")
				  : "not in any mapping");
		}
		snprintf(s->stop_reason, sizeof s->stop_reason, "signal SIG%s",
			 sigabbrev_np(out->sig));
		break;
	case LD_EV_STEP:
		/* gdb's `next` inside a function shows the source line only */
		if (!out->line_step || !out->same_function ||
		    !ld_objs_line_at(&s->objs, pc, &(struct ld_line){ 0 }))
			ld_out("%s\n", where);
		snprintf(s->stop_reason, sizeof s->stop_reason, "%s",
			 out->line_step ? "step" : "stepi");
		break;
	case LD_EV_INTERRUPT:
		ld_out("\nProgram interrupted.\n%s\n", where);
		snprintf(s->stop_reason, sizeof s->stop_reason, "interrupted");
		break;
	case LD_EV_FINISH:
		ld_out("%s\n", where);
		snprintf(s->stop_reason, sizeof s->stop_reason, "finish");
		break;
	case LD_EV_CATCH: {
		char msg[sizeof out->msg], *nl;

		snprintf(msg, sizeof msg, "%s", out->msg);
		nl = strchr(msg, '\n');

		/* "Catchpoint 1 (call to syscall brk), 0x... in brk () ..." */
		if (nl)
			*nl = 0;
		ld_out("\n%s, %s\n", msg, where);
		if (nl)
			ld_out("%s\n", nl + 1);
		snprintf(s->stop_reason, sizeof s->stop_reason, "%.200s", msg);
		break;
	}
	default:
		break;
	}
}

static void after_stop(struct ld_session *s, const struct outcome *out)
{
	struct ld_thread *t;

	if (out->ev == LD_EV_EXITED || !s->proc) {
		if (s->proc)
			report_exit(s);
		s->last_event = LD_EV_EXITED;
		return;
	}
	stop_world(s);
	s->stop_gen++;
	forget_unwatched_brk(s);
	if (out->tid && out->tid != (s->report_tid ? s->report_tid : s->proc->pid) &&
	    s->proc->nthreads > 1) {
		t = ld_proc_thread(s->proc, out->tid);
		ld_out("[Switching to thread %d (LWP %d)]\n", t ? t->num : 0,
		       (int)out->tid);
	}
	if (out->tid)
		s->cur_tid = s->report_tid = out->tid;
	s->frame = 0;
	s->last_event = out->ev;
	print_stop(s, out);
	t = ld_proc_thread(s->proc, s->cur_tid);
	if (t && out->ev != LD_EV_CATCH)
		print_source(s, thread_pc(t));
	if (s->auto_snapshot) {
		struct ld_snapshot *snap = ld_session_snapshot(s, NULL);

		if (snap)
			ld_out("[snapshot $%u]\n", snap->id);
	}
}

/* Resume every thread and run until something is to be reported; out
 * says what.  Nothing is printed and the other threads still run: the
 * caller reports (after_stop) or goes on. */
static int run_to_inner(struct ld_session *s, struct outcome *out_);

static int run_to(struct ld_session *s, struct outcome *out_)
{
	int r;

	ld_running = 1;
	r = run_to_inner(s, out_);
	ld_running = 0;
	cpu_unpin(s);
	terminal_ours(s);
	return r;
}

static int run_to_inner(struct ld_session *s, struct outcome *out_)
{
	struct outcome out = { 0 };
	struct ld_stop st;
	enum verdict v;
	int r;

	ld_interrupted = 0;
	update_syscall_mode(s);
	terminal_inferior(s);
	if ((r = resume_all(s)) < 0)
		return ld_error("cannot resume process %d: %s", (int)s->proc->pid,
				strerror(-r));
	for (;;) {
		struct ld_thread *t;

		r = next_stop(s, &st);
		if (r == -ECANCELED) {
			ld_proc_stop_all(s->proc);
			return -1;
		}
		if (r < 0) {
			if (r == -ECHILD) {	/* reaped elsewhere: it is gone */
				s->proc->exited = true;
				out.ev = LD_EV_EXITED;
				break;
			}
			return ld_error("waiting for process %d: %s",
					(int)s->proc->pid, strerror(-r));
		}
		memset(&out, 0, sizeof out);
		v = on_stop(s, &st, false, &out);
		if (v == V_REPORT)
			break;
		if (!s->proc)
			return 0;
		if (s->pinned && s->proc->nthreads != 1)
			cpu_unpin(s);	/* a new thread: the program goes parallel */
		if (v == V_RESUMED)
			continue;
		t = ld_proc_thread(s->proc, st.tid);
		if (t && (r = resume_one(s, t)) < 0)
			return ld_error("cannot resume thread %d: %s", (int)t->tid,
					strerror(-r));
	}
	*out_ = out;
	return 0;
}

/* Resume every thread and run until something is reported. */
static int run_until_stop(struct ld_session *s)
{
	struct outcome out;

	if (run_to(s, &out) < 0 || !s->proc)
		return s->proc ? -1 : 0;
	after_stop(s, &out);
	return 0;
}

/* ---- commands ------------------------------------------------------- */

static int need_stopped(struct ld_session *s, const char *what)
{
	if (!s->proc)
		return ld_error("%s: no process: the program is not being run", what);
	return 0;
}

/* Start the program.  When memory calls or caught calls are wanted from
 * the start, a seccomp filter makes exactly those stop the tracee (as
 * strace --seccomp-bpf does): every other call runs at full speed. */
static int spawn(struct ld_session *s, char **argv, char *err, size_t len)
{
	struct sock_filter *prog = NULL;
	struct sock_fprog fprog;
	struct ld_sysset want;
	unsigned short n = 0;
	size_t i, count = 0;
	int r;

	wanted_calls(s, &want);
	for (i = 0; i < LD_NSYSCALLS; i++)
		count += ld_sysset_has(&want, (long)i);
	s->seccomp = false;
	/* A classic BPF jump reaches 255 instructions at most. */
	if (count && count < 200 && ld_seccomp_program(&want, &prog, &n) == 0) {
		fprog.len = n;
		fprog.filter = prog;
		s->seccomp = true;
		s->filtered = want;
	}
	r = ld_proc_spawn(s->exe_path, argv, environ, s->aslr,
			  s->seccomp ? &fprog : NULL, &s->proc, err, len);
	free(prog);
	if (r < 0 && s->seccomp) {
		/* No seccomp here (a kernel without it, valgrind): every system
		 * call will stop the program instead. */
		ld_warn("seccomp filter unavailable (%s): tracing with "
			"PTRACE_SYSCALL", err);
		s->seccomp = false;
		r = ld_proc_spawn(s->exe_path, argv, environ, s->aslr, NULL,
				  &s->proc, err, len);
	}
	if (r < 0)
		s->seccomp = false;
	else if (s->seccomp) {
		s->proc->passive_hook = passive_syscall;
		s->proc->passive_ctx = s;
	}
	return r;
}

static bool reads_randomized(pid_t pid);

int ld_run(struct ld_session *s, bool stop_at_main)
{
	char err[512], **argv;
	size_t n = 0, i;
	int r;

	if (!s->exe)
		return ld_error("run: no program: give one on the command line "
				"or with `file PROGRAM`");
	if (s->proc) {
		ld_out("Killing the running process %d first.\n", (int)s->proc->pid);
		ld_end_process(s, true);
	}
	if (stop_at_main && ld_break(s, "main", true) < 0)
		return -1;
	while (s->args[n])
		n++;
	argv = calloc(n + 2, sizeof *argv);
	if (!argv)
		return ld_error("run: %s", strerror(ENOMEM));
	argv[0] = s->exe_path;
	for (i = 0; i < n; i++)
		argv[i + 1] = s->args[i];
	r = spawn(s, argv, err, sizeof err);
	free(argv);
	if (r < 0)
		return ld_error("run: %s: %s", s->exe_path, err);
	/* what the kernel did, not what was asked: exec of a set-user-ID
	 * file clears ADDR_NO_RANDOMIZE */
	s->proc_aslr = reads_randomized(s->proc->pid);
	s->cur_tid = s->proc->pid;
	ld_out("Starting program: %s\n", s->exe_path);
	snprintf(s->stop_reason, sizeof s->stop_reason, "exec");
	new_image(s);
	return run_until_stop(s);
}

int ld_continue(struct ld_session *s, unsigned ignore)
{
	if (need_stopped(s, "continue"))
		return -1;
	if (ignore > 1 && s->last_event == LD_EV_BREAKPOINT) {
		struct ld_bp *bp = NULL;
		size_t i;
		ld_regs r;

		if (ld_regs_get(s->cur_tid, &r) == 0)
			for (i = 0; i < s->bps.n; i++)
				if (s->bps.v[i]->num && s->bps.v[i]->addr == r.rip &&
				    s->bps.v[i]->armed)
					bp = s->bps.v[i];
		if (bp) {
			bp->ignore = ignore - 1;
			ld_out("Will ignore next %u crossings of breakpoint %d.  "
			       "Continuing.\n", ignore - 1, bp->num);
		}
	}
	return run_until_stop(s);
}

int ld_stepi(struct ld_session *s, unsigned count)
{
	struct outcome out = { 0 };
	struct ld_thread *t;
	int r;

	if (need_stopped(s, "stepi") || !(t = ld_session_thread(s)))
		return -1;
	ld_interrupted = 0;
	while (count--) {
		r = step_insn(s, t, &out);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		out.ev = LD_EV_STEP;
		out.tid = t->tid;
	}
	after_stop(s, &out);
	return 0;
}

/* Set a <finish> breakpoint where frame `s->frame` returns to; it is
 * returned, or NULL after an error was printed. */
static struct ld_bp *arm_finish(struct ld_session *s, struct ld_thread *t)
{
	struct ld_frames fs = { 0 };
	struct ld_bp *bp = NULL;
	char where[512];
	int n, r;

	/* the selected frame and its caller: no need to unwind further */
	n = ld_session_stack(s, t->tid, (size_t)s->frame + 2, &fs);
	if (n < 0)
		ld_error("finish: cannot unwind thread %d: %s", (int)t->tid,
			 strerror(-n));
	else if (n <= s->frame + 1 || !fs.v[s->frame + 1].pc)
		ld_error("finish: not meaningful in the outermost frame");
	else if (!(bp = ld_bp_add(&s->bps, LD_BP_FINISH, "<finish>")))
		ld_error("finish: %s", strerror(ENOMEM));
	if (!bp)
		goto out;
	if (!describe_stop(s, fs.v[s->frame].pc, NULL, where, sizeof where))
		ld_describe_pc(s, fs.v[s->frame].pc, where, sizeof where);
	ld_out("Run till exit from #%d  %s\n", s->frame, where);
	bp->addr = fs.v[s->frame + 1].pc;
	/* The frame has returned when the stack pointer is back at its
	 * caller's: under recursion the same return address is hit by deeper
	 * frames first, with a lower sp (x86-64: the stack grows down). */
	bp->sp = fs.v[s->frame + 1].sp;
	bp->tid = t->tid;
	bp->pending = false;
	r = ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), bp);
	if (r < 0) {
		ld_bp_delete(&s->bps, bp);
		bp = NULL;
		ld_error("finish: cannot insert a breakpoint at 0x%" PRIx64 ": %s",
			 fs.v[s->frame + 1].pc, strerror(-r));
	}
out:
	ld_frames_release(&fs);
	return bp;
}

int ld_finish(struct ld_session *s)
{
	struct ld_thread *t;
	struct ld_bp *bp;
	size_t i;
	int r;

	if (need_stopped(s, "finish") || !(t = ld_session_thread(s)))
		return -1;
	if (!(bp = arm_finish(s, t)))
		return -1;
	r = run_until_stop(s);
	for (i = 0; i < s->bps.n; i++) {
		if (s->bps.v[i] == bp) {
			ld_delete_bp(s, bp);
			break;
		}
	}
	if (r == 0 && s->proc && s->last_event == LD_EV_FINISH) {
		ld_regs regs;

		if (ld_regs_get(s->cur_tid, &regs) == 0)
			ld_out("Value returned is $%u = 0x%llx (%lld)\n",
			       ++s->value_num, (unsigned long long)regs.rax,
			       (long long)regs.rax);
	}
	return r;
}

static bool reads_randomized(pid_t pid)
{
	char path[64];
	unsigned long pers = 0;
	FILE *f;
	int sys = 2;

	snprintf(path, sizeof path, "/proc/%d/personality", (int)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lx", &pers) != 1)
			pers = 0;
		fclose(f);
	}
	if ((f = fopen("/proc/sys/kernel/randomize_va_space", "r"))) {
		if (fscanf(f, "%d", &sys) != 1)
			sys = 2;
		fclose(f);
	}
	return sys != 0 && !(pers & 0x0040000 /* ADDR_NO_RANDOMIZE */);
}

int ld_attach(struct ld_session *s, pid_t pid)
{
	char err[512], path[64], exe[4096], where[512];
	struct ld_thread *t;
	ssize_t n;
	int g;
	size_t i;

	if (s->proc)
		return ld_error("attach %d: already debugging process %d; "
				"`detach` or `kill` first", (int)pid, (int)s->proc->pid);
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof exe - 1);
	if (ld_proc_attach(pid, &s->proc, err, sizeof err) < 0) {
		s->proc = NULL;
		return ld_error("attach %d: %s", (int)pid, err);
	}
	if ((g = ld_guardian_start(pid)) < 0)
		ld_warn("attach %d: no guardian: if layoutdbg is killed, breakpoint "
			"bytes stay in the process: %s", (int)pid, strerror(-g));
	if (n > 0) {
		exe[n] = 0;
		if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
			exe[n - 10] = 0;
		if ((!s->exe_path || strcmp(s->exe_path, exe)) &&
		    ld_session_file(s, exe) < 0)
			ld_warn("continuing without the program's symbols");
	}
	s->proc_aslr = reads_randomized(pid);
	/* a leader gone by pthread_exit is no thread to show: the first live */
	t = ld_proc_thread(s->proc, pid);
	for (i = 0; (!t || t->state == LD_T_GONE) && i < s->proc->nthreads; i++)
		t = &s->proc->threads[i];
	s->cur_tid = t->tid;
	s->stop_gen++;
	snprintf(s->stop_reason, sizeof s->stop_reason, "attach");
	s->last_event = LD_EV_INTERRUPT;
	ld_out("Attached to process %d (%zu thread%s)\n", (int)pid,
	       ld_proc_nlive(s->proc), ld_proc_nlive(s->proc) == 1 ? "" : "s");
	if (ld_session_rescan_files(s) == 0) {
		arm_solib_hook(s);
		arm_all(s, true);
	}
	t = ld_proc_thread(s->proc, s->cur_tid);
	if (t)
		ld_out("%s\n", ld_describe_pc(s, thread_pc(t), where, sizeof where));
	return 0;
}

int ld_detach(struct ld_session *s)
{
	pid_t pid;
	int r;

	if (need_stopped(s, "detach"))
		return -1;
	if (s->seccomp)
		return ld_error("detach: process %d runs under layoutdbg's seccomp "
				"filter (started for `trace memory` or a catchpoint): "
				"without a tracer its memory system calls would fail "
				"with ENOSYS; use `kill`", (int)s->proc->pid);
	pid = s->proc->pid;
	quiesce(s, s->proc);
	r = ld_bps_disarm_all(&s->bps, ld_proc_mem_tid(s->proc));
	if (r < 0)
		ld_error("detach: could not restore every breakpoint byte: %s",
			 strerror(-r));
	if (ld_proc_detach(s->proc) < 0)
		ld_error("detach: %s", strerror(errno));
	ld_out("[process %d detached]\n", (int)pid);
	ld_end_process(s, false);
	return r < 0 ? -1 : 0;
}

int ld_kill(struct ld_session *s)
{
	pid_t pid;

	if (need_stopped(s, "kill"))
		return -1;
	pid = s->proc->pid;
	quiesce(s, s->proc);
	/* The text is restored even though the process dies: a process
	 * sharing the pages (vfork) must not see our int3s. */
	ld_bps_disarm_all(&s->bps, ld_proc_mem_tid(s->proc));
	ld_proc_kill(s->proc);
	ld_out("[process %d killed]\n", (int)pid);
	ld_end_process(s, false);
	return 0;
}

/* Between commands: has the stopped process died from outside (SIGKILL)?
 * Reports it and forgets the process.  Returns 1 when it is gone. */
int ld_poll_process(struct ld_session *s)
{
	struct ld_stop st;

	if (!s->proc)
		return 0;
	while (ld_proc_wait(s->proc, &st, false) == 0) {
		struct ld_thread *t = ld_proc_thread(s->proc, st.tid);

		if (s->proc->exited) {
			report_exit(s);
			return 1;
		}
		/* A stop that arrived while we sat at the prompt (a signal
		 * sent from outside): keep it for the next resume. */
		if (t && t->state == LD_T_STOPPED)
			t->queued = st.kind != LD_STOP_INTERRUPT;
	}
	return 0;
}

/* ---- source-line stepping ------------------------------------------- */

/* One machine instruction of t (stepping over a breakpoint under it).
 * Returns 0 when it was executed, 1 when something else is to be reported
 * (out filled), -1 after an error. */
static int step_insn(struct ld_session *s, struct ld_thread *t,
		     struct outcome *out)
{
	struct ld_stop st;
	int r;

	memset(&st, 0, sizeof st);
	memset(out, 0, sizeof *out);
	out->tid = t->tid;
	r = step_over(s, t);
	if (r == 0) {
		r = ld_proc_resume(s->proc, t, LD_RESUME_STEP, t->pending_sig);
		if (!r)
			r = wait_thread(s, t, &st);
	} else if (r == 1) {
		st = t->last;
		t->queued = false;
	} else if (r == 2) {
		st.kind = LD_STOP_STEP;
		st.tid = t->tid;
	}
	if (r < 0)
		return ld_error("step: thread %d: %s", (int)t->tid, strerror(-r));
	if (s->proc->exited) {
		out->ev = LD_EV_EXITED;
		return 1;
	}
	if (st.kind == LD_STOP_STEP) {
		/* stepped onto a breakpoint: `continue` goes on from it (gdb) */
		t->on_bp = ld_site_at(&s->bps, thread_pc(t)) != NULL;
		return 0;
	}
	if (on_stop(s, &st, true, out) == V_REPORT && out->ev != LD_EV_STEP)
		return 1;
	return 0;
}

/* Run every thread until t reaches addr with a stack pointer of at least
 * sp (0: any); then stop the others.  0 when reached, 1 when something
 * else is to be reported (out), -1 after an error. */
static int run_to_addr(struct ld_session *s, struct ld_thread *t, uint64_t addr,
		       uint64_t sp, struct outcome *out)
{
	struct ld_bp *bp = ld_bp_add(&s->bps, LD_BP_FINISH, "<step>");
	size_t i;
	int r;

	if (!bp)
		return ld_error("step: %s", strerror(ENOMEM));
	bp->addr = addr;
	bp->sp = sp;
	bp->tid = t->tid;
	bp->pending = false;
	r = ld_bp_arm(&s->bps, ld_proc_mem_tid(s->proc), bp);
	if (r < 0) {
		ld_bp_delete(&s->bps, bp);
		return ld_error("step: cannot insert a breakpoint at 0x%" PRIx64 ": %s",
				addr, strerror(-r));
	}
	r = run_to(s, out);
	/* The other threads still run: stop them before the int3 goes
	 * (its byte is written through a stopped thread, and hits of it in
	 * flight are settled while the site still exists). */
	if (s->proc && !s->proc->exited)
		stop_world(s);
	for (i = 0; i < s->bps.n; i++) {
		if (s->bps.v[i] == bp) {
			ld_delete_bp(s, bp);
			break;
		}
	}
	if (r < 0)
		return -1;
	if (out->ev != LD_EV_FINISH || !s->proc)
		return 1;
	s->stop_gen++;
	forget_unwatched_brk(s);
	return 0;
}

/* The instruction just executed was a call when the stack grew by one
 * word holding an address just past the previous pc, and the pc jumped. */
static bool was_call(struct ld_session *s, const ld_regs *before,
		     const ld_regs *after, uint64_t *ret)
{
	if (after->rsp != before->rsp - 8 ||
	    ld_mem_read(s->cur_tid, after->rsp, ret, sizeof *ret))
		return false;
	return *ret > before->rip && *ret <= before->rip + 15 &&
	       (after->rip < before->rip || after->rip > before->rip + 15);
}

static bool function_of(struct ld_session *s, uint64_t pc, const char **name,
			uint64_t *start)
{
	struct ld_obj *ob;
	uint64_t off;

	if (!ld_objs_symbolize(&s->objs, pc, &ob, name, &off))
		return false;
	*start = pc - off;
	return true;
}

int ld_step_line(struct ld_session *s, enum ld_step_mode mode)
{
	static const char *what[] = { "next", "step", "until" };
	struct ld_frame f[2];
	struct outcome out;
	struct ld_thread *t;
	struct ld_line row, now;
	const char *fname = NULL, *fn2;
	uint64_t fstart = 0, start_fn, fs2, cfa, ret;
	char file[4096];
	unsigned long steps;
	ld_regs before, after;
	int r;

	if (need_stopped(s, what[mode]) || !(t = ld_session_thread(s)))
		return -1;
	ld_interrupted = 0;
	if (!ld_objs_line_at(&s->objs, thread_pc(t), &row)) {
		char sym[256];

		ld_out("Single stepping until exit from function %s,\nwhich has no "
		       "line number information.\n",
		       ld_session_symbolize(s, thread_pc(t), sym, sizeof sym));
		return ld_finish(s);
	}
	snprintf(file, sizeof file, "%s", row.file);
	function_of(s, thread_pc(t), &fname, &fstart);
	start_fn = fstart;
	cfa = ld_session_unwind(s, t->tid, f, 2) == 2 ? f[0].cfa : 0;
	for (steps = 0; steps < 10000000; steps++) {
		if (ld_interrupted) {
			memset(&out, 0, sizeof out);
			out.ev = LD_EV_INTERRUPT;
			out.tid = t->tid;
			ld_interrupted = 0;
			break;
		}
		if (ld_regs_get(t->tid, &before))
			return ld_error("%s: thread %d is gone", what[mode], (int)t->tid);
		r = step_insn(s, t, &out);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		if (ld_regs_get(t->tid, &after))
			return ld_error("%s: thread %d is gone", what[mode], (int)t->tid);
		if (was_call(s, &before, &after, &ret)) {
			/* step: into a function that has line information, to
			 * the end of its prologue; otherwise over the call. */
			struct ld_obj *ob = ld_objs_at(&s->objs, after.rip);

			if (mode == STEP_INTO && ob && ld_obj_lines(ob) &&
			    ld_objs_line_at(&s->objs, after.rip, &now)) {
				uint64_t body = after_prologue(s, ob, after.rip);

				if (body != after.rip) {
					r = run_to_addr(s, t, body, 0, &out);
					if (r != 0)
						break;
				}
				memset(&out, 0, sizeof out);
				out.ev = LD_EV_STEP;
				out.tid = t->tid;
				out.line_step = true;
				break;
			}
			r = run_to_addr(s, t, ret, after.rsp + 8, &out);
			if (r < 0)
				return -1;
			if (r == 1)
				break;
			/* the return address may itself start a new line */
			if (ld_regs_get(t->tid, &after))
				return ld_error("%s: thread %d is gone", what[mode],
						(int)t->tid);
		}
		/* Returned out of the frame into the middle of the caller's
		 * line: go on stepping to the start of the caller's next line,
		 * as gdb does; into code without lines: run on. */
		if (cfa && after.rsp >= cfa && !(after.rip >= fstart &&
						 function_of(s, after.rip, &fn2, &fs2) &&
						 fs2 == fstart)) {
			if (!ld_objs_line_at(&s->objs, after.rip, &now))
				return run_until_stop(s);
			if (now.addr != after.rip) {
				struct ld_frame cf[2];

				row = now;
				snprintf(file, sizeof file, "%s", now.file);
				function_of(s, after.rip, &fname, &fstart);
				cfa = ld_session_unwind(s, t->tid, cf, 2) == 2 ? cf[0].cfa : 0;
				continue;
			}
			memset(&out, 0, sizeof out);
			out.ev = LD_EV_STEP;
			out.tid = t->tid;
			out.line_step = true;
			break;
		}
		if (!ld_objs_line_at(&s->objs, after.rip, &now) || now.addr != after.rip)
			continue;
		if (now.line == row.line && !strcmp(now.file, file))
			continue;
		/* until: a jump back (a loop) does not count */
		if (mode == STEP_UNTIL && now.line < row.line && !strcmp(now.file, file))
			continue;
		memset(&out, 0, sizeof out);
		out.ev = LD_EV_STEP;
		out.tid = t->tid;
		out.line_step = true;
		/* gdb names the function when it is not the one `next` began in */
		out.same_function = function_of(s, after.rip, &fn2, &fs2) &&
				    fs2 == start_fn;
		break;
	}
	after_stop(s, &out);
	return 0;
}
