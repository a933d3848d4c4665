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

/* Where the decoder reads the tracee's memory (paths, buffers, structs):
 * read returns 0 or -errno as ld_mem_read does (NULL: no memory, every
 * pointer is shown as an address).  pid names /proc/PID/fd for fd paths
 * (0: none).  Tests pass a fake reader. */
struct ld_sysmem {
	pid_t pid;
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
};

/* The call decoded as strace does: "openat(AT_FDCWD, \"/etc/passwd\",
 * O_RDONLY|O_CLOEXEC)", "mmap(NULL, 8192 (0x2000, 8 KiB), PROT_READ|
 * PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"; an fd with its path
 * ("3</dev/null>").  Strings quoted and escaped, buffers cut at 32 bytes
 * with "...".  Output arguments (read's buffer, the old sigaction, an
 * ioctl's result) are shown when sc->returned with success, an address
 * before.  Calls not decoded here (ld_syscall_decoded false): name and
 * raw hex arguments. */
const char *ld_syscall_decode(const struct ld_sysmem *m,
			      const struct ld_syscall *sc, char *buf, size_t len);
/* ld_syscall_decode reading the memory of tid (a stopped tracee; its
 * /proc entry for fds).  tid 0: no memory, no fd paths. */
const char *ld_syscall_format(pid_t tid, const struct ld_syscall *sc,
			      char *buf, size_t len);
/* True for the calls ld_syscall_decode decodes argument by argument (the
 * list is in the man page, `catch syscall`). */
bool ld_syscall_decoded(long nr);
/* The memory calls decoded, any other call as its name and raw hex. */
const char *ld_syscall_format_raw(pid_t pid, const struct ld_syscall *sc,
				  char *buf, size_t len);
/* "3</dev/null>" (the path from /proc/PID/fd when pid > 0), or "3". */
const char *ld_syscall_fd_str(pid_t pid, int64_t fd, char *buf, size_t len);
/* "0x7ffff7fc0000", "0", "-1 ENOMEM (Cannot allocate memory)". */
const char *ld_syscall_format_ret(const struct ld_syscall *sc, char *buf,
				  size_t len);

/* Flag words: "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_FIXED|...". */
const char *ld_prot_str(uint64_t prot, char *buf, size_t len);
const char *ld_mmap_flags_str(uint64_t flags, char *buf, size_t len);

#endif
