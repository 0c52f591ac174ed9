/* qmpc.c: a minimal client of hv's control socket for the tests and
 * `make bench` (a C program: under the nested VM a Python start-up
 * costs seconds).
 *
 *   qmpc [-w SECONDS] SOCKET MESSAGE...   send each message, print the
 *                                         greeting and one reply line each
 *   qmpc --raw SOCKET BYTES               send BYTES as they are, then
 *                                         close without reading a reply
 *
 * SOCKET is a path or "@name" (abstract).  -w: keep trying to connect
 * for that long (hv may not be listening yet; default 20).  Exit 0 when
 * every reply came, 1 otherwise.  It does not parse JSON: it prints
 * what hv says, one line per message, for the script to judge. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int qmpc_connect(const char *path, double wait_s)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	socklen_t alen;
	struct timespec ts = { 0, 20 * 1000000L };

	if (n == 0 || n >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, path, n);
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
	if (path[0] == '@')
		a.sun_path[0] = '\0';
	for (int tries = 0; tries <= (int)(wait_s * 50); tries++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&a, alen) == 0)
			return fd;
		close(fd);
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* One line from fd onto stdout: 0, or -1 at end of stream. */
static int qmpc_line(int fd)
{
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		putchar(c);
		if (c == '\n') {
			fflush(stdout);
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	double wait_s = 20;
	int raw = 0, i = 1, fd;

	if (argc > 2 && strcmp(argv[1], "-w") == 0) {
		wait_s = atof(argv[2]);
		i = 3;
	}
	if (i < argc && strcmp(argv[i], "--raw") == 0) {
		raw = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: qmpc [-w S] SOCKET MESSAGE... | qmpc --raw SOCKET BYTES\n");
		return 2;
	}
	fd = qmpc_connect(argv[i], wait_s);
	if (fd < 0) {
		fprintf(stderr, "qmpc: %s: cannot connect: %s\n", argv[i], strerror(errno));
		return 1;
	}
	if (raw) {
		if (i + 1 < argc && write(fd, argv[i + 1], strlen(argv[i + 1])) < 0)
			return 1;
		close(fd);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);               /* a closed socket is an answer */
	{
		struct timeval tv = { .tv_sec = 60 };   /* a reply never comes: fail */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (qmpc_line(fd))                      /* the greeting */
		return 1;
	fflush(stdout);
	for (i++; i < argc; i++) {
		/* One write: hv acts on a message as soon as it parses, and
		 * after "quit" it is gone before a second write. */
		size_t n = strlen(argv[i]);
		char *m = malloc(n + 2);
		if (m == NULL)
			return 1;
		memcpy(m, argv[i], n);
		m[n] = '\n';
		if (write(fd, m, n + 1) < 0)
			return 1;
		free(m);
		if (qmpc_line(fd))
			return 1;
		fflush(stdout);
	}
	fflush(stdout);
	close(fd);
	return 0;
}
