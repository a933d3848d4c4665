/* The read-eval-print loop: the only user of readline. */
#ifndef LAYOUTDBG_REPL_H
#define LAYOUTDBG_REPL_H

#include <stdio.h>

#include "layoutdbg/session.h"

/* Interactive loop on a terminal (readline, history, completion, Ctrl-C
 * clears the line) until quit or end of input.  Returns 0. */
int ld_repl(struct ld_session *s, const char *history_file);

/* Run every line of f as a command (no prompt).  stop_on_quit: a `quit`
 * ends the loop.  Returns LD_CMD_QUIT when quit was read, else 0. */
int ld_run_stream(struct ld_session *s, FILE *f);

/* SIGINT while the tracee runs stops it; SIGTERM/SIGHUP end the session
 * cleanly (breakpoints removed, spawned tracee killed, attached one
 * detached).  Installed without SA_RESTART so waitpid returns EINTR. */
void ld_install_signal_handlers(void);

/* If layoutdbg crashes (SIGSEGV, SIGABRT...), restore every breakpoint
 * byte of s's process and detach it (or kill a spawned one) first. */
void ld_install_crash_handler(struct ld_session *s);

#endif
