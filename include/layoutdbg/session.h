/* A debugging session: the program, the live process (if any), its
 * breakpoints, objects and snapshots.  Run control (infrun.c) lives here:
 * it is the only code that resumes the tracee and decides what a stop
 * means. */
#ifndef LAYOUTDBG_SESSION_H
#define LAYOUTDBG_SESSION_H

#include <signal.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "layoutdbg/bp.h"
#include "layoutdbg/elf.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/objs.h"
#include "layoutdbg/proc.h"
#include "layoutdbg/smaps.h"
#include "layoutdbg/snapshot.h"
#include "layoutdbg/stopcache.h"
#include "layoutdbg/stopreport.h"
#include "layoutdbg/timeline.h"
#include "layoutdbg/unwind.h"
#include "layoutdbg/convvars.h"
#include "layoutdbg/values.h"

/* A snapshot keeps every frame of a stack up to LD_SNAP_INNER +
 * LD_SNAP_OUTER deep; of a deeper one, the LD_SNAP_INNER innermost and
 * the LD_SNAP_OUTER outermost, and its depth.  A diff of two snapshots is
 * exact while fewer than LD_SNAP_INNER frames were pushed and popped. */
#define LD_SNAP_INNER 256
#define LD_SNAP_OUTER 256

/* The session's state in owned parts.  Each part is changed only by its
 * owner (tools/check-layers enforces it for assignments; OWNERS there is
 * the allow-list); anyone may read it.  Other code changes it through the
 * owner's functions. */

/* The program: written by ld_session_file (session.c) and the setters of
 * its arguments (ld_program_set_args). */
struct ld_program {
	char *exe_path;
	struct ld_elf *exe;
	char **args;                /* arguments after argv[0]; NULL-ended */
	struct ld_lines *exe_lines; /* the program's DWARF lines, before `run` */
	bool exe_lines_failed;
};

/* The live process and what run control keeps about it: written by the
 * engine floor (run control, breakpoints, session); the commands select a
 * thread or frame through ld_select_thread / ld_select_frame. */
struct ld_live {
	struct ld_proc *proc;
	pid_t cur_tid;              /* the selected thread */
	pid_t report_tid;           /* the thread of the last reported stop */
	bool proc_aslr;             /* the live process runs randomized */
	struct ld_objs objs;
	struct ld_unwinder *unw;
	struct ld_bps bps;
	struct ld_bp *solib_bp;
	int frame;                  /* selected frame for `frame`, `finish` */
	struct ld_stop_report last_stop; /* run control's; see ld_last_stop */
	bool pinned;                /* tracer and program share cpu_pinned now */
	int cpu_pinned;
	cpu_set_t our_cpus, prog_cpus; /* the affinities to give back */
	int tty;                    /* our controlling terminal (fd) when we are
				       its foreground group, else -1 */
	struct ld_history history;  /* print's $1, $2, ... and finish's */
	struct ld_convvars conv;    /* $name: set $name = ..., $_, $bpnum */
};

/* System calls, the memory timeline and snapshots: written by the engine
 * floor; `trace memory` and `snapshot` ask it through ld_trace_memory and
 * the snapshot functions. */
struct ld_recording {
	struct ld_timeline timeline;
	bool tracing;               /* `trace memory`: record memory calls */
	int trace_until;            /* stop only at this breakpoint (0: any) */
	bool trace_until_exit;      /* run to the end, stopping nowhere */
	bool seccomp;               /* the process runs under our filter */
	struct ld_sysset filtered;  /* the calls the filter stops */
	bool syscall_stops;         /* resume with PTRACE_SYSCALL */
	uint64_t cur_brk;           /* the break, tracked from brk calls */
	bool cur_brk_known;
	struct ld_snapshots snaps;
};

/* Every `set` option and the `handle` tables: written by the settings
 * command module (commands/settings.c) and their defaults by
 * ld_session_init. */
