/* Breakpoints: the user's table and the int3 sites in the tracee.
 *
 * Several breakpoints may share one address; the site holds the original
 * byte once.  Memory read through ld_bp_shadow shows the original bytes, so
 * no int3 ever leaks into what the user sees. */
#ifndef LAYOUTDBG_BP_H
#define LAYOUTDBG_BP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/emulate.h"
#include "layoutdbg/syscalls.h"

enum ld_bp_type {
	LD_BP_USER,      /* break */
	LD_BP_TEMP,      /* tbreak: deleted when hit */
	LD_BP_SOLIB,     /* internal: the dynamic linker's r_brk hook */
	LD_BP_FINISH,    /* internal: return address for `finish` */
	LD_BP_CATCH_SYSCALL, /* catch syscall / catch memory: no site */
	LD_BP_CATCH_LOAD,    /* catch load [LIB] */
	LD_BP_CATCH_FORK,    /* catch fork (and vfork) */
	LD_BP_CATCH_EXEC,    /* catch exec */
	LD_BP_CATCH_LAYOUT,  /* catch layout ADDR|REGION */
	LD_BP_WATCH,         /* watch: a hardware write watchpoint */
	LD_BP_RWATCH,        /* rwatch: read (a DR access slot, no change) */
	LD_BP_AWATCH,        /* awatch: read or write */
};

/* Watchpoints and catchpoints have no int3 site: debug registers and
 * events decide. */
#define LD_BP_IS_WATCH(bp) ((bp)->type >= LD_BP_WATCH)
#define LD_BP_IS_CATCH(bp) ((bp)->type >= LD_BP_CATCH_SYSCALL && \
			    !LD_BP_IS_WATCH(bp))
#define LD_BP_NO_SITE(bp) ((bp)->type >= LD_BP_CATCH_SYSCALL)

/* A watchpoint's debug register and the value last seen (watch.c). */
struct ld_bp_watch {
	unsigned len;         /* 1, 2, 4 or 8 bytes at bp->addr */
	int slot;             /* DR0-DR3 while enabled, else -1 */
	uint64_t old;         /* the value at the last stop or hit */
	bool old_valid;       /* old could be read */
};

/* `catch layout`: the mapping holding bp->addr as last seen. */
struct ld_bp_layout {
	pid_t pid;            /* the process addr was found mapped in; 0: not
				 yet (set before `run`, or a new process) */
	bool mapped;          /* a mapping holds addr */
	uint64_t start, end, offset, inode;
	char perms[5];
	char *region;         /* REGION as typed ("[heap]", "libc"); NULL: addr
				 is a number or was a symbol */
};

struct ld_bp {
	int num;              /* user number; 0 for internal ones */
	enum ld_bp_type type;
	char *spec;           /* the location as typed: "calloc", "*0x4010" */
	char *sym, *lib;      /* parsed SYMBOL and @LIB, NULL when absent */
	char *file;           /* FILE:LINE (or LINE: the default file) */
	unsigned line;
	uint64_t link_addr;   /* resolved in the executable before `run` */
	bool is_addr;         /* *ADDRESS */
	bool enabled;
	bool pending;         /* not resolved in the running process yet */
	bool armed;           /* holds a reference on its site */
	uint64_t addr;        /* runtime address when resolved */
	char *where;          /* "calloc in /usr/lib/.../libc.so.6" */
	unsigned hits;
	unsigned ignore;      /* hits still to ignore */
	pid_t tid;            /* LD_BP_FINISH: the thread; */
	uint64_t sp;          /* LD_BP_FINISH: rsp after return */
	struct ld_sysset sys; /* LD_BP_CATCH_SYSCALL: the calls */
	char *pattern;        /* LD_BP_CATCH_LOAD: substring of the path */
	struct ld_bp_watch w; /* LD_BP_WATCH, RWATCH, AWATCH */
	struct ld_bp_layout lay; /* LD_BP_CATCH_LAYOUT */
	/* Several locations (gdb's N.1, N.2, ...: every inlined copy of a
	 * function besides its out-of-line code): the breakpoint holds the
	 * first at addr; each other is a struct ld_bp of its own, without a
	 * number, pointing at the breakpoint, which counts its hits. */
	struct ld_bp *parent; /* a location's breakpoint; NULL for others */
	unsigned loc;         /* a location's number M in N.M (the
				 breakpoint's own: 1) */
	unsigned nlocs;       /* the breakpoint's location count (0: one) */
	char *loc_what;       /* "in helper at inlines.c:18" (info
				 breakpoints), NULL when unknown */
	uint64_t file_addr;   /* where the program file puts it (link-time,
				 from its lines): shown while pending; 0:
				 not known */
	bool last_run;        /* pending since the process ended: addr and
				 loc_what are the last run's (gdb shows them
				 until the next run) */
	char *cond;           /* `break ... if COND`, `condition N COND`: as
				 typed; NULL: none */
	void *cond_state;     /* its parsed form and scope cache (bpcond.c),
				 freed by cond_free */
	void (*cond_free)(void *state);
};

