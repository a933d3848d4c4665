/* Loaded objects and symbol resolution across them. */
#include <errno.h>
#include <gelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/objs.h"

#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define LINK_MAP_MAX 4096	/* a corrupt l_next chain must end */
#define UNLISTED 100000		/* order of objects the link map lacks */

void ld_objs_init(struct ld_objs *o)
{
	memset(o, 0, sizeof *o);
}

static void obj_release(struct ld_obj *ob)
{
	free(ob->path);
	free(ob->open_path);
	free(ob->lm_name);
	if (!ob->elf_lent)
		ld_elf_free(ob->elf);
	if (!ob->lines_lent)
		ld_lines_free(ob->lines);
	ld_debug_file_release(&ob->dbg);
}

const struct ld_debug_file *ld_obj_debug(struct ld_obj *ob)
{
	struct ld_elf *e;

	if (!ob->dbg_tried && (e = ld_obj_elf(ob))) {
		ob->dbg_tried = true;
		ld_debug_find(e, ob->open_path ? ob->open_path : ob->path, &ob->dbg);
	}
	return &ob->dbg;
}

const struct ld_symbol *ld_obj_symbol_at(struct ld_obj *ob, uint64_t link,
					 uint64_t *off)
{
	const struct ld_debug_file *d = ld_obj_debug(ob);
	const struct ld_symbol *s = NULL, *own;
	uint64_t own_off = 0;

	*off = 0;
	own = ob->elf ? ld_elf_symbol_at(ob->elf, link, &own_off) : NULL;
	if (d->elf && ld_debug_names_on())
		s = ld_elf_symbol_at(d->elf, link, off);
	/* the object's own name where it has one for that address
	 * (_rtld_global, not its hidden alias _rtld_local) */
	if (!s || (own && own->value == s->value)) {
		s = own;
		*off = own_off;
	}
	return s;
}

/* `break NAME` in one object: its own names, then its companion's. */
static const struct ld_symbol *obj_lookup_name(struct ld_obj *ob, const char *name)
{
	const struct ld_symbol *s = ob->elf ? ld_elf_lookup_name(ob->elf, name) : NULL;

	if (!s && ld_debug_names_on() && ld_obj_debug(ob)->elf)
		s = ld_elf_lookup_name(ob->dbg.elf, name);
	return s;
}

struct ld_lines *ld_obj_lines(struct ld_obj *ob)
{
	char err[256];

	if (ob->lines || ob->lines_failed)
		return ob->lines;
	/* Line addresses are link-time: the bias must be known. */
	if (!ld_obj_elf(ob)) {
		ob->lines_failed = true;
		return NULL;
	}
	if (ld_lines_open(ob->open_path ? ob->open_path : ob->path, &ob->lines, err,
			  sizeof err) < 0) {
		const struct ld_debug_file *d = ld_obj_debug(ob);

		ob->lines = NULL;
		if (!d->has_dwarf || !ld_debug_names_on() ||
		    ld_lines_open(d->path, &ob->lines, err, sizeof err) < 0) {
			ob->lines = NULL;
			ob->lines_failed = true;
		}
	}
	return ob->lines;
}

bool ld_objs_line_at(struct ld_objs *o, uint64_t addr, struct ld_line *out)
{
	struct ld_obj *ob = ld_objs_at(o, addr);
	struct ld_lines *l = ob ? ld_obj_lines(ob) : NULL;

	if (!l || !ld_lines_at(l, addr - ob->bias, out))
		return false;
	out->addr += ob->bias;
	return true;
}

void ld_objs_release(struct ld_objs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		obj_release(&o->v[i]);
	free(o->v);
	ld_objs_init(o);
}

uint64_t ld_auxv_get(pid_t pid, unsigned long type)
{
	uint64_t pair[2], val = 0;
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (read(fd, pair, sizeof pair) == sizeof pair && pair[0]) {
		if (pair[0] == type) {
			val = pair[1];
			break;
		}
	}
	close(fd);
	return val;
}

/* The link map gave the bias already for listed objects; for the
 * others the lowest mapping is the first PT_LOAD's page. */
static void set_bias(struct ld_obj *ob)
{
	if (ob->order >= UNLISTED && ld_elf_first_load(ob->elf))
		ob->bias = ld_elf_bias_from_map(ob->elf, ob->lo);
}

struct ld_elf *ld_obj_elf(struct ld_obj *ob)
{
	char err[256];

	if (ob->elf || ob->elf_failed)
		return ob->elf;
	if (ld_elf_open(ob->open_path ? ob->open_path : ob->path, &ob->elf, err,
			sizeof err) < 0) {
		ob->elf_failed = true;
		ob->elf = NULL;
		return NULL;
	}
	set_bias(ob);
	return ob->elf;
}

void ld_objs_lend(struct ld_objs *o, const char *path, struct ld_elf *elf,
		  struct ld_lines *lines)
{
	struct stat st;
	size_t i;

