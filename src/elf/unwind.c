/* Stack unwinding.  The fast path is our own: the call frame information
 * (.eh_frame through libdw) of the object holding each pc, compiled once
 * per pc into a small table of rules and evaluated here against registers
 * from one PTRACE_GETREGS and stack pages read by process_vm_readv.
 * libunwind-ptrace (with our memory and register accessors) takes over a
 * whole unwind whenever the fast path meets something it does not know: a
 * pc outside any object (JIT code, the vDSO), no FDE, a DWARF operation
 * the evaluator lacks.  Profiling showed why the fast path exists:
 * libunwind takes a lock around its rule cache with two sigprocmask calls
 * per frame, half of its time. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <libunwind-ptrace.h>

#include "layoutdbg/maps.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/unwind.h"

#define CACHE_PAGES 64
#define MAX_TIDS 64

struct page {
	uint64_t addr;            /* page address; 0: empty */
	bool bad;                 /* not readable */
	unsigned char data[4096];
};

struct ctx {
	pid_t tid;
	void *upt;                /* _UPT_create()'s state for tid */
	ld_regs regs;
	bool regs_ok;
	struct page *pages;       /* CACHE_PAGES, direct-mapped */
	struct ld_maps maps;      /* for the frame-pointer fallback: read on
				     its first need in an unwind */
	bool maps_ok;
};

/* The context of the unwind under way.  The accessors' arg must stay the
 * _UPT state: _UPT_find_proc_info passes it on to access_mem itself.
 * layoutdbg unwinds one thread at a time. */
static struct ctx *cur;

static struct ctx *ctx_of(void *arg)
{
	return cur && cur->upt == arg ? cur : NULL;
}

/* DWARF register numbers of x86-64 (psABI): 0 rax, 1 rdx, 2 rcx, 3 rbx,
 * 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 the return address. */
#define NREGS 17
#define DW_RBP 6
#define DW_RSP 7
#define DW_RA 16
#define MAX_OPS 64             /* per rule, all expressions together */
#define RULE_BUCKETS 1024
#define MAX_RULES 65536

struct op {
	uint8_t atom;
	uint64_t a, b;
};

/* How a register of the caller is found (or the CFA computed). */
enum how { SAME, UNDEFINED, AT, VALUE };

struct expr {
	uint8_t how;          /* enum how; AT: the expression gives the
				 address of the saved value, VALUE: the value */
	uint8_t n;            /* operations, from ops[first] */
	uint8_t first;
};

/* What the call frame information says at a pc. */
enum rule_state { RULES, NO_FDE, UNSUPPORTED };

/* The unwind rules at one pc, compiled from libdw's frame state. */
struct rule {
	uint64_t pc;
	struct rule *next;
	uint8_t state;        /* enum rule_state */
	bool signal;          /* a signal trampoline's frame */
	struct expr cfa;
	struct expr reg[NREGS];
	uint8_t nops;
	struct op *ops;       /* the expressions' operations, right after the
				 rule in the same allocation */
};

struct ld_unwinder {
	unw_addr_space_t as;
	unw_accessors_t acc;
	struct ctx ctx[MAX_TIDS];
	size_t nctx;
	ld_cfi_lookup_fn lookup;
	void *lookup_arg;
	bool fast_off;
	struct ld_unwind_stats stats;
	struct rule *rules[RULE_BUCKETS];
	size_t nrules;
};

static int acc_find_proc_info(unw_addr_space_t as, unw_word_t ip,
			      unw_proc_info_t *pi, int need, void *arg)
{
	return _UPT_find_proc_info(as, ip, pi, need, arg);
}

static void acc_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi,
				void *arg)
{
	_UPT_put_unwind_info(as, pi, arg);
}

static int acc_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dil,
				      void *arg)
{
	return _UPT_get_dyn_info_list_addr(as, dil, arg);
}

static struct page *cached_page(struct ctx *c, uint64_t page)
{
	struct page *p = &c->pages[(page >> 12) % CACHE_PAGES];

	if (p->addr != page) {
		p->addr = page;
		p->bad = ld_mem_read(c->tid, page, p->data, sizeof p->data) != 0;
	}
	return p;
}

