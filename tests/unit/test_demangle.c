/* ld_demangle: the names gdb prints for C++ and Rust (legacy and v0)
 * symbols, and NULL for C names. */
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
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
	return tap_done();
}
