/* The front end's own texts: --help, --version, the banner, a bad
 * command line, the end of input at the prompt. */
#ifndef LAYOUTDBG_USAGE_H
#define LAYOUTDBG_USAGE_H

/* text as it is (its newlines are not escaped). */
void ld_show_usage(const char *text);
void ld_show_version(const char *version);
void ld_show_banner(const char *version);
/* "layoutdbg: " fmt (one %s: arg) and the hint at --help, on stderr;
 * returns 2, the exit status of a bad command line. */
int ld_show_bad_usage(const char *fmt, const char *arg);
/* Ctrl-D at the prompt: end the prompt's line. */
void ld_show_eof(void);

#endif
