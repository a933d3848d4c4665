/* Reading a program file's loadable bytes at link-time addresses. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/elfread.h"

/* The PT_LOAD segment holding addr, or NULL. */
static const struct ld_segment *load_at(const struct ld_elf *e, uint64_t addr)
{
	for (size_t i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);

		if (g->type == PT_LOAD && addr >= g->vaddr &&
		    addr - g->vaddr < g->memsz)
			return g;
	}
	return NULL;
}

/* The part of [addr, addr + n) in segment g: file bytes, then zeros. */
static int read_part(int fd, const struct ld_segment *g, uint64_t addr,
		     uint8_t *buf, size_t n)
{
	uint64_t in = addr - g->vaddr;
	size_t from_file = in < g->filesz ?
			   (size_t)(g->filesz - in < n ? g->filesz - in : n) : 0;

	if (from_file) {
		ssize_t r = pread(fd, buf, from_file, (off_t)(g->offset + in));

		if (r < 0)
			return -errno;
		if ((size_t)r != from_file)
			return -EIO;
	}
	memset(buf + from_file, 0, n - from_file);
	return 0;
}

int ld_elf_read_at(const struct ld_elf *e, uint64_t addr, void *buf,
		   size_t len)
{
	uint8_t *out = buf;
	int fd, r = 0;

	if (!e || !len)
		return e ? 0 : -EFAULT;
	fd = open(ld_elf_path(e), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len && !r) {
		const struct ld_segment *g = load_at(e, addr);
		size_t n;

		if (!g) {
			r = -EFAULT;
			break;
		}
		n = g->vaddr + g->memsz - addr < len ?
		    (size_t)(g->vaddr + g->memsz - addr) : len;
		r = read_part(fd, g, addr, out, n);
		addr += n;
		out += n;
		len -= n;
	}
	close(fd);
	return r;
}
