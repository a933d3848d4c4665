/* The pager of long output, as gdb's (utils.c, prompt_for_continue):
 * once a command has filled the terminal but one row, it asks
 * "--Type <RET> for more, q to quit, c to continue without paging--".
 * Every writer prints to stdout, so the pager takes stdout's place: a
 * stream (fopencookie) that counts the rows it passes on to the real
 * stdout and stops to ask at the page's end.  It is installed only by the
 * REPL on a terminal, so -batch, --json, pipes and files never see it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "layoutdbg/pager.h"

static FILE *real_out;     /* the stdout the pager replaced; NULL: not installed */
static FILE *paged;        /* the stream that stands in for it */
static bool enabled = true;
static bool height_set;    /* `set height` given: the window's size no longer counts */
static unsigned height;    /* rows of a page; 0: unlimited */
static unsigned width;     /* columns, for long lines that wrap; 0: unknown */
static unsigned rows;      /* rows printed since the last answer or command */
static unsigned col;
static bool no_more;       /* `c`: the rest of this command unpaged */
static bool quitting;      /* `q`: the rest of this command dropped */
static int esc;            /* inside an escape sequence: 1 after ESC, 2 in CSI */

static void query_window(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	width = ws.ws_col;
	if (!height_set)
		height = ws.ws_row;
}

/* One line from the terminal, as gdb's prompt reads it: the first
 * character decides (q: quit, c: continue without paging).  Read a byte
 * at a time from the descriptor, so nothing typed after the line is taken
 * from readline.  EOF or an interrupt (Ctrl-C) quits, as in gdb. */
static int ask(void)
{
	char c, first = 0;
	ssize_t n;

	fputs("--Type <RET> for more, q to quit, c to continue without paging--",
	      real_out);
	fflush(real_out);
	while ((n = read(STDIN_FILENO, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (!first && c != ' ' && c != '\t')
			first = c;
	if (n != 1)
		return 'q';
	return first;
}

/* At the start of a row that would push the page's first row off the
 * terminal: ask, as gdb does when lines_printed reaches lines_per_page - 1. */
static void page_break(void)
{
	int a = ask();

	rows = 0;
	if (a == 'q' || a == 'Q') {
		quitting = true;
		fputs("Quit\n", real_out);
	} else if (a == 'c' || a == 'C') {
		no_more = true;
	}
}

/* A character that does not fit the row wraps to the next (terminals
 * wrap only then: a row filled exactly and a newline make one row). */
static void wrap(unsigned char c)
{
	if (!esc && width && col >= width && c != '\n' && c != '\r' &&
	    c != 0x1b && (c & 0xc0) != 0x80) {
		rows++;
		col = 0;
	}
}

/* The rows and column after byte c: escape sequences (the colours) and
 * UTF-8 continuation bytes take no room; a tab moves to the next multiple
 * of 8. */
static void advance(unsigned char c)
{
	if (esc == 1) {
		esc = c == '[' ? 2 : 0;
		return;
	}
	if (esc == 2) {
		if (c >= 0x40 && c <= 0x7e)
			esc = 0;
		return;
	}
	if (c == '\n') {
		rows++;
		col = 0;
		return;
	}
	if (c == '\r' || c == 0x1b) {
		col = c == '\r' ? 0 : col;
		esc = c == 0x1b;
		return;
	}
	if ((c & 0xc0) == 0x80)
		return;
	col = c == '\t' ? (col / 8 + 1) * 8 : col + 1;
	if (width && col > width)
		col = width;
}

static bool paging(void)
{
	return enabled && height > 1 && !no_more;
}

static ssize_t paged_write(void *cookie, const char *buf, size_t n)
{
	size_t i, from = 0;

	(void)cookie;
	if (quitting)
		return (ssize_t)n;
	for (i = 0; i < n; i++) {
		wrap((unsigned char)buf[i]);
		/* a byte that opens a row past the page's last: ask first */
		if (paging() && rows >= height - 1 && col == 0 && !esc) {
			fwrite(buf + from, 1, i - from, real_out);
			from = i;
			page_break();
			if (quitting)
				break;
		}
		advance((unsigned char)buf[i]);
	}
	if (!quitting)
		fwrite(buf + from, 1, i - from, real_out);
	fflush(real_out);
	return (ssize_t)n;
}

int ld_pager_install(void)
{
	cookie_io_functions_t io = { .write = paged_write };
	FILE *f;

	if (real_out)
		return 0;
	f = fopencookie(NULL, "w", io);
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	fflush(stdout);
	real_out = stdout;
	paged = f;
	stdout = f;
	query_window();
	return 0;
}

void ld_pager_remove(void)
{
	if (!real_out)
		return;
	fflush(paged);
	stdout = real_out;
	fclose(paged);
	paged = NULL;
	real_out = NULL;
}

void ld_pager_command_start(void)
{
	if (real_out) {
		fflush(paged);
		if (!height_set)
			query_window();
	}
	rows = 0;
	col = 0;
	esc = 0;
	no_more = false;
	quitting = false;
}

bool ld_pager_enabled(void)
{
	return real_out && enabled;
}

void ld_pager_set_enabled(bool on)
{
	enabled = on;
}

unsigned ld_pager_height(void)
{
	return real_out || height_set ? height : 0;
}

void ld_pager_set_height(unsigned n)
{
	height = n;
	height_set = true;
}
