/* strace-style decoding of the common non-memory system calls: paths and
 * buffers as quoted strings, AT_FDCWD, open flags, signals, sigaction,
 * clone flags, futex operations, ioctl requests.  Memory is read through
 * the caller's reader (ld_mem_read, or a fake in the tests); nothing here
 * talks ptrace.  Output arguments (read's buffer, the old sigaction...)
 * are shown once the call has returned successfully, as strace does, and
 * as an address before. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "layoutdbg/mem.h"
#include "layoutdbg/syscalls.h"

#define MAX_STRLEN 32       /* strace's -s default */
#define PATH_CAP 4096

struct sb {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->used, b->used < b->len ? b->len - b->used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->used += (size_t)n;
	if (b->used >= b->len)
		b->used = b->len - 1;
}

static int rd(const struct ld_sysmem *m, uint64_t addr, void *buf, size_t len)
{
	if (!m->read || !addr)
		return -EFAULT;
	return m->read(m->ctx, addr, buf, len);
}

static void put_addr(struct sb *b, uint64_t a)
{
	if (a)
		put(b, "0x%" PRIx64, a);
	else
		put(b, "NULL");
}

/* strace's string_quote: \" \\ \f \n \r \t \v, printable ASCII as is,
 * any other byte in octal -- three digits when an octal digit follows,
 * so that the reader cannot take the digit as part of the escape. */
static void put_quoted(struct sb *b, const unsigned char *s, size_t n)
{
	static const char esc[] = "\"\"\\\\\ff\nn\rr\tt\vv";
	size_t i;

	put(b, "\"");
	for (i = 0; i < n; i++) {
		const char *e = s[i] ? strchr(esc, s[i]) : NULL;
		unsigned c = s[i];

		if (e && (e - esc) % 2 == 0)
			put(b, "\\%c", e[1]);
		else if (c >= ' ' && c < 0x7f)
			put(b, "%c", c);
		else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
			put(b, "\\%03o", c);
		else
			put(b, "\\%o", c);
	}
	put(b, "\"");
}

/* A buffer of n bytes at addr: at most 32 shown, then "...". */
static void put_buf(struct sb *b, const struct ld_sysmem *m, uint64_t addr,
		    uint64_t n)
{
	unsigned char data[MAX_STRLEN];
	size_t k = n > MAX_STRLEN ? MAX_STRLEN : (size_t)n;

	if (rd(m, addr, data, k) < 0) {
		put_addr(b, addr);
		return;
	}
	put_quoted(b, data, k);
	if (n > MAX_STRLEN)
		put(b, "...");
}

/* A NUL-terminated string of at most cap-1 bytes, read a page at a time
 * so that one ending just before an unmapped page still reads.  Its
 * length, -ENAMETOOLONG when no NUL came within cap-1, or -errno. */
static long read_str(const struct ld_sysmem *m, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap - 1) {
		size_t to_page = 4096 - ((addr + got) & 4095);
		size_t n = cap - 1 - got < to_page ? cap - 1 - got : to_page;
		char *nul;
		int r = rd(m, addr + got, buf + got, n);

		if (r < 0)
			return r;
		nul = memchr(buf + got, 0, n);
		if (nul)
			return nul - buf;
		got += n;
	}
	buf[cap - 1] = 0;
	return -ENAMETOOLONG;
}

/* A string argument: whole for paths (cap PATH_MAX), the first 32 bytes
 * and "..." for strings in arrays (argv), as strace does. */
static void put_str(struct sb *b, const struct ld_sysmem *m, uint64_t addr,
		    size_t cap)
{
	char s[PATH_CAP + 2];
	/* one byte more than shown: a string of exactly cap bytes is whole */
	long n = read_str(m, addr, s, cap + 2);

	if (n == -ENAMETOOLONG || n > (long)cap) {
		put_quoted(b, (unsigned char *)s, cap);
		put(b, "...");
	} else if (n < 0) {
		put_addr(b, addr);
	} else {
		put_quoted(b, (unsigned char *)s, (size_t)n);
	}
}

