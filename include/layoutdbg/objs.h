/* The objects loaded in a process (executable, ld.so, libraries): where
 * each one is, its load bias, its ELF (opened lazily, cached), and symbol
 * resolution across them in the dynamic linker's search order. */
#ifndef LAYOUTDBG_OBJS_H
#define LAYOUTDBG_OBJS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/debugsrc.h"
#include "layoutdbg/elf.h"
#include "layoutdbg/lines.h"
#include "layoutdbg/maps.h"

struct ld_obj {
	char *path;          /* as the maps show it, without " (deleted)" */
	char *open_path;     /* where to read the file from when path no
				longer names it (deleted or replaced since it
				was mapped): /proc/PID/map_files/START-END;
				NULL: path */
	const char *name;    /* basename of path */
	char *lm_name;       /* the name the link map gives it (gdb's:
				/lib64/ld-linux-x86-64.so.2), NULL if none */
	uint64_t bias;       /* runtime address - link-time address */
	uint64_t lo, hi;     /* lowest start, highest end of its mappings */
	uint64_t inode;
	int order;           /* position in the link map (search order); the
				executable is 0; objects the link map does not
				list yet sort after by address */
	bool is_exe, is_interp;
	bool has_code;       /* has an executable mapping */
	struct ld_elf *elf;  /* NULL until ld_obj_elf() */
	bool elf_failed;     /* opening failed once: don't retry, don't nag */
	struct ld_lines *lines; /* NULL until ld_obj_lines() */
	bool lines_failed;   /* no DWARF line information */
	bool elf_lent, lines_lent; /* elf, lines belong to the program
				file (ld_objs_lend): never freed here */
	struct ld_debug_file dbg; /* its separate debug file or MiniDebugInfo,
				     looked for by ld_obj_debug() */
	bool dbg_tried;
};

struct ld_objs {
	struct ld_obj *v;    /* sorted by order */
	size_t n;
	uint64_t r_debug;    /* runtime address of r_debug, 0 if unknown */
	uint64_t r_brk;      /* the dynamic linker's hook (_dl_debug_state) */
};

void ld_objs_init(struct ld_objs *o);
void ld_objs_release(struct ld_objs *o);

/* Rebuild the list from the mappings of pid.  exe is the path of the main
 * executable (as /proc/PID/exe says); interp_base is AT_BASE from the
 * auxiliary vector (0 if unknown).  ELF handles of objects that are still
 * there at the same bias are kept.  Reads the link map through r_debug when
 * the dynamic linker has set it up, for the search order.  0 or -errno. */
int ld_objs_scan(struct ld_objs *o, pid_t pid, const struct ld_maps *maps,
		 const char *exe, uint64_t interp_base);

/* The executable's ELF handle and line table, read before `run` from the
 * same file (the executable's object, same inode), lent to it: the symbol index
 * and the lines are built once per session, not again for each process.
 * lines may be NULL (then the object reads its own when asked).
 * ld_objs_unlend takes them back (before the lender frees them). */
void ld_objs_lend(struct ld_objs *o, const char *path, struct ld_elf *elf,
		  struct ld_lines *lines);
void ld_objs_unlend(struct ld_objs *o);

/* The ELF of an object, opened on first use; NULL (with one warning) if it
 * cannot be read. */
struct ld_elf *ld_obj_elf(struct ld_obj *ob);

/* Where the object's symbols and DWARF come from, found on first use
 * (once per object): its own, or a companion in ->dbg.elf. */
const struct ld_debug_file *ld_obj_debug(struct ld_obj *ob);

/* The symbol covering link (a link-time address) in the object: the
 * companion's symbols first, then the object's own.  NULL if none. */
const struct ld_symbol *ld_obj_symbol_at(struct ld_obj *ob, uint64_t link,
					 uint64_t *off);

/* The DWARF line information of an object, opened on first use (from
 * its separate debug file when it has none itself); NULL when neither
 * has any (stripped, or never built with -g). */
struct ld_lines *ld_obj_lines(struct ld_obj *ob);

/* The source row covering addr (runtime address) in whatever object holds
 * it.  False when unknown. */
struct ld_line;
bool ld_objs_line_at(struct ld_objs *o, uint64_t addr, struct ld_line *out);

/* The object whose mappings contain addr, or NULL. */
struct ld_obj *ld_objs_at(struct ld_objs *o, uint64_t addr);

/* The unwinder's lookup (ld_cfi_lookup_fn, objs a struct ld_objs *): the
 * call frame information of the object holding pc, read from the ELF
 * opened through the path that still names the mapped file. */
struct ld_cfi;
bool ld_objs_cfi(void *objs, uint64_t pc, struct ld_cfi **cfi,
		 uint64_t *bias);

/* Find an object by name: exact basename, or a prefix of the basename up to
 * a '.' or '-' ("libc" finds "libc.so.6"), or the full path.  NULL if none. */
struct ld_obj *ld_objs_find(struct ld_objs *o, const char *name);

/* Resolve a symbol the way the dynamic linker binds a call to it: the first
 * global definition in search order; if no object exports it, any
 * definition (local symbols included), executable first.  lib restricts the
 * search to one object (SYM@LIB).  Returns the runtime address and the
 * object, or 0 with *where NULL. */
uint64_t ld_objs_resolve(struct ld_objs *o, const char *sym, const char *lib,
			 struct ld_obj **where);

/* The symbol covering addr (its offset in *off) and its object, or NULL
 * (obj may still be set). */
const struct ld_symbol *ld_objs_symbol_at(struct ld_objs *o, uint64_t addr,
					  struct ld_obj **obj, uint64_t *off);

/* Describe addr as "calloc+16" and its object; returns false if no symbol
 * covers it (obj may still be set). */
bool ld_objs_symbolize(struct ld_objs *o, uint64_t addr, struct ld_obj **obj,
		       const char **sym, uint64_t *off);

/* Read AT_* value from /proc/PID/auxv; 0 if absent or unreadable. */
uint64_t ld_auxv_get(pid_t pid, unsigned long type);

#endif
