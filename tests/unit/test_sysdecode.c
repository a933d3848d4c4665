/* Unit tests of the strace-style system call decoder (src/sysdecode.c)
 * over fake argument values and a fake tracee memory: a few mapped
 * regions, every read outside them fails with -EFAULT as ld_mem_read's
 * would at an unmapped page.  Expected strings are strace 6's output for
 * the same calls (fds without -y: pid 0 gives no fd paths). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "tap.h"
#include "layoutdbg/syscalls.h"

struct region {
	uint64_t addr;
	unsigned char bytes[3 * 4096];
	size_t len;
};

static struct region regions[4];
static size_t nregions;

/* Memory is mapped in whole pages: the region holding data is padded
 * with zeros to its page boundaries. */
static void map_at(uint64_t addr, const void *data, size_t len)
{
	struct region *r = &regions[nregions++];
	uint64_t start = addr & ~4095ULL, end = (addr + len + 4095) & ~4095ULL;

	r->addr = start;
	r->len = (size_t)(end - start);
	memset(r->bytes, 0, sizeof r->bytes);
	memcpy(r->bytes + (addr - start), data, len);
}

/* A read must lie inside one region, as a read that runs into an
 * unmapped page fails in a real tracee. */
static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];

		if (addr >= r->addr && addr + len <= r->addr + r->len) {
			memcpy(buf, r->bytes + (addr - r->addr), len);
			return 0;
		}
	}
	return -EFAULT;
}

static const struct ld_sysmem fake = { 0, fake_read, NULL };

static const char *dec(long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t a3, uint64_t a4, uint64_t a5)
{
	static char buf[4096];
	struct ld_syscall sc = { nr, { a0, a1, a2, a3, a4, a5 }, false, 0 };

	return ld_syscall_decode(&fake, &sc, buf, sizeof buf);
}

static const char *dec_ret(long nr, int64_t ret, uint64_t a0, uint64_t a1,
			   uint64_t a2, uint64_t a3)
{
	static char buf[4096];
	struct ld_syscall sc = { nr, { a0, a1, a2, a3, 0, 0 }, true, ret };

	return ld_syscall_decode(&fake, &sc, buf, sizeof buf);
}

#define EXPECT(got, want)						\
	do {								\
		const char *g_ = (got);					\
		if (strcmp(g_, (want))) {				\
			printf("#  got: %s\n# want: %s\n", g_, (want));	\
			return false;					\
		}							\
	} while (0)

static void reset(void)
{
	nregions = 0;
}

static bool openat_paths_and_flags(void)
{
	static const char path[] = "/nonexistent/dir\tnamed \"x\"";

	reset();
	map_at(0x1000, path, sizeof path);
	EXPECT(dec(257, (uint64_t)-100, 0x1000, 02000000, 0, 0, 0),
	       "openat(AT_FDCWD, \"/nonexistent/dir\\tnamed \\\"x\\\"\", O_RDONLY|O_CLOEXEC)");
	EXPECT(dec(257, 5, 0x1000, 0101 | 01000 | 02000, 0640, 0, 0),
	       "openat(5, \"/nonexistent/dir\\tnamed \\\"x\\\"\", "
	       "O_WRONLY|O_CREAT|O_TRUNC|O_APPEND, 0640)");
	/* a mode of 0 is printed as strace does, a mode without O_CREAT not */
	EXPECT(dec(257, (uint64_t)-100, 0x1000, 0102, 0, 0, 0),
	       "openat(AT_FDCWD, \"/nonexistent/dir\\tnamed \\\"x\\\"\", O_RDWR|O_CREAT, 000)");
	EXPECT(dec(2, 0x1000, 020200000 | 2, 0600, 0, 0, 0),
	       "open(\"/nonexistent/dir\\tnamed \\\"x\\\"\", O_RDWR|O_TMPFILE, 0600)");
	EXPECT(dec(257, (uint64_t)-100, 0x1000, 04010000 | 0x80000000ULL, 0, 0, 0),
	       "openat(AT_FDCWD, \"/nonexistent/dir\\tnamed \\\"x\\\"\", O_RDONLY|O_SYNC|0x80000000)");
	/* an unreadable path is an address */
	EXPECT(dec(257, (uint64_t)-100, 0xdead000, 0, 0, 0, 0),
	       "openat(AT_FDCWD, 0xdead000, O_RDONLY)");
	return true;
}

