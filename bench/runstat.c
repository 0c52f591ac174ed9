/*
 * runstat.c: runs a command and reports its wall time and peak memory,
 * for the boot-time and memory comparison of hv against QEMU.
 *
 *   runstat OUTFILE COMMAND [ARG...]
 *
 * The command inherits standard input, output and error.  When it has
 * ended, OUTFILE gets one line:
 *
 *   wall_ms=1234.5 maxrss_kb=5678 status=33
 *
 * wall_ms runs from just before fork to the end of wait4; maxrss_kb is
 * the child's peak resident set (getrusage of that child, as
 * /usr/bin/time -v reports it); status is the exit status, or 128 + the
 * signal that ended it.  runstat's own exit status is the command's.
 * A command that cannot be started gives status 127 and a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The child: exec, or say why not and leave with 127. */
static void run_child(char **argv)
{
	execvp(argv[0], argv);
	fprintf(stderr, "runstat: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Forks, waits for that child alone, fills the figures. */
static int run(char **argv, double *wall_ms, long *maxrss_kb)
{
	struct rusage ru;
	int st;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		run_child(argv);
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
			return -1;
		}
	}
	*wall_ms = now_ms() - t0;
	*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	double wall_ms;
	long maxrss_kb;
	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	int status = run(argv + 2, &wall_ms, &maxrss_kb);
	if (status < 0) {
		fclose(out);
		return 2;
	}
	fprintf(out, "wall_ms=%.1f maxrss_kb=%ld status=%d\n", wall_ms, maxrss_kb, status);
	if (fclose(out) != 0) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	return status;
}
