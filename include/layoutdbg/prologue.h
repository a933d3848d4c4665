/* x86-64 function prologues: the one place that knows their bytes.
 * A pure function over code bytes (no ptrace, no ELF): the line tables
 * (lines.c) and run control (infrun.c) both ask it where a function's
 * frame setup ends. */
#ifndef LAYOUTDBG_PROLOGUE_H
#define LAYOUTDBG_PROLOGUE_H

#include <stddef.h>
#include <stdint.h>

/* Where the frame setup of a function whose first len code bytes are at
 * code ends, as gdb 13's amd64_analyze_prologue reads it (amd64-tdep.c):
 * the offset past `[endbr64] push %rbp; mov %rsp,%rbp`, the mov in either
 * encoding (48 89 e5, 48 8b ec).  0 when the function sets up no frame
 * pointer (-fomit-frame-pointer, optimised code, a lone push %rbp, or
 * movl %esp,%ebp, which gdb takes only for x32): gdb then stays at the
 * entry (amd64_skip_prologue's frameless case).  Anything after the setup
 * (sub $N,%rsp, register saves) is left to the line table, as gdb does.
 * Stack-realigning prologues (amd64_analyze_stack_align) are not read:
 * 0.  Bytes past len are never looked at. */
size_t ld_prologue_frame_setup(const uint8_t *code, size_t len);

#endif