static bool path_before_unmapped_page(void)
{
	/* "/etc/x" ends with its NUL at the last byte of a mapped page: the
	 * reader must stop at the page and not ask for the next one. */
	unsigned char page[4096];

	reset();
	memset(page, 'A', sizeof page);
	memcpy(page + sizeof page - 7, "/etc/x", 7);
	map_at(0x20000, page, sizeof page);
	EXPECT(dec(257, (uint64_t)-100, 0x20000 + 4096 - 7, 0, 0, 0, 0),
	       "openat(AT_FDCWD, \"/etc/x\", O_RDONLY)");
	/* no NUL before the unmapped page: not a string, an address */
	page[sizeof page - 1] = 'A';
	map_at(0x30000, page, sizeof page);
	EXPECT(dec(2, 0x30000 + 4096 - 3, 0, 0, 0, 0, 0),
	       "open(0x30ffd, O_RDONLY)");
	return true;
}

static bool read_write_buffers(void)
{
	static const char data[] = "hello \"world\"\t\\ line\n\001\0027 and more than 32 bytes";

	reset();
	map_at(0x3000, data, sizeof data);
	/* at entry the buffer is an address; at return its bytes, 32 shown */
	EXPECT(dec(0, 3, 0x3000, 64, 0, 0, 0), "read(3, 0x3000, 64)");
	EXPECT(dec_ret(0, 47, 3, 0x3000, 64, 0),
	       "read(3, \"hello \\\"world\\\"\\t\\\\ line\\n\\1\\0027 and mor\"..., 64)");
	EXPECT(dec_ret(0, 10, 3, 0x3000, 64, 0), "read(3, \"hello \\\"wor\", 64)");
	EXPECT(dec_ret(0, -11, 3, 0x3000, 64, 0), "read(3, 0x3000, 64)");
	EXPECT(dec(1, 4, 0x3000 + 20, 3, 0, 0, 0), "write(4, \"\\n\\1\\2\", 3)");
	EXPECT(dec(1, 4, 0x3000 + 21, 3, 0, 0, 0), "write(4, \"\\1\\0027\", 3)");
	/* exactly 32 bytes: no "..." */
	EXPECT(dec(1, 1, 0x3000, 32, 0, 0, 0),
	       "write(1, \"hello \\\"world\\\"\\t\\\\ line\\n\\1\\0027 and mor\", 32)");
	EXPECT(dec(1, 1, 0xbad0000, 5, 0, 0, 0), "write(1, 0xbad0000, 5)");
	EXPECT(dec(3, (uint64_t)-1, 0, 0, 0, 0, 0), "close(-1)");
	return true;
}

static bool sigactions(void)
{
	uint64_t act[4] = { 0x555555555289, 0x14000000, 0x7ffff7e0e050,
			    1ULL << 1 | 1ULL << 14 };
	uint64_t old[4] = { 1, 0, 0, ~(1ULL << 31 | 1ULL << 32) };

	reset();
	map_at(0x4000, act, sizeof act);
	map_at(0x5000, old, sizeof old);
	EXPECT(dec(13, 10, 0x4000, 0x5000, 8, 0, 0),
	       "rt_sigaction(SIGUSR1, {sa_handler=0x555555555289, sa_mask=[INT TERM], "
	       "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7ffff7e0e050}, 0x5000, 8)");
	/* the old action once returned; two thirds set: the complement */
	EXPECT(dec_ret(13, 0, 33, 0, 0x5000, 8),
	       "rt_sigaction(SIGRT_1, NULL, {sa_handler=SIG_IGN, sa_mask=~[RTMIN RT_1], "
	       "sa_flags=0}, 8)");
	/* the last real-time signal, 64, is SIGRT_32 (strace); 65 is none */
	act[3] = 1ULL << 63;
	map_at(0x8000, act, sizeof act);
	EXPECT(dec(13, 64, 0x8000, 0, 8, 0, 0),
	       "rt_sigaction(SIGRT_32, {sa_handler=0x555555555289, sa_mask=[RT_32], "
	       "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7ffff7e0e050}, NULL, 8)");
	EXPECT(dec(13, 65, 0, 0, 8, 0, 0), "rt_sigaction(65, NULL, NULL, 8)");
	return true;
}

