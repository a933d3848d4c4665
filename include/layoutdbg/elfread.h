/* The bytes a program file puts at a link-time address, as the loader
 * maps them (PT_LOAD: file bytes up to p_filesz, zeros up to p_memsz):
 * what print shows of globals before `run`.  No ptrace. */
#ifndef LAYOUTDBG_ELFREAD_H
#define LAYOUTDBG_ELFREAD_H

#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/elf.h"

/* len bytes at link-time addr of e into buf: 0, or -EFAULT when some byte
 * is in no loadable segment, -errno when the file cannot be read. */
int ld_elf_read_at(const struct ld_elf *e, uint64_t addr, void *buf,
		   size_t len);

#endif
