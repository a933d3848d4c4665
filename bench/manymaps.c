/* Creates N separate mappings (default 20000: alternating permissions so
 * the kernel cannot merge them), prints "ready PID", then blocks reading
 * stdin: a process with tens of thousands of mappings to attach to. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000, i;
	long pg = sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, (size_t)n * pg, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char c;

	if (base == MAP_FAILED)
		return 1;
	for (i = 0; i < n; i += 2)
		if (mprotect(base + (size_t)i * pg, pg, PROT_READ) < 0)
			return 2;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