static bool read_word(struct ctx *c, uint64_t addr, uint64_t *val)
{
	struct page *p;

	if ((addr & 4095) > 4096 - 8 || !c->pages)
		return ld_mem_read(c->tid, addr, val, 8) == 0;
	p = cached_page(c, addr & ~4095ULL);
	if (p->bad)
		return false;
	memcpy(val, p->data + (addr & 4095), 8);
	return true;
}

/* A word of the stack through the page cache; what it cannot read goes
 * to libunwind's own accessor. */
static int acc_access_mem(unw_addr_space_t as, unw_word_t addr,
			  unw_word_t *val, int write, void *arg)
{
	struct ctx *c = ctx_of(arg);
	uint64_t v;

	if (write || !c || !read_word(c, addr, &v))
		return _UPT_access_mem(as, addr, val, write, arg);
	*val = v;
	return 0;
}

/* ---- The fast path: call frame information evaluated here ---- */

static void drop_rules(struct ld_unwinder *u)
{
	size_t i;

	for (i = 0; i < RULE_BUCKETS; i++) {
		while (u->rules[i]) {
			struct rule *r = u->rules[i];

			u->rules[i] = r->next;
			free(r);
		}
	}
	u->nrules = 0;
}

/* A rule being compiled: operations collect here before the rule is
 * allocated at its size. */
struct draft {
	struct rule r;
	struct op ops[MAX_OPS];
};

/* Copy libdw's operations; a trailing DW_OP_stack_value makes the
 * expression a value rather than an address. */
static bool compile_expr(struct draft *d, struct expr *e, const Dwarf_Op *ops,
			 size_t n, enum how how)
{
	size_t i;

	if (n && ops[n - 1].atom == DW_OP_stack_value) {
		how = VALUE;
		n--;
	}
	if (n == 0 || n > (size_t)(MAX_OPS - d->r.nops))
		return false;
	e->how = (uint8_t)how;
	e->n = (uint8_t)n;
	e->first = d->r.nops;
	for (i = 0; i < n; i++)
		d->ops[d->r.nops++] = (struct op){ ops[i].atom, ops[i].number,
						   ops[i].number2 };
	return true;
}

/* The psABI's callee-saved registers: rbx, rbp, r12-r15.  Unless saved,
 * the caller sees the callee's value.  libdw's x86-64 defaults call rbx
 * undefined; no compiler says so of a callee-saved register. */
static bool callee_saved(int g)
{
	return g == 3 || g == DW_RBP || (g >= 12 && g <= 15);
}

static enum rule_state compile_rule(struct ld_unwinder *u, uint64_t pc,
				    struct draft *d)
{
	struct ld_cfi *cfi;
	Dwarf_Frame *f;
	Dwarf_Op mem[3], *ops;
	uint64_t bias;
	size_t n;
	enum rule_state st = UNSUPPORTED;
	int g;

	if (!u->lookup || !u->lookup(u->lookup_arg, pc, &cfi, &bias) || !cfi ||
	    dwarf_cfi_addrframe((Dwarf_CFI *)cfi, pc - bias, &f) != 0)
		return NO_FDE;
	if (dwarf_frame_info(f, NULL, NULL, &d->r.signal) != DW_RA ||
	    dwarf_frame_cfa(f, &ops, &n) != 0 ||
	    !compile_expr(d, &d->r.cfa, ops, n, VALUE) || d->r.cfa.how != VALUE)
		goto out;
	for (g = 0; g < NREGS; g++) {
		if (dwarf_frame_register(f, g, mem, &ops, &n) != 0)
			goto out;
		if (n == 0)
			d->r.reg[g].how = ops && !callee_saved(g) ? UNDEFINED : SAME;
		else if (!compile_expr(d, &d->r.reg[g], ops, n, AT))
			goto out;
	}
	st = RULES;
out:
	free(f);
	return st;
}

static const struct rule *rule_at(struct ld_unwinder *u, uint64_t pc)
{
	size_t b = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 54) % RULE_BUCKETS;
	static struct draft d;
	struct rule *r;

	for (r = u->rules[b]; r; r = r->next)
		if (r->pc == pc)
			return r;
	if (u->nrules >= MAX_RULES)
		drop_rules(u);
	memset(&d.r, 0, sizeof d.r);
	d.r.state = (uint8_t)compile_rule(u, pc, &d);
	if (d.r.state != RULES)
		d.r.nops = 0;
	r = malloc(sizeof *r + d.r.nops * sizeof *r->ops);
	if (!r)
		return NULL;
	*r = d.r;
	r->ops = (struct op *)(r + 1);
	memcpy(r->ops, d.ops, d.r.nops * sizeof *r->ops);
	r->pc = pc;
	r->next = u->rules[b];
	u->rules[b] = r;
	u->nrules++;
	return r;
}