/* One int3 in the tracee.  orig was read from one mapped file: its
 * inode, device and the file offset of addr say which (inode 0: not a
 * file, nothing to tell).  Once that file is no longer mapped there the
 * byte belongs to nobody: the site is forgotten, never written back into
 * whatever is mapped there later. */
struct ld_site {
	uint64_t addr;
	uint8_t orig;
	int refs;
	uint64_t file_inode, file_dev, file_off;
	/* How to step off the site without a single-step, decoded from the
	 * original bytes at its first passed-over hit (emu_tried) and kept
	 * while the site is armed: code under an int3 that the program
	 * rewrote would have dropped the int3 too. */
	bool emu_tried;
	struct ld_emu_plan emu;
};

struct ld_maps;

struct ld_bps {
	struct ld_bp **v;
	size_t n, cap;
	struct ld_site *sites;
	size_t nsites, capsites;
	int next_num;
	/* Sites taken out while a thread may still report a hit of them
	 * (gdb's "moribund locations"): a SIGTRAP one past such an address
	 * is ours, not the program's.  Forgotten by ld_bps_forget_moribund
	 * once every thread is stopped with its traps drained. */
	uint64_t *moribund;
	size_t nmoribund, capmoribund;
	const struct ld_maps *maps; /* the mappings sites are stamped from */
};

void ld_bps_init(struct ld_bps *b);
/* Stamp every site armed from now on with the mapping of maps (kept up to
 * date by the caller) that holds its address. */
void ld_bps_watch_maps(struct ld_bps *b, const struct ld_maps *maps);
void ld_bps_release(struct ld_bps *b);   /* does not touch the tracee */

/* Add a breakpoint; returns it (owned by the table) or NULL on -ENOMEM.
 * User breakpoints get the next number. */
struct ld_bp *ld_bp_add(struct ld_bps *b, enum ld_bp_type type,
			const char *spec);

/* Add another location of parent at addr (resolved, not armed): NULL on
 * -ENOMEM. */
struct ld_bp *ld_bp_add_location(struct ld_bps *b, struct ld_bp *parent,
				 uint64_t addr);

/* The breakpoint a hit of bp counts for: its parent when bp is a
 * location of another. */
struct ld_bp *ld_bp_owner(struct ld_bp *bp);

/* Remove from the table (after ld_bp_disarm).  */
void ld_bp_delete(struct ld_bps *b, struct ld_bp *bp);
/* Take back bp, just added by ld_bp_add and never armed (its location
 * did not resolve, its int3 could not be inserted): removed, and its
 * number given back, so a `break` that fails costs no number (gdb's
 * way). */
void ld_bp_withdraw(struct ld_bps *b, struct ld_bp *bp);

struct ld_bp *ld_bp_by_num(struct ld_bps *b, int num);

/* Insert the int3 for bp at bp->addr in tid's address space (shared by all
 * threads).  0 or -errno; on failure nothing is changed. */
int ld_bp_arm(struct ld_bps *b, pid_t tid, struct ld_bp *bp);
/* Take bp's int3 out (if no other breakpoint shares the site).  The
 * original byte goes back only where our int3 still is: code that is not
 * the one it was saved from is never written. */
int ld_bp_disarm(struct ld_bps *b, pid_t tid, struct ld_bp *bp);

/* After the loaded objects changed (the dynamic linker's r_brk hook) and
 * the mappings were read again: forget, without writing anything, every
 * site whose file is no longer mapped at its address; its breakpoints are
 * no longer armed.  Every user breakpoint that is not armed (and not at
 * an *ADDRESS) becomes pending, to be resolved again in the objects loaded
 * now.  Returns the number of sites forgotten. */
size_t ld_bps_forget_unloaded(struct ld_bps *b);

/* The site at addr, or NULL: is there an int3 of ours there? */
struct ld_site *ld_site_at(struct ld_bps *b, uint64_t addr);

/* Temporarily restore / re-insert one site (stepping over it). */
int ld_site_lift(pid_t tid, struct ld_site *s);
int ld_site_drop(pid_t tid, struct ld_site *s);

/* Write every original byte back (where our int3 still is) and forget
 * the sites (detach, kill, exit, exec).  With tid 0 (the process is gone)
 * just forgets.  Returns 0 or the first error. */
int ld_bps_disarm_all(struct ld_bps *b, pid_t tid);

/* Was addr a site taken out since the last ld_bps_forget_moribund? */
bool ld_bp_moribund(const struct ld_bps *b, uint64_t addr);
void ld_bps_forget_moribund(struct ld_bps *b);

/* Replace int3 bytes of our sites in buf (read from addr) by the original
 * bytes (only int3 bytes: any other byte there is newer code). */
void ld_bp_shadow(const struct ld_bps *b, uint64_t addr, void *buf, size_t len);

#endif
