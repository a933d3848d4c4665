/* Tracee memory and registers.  The one wrapper every read goes through:
 * process_vm_readv, falling back to PTRACE_PEEKDATA; writes through
 * PTRACE_POKEDATA (which can write read-only text, process_vm_writev can't).
 * Quiet about ESRCH (the process is gone): callers get -ESRCH and decide. */
#ifndef LAYOUTDBG_MEM_H
#define LAYOUTDBG_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "layoutdbg/regtable.h"

/* Read len bytes at addr.  Returns 0, or -errno (-EFAULT/-EIO when part of
 * the range is not mapped, -ESRCH when the tracee is gone). */
int ld_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Write len bytes at addr, even into read-only text.  Word-wise with
 * read-modify-write at the edges.  Returns 0 or -errno; on failure the
 * words already written are restored (rollback).  When tid is not in a
 * ptrace-stop, the bytes go through /proc/TID/mem instead; -ESRCH then
 * means that no memory of tid is left. */
int ld_mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len);

/* Write one byte with PEEKDATA/POKEDATA only: async-signal-safe, for the
 * crash handler.  0 or -errno. */
int ld_mem_poke_byte(pid_t tid, uint64_t addr, uint8_t byte);

/* Read a NUL-terminated string of at most len-1 bytes.  0 or -errno. */
int ld_mem_read_string(pid_t tid, uint64_t addr, char *buf, size_t len);

int ld_regs_get(pid_t tid, ld_regs *r);         /* 0 or -errno */
int ld_regs_set(pid_t tid, const ld_regs *r);   /* 0 or -errno */
/* The low 8 bytes of SSE register xmm<n> (0-15), where a double or float
 * argument is passed (PTRACE_GETFPREGS).  0 or -errno. */
int ld_xmm_get(pid_t tid, int n, uint64_t *lo);

/* siginfo of the current stop; 0 or -errno. */
struct ld_siginfo { int signo, code, errno_; uint64_t addr; };
int ld_siginfo_get(pid_t tid, struct ld_siginfo *si);

/* x86-64 debug register i (0-3 addresses, 6 status, 7 control) of a
 * stopped thread, through PTRACE_PEEKUSER/POKEUSER at u_debugreg.  The
 * kernel checks what is written to DR7 (an address in user space, aligned
 * to its length).  0 or -errno. */
int ld_debugreg_get(pid_t tid, int i, uint64_t *v);
int ld_debugreg_set(pid_t tid, int i, uint64_t v);

#endif