static bool futexes(void)
{
	int64_t ts[2] = { 1, 500 };

	reset();
	map_at(0x6000, ts, sizeof ts);
	EXPECT(dec(202, 0x7000, 128 | 1, 1, 0, 0, 0), "futex(0x7000, FUTEX_WAKE_PRIVATE, 1)");
	EXPECT(dec(202, 0x7000, 128, 5, 0x6000, 0, 0),
	       "futex(0x7000, FUTEX_WAIT_PRIVATE, 5, {tv_sec=1, tv_nsec=500})");
	EXPECT(dec(202, 0x7000, 9 | 128 | 256, 0, 0, 0, 0xffffffff),
	       "futex(0x7000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, "
	       "FUTEX_BITSET_MATCH_ANY)");
	EXPECT(dec(202, 0x7000, 4, 1, 7, 0x7004, 3),
	       "futex(0x7000, FUTEX_CMP_REQUEUE, 1, 7, 0x7004, 3)");
	EXPECT(dec(202, 0x7000, 7 | 128, 0, 0, 0, 0), "futex(0x7000, FUTEX_UNLOCK_PI_PRIVATE)");
	return true;
}

static bool clones(void)
{
	uint64_t ca[8] = { 0x3d0f00, 0, 0x7ffff7dce990, 0x7ffff7dce990, 0,
			   0x7ffff75ce000, 0x7fff80, 0x7ffff7dce6c0 };
	int32_t tid = 4242;

	reset();
	map_at(0x8000, ca, sizeof ca);
	map_at(0x7ffff7dce990, &tid, sizeof tid);
	EXPECT(dec(56, 0x1200011, 0, 0, 0x7ffff7dcfa10, 0, 0),
	       "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD)");
	EXPECT(dec_ret(56, 77, 0x1200011, 0, 0, 0x7ffff7dcfa10),
	       "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
	       "child_tidptr=0x7ffff7dcfa10)");
	EXPECT(dec(56, 17, 0, 0, 0, 0, 0), "clone(child_stack=NULL, flags=SIGCHLD)");
	EXPECT(dec_ret(435, 4242, 0x8000, 88, 0, 0),
	       "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
	       "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, "
	       "child_tid=0x7ffff7dce990, parent_tid=0x7ffff7dce990, exit_signal=0, "
	       "stack=0x7ffff75ce000, stack_size=0x7fff80, tls=0x7ffff7dce6c0} => "
	       "{parent_tid=[4242]}, 88)");
	EXPECT(dec(435, 0x8000, 16, 0, 0, 0, 0), "clone3(0x8000, 16)");
	return true;
}

static bool execves(void)
{
	/* strings at 0x9000..., argv at 0xa000, envp at 0xb000 */
	static char strs[8192];
	uint64_t argv[40], envp[4] = { 0x9000, 0x9000, 0x9000, 0 };
	size_t i;

	reset();
	snprintf(strs, sizeof strs, "/bin/true");
	snprintf(strs + 16, 64, "%s", "0123456789abcdef0123456789ABCDEF");  /* 32 */
	snprintf(strs + 64, 64, "%s", "0123456789abcdef0123456789ABCDEFx"); /* 33 */
	argv[0] = 0x9000;
	argv[1] = 0x9000 + 16;
	argv[2] = 0x9000 + 64;
	argv[3] = 0;
	map_at(0x9000, strs, 128);
	map_at(0xb000, envp, sizeof envp);
	map_at(0xa000, argv, sizeof argv);
	EXPECT(dec(59, 0x9000, 0xa000, 0xb000, 0, 0, 0),
	       "execve(\"/bin/true\", [\"/bin/true\", \"0123456789abcdef0123456789ABCDEF\", "
	       "\"0123456789abcdef0123456789ABCDEF\"...], 0xb000 /* 3 vars */)");
	EXPECT(dec(59, 0x9000, 0, 0, 0, 0, 0), "execve(\"/bin/true\", NULL, NULL)");
	/* more than 32 strings: strace's "..." after the 32nd */
	for (i = 0; i < 39; i++)
		argv[i] = 0x9000;
	argv[39] = 0;
	regions[2].len = 0;
	map_at(0xa000, argv, sizeof argv);
	const char *s = dec(59, 0x9000, 0xa000, 0, 0, 0, 0);
	CHECK(strstr(s, "\"/bin/true\", ...], NULL)") != NULL);
	return true;
}