/* The registers of one frame: values, whether known, and where in memory
 * each was saved (0: in a register, or unknown). */
struct frame_regs {
	uint64_t v[NREGS], at[NREGS];
	bool ok[NREGS];
};

/* The value stack of one expression.  One slot is kept free: eval gives
 * up before an operator could push past 15. */
struct estack {
	uint64_t v[16];
	size_t sp;
};

/* What an operator helper did: done, failed, or not one of its own. */
enum op_result { OP_DONE, OP_FAIL, OP_OTHER };

/* Operators that push a value: literals, registers of the callee frame,
 * the CFA and constants. */
static enum op_result push_op(const struct op *o, const struct frame_regs *fr,
			      const uint64_t *cfa, struct estack *s)
{
	unsigned a = o->atom;

	if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
		s->v[s->sp++] = a - DW_OP_lit0;
		return OP_DONE;
	}
	if ((a >= DW_OP_breg0 && a <= DW_OP_breg16) || a == DW_OP_bregx) {
		unsigned g = a == DW_OP_bregx ? (unsigned)o->a : a - DW_OP_breg0;
		uint64_t off = a == DW_OP_bregx ? o->b : o->a;

		if (g >= NREGS || !fr->ok[g])
			return OP_FAIL;
		s->v[s->sp++] = fr->v[g] + off;
		return OP_DONE;
	}
	switch (a) {
	case DW_OP_call_frame_cfa:
		if (!cfa)
			return OP_FAIL;
		s->v[s->sp++] = *cfa;
		return OP_DONE;
	case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u:
	case DW_OP_const2s: case DW_OP_const4u: case DW_OP_const4s:
	case DW_OP_const8u: case DW_OP_const8s: case DW_OP_constu:
	case DW_OP_consts:
		s->v[s->sp++] = o->a;
		return OP_DONE;
	default:
		return OP_OTHER;
	}
}

/* Operators on the top of the stack: dup, plus_uconst, deref. */
static enum op_result unary_op(struct ctx *c, const struct op *o,
			       struct estack *s)
{
	unsigned a = o->atom;
	uint64_t *top;

	if (a != DW_OP_dup && a != DW_OP_plus_uconst && a != DW_OP_deref)
		return OP_OTHER;
	if (s->sp < 1)
		return OP_FAIL;
	top = &s->v[s->sp - 1];
	if (a == DW_OP_dup)
		s->v[s->sp++] = *top;
	else if (a == DW_OP_plus_uconst)
		*top += o->a;
	else if (!read_word(c, *top, top))
		return OP_FAIL;
	return OP_DONE;
}

/* Binary operators: *top = *top OP x.  False for an operator not known
 * here (libunwind decides then). */
static bool binary_op(unsigned a, uint64_t *top, uint64_t x)
{
	switch (a) {
	case DW_OP_plus: *top += x; break;
	case DW_OP_minus: *top -= x; break;
	case DW_OP_mul: *top *= x; break;
	case DW_OP_and: *top &= x; break;
	case DW_OP_or: *top |= x; break;
	case DW_OP_xor: *top ^= x; break;
	case DW_OP_shl: *top = x < 64 ? *top << x : 0; break;
	case DW_OP_shr: *top = x < 64 ? *top >> x : 0; break;
	case DW_OP_eq: *top = *top == x; break;
	case DW_OP_ne: *top = *top != x; break;
	case DW_OP_ge: *top = (int64_t)*top >= (int64_t)x; break;
	case DW_OP_gt: *top = (int64_t)*top > (int64_t)x; break;
	case DW_OP_le: *top = (int64_t)*top <= (int64_t)x; break;
	case DW_OP_lt: *top = (int64_t)*top < (int64_t)x; break;
	default:
		return false;
	}
	return true;
}

/* A DWARF expression as call frame information uses them: registers of
 * the callee frame, the CFA, memory, constants and arithmetic. */
