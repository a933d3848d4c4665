/* Process control: the only caller of waitpid, and the only module (with
 * mem.c) that includes <sys/ptrace.h>.  Tracees are seized (PTRACE_SEIZE),
 * so PTRACE_INTERRUPT works and group-stops are told apart from signals.
 *
 * Every way a tracee can stop is one enum value, decoded from the wait
 * status in exactly one place (decode_status in proc.c); each comment says
 * how to resume from it. */
#ifndef LAYOUTDBG_PROC_H
#define LAYOUTDBG_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/mem.h"

enum ld_stop_kind {
	LD_STOP_NONE,
	LD_STOP_BREAKPOINT, /* SIGTRAP from int3 (si_code SI_KERNEL): rip is
			       one past the int3; resume with signal 0 after
			       stepping over the original instruction */
	LD_STOP_STEP,       /* a PTRACE_SINGLESTEP completed (TRAP_TRACE):
			       resume with signal 0 */
	LD_STOP_WATCH,      /* SIGTRAP from a debug register (TRAP_HWBKPT):
			       DR6 says which; resume with signal 0 */
	LD_STOP_SIGNAL,     /* signal-delivery-stop: resume passing sig (or 0
			       to discard it) */
	LD_STOP_GROUP,      /* group-stop of a seized tracee (SIGSTOP/SIGTSTP/
			       SIGTTIN/SIGTTOU): resume with PTRACE_LISTEN to
			       keep the process stopped, or CONT to run */
	LD_STOP_INTERRUPT,  /* PTRACE_EVENT_STOP from PTRACE_INTERRUPT, or the
			       first stop of an auto-attached thread: resume
			       with signal 0 */
	LD_STOP_EXEC,       /* PTRACE_EVENT_EXEC: a new image; signal 0 */
	LD_STOP_CLONE,      /* PTRACE_EVENT_CLONE: msg = new thread id */
	LD_STOP_FORK,       /* PTRACE_EVENT_FORK: msg = child pid */
	LD_STOP_VFORK,      /* PTRACE_EVENT_VFORK: msg = child pid */
	LD_STOP_VFORK_DONE, /* PTRACE_EVENT_VFORK_DONE */
	LD_STOP_EXIT_EVENT, /* PTRACE_EVENT_EXIT: about to exit, msg = status */
	LD_STOP_SYSCALL,    /* syscall-stop (entry or exit: the caller tracks
			       which): signal 0 */
	LD_STOP_SECCOMP,    /* PTRACE_EVENT_SECCOMP: syscall entry, filtered */
	LD_STOP_EXITED,     /* the thread is gone; status = exit code */
	LD_STOP_KILLED,     /* the thread is gone; sig = killing signal */
};

struct ld_stop {
	enum ld_stop_kind kind;
	pid_t tid;
	int sig;                 /* signal number for SIGNAL/GROUP/KILLED */
	int status;              /* exit code for EXITED */
	bool core;               /* KILLED with a core dump */
	unsigned long msg;       /* PTRACE_GETEVENTMSG for events */
	uint64_t fault_addr;     /* si_addr for SIGNAL (SIGSEGV, SIGBUS...) */
	int si_code;
};

enum ld_thread_state { LD_T_RUNNING, LD_T_STOPPED, LD_T_GONE };

struct ld_thread {
	pid_t tid;
	int num;                 /* 1, 2, ... as `info threads` numbers them */
	enum ld_thread_state state;
	struct ld_stop last;     /* the last stop it reported */
	int pending_sig;         /* signal to deliver when it resumes */
	bool stepping;           /* a PTRACE_SINGLESTEP is outstanding */
	bool in_syscall;         /* between syscall entry and exit stops */
	long sys_nr;             /* the call it is in (valid with in_syscall) */
	uint64_t sys_args[6];
	bool queued;             /* last holds an event not yet reported */
	bool interrupting;       /* a PTRACE_INTERRUPT of ours is on its way */
	ld_regs regs;            /* cached while stopped (regs_valid) */
	bool regs_valid;
	bool regs_dirty;         /* regs changed, not written yet (staged) */
	bool regs_written;       /* written to the kernel during this stop:
				    a trap it took has been handled (the pc
				    rewound, or moved past an emulated
				    instruction) */
	bool on_bp;              /* it executed the int3 under its pc (or
				    stepped onto it): resuming steps over the
				    breakpoint instead of hitting it again */
	unsigned dr_gen;         /* the ld_proc dr_gen its debug registers
				    hold (0: never written) */
};