static void put_fd(struct sb *b, const struct ld_sysmem *m, uint64_t v)
{
	char s[PATH_CAP + 32];

	ld_syscall_fd_str(m->pid, (int32_t)v, s, sizeof s);
	put(b, "%s", s);
}

static void put_dirfd(struct sb *b, const struct ld_sysmem *m, uint64_t v)
{
	if ((int32_t)v == -100)
		put(b, "AT_FDCWD");
	else
		put_fd(b, m, v);
}

struct flag { uint64_t bit; const char *name; };

/* Names of the set flags, in table order (a multi-bit flag only when all
 * its bits are set), then what is left in hex. */
static void put_flags(struct sb *b, const struct flag *t, size_t n, uint64_t v,
		      const char *zero)
{
	size_t i, start = b->used;

	for (i = 0; i < n; i++) {
		if ((v & t[i].bit) != t[i].bit)
			continue;
		put(b, "%s%s", b->used > start ? "|" : "", t[i].name);
		v &= ~t[i].bit;
	}
	if (v)
		put(b, "%s%#" PRIx64, b->used > start ? "|" : "", v);
	else if (b->used == start)
		put(b, "%s", zero);
}

#define NFLAGS(t) (sizeof t / sizeof *t)

/* Kernel values (x86-64): glibc's O_LARGEFILE is 0 here, the kernel's not. */
static void put_open_flags(struct sb *b, uint64_t f)
{
	static const char *acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	static const struct flag t[] = {
		{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
		{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
		{ 04010000, "O_SYNC" }, { 04000000, "__O_SYNC" }, { 010000, "O_DSYNC" },
		{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
		{ 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
		{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" },
		{ 020200000, "O_TMPFILE" }, { 020000000, "__O_TMPFILE" },
		{ 0200000, "O_DIRECTORY" }, { 020000, "O_ASYNC" },
	};

	f &= 0xffffffff;
	put(b, "%s", acc[f & 3]);
	if (f & ~3ULL) {
		put(b, "|");
		put_flags(b, t, NFLAGS(t), f & ~3ULL, "");
	}
}

static void put_open_rest(struct sb *b, uint64_t flags, uint64_t mode)
{
	put_open_flags(b, flags);
	/* the mode counts only when a file may be created */
	if (flags & 0100 || (flags & 020000000))
		put(b, ", %#03" PRIo64, mode & 07777);
}

static const char *const signames[32] = { NULL, "HUP", "INT", "QUIT", "ILL",
	"TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
	"ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
	"URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS" };

/* "SIGINT" (prefix "SIG") or "INT" (prefix ""), "SIGRTMIN", "SIGRT_1". */
static void put_signal(struct sb *b, uint64_t sig, const char *prefix)
{
	if (sig >= 1 && sig < 32)
		put(b, "%s%s", prefix, signames[sig]);
	else if (sig == 32)
		put(b, "%sRTMIN", prefix);
	else if (sig > 32 && sig <= 64)
		put(b, "%sRT_%u", prefix, (unsigned)(sig - 32));
	else
		put(b, "%" PRIu64, sig);
}

/* strace's sigset: "[INT TERM]", or "~[...]" of the clear bits when two
 * thirds or more are set. */
static void put_sigmask(struct sb *b, uint64_t mask)
{
	int i, first = 1;

	if (__builtin_popcountll(mask) >= 64 * 2 / 3) {
		put(b, "~");
		mask = ~mask;
	}
	put(b, "[");
	for (i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		put(b, "%s", first ? "" : " ");
		put_signal(b, (uint64_t)i + 1, "");
		first = 0;
	}
	put(b, "]");
}

/* The kernel's struct sigaction on x86-64: handler, flags, restorer, mask. */
static void put_sigaction(struct sb *b, const struct ld_sysmem *m, uint64_t addr)
{
	static const struct flag t[] = {
		{ 0x04000000, "SA_RESTORER" }, { 0x08000000, "SA_ONSTACK" },
		{ 0x10000000, "SA_RESTART" }, { 0x20000000, "SA_INTERRUPT" },
		{ 0x40000000, "SA_NODEFER" }, { 0x80000000, "SA_RESETHAND" },
		{ 4, "SA_SIGINFO" }, { 1, "SA_NOCLDSTOP" }, { 2, "SA_NOCLDWAIT" },
	};
	uint64_t sa[4];

	if (!addr || rd(m, addr, sa, sizeof sa) < 0) {
		put_addr(b, addr);
		return;
	}
	put(b, "{sa_handler=");
	if (sa[0] == 0 || sa[0] == 1)
		put(b, "%s", sa[0] ? "SIG_IGN" : "SIG_DFL");
	else
		put(b, "%#" PRIx64, sa[0]);
	put(b, ", sa_mask=");
	put_sigmask(b, sa[3]);
	put(b, ", sa_flags=");
	put_flags(b, t, NFLAGS(t), sa[1], "0");
	if (sa[1] & 0x04000000) {
		put(b, ", sa_restorer=");
		put_addr(b, sa[2]);
	}
	put(b, "}");
}

static const struct flag clone_flags[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" },
	{ 0x2000, "CLONE_PTRACE" }, { 0x4000, "CLONE_VFORK" },
	{ 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" },
	{ 0x80000, "CLONE_SETTLS" }, { 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" }, { 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" }, { 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" }, { 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" },
	{ 0x100000000ULL, "CLONE_CLEAR_SIGHAND" },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP" },
};

#define CL_PARENT_SETTID 0x100000
#define CL_CHILD_SETTID 0x1000000
#define CL_CHILD_CLEARTID 0x200000
#define CL_SETTLS 0x80000
#define CL_PIDFD 0x1000

/* clone(flags, stack, parent_tid, child_tid, tls) on x86-64, printed in
 * strace's order; the pointer fields only when a flag uses them, and
 * (as strace) after the call has returned. */
static void put_clone(struct sb *b, const struct ld_syscall *sc)
{
	const uint64_t *a = sc->args, flags = a[0] & ~0xffULL, sig = a[0] & 0xff;

	put(b, "child_stack=");
	put_addr(b, a[1]);
	put(b, ", flags=");
	if (flags) {
		put_flags(b, clone_flags, NFLAGS(clone_flags), flags, "0");
		if (sig) {
			put(b, "|");
			put_signal(b, sig, "SIG");
		}
	} else {
		put_signal(b, sig, "SIG");
	}
	if (!sc->returned)
		return;
	if (flags & (CL_PARENT_SETTID | CL_PIDFD)) {
		put(b, ", parent_tid=");
		put_addr(b, a[2]);
	}
	if (flags & CL_SETTLS) {
		put(b, ", tls=");
		put_addr(b, a[4]);
	}
	if (flags & (CL_CHILD_SETTID | CL_CHILD_CLEARTID)) {
		put(b, ", child_tidptr=");
		put_addr(b, a[3]);
	}
}

/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal,
 * stack, stack_size, tls (then set_tid, set_tid_size, cgroup). */
static void put_clone3(struct sb *b, const struct ld_sysmem *m,
		       const struct ld_syscall *sc)
{
	uint64_t ca[8];
	int32_t ptid;

	if (sc->args[1] < sizeof ca || rd(m, sc->args[0], ca, sizeof ca) < 0) {
		put_addr(b, sc->args[0]);
		put(b, ", %" PRIu64, sc->args[1]);
		return;
	}
	put(b, "{flags=");
	put_flags(b, clone_flags, NFLAGS(clone_flags), ca[0], "0");
	if (ca[0] & CL_PIDFD)
		put(b, ", pidfd=%#" PRIx64, ca[1]);
	if (ca[0] & (CL_CHILD_SETTID | CL_CHILD_CLEARTID))
		put(b, ", child_tid=%#" PRIx64, ca[2]);
	if (ca[0] & CL_PARENT_SETTID)
		put(b, ", parent_tid=%#" PRIx64, ca[3]);
	put(b, ", exit_signal=");
	put_signal(b, ca[4], "SIG");
	put(b, ", stack=%#" PRIx64 ", stack_size=%#" PRIx64, ca[5], ca[6]);
	if (ca[0] & CL_SETTLS)
		put(b, ", tls=%#" PRIx64, ca[7]);
	put(b, "}");
	/* what the kernel wrote back */
	if (sc->returned && sc->ret >= 0 && ca[0] & CL_PARENT_SETTID &&
	    rd(m, ca[3], &ptid, sizeof ptid) == 0)
		put(b, " => {parent_tid=[%d]}", (int)ptid);
	put(b, ", %" PRIu64, sc->args[1]);
}

static void put_timespec(struct sb *b, const struct ld_sysmem *m, uint64_t addr)
{
	int64_t ts[2];

	if (!addr || rd(m, addr, ts, sizeof ts) < 0)
		put_addr(b, addr);
	else
		put(b, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", ts[0], ts[1]);
}

static void put_futex(struct sb *b, const struct ld_sysmem *m,
		      const struct ld_syscall *sc)
{
	static const char *ops[] = { "WAIT", "WAKE", "FD", "REQUEUE",
		"CMP_REQUEUE", "WAKE_OP", "LOCK_PI", "UNLOCK_PI", "TRYLOCK_PI",
		"WAIT_BITSET", "WAKE_BITSET", "WAIT_REQUEUE_PI", "CMP_REQUEUE_PI",
		"LOCK_PI2" };
	const uint64_t *a = sc->args;
	unsigned op = (unsigned)a[1], cmd = op & 127, val = (unsigned)a[2];
	unsigned val2 = (unsigned)a[3], val3 = (unsigned)a[5];

	put_addr(b, a[0]);
	if (cmd < NFLAGS(ops) && !(op & ~(127u | 128 | 256)))
		put(b, ", FUTEX_%s%s%s", ops[cmd], op & 128 ? "_PRIVATE" : "",
		    op & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
	else
		put(b, ", %#x", op);
	switch (cmd) {
	case 0: case 11: /* WAIT, WAIT_REQUEUE_PI */
		put(b, ", %u, ", val);
		put_timespec(b, m, a[3]);
		if (cmd == 11) {
			put(b, ", ");
			put_addr(b, a[4]);
		}
		break;
	case 6: case 13: /* LOCK_PI, LOCK_PI2 */
		put(b, ", ");
		put_timespec(b, m, a[3]);
		break;
	case 9: /* WAIT_BITSET */
		put(b, ", %u, ", val);
		put_timespec(b, m, a[3]);
		/* fall through */
	case 10: /* WAKE_BITSET */
		if (cmd == 10)
			put(b, ", %u", val);
		if (val3 == 0xffffffff)
			put(b, ", FUTEX_BITSET_MATCH_ANY");
		else
			put(b, ", %#x", val3);
		break;
	case 1: case 2: /* WAKE, FD */
		put(b, ", %u", val);
		break;
	case 7: case 8: /* UNLOCK_PI, TRYLOCK_PI */
		break;
	case 3: case 4: case 12: /* REQUEUE, CMP_REQUEUE, CMP_REQUEUE_PI */
		put(b, ", %u, %u, ", val, val2);
		put_addr(b, a[4]);
		if (cmd != 3)
			put(b, ", %u", val3);
		break;
	default: /* WAKE_OP and unknown: the raw words */
		put(b, ", %u, %#" PRIx64 ", ", val, a[3]);
		put_addr(b, a[4]);
		put(b, ", %#x", val3);
	}
}

/* An int the kernel reads ([1]) or writes (after a successful return). */
static void put_int_ptr(struct sb *b, const struct ld_sysmem *m, uint64_t addr,
			bool valid)
{
	int v;

	if (valid && rd(m, addr, &v, sizeof v) == 0)
		put(b, "[%d]", v);
	else
		put_addr(b, addr);
}

struct ioctl_req {
	unsigned long nr;
	const char *name;
	char arg;       /* '-' none, 'i' int in, 'o' int out, 'w' winsize out,
			   'W' winsize in, 'a' address */
};

static const struct ioctl_req ioctls[] = {
	{ 0x5401, "TCGETS", 'a' }, { 0x5402, "TCSETS", 'a' },
	{ 0x5403, "TCSETSW", 'a' }, { 0x5404, "TCSETSF", 'a' },
	{ 0x540b, "TCFLSH", 'a' }, { 0x540e, "TIOCSCTTY", 'a' },
	{ 0x540f, "TIOCGPGRP", 'o' }, { 0x5410, "TIOCSPGRP", 'i' },
	{ 0x5413, "TIOCGWINSZ", 'w' }, { 0x5414, "TIOCSWINSZ", 'W' },
	{ 0x541b, "FIONREAD", 'o' }, { 0x5421, "FIONBIO", 'i' },
	{ 0x5450, "FIONCLEX", '-' }, { 0x5451, "FIOCLEX", '-' },
	{ 0x5452, "FIOASYNC", 'i' }, { 0x80045430, "TIOCGPTN", 'o' },
	{ 0x40045431, "TIOCSPTLCK", 'i' },
};

static void put_winsize(struct sb *b, const struct ld_sysmem *m, uint64_t addr,
			bool valid)
{
	unsigned short w[4];

	if (valid && rd(m, addr, w, sizeof w) == 0)
		put(b, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}",
		    w[0], w[1], w[2], w[3]);
	else
		put_addr(b, addr);
}

static void put_ioctl(struct sb *b, const struct ld_sysmem *m,
		      const struct ld_syscall *sc)
{
	const struct ioctl_req *r = NULL;
	uint64_t arg = sc->args[2];
	bool ok = sc->returned && sc->ret >= 0;
	size_t i;

	put_fd(b, m, sc->args[0]);
	for (i = 0; i < NFLAGS(ioctls); i++)
		if (ioctls[i].nr == (sc->args[1] & 0xffffffff))
			r = &ioctls[i];
	if (!r) {
		put(b, ", %#" PRIx64 ", %#" PRIx64, sc->args[1] & 0xffffffff, arg);
		return;
	}
	put(b, ", %s", r->name);
	if (r->arg == '-')
		return;
	put(b, ", ");
	if (r->arg == 'i' || r->arg == 'o')
		put_int_ptr(b, m, arg, r->arg == 'i' || ok);
	else if (r->arg == 'w' || r->arg == 'W')
		put_winsize(b, m, arg, r->arg == 'W' || ok);
	else
		put_addr(b, arg);
}

/* execve's argv: at most 32 strings of at most 32 bytes each. */
static void put_argv(struct sb *b, const struct ld_sysmem *m, uint64_t addr)
{
	uint64_t p;
	unsigned n;

	if (!addr || rd(m, addr, &p, sizeof p) < 0) {
		put_addr(b, addr);
		return;
	}
	put(b, "[");
	for (n = 0; rd(m, addr + 8 * n, &p, sizeof p) == 0 && p; n++) {
		put(b, "%s", n ? ", " : "");
		if (n == MAX_STRLEN) {
			put(b, "...");
			break;
		}
		put_str(b, m, p, MAX_STRLEN);
	}
	put(b, "]");
}

/* envp as strace shows it by default: the address and how many. */
static void put_envc(struct sb *b, const struct ld_sysmem *m, uint64_t addr)
{
	uint64_t p;
	unsigned n = 0;

	put_addr(b, addr);
	if (!addr || rd(m, addr, &p, sizeof p) < 0)
		return;
	while (p && n < 1u << 20 && rd(m, addr + 8 * ++n, &p, sizeof p) == 0)
		;
	put(b, " /* %u var%s */", n, n == 1 ? "" : "s");
}

/* read/pread-like: fd, the buffer (filled after success), count. */
static void put_read(struct sb *b, const struct ld_sysmem *m,
		     const struct ld_syscall *sc)
{
	put_fd(b, m, sc->args[0]);
	put(b, ", ");
	if (sc->returned && sc->ret >= 0)
		put_buf(b, m, sc->args[1], (uint64_t)sc->ret);
	else
		put_addr(b, sc->args[1]);
	put(b, ", %" PRIu64, sc->args[2]);
}

/* Decodes the calls known here into b (arguments only); false for
 * every other call. */
static bool decode_known(struct sb *b, const struct ld_sysmem *m,
			 const struct ld_syscall *sc)
{
	const uint64_t *a = sc->args;

	switch (sc->nr) {
	case SYS_read:
		put_read(b, m, sc);
		break;
	case SYS_write:
		put_fd(b, m, a[0]);
		put(b, ", ");
		put_buf(b, m, a[1], a[2]);
		put(b, ", %" PRIu64, a[2]);
		break;
	case SYS_open:
		put_str(b, m, a[0], PATH_CAP);
		put(b, ", ");
		put_open_rest(b, a[1], a[2]);
		break;
	case SYS_openat:
		put_dirfd(b, m, a[0]);
		put(b, ", ");
		put_str(b, m, a[1], PATH_CAP);
		put(b, ", ");
		put_open_rest(b, a[2], a[3]);
		break;
	case SYS_close:
		put_fd(b, m, a[0]);
		break;
	case SYS_rt_sigaction:
		put_signal(b, a[0], "SIG");
		put(b, ", ");
		put_sigaction(b, m, a[1]);
		put(b, ", ");
		if (sc->returned && sc->ret >= 0)
			put_sigaction(b, m, a[2]);
		else
			put_addr(b, a[2]);
		put(b, ", %" PRIu64, a[3]);
		break;
	case SYS_ioctl:
		put_ioctl(b, m, sc);
		break;
	case SYS_clone:
		put_clone(b, sc);
		break;
	case SYS_clone3:
		put_clone3(b, m, sc);
		break;
	case SYS_execve:
		put_str(b, m, a[0], PATH_CAP);
		put(b, ", ");
		put_argv(b, m, a[1]);
		put(b, ", ");
		put_envc(b, m, a[2]);
		break;
	case SYS_exit:
	case SYS_exit_group:
		put(b, "%d", (int)a[0]);
		break;
	case SYS_futex:
		put_futex(b, m, sc);
		break;
	default:
		return false;
	}
	return true;
}

bool ld_syscall_decoded(long nr)
{
	return ld_syscall_class(nr) & LD_SC_DECODED;
}

const char *ld_syscall_decode(const struct ld_sysmem *m,
			      const struct ld_syscall *sc, char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };
	const char *name = ld_syscall_name(sc->nr);

	if (!len)
		return buf;
	buf[0] = 0;
	if (!name || ld_syscall_is_memory(sc->nr))
		return ld_syscall_format_raw(m->pid, sc, buf, len);
	put(&b, "%s(", name);
	if (!decode_known(&b, m, sc))
		return ld_syscall_format_raw(m->pid, sc, buf, len);
	put(&b, ")");
	return buf;
}

static int read_tracee(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return ld_mem_read((pid_t)(intptr_t)ctx, addr, buf, len);
}

const char *ld_syscall_format(pid_t tid, const struct ld_syscall *sc,
			      char *buf, size_t len)
{
	struct ld_sysmem m = { tid, tid > 0 ? read_tracee : NULL,
			       (void *)(intptr_t)tid };

	return ld_syscall_decode(&m, sc, buf, len);
}
