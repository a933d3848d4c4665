/* Where an object's symbols and DWARF come from: its own .symtab and
 * .debug_*, else a separate debug file found the way gdb finds one (by
 * build ID under the debug directory, by .gnu_debuglink with its CRC, from
 * a debuginfod server), else its MiniDebugInfo (.gnu_debugdata).  The
 * finding is elfutils' (libdwfl, libdebuginfod); this module decides the
 * order, opens the result as a struct ld_elf and says where it came from. */
#ifndef LAYOUTDBG_DEBUGSRC_H
#define LAYOUTDBG_DEBUGSRC_H

#include <stdbool.h>

#include "layoutdbg/elf.h"

enum ld_syms_from {
	LD_SYMS_NONE,          /* no symbol table at all */
	LD_SYMS_OWN,           /* the object's own .symtab/.dynsym/.debug_* */
	LD_SYMS_MINIDEBUGINFO, /* .gnu_debugdata: xz-compressed .symtab */
	LD_SYMS_BUILD_ID,      /* DIR/.build-id/xx/rest.debug */
	LD_SYMS_DEBUGLINK,     /* .gnu_debuglink, CRC checked */
	LD_SYMS_DEBUGINFOD,    /* downloaded (or cached) by debuginfod */
};

/* An object's debug companion: NULL elf when the object has none. */
struct ld_debug_file {
	struct ld_elf *elf;
	char *path;            /* as found; "" for MiniDebugInfo */
	enum ld_syms_from from;
	bool has_dwarf;        /* elf has .debug_info */
};

/* Find the companion of the object whose ELF is own, opened from path.
 * Never fails: a file found but unreadable gets one warning and is
 * skipped.  d->from says LD_SYMS_OWN when own has DWARF (then nothing is
 * looked for), LD_SYMS_NONE when nothing was found. */
void ld_debug_find(struct ld_elf *own, const char *path, struct ld_debug_file *d);
void ld_debug_file_release(struct ld_debug_file *d);

/* Do separate debug files name and place code (symbols, DWARF lines and
 * function names)?  Yes, unless LAYOUTDBG_DEBUG_NAMES=off is in the
 * environment: then they are still found (heap reads main_arena from
 * them, info sharedlibrary lists them) but names and lines are each
 * object's own, as before they were looked for.  The test suite's
 * baseline: its transcripts stay the same with or without libc6-dbg. */
bool ld_debug_names_on(void);

/* "own", "build-id", "debuglink", "minidebuginfo", "debuginfod", "none". */
const char *ld_syms_from_name(enum ld_syms_from f);

/* `set debug-file-directory`: the one directory searched for build-ID and
 * debuglink files (default /usr/lib/debug; "" searches none). */
void ld_debug_set_dir(const char *dir);
const char *ld_debug_dir(void);

/* `set debuginfod enabled on|off|ask`.  ask asks once, through the hook
 * (the front-end's, on a terminal); without a hook it means off. */
enum ld_debuginfod_mode { LD_DEBUGINFOD_OFF, LD_DEBUGINFOD_ON, LD_DEBUGINFOD_ASK };
void ld_debuginfod_set_mode(enum ld_debuginfod_mode m);
enum ld_debuginfod_mode ld_debuginfod_mode(void);
const char *ld_debuginfod_mode_name(enum ld_debuginfod_mode m);

/* Front-end hooks: ask whether to use the servers in urls (true: yes);
 * report a download's progress (done of total bytes, total 0 when
 * unknown; done < 0: the download ended).  NULL: none. */
struct ld_debug_hooks {
	bool (*ask)(const char *urls);
	void (*progress)(const char *object, long done, long total);
};
void ld_debug_set_hooks(const struct ld_debug_hooks *h);

#endif
