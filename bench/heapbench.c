/* Heap benchmark: a child with N live chunks (default 1,000,000), stopped
 * on a pipe.  Times (medians, ns), printed as "JOB OURS BASE":
 *   heapwalk_1M      ld_heap_walk (every chunk, the bins, the tcache)
 *                    against one process_vm_readv of the whole [heap]
 *   heapsnap_1M      the walk plus packing the snapshot's chunk list
 *   heapwalk_1M_free the walk after the child freed every 10th chunk
 *                    (100,000 chunks in the fastbins)
 *   heapdiff_1M      ld_heap_diff of two snapshots (before and after the
 *                    frees) against the same read
 * and "# bytes per chunk in a snapshot: B".  Each rep reads the heap once
 * (into a buffer faulted in beforehand, as a tool that reads heaps again
 * and again would keep one) right before the job it is compared with, so
 * that load from other processes weighs on both alike; "# ..." lines give
 * the median of the per-rep ratios too, and the same in CPU time (this
 * thread's, user and system: time spent waiting for a CPU on a loaded
 * machine is not in it). */
#include <errno.h>
#include <stdbool.h>
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

#define REPS 11

static pid_t child;

static int rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	return ld_mem_read(child, addr, buf, len);
}

static long long clock_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static long long cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
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

/* Times of one job and of its baseline, wall-clock and CPU. */
struct pair {
	long long ours, base, ours_cpu, base_cpu;
};

/* One process_vm_readv of the whole [heap] into buf (faulted in). */
static void time_read(struct pair *v, char *buf, uint64_t lo, uint64_t hi)
{
	long long t0 = now_ns(), c0 = cpu_ns();

	if (ld_mem_read(child, lo, buf, hi - lo))
		exit(1);
	v->base_cpu = cpu_ns() - c0;
	v->base = now_ns() - t0;
}

static long long pair_ratios(const struct pair *v, bool cpu)
{
	long long q[REPS];

	for (int r = 0; r < REPS; r++) {
		long long o = cpu ? v[r].ours_cpu : v[r].ours;
		long long b = cpu ? v[r].base_cpu : v[r].base;

		q[r] = o * 1000 / (b ? b : 1);
	}
	return median(q);
}

/* Medians of the job and of the read (wall-clock), and in a comment line
 * the medians of the pairs' ratios, wall-clock and CPU. */
static struct pair medians(const char *job, struct pair *v)
{
	long long o[REPS], b[REPS], oc[REPS], bc[REPS];

	for (int r = 0; r < REPS; r++) {
		o[r] = v[r].ours;
		b[r] = v[r].base;
		oc[r] = v[r].ours_cpu;
		bc[r] = v[r].base_cpu;
	}
	printf("# %s: median of the %d pairs' ratios %.3f; in CPU time %.2f ms / "
	       "%.2f ms, pairs %.3f\n", job, REPS, pair_ratios(v, false) / 1000.0,
	       median(oc) / 1e6, median(bc) / 1e6, pair_ratios(v, true) / 1000.0);
	return (struct pair){ median(o), median(b), 0, 0 };
}

static struct pair time_walk(const char *job, const struct ld_heap_params *p,
			     struct ld_snap_heap **snap, char *buf, uint64_t lo,
			     uint64_t hi)
{
	struct pair v[REPS];

	for (int r = 0; r < REPS; r++) {
		struct ld_heap h;
		long long t0, c0;

		time_read(&v[r], buf, lo, hi);
		t0 = now_ns();
		c0 = cpu_ns();
		if (ld_heap_walk(p, &h))
			exit(1);
		if (snap) {
			ld_snap_heap_free(*snap);
			*snap = ld_snap_heap_from(&h, "bench");
		}
		v[r].ours_cpu = cpu_ns() - c0;
		v[r].ours = now_ns() - t0;
		ld_heap_release(&h);
	}
	return medians(job, v);
}

static void report(const char *job, struct pair m)
{
	printf("%s %lld %lld\n", job, m.ours, m.base);
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
	struct pair v[REPS], walk, snap, freed;
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
	memset(buf, 0, hhi - hlo);
	walk = time_walk("heapwalk_1M", &p, NULL, buf, hlo, hhi);
	snap = time_walk("heapsnap_1M", &p, &s1, buf, hlo, hhi);
	for (size_t i = 0; i < s1->narenas; i++)
		chunks += s1->arenas[i].n;
	write(to[1], &c, 1);
	read(from[0], &c, 1);
	ld_maps_release(&m);
	ld_maps_init(&m);
	setup(&m, &p, &hlo, &hhi);
	freed = time_walk("heapwalk_1M_free", &p, &s2, buf, hlo, hhi);
	for (int r = 0; r < REPS; r++) {
		long long t0, c0;

		time_read(&v[r], buf, hlo, hhi);
		t0 = now_ns();
		c0 = cpu_ns();
		if (ld_heap_diff(s1, s2, &d))
			return 1;
		v[r].ours_cpu = cpu_ns() - c0;
		v[r].ours = now_ns() - t0;
		if (r < REPS - 1)
			ld_heap_diff_release(&d);
	}
	printf("# heap of %zu chunks (%zu live), %.1f MiB; diff: %zu changes\n", chunks, n,
	       (hhi - hlo) / 1048576.0, d.n);
	printf("# bytes per chunk in a snapshot: %.1f\n",
	       (double)ld_snap_heap_bytes(s1) / (double)chunks);
	report("heapwalk_1M", walk);
	report("heapsnap_1M", snap);
	report("heapwalk_1M_free", freed);
	report("heapdiff_1M", medians("heapdiff_1M", v));
	ld_heap_diff_release(&d);
	ld_snap_heap_free(s1);
	ld_snap_heap_free(s2);
	ld_maps_release(&m);
	free(buf);
	write(to[1], &c, 1);
	waitpid(child, NULL, 0);
	return 0;
}
