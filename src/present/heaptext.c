/* The chunk-level heap diff as text. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/heaptext.h"
#include "layoutdbg/output.h"

static char sign_of(const struct ld_heap_change *c)
{
	switch (c->what) {
	case LD_HC_ALLOC: case LD_HC_ARENA_NEW: case LD_HC_MMAP: return '+';
	case LD_HC_FREE: case LD_HC_ARENA_GONE: case LD_HC_MUNMAP: return '-';
	}
	return '~';
}

void ld_render_heap_diff(FILE *f, const struct ld_heap_diff *d)
{
	char line[256];
	int arena = -2;

	for (size_t i = 0; i < d->n; i++) {
		const struct ld_heap_change *c = &d->v[i];
		char s = sign_of(c);

		if (c->arena != arena && c->arena >= 0 && c->what != LD_HC_ARENA_GONE)
			fprintf(f, "heap: arena %d%s\n", c->arena, c->arena ? "" : " (main)");
		arena = c->arena;
		ld_heap_change_text(c, line, sizeof line);
		fprintf(f, "%s%c %s%s\n", ld_c(s == '+' ? LD_C_ADD : s == '-' ? LD_C_DEL :
					       LD_C_CHG), s, line, ld_c(LD_C_RESET));
	}
	fprintf(f, "heap totals: in use 0x%" PRIx64 " -> 0x%" PRIx64 " (%zu -> %zu chunks), "
		"free 0x%" PRIx64 " -> 0x%" PRIx64 " (%zu -> %zu, tcache included), top 0x%" PRIx64 " -> 0x%"
		PRIx64 ", mmapped 0x%" PRIx64 " -> 0x%" PRIx64 "\n", d->a.in_use, d->b.in_use,
		d->a.n_in_use, d->b.n_in_use, d->a.free, d->b.free, d->a.n_free, d->b.n_free,
		d->a.top, d->b.top, d->a.mmapped, d->b.mmapped);
}
