/* N write(2) calls (default 1000000) to /dev/null, plus a few mmaps: a
 * program whose system calls are nearly all not about memory. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, i;
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (write(fd, "x", 1) != 1)
			return 2;
		if (i % 100000 == 0)
			munmap(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0), 4096);
	}
	return 0;
}