static bool eval(struct ctx *c, const struct rule *r, const struct expr *e,
		 const struct frame_regs *fr, const uint64_t *cfa,
		 uint64_t *out)
{
	struct estack s = { .sp = 0 };
	uint64_t x;
	size_t i;

	/* libdw starts register rules with DW_OP_call_frame_cfa itself */
	for (i = 0; i < e->n; i++) {
		const struct op *o = &r->ops[e->first + i];
		enum op_result res;

		if (s.sp >= 15)
			return false;
		res = push_op(o, fr, cfa, &s);
		if (res == OP_OTHER)
			res = unary_op(c, o, &s);
		if (res == OP_FAIL)
			return false;
		if (res == OP_DONE)
			continue;
		if (s.sp < 2)
			return false;
		x = s.v[--s.sp];
		if (!binary_op(o->atom, &s.v[s.sp - 1], x))
			return false;
	}
	if (s.sp == 0)
		return false;
	*out = s.v[s.sp - 1];
	return true;
}

static void regs_from_user(const ld_regs *r, struct frame_regs *fr)
{
	int g;

	for (g = 0; g < NREGS; g++) {
		fr->v[g] = ld_reg_value(r, ld_reg_by_dwarf((unsigned)g));
		fr->ok[g] = true;
		fr->at[g] = 0;
	}
}

/* One step: the caller's registers from the callee's and its rules. */
static bool step(struct ctx *c, const struct rule *r,
		 const struct frame_regs *fr, struct frame_regs *caller,
		 uint64_t *cfa)
{
	int g;

	if (!eval(c, r, &r->cfa, fr, NULL, cfa))
		return false;
	for (g = 0; g < NREGS; g++) {
		const struct expr *e = &r->reg[g];
		uint64_t x;

		caller->at[g] = 0;
		switch (e->how) {
		case SAME:
			caller->v[g] = fr->v[g];
			caller->ok[g] = fr->ok[g];
			caller->at[g] = fr->at[g];
			break;
		case UNDEFINED:
			caller->ok[g] = false;
			break;
		case AT:
			if (!eval(c, r, e, fr, cfa, &x) ||
			    !read_word(c, x, &caller->v[g]))
				return false;
			caller->ok[g] = true;
			caller->at[g] = x;
			break;
		default:
			if (!eval(c, r, e, fr, cfa, &caller->v[g]))
				return false;
			caller->ok[g] = true;
			break;
		}
	}
	return true;
}

/* Where an unwind writes its frames: the caller's array of fixed size, or
 * an ld_frames that grows (a stack has no fixed depth). */
struct sink {
	struct ld_frames *fs;
	size_t max;
	bool fixed;             /* fs->v is the caller's: never reallocated */
	bool nomem;
};

/* The next frame's slot (valid until the next call), or NULL when max is
 * reached or memory is short. */
static struct ld_frame *next_slot(struct sink *k)
{
	struct ld_frames *fs = k->fs;

	if (fs->n >= k->max)
		return NULL;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 256;
		struct ld_frame *v = NULL;

		if (!k->fixed && cap <= SIZE_MAX / sizeof *v)
			v = realloc(fs->v, cap * sizeof *v);
		if (!v) {
			k->nomem = !k->fixed;
			return NULL;
		}
		fs->v = v;
		fs->cap = cap;
	}
	return &fs->v[fs->n++];
}

/* ---- The frame-pointer fallback (code without call frame info) ----
 * As gdb and perf do: the caller's rbp is at [rbp], the return address at
 * [rbp+8], believed only when rbp lies in the thread's stack above the
 * frame's sp (so the chain strictly rises) and the return address is in
 * executable memory.  At the first instructions of a function (endbr64,
 * push %rbp; mov %rsp,%rbp) and at a ret, rbp is still or again the
 * caller's: the return address is then on top of the stack. */

static const struct ld_maps *maps_of(struct ctx *c)
{
	if (!c->maps_ok) {
		ld_maps_release(&c->maps);
		ld_maps_init(&c->maps);
		c->maps_ok = ld_maps_read(c->tid, &c->maps, NULL, 0) == 0;
	}
	return c->maps_ok ? &c->maps : NULL;
}

static bool executable(struct ctx *c, uint64_t pc)
{
	const struct ld_maps *m = maps_of(c);
	const struct ld_map *mp = m ? ld_maps_find(m, pc - 1) : NULL;

	return mp && mp->perms[2] == 'x';
}

