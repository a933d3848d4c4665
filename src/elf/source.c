/* Source files, read once and indexed by line. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/source.h"

#define MAX_FILES 16

struct file {
	char *path;
	char *text;          /* the whole file, newlines replaced by NULs */
	char **lines;
	size_t n;
	int err;             /* reading failed with this errno */
};

static struct file files[MAX_FILES];
static size_t nfiles, next_victim;

static void drop(struct file *f)
{
	free(f->path);
	free(f->text);
	free(f->lines);
	memset(f, 0, sizeof *f);
}

void ld_source_flush(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		drop(&files[i]);
	nfiles = next_victim = 0;
}

static int load(struct file *f, const char *path)
{
	FILE *in = fopen(path, "r");
	size_t cap = 0, len = 0, i, k = 0;
	char buf[65536];

	if (!in)
		return errno;
	for (;;) {
		size_t got = fread(buf, 1, sizeof buf, in);
		char *t;

		if (!got)
			break;
		t = realloc(f->text, len + got + 1);
		if (!t) {
			fclose(in);
			return ENOMEM;
		}
		f->text = t;
		memcpy(f->text + len, buf, got);
		len += got;
	}
	fclose(in);
	if (!f->text && !(f->text = calloc(1, 1)))
		return ENOMEM;
	f->text[len] = 0;
	for (i = 0; i < len; i++)
		cap += f->text[i] == '\n';
	f->lines = calloc(cap + 2, sizeof *f->lines);
	if (!f->lines)
		return ENOMEM;
	f->lines[k++] = f->text;
	for (i = 0; i < len; i++) {
		if (f->text[i] != '\n')
			continue;
		f->text[i] = 0;
		if (i + 1 < len)
			f->lines[k++] = f->text + i + 1;
	}
	f->n = k;
	return 0;
}

static struct file *get(const char *path)
{
	struct file *f;
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	if (nfiles < MAX_FILES) {
		f = &files[nfiles++];
	} else {
		f = &files[next_victim++ % MAX_FILES];
		drop(f);
	}
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	f->err = load(f, path);
	return f;
}

const char *ld_source_line(const char *path, unsigned n)
{
	struct file *f = get(path);

	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	if (f->err) {
		errno = f->err;
		return NULL;
	}
	if (n < 1 || n > f->n) {
		errno = ERANGE;
		return NULL;
	}
	return f->lines[n - 1];
}

long ld_source_count(const char *path)
{
	struct file *f = get(path);

	if (!f)
		return -ENOMEM;
	return f->err ? -f->err : (long)f->n;
}

const char *ld_source_shortname(const char *path)
{
	static char cwd[4096], real[4096], last[4096];
	static bool last_ok;
	size_t n;

	if (!*cwd && !getcwd(cwd, sizeof cwd - 1))
		cwd[0] = 0;
	/* "/x/build/../fixtures/heap.c" (comp_dir joined with a relative
	 * name) reads better resolved.  The last answer is kept: a backtrace
	 * names the same file frame after frame, and realpath costs a
	 * readlink per component (most of `bt` at 100,000 frames). */
	if (strstr(path, "/../")) {
		n = strlen(path);
		if (n >= sizeof last || strcmp(path, last)) {
			last_ok = realpath(path, real) != NULL;
			if (n < sizeof last)
				memcpy(last, path, n + 1);
			else
				last[0] = 0;
		}
		if (last_ok)
			path = real;
	}
	n = strlen(cwd);
	if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}
