/* Argument parsing shared by the commands. */
#ifndef LAYOUTDBG_ARGS_H
#define LAYOUTDBG_ARGS_H

#include "layoutdbg/session.h"

/* p past blanks. */
char *ld_skip_ws(char *p);
/* Cut trailing blanks of p. */
void ld_trim_end(char *p);
/* Next word of *args (which moves past it; the word is cut out of the
 * line), or NULL at the end. */
char *ld_next_word(char **args);
/* w as a number from 0 to max (C's 0x and 0 prefixes); 0, or -1 after an
 * error naming what. */
int ld_parse_uint(const char *what, const char *w, unsigned long max,
		  unsigned long *out);
/* An optional count: the next word of *args, when there is one, as a
 * number up to max into *n (left as it is when there is none).  0, or -1
 * after an error naming what. */
int ld_opt_uint(char **args, const char *what, unsigned long max,
		unsigned long *n);
/* A command line split into words as a shell would for simple cases:
 * blanks separate, '...' and "..." quote, backslash escapes.  A
 * NULL-terminated array (free with ld_free_words), NULL on ENOMEM. */
char **ld_split_args(const char *line);
void ld_free_words(char **v);
/* The program's arguments for `run` from a command line (set args, run
 * ARGS).  0, or -1 after an error. */
int ld_args_set(struct ld_session *s, const char *args);

#endif
