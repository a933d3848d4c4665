/* What run control has to say, as data: the stop report (why the tracee
 * stopped, in which thread and frame) and the notes around a run
 * (starting, a breakpoint set or resolved, exec, fork followed...).
 *
 * Run control (infrun.h) fills them and hands each to the session's
 * observer, as gdb's normal_stop observer hands a stop to the interpreter;
 * it prints nothing itself.  The presentation layer (stop.h) renders them
 * as gdb's text or as JSON.  The last stop stays in the session
 * (ld_last_stop) for snapshots and the process document. */
#ifndef LAYOUTDBG_STOPREPORT_H
#define LAYOUTDBG_STOPREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Why the process stopped (or ended).  Catchpoints carry bpnum. */
enum ld_report_kind {
	LD_SK_NONE,        /* nothing reported yet */
	LD_SK_STARTED,     /* `run` started the program; no stop reported yet */
	LD_SK_ATTACHED,    /* `attach` stopped every thread */
	LD_SK_BREAKPOINT,  /* a user breakpoint: bpnum, temporary, spec */
	LD_SK_SIGNAL,      /* a signal for the program: sig (fault_* for SEGV/BUS) */
	LD_SK_GROUP_STOP,  /* job control stopped every thread: sig */
	LD_SK_STEPI,       /* stepi ended */
	LD_SK_LINE,        /* next/step/until reached another line */
	LD_SK_FINISH,      /* the frame of `finish` returned: value */
	LD_SK_INTERRUPT,   /* Ctrl-C */
	LD_SK_SYSCALL,     /* catch syscall/memory: sys */
	LD_SK_FORK,        /* catch fork: child, vfork */
	LD_SK_EXEC,        /* catch exec: path (the new program) */
	LD_SK_LOAD,        /* catch load: path (the library) */
	LD_SK_EXITED,      /* the process exited: exit_code */
	LD_SK_KILLED,      /* the process was killed: sig */
	LD_SK_WATCHPOINT,  /* a hardware watchpoint: bpnum, watch */
	LD_SK_LAYOUT,      /* catch layout: bpnum, sys, layout, caller */
};

/* A code address as gdb names it: symbol, object, source line. */
struct ld_stop_frame {
	bool valid;             /* pc was read */
	uint64_t pc;
	char *function;         /* symbol (or the breakpoint's alias); NULL: none */
	uint64_t offset;        /* pc - the symbol's address */
	char *object;           /* the object's path; NULL outside any */
	bool in_exe;            /* the object is the program itself */
	char *file;             /* source file (as DWARF names it); NULL: no line */
	unsigned line;
	bool line_start;        /* pc is the first address of the line */
};

/* A caught system call, at its entry or its return. */
struct ld_stop_syscall {
	long nr;
	const char *name;       /* static; NULL when unknown */
	bool returned;          /* the return, not the entry */
	int64_t ret;
	char *call;             /* decoded: "brk(NULL)" */
	char *result;           /* decoded return: "0x555555559000" */
};

/* A watchpoint's hit: what is watched, the values, where it lies. */
struct ld_stop_watch {
	const char *title;      /* static: "Hardware watchpoint" ... */
	const char *verb;       /* static: "written", "read", "accessed" */
	char *expr;             /* as the user gave it */
	uint64_t addr;
	unsigned len;
	bool old_valid, new_valid;
	bool changed;           /* Old/New value; else Value */
	uint64_t old, value;
	char *region;           /* the region the address lies in, in words */
};