struct ld_proc {
	pid_t pid;               /* thread group id */
	bool spawned;            /* we started it: it dies with us */
	bool exited;             /* the whole process is gone */
	int exit_code, exit_sig; /* how it ended */
	struct ld_thread *threads;
	size_t nthreads, cap;
	int next_num;
	unsigned long options;   /* ptrace options in force */
	pid_t children[64];      /* forked children stopped, not yet taken */
	size_t nchildren;
	bool keep_children;      /* a seccomp filter is in force: children
				    inherit it and need a tracer, so they are
				    kept traced passively (resumed at every
				    stop) instead of released */
	pid_t *passive;          /* such children */
	size_t npassive, cappassive;
	/* Called at a passive task's seccomp stop, and at the syscall-exit
	 * stop that follows when it returned true (the task is then resumed
	 * with PTRACE_SYSCALL to show the call's return).  The task is
	 * stopped: the hook may read it (ld_proc_syscall, memory, /proc),
	 * never resume it or wait.  NULL: passive tasks just run on. */
	bool (*passive_hook)(void *ctx, pid_t tid);
	void *passive_ctx;
	/* True when addr holds one of the tracer's int3s over an instruction
	 * longer than one byte: a SIGTRAP with the pc one past it is that
	 * int3's, and needs no PTRACE_GETSIGINFO to tell.  NULL: always ask. */
	bool (*int3_hook)(void *ctx, uint64_t addr);
	void *int3_ctx;
	/* The hardware watchpoints every thread must have: DR0-DR3 and DR7.
	 * A thread whose dr_gen differs gets them before it resumes (so new
	 * threads too: the kernel gives a clone none); 0: never set, nothing
	 * to write or to clear at detach. */
	uint64_t dr[4], dr7;
	unsigned dr_gen;
};

/* Start path with argv (argv[0] included) under ptrace, stopped at the
 * PTRACE_EVENT_EXEC stop of the new image.  With aslr false the child runs
 * with personality ADDR_NO_RANDOMIZE.  The child is seized with
 * PTRACE_O_EXITKILL so it dies with layoutdbg.  Returns 0 and *out, or -1
 * with the reason in err (exec's errno is reported, e.g. "Permission
 * denied"). */
struct sock_fprog;
int ld_proc_spawn(const char *path, char *const argv[], char *const envp[],
		  bool aslr, const struct sock_fprog *filter,
		  struct ld_proc **out, char *err, size_t errlen);
/* With a filter, the child installs it (seccomp, SECCOMP_RET_TRACE for the
 * calls to watch) just before execve and is traced with
 * PTRACE_O_TRACESECCOMP; see ld_proc_syscall. */

/* Seize every thread of a running process and stop them all, each exactly
 * once (threads the kernel attached through a clone event are not seized
 * again; passes repeat until /proc/PID/status's thread count agrees, and
 * threads that a pass keeps missing, a chain of short-lived threads that
 * escaped, are chased at the newest pids the kernel hands out).  A
 * zombie leader's live threads are attached (the leader is kept as gone).
 * Returns 0 or -1 with the reason in err ("no such process", "process 2
 * (kthreadd) is a kernel thread: ...", "... is a zombie: ...", "thread T of
 * process P is already traced by process 123 (strace)", ...); what a failed
 * attach seized is let go.  On success err is empty, or says which
 * threads still run untraced when a program creating threads faster than
 * they are seized outran every round (the attach stands). */
int ld_proc_attach(pid_t pid, struct ld_proc **out, char *err, size_t errlen);

/* Detach every thread (each must be stopped); pending signals are passed
 * on so none is lost, the debug registers cleared (no watchpoint stays
 * behind to kill the process with SIGTRAP).  The process keeps running.
 * 0 or -errno. */
int ld_proc_detach(struct ld_proc *p);

/* SIGKILL the process and reap every thread.  0 or -errno. */
int ld_proc_kill(struct ld_proc *p);

void ld_proc_free(struct ld_proc *p);   /* NULL is fine; does not kill */

/* PTRACE_INTERRUPT every running thread: async-signal-safe, for signal
 * handlers (the stops arrive through ld_proc_wait). */
void ld_proc_interrupt_raw(struct ld_proc *p);

/* Let go in an emergency (async-signal-safe, no waiting): SIGKILL a
 * spawned process, PTRACE_DETACH every thread of an attached one. */
void ld_proc_abandon(struct ld_proc *p);

struct ld_thread *ld_proc_thread(struct ld_proc *p, pid_t tid);

/* The thread through which to read and write the process's memory and
 * /proc files: the leader while it lives, else a live (preferably
 * stopped) thread.  A leader that called pthread_exit is a zombie whose
 * /proc/PID/mem and maps are empty while its threads run on. */
pid_t ld_proc_mem_tid(const struct ld_proc *p);
size_t ld_proc_nlive(const struct ld_proc *p);

enum ld_resume { LD_RESUME_CONT, LD_RESUME_STEP, LD_RESUME_SYSCALL,
		 LD_RESUME_LISTEN };

/* Resume one stopped thread, delivering sig.  0 or -errno (-ESRCH: it is
 * gone, and is then marked so). */
