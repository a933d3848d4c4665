/* The process's address space as the kernel reports it: info proc
 * mappings, info brk, info aslr. */
#ifndef LAYOUTDBG_PROCVIEW_H
#define LAYOUTDBG_PROCVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/maps.h"

/* info proc mappings: gdb's mapping table alone. */
int ld_show_proc_mappings(pid_t pid, const struct ld_maps *m);
/* info proc maps: the /proc/PID/maps lines alone, as the kernel prints them. */
int ld_show_proc_maps(pid_t pid, const struct ld_maps *m);

struct ld_brk_view {
	uint64_t start_brk, brk;
	uint64_t bss_end;   /* end of the program's data; 0: unknown */
	bool apart;         /* static-pie: the heap is away from the program */
};
int ld_show_brk(const struct ld_brk_view *v);

struct ld_aslr_view {
	int randomize_va_space;    /* the sysctl; -1: unreadable */
	bool new_randomized;       /* `run` randomizes (disable-randomization off) */
	pid_t pid;                 /* 0: no process */
	bool proc_randomized;
};
int ld_show_aslr(const struct ld_aslr_view *v);

#endif
