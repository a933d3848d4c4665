/* libFuzzer target: the /proc/PID/maps parser, then lookups and the diff
 * of the parsed list against itself and a copy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "layoutdbg/maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_maps a, b;
	struct ld_map_diff d;
	char err[256];
	FILE *f = fmemopen((void *)data, size, "r");
	size_t i;

	if (!f)
		return 0;
	ld_maps_init(&a);
	ld_maps_init(&b);
	ld_maps_parse(f, &a, err, sizeof err);
	fclose(f);
	for (i = 0; i < a.n; i++) {
		ld_maps_find(&a, a.v[i].start);
		ld_maps_find(&a, a.v[i].end - 1);
	}
	if (ld_maps_copy(&b, &a) == 0 && b.n)
		b.v[b.n / 2].perms[0] = b.v[b.n / 2].perms[0] == 'r' ? '-' : 'r';
	ld_map_diff_init(&d);
	ld_maps_diff(&a, &b, &d);
	ld_map_diff_release(&d);
	ld_maps_release(&a);
	ld_maps_release(&b);
	return 0;
}
