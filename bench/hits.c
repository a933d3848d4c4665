/* Calls marker() N times (default 100000): breakpoint-hit throughput. */
#include <stdio.h>
#include <stdlib.h>

int marker(int i);
int total;

__attribute__((noinline)) int marker(int i)
{
	total += i & 1;
	return total;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000, i;

	for (i = 0; i < n; i++)
		marker(i);
	printf("%d\n", total);
	return 0;
}
