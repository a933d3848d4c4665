/* Addresses and their names (ld_eval_addr itself is declared in
 * session.h, where its older callers find it). */
#ifndef LAYOUTDBG_EXPR_H
#define LAYOUTDBG_EXPR_H

#include <stddef.h>
#include <stdint.h>

/* ld_session_symbolize for a renderer's callback (ctx: the session). */
const char *ld_symbolize_cb(void *session, uint64_t addr, char *buf,
			    size_t len);

/* The same with the symbol's name as its symbol table has it (C++ and
 * Rust mangled): gdb's x labels, with `set print asm-demangle off'. */
const char *ld_symbolize_linkage_cb(void *session, uint64_t addr, char *buf,
				    size_t len);

#endif
