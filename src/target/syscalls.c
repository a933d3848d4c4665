/* System call names, sets, the seccomp filter and decoding. */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layoutdbg/output.h"
#include "layoutdbg/syscalls.h"

/* The table, strace's way: by number, the name and the classes. */
#define SC_MEMORY LD_SC_MEMORY
#define SC_PROCESS LD_SC_PROCESS
#define SC_DECODED LD_SC_DECODED
#define SC_RET_ADDR LD_SC_RET_ADDR
static const struct {
	const char *name;
	unsigned flags;
} sysent[] = {
#include "syscallent.h"
};
#define NSYSENT (sizeof sysent / sizeof *sysent)
_Static_assert(NSYSENT <= LD_NSYSCALLS, "LD_NSYSCALLS is too small");

const char *ld_syscall_name(long nr)
{
	return nr >= 0 && (size_t)nr < NSYSENT ? sysent[nr].name : NULL;
}

unsigned ld_syscall_class(long nr)
{
	return nr >= 0 && (size_t)nr < NSYSENT ? sysent[nr].flags : 0;
}

long ld_syscall_number(const char *name)
{
	char *end;
	long nr;
	size_t i;

	for (i = 0; i < NSYSENT; i++)
		if (sysent[i].name && !strcmp(sysent[i].name, name))
			return (long)i;
	nr = strtol(name, &end, 10);
	if (*name && !*end && nr >= 0 && nr < LD_NSYSCALLS)
		return nr;
	return -1;
}

void ld_sysset_clear(struct ld_sysset *s)
{
	memset(s, 0, sizeof *s);
}

void ld_sysset_fill(struct ld_sysset *s)
{
	memset(s, 0xff, sizeof *s);
}

void ld_sysset_add(struct ld_sysset *s, long nr)
{
	if (nr >= 0 && nr < LD_NSYSCALLS)
		s->bits[nr / 64] |= 1ULL << (nr % 64);
}

bool ld_sysset_has(const struct ld_sysset *s, long nr)
{
	return nr >= 0 && nr < LD_NSYSCALLS && (s->bits[nr / 64] >> (nr % 64) & 1);
}

bool ld_sysset_empty(const struct ld_sysset *s)
{
	size_t i;

	for (i = 0; i < LD_NSYSCALLS / 64; i++)
		if (s->bits[i])
			return false;
	return true;
}

void ld_sysset_union(struct ld_sysset *dst, const struct ld_sysset *src)
{
	size_t i;

	for (i = 0; i < LD_NSYSCALLS / 64; i++)
		dst->bits[i] |= src->bits[i];
}

void ld_sysset_memory(struct ld_sysset *s)
{
	size_t i;

	for (i = 0; i < NSYSENT; i++)
		if (sysent[i].flags & LD_SC_MEMORY)
			ld_sysset_add(s, (long)i);
}

bool ld_syscall_is_memory(long nr)
{
	return ld_syscall_class(nr) & LD_SC_MEMORY;
}

int ld_seccomp_program(const struct ld_sysset *set, struct sock_filter **filter,
		       unsigned short *len)
{
	struct sock_filter *f;
	size_t n = 0, k = 0, i;

	unsigned lo = LD_NSYSCALLS, hi = 0;

	for (i = 0; i < LD_NSYSCALLS; i++) {
		if (!ld_sysset_has(set, (long)i))
			continue;
		n++;
		if (i < lo)
			lo = (unsigned)i;
		hi = (unsigned)i;
	}
	/* arch check (3), nr load (1), range check (2), one jump per call,
	 * two returns */
	f = calloc(n + 8, sizeof *f);
	if (!f)
		return -ENOMEM;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	/* Most calls (read, write...) lie outside [lo, hi]: allowed after two
	 * comparisons, not after a walk through every watched number. */
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0,
					      (unsigned char)(n + 1));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi,
					      (unsigned char)n, 0);
	for (i = 0; i < LD_NSYSCALLS; i++) {
		if (!ld_sysset_has(set, (long)i))
			continue;
		/* jump to the TRACE return after the remaining jumps */
		n--;
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (unsigned)i, (unsigned char)(n + 1), 0);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	*filter = f;
	*len = (unsigned short)k;
	return 0;
}