struct ld_settings {
	bool aslr;                  /* run with randomization */
	bool auto_snapshot;
	bool vmmap_resident;        /* `set vmmap-resident`: vmmap/layout column */
	bool snapshot_pages;        /* `set snapshot-pages`: page counts kept */
	bool emulate;               /* step off breakpoints by emulation */
	bool cpu_pinning;           /* `set cpu-pinning`: one CPU in hit loops */
	bool follow_fork_child;     /* set follow-fork-mode child */
	bool disasm_intel;          /* set disassembly-flavor intel */
	bool print_layout;          /* set print layout: place printed pointers */
	bool asm_demangle;          /* set print asm-demangle: code and x labels
				       demangled (gdb's default: off) */
	bool print_pretty;          /* set print pretty: a member a line */
	bool past_main;             /* set backtrace past-main: the stack goes
				       on below main (gdb's default: off) */
	enum ld_frame_args_mode {   /* set print frame-arguments */
		LD_FA_SCALARS, LD_FA_ALL, LD_FA_NONE, LD_FA_PRESENCE,
	} frame_args;
	bool handle_pass[65];       /* deliver signal N to the tracee */
	bool handle_stop[65];       /* stop at signal N */
};

/* What the front-end sees: the observer is set by the front-end
 * (cli/main.c); value numbers are given by run control's stop report. */
struct ld_session;
struct ld_regmemo;      /* valeval.h */

struct ld_ui {
	unsigned value_num;         /* $N numbering of `finish` values */
	/* Told every stop and note of run control (the presentation layer
	 * renders them); NULL: nobody listens. */
	void (*observer)(struct ld_session *s, const struct ld_note *n);
	/* A snapshot's frame's arguments into sf->args, evaluated in frame
	 * level of thread tid (the presentation's frameargs.h: values are
	 * text as frame lines show them); NULL: snapshots keep none. */
	void (*frame_args)(struct ld_session *s, pid_t tid, int level,
			   struct ld_regmemo *memo, struct ld_snap_frame *sf);
};

struct ld_session {
	struct ld_program program;
	struct ld_live live;
	struct ld_stop_cache cache;     /* engine: read once per stop */
	struct ld_recording recording;
	struct ld_settings settings;
	struct ld_ui ui;
};


void ld_session_init(struct ld_session *s);
/* Frees the session's state; the process must be over (ld_session_end in
 * infrun.h ends it first). */
void ld_session_release(struct ld_session *s);

/* The program's arguments become args (a NULL-ended vector of strings
 * from malloc, which the session now owns); the old ones are freed. */
void ld_program_set_args(struct ld_session *s, char **args);

/* Select thread tid (and its innermost frame) / frame level of the
 * selected thread, for the commands that take effect there. */
void ld_select_thread(struct ld_session *s, pid_t tid);
void ld_select_frame(struct ld_session *s, int level);

/* `trace memory`: record memory calls from now on, stopping only at
 * breakpoint until (0: any), or nowhere once until_exit was asked in this
 * process. */
void ld_trace_memory(struct ld_session *s, int until, bool until_exit);

/* Read PROGRAM's ELF file into the session (replacing the current one).
 * Prints the error.  0 / -1.  ld_program_file (infrun.h) also re-resolves
 * the breakpoints for it. */
int ld_session_file(struct ld_session *s, const char *path);
/* The same, reading the file at path (/proc/PID/exe of a program whose
 * file was unlinked) but calling the program name. */
int ld_session_file_as(struct ld_session *s, const char *path, const char *name);

/* Run control.  Each tells the observer what happened (stop location,
 * exit) and returns 0, or -1 after printing an error. */
int ld_run(struct ld_session *s, bool stop_at_main);
int ld_attach(struct ld_session *s, pid_t pid);
int ld_detach(struct ld_session *s);
int ld_kill(struct ld_session *s);
int ld_continue(struct ld_session *s, unsigned ignore);
int ld_stepi(struct ld_session *s, unsigned count);
int ld_finish(struct ld_session *s);

/* next, step, until: run to the start of another source line (DWARF). */
enum ld_step_mode { STEP_NEXT, STEP_INTO, STEP_UNTIL };
int ld_step_line(struct ld_session *s, enum ld_step_mode mode);

/* Breakpoints: parse LOCATION, resolve it if possible, arm it. */
int ld_break(struct ld_session *s, const char *location, bool temporary);
int ld_delete_bp(struct ld_session *s, struct ld_bp *bp);
int ld_enable_bp(struct ld_session *s, struct ld_bp *bp, bool on);

/* The mappings at this stop (read once per stop).  NULL after an error
 * has been printed. */
