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

/* How the memory calls' arguments are shown, strace's way; any other
 * call shows its six arguments in hex. */
enum arg_kind { A_END, A_ADDR, A_LEN, A_PROT, A_MMAP, A_FD, A_HEX, A_INT,
		A_MREMAP, A_ADVICE };

static const struct {
	long nr;
	enum arg_kind kind[6];
} arg_kinds[] = {
	{ SYS_brk, { A_ADDR } },
	{ SYS_mmap, { A_ADDR, A_LEN, A_PROT, A_MMAP, A_FD, A_HEX } },
	{ SYS_munmap, { A_ADDR, A_LEN } },
	{ SYS_mprotect, { A_ADDR, A_LEN, A_PROT } },
	{ SYS_mremap, { A_ADDR, A_LEN, A_LEN, A_MREMAP, A_ADDR } },
	{ SYS_madvise, { A_ADDR, A_LEN, A_ADVICE } },
	{ SYS_shmat, { A_INT, A_ADDR, A_HEX } },
	{ SYS_shmdt, { A_ADDR } },
};

static const enum arg_kind *kinds_of(long nr)
{
	static const enum arg_kind hex6[6] = { A_HEX, A_HEX, A_HEX, A_HEX,
					       A_HEX, A_HEX };
	size_t i;

	for (i = 0; i < sizeof arg_kinds / sizeof arg_kinds[0]; i++)
		if (arg_kinds[i].nr == nr)
			return arg_kinds[i].kind;
	return hex6;
}

static const char *arg_str(pid_t pid, enum arg_kind k, uint64_t v, char *buf,
			   size_t len)
{
	switch (k) {
	case A_ADDR:   return addr_str(v, buf, len);
	case A_LEN:    return len_str(v, buf, len);
	case A_PROT:   return ld_prot_str(v, buf, len);
	case A_MMAP:   return ld_mmap_flags_str(v, buf, len);
	case A_FD:     return ld_syscall_fd_str(pid, (int32_t)v, buf, len);
	case A_MREMAP: return mremap_flags_str(v, buf, len);
	case A_ADVICE: return advice_str(v, buf, len);
	case A_INT:    snprintf(buf, len, "%d", (int)v); return buf;
	default:       snprintf(buf, len, "%#" PRIx64, v); return buf;
	}
}

/* Append s to buf (len bytes) at pos, cut as one snprintf would cut. */
static size_t put(char *buf, size_t len, size_t pos, const char *s)
{
	if (pos < len)
		snprintf(buf + pos, len - pos, "%s", s);
	return pos + strlen(s);
}

const char *ld_syscall_format_raw(pid_t pid, const struct ld_syscall *sc,
				  char *buf, size_t len)
{
	const enum arg_kind *k = kinds_of(sc->nr);
	const char *name = ld_syscall_name(sc->nr);
	char arg[4200];
	size_t i, pos;

	if (!name) {
		snprintf(buf, len, "syscall_%ld(%#" PRIx64 ", %#" PRIx64 ", %#"
			 PRIx64 ", ...)", sc->nr, sc->args[0], sc->args[1],
			 sc->args[2]);
		return buf;
	}
	pos = put(buf, len, 0, name);
	pos = put(buf, len, pos, "(");
	for (i = 0; i < 6 && k[i] != A_END; i++) {
		if (i)
			pos = put(buf, len, pos, ", ");
		pos = put(buf, len, pos,
			  arg_str(pid, k[i], sc->args[i], arg, sizeof arg));
	}
	put(buf, len, pos, ")");
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
