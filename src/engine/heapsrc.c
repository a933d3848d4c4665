/* Finding main_arena and mp_ in a live process: symbols first, then the
 * debug file by build ID, then the heuristics of heap.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/heapsrc.h"

/* The last C library located from its file's symbols or debug file: a
 * snapshot locates malloc's state at every stop, and opening libc's debug
 * file and indexing its symbols again cost more than the rest of a
 * snapshot of a small process.  Keyed by the file (path and inode);
 * addresses kept relative to the object's bias.  Heuristics read memory:
 * not kept. */
static struct {
	bool valid;
	uint64_t inode;
	char path[PATH_MAX];
	struct ld_heap_source src;  /* main_arena, mp: bias-relative */
} memo;

void ld_heap_set_debug_dir(const char *dir)
{
	ld_debug_set_dir(dir);
	memo.valid = false;
}

const char *ld_heap_from_name(enum ld_heap_from f)
{
	switch (f) {
	case LD_HEAP_FROM_SYMBOLS: return "symbols";
	case LD_HEAP_FROM_DEBUG_FILE: return "debug symbols";
	case LD_HEAP_FROM_HEURISTICS: return "heuristics";
	}
	return "?";
}

static int read_pid(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return ld_mem_read(*(pid_t *)ctx, addr, buf, len);
}

/* The version the library says it is ("... release version 2.36."),
 * from its file; "" when the text is not there (a static program may
 * not carry it). */
static void glibc_version(struct ld_obj *ob, struct ld_heap_source *src)
{
	static const char key[] = "release version 2.";
	const char *path = ob->open_path ? ob->open_path : ob->path;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *map;
	const char *hit;

	if (fd < 0)
		return;
	if (fstat(fd, &st) || st.st_size < 64 || st.st_size > (1LL << 31)) {
		close(fd);
		return;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	hit = memmem(map, (size_t)st.st_size, key, sizeof key - 1);
	if (hit && (size_t)(hit - (const char *)map) + sizeof key + 4 <= (size_t)st.st_size) {
		src->glibc_minor = atoi(hit + sizeof key - 1);
		snprintf(src->glibc, sizeof src->glibc, "2.%d", src->glibc_minor);
	}
	munmap(map, (size_t)st.st_size);
}

/* main_arena and mp_ from an ELF's symbols (local ones included). */
static bool from_elf(struct ld_elf *e, struct ld_obj *ob,
		     struct ld_heap_source *src)
{
	const struct ld_symbol *ma = ld_elf_lookup_any(e, "main_arena");
	const struct ld_symbol *mp = ld_elf_lookup_any(e, "mp_");

	if (!ma || !ma->value)
		return false;
	src->main_arena = ma->value + ob->bias;
	src->mp = mp && mp->value ? mp->value + ob->bias : 0;
	return true;
}

/* The object's separate debug file (what libc6-dbg installs), as the
 * symbol lookup found it. */
static bool from_debug_file(struct ld_obj *ob, struct ld_heap_source *src)
{
	const struct ld_debug_file *d = ld_obj_debug(ob);

	if (!d->elf || !from_elf(d->elf, ob, src))
		return false;
	snprintf(src->debug_file, sizeof src->debug_file, "%s",
		 d->path[0] ? d->path : ld_syms_from_name(d->from));
	return true;
}

/* The object's writable data: its rw mappings and the anonymous .bss
 * right after them, as one range (they are contiguous). */
static bool data_range(const struct ld_maps *m, struct ld_obj *ob,
		       uint64_t *lo, uint64_t *hi)
{
	*lo = *hi = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		bool ours = !strcmp(mp->path, ob->path);

		if (ours && mp->perms[1] == 'w' && !*lo)
			*lo = mp->start;
		if (*lo && (ours || (!mp->path[0] && mp->start == *hi)) &&
		    mp->perms[1] == 'w')
			*hi = mp->end;
		else if (*lo && !ours)
			break;
	}
	return *hi > *lo;
}

static int heuristics(struct ld_session *s, const struct ld_maps *m,
		      struct ld_obj *ob, struct ld_heap_source *src)
{
	pid_t pid = s->live.proc->pid;
	uint64_t lo, hi, st[2200 / 8];

	if (!data_range(m, ob, &lo, &hi) ||
	    ld_heap_find_main_arena(read_pid, &pid, lo, hi, &src->main_arena))
		return -ENOENT;
	/* mp_.sbrk_base is where the main heap starts: the top chunk's end
	 * less system_mem (the main arena is contiguous) */
	if (!ld_mem_read(pid, src->main_arena, st, sizeof st) && st[96 / 8]) {
		uint64_t top = st[96 / 8], tsize = 0;

		if (!ld_mem_read(pid, top + 8, &tsize, sizeof tsize))
			ld_heap_find_mp(read_pid, &pid, lo, hi,
					top + (tsize & ~7ULL) - st[2184 / 8], &src->mp);
	}
	return 0;
}

/* The C library: libc.so.6, or the program itself when it is static. */
static struct ld_obj *c_library(struct ld_session *s)
{
	struct ld_obj *ob = ld_objs_find(&s->live.objs, "libc");

	if (ob)
		return ob;
	for (size_t i = 0; i < s->live.objs.n; i++)
		if (s->live.objs.v[i].is_exe)
			return &s->live.objs.v[i];
	return NULL;
}

static bool remembered(struct ld_obj *ob, struct ld_heap_source *src)
{
	if (!memo.valid || memo.inode != ob->inode || strcmp(memo.path, ob->path))
		return false;
	*src = memo.src;
	src->main_arena += ob->bias;
	src->mp = src->mp ? src->mp + ob->bias : 0;
	src->libc = ob;
	return true;
}

static void remember(struct ld_obj *ob, const struct ld_heap_source *src)
{
	memo.src = *src;
	memo.src.main_arena -= ob->bias;
	memo.src.mp = src->mp ? src->mp - ob->bias : 0;
	memo.src.libc = NULL;
	memo.inode = ob->inode;
	snprintf(memo.path, sizeof memo.path, "%s", ob->path);
	memo.valid = true;
}

int ld_heap_locate(struct ld_session *s, struct ld_heap_source *src, bool quiet)
{
	const struct ld_maps *m;
	struct ld_obj *ob, *where = NULL;
	struct ld_elf *e;

	memset(src, 0, sizeof *src);
	if (!(m = ld_session_maps(s)) || ld_session_rescan(s) < 0)
		return -1;
	ob = c_library(s);
	if (!ob)
		return quiet ? -1 : ld_error("heap: no C library is loaded yet");
	src->libc = ob;
	/* an interposed allocator (LD_PRELOAD, or the program's own) */
	if (ld_objs_resolve(&s->live.objs, "malloc", NULL, &where) && where &&
	    where != ob) {
		snprintf(src->other, sizeof src->other, "%s", where->path);
		return 1;
	}
	if (remembered(ob, src))
		return 0;
	glibc_version(ob, src);
	e = ld_obj_elf(ob);
	src->from = LD_HEAP_FROM_SYMBOLS;
	if (!(e && from_elf(e, ob, src))) {
		src->from = LD_HEAP_FROM_DEBUG_FILE;
		if (!from_debug_file(ob, src)) {
			src->from = LD_HEAP_FROM_HEURISTICS;
			return heuristics(s, m, ob, src) ? 1 : 0;
		}
	}
	remember(ob, src);
	return 0;
}
