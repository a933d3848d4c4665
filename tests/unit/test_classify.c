/* The mapping classifier as a pure function: a process's mappings (text,
 * as /proc/PID/maps shows them) with libc loaded from its real file, two
 * threads' registers and a heap walk in; every kind of region out. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/classify.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"
#define BIAS 0x7f0000000000ULL
#define INODE 4242
#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define PAGE_UP(x) (((x) + 4095) & ~4095ULL)

static void test_names(void)
{
	static const struct { const char *path; enum ld_map_name want; } v[] = {
		{ "/usr/lib/x86_64-linux-gnu/libc.so.6", LD_MN_FILE },
		{ "/memfd:jit (deleted)", LD_MN_FILE },
		{ "", LD_MN_ANON }, { "[anon:arena]", LD_MN_ANON_NAMED },
		{ "[anon_shmem:x]", LD_MN_ANON_NAMED },
		{ "[heap]", LD_MN_HEAP }, { "[stack]", LD_MN_STACK },
		{ "[stack:1234]", LD_MN_THREAD_STACK }, { "[vdso]", LD_MN_VDSO },
		{ "[vvar]", LD_MN_VVAR }, { "[vvar_vclock]", LD_MN_VVAR },
		{ "[vsyscall]", LD_MN_VSYSCALL }, { "[uprobes]", LD_MN_OTHER },
		{ "anon_inode:[perf_event]", LD_MN_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++) {
		struct ld_map mp = { .path = (char *)v[i].path };

		ok(ld_map_name_of(&mp) == v[i].want, "name \"%s\"", v[i].path);
	}
}

/* Expected region of each line of the maps built below. */
struct want {
	enum ld_region_kind kind;
	int segment;		/* SEGMENT, BSS: -2 any */
	int thread;		/* thread_num, 0 none */
};

static char *maps_text(struct ld_elf *e, struct want *w, size_t *n, int *rw)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	*n = 0;
#define LINE(k, seg, thr, ...) \
	(fprintf(f, __VA_ARGS__), w[*n] = (struct want){ k, seg, thr }, (*n)++)
	LINE(LD_RK_HEAP, -1, 0, "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n");
	LINE(LD_RK_FILE, -1, 0,
	     "7d0000000000-7d0000100000 r--p 00000000 08:01 77 /usr/lib/locale/locale-archive\n");
	LINE(LD_RK_GUARD, -1, 2, "7e0000000000-7e0000001000 ---p 00000000 00:00 0\n");
	LINE(LD_RK_THREAD_STACK, -1, 2, "7e0000001000-7e0000801000 rw-p 00000000 00:00 0\n");
	LINE(LD_RK_TLS, -1, 1, "7e0000900000-7e0000903000 rw-p 00000000 00:00 0\n");
	LINE(LD_RK_ARENA_HEAP, -1, 0, "7e0004000000-7e0004021000 rw-p 00000000 00:00 0\n");
	LINE(LD_RK_ARENA_HEAP, -1, 0, "7e0004021000-7e0008000000 ---p 00000000 00:00 0\n");
	LINE(LD_RK_MMAPPED, -1, 0, "7e0010000000-7e0010022000 rw-p 00000000 00:00 0\n");
	LINE(LD_RK_ANON, -1, 0, "7e0020000000-7e0020001000 rw-p 00000000 00:00 0\n");
	LINE(LD_RK_ANON, -1, 0, "7e0020001000-7e0020002000 ---p 00000000 00:00 0\n");
	LINE(LD_RK_ANON, -1, 0, "7e0030000000-7e0030001000 rw-p 00000000 00:00 0 [anon:x]\n");
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = BIAS + PAGE_DOWN(g->vaddr);
		uint64_t fend = BIAS + PAGE_UP(g->vaddr + g->filesz);
		uint64_t mend = BIAS + PAGE_UP(g->vaddr + g->memsz);

		if (g->type != PT_LOAD)
			continue;
		LINE(LD_RK_SEGMENT, (int)i, 0, "%llx-%llx %c%c%cp %08llx 08:01 %d %s\n",
		     (unsigned long long)lo, (unsigned long long)fend,
		     g->flags & PF_R ? 'r' : '-', g->flags & PF_W ? 'w' : '-',
		     g->flags & PF_X ? 'x' : '-',
		     (unsigned long long)PAGE_DOWN(g->offset), INODE, LIBC);
		if (mend > fend) {
			*rw = (int)i;
			LINE(LD_RK_BSS, (int)i, 0, "%llx-%llx rw-p 00000000 00:00 0\n",
			     (unsigned long long)fend, (unsigned long long)mend);
		}
	}
	LINE(LD_RK_VVAR, -1, 0, "7ffff7fc0000-7ffff7fc4000 r--p 00000000 00:00 0 [vvar]\n");
	LINE(LD_RK_VDSO, -1, 0, "7ffff7fc4000-7ffff7fc6000 r-xp 00000000 00:00 0 [vdso]\n");
	LINE(LD_RK_STACK, -1, 1, "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
	LINE(LD_RK_VSYSCALL, -1, 0,
	     "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n");
#undef LINE
	fclose(f);
	return buf;
}

