/* Run control: the only code that resumes the tracee and decides what a
 * stop means (src/engine/infrun.c and the files listed below).  It prints nothing: what it has to
 * say goes to the session's observer as a stop report or a note
 * (stopreport.h). */
#ifndef LAYOUTDBG_INFRUN_H
#define LAYOUTDBG_INFRUN_H

#include "layoutdbg/session.h"
#include "layoutdbg/stopreport.h"
#include "layoutdbg/syscalls.h"

/* The process is gone or let go: forget it.  With kill_or_detach, a
 * spawned process is killed and an attached one detached (breakpoint
 * bytes restored first). */
void ld_end_process(struct ld_session *s, bool kill_or_detach);

/* A new program was loaded: breakpoints become pending against it. */
void ld_rearm_for_file(struct ld_session *s);

/* Load PROGRAM (ld_session_file) and make the breakpoints pending against
 * it.  Prints the error.  0 / -1. */
int ld_program_file(struct ld_session *s, const char *path);

/* End the session: a live process ends (a spawned one is killed, an
 * attached one detached, breakpoint bytes restored first), the heap walk
 * kept for the stop is dropped, the session's state freed. */
void ld_session_end(struct ld_session *s);

/* Run one system call in stopped thread t (all registers and the two text
 * bytes used are restored).  *ret gets rax.  0 or -errno. */
int ld_inject_syscall(struct ld_session *s, struct ld_thread *t, long nr,
		      uint64_t arg0, uint64_t *ret);

/* The last stop reported (or the end of the last process); kind
 * LD_SK_NONE before any.  Owned by run control. */
const struct ld_stop_report *ld_last_stop(const struct ld_session *s);

/* Give the observer n (nothing when none is set). */
void ld_notify(struct ld_session *s, const struct ld_note *n);

/* Symbol, object and source line of pc, into f (release it); alias, when
 * not NULL, names the function instead of the symbol table. */
void ld_stop_frame_fill(struct ld_session *s, uint64_t pc, const char *alias,
			struct ld_stop_frame *f);
/* r->source from r->frame's file and line (or r->source_errno). */
void ld_stop_source_fill(struct ld_stop_report *r);

/* Between commands: notice a stopped process that died from outside.
 * Returns 1 (after reporting) when it is gone. */
int ld_poll_process(struct ld_session *s);

/* ---- inside run control (src/engine/ only) -------------------------- *
 * infrun.c      resuming, stepping over breakpoints, stopping every thread,
 *               the run loop, the terminal, one CPU for hit loops
 * stopdecode.c  what one stop means (breakpoint, signal, fork, exec, load)
 * syscallstop.c system-call stops: catchpoints, the memory timeline
 * normalstop.c  the stop report built from an outcome, given to the observer
 * stepping.c    stepi, finish, next/step/until
 * bploc.c       breakpoint locations: parse, resolve, arm, `break`
 * process.c     run, attach, detach, kill, the end of a process */

/* What a decided stop was, coarsely. */
enum ld_event {
	LD_EV_NONE,
	LD_EV_BREAKPOINT,   /* a user breakpoint was hit */
	LD_EV_STEP,         /* stepi finished */
	LD_EV_FINISH,       /* finish reached the caller */
	LD_EV_SIGNAL,       /* the tracee received a signal */
	LD_EV_INTERRUPT,    /* Ctrl-C */
	LD_EV_CATCH,        /* a catchpoint fired */
	LD_EV_EXITED,       /* the process is gone */
	LD_EV_WATCH,        /* a hardware watchpoint triggered */
};

/* What handling one stop decided. */
enum ld_verdict { LD_V_RESUME, LD_V_REPORT, LD_V_RESUMED /* already resumed */ };

/* What stopped the run, as the decoder saw it; stopreport.c makes the
 * report of it. */
