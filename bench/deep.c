/* Recurses to depth N (default 55) and stops there in leaf(): a deep
 * stack to unwind.  Prints "ready PID" then blocks in read(2). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int leaf(void);
int down(int n);

__attribute__((noinline)) int leaf(void)
{
	char c;

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

__attribute__((noinline)) int down(int n)
{
	return n <= 1 ? leaf() : down(n - 1) + 1;
}

int main(int argc, char **argv)
{
	return down(argc > 1 ? atoi(argv[1]) : 53) & 0;
}
