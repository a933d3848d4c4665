/* libFuzzer target: the C-subset expression parser (any bytes, as text),
 * with and without a typedef callback. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/cexpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_type(void *arg, const char *name)
{
	(void)arg;
	return name[0] == 'T';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1), err[128];
	struct ld_cx *e;

	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = 0;
	e = ld_cx_parse(src, NULL, NULL, err, sizeof err);
	ld_cx_free(e);
	e = ld_cx_parse(src, is_type, NULL, err, sizeof err);
	ld_cx_free(e);
	free(src);
	return 0;
}
