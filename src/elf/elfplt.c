/* The names gdb gives PLT entries and GOT slots, which no symbol table
 * holds: `write@plt` for the stub a call goes through and `write@got.plt`
 * for the slot it jumps through.  gdb takes the first from BFD's synthetic
 * symbols (elf_x86_64_get_synthetic_symtab reads each stub's `jmp
 * *GOT(%rip)`) and the second from the .rela.plt relocations
 * (elf_rel_plt_read_minimal_symbols); this file does the same. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "elf_int.h"

/* The name of symbol i of the symbol table in section symscn. */
static const char *sym_name(const struct ld_elf *e, size_t symscn, size_t i)
{
	Elf_Scn *scn = elf_getscn(e->elf, symscn);
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *d;

	if (!scn || !gelf_getshdr(scn, &sh) || !(d = elf_getdata(scn, NULL)) ||
	    i > INT_MAX || !gelf_getsym(d, (int)i, &sym))
		return NULL;
	return elf_strptr(e->elf, sh.sh_link, sym.st_name);
}

/* The dynamic symbol name of the JUMP_SLOT (or, unless jump_slot_only,
 * GLOB_DAT) relocation of GOT slot got (link-time), or NULL. */
static const char *slot_name(const struct ld_elf *e, uint64_t got,
			     bool jump_slot_only)
{
	for (size_t i = 0; i < e->nsections; i++) {
		const struct ld_section *sc = &e->sections[i];
		Elf_Scn *scn = elf_getscn(e->elf, sc->index);
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;

		if (sc->type != SHT_RELA || !scn || !gelf_getshdr(scn, &sh) ||
		    !(d = elf_getdata(scn, NULL)) || d->d_type != ELF_T_RELA)
			continue;
		n = d->d_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < n && k <= INT_MAX; k++) {
			GElf_Rela r;
			unsigned t;

			if (!gelf_getrela(d, (int)k, &r) || r.r_offset != got)
				continue;
			t = (unsigned)GELF_R_TYPE(r.r_info);
			if (t == R_X86_64_JUMP_SLOT ||
			    (!jump_slot_only && t == R_X86_64_GLOB_DAT))
				return GELF_R_SYM(r.r_info) ?
					sym_name(e, sh.sh_link, GELF_R_SYM(r.r_info)) : NULL;
		}
	}
	return NULL;
}

/* The GOT slot the 16-byte PLT entry at entry (link-time) jumps through:
 * its `[bnd] jmp *disp(%rip)` (ff 25, f2 ff 25). */
static bool entry_slot(const struct ld_elf *e, const struct ld_section *sc,
		       uint64_t entry, uint64_t *got)
{
	Elf_Data *d = elf_getdata(elf_getscn(e->elf, sc->index), NULL);
	const uint8_t *b;
	uint64_t off = entry - sc->addr;

	if (!d || !d->d_buf || off + 16 > d->d_size)
		return false;
	b = (const uint8_t *)d->d_buf + off;
	for (size_t k = 0; k + 6 <= 16; k++) {
		int32_t disp;

		if (b[k] != 0xff || b[k + 1] != 0x25)
			continue;
		memcpy(&disp, b + k + 2, 4);
		*got = entry + k + 6 + (uint64_t)(int64_t)disp;
		return true;
	}
	return false;
}

bool ld_elf_plt_name(const struct ld_elf *e, uint64_t addr, char *buf,
		     size_t len)
{
	const struct ld_section *sc = ld_elf_section_at(e, addr);
	uint64_t entry, got;
	const char *name;

	if (!sc || !sc->name)
		return false;
	if (!strcmp(sc->name, ".got.plt") || !strcmp(sc->name, ".got")) {
		got = addr & ~(uint64_t)7;
		if (!(name = slot_name(e, got, true)))
			return false;
		if (addr == got)
			snprintf(buf, len, "%s@got.plt", name);
		else
			snprintf(buf, len, "%s@got.plt+%llu", name,
				 (unsigned long long)(addr - got));
		return true;
	}
	if (strcmp(sc->name, ".plt") && strcmp(sc->name, ".plt.sec") &&
	    strcmp(sc->name, ".plt.got"))
		return false;
	entry = sc->addr + ((addr - sc->addr) & ~(uint64_t)15);
	if (!entry_slot(e, sc, entry, &got) || !(name = slot_name(e, got, false)))
		return false;
	if (addr == entry)
		snprintf(buf, len, "%s@plt", name);
	else
		snprintf(buf, len, "%s@plt+%llu", name,
			 (unsigned long long)(addr - entry));
	return true;
}
