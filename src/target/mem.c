/* Tracee memory and registers: the only module besides proc.c that talks
 * ptrace.  Every read goes through ld_mem_read. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "layoutdbg/mem.h"

/* PEEKDATA returns the word itself, so -1 can be data: errno tells. */
static int peek(pid_t tid, uint64_t addr, long *word)
{
	errno = 0;
	*word = ptrace(PTRACE_PEEKDATA, tid, (void *)addr, NULL);
	return errno ? -errno : 0;
}

static int read_peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	uint64_t a = addr & ~7ULL;

	while (len) {
		long w;
		size_t skip = addr - a, n = sizeof w - skip;
		int r = peek(tid, a, &w);

		if (r)
			return r;
		if (n > len)
			n = len;
		memcpy(out, (unsigned char *)&w + skip, n);
		out += n;
		len -= n;
		addr += n;
		a += sizeof w;
	}
	return 0;
}

int ld_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };
	ssize_t n;

	if (!len)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && errno == ESRCH)
		return -ESRCH;
	/* Partial read, or process_vm_readv not permitted (e.g. kernels built
	 * without CONFIG_CROSS_MEMORY_ATTACH): PEEKDATA tells exactly which
	 * word failed. */
	return read_peek(tid, addr, buf, len);
}

int ld_mem_read_string(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	if (!len)
		return -EINVAL;
	/* Page-sized chunks so a string that ends just before an unmapped page
	 * still reads. */
	while (got < len - 1) {
		size_t room = len - 1 - got;
		size_t to_page = 4096 - ((addr + got) & 4095);
		size_t n = room < to_page ? room : to_page;
		int r = ld_mem_read(tid, addr + got, buf + got, n);

		if (r) {
			buf[got] = 0;
			return r;
		}
		if (memchr(buf + got, 0, n))
			return 0;
		got += n;
	}
	buf[len - 1] = 0;
	return 0;
}

static int poke(pid_t tid, uint64_t addr, long word)
{
	if (ptrace(PTRACE_POKEDATA, tid, (void *)addr, (void *)word) < 0)
		return -errno;
	return 0;
}

/* Through /proc/TID/mem: needs no ptrace-stop (tid may be running) and,
 * like POKEDATA, writes into read-only text (FOLL_FORCE).  A zombie
 * thread-group leader has no memory any more: 0 bytes, taken as gone. */
static int write_procmem(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof path, "/proc/%d/mem", (int)tid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = pwrite(fd, buf, len, (off_t)addr);
	e = n < 0 ? errno : 0;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -e : n == 0 ? -ESRCH : -EIO;
}

int ld_mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	uint64_t first = addr & ~7ULL, last = (addr + len + 7) & ~7ULL;
	size_t nwords = (last - first) / 8, i;
	long *orig, *patched;
	int r = 0;

	if (!len)
		return 0;
	orig = calloc(2 * nwords, sizeof *orig);
	if (!orig)
		return -ENOMEM;
	patched = orig + nwords;
	/* Read every word first, so a failure half way can be undone and no
	 * half-patched instruction is ever left behind (CRIU's rule). */
	r = read_peek(tid, first, orig, nwords * 8);
	if (r == -ESRCH) {
		/* not in a ptrace-stop (it runs), or gone */
		r = write_procmem(tid, addr, buf, len);
		goto out;
	}
	if (r)
		goto out;
	memcpy(patched, orig, nwords * 8);
	memcpy((unsigned char *)patched + (addr - first), buf, len);
	for (i = 0; i < nwords; i++) {
		if (patched[i] == orig[i])
			continue;
		r = poke(tid, first + 8 * i, patched[i]);
		if (r) {
			while (i--)
				poke(tid, first + 8 * i, orig[i]);
			break;
		}
	}
out:
	free(orig);
	return r;
}

int ld_mem_poke_byte(pid_t tid, uint64_t addr, uint8_t byte)
{
	uint64_t a = addr & ~7ULL;
	long w;
	int r = peek(tid, a, &w);

	if (r)
		return r;
	((unsigned char *)&w)[addr - a] = byte;
	return poke(tid, a, w);
}

int ld_regs_get(pid_t tid, ld_regs *r)
{
	return ptrace(PTRACE_GETREGS, tid, NULL, r) < 0 ? -errno : 0;
}

int ld_regs_set(pid_t tid, const ld_regs *r)
{
	return ptrace(PTRACE_SETREGS, tid, NULL, (void *)r) < 0 ? -errno : 0;
}

int ld_xmm_get(pid_t tid, int n, uint64_t *lo)
{
	struct user_fpregs_struct fp;

	if (n < 0 || n > 15)
		return -EINVAL;
	if (ptrace(PTRACE_GETFPREGS, tid, NULL, &fp) < 0)
		return -errno;
	*lo = fp.xmm_space[4 * n] | (uint64_t)fp.xmm_space[4 * n + 1] << 32;
	return 0;
}

int ld_siginfo_get(pid_t tid, struct ld_siginfo *out)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0)
		return -errno;
	out->signo = si.si_signo;
	out->code = si.si_code;
	out->errno_ = si.si_errno;
	out->addr = (uint64_t)(uintptr_t)si.si_addr;
	return 0;
}

int ld_debugreg_get(pid_t tid, int i, uint64_t *v)
{
	long w;

	errno = 0;
	w = ptrace(PTRACE_PEEKUSER, tid,
		   (void *)(offsetof(struct user, u_debugreg) + (size_t)i * 8), NULL);
	if (errno)
		return -errno;
	*v = (uint64_t)w;
	return 0;
}

int ld_debugreg_set(pid_t tid, int i, uint64_t v)
{
	return ptrace(PTRACE_POKEUSER, tid,
		      (void *)(offsetof(struct user, u_debugreg) + (size_t)i * 8),
		      (void *)v) < 0 ? -errno : 0;
}
