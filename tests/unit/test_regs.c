/* The register table against its oracles: the kernel's struct (offsetof),
 * gdb's register list and types (`maint print registers`), readelf's
 * names of DWARF register numbers (libc's CFI), objdump's decoding of
 * push r64 (the encoding numbers). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/regtable.h"

static void test_struct(void)
{
	bool seen[64] = { false }, once = true, all = true;
	size_t i;

	for (i = 0; i < ld_nregs; i++) {
		size_t k = ld_reg_descs[i].offset / sizeof(unsigned long long);

		once &= k < 64 && !seen[k];
		if (k < 64)
			seen[k] = true;
	}
	for (i = 0; i < sizeof(ld_regs) / sizeof(unsigned long long); i++)
		all &= seen[i];
	ok(once && all && ld_nregs == sizeof(ld_regs) / 8,
	   "every field of user_regs_struct once");
	ok(ld_reg_in_struct(0)->offset == offsetof(ld_regs, r15) &&
	   ld_reg_in_struct(16)->offset == offsetof(ld_regs, rip) &&
	   ld_reg_in_struct(ld_nregs - 1)->offset == offsetof(ld_regs, gs) &&
	   !strcmp(ld_reg_in_struct(15)->name, "orig_rax"),
	   "struct order: r15 first, orig_rax at 15, rip at 16, gs last");
}

static void test_values(void)
{
	ld_regs r;
	const struct ld_reg_desc *d;
	size_t i;
	bool good = true;

	memset(&r, 0, sizeof r);
	for (i = 0; i < ld_nregs; i++)
		*ld_reg_slot(&r, &ld_reg_descs[i]) = 0x1000 + i;
	for (i = 0; i < ld_nregs; i++)
		good &= ld_reg_value(&r, &ld_reg_descs[i]) == 0x1000 + i;
	ok(good, "slot and value agree");
	d = ld_reg_by_name("fs_base");
	ok(d && ld_reg_value(&r, d) == r.fs_base, "fs_base by name");
	ok(ld_reg_by_name("pc") == ld_reg_by_name("rip") &&
	   ld_reg_by_name("sp") == ld_reg_by_name("rsp") &&
	   ld_reg_by_name("fp") == ld_reg_by_name("rbp"),
	   "gdb's aliases pc, sp, fp");
	ok(!ld_reg_by_name("xmm0") && !ld_reg_by_name("") &&
	   !ld_reg_by_name("$rip"), "no such register: NULL");
	ok(!ld_reg_by_dwarf(17) && !ld_reg_by_enc(16), "numbers out of range: NULL");
}

/* gdb's own list, in its order, with its types: pointer-typed ("*1")
 * registers are printed as addresses. */
static void test_gdb(void)
{
	const char *fixtures = getenv("LD_FIXTURE_DIR");
	char cmd[1024], line[256], name[64], type[64];
	size_t next = 0, found = 0;
	bool order = true, types = true;
	unsigned nr, rel, off, size;
	FILE *p;

	if (!fixtures || system("command -v gdb >/dev/null 2>&1") != 0) {
		skip("no gdb or LD_FIXTURE_DIR", "registers as gdb lists them");
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "gdb -nx -batch -ex 'maint print registers' %s/empty 2>&1",
		 fixtures);
	p = popen(cmd, "r");
	if (!ok(p != NULL, "gdb runs"))
		return;
	while (fgets(line, sizeof line, p)) {
		const struct ld_reg_desc *d;

		if (sscanf(line, " %63s %u %u %u %u %63s", name, &nr, &rel, &off,
			   &size, type) != 6 || !(d = ld_reg_by_name(name)) ||
		    strcmp(d->name, name))
			continue;
		found++;
		order &= d == &ld_reg_descs[next];
		next = (size_t)(d - ld_reg_descs) + 1;
		types &= (d->show != LD_REG_INT) == !strcmp(type, "*1");
		if (!strcmp(name, "rip"))
			types &= d->show == LD_REG_CODE;
	}
	pclose(p);
	ok(found == ld_nregs, "gdb knows all %zu registers (%zu)", ld_nregs, found);
	ok(order, "in gdb's order");
	ok(types, "pointer-typed in gdb exactly where shown as addresses");
}

/* "r7 (rsp)" in readelf's dump of libc's call frame information. */
static void test_dwarf(void)
{
	char line[512];
	unsigned seen = 0, bad = 0;
	FILE *p;

	if (system("command -v readelf >/dev/null 2>&1") != 0) {
		skip("readelf not installed", "DWARF numbers as readelf names them");
		return;
	}
	p = popen("readelf --debug-dump=frames /lib/x86_64-linux-gnu/libc.so.6 "
		  "2>/dev/null | grep -o 'r[0-9]* ([a-z0-9]*)' | sort -u", "r");
	if (!ok(p != NULL, "readelf runs"))
		return;
	while (fgets(line, sizeof line, p)) {
		char name[64];
		unsigned n;
		const struct ld_reg_desc *d;

		if (sscanf(line, "r%u (%63[a-z0-9])", &n, name) != 2)
			continue;
		d = ld_reg_by_dwarf(n);
		if (d && !strcmp(d->name, name))
			seen |= 1u << n;
		else
			bad++, diag("DWARF %u: readelf %s, ours %s", n, name,
				    d ? d->name : "none");
	}
	pclose(p);
	if (seen == 0)
		skip("no libc CFI dump", "DWARF numbers as readelf names them");
	else
		ok(!bad && seen == 0x1ffff, "DWARF numbers 0-16 as readelf names them");
}

/* push r64 (50+r, 41 50+r) decoded by objdump. */
static void test_enc(void)
{
	static const unsigned char code[] = {
		0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
		0x41, 0x50, 0x41, 0x51, 0x41, 0x52, 0x41, 0x53,
		0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57,
	};
	char path[] = "/tmp/ld-regs-XXXXXX", cmd[256], line[256];
	unsigned n = 0, good = 0;
	FILE *f, *p;
	int fd;

	if (system("command -v objdump >/dev/null 2>&1") != 0) {
		skip("objdump not installed", "encoding numbers as objdump decodes");
		return;
	}
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!ok(f && fwrite(code, sizeof code, 1, f) == 1 && fclose(f) == 0,
		"a file of push instructions"))
		return;
	snprintf(cmd, sizeof cmd, "objdump -D -b binary -mi386:x86-64 %s", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p)) {
		char *at = strstr(line, "push   %");
		const struct ld_reg_desc *d = ld_reg_by_enc(n);

		if (!at)
			continue;
		at[strcspn(at, "\n")] = 0;
		if (d && !strcmp(at + 8, d->name))
			good++;
		else
			diag("push %u: objdump %s, ours %s", n, at + 8,
			     d ? d->name : "none");
		n++;
	}
	if (p)
		pclose(p);
	unlink(path);
	ok(n == 16 && good == 16, "encoding numbers 0-15 as objdump decodes them");
}

int main(void)
{
	test_struct();
	test_values();
	test_gdb();
	test_dwarf();
	test_enc();
	return tap_done();
}
