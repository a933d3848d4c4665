/* Atomic, unsurprising writes of the user's files: see safefile.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "layoutdbg/safefile.h"

static int fail(const struct ld_safefile *sf, int rc, char *err, size_t len,
		const char *why)
{
	char buf[256];

	/* a long path is cut, never the reason after it */
	ld_fail(err, len, "%s: %s", ld_shorten(sf->shown, len / 2 < sizeof buf ?
			len / 2 : sizeof buf - 1, buf, sizeof buf),
		why ? why : strerror(-rc));
	return rc;
}

static const char *kind_of(mode_t m)
{
	return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" :
	       S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* The directory that will hold path: refused when another user owns it
 * and others may write there (they could swap our file after the rename),
 * unless it is root's and sticky. */
static int check_dir(struct ld_safefile *sf, char *err, size_t len)
{
	char *copy = strdup(sf->path), why[200];
	struct passwd *pw;
	struct stat st;
	int r;

	if (!copy)
		return fail(sf, -ENOMEM, err, len, NULL);
	r = stat(dirname(copy), &st);
	if (r < 0) {
		r = -errno;
		free(copy);
		return fail(sf, r, err, len, NULL);
	}
	free(copy);
	if (!(st.st_mode & S_IWOTH) || st.st_uid == geteuid() ||
	    (st.st_uid == 0 && (st.st_mode & S_ISVTX)))
		return 0;
	pw = getpwuid(st.st_uid);
	snprintf(why, sizeof why, "the directory is %s's (uid %u) and writable by "
		 "others (mode %04o); --force writes there anyway",
		 pw ? pw->pw_name : "another user", (unsigned)st.st_uid,
		 (unsigned)(st.st_mode & 07777));
	return fail(sf, -EPERM, err, len, why);
}

/* Forced through a symlink: its target, when that is a regular file (or
 * does not exist yet), is replaced like any other path. */
static void follow_link(struct ld_safefile *sf)
{
	char *target = realpath(sf->path, NULL);

	if (!target)
		return;		/* dangling: written through, creating the target */
	free(sf->path);
	sf->path = target;
}

static int open_direct(struct ld_safefile *sf, char *err, size_t len)
{
	int fd = open(sf->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);

	if (fd < 0 || !(sf->f = fdopen(fd, "w"))) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return fail(sf, r, err, len, NULL);
	}
	return 0;
}

/* A temporary file next to the final one, with the mode the final one
 * has (or would get from open and the umask). */
static int open_temp(struct ld_safefile *sf, const struct stat *old,
		     char *err, size_t len)
{
	char *copy = strdup(sf->path), *dir, *base;
	mode_t mask;
	int fd, r;

	if (!copy)
		return fail(sf, -ENOMEM, err, len, NULL);
	dir = dirname(copy);
	base = strrchr(sf->path, '/') ? strrchr(sf->path, '/') + 1 : sf->path;
	r = asprintf(&sf->tmp, "%s/.%.64s.XXXXXX", dir, base);
	free(copy);
	if (r < 0) {
		sf->tmp = NULL;
		return fail(sf, -ENOMEM, err, len, NULL);
	}
	fd = mkostemp(sf->tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(sf->tmp);
		sf->tmp = NULL;
		return fail(sf, r, err, len, NULL);
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, old ? old->st_mode & 07777 : 0666 & ~mask);
	if (old && (old->st_uid != geteuid() || old->st_gid != getegid()))
		(void)!fchown(fd, old->st_uid, old->st_gid);	/* root keeps the owner */
	if (!(sf->f = fdopen(fd, "w"))) {
		r = -errno;
		close(fd);
		unlink(sf->tmp);
		free(sf->tmp);
		sf->tmp = NULL;
		return fail(sf, r, err, len, NULL);
	}
	return 0;
}

int ld_safefile_open(struct ld_safefile *sf, const char *path, bool force,
		     char *err, size_t len)
{
	struct stat st;
	bool exists;
	int r;

	memset(sf, 0, sizeof *sf);
	sf->shown = path;
	if (!*path)
		return fail(sf, -ENOENT, err, len, NULL);
	if (!(sf->path = strdup(path)))
		return fail(sf, -ENOMEM, err, len, NULL);
	exists = lstat(path, &st) == 0;
	if (!exists && errno != ENOENT) {
		r = fail(sf, -errno, err, len, NULL);
		goto out;
	}
	if (exists && S_ISLNK(st.st_mode)) {
		if (!force) {
			r = fail(sf, -ELOOP, err, len, "is a symlink (not followed; "
				 "--force writes to its target)");
			goto out;
		}
		follow_link(sf);
		exists = stat(sf->path, &st) == 0;
		if (!exists)
			return open_direct(sf, err, len);
	}
	if (exists && S_ISDIR(st.st_mode)) {
		r = fail(sf, -EISDIR, err, len, NULL);
		goto out;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		char why[96];

		if (force)
			return open_direct(sf, err, len);
		snprintf(why, sizeof why, "is %s (--force writes to it)", kind_of(st.st_mode));
		r = fail(sf, -EINVAL, err, len, why);
		goto out;
	}
	if (!force && (r = check_dir(sf, err, len)) < 0)
		goto out;
	if ((r = open_temp(sf, exists ? &st : NULL, err, len)) == 0)
		return 0;
out:
	free(sf->path);
	sf->path = NULL;
	return r;
}

int ld_safefile_commit(struct ld_safefile *sf, int rc, char *err, size_t len)
{
	int fd = fileno(sf->f);

	errno = 0;
	if (!rc && (fflush(sf->f) || ferror(sf->f)))
		rc = errno ? -errno : -EIO;
	if (!rc && sf->tmp && fsync(fd) < 0)
		rc = -errno;
	if (fclose(sf->f) && !rc)
		rc = -errno;
	sf->f = NULL;
	if (!rc && sf->tmp && rename(sf->tmp, sf->path) < 0)
		rc = -errno;
	if (rc && sf->tmp)
		unlink(sf->tmp);
	if (rc)
		fail(sf, rc, err, len, NULL);
	free(sf->tmp);
	free(sf->path);
	sf->tmp = sf->path = NULL;
	return rc;
}
