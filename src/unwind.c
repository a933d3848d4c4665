/* Unwinding through libunwind-ptrace, with our own memory and register
 * accessors: libunwind's _UPT ones read one word per PTRACE_PEEKDATA and
 * one register per PTRACE_PEEKUSER.  Here the registers come from one
 * PTRACE_GETREGS and memory from process_vm_readv, a page at a time,
 * cached for the length of one unwind (the stack changes between stops).
 * The _UPT state of each thread is kept, so the unwind tables of the
 * object last used stay mapped between unwinds. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <libunwind-ptrace.h>

#include "layoutdbg/mem.h"
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
};

/* The context of the unwind under way.  The accessors' arg must stay the
 * _UPT state: _UPT_find_proc_info passes it on to access_mem itself.
 * layoutdbg unwinds one thread at a time. */
static struct ctx *cur;

static struct ctx *ctx_of(void *arg)
{
	return cur && cur->upt == arg ? cur : NULL;
}

struct ld_unwinder {
	unw_addr_space_t as;
	unw_accessors_t acc;
	struct ctx ctx[MAX_TIDS];
	size_t nctx;
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

static int acc_access_mem(unw_addr_space_t as, unw_word_t addr,
			  unw_word_t *val, int write, void *arg)
{
	struct ctx *c = ctx_of(arg);
	uint64_t page = addr & ~4095ULL, off = addr & 4095;
	struct page *p;

	if (write || !c || !c->pages || off > 4096 - sizeof *val)
		return _UPT_access_mem(as, addr, val, write, arg);
	p = cached_page(c, page);
	if (p->bad)
		return _UPT_access_mem(as, addr, val, write, arg);
	memcpy(val, p->data + off, sizeof *val);
	return 0;
}

/* libunwind's x86-64 register numbers, in user_regs_struct. */
static unw_word_t *reg_slot(ld_regs *r, unw_regnum_t reg)
{
	switch (reg) {
	case UNW_X86_64_RAX: return (unw_word_t *)&r->rax;
	case UNW_X86_64_RDX: return (unw_word_t *)&r->rdx;
	case UNW_X86_64_RCX: return (unw_word_t *)&r->rcx;
	case UNW_X86_64_RBX: return (unw_word_t *)&r->rbx;
	case UNW_X86_64_RSI: return (unw_word_t *)&r->rsi;
	case UNW_X86_64_RDI: return (unw_word_t *)&r->rdi;
	case UNW_X86_64_RBP: return (unw_word_t *)&r->rbp;
	case UNW_X86_64_RSP: return (unw_word_t *)&r->rsp;
	case UNW_X86_64_R8: return (unw_word_t *)&r->r8;
	case UNW_X86_64_R9: return (unw_word_t *)&r->r9;
	case UNW_X86_64_R10: return (unw_word_t *)&r->r10;
	case UNW_X86_64_R11: return (unw_word_t *)&r->r11;
	case UNW_X86_64_R12: return (unw_word_t *)&r->r12;
	case UNW_X86_64_R13: return (unw_word_t *)&r->r13;
	case UNW_X86_64_R14: return (unw_word_t *)&r->r14;
	case UNW_X86_64_R15: return (unw_word_t *)&r->r15;
	case UNW_X86_64_RIP: return (unw_word_t *)&r->rip;
	default: return NULL;
	}
}

static int acc_access_reg(unw_addr_space_t as, unw_regnum_t reg,
			  unw_word_t *val, int write, void *arg)
{
	struct ctx *c = ctx_of(arg);
	unw_word_t *slot = c && c->regs_ok ? reg_slot(&c->regs, reg) : NULL;

	if (write || !slot)
		return _UPT_access_reg(as, reg, val, write, arg);
	*val = *slot;
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
	}
	u->nctx = 0;
}

void ld_unwinder_free(struct ld_unwinder *u)
{
	if (!u)
		return;
	drop_contexts(u);
	unw_destroy_addr_space(u->as);
	free(u);
}

void ld_unwinder_flush(struct ld_unwinder *u)
{
	if (!u)
		return;
	unw_flush_cache(u->as, 0, 0);
	drop_contexts(u);	/* the objects they hold mapped may be gone */
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

int ld_unwind(struct ld_unwinder *u, pid_t tid, struct ld_frame *out,
	      size_t max)
{
	struct ctx *c;
	unw_cursor_t cursor;
	size_t n = 0, i;
	int r;

	if (!max)
		return 0;
	c = context(u, tid);
	if (!c)
		return -ENOMEM;
	/* Memory and registers are read afresh for every unwind. */
	for (i = 0; c->pages && i < CACHE_PAGES; i++)
		c->pages[i].addr = 0;
	c->regs_ok = ld_regs_get(tid, &c->regs) == 0;
	if (!c->regs_ok)
		return -ESRCH;
	cur = c;
	r = unw_init_remote(&cursor, u->as, c->upt);
	if (r < 0) {
		cur = NULL;
		return -ESRCH;
	}
	do {
		unw_word_t ip, sp;
		struct ld_frame *f = &out[n];

		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 ||
		    unw_get_reg(&cursor, UNW_REG_SP, &sp) < 0)
			break;
		/* The caller's view says where the callee kept things: its
		 * sp is the callee's CFA, its saved registers' locations are
		 * the callee's save slots. */
		if (n > 0) {
			out[n - 1].cfa = sp;
			out[n - 1].rbp_at = save_loc(&cursor, UNW_X86_64_RBP);
			out[n - 1].rip_at = save_loc(&cursor, UNW_X86_64_RIP);
		}
		/* A zero return address ends the chain (_start's caller); a
		 * stack pointer that does not move up means the unwinder is
		 * lost in garbage (a thread not started yet): stop there. */
		if (n > 0 && (ip == 0 || sp < out[n - 1].sp ||
			      (sp == out[n - 1].sp && ip == out[n - 1].pc)))
			break;
		f->pc = ip;
		f->sp = sp;
		f->cfa = f->rbp_at = f->rip_at = 0;
		n++;
		r = unw_step(&cursor);
	} while (r > 0 && n < max);
	cur = NULL;
	return (int)n;
}
