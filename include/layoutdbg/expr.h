/* Addresses and their names (ld_eval_addr itself is declared in
 * session.h, where its older callers find it). */
#ifndef LAYOUTDBG_EXPR_H
#define LAYOUTDBG_EXPR_H

#include <stddef.h>
#include <stdint.h>

/* ld_session_symbolize for a renderer's callback (ctx: the session). */
const char *ld_symbolize_cb(void *session, uint64_t addr, char *buf,
			    size_t len);

/* The same as gdb's labels in `x` and disassembly: the symbol's name as
 * its symbol table has it (C++ and Rust mangled) with `set print
 * asm-demangle off', the default; demangled with its parameters when on. */
const char *ld_symbolize_linkage_cb(void *session, uint64_t addr, char *buf,
				    size_t len);

/* A label "NAME[@VERSION|@plt][+OFF]" with NAME demangled with its
 * parameters when the setting says so (gdb's `<ns::f(int)@plt+4>`). */
const char *ld_asm_label(void *session, char *buf, size_t len);

#endif
