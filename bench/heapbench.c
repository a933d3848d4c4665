/* Heap benchmark: a child with N live chunks (default 1,000,000), stopped
 * on a pipe.  Times (medians, ns), printed as "JOB OURS BASE":
 *   heapwalk_1M      ld_heap_walk (every chunk, the bins, the tcache)
 *                    against one process_vm_readv of the whole [heap]
 *   heapsnap_1M      the walk plus packing the snapshot's chunk list
 *   heapdiff_1M      ld_heap_diff of two snapshots (the child freed every
 *                    10th chunk in between) against the same read
 * and "# bytes per chunk in a snapshot: B". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/mem.h"

#define REPS 7

static pid_t child;

static int rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	return ld_mem_read(child, addr, buf, len);
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long median(long long *v)
{
	qsort(v, REPS, sizeof *v, cmp_ll);
	return v[REPS / 2];
}

static void child_main(size_t n, int in, int out)
{
	void **p = malloc(n * sizeof *p);
	char c = 0;

	for (size_t i = 0; i < n; i++)
		p[i] = malloc(16 + 16 * (i % 4));
	write(out, &c, 1);
	read(in, &c, 1);
	for (size_t i = 0; i < n; i += 10)
		free(p[i]);
	write(out, &c, 1);
	read(in, &c, 1);
	_exit(0);
}

/* main_arena: the child is our fork, so libc's data is where ours is. */
static int setup(struct ld_maps *m, struct ld_heap_params *p, uint64_t *hlo,
		 uint64_t *hhi)
{
	char err[128];
	uint64_t lo = 0, hi = 0;

	if (ld_maps_read(child, m, err, sizeof err))
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];

		if (strstr(mp->path, "libc.so") && mp->perms[1] == 'w' && !lo)
			lo = mp->start;
		if (lo && !hi && (i + 1 == m->n || m->v[i + 1].path[0]))
			hi = mp->end;
		if (!strcmp(mp->path, "[heap]")) {
			*hlo = mp->start;
			*hhi = mp->end;
		}
	}
	*p = (struct ld_heap_params){ .read = rd, .maps = m, .glibc_minor = 0 };
	return ld_heap_find_main_arena(rd, NULL, lo, hi, &p->main_arena);
}

static long long time_walk(const struct ld_heap_params *p, struct ld_snap_heap **snap)
{
	long long t[REPS];

	for (int r = 0; r < REPS; r++) {
		struct ld_heap h;
		long long t0 = now_ns();

		if (ld_heap_walk(p, &h))
			exit(1);
		if (snap) {
			ld_snap_heap_free(*snap);
			*snap = ld_snap_heap_from(&h, "bench");
		}
		t[r] = now_ns() - t0;
		ld_heap_release(&h);
	}
	return median(t);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	int to[2], from[2];
	char c = 0;
	struct ld_maps m;
	struct ld_heap_params p;
	struct ld_snap_heap *s1 = NULL, *s2 = NULL;
	struct ld_heap_diff d;
	uint64_t hlo = 0, hhi = 0;
	long long t[REPS], readt, walkt, snapt;
	size_t chunks = 0;
	char *buf;

	if (pipe(to) || pipe(from))
		return 1;
	child = fork();
	if (child == 0)
		child_main(n, to[0], from[1]);
	read(from[0], &c, 1);
	ld_maps_init(&m);
	if (setup(&m, &p, &hlo, &hhi) || !hhi) {
		fprintf(stderr, "heapbench: no main_arena or [heap] in the child\n");
		kill(child, 9);
		return 1;
	}
	buf = malloc(hhi - hlo);
	for (int r = 0; r < REPS; r++) {
		long long t0 = now_ns();

		if (ld_mem_read(child, hlo, buf, hhi - hlo))
			return 1;
		t[r] = now_ns() - t0;
	}
	readt = median(t);
	walkt = time_walk(&p, NULL);
	snapt = time_walk(&p, &s1);
	for (size_t i = 0; i < s1->narenas; i++)
		chunks += s1->arenas[i].n;
	write(to[1], &c, 1);
	read(from[0], &c, 1);
	ld_maps_release(&m);
	ld_maps_init(&m);
	setup(&m, &p, &hlo, &hhi);
	time_walk(&p, &s2);
	for (int r = 0; r < REPS; r++) {
		long long t0 = now_ns();

		if (ld_heap_diff(s1, s2, &d))
			return 1;
		t[r] = now_ns() - t0;
		if (r < REPS - 1)
			ld_heap_diff_release(&d);
	}
	printf("# heap of %zu chunks (%zu live), %.1f MiB; diff: %zu changes\n", chunks, n,
	       (hhi - hlo) / 1048576.0, d.n);
	printf("# bytes per chunk in a snapshot: %.1f\n",
	       (double)ld_snap_heap_bytes(s1) / (double)chunks);
	printf("heapwalk_1M %lld %lld\n", walkt, readt);
	printf("heapsnap_1M %lld %lld\n", snapt, readt);
	printf("heapdiff_1M %lld %lld\n", median(t), readt);
	ld_heap_diff_release(&d);
	write(to[1], &c, 1);
	waitpid(child, NULL, 0);
	return 0;
}
