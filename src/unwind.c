/* Unwinding through libunwind-ptrace. */
#include <errno.h>
#include <stdlib.h>

#include <libunwind-ptrace.h>

#include "layoutdbg/unwind.h"

struct ld_unwinder {
	unw_addr_space_t as;
};

struct ld_unwinder *ld_unwinder_new(void)
{
	struct ld_unwinder *u = calloc(1, sizeof *u);

	if (!u)
		return NULL;
	u->as = unw_create_addr_space(&_UPT_accessors, 0);
	if (!u->as) {
		free(u);
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return u;
}

void ld_unwinder_free(struct ld_unwinder *u)
{
	if (!u)
		return;
	unw_destroy_addr_space(u->as);
	free(u);
}

void ld_unwinder_flush(struct ld_unwinder *u)
{
	if (u)
		unw_flush_cache(u->as, 0, 0);
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
	unw_cursor_t c;
	void *ui;
	size_t n = 0;
	int r;

	if (!max)
		return 0;
	ui = _UPT_create(tid);
	if (!ui)
		return -ENOMEM;
	r = unw_init_remote(&c, u->as, ui);
	if (r < 0) {
		_UPT_destroy(ui);
		return -ESRCH;
	}
	do {
		unw_word_t ip, sp;
		struct ld_frame *f = &out[n];

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 ||
		    unw_get_reg(&c, UNW_REG_SP, &sp) < 0)
			break;
		/* The caller's view says where the callee kept things: its
		 * sp is the callee's CFA, its saved registers' locations are
		 * the callee's save slots. */
		if (n > 0) {
			out[n - 1].cfa = sp;
			out[n - 1].rbp_at = save_loc(&c, UNW_X86_64_RBP);
			out[n - 1].rip_at = save_loc(&c, UNW_X86_64_RIP);
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
		r = unw_step(&c);
	} while (r > 0 && n < max);
	_UPT_destroy(ui);
	return (int)n;
}