struct flag { uint64_t bit; const char *name; };

static const char *flags_str(const struct flag *t, size_t n, uint64_t v,
			     const char *zero, char *buf, size_t len)
{
	size_t used = 0, i;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		if (!(v & t[i].bit) || (t[i].bit & (t[i].bit - 1) && (v & t[i].bit) != t[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s%s",
					 used ? "|" : "", t[i].name);
		v &= ~t[i].bit;
	}
	if (v)
		used += (size_t)snprintf(buf + used, len > used ? len - used : 0,
					 "%s%#" PRIx64, used ? "|" : "", v);
	if (!used)
		snprintf(buf, len, "%s", zero);
	return buf;
}

const char *ld_prot_str(uint64_t prot, char *buf, size_t len)
{
	static const struct flag t[] = {
		{ PROT_READ, "PROT_READ" }, { PROT_WRITE, "PROT_WRITE" },
		{ PROT_EXEC, "PROT_EXEC" }, { PROT_GROWSDOWN, "PROT_GROWSDOWN" },
		{ PROT_GROWSUP, "PROT_GROWSUP" },
	};

	return flags_str(t, sizeof t / sizeof *t, prot, "PROT_NONE", buf, len);
}

const char *ld_mmap_flags_str(uint64_t flags, char *buf, size_t len)
{
	static const struct flag t[] = {
		{ MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE" },
		{ MAP_SHARED, "MAP_SHARED" }, { MAP_PRIVATE, "MAP_PRIVATE" },
		{ MAP_FIXED, "MAP_FIXED" }, { MAP_ANONYMOUS, "MAP_ANONYMOUS" },
		{ MAP_32BIT, "MAP_32BIT" }, { MAP_GROWSDOWN, "MAP_GROWSDOWN" },
		{ MAP_DENYWRITE, "MAP_DENYWRITE" }, { MAP_EXECUTABLE, "MAP_EXECUTABLE" },
		{ MAP_LOCKED, "MAP_LOCKED" }, { MAP_NORESERVE, "MAP_NORESERVE" },
		{ MAP_POPULATE, "MAP_POPULATE" }, { MAP_NONBLOCK, "MAP_NONBLOCK" },
		{ MAP_STACK, "MAP_STACK" }, { MAP_HUGETLB, "MAP_HUGETLB" },
		{ MAP_SYNC, "MAP_SYNC" }, { MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" },
	};

	return flags_str(t, sizeof t / sizeof *t, flags, "0", buf, len);
}

static const char *mremap_flags_str(uint64_t flags, char *buf, size_t len)
{
	static const struct flag t[] = {
		{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" }, { 4, "MREMAP_DONTUNMAP" },
	};

	return flags_str(t, sizeof t / sizeof *t, flags, "0", buf, len);
}

static const char *advice_str(uint64_t a, char *buf, size_t len)
{
	static const char *names[] = { "MADV_NORMAL", "MADV_RANDOM",
		"MADV_SEQUENTIAL", "MADV_WILLNEED", "MADV_DONTNEED", NULL, NULL,
		NULL, "MADV_FREE", "MADV_REMOVE", "MADV_DONTFORK", "MADV_DOFORK",
		"MADV_MERGEABLE", "MADV_UNMERGEABLE", "MADV_HUGEPAGE",
		"MADV_NOHUGEPAGE", "MADV_DONTDUMP", "MADV_DODUMP", "MADV_WIPEONFORK",
		"MADV_KEEPONFORK", "MADV_COLD", "MADV_PAGEOUT", "MADV_POPULATE_READ",
		"MADV_POPULATE_WRITE", "MADV_DONTNEED_LOCKED", "MADV_COLLAPSE" };

	if (a < sizeof names / sizeof *names && names[a])
		snprintf(buf, len, "%s", names[a]);
	else
		snprintf(buf, len, "%" PRIu64, a);
	return buf;
}

static const char *addr_str(uint64_t a, char *buf, size_t len)
{
	if (a)
		snprintf(buf, len, "0x%" PRIx64, a);
	else
		snprintf(buf, len, "NULL");
	return buf;
}

/* "16408 (0x4018, 16.0 KiB)": strace's decimal, plus hex and units. */
static const char *len_str(uint64_t n, char *buf, size_t len)
{
	char h[32];

	snprintf(buf, len, "%" PRIu64 " (%#" PRIx64 ", %s)", n, n,
		 ld_human_size(n, h, sizeof h));
	return buf;
}

const char *ld_syscall_fd_str(pid_t pid, int64_t fd, char *buf, size_t len)
{
	char link[64], target[4096];
	ssize_t n = -1;

	if (fd >= 0 && pid > 0) {
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, (int)fd);
		n = readlink(link, target, sizeof target - 1);
	}
	if (n > 0) {
		target[n] = 0;
		snprintf(buf, len, "%d<%s>", (int)fd, target);
	} else {
		snprintf(buf, len, "%d", (int)fd);
	}
	return buf;
}

const char *ld_syscall_format_raw(pid_t pid, const struct ld_syscall *sc,
				  char *buf, size_t len)
{
	const uint64_t *a = sc->args;
	char s0[64], s1[64], s2[128], s3[256], s4[4200];
	const char *name = ld_syscall_name(sc->nr);

	switch (sc->nr) {
	case SYS_brk:
		snprintf(buf, len, "brk(%s)", addr_str(a[0], s0, sizeof s0));
		break;
	case SYS_mmap:
		snprintf(buf, len, "mmap(%s, %s, %s, %s, %s, %#" PRIx64 ")",
			 addr_str(a[0], s0, sizeof s0), len_str(a[1], s1, sizeof s1),
			 ld_prot_str(a[2], s2, sizeof s2),
			 ld_mmap_flags_str(a[3], s3, sizeof s3),
			 ld_syscall_fd_str(pid, (int32_t)a[4], s4, sizeof s4), a[5]);
		break;
	case SYS_munmap:
		snprintf(buf, len, "munmap(%s, %s)", addr_str(a[0], s0, sizeof s0),
			 len_str(a[1], s1, sizeof s1));
		break;
	case SYS_mprotect:
		snprintf(buf, len, "mprotect(%s, %s, %s)", addr_str(a[0], s0, sizeof s0),
			 len_str(a[1], s1, sizeof s1), ld_prot_str(a[2], s2, sizeof s2));
		break;
	case SYS_mremap:
		snprintf(buf, len, "mremap(%s, %s, %s, %s, %s)",
			 addr_str(a[0], s0, sizeof s0), len_str(a[1], s1, sizeof s1),
			 len_str(a[2], s2, sizeof s2),
			 mremap_flags_str(a[3], s3, sizeof s3),
			 addr_str(a[4], s4, sizeof s4));
		break;
	case SYS_madvise:
		snprintf(buf, len, "madvise(%s, %s, %s)", addr_str(a[0], s0, sizeof s0),
			 len_str(a[1], s1, sizeof s1), advice_str(a[2], s2, sizeof s2));
		break;
	case SYS_shmat:
		snprintf(buf, len, "shmat(%d, %s, %#" PRIx64 ")", (int)a[0],
			 addr_str(a[1], s1, sizeof s1), a[2]);
		break;
	case SYS_shmdt:
		snprintf(buf, len, "shmdt(%s)", addr_str(a[0], s0, sizeof s0));
		break;
	default:
		if (name)
			snprintf(buf, len, "%s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
				 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ")", name,
				 a[0], a[1], a[2], a[3], a[4], a[5]);
		else
			snprintf(buf, len, "syscall_%ld(%#" PRIx64 ", %#" PRIx64 ", %#"
				 PRIx64 ", ...)", sc->nr, a[0], a[1], a[2]);
	}
	return buf;
}

const char *ld_syscall_format_ret(const struct ld_syscall *sc, char *buf,
				  size_t len)
{
	if (!sc->returned)
		snprintf(buf, len, "?");
	else if (sc->ret < 0 && sc->ret >= -4095)
		snprintf(buf, len, "-1 %s (%s)", strerrorname_np((int)-sc->ret) ?
			 strerrorname_np((int)-sc->ret) : "E?", strerror((int)-sc->ret));
	else if (ld_syscall_class(sc->nr) & LD_SC_RET_ADDR)
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)sc->ret);
	else
		snprintf(buf, len, "%" PRId64, sc->ret);
	return buf;
}
