/* x86-64 system calls: names, sets, the seccomp-bpf filter that makes only
 * the chosen calls stop the tracee, and strace-style decoding of the
 * memory calls.  No ptrace here. */
#ifndef LAYOUTDBG_SYSCALLS_H
#define LAYOUTDBG_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LD_NSYSCALLS 512

struct ld_sysset {
	uint64_t bits[LD_NSYSCALLS / 64];
};

/* "mmap" for 9; NULL when the number has no name. */
const char *ld_syscall_name(long nr);
/* 9 for "mmap" (or for "9"); -1 when unknown. */
long ld_syscall_number(const char *name);

void ld_sysset_clear(struct ld_sysset *s);
void ld_sysset_fill(struct ld_sysset *s);
void ld_sysset_add(struct ld_sysset *s, long nr);
bool ld_sysset_has(const struct ld_sysset *s, long nr);
bool ld_sysset_empty(const struct ld_sysset *s);
void ld_sysset_union(struct ld_sysset *dst, const struct ld_sysset *src);
/* brk mmap munmap mprotect mremap madvise shmat shmdt */
void ld_sysset_memory(struct ld_sysset *s);
bool ld_syscall_is_memory(long nr);

/* A classic BPF program for seccomp: SECCOMP_RET_TRACE for the calls in
 * set, SECCOMP_RET_ALLOW for every other (and for non-x86-64 ABIs).
 * *filter is malloc'd (struct sock_filter[]); *len its length.  0 or
 * -ENOMEM. */
struct sock_filter;
int ld_seccomp_program(const struct ld_sysset *set, struct sock_filter **filter,
		       unsigned short *len);

struct ld_syscall {
	long nr;
	uint64_t args[6];
	bool returned;           /* ret is valid */
	int64_t ret;
};

/* "mmap(NULL, 8192 (0x2000, 8 KiB), PROT_READ|PROT_WRITE, MAP_PRIVATE|
 * MAP_ANONYMOUS, -1, 0)": arguments decoded as strace does, an fd with its
 * path (read from /proc/PID/fd at call time: pass the pid, or 0). */
const char *ld_syscall_format(pid_t pid, const struct ld_syscall *sc,
			      char *buf, size_t len);
/* "0x7ffff7fc0000", "0", "-1 ENOMEM (Cannot allocate memory)". */
const char *ld_syscall_format_ret(const struct ld_syscall *sc, char *buf,
				  size_t len);

/* Flag words: "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_FIXED|...". */
const char *ld_prot_str(uint64_t prot, char *buf, size_t len);
const char *ld_mmap_flags_str(uint64_t flags, char *buf, size_t len);

#endif