	if (!path || !elf || stat(path, &st) != 0)
		return;
	for (i = 0; i < o->n; i++) {
		struct ld_obj *ob = &o->v[i];

		/* the file the process runs (is_exe) and the program's, by
		 * inode: path may be a symbolic link to it */
		if (!ob->is_exe || ob->open_path || ob->inode != st.st_ino)
			continue;
		if (!ob->elf && !ob->elf_failed) {
			ob->elf = elf;
			ob->elf_lent = true;
			set_bias(ob);
		}
		if (lines && ob->elf_lent && !ob->lines && !ob->lines_failed) {
			ob->lines = lines;
			ob->lines_lent = true;
		}
	}
}

void ld_objs_unlend(struct ld_objs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		struct ld_obj *ob = &o->v[i];

		if (ob->lines_lent)
			ob->lines = NULL;
		if (ob->elf_lent) {
			/* lines of its own stay: they came from the same file */
			ob->elf = NULL;
		}
		ob->elf_lent = ob->lines_lent = false;
	}
}

/* Group file mappings into objects: one per (path, inode) that has an
 * executable mapping, or that is the executable or the interpreter. */
/* The file at path is not the one mapped: deleted, or replaced (another
 * inode) since. */
static bool replaced(const struct ld_map *mp, const char *path)
{
	struct stat st;

	return mp->deleted || stat(path, &st) != 0 || st.st_ino != mp->inode;
}

static int collect(struct ld_objs *o, pid_t pid, const struct ld_maps *maps,
		   const char *exe, uint64_t interp_base)
{
	size_t i, j;

	o->v = calloc(maps->n ? maps->n : 1, sizeof *o->v);
	if (!o->v)
		return -ENOMEM;
	for (i = 0; i < maps->n; i++) {
		const struct ld_map *mp = &maps->v[i];
		char buf[4096];
		const char *path;
		struct ld_obj *ob = NULL;

		if (!ld_map_is_file(mp))
			continue;
		path = ld_map_basepath(mp, buf, sizeof buf);
		for (j = 0; j < o->n; j++)
			if (o->v[j].inode == mp->inode && !strcmp(o->v[j].path, path))
				ob = &o->v[j];
		if (!ob) {
			ob = &o->v[o->n++];
			ob->path = strdup(path);
			if (!ob->path)
				return -ENOMEM;
			ob->name = strrchr(ob->path, '/') + 1;
			ob->inode = mp->inode;
			ob->lo = mp->start;
			ob->order = UNLISTED;
			ob->is_exe = exe && !strcmp(path, exe);
			if (replaced(mp, path)) {
				char mf[96];

				/* the mapped file itself, whatever its name now */
				snprintf(mf, sizeof mf, "/proc/%d/map_files/%llx-%llx",
					 (int)pid, (unsigned long long)mp->start,
					 (unsigned long long)mp->end);
				ob->open_path = strdup(mf);
			}
		}
		if (mp->end > ob->hi)
			ob->hi = mp->end;
		if (mp->perms[2] == 'x')
			ob->has_code = true;
		if (interp_base && mp->start == interp_base)
			ob->is_interp = true;
	}
	/* Data files (locale archives, ld.so.cache) are not objects. */
	for (i = j = 0; i < o->n; i++) {
		struct ld_obj *ob = &o->v[i];

		if (ob->has_code || ob->is_exe || ob->is_interp) {
			o->v[j++] = *ob;
		} else {
			obj_release(ob);
		}
	}
	o->n = j;
	return 0;
}

static int by_order(const void *a, const void *b)
{
	const struct ld_obj *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	/* Unlisted: the dynamic linker maps top-down, so a higher address
	 * was loaded earlier. */
	return x->lo > y->lo ? -1 : x->lo < y->lo;
}

/* Walk r_debug.r_map: glibc's struct link_map starts with l_addr, l_name,
 * l_ld, l_next, l_prev (<link.h>, stable ABI). */
static void read_link_map(struct ld_objs *o, pid_t pid)
{
	uint64_t lm, ent[5];
	int32_t version;
	int order = 0, n = 0;
	size_t i;

	if (!o->r_debug || ld_mem_read(pid, o->r_debug, &version, 4) ||
	    version < 1 || ld_mem_read(pid, o->r_debug + 8, &lm, 8))
		return;
	for (; lm && n < LINK_MAP_MAX; n++, lm = ent[3]) {
		if (ld_mem_read(pid, lm, ent, sizeof ent))
			return;
		/* l_ld lies inside its object: match by that, not by name
		 * (the link map says /lib/..., the maps /usr/lib/...). */
		for (i = 0; i < o->n; i++) {
			if (ent[2] >= o->v[i].lo && ent[2] < o->v[i].hi &&
			    o->v[i].order == UNLISTED) {
				char name[4096];

				o->v[i].order = o->v[i].is_exe ? 0 : ++order;
				o->v[i].bias = ent[0];
				if (!o->v[i].lm_name && ent[1] &&
				    !ld_mem_read_string(pid, ent[1], name, sizeof name) &&
				    name[0])
					o->v[i].lm_name = strdup(name);
				break;
			}
		}
	}
}

