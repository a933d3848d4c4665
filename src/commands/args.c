/* Argument parsing shared by the commands: words, numbers, shell-like
 * splitting of program arguments. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/error.h"

char *ld_skip_ws(char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

void ld_trim_end(char *p)
{
	size_t n = strlen(p);

	while (n && isspace((unsigned char)p[n - 1]))
		p[--n] = 0;
}

/* Next word of args (moved past it), or NULL at the end. */
char *ld_next_word(char **args)
{
	char *p = ld_skip_ws(*args), *w;

	if (!*p)
		return NULL;
	w = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = 0;
	*args = p;
	return w;
}

int ld_parse_uint(const char *what, const char *w, unsigned long max,
		      unsigned long *out)
{
	char *end;

	errno = 0;
	if (!w || !*w || *w == '-')
		return ld_error("%s: expected a number, got \"%s\"", what, w ? w : "");
	*out = strtoul(w, &end, 0);
	if (errno || *end || *out > max)
		return ld_error("%s: \"%s\" is not a number from 0 to %lu", what, w,
				max);
	return 0;
}

int ld_opt_uint(char **args, const char *what, unsigned long max,
		unsigned long *n)
{
	char *w = ld_next_word(args);

	return w ? ld_parse_uint(what, w, max, n) : 0;
}

/* Split a command line into words the way a shell would for simple cases:
 * blanks separate, '...' and "..." quote, backslash escapes. */
char **ld_split_args(const char *line)
{
	size_t cap = 8, n = 0, len = strlen(line);
	char **v = calloc(cap, sizeof *v), *buf;
	const char *p = line;

	if (!v)
		return NULL;
	buf = malloc(len + 1);
	if (!buf) {
		free(v);
		return NULL;
	}
	for (;;) {
		char *o = buf, q = 0;
		bool any = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		while (*p && (q || !isspace((unsigned char)*p))) {
			if (q && *p == q)
				q = 0, p++;
			else if (!q && (*p == '\'' || *p == '"'))
				q = *p++;
			else if (*p == '\\' && p[1] && q != '\'')
				p++, *o++ = *p++;
			else
				*o++ = *p++;
			any = true;
		}
		*o = 0;
		if (any) {
			if (n + 2 > cap) {
				char **nv = realloc(v, (cap *= 2) * sizeof *v);

				if (!nv)
					break;
				v = nv;
			}
			v[n++] = strdup(buf);
			v[n] = NULL;
		}
	}
	free(buf);
	return v;
}

void ld_free_words(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int ld_args_set(struct ld_session *s, const char *args)
{
	char **v = ld_split_args(args);

	if (!v)
		return ld_error("set args: %s", strerror(ENOMEM));
	ld_program_set_args(s, v);
	return 0;
}
