/* Growing arrays: the one doubling realloc behind every growable table
 * (grow.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "layoutdbg/grow.h"

int ld_grow(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	if (ncap <= n || ncap > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}
