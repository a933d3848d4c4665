/* ld_demangle: the names gdb prints for C++ and Rust (legacy and v0)
 * symbols, and NULL for C names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/elf.h"
#include "tap.h"

static bool is(const char *linkage, bool params, const char *want)
{
	char *d = ld_demangle(linkage, params);
	bool same = want ? d && !strcmp(d, want) : !d;

	if (!same)
		diag("%s: got %s, want %s", linkage, d ? d : "NULL",
		     want ? want : "NULL");
	free(d);
	return same;
}

static int seen(const char *name, void *arg)
{
	char *list = arg;

	if (strlen(list) + strlen(name) + 2 < 512) {
		strcat(list, name);
		strcat(list, ";");
	}
	return 0;
}

/* Completion offers the demangled names of the C++ fixture. */
static void test_completion(void)
{
	const char *dir = getenv("LD_FIXTURE_DIR");
	char path[4096], err[256], list[512] = "";
	struct ld_elf *e;

	snprintf(path, sizeof path, "%s/cxxnames", dir ? dir : "build/fixtures");
	if (ld_elf_open(path, &e, err, sizeof err)) {
		skip(err, "completion of demangled names (no cxxnames fixture)");
		return;
	}
	ld_elf_foreach_name(e, "thro", seen, list);
	ok(!strcmp(list, "thrower;"), "completion of thro: %s", list);
	list[0] = '\0';
	ld_elf_foreach_name(e, "ns::Class::m", seen, list);
	ok(!strcmp(list, "ns::Class::method;ns::Class::method;"),
	   "completion of ns::Class::m: both overloads, %s", list);
	ld_elf_free(e);
}

int main(void)
{
	ok(is("main", false, NULL) && is("_start", true, NULL) &&
	   is("__libc_start_main", false, NULL), "C names stay as they are");
	ok(is("_ZN2ns5Class6methodEi", false, "ns::Class::method") &&
	   is("_ZN2ns5Class6methodEd", true, "ns::Class::method(double)"),
	   "C++ method: gdb's bt form and info symbol form");
	ok(is("_Z3addIiET_S0_S0_", false, "add<int>") &&
	   is("_Z3addIiET_S0_S0_", true, "int add<int>(int, int)"),
	   "C++ template: the return type only with the parameters (gdb's info symbol)");
	ok(is("_ZN4main8make_vec17h0123456789abcdefE", false, "main::make_vec"),
	   "Rust legacy: the hash dropped, as gdb");
	ok(is("_RNvNtCs1234_1m5inner8make_vec", false, "m::inner::make_vec"),
	   "Rust v0");
	ok(is("_Zgarbage", false, NULL), "a name that does not demangle: NULL");
	test_completion();
	return tap_done();
}
