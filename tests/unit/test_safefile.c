/* safefile.h: atomic replacement, no writes through symlinks or onto
 * devices and FIFOs unless forced, the previous file intact and no
 * temporary file left on failure, and the real cause in the message. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layoutdbg/safefile.h"
#include "tap.h"

static char dir[] = "/tmp/ld-safefile-XXXXXX";

static const char *at(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static bool put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	return f && fputs(text, f) >= 0 && fclose(f) == 0;
}

static bool holds(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return !strcmp(buf, text);
}

/* The number of entries in dir whose name starts with '.' (temporaries). */
static int hidden_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static int write_text(const char *path, bool force, const char *text, int fail_with,
		      char *err, size_t len)
{
	struct ld_safefile sf;
	int r = ld_safefile_open(&sf, path, force, err, len);

	if (r)
		return r;
	fputs(text, sf.f);
	return ld_safefile_commit(&sf, fail_with, err, len);
}

static bool t_replace(void)
{
	const char *p = at("a.json");
	char err[256];
	struct stat st;

	CHECK(put(p, "old\n") && chmod(p, 0640) == 0);
	CHECK(write_text(p, false, "new\n", 0, err, sizeof err) == 0);
	CHECK(holds(p, "new\n") && hidden_files() == 0);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640);
	return true;
}

static bool t_failure_keeps_old(void)
{
	const char *p = at("b.json");
	char err[256];

	CHECK(put(p, "old\n"));
	CHECK(write_text(p, false, "half", -ENOSPC, err, sizeof err) == -ENOSPC);
	CHECK(!strncmp(err, p, strlen(p)) && strstr(err, ": No space left on device"));
	CHECK(holds(p, "old\n") && hidden_files() == 0);
	CHECK(write_text(at("new.json"), false, "half", -EIO, err, sizeof err) == -EIO);
	CHECK(access(at("new.json"), F_OK) < 0 && hidden_files() == 0);
	return true;
}

static bool t_symlink(void)
{
	const char *p = at("link.json"), *target = at("target"), *dangling = at("dangling");
	char err[256], want[300];

	CHECK(put(target, "precious\n") && symlink(target, p) == 0);
	CHECK(write_text(p, false, "x", 0, err, sizeof err) == -ELOOP);
	snprintf(want, sizeof want, "%s: is a symlink (not followed; --force writes to its "
		 "target)", p);
	CHECK(!strcmp(err, want));
	CHECK(holds(target, "precious\n") && hidden_files() == 0);
	/* a dangling link: nothing created at its target */
	CHECK(symlink(at("nowhere"), dangling) == 0);
	CHECK(write_text(dangling, false, "x", 0, err, sizeof err) == -ELOOP);
	CHECK(access(at("nowhere"), F_OK) < 0);
	/* forced: the target is replaced, the link stays a link */
	CHECK(write_text(p, true, "forced\n", 0, err, sizeof err) == 0);
	CHECK(holds(target, "forced\n") && hidden_files() == 0);
	CHECK(readlink(p, want, sizeof want) > 0);
	return true;
}

static bool t_fifo_and_dir(void)
{
	const char *fifo = at("fifo");
	char err[256], want[300];

	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(write_text(fifo, false, "x", 0, err, sizeof err) == -EINVAL);
	snprintf(want, sizeof want, "%s: is a FIFO (--force writes to it)", fifo);
	CHECK(!strcmp(err, want));
	CHECK(write_text(dir, false, "x", 0, err, sizeof err) == -EISDIR);
	CHECK(strstr(err, "Is a directory"));
	CHECK(write_text(at("no/such/dir.json"), false, "x", 0, err, sizeof err) == -ENOENT);
	CHECK(strstr(err, "No such file or directory") && hidden_files() == 0);
	return true;
}

static bool t_unsafe_dir(void)
{
	const char *sub = at("shared");
	char path[300], err[512];

	if (geteuid() != 0) {
		tap_skip_reason = "needs root to make a directory another user owns";
		return true;
	}
	CHECK(mkdir(sub, 0777) == 0 && chmod(sub, 0777) == 0 && chown(sub, 65534, 65534) == 0);
	snprintf(path, sizeof path, "%s/out.json", sub);
	CHECK(write_text(path, false, "x", 0, err, sizeof err) == -EPERM);
	CHECK(strstr(err, "writable by others (mode 0777); --force writes there anyway"));
	CHECK(access(path, F_OK) < 0);
	CHECK(write_text(path, true, "x", 0, err, sizeof err) == 0 && holds(path, "x"));
	/* sticky and root's, like /tmp: fine */
	CHECK(chown(sub, 0, 0) == 0 && chmod(sub, 01777) == 0);
	CHECK(write_text(path, false, "y", 0, err, sizeof err) == 0 && holds(path, "y"));
	return true;
}

static bool refused_here(const char *path)
{
	char err[512];

	return write_text(path, false, "x", 0, err, sizeof err) == -EACCES &&
	       strstr(err, ": Permission denied") && access(path, F_OK) < 0;
}

/* Root is not refused by directory permissions: then the write is tried
 * in a child that has become nobody (65534), so the case runs either way. */
static bool t_permission(void)
{
	const char *ro = at("ro");
	char path[300];
	int st = 0;
	pid_t pid;

	CHECK(mkdir(ro, 0555) == 0 && chmod(ro, 0555) == 0);
	snprintf(path, sizeof path, "%s/out.json", ro);
	if (geteuid() != 0) {
		CHECK(refused_here(path));
		return true;
	}
	CHECK(chmod(dir, 0711) == 0);	/* nobody may pass through */
	pid = fork();
	if (pid == 0)
		_exit(setgid(65534) == 0 && setuid(65534) == 0 && refused_here(path) ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(chmod(dir, 0700) == 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return true;
}

int main(void)
{
	char cmd[64];
	int rc;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	run("an existing file is replaced whole, its mode kept, no temporary left",
	    t_replace);
	run("a failed write leaves the previous file and no temporary file", t_failure_keeps_old);
	run("a symlink (even dangling) is refused and its target untouched; --force follows it",
	    t_symlink);
	run("a FIFO, a directory and a missing directory are refused with the cause",
	    t_fifo_and_dir);
	run("a directory another user owns and others may write is refused unless forced",
	    t_unsafe_dir);
	run("an unwritable directory: Permission denied", t_permission);
	rc = tap_done();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