int ld_proc_resume(struct ld_proc *p, struct ld_thread *t, enum ld_resume how,
		   int sig);

/* Write p's debug registers (dr, dr7) into stopped thread t if it does
 * not hold dr_gen's yet: DR7 off, the addresses, then DR7.  0 or -errno
 * (the kernel's verdict on DR7: -EINVAL for an address it refuses). */
int ld_proc_sync_debugregs(struct ld_proc *p, struct ld_thread *t);

/* PTRACE_INTERRUPT a running thread (its stop arrives through wait). */
int ld_proc_interrupt(struct ld_proc *p, struct ld_thread *t);

/* Wait for the next stop of any thread of p and decode it; the thread table
 * is updated (new threads added, gone ones marked).  With block false,
 * returns -EAGAIN when nothing is pending.  Returns -EINTR when a signal
 * (Ctrl-C) interrupted the wait, -ECHILD when nothing is left to wait for.
 * Thread-exit of a non-leader is reported as LD_STOP_EXITED with its tid. */
int ld_proc_wait(struct ld_proc *p, struct ld_stop *st, bool block);

/* Stop every running thread (PTRACE_INTERRUPT, then wait); stops other
 * than the interrupt itself are kept in thread->last with queued set.
 * A thread whose int3 trap is still pending behind the interrupt is let
 * report it, so that every hit in flight ends up queued as
 * LD_STOP_BREAKPOINT (pc one past the int3) and none stays in the
 * kernel.  0 or -errno.  Threads that exit meanwhile are marked gone. */
int ld_proc_stop_all(struct ld_proc *p);

/* The session is to end (SIGTERM, SIGHUP): async-signal-safe.  From now
 * on a blocking wait is interrupted within 50 ms, ld_proc_stop_all gives
 * threads that do not stop one second and then returns -ECANCELED, and
 * the callers' own wait loops check ld_proc_cancelled(). */
void ld_proc_cancel_waits(void);
bool ld_proc_cancelled(void);

/* Has the stopped thread tid a debug trap (SIGTRAP of an int3, a step or
 * a debug register) queued that it has not reported yet? */
bool ld_proc_trap_pending(pid_t tid);

/* Switch the syscall stops on: options |= TRACESYSGOOD etc. */
int ld_proc_set_options(struct ld_proc *p, unsigned long options);

/* A forked child (pid from a FORK/VFORK event) is auto-attached and
 * stopped: wait for its first stop if not seen yet.  0 or -errno. */
int ld_proc_take_child(struct ld_proc *p, pid_t child);
/* A new ld_proc for a taken child (follow-fork-mode child): stopped, with
 * the parent's options.  NULL on ENOMEM. */
struct ld_proc *ld_proc_adopt_child(struct ld_proc *parent, pid_t child);
/* Let a taken child go (PTRACE_DETACH).  0 or -errno. */
int ld_proc_release_child(pid_t child);

/* Keep a taken child traced passively (see keep_children).  0/-errno. */
int ld_proc_keep_child(struct ld_proc *p, pid_t child);

enum ld_sysop { LD_SYS_NONE, LD_SYS_ENTRY, LD_SYS_EXIT, LD_SYS_SECCOMP };
/* At a syscall or seccomp stop: which side, the number, arguments and
 * (at exit) the result, from PTRACE_GET_SYSCALL_INFO.  0 or -errno. */
struct ld_syscall;
int ld_proc_syscall(pid_t tid, enum ld_sysop *op, struct ld_syscall *sc);

/* "exited with code 1", "killed by SIGSEGV", "stopped by SIGTRAP (int3)":
 * a wait status in words, for unexpected statuses and reports. */
const char *ld_stop_describe(const struct ld_stop *st, char *buf, size_t len);

/* Why pid cannot be traced, in words (reads /proc/PID/status TracerPid). */
const char *ld_proc_why_not(pid_t pid, int err, char *buf, size_t len);

/* Registers of stopped thread t, read (PTRACE_GETREGS) once per stop and
 * kept on the thread until ld_proc_resume drops them; setting them keeps
 * the copy.  0 or -errno.  ld_thread_pc: its rip, 0 when unreadable. */
int ld_tregs(struct ld_thread *t, ld_regs *r);
int ld_tregs_set(struct ld_thread *t, const ld_regs *r);
/* Set t's registers in the copy alone: they are written at its resume
 * (or detach), or by ld_tregs_flush, so that a stop passed over writes
 * them once.  Whoever reads them from the kernel directly (an unwinder,
 * a saved state) flushes first: ld_tregs_flush, ld_proc_flush_regs for
 * every thread.  0 or -errno. */
void ld_tregs_stage(struct ld_thread *t, const ld_regs *r);
int ld_tregs_flush(struct ld_thread *t);
void ld_proc_flush_regs(struct ld_proc *p);
uint64_t ld_thread_pc(struct ld_thread *t);

#endif