static void check(const struct ld_maps *m, const struct ld_region *rg,
		  const struct want *w, struct ld_obj *libc, const char *what)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		bool good = rg[i].kind == w[i].kind &&
			    (w[i].thread == 0 || rg[i].thread_num == w[i].thread) &&
			    (w[i].kind != LD_RK_SEGMENT && w[i].kind != LD_RK_BSS ?
			     !rg[i].obj : rg[i].obj == libc && rg[i].segment == w[i].segment);

		if (!ok(good, "%s: %s %s", what, m->v[i].path[0] ? m->v[i].path : "anonymous",
			m->v[i].perms))
			diag("kind %d (want %d), thread %d, segment %d", (int)rg[i].kind,
			     (int)w[i].kind, rg[i].thread_num, rg[i].segment);
	}
}

static void test_regions(void)
{
	struct want w[64];
	struct ld_objs objs;
	struct ld_maps m = { 0 };
	struct ld_region rg[64];
	struct ld_elf *e;
	char err[256], *text;
	size_t n;
	int rw = -1;
	FILE *f;
	/* leader 100: sp in [stack], TLS in the mapping at 7e0000900000;
	 * thread 101: sp in the thread stack, TLS inside its own stack */
	struct ld_class_thread th[] = {
		{ 100, 1, 0x7fffffffe000, 0x7e0000900700 },
		{ 101, 2, 0x7e0000800e00, 0x7e0000800f00 },
	};
	struct ld_heap_region arena_heap = { 0x7e0004000000, 0x7e0004000020,
					     0x7e0004021000, 0x7e0008000000 };
	struct ld_arena arenas[2] = { { .main = true }, { .heaps = &arena_heap, .nheaps = 1 } };
	struct ld_chunk mm[2] = { { .addr = 0x7e0010000000 }, { .addr = 0x7e0000902000 } };
	struct ld_heap heap = { .arenas = arenas, .narenas = 2, .mmapped = mm, .nmmapped = 2 };
	struct ld_classify_in in = { .maps = &m, .threads = th, .nthreads = 2,
				     .leader = 100, .heap = &heap };

	if (access(LIBC, R_OK) != 0 || ld_elf_open(LIBC, &e, err, sizeof err) != 0) {
		skip("no " LIBC, "regions");
		return;
	}
	text = maps_text(e, w, &n, &rw);
	f = fmemopen(text, strlen(text), "r");
	if (!ok(f && ld_maps_parse(f, &m, err, sizeof err) == 0 && m.n == n,
		"the maps parse (%zu lines)", n)) {
		diag("%s", err);
		return;
	}
	fclose(f);
	ok(rw >= 0, "libc has a .bss tail past its file pages");
	ld_objs_init(&objs);
	objs.v = calloc(1, sizeof *objs.v);
	objs.n = 1;
	objs.v[0].path = strdup(LIBC);
	objs.v[0].name = "libc.so.6";
	objs.v[0].bias = BIAS;
	objs.v[0].inode = INODE;
	objs.v[0].elf = e;
	in.objs = &objs;
	ld_classify_regions(&in, rg);
	check(&m, rg, w, &objs.v[0], "with a heap walk");
	ok(rg[7].nchunks == 1 && rg[7].chunk == 0x7e0010000000,
	   "the mmapped chunk is named");
	ok(rg[4].kind == LD_RK_TLS && rg[4].nchunks == 1,
	   "an mmapped chunk merged into a TLS block keeps it TLS");
	ok(rg[5].arena == 1 && rg[5].chunk == 0x7e0004000000,
	   "the arena heap names its arena and heap_info");
	/* without a walk, malloc's memory is plain anonymous memory */
	in.heap = NULL;
	w[5].kind = w[6].kind = w[7].kind = LD_RK_ANON;
	ld_classify_regions(&in, rg);
	check(&m, rg, w, &objs.v[0], "without a heap walk");
	/* without objects, libc's mappings are files and its tail anonymous */
	in.objs = NULL;
	ld_classify_regions(&in, rg);
	ok(rg[11].kind == LD_RK_FILE && !rg[11].obj, "without objects: a file");
	/* the leader on a stack of its own making is no thread stack */
	th[0].sp = 0x7e0020000800;
	ld_classify_regions(&in, rg);
	ok(rg[8].kind == LD_RK_ANON && rg[9].kind == LD_RK_ANON,
	   "the leader's sp in anonymous memory: no thread stack, no guard");
	ld_objs_release(&objs);
	ld_maps_release(&m);
	free(text);
}

int main(void)
{
	test_names();
	test_regions();
	return tap_done();
}