static bool ioctls_exits_and_unknown(void)
{
	int n = 47;
	unsigned short ws[4] = { 24, 80, 0, 0 };
	static char buf[256];
	struct ld_syscall sc = { 39, { 0 }, false, 0 };

	reset();
	map_at(0xc000, &n, sizeof n);
	map_at(0xd000, ws, sizeof ws);
	EXPECT(dec(16, 3, 0x541b, 0xc000, 0, 0, 0), "ioctl(3, FIONREAD, 0xc000)");
	EXPECT(dec_ret(16, 0, 3, 0x541b, 0xc000, 0), "ioctl(3, FIONREAD, [47])");
	EXPECT(dec(16, 3, 0x5421, 0xc000, 0, 0, 0), "ioctl(3, FIONBIO, [47])");
	EXPECT(dec(16, 3, 0x5451, 0, 0, 0, 0), "ioctl(3, FIOCLEX)");
	EXPECT(dec_ret(16, 0, 1, 0x5413, 0xd000, 0),
	       "ioctl(1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0})");
	EXPECT(dec_ret(16, -25, 3, 0x5401, 0xe000, 0), "ioctl(3, TCGETS, 0xe000)");
	EXPECT(dec(16, 3, 0xc0de, 0xe000, 0, 0, 0), "ioctl(3, 0xc0de, 0xe000)");
	EXPECT(dec(231, 3, 0, 0, 0, 0, 0), "exit_group(3)");
	/* a call not decoded here: raw hex */
	CHECK(!ld_syscall_decoded(39) && ld_syscall_decoded(257) && ld_syscall_decoded(9));
	ld_syscall_decode(&fake, &sc, buf, sizeof buf);
	EXPECT(buf, "getpid(0, 0, 0, 0, 0, 0)");
	/* a tiny buffer truncates, never overflows */
	ld_syscall_decode(&fake, &(struct ld_syscall){ 231, { 0 }, false, 0 }, buf, 5);
	CHECK(!strcmp(buf, "exit"));
	return true;
}

/* The table's classes: the memory set is exactly the eight calls that
 * change the layout; names and numbers agree with the C library's. */
static bool table_classes(void)
{
	static const long memory[] = { SYS_brk, SYS_mmap, SYS_munmap, SYS_mprotect,
				       SYS_mremap, SYS_madvise, SYS_shmat, SYS_shmdt };
	struct ld_sysset set;
	size_t i, n = 0;

	ld_sysset_clear(&set);
	ld_sysset_memory(&set);
	for (i = 0; i < LD_NSYSCALLS; i++)
		n += ld_sysset_has(&set, (long)i);
	CHECK(n == sizeof memory / sizeof *memory);
	for (i = 0; i < sizeof memory / sizeof *memory; i++)
		CHECK(ld_sysset_has(&set, memory[i]) && ld_syscall_is_memory(memory[i]) &&
		      ld_syscall_decoded(memory[i]));
	CHECK(ld_syscall_class(SYS_execve) & LD_SC_PROCESS);
	CHECK(ld_syscall_class(SYS_clone3) & LD_SC_PROCESS);
	CHECK(!(ld_syscall_class(SYS_wait4) & LD_SC_PROCESS));
	CHECK(ld_syscall_class(SYS_mmap) & LD_SC_RET_ADDR);
	CHECK(!(ld_syscall_class(SYS_munmap) & LD_SC_RET_ADDR));
	CHECK(ld_syscall_class(-1) == 0 && ld_syscall_class(LD_NSYSCALLS) == 0);
	CHECK(ld_syscall_number("mmap") == SYS_mmap &&
	      !strcmp(ld_syscall_name(SYS_process_madvise), "process_madvise") &&
	      ld_syscall_number("no_such_call") == -1);
	return true;
}

int main(void)
{
	run("openat: AT_FDCWD, quoted path, O_ flags, the mode with O_CREAT", openat_paths_and_flags);
	run("a path ending just before an unmapped page still reads", path_before_unmapped_page);
	run("read/write: buffers at return, 32 bytes then ..., octal escapes",
	    read_write_buffers);
	run("rt_sigaction: struct, mask, complement mask, the old action at return", sigactions);
	run("futex: per-operation arguments, timeout, bitset", futexes);
	run("clone and clone3: flags, fields after return, parent_tid written back", clones);
	run("execve: argv strings cut at 32, 32 strings at most, envp counted", execves);
	run("ioctl requests, exit_group, raw hex for other calls, small buffer",
	    ioctls_exits_and_unknown);
	run("the table: memory, process, decoded and address-returning calls",
	    table_classes);
	return tap_done();
}
