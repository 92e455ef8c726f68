/*
 * showcase: an ordinary newlib C program as a pvguest process, with known
 * output that tests/scenarios/pvguest.sh checks line by line: formatted
 * numbers, qsort, libm, malloc (the kernel's sbrk), time, a sleep on the
 * kernel's timer, and a file written, read back and removed.  Each check
 * prints "ok - name" or "not ok - name" (TAP), computed here, never
 * hard-coded.
 */
#include "pvos.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;

static void check(int ok, const char *name)
{
	printf("%s - newlib %s\n", ok ? "ok" : "not ok", name);
	failures += !ok;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void test_stdio(void)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%d %x %5.2f %s %lld", -42, 0xbeef, 3.14159, "pv",
		 1234567890123LL);
	printf("stdio: %s\n", buf);
	check(strcmp(buf, "-42 beef  3.14 pv 1234567890123") == 0, "snprintf");
}

static void test_qsort(void)
{
	int v[] = {42, 7, 19, -3, 88, 0, 7, 1000, -50};
	size_t n = sizeof(v) / sizeof(v[0]);
	qsort(v, n, sizeof(v[0]), cmp_int);
	printf("sorted:");
	for (size_t i = 0; i < n; i++)
		printf(" %d", v[i]);
	printf("\n");
	int sorted = 1;
	for (size_t i = 1; i < n; i++)
		sorted &= v[i - 1] <= v[i];
	check(sorted && v[0] == -50 && v[n - 1] == 1000, "qsort");
}

static void test_math(void)
{
	volatile double two = 2.0, one = 1.0;
	double r = sqrt(two), e = exp(one), s = sin(M_PI / 6);
	printf("math: sqrt(2)=%.6f e=%.6f sin(pi/6)=%.6f\n", r, e, s);
	check(fabs(r * r - 2.0) < 1e-12 && fabs(e - 2.718281828) < 1e-9 && fabs(s - 0.5) < 1e-12,
	      "libm");
}

static void test_malloc(void)
{
	size_t n = 1 << 20;
	unsigned char *p = malloc(n);
	int ok = p != NULL;
	for (size_t i = 0; ok && i < n; i += 4096)
		p[i] = (unsigned char)i;
	for (size_t i = 0; ok && i < n; i += 4096)
		ok = p[i] == (unsigned char)i;
	free(p);
	check(ok, "malloc 1 MiB");
}

static void test_time(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	printf("time: %04d-%02d-%02d\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	check(tm.tm_year + 1900 >= 2020, "time()");
	uint64_t before = pv_uptime_ns();
	pv_sleep_ns(10 * 1000 * 1000);
	uint64_t slept = pv_uptime_ns() - before;
	printf("slept %lu ms\n", (unsigned long)(slept / 1000000));
	check(slept >= 10 * 1000 * 1000, "sleep 10 ms");
}

static void test_files(void)
{
	char back[64] = "";
	FILE *f = fopen("/tmp/showcase", "w");
	int ok = f && fprintf(f, "%d squared is %d\n", 12, 144) > 0 && fclose(f) == 0;
	f = fopen("/tmp/showcase", "r");
	ok = ok && f && fgets(back, sizeof(back), f);
	if (f)
		fclose(f);
	printf("file: %s", back);
	check(ok && strcmp(back, "12 squared is 144\n") == 0 && remove("/tmp/showcase") == 0,
	      "file write, read back, remove");
	check(fopen("/tmp/showcase", "r") == NULL, "removed file is gone");
}

int main(int argc, char **argv)
{
	printf("showcase: %d argument(s)%s%s\n", argc, argc > 1 ? ", first " : "",
	       argc > 1 ? argv[1] : "");
	test_stdio();
	test_qsort();
	test_math();
	test_malloc();
	test_time();
	test_files();
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	fflush(stdout);
	return failures ? 1 : 0;
}
