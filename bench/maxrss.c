/* bench-maxrss CMD [ARGS...]: run CMD and print, on stderr, its wall time
 * and peak resident set (ru_maxrss of the child and the children it
 * waited for, KiB), as "bench-maxrss: KIB KiB SECONDS s".  Python cannot
 * measure this itself: the kernel keeps in ru_maxrss the peak of the image
 * a process replaced by exec, and a child forked from Python starts as a
 * copy of Python, bigger than a debugger on a small program.  Forked from
 * this small program, the child's figure is its own. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-maxrss CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("bench-maxrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("bench-maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("bench-maxrss: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "bench-maxrss: %ld KiB %.6f s\n", ru.ru_maxrss,
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
