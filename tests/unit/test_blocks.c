/* The layout diagram's blocks (engine/blocks.c) from checked-in maps
 * text: contiguous mappings of one kind make a block, a library's
 * anonymous .bss tail joins it, a guard page and a gap do not. */
#include <stdio.h>
#include <string.h>

#include "layoutdbg/blocks.h"
#include "tap.h"

static const char MAPS[] =
	"555555554000-555555555000 r--p 00000000 08:01 100 /usr/bin/prog\n"
	"555555555000-555555556000 r-xp 00001000 08:01 100 /usr/bin/prog\n"
	"555555556000-555555558000 rw-p 00002000 08:01 100 /usr/bin/prog\n"
	"555555558000-555555579000 rw-p 00000000 00:00 0   [heap]\n"
	"7ffff7a00000-7ffff7a01000 ---p 00000000 00:00 0 \n"
	"7ffff7a01000-7ffff7c00000 rw-p 00000000 00:00 0 \n"
	"7ffff7c00000-7ffff7c28000 r--p 00000000 08:01 200 /usr/lib/libc.so.6\n"
	"7ffff7c28000-7ffff7dbd000 r-xp 00028000 08:01 200 /usr/lib/libc.so.6\n"
	"7ffff7dbd000-7ffff7e1a000 rw-p 001bd000 08:01 200 /usr/lib/libc.so.6\n"
	"7ffff7e1a000-7ffff7e27000 rw-p 00000000 00:00 0 \n"
	"7ffff7e27000-7ffff7e28000 ---p 00000000 00:00 0 \n"
	"7ffff7fc1000-7ffff7fc5000 r--p 00000000 00:00 0   [vvar]\n"
	"7ffff7fc5000-7ffff7fc7000 r-xp 00000000 00:00 0   [vdso]\n"
	"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0   [stack]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";

static bool parse(struct ld_maps *m)
{
	FILE *f = fmemopen((void *)MAPS, sizeof MAPS - 1, "r");
	char err[256];
	int r;

	ld_maps_init(m);
	if (!f)
		return false;
	r = ld_maps_parse(f, m, err, sizeof err);
	fclose(f);
	if (r < 0)
		printf("# %s\n", err);
	return r == 0;
}

static bool blocks_by_kind(void)
{
	static const struct ld_block want[] = {
		{ LD_BLK_EXE, 0, 2 }, { LD_BLK_HEAP, 3, 3 },
		{ LD_BLK_ANON, 4, 5 },     /* a guard page and what it guards */
		{ LD_BLK_DSO, 6, 9 },      /* libc and its .bss tail */
		{ LD_BLK_ANON, 10, 10 },   /* ---p after the tail: not libc's */
		{ LD_BLK_SPECIAL, 11, 12 }, { LD_BLK_STACK, 13, 13 },
		{ LD_BLK_VSYSCALL, 14, 14 },
	};
	struct ld_maps m;
	struct ld_layout l = { 0 };
	size_t i;
	bool ok = parse(&m) && m.n == 15 &&
		  ld_layout_blocks(&m, "/usr/bin/prog", &l) == 0;

	for (i = 0; ok && i < l.n; i++)
		if (l.v[i].kind != want[i].kind || l.v[i].first != want[i].first ||
		    l.v[i].last != want[i].last) {
			printf("# block %zu: kind %d, %zu-%zu\n", i, (int)l.v[i].kind,
			       l.v[i].first, l.v[i].last);
			ok = false;
		}
	ok = ok && l.n == sizeof want / sizeof want[0] && l.m == &m;
	ld_layout_release(&l);
	ld_maps_release(&m);
	return ok;
}

/* Without the program's path every file mapping is a library's. */
static bool no_exe(void)
{
	struct ld_maps m;
	struct ld_layout l = { 0 };
	bool ok = parse(&m) && ld_layout_blocks(&m, NULL, &l) == 0 && l.n > 0 &&
		  l.v[0].kind == LD_BLK_DSO && l.v[0].last == 2;

	ld_layout_release(&l);
	ld_maps_release(&m);
	return ok;
}

static bool rss_sums(void)
{
	struct ld_maps m;
	struct ld_layout l = { 0 };
	struct ld_pages pg[15] = { 0 };
	bool ok = parse(&m) && ld_layout_blocks(&m, "/usr/bin/prog", &l) == 0;

	for (size_t i = 0; i < 15; i++)
		pg[i].rss = i + 1;
	ok = ok && ld_block_rss(&l, &l.v[0]) == 0;   /* no page counts */
	l.pg = pg;
	ok = ok && ld_block_rss(&l, &l.v[0]) == 1 + 2 + 3 &&
	     ld_block_rss(&l, &l.v[3]) == 7 + 8 + 9 + 10;
	ld_layout_release(&l);
	ld_maps_release(&m);
	return ok;
}

int main(void)
{
	run("blocks: one a kind of contiguous mappings, .bss tail joins its library",
	    blocks_by_kind);
	run("blocks: no program path, its file mappings are a library's", no_exe);
	run("blocks: resident KiB summed over a block's mappings", rss_sums);
	return tap_done();
}
