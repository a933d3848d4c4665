/* Growing arrays: the one doubling realloc behind every growable table. */
#ifndef LAYOUTDBG_GROW_H
#define LAYOUTDBG_GROW_H

#include <stddef.h>

/* Make room in *v (an array of *cap elements of size bytes, n in use) for
 * one more: when n == *cap it doubles (first elements when empty).  0, or
 * -ENOMEM with *v and *cap unchanged. */
int ld_grow(void **v, size_t *cap, size_t n, size_t size, size_t first);

/* ld_grow for an array member p with its capacity member cap and count n:
 * LD_GROW(b->sites, b->capsites, b->nsites, 8). */
#define LD_GROW(p, cap, n, first) \
	ld_grow((void **)&(p), &(cap), (n), sizeof *(p), (first))

#endif
