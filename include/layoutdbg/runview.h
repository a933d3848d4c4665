/* What the running commands show: info threads, thread, handle and
 * info signals. */
#ifndef LAYOUTDBG_RUNVIEW_H
#define LAYOUTDBG_RUNVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One row of info threads. */
struct ld_thread_row {
	int num;
	pid_t tid;
	const char *name;    /* its comm */
	bool current;
	const char *where;   /* "0x... in main () at f.c:3", "(running)" */
	bool has_pc;
	uint64_t pc;
};

/* info threads is shown a row at a time: begin, row..., end. */
struct ld_threads_out {
	json_t *rows;        /* --json: the array being built */
};
void ld_threads_begin(struct ld_threads_out *o);
void ld_threads_row(struct ld_threads_out *o, const struct ld_thread_row *r);
int ld_threads_end(struct ld_threads_out *o);

/* Frame fr as bt shows it, without the level: "0x... in f () <+4> at
 * f.c:3" (the Frame of info threads, thread N's line); NULL if out of
 * memory. */
struct ld_snap_frame;
const char *ld_frame_text(char *buf, size_t len, const struct ld_snap_frame *fr,
			  const char *exe);

/* thread: "[Current thread is N (LWP T)]" */
void ld_show_thread_current(int num, pid_t tid);
/* thread N: "[Switching to thread N (LWP T)]" and its frame (where may
 * be NULL: registers unreadable). */
void ld_show_thread_switch(int num, pid_t tid, const char *where);

/* handle, info signals: the table of sigs[0..n) with what each does
 * (stop[sig], pass[sig]). */
void ld_show_signals(const int *sigs, size_t n, const bool *stop,
		     const bool *pass);

#endif