/* Where the return address is when pc is at a function's entry, right
 * after its push %rbp, or at a ret: its offset from rsp; -1 otherwise
 * (the frame is set up: follow rbp). */
static int prologue_slot(struct ctx *c, uint64_t pc)
{
	uint64_t w, before;

	if (!read_word(c, pc, &w))
		return -1;
	if ((w & 0xffffffff) == 0xfa1e0ff3 || (w & 0xff) == 0x55 ||
	    (w & 0xff) == 0xc3)
		return 0;       /* endbr64, push %rbp, ret */
	if ((w & 0xffffff) == 0xe58948 && read_word(c, pc - 1, &before) &&
	    (before & 0xff) == 0x55)
		return 8;       /* push %rbp done, mov %rsp,%rbp next */
	return -1;
}

/* The caller's registers by the frame pointer; false when the chain
 * cannot be believed.  exact: pc is where fr stopped, not a return. */
static bool fp_step(struct ctx *c, const struct frame_regs *fr, bool exact,
		    struct frame_regs *caller, uint64_t *cfa)
{
	const struct ld_maps *m = maps_of(c);
	const struct ld_map *stack = m ? ld_maps_find(m, fr->v[DW_RSP]) : NULL;
	uint64_t sp = fr->v[DW_RSP], rbp = fr->v[DW_RBP];
	int slot = exact ? prologue_slot(c, fr->v[DW_RA]) : -1;
	int g;

	if (!stack)
		return false;
	for (g = 0; g < NREGS; g++) {   /* callee-saved: as the callee has */
		caller->v[g] = fr->v[g];
		caller->ok[g] = fr->ok[g] && callee_saved(g);
		caller->at[g] = fr->at[g];
	}
	if (slot >= 0) {
		*cfa = sp + (uint64_t)slot + 8;
		if (slot == 8 && !read_word(c, caller->at[DW_RBP] = sp,
					    &caller->v[DW_RBP]))
			return false;
	} else {
		if (!fr->ok[DW_RBP] || rbp < sp || rbp % 8 ||
		    rbp + 16 > stack->end)
			return false;
		*cfa = rbp + 16;
		if (!read_word(c, caller->at[DW_RBP] = rbp, &caller->v[DW_RBP]))
			return false;
	}
	caller->at[DW_RA] = *cfa - 8;
	caller->v[DW_RSP] = *cfa;
	caller->ok[DW_RSP] = caller->ok[DW_RBP] = caller->ok[DW_RA] = true;
	return read_word(c, *cfa - 8, &caller->v[DW_RA]) &&
	       executable(c, caller->v[DW_RA]);
}

/* Returns the number of frames, or -1 when libunwind must do this one. */
static int fast_unwind(struct ld_unwinder *u, struct ctx *c, struct sink *k)
{
	struct frame_regs a, b, *fr = &a, *caller = &b, *t;
	bool exact = true;    /* frame 0 and a signal frame's caller: the pc
				 is where execution stopped, not a return */
	bool guessed = false; /* fr was found by the frame pointer */
	struct ld_frame *f;

	regs_from_user(&c->regs, fr);
	while ((f = next_slot(k))) {
		const struct rule *r;
		uint64_t cfa;

		*f = (struct ld_frame){ .pc = fr->v[DW_RA], .sp = fr->v[DW_RSP],
					.fp_guess = guessed };
		if (k->fs->n == k->max)
			break;
		r = rule_at(u, exact ? fr->v[DW_RA] : fr->v[DW_RA] - 1);
		/* Code without call frame information above frame 0 with rbp
		 * zero is an entry point (ld.so's _start, a new thread before
		 * its first call): the outermost frame, as libunwind ends it.
		 * Anything else there is libunwind's to guess. */
		if (r && r->state == NO_FDE && k->fs->n > 1 && fr->ok[DW_RBP] &&
		    fr->v[DW_RBP] == 0)
			break;
		guessed = r && r->state == NO_FDE;
		/* No believable caller: the end of the chain; at frame 0
		 * (a thread just born in clone, whose code glibc leaves
		 * without an FDE on purpose) libunwind decides, as before. */
		if (guessed && !fp_step(c, fr, exact, caller, &cfa))
			return k->fs->n == 1 ? -1 : (int)k->fs->n;
		if (!guessed &&
		    (!r || r->state != RULES || !step(c, r, fr, caller, &cfa)))
			return -1;
		if (!caller->ok[DW_RA])
			break;          /* the outermost frame (_start, clone) */
		if (!caller->ok[DW_RSP]) {
			caller->v[DW_RSP] = cfa;
			caller->ok[DW_RSP] = true;
		}
		f->cfa = cfa;
		f->rbp_at = caller->at[DW_RBP];
		f->rip_at = caller->at[DW_RA];
		/* as in the libunwind loop below */
		if (caller->v[DW_RA] == 0 || caller->v[DW_RSP] < f->sp ||
		    (caller->v[DW_RSP] == f->sp && caller->v[DW_RA] == f->pc))
			break;
		exact = !guessed && r->signal;
		t = fr;
		fr = caller;
		caller = t;
	}
	return (int)k->fs->n;
}

