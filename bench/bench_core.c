/* In-process measurements with the core library, each printed with the
 * baseline measured right beside it:
 *   unwind    ld_unwind of a 55-frame stack with each frame's symbol
 *             name, per call after the first, against one
 *             process_vm_readv of the same stack bytes, and against the
 *             same job done by libunwind (the unwinder's fallback);
 *   memread   ld_mem_read of 1 MiB against the PTRACE_PEEKDATA loop;
 *   maps      ld_maps_read of a 20,000-mapping process against a plain
 *             read(2) of its /proc/PID/maps;
 *   diff      ld_maps_diff of two such lists, against the same read;
 *   snapshot  the `snapshot` command's whole work (fresh maps, sections,
 *             program break, every thread's frames) on that process,
 *             attached, against the same read;
 *   smapsread, snapshotpages  ld_smaps_read and a snapshot with page
 *             counts, against a read(2) of /proc/PID/smaps in the same
 *             loop; the ...cpu rows in CPU time (the thread's, the
 *             kernel's reading included), steadier on a shared machine.
 * Usage: bench-core BUILD-DIR [pages] (pages: the smaps jobs alone).
 * Output: "name value_us baseline_us". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <elf.h>

#include "layoutdbg/infrun.h"
#include "layoutdbg/capture.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/smaps.h"
#include "layoutdbg/objs.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/output.h"
#include "layoutdbg/proc.h"
#include "layoutdbg/session.h"
#include "layoutdbg/unwind.h"

#define REPS 15

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double cpu_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

/* Start PROG ARG with a pipe on stdin; wait for its "ready" line. */
static pid_t start(const char *prog, const char *arg, int *in)
{
	int p[2], o[2];
	char buf[64];
	pid_t pid;

	if (pipe(p) < 0 || pipe(o) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[0], 0);
		dup2(o[1], 1);
		close(p[1]);
		close(o[0]);
		execl(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	close(o[1]);
	if (read(o[0], buf, sizeof buf) <= 0)
		return -1;
	close(o[0]);
	*in = p[1];
	return pid;
}

/* One unwind and the name of every frame: what `bt` needs. */
static int unwind_named(struct ld_unwinder *u, struct ld_objs *o, pid_t pid,
			struct ld_frame *f, size_t max, size_t *named)
{
	int n = ld_unwind(u, pid, f, max), i;

	*named = 0;
	for (i = 0; i < n; i++) {
		struct ld_obj *ob;
		const char *sym;
		uint64_t off;

		*named += ld_objs_symbolize(o, f[i].pc - (i > 0), &ob, &sym, &off);
	}
	return n;
}

static void bench_unwind(const char *dir)
{
	char prog[4096], err[256];
	struct ld_frame f[128];
	struct ld_unwinder *u = ld_unwinder_new();
	struct ld_proc *p;
	struct ld_objs objs;
	struct ld_maps maps;
	double t[REPS], base[REPS], lib[REPS];
	static char stack[64 * 1024];
	int in, i, n = 0;
	size_t named = 0;
	ld_regs r;
	pid_t pid;

	snprintf(prog, sizeof prog, "%s/bench/bench-deep", dir);
	pid = start(prog, "53", &in);
	if (pid < 0 || ld_proc_attach(pid, &p, err, sizeof err) < 0) {
		printf("unwind skipped %s\n", err);
		return;
	}
	ld_objs_init(&objs);
	ld_maps_init(&maps);
	if (ld_maps_read(pid, &maps, err, sizeof err) < 0 ||
	    ld_objs_scan(&objs, pid, &maps, prog, ld_auxv_get(pid, AT_BASE)) < 0) {
		printf("unwind skipped: cannot read the objects\n");
		return;
	}
	ld_unwinder_set_lookup(u, ld_objs_cfi, &objs);
	/* the first one fills the caches (rules, symbol indexes) */
	unwind_named(u, &objs, pid, f, 128, &named);
	for (i = 0; i < REPS; i++) {
		double t0 = now_us();

		n = unwind_named(u, &objs, pid, f, 128, &named);
		t[i] = now_us() - t0;
	}
	if (ld_unwinder_stats(u).libunwind)
		printf("# unwind: libunwind took over %lu times\n",
		       ld_unwinder_stats(u).libunwind);
	/* libc's local symbols (__libc_start_call_main) are not in .dynsym */
	printf("# unwind: %zu of %d frames named\n", named, n);
	ld_unwinder_set_fast(u, false);
	unwind_named(u, &objs, pid, f, 128, &named);
	for (i = 0; i < REPS; i++) {
		double t0 = now_us();

		unwind_named(u, &objs, pid, f, 128, &named);
		lib[i] = now_us() - t0;
	}
	ld_regs_get(pid, &r);
	for (i = 0; i < REPS; i++) {
		size_t len = n > 1 ? f[n - 1].sp - r.rsp + 64 : 4096;
		struct iovec l = { stack, len < sizeof stack ? len : sizeof stack };
		struct iovec rem = { (void *)r.rsp, l.iov_len };
		double t0 = now_us();

		process_vm_readv(pid, &l, 1, &rem, 1, 0);
		base[i] = now_us() - t0;
	}
	printf("unwind_%d_frames_named %.1f %.1f\n", n, median(t, REPS),
	       median(base, REPS));
	printf("unwindlib_%d_frames_named %.1f %.1f\n", n, median(t, REPS),
	       median(lib, REPS));
	{
		static unsigned char buf[1 << 20];
		struct ld_maps m;
		const struct ld_map *st;
		uint64_t a;
		double tp[5], tv[5];

		/* The stack mapping (132 KiB) read 8 times: 1 MiB. */
		ld_maps_init(&m);
		ld_maps_read(pid, &m, err, sizeof err);
		st = ld_maps_find(&m, r.rsp);
		a = st ? st->end - 0x20000 + 0x10000 : r.rsp;
		ld_maps_release(&m);
		for (i = 0; i < 5; i++) {
			double t0 = now_us();
			int k;

			for (k = 0; k < 8; k++)
				ld_mem_read(pid, a - 0x10000, buf, 0x20000);
			tv[i] = now_us() - t0;
			t0 = now_us();
			for (k = 0; k < 8; k++) {
				size_t w;

				for (w = 0; w < 0x20000; w += 8) {
					errno = 0;
					ptrace(PTRACE_PEEKDATA, pid, (void *)(a - 0x10000 + w), NULL);
				}
			}
			tp[i] = now_us() - t0;
		}
		printf("memread_1MiB %.1f %.1f\n", median(tv, 5), median(tp, 5));
	}
	ld_objs_release(&objs);
	ld_maps_release(&maps);
	ld_proc_detach(p);
	ld_proc_free(p);
	close(in);
	waitpid(pid, NULL, 0);
	ld_unwinder_free(u);
}

/* smaps: ld_smaps_read and a snapshot with page counts, each against a
 * plain read(2) of /proc/PID/smaps in the same loop. */
static void bench_pages(struct ld_session *s, pid_t pid, char *buf, size_t len)
{
	double t[REPS], ts[REPS], base[REPS], ct[REPS], cts[REPS], cbase[REPS];
	char path[64], err[256];
	int i;

	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	s->settings.snapshot_pages = true;
	for (i = 0; i < REPS; i++) {
		struct ld_smaps sm;
		struct ld_snapshot *snap;
		double t0 = now_us(), c0 = cpu_us();
		int fd = open(path, O_RDONLY);

		while (read(fd, buf, len) > 0)
			;
		close(fd);
		base[i] = now_us() - t0;
		cbase[i] = cpu_us() - c0;
		ld_smaps_init(&sm);
		t0 = now_us();
		c0 = cpu_us();
		ld_smaps_read(pid, false, &sm, err, sizeof err);
		ts[i] = now_us() - t0;
		cts[i] = cpu_us() - c0;
		ld_smaps_release(&sm);
		ld_stop_cache_invalidate(&s->cache);
		t0 = now_us();
		c0 = cpu_us();
		snap = ld_session_snapshot(s, NULL);
		t[i] = now_us() - t0;
		ct[i] = cpu_us() - c0;
		if (snap)
			ld_snapshot_drop(&s->recording.snaps, snap);
	}
	printf("smapsread_20000 %.1f %.1f\n", median(ts, REPS), median(base, REPS));
	printf("snapshotpages_20000 %.1f %.1f\n", median(t, REPS), median(base, REPS));
	printf("smapsreadcpu_20000 %.1f %.1f\n", median(cts, REPS), median(cbase, REPS));
	printf("snapshotpagescpu_20000 %.1f %.1f\n", median(ct, REPS), median(cbase, REPS));
}

static void bench_maps(const char *dir, bool pages_only)
{
	char prog[4096], path[64], err[256];
	static char buf[8 << 20];
	double t[REPS], base[REPS], td[REPS];
	struct ld_maps a, b;
	int in, i;
	pid_t pid;

	snprintf(prog, sizeof prog, "%s/bench/bench-manymaps", dir);
	pid = start(prog, "20000", &in);
	if (pid < 0) {
		printf("maps skipped\n");
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	for (i = 0; i < REPS && !pages_only; i++) {
		double t0 = now_us();
		int fd = open(path, O_RDONLY);

		while (read(fd, buf, sizeof buf) > 0)
			;
		close(fd);
		base[i] = now_us() - t0;
		ld_maps_init(&a);
		t0 = now_us();
		ld_maps_read(pid, &a, err, sizeof err);
		t[i] = now_us() - t0;
		ld_maps_init(&b);
		ld_maps_read(pid, &b, err, sizeof err);
		if (b.n > 10)
			b.v[b.n / 2].perms[0] = '-';
		{
			struct ld_map_diff d;

			ld_map_diff_init(&d);
			t0 = now_us();
			ld_maps_diff(&a, &b, &d);
			td[i] = now_us() - t0;
			ld_map_diff_release(&d);
		}
		if (i == 0)
			printf("# %zu mappings\n", a.n);
		ld_maps_release(&a);
		ld_maps_release(&b);
	}
	if (!pages_only) {
		printf("maps_read_20000 %.1f %.1f\n", median(t, REPS), median(base, REPS));
		printf("maps_diff_20000 %.1f %.1f\n", median(td, REPS), median(base, REPS));
	}
	{
		struct ld_session s;

		ld_out_set_quiet(1);
		ld_session_init(&s);
		if (ld_attach(&s, pid) < 0) {
			printf("snapshot skipped: cannot attach\n");
		} else {
			s.settings.snapshot_pages = false;	/* the layout alone */
			for (i = 0; i < REPS && !pages_only; i++) {
				struct ld_snapshot *snap;
				double t0;

				ld_stop_cache_invalidate(&s.cache); /* as after a resume */
				t0 = now_us();
				snap = ld_session_snapshot(&s, NULL);
				t[i] = now_us() - t0;
				if (snap)
					ld_snapshot_drop(&s.recording.snaps, snap);
			}
			if (!pages_only)
				printf("snapshot_20000 %.1f %.1f\n", median(t, REPS),
				       median(base, REPS));
			bench_pages(&s, pid, buf, sizeof buf);
			ld_detach(&s);
		}
		ld_session_end(&s);
		ld_out_set_quiet(0);
	}
	close(in);
	waitpid(pid, NULL, 0);
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* 1,000 snapshots (their mapping lists, the bulk of a snapshot) of a
 * process with 1,000 mappings: the memory they take. */
static void bench_memory(const char *dir)
{
	static struct ld_maps copies[1000];
	struct ld_maps m;
	char prog[4096], err[256];
	long before;
	int in, i;
	pid_t pid;

	snprintf(prog, sizeof prog, "%s/bench/bench-manymaps", dir);
	pid = start(prog, "1000", &in);
	if (pid < 0)
		return;
	ld_maps_init(&m);
	ld_maps_read(pid, &m, err, sizeof err);
	before = rss_kib();
	for (i = 0; i < 1000; i++) {
		ld_maps_release(&m);
		ld_maps_read(pid, &m, err, sizeof err);	/* a fresh read each time */
		ld_maps_copy(&copies[i], &m);
	}
	printf("# 1000 snapshots of %zu mappings: %.1f MiB (limit 100 MiB)\n", m.n,
	       (double)(rss_kib() - before) / 1024);
	for (i = 0; i < 1000; i++)
		ld_maps_release(&copies[i]);
	ld_maps_release(&m);
	close(in);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build";
	bool pages_only = argc > 2 && !strcmp(argv[2], "pages");

	signal(SIGPIPE, SIG_IGN);
	if (!pages_only)
		bench_unwind(dir);
	bench_maps(dir, pages_only);
	if (!pages_only)
		bench_memory(dir);
	return 0;
}
