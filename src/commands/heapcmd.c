/* The heap commands: `heap` (`info heap`), `heap chunk ADDR`, `heap bins`,
 * `heap arenas`, `heap mmapped`: the walk of this stop from the engine
 * (heapstop.c), shown by present/heapview.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/heapcmd.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/heapview.h"

static int heap_chunk(struct ld_session *s, const struct ld_heap *h, char *args)
{
	uint64_t addr;
	const struct ld_chunk *c;
	int arena;

	if (!*args)
		return ld_error("heap chunk: an address is needed");
	if (ld_eval_addr(s, "heap chunk", args, &addr) < 0)
		return -1;
	c = ld_heap_chunk_at(h, addr, &arena);
	return ld_show_heap_chunk(addr, c, arena);
}

static char *word(char **args)
{
	char *w = *args, *e;

	while (isspace((unsigned char)*w))
		w++;
	if (!*w)
		return NULL;
	e = w;
	while (*e && !isspace((unsigned char)*e))
		e++;
	if (*e)
		*e++ = 0;
	*args = e;
	return w;
}

int ld_cmd_heap(struct ld_session *s, char *args)
{
	struct ld_heap_source src;
	struct ld_heap h;
	char *rest = args, *w = word(&rest);
	long only = -1;
	int r;

	if (w && strcmp(w, "chunk") && strcmp(w, "bins") && strcmp(w, "arenas") &&
	    strcmp(w, "mmapped")) {
		char *end;

		only = strtol(w, &end, 10);
		if (*end || only < 0)
			return ld_error("heap: \"%s\": expected chunk ADDR, bins, arenas, "
					"mmapped or an arena number", w);
	}
	r = ld_heap_capture(s, &src, &h, false);
	if (r < 0)
		return -1;
	if (r > 0)
		return ld_show_heap_not_glibc(&src, "heap");
	if (only >= 0 && (size_t)only >= h.narenas)
		r = ld_error("heap: no arena %ld (there are %zu)", only, h.narenas);
	else if (w && !strcmp(w, "chunk"))
		r = heap_chunk(s, &h, rest);
	else if (w && !strcmp(w, "bins"))
		r = ld_show_heap_bins(&h);
	else if (w && !strcmp(w, "arenas"))
		r = ld_show_heap_arenas(&src, &h);
	else if (w && !strcmp(w, "mmapped"))
		r = ld_show_heap_mmapped(&h);
	else
		r = ld_show_heap(&src, &h, only);
	ld_heap_keep(s, &src, &h);      /* xinfo and vmmap use it at this stop */
	return r;
}