/* libunwind numbers x86-64's registers as DWARF does, up to rip. */
_Static_assert(UNW_X86_64_RAX == 0 && UNW_X86_64_RDX == 1 &&
	       UNW_X86_64_RSP == 7 && UNW_X86_64_R15 == 15 &&
	       UNW_X86_64_RIP == 16, "libunwind's register numbers are DWARF's");

static int acc_access_reg(unw_addr_space_t as, unw_regnum_t reg,
			  unw_word_t *val, int write, void *arg)
{
	struct ctx *c = ctx_of(arg);
	const struct ld_reg_desc *d = c && c->regs_ok && reg >= 0 &&
				      reg <= UNW_X86_64_RIP ?
				      ld_reg_by_dwarf((unsigned)reg) : NULL;

	if (write || !d)
		return _UPT_access_reg(as, reg, val, write, arg);
	*val = ld_reg_value(&c->regs, d);
	return 0;
}

static int acc_access_fpreg(unw_addr_space_t as, unw_regnum_t reg,
			    unw_fpreg_t *val, int write, void *arg)
{
	return _UPT_access_fpreg(as, reg, val, write, arg);
}

static int acc_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	return _UPT_resume(as, c, arg);
}

static int acc_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf,
			     size_t len, unw_word_t *off, void *arg)
{
	return _UPT_get_proc_name(as, addr, buf, len, off, arg);
}

struct ld_unwinder *ld_unwinder_new(void)
{
	struct ld_unwinder *u = calloc(1, sizeof *u);

	if (!u)
		return NULL;
	u->acc = (unw_accessors_t){
		.find_proc_info = acc_find_proc_info,
		.put_unwind_info = acc_put_unwind_info,
		.get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
		.access_mem = acc_access_mem,
		.access_reg = acc_access_reg,
		.access_fpreg = acc_access_fpreg,
		.resume = acc_resume,
		.get_proc_name = acc_get_proc_name,
	};
	u->as = unw_create_addr_space(&u->acc, 0);
	if (!u->as) {
		free(u);
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return u;
}

static void drop_contexts(struct ld_unwinder *u)
{
	size_t i;

	for (i = 0; i < u->nctx; i++) {
		_UPT_destroy(u->ctx[i].upt);
		free(u->ctx[i].pages);
		ld_maps_release(&u->ctx[i].maps);
	}
	u->nctx = 0;
}

void ld_unwinder_free(struct ld_unwinder *u)
{
	if (!u)
		return;
	drop_contexts(u);
	drop_rules(u);
	unw_destroy_addr_space(u->as);
	free(u);
}

void ld_unwinder_set_lookup(struct ld_unwinder *u, ld_cfi_lookup_fn fn,
			    void *arg)
{
	u->lookup = fn;
	u->lookup_arg = arg;
	drop_rules(u);
}

void ld_unwinder_set_fast(struct ld_unwinder *u, bool on)
{
	u->fast_off = !on;
}

struct ld_unwind_stats ld_unwinder_stats(const struct ld_unwinder *u)
{
	return u->stats;
}

void ld_unwinder_flush(struct ld_unwinder *u)
{
	if (!u)
		return;
	unw_flush_cache(u->as, 0, 0);
	drop_contexts(u);	/* the objects they hold mapped may be gone */
	drop_rules(u);
}

static struct ctx *context(struct ld_unwinder *u, pid_t tid)
{
	struct ctx *c;
	size_t i;