const struct ld_maps *ld_session_maps(struct ld_session *s);
/* Re-scan loaded objects from fresh mappings. */
int ld_session_rescan(struct ld_session *s);
/* The same from the file mappings alone (ld_maps_read_files) when the
 * whole list was not read at this stop, so attaching to a process with
 * 20,000 anonymous mappings does not read them all for the objects;
 * what needs the whole list reads it then.  Falls back to
 * ld_session_rescan on an older kernel. */
int ld_session_rescan_files(struct ld_session *s);

/* The selected thread, or NULL after printing "no process". */
struct ld_thread *ld_session_thread(struct ld_session *s);


/* start_brk of pid from /proc/PID/stat.  0 or -errno. */
int ld_session_start_brk(pid_t pid, uint64_t *start_brk);

/* Unwind thread tid; frames[] gets at most max.  Count or -errno.  Not
 * cached: each call unwinds (stepping's internal stops, the unwinder's
 * tests comparing two unwinds of one stop). */
int ld_session_unwind(struct ld_session *s, pid_t tid, struct ld_frame *f,
		      size_t max);

/* The stacks of this stop are made again (`set backtrace past-main`
 * changed where they end). */
void ld_session_forget_stacks(struct ld_session *s);

/* Thread tid's stack, at most max frames (SIZE_MAX: the whole stack,
 * however deep): the count, with *out the frames kept in the per-stop
 * cache (the first count of them; valid until the process resumes or a
 * stack is asked for again; do not release), or -errno.  Unwound
 * once per stop: a later ask takes the kept stack (s->cache.unwinds
 * counts the real unwinds). */
int ld_session_stack_ref(struct ld_session *s, pid_t tid, size_t max,
			 const struct ld_frames **out);
/* The same, copied into fs (grown as needed; release it). */
int ld_session_stack(struct ld_session *s, pid_t tid, size_t max,
		     struct ld_frames *fs);

/* Symbol, object and source line of frame f (caller: not frame 0, its pc
 * a return address).  0 or -ENOMEM; release with ld_snap_frame_release. */
int ld_session_frame_info(struct ld_session *s, const struct ld_frame *f,
			  bool caller, struct ld_snap_frame *sf);

/* The program's line information when no process runs (opened on first
 * use); NULL without DWARF. */
struct ld_lines *ld_session_exe_lines(struct ld_session *s);

/* The source file `break LINE` and `list` mean when no file is given: the
 * one holding the selected frame, else the one holding main.  NULL if
 * unknown. */
const char *ld_default_source(struct ld_session *s);

/* Read tracee memory with our int3s hidden.  0 or -errno. */
int ld_session_read(struct ld_session *s, uint64_t addr, void *buf, size_t len);
/* The same, or before `run` the program file's bytes at a link-time
 * address (as gdb's x and disassemble read the executable file). */
int ld_session_read_any(struct ld_session *s, uint64_t addr, void *buf, size_t len);
/* Before `run`: how many of the want bytes from addr the program file's
 * allocated sections hold without a gap. */
size_t ld_session_file_readable(struct ld_session *s, uint64_t addr, size_t want);

/* "calloc+4" for addr; "??" when no symbol covers it.  Without a process,
 * from the program file (link-time addresses). */
const char *ld_session_symbolize(struct ld_session *s, uint64_t addr,
				 char *buf, size_t len);

/* Registers and symbolized frames of stopped thread t: all of them up to
 * inner + outer deep, else the inner innermost and outer outermost (the
 * depth recorded).  0 or -ENOMEM; release with ld_snap_thread_release. */
int ld_session_frames(struct ld_session *s, struct ld_thread *t,
		      struct ld_snap_thread *st, size_t inner, size_t outer);



/* An address expression: a number, $register, SYMBOL[@LIB][+OFFSET].
 * 0, or -1 after printing an error that starts with what (the command). */
int ld_eval_addr(struct ld_session *s, const char *what, const char *expr,
		 uint64_t *out);

/* Ctrl-C: set from the SIGINT handler while the tracee runs. */
extern volatile sig_atomic_t ld_interrupted;
/* Set while the tracee runs (run control is waiting for it). */
extern volatile sig_atomic_t ld_running;
/* Set by SIGTERM / SIGHUP: the session ends (the front-end's handler
 * sets it; run control and command files stop on it). */
extern volatile sig_atomic_t ld_terminate;

#endif
