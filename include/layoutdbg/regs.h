/* The registers of a thread (info registers), as text or --json. */
#ifndef LAYOUTDBG_REGS_H
#define LAYOUTDBG_REGS_H

#include <sys/types.h>

#include "layoutdbg/examine.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/session.h"

struct ld_regs_view {
	pid_t tid;
	int thread;            /* gdb's thread number */
	ld_regs regs;
	const char *want;      /* one register ("rax" or "$rax"), NULL: all */
	ld_symbolize_fn sym;   /* names rip in text */
	void *sym_ctx;
	/* `set print layout on`: where rip, rsp, rbp and every register
	 * holding a mapped address point (pointsview.h); NULL: gdb's text */
	struct ld_session *layout;
};

/* Print v; 0, or -1 after an error (no register named want). */
int ld_show_registers(const struct ld_regs_view *v);

#endif
