/* x86-64 prologues, read as gdb's amd64_analyze_prologue reads them. */
#include <stdbool.h>
#include <string.h>

#include "layoutdbg/prologue.h"

/* Does code[at..] hold the len bytes of want, within the first n? */
static bool has(const uint8_t *code, size_t n, size_t at, const uint8_t *want,
		size_t len)
{
	return at <= n && len <= n - at && memcmp(code + at, want, len) == 0;
}

size_t ld_prologue_frame_setup(const uint8_t *code, size_t len)
{
	static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const uint8_t push_rbp[1] = { 0x55 };
	/* movq %rsp,%rbp has two encodings (89 /r and 8b /r); gdb takes
	 * movl %esp,%ebp (89 e5, 8b ec) only for x32, so it is no frame
	 * setup here */
	static const uint8_t movq1[3] = { 0x48, 0x89, 0xe5 };
	static const uint8_t movq2[3] = { 0x48, 0x8b, 0xec };
	size_t at = has(code, len, 0, endbr64, sizeof endbr64) ? sizeof endbr64 : 0;

	if (!has(code, len, at, push_rbp, 1))
		return 0;
	at++;
	if (has(code, len, at, movq1, 3) || has(code, len, at, movq2, 3))
		return at + 3;
	return 0;	/* push %rbp alone: frameless for gdb */
}