	for (i = 0; i < u->nctx; i++)
		if (u->ctx[i].tid == tid)
			return &u->ctx[i];
	if (u->nctx == MAX_TIDS)
		drop_contexts(u);
	c = &u->ctx[u->nctx];
	memset(c, 0, sizeof *c);
	c->tid = tid;
	c->upt = _UPT_create(tid);
	c->pages = calloc(CACHE_PAGES, sizeof *c->pages);
	if (!c->upt) {
		free(c->pages);
		return NULL;
	}
	u->nctx++;
	return c;
}

static uint64_t save_loc(unw_cursor_t *c, int reg)
{
	unw_save_loc_t loc;

	if (unw_get_save_loc(c, reg, &loc) == 0 && loc.type == UNW_SLT_MEMORY)
		return loc.u.addr;
	return 0;
}

/* The whole unwind by libunwind (the fast path gave up). */
static int slow_unwind(struct ld_unwinder *u, struct ctx *c, struct sink *k)
{
	struct ld_frames *fs = k->fs;
	unw_cursor_t cursor;
	int r;

	u->stats.libunwind++;
	fs->n = 0;
	cur = c;
	r = unw_init_remote(&cursor, u->as, c->upt);
	if (r < 0) {
		cur = NULL;
		return -ESRCH;
	}
	do {
		struct ld_frame *last = fs->n ? &fs->v[fs->n - 1] : NULL, *f;
		unw_word_t ip, sp;

		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 ||
		    unw_get_reg(&cursor, UNW_REG_SP, &sp) < 0)
			break;
		/* The caller's view says where the callee kept things: its
		 * sp is the callee's CFA, its saved registers' locations are
		 * the callee's save slots. */
		if (last) {
			last->cfa = sp;
			last->rbp_at = save_loc(&cursor, UNW_X86_64_RBP);
			last->rip_at = save_loc(&cursor, UNW_X86_64_RIP);
		}
		/* A zero return address ends the chain (_start's caller); a
		 * stack pointer that does not move up means the unwinder is
		 * lost in garbage (a thread not started yet): stop there. */
		if (last && (ip == 0 || sp < last->sp ||
			     (sp == last->sp && ip == last->pc)))
			break;
		if (!(f = next_slot(k)))
			break;
		f->pc = ip;
		f->sp = sp;
		f->cfa = f->rbp_at = f->rip_at = 0;
		f->fp_guess = false;   /* libunwind's own guesses are not told */
		r = unw_step(&cursor);
	} while (r > 0 && fs->n < k->max);
	cur = NULL;
	return (int)fs->n;
}

static int unwind(struct ld_unwinder *u, pid_t tid, struct sink *k)
{
	struct ctx *c;
	size_t i;
	int n;

	k->fs->n = 0;
	if (k->max > INT_MAX)
		k->max = INT_MAX;
	if (!k->max)
		return 0;
	c = context(u, tid);
	if (!c)
		return -ENOMEM;
	/* Memory and registers are read afresh for every unwind. */
	for (i = 0; c->pages && i < CACHE_PAGES; i++)
		c->pages[i].addr = 0;
	c->maps_ok = false;
	c->regs_ok = ld_regs_get(tid, &c->regs) == 0;
	if (!c->regs_ok)
		return -ESRCH;
	n = u->fast_off ? -1 : fast_unwind(u, c, k);
	if (n > 0 && !k->nomem) {
		u->stats.fast++;
		return n;
	}
	if (!k->nomem)
		n = slow_unwind(u, c, k);
	return k->nomem ? -ENOMEM : n;
}

int ld_unwind(struct ld_unwinder *u, pid_t tid, struct ld_frame *out,
	      size_t max)
{
	struct ld_frames fs = { out, 0, max };
	struct sink k = { &fs, max, true, false };

	return unwind(u, tid, &k);
}

int ld_unwind_frames(struct ld_unwinder *u, pid_t tid, struct ld_frames *fs,
		     size_t max)
{
	struct sink k = { fs, max, false, false };

	return unwind(u, tid, &k);
}

int ld_frames_copy(struct ld_frames *to, const struct ld_frames *from, size_t n)
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

void ld_frames_release(struct ld_frames *fs)
{
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}