struct ld_outcome {
	enum ld_event ev;
	pid_t tid;
	int bpnum;              /* the breakpoint or catchpoint reported */
	int sig;
	uint64_t fault_addr;
	bool line_step;         /* LD_EV_STEP of next/step/until */
	bool same_function;     /* ... that stayed in the function */
	bool group_stop;        /* LD_EV_SIGNAL: a group-stop, not a delivery */
	/* LD_EV_CATCH: which catchpoint fired, and on what */
	enum ld_report_kind catch_kind;
	pid_t child;            /* LD_SK_FORK */
	bool vfork;
	char path[4096];        /* LD_SK_EXEC, LD_SK_LOAD */
	struct ld_syscall sc;   /* LD_SK_SYSCALL */
	char call[1024], result[128];
	/* LD_EV_WATCH: the value before and after (old_valid: it was read) */
	uint64_t watch_old, watch_new;
	bool watch_old_valid, watch_new_valid, watch_changed;
	/* LD_SK_LAYOUT: what the call did to the mapping */
	char layout[512];
	/* LD_EV_STEP: how many of the thread's inlined frames at its pc the
	 * stop hides (inline_set; else gdb's rule at a stop) */
	bool inline_set;
	unsigned inline_skip;
};

/* infrun.c */
/* Resume thread t: every resume of run control goes through here, which
 * drops the per-stop cache (ld_stop_cache_invalidate) first.  0/-errno as
 * ld_proc_resume. */
int ld_resume(struct ld_session *s, struct ld_thread *t, enum ld_resume how,
	      int sig);
int ld_wait_thread(struct ld_session *s, struct ld_thread *t,
		   struct ld_stop *st);
int ld_step_over(struct ld_session *s, struct ld_thread *t);
void ld_rearm_sites(struct ld_session *s);
void ld_cpu_pin(struct ld_session *s);
void ld_cpu_unpin(struct ld_session *s);
void ld_cpu_unpin_task(struct ld_session *s, pid_t tid);
int ld_quiesce(struct ld_session *s, struct ld_proc *p);
void ld_stop_world(struct ld_session *s);
int ld_run_to(struct ld_session *s, struct ld_outcome *out);
int ld_run_until_stop(struct ld_session *s);

/* stopdecode.c: LD_V_REPORT when st is to be reported (out filled). */
enum ld_verdict ld_on_stop(struct ld_session *s, struct ld_stop *st,
			   bool stepping, struct ld_outcome *out);

/* syscallstop.c */
void ld_wanted_calls(struct ld_session *s, struct ld_sysset *set);
void ld_update_syscall_mode(struct ld_session *s);
void ld_forget_unwatched_brk(struct ld_session *s);
enum ld_resume ld_resume_how(struct ld_session *s, struct ld_thread *t);
bool ld_passive_syscall(void *ctx, pid_t tid);
enum ld_verdict ld_on_syscall(struct ld_session *s, struct ld_thread *t,
			      struct ld_outcome *out);
bool ld_catch_fires(struct ld_session *s, enum ld_bp_type type,
		    const char *path, struct ld_outcome *out);

/* watch.c: a debug register trapped (LD_STOP_WATCH); and, after a
 * single step of t, whether DR6 says a watchpoint triggered in it too. */
enum ld_verdict ld_on_watch(struct ld_session *s, struct ld_thread *t,
			    struct ld_outcome *out);
bool ld_watch_trapped(struct ld_session *s, struct ld_thread *t);
/* The region addr lies in, in words (malloc'd; NULL on ENOMEM). */
char *ld_watch_region(struct ld_session *s, uint64_t addr);

/* laycatch.c: the calls `catch layout` needs to see; at a call's return,
 * whether it changed a caught mapping (out filled). */
void ld_layout_calls(struct ld_sysset *set);
bool ld_layout_fires(struct ld_session *s, struct ld_thread *t,
		     const struct ld_syscall *sc, struct ld_outcome *out);

/* normalstop.c */
void ld_note_pid(struct ld_session *s, enum ld_note_kind kind, pid_t pid);
void ld_report_exit(struct ld_session *s);
void ld_report_attached(struct ld_session *s);
void ld_after_stop(struct ld_session *s, const struct ld_outcome *out);

/* bploc.c */
void ld_arm_all(struct ld_session *s, bool announce);
void ld_arm_solib_hook(struct ld_session *s);
void ld_new_image(struct ld_session *s);
/* Where `break FUNCTION` at a (in ob) stops: past its prologue. */
uint64_t ld_after_prologue(struct ld_session *s, struct ld_obj *ob,
			   uint64_t a);

/* process.c */
int ld_need_stopped(struct ld_session *s, const char *what);

#endif