struct ld_stop_report {
	enum ld_report_kind kind;
	pid_t pid;
	pid_t tid;              /* the thread that stopped (0 after the end) */
	int thread;             /* its gdb number */
	bool switched;          /* another thread than the last stop's */
	struct ld_stop_frame frame;
	char *source;           /* the frame's source line text; NULL: errno */
	int source_errno;
	int bpnum;              /* breakpoint or catchpoint number */
	unsigned bploc;         /* of a breakpoint with several locations:
				   the one hit (gdb's 1.2); else 0 */
	bool temporary;         /* a tbreak (deleted now that it was hit) */
	char *spec;             /* the breakpoint's location as given */
	int sig;
	bool fault;             /* SIGSEGV/SIGBUS: fault_addr is meaningful */
	uint64_t fault_addr;
	char *fault_map;        /* the mapping's path, "" anonymous, NULL none */
	bool same_function;     /* LD_SK_LINE: still in the function it began */
	struct ld_stop_syscall sys;
	pid_t child;            /* LD_SK_FORK */
	bool vfork;
	char *path;             /* LD_SK_EXEC, LD_SK_LOAD */
	int exit_code;
	bool has_value;         /* LD_SK_FINISH: value is $value_num */
	uint64_t value;
	unsigned value_num;
	unsigned snapshot;      /* the auto-snapshot taken at the stop, or 0 */
	struct ld_stop_watch watch; /* LD_SK_WATCHPOINT */
	char *layout;           /* LD_SK_LAYOUT: what the call did */
	struct ld_stop_frame caller; /* LD_SK_LAYOUT: the frame that called */
};

void ld_stop_report_release(struct ld_stop_report *r);
void ld_stop_frame_release(struct ld_stop_frame *f);

/* The short reason snapshots record ("breakpoint 1 (calloc)", "signal
 * SIGSEGV", "finish", "Catchpoint 2 (call to syscall brk)"...): the
 * string saved files have always had. */
const char *ld_stop_reason(const struct ld_stop_report *r, char *buf,
			   size_t len);

/* A catchpoint's message as gdb prints it: "Catchpoint 2 (call to
 * syscall brk)", "Catchpoint 1 (forked process 42)"...  snprintf's
 * return. */
int ld_stop_catch_title(const struct ld_stop_report *r, char *buf, size_t len);

/* The older, coarse event name of the process document ("breakpoint",
 * "step", "finish", "signal", "interrupt", "catchpoint", "exited",
 * "none"). */
const char *ld_stop_event_name(enum ld_report_kind kind);

/* How `break` placed a breakpoint (the form of gdb's message). */
enum ld_break_form {
	LD_BRK_LIVE,            /* in the live process: addr, text = where */
	LD_BRK_LINE,            /* at file:line (no process): addr, file, line */
	LD_BRK_ADDR,            /* *ADDRESS, or no line info: addr */
	LD_BRK_UNRELOCATED,     /* in the program file: addr, text = symbol, exe */
	LD_BRK_PENDING_LIB,     /* SYM@LIB, LIB not loaded: text = lib */
	LD_BRK_PENDING_FILE,    /* FILE:LINE not in the program: text = why */
	LD_BRK_PENDING_NOPROG,  /* nothing loaded yet */
	LD_BRK_PENDING_SYM,     /* in no library loaded yet */
	LD_BRK_RESOLVED,        /* a pending one armed at last: addr, text = where */
};

struct ld_break_note {
	enum ld_break_form form;
	int num;
	bool temporary;
	uint64_t addr;
	const char *location;
	const char *text;
	const char *file;
	unsigned line;
	const char *exe;
};

/* Everything run control reports, in the order it happens. */
enum ld_note_kind {
	LD_NOTE_STOP,           /* stop: a stop (or the end) is reported */
	LD_NOTE_STARTING,       /* text: `run` starts this program */
	LD_NOTE_KILLING,        /* pid: `run` kills the old process first */
	LD_NOTE_BREAK,          /* brk: a breakpoint was set or resolved */
	LD_NOTE_FOLLOW_CHILD,   /* pid (parent), child: follow-fork-mode child */
	LD_NOTE_EXEC,           /* pid, text (the new program; NULL unknown) */
	LD_NOTE_IGNORE,         /* num, count: `continue N` ignores crossings */
	LD_NOTE_FINISH_FROM,    /* count (level), frame: `finish` runs */
	LD_NOTE_NO_LINES,       /* text: `next` finishes a function without lines */
	LD_NOTE_ATTACHED,       /* pid, count (threads) */
	LD_NOTE_DETACHED,       /* pid */
	LD_NOTE_KILLED,         /* pid: `kill` */
	LD_NOTE_COND_ERROR,     /* num, text: breakpoint num's condition could
				   not be evaluated (the hit stops) */
};

struct ld_note {
	enum ld_note_kind kind;
	const struct ld_stop_report *stop;
	const struct ld_break_note *brk;
	const struct ld_stop_frame *frame;
	pid_t pid, child;
	unsigned long count;
	int num;
	const char *text;
};

#endif