static void adopt_old(struct ld_objs *o, struct ld_objs *old)
{
	size_t i, j;

	for (i = 0; i < o->n; i++) {
		for (j = 0; j < old->n; j++) {
			struct ld_obj *a = &o->v[i], *b = &old->v[j];

			if (b->elf && a->inode == b->inode && a->lo == b->lo &&
			    !strcmp(a->path, b->path)) {
				a->elf = b->elf;
				b->elf = NULL;
				a->lines = b->lines;
				a->lines_failed = b->lines_failed;
				a->elf_lent = b->elf_lent;
				a->lines_lent = b->lines_lent;
				b->lines = NULL;
				a->dbg = b->dbg;
				a->dbg_tried = b->dbg_tried;
				memset(&b->dbg, 0, sizeof b->dbg);
				if (a->order >= UNLISTED)
					a->bias = b->bias;
			}
		}
	}
}

static void find_r_debug(struct ld_objs *o)
{
	size_t i;

	o->r_debug = o->r_brk = 0;
	for (i = 0; i < o->n; i++) {
		struct ld_obj *ob = &o->v[i];
		const struct ld_symbol *s;
		struct ld_elf *e;

		if (!ob->is_interp || !(e = ld_obj_elf(ob)))
			continue;
		if ((s = ld_elf_lookup_any(e, "_r_debug")))
			o->r_debug = ob->bias + s->value;
		if ((s = ld_elf_lookup_any(e, "_dl_debug_state")))
			o->r_brk = ob->bias + s->value;
	}
}

int ld_objs_scan(struct ld_objs *o, pid_t pid, const struct ld_maps *maps,
		 const char *exe, uint64_t interp_base)
{
	struct ld_objs old = *o;
	int r;

	ld_objs_init(o);
	r = collect(o, pid, maps, exe, interp_base);
	if (r < 0) {
		ld_objs_release(o);
		*o = old;
		return r;
	}
	adopt_old(o, &old);
	ld_objs_release(&old);
	find_r_debug(o);
	read_link_map(o, pid);
	qsort(o->v, o->n, sizeof *o->v, by_order);
	return 0;
}

bool ld_objs_cfi(void *objs, uint64_t pc, struct ld_cfi **cfi,
		 uint64_t *bias)
{
	struct ld_obj *ob = ld_objs_at(objs, pc);
	struct ld_elf *e = ob ? ld_obj_elf(ob) : NULL;

	if (!e)
		return false;
	*cfi = ld_elf_cfi(e);
	*bias = ob->bias;
	return *cfi != NULL;
}

struct ld_obj *ld_objs_at(struct ld_objs *o, uint64_t addr)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (addr >= o->v[i].lo && addr < o->v[i].hi)
			return &o->v[i];
	return NULL;
}

struct ld_obj *ld_objs_find(struct ld_objs *o, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->v[i].name, name) || !strcmp(o->v[i].path, name))
			return &o->v[i];
	for (i = 0; i < o->n; i++) {
		const char *n = o->v[i].name;

		if (!strncmp(n, name, len) && (n[len] == '.' || n[len] == '-'))
			return &o->v[i];
	}
	return NULL;
}

uint64_t ld_objs_resolve(struct ld_objs *o, const char *sym, const char *lib,
			 struct ld_obj **where)
{
	const struct ld_symbol *s;
	struct ld_elf *e;
	size_t i;
	int pass;

	*where = NULL;
	if (lib) {
		struct ld_obj *ob = ld_objs_find(o, lib);

		if (!ob || !(e = ld_obj_elf(ob)))
			return 0;
		s = ld_elf_lookup_global(e, sym);
		if (!s)
			s = obj_lookup_name(ob, sym);
		if (!s)
			return 0;
		*where = ob;
		return ob->bias + s->value;
	}
	/* Pass 0 is the dynamic linker's binding; pass 1 the fallback to
	 * local symbols, executable first (o->v is in search order). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < o->n; i++) {
			if (!(e = ld_obj_elf(&o->v[i])))
				continue;
			s = pass ? obj_lookup_name(&o->v[i], sym) :
				   ld_elf_lookup_global(e, sym);
			if (s) {
				*where = &o->v[i];
				return o->v[i].bias + s->value;
			}
		}
	}
	return 0;
}

const struct ld_symbol *ld_objs_symbol_at(struct ld_objs *o, uint64_t addr,
					  struct ld_obj **obj, uint64_t *off)
{
	struct ld_obj *ob = ld_objs_at(o, addr);
	struct ld_elf *e;

	*obj = ob;
	*off = 0;
	if (!ob || !(e = ld_obj_elf(ob)))
		return NULL;
	return ld_obj_symbol_at(ob, addr - ob->bias, off);
}

bool ld_objs_symbolize(struct ld_objs *o, uint64_t addr, struct ld_obj **obj,
		       const char **sym, uint64_t *off)
{
	const struct ld_symbol *s = ld_objs_symbol_at(o, addr, obj, off);
	struct ld_lines *l;
	const char *dn;

	*sym = s ? s->display : NULL;
	/* a function with DWARF: gdb's name for it */
	if (s && s->type == STT_FUNC && (l = ld_obj_lines(*obj)) &&
	    (dn = ld_lines_function_name(l, addr - (*obj)->bias)))
		*sym = dn;
	return s != NULL;
}
