/* accel.c: where hv's KVM comes from (--accel kvm|nested|auto).
 *
 * kvm: /dev/kvm on this machine.  nested: the same hv, run by
 * nested/kvm-run inside a small Linux VM under QEMU TCG whose emulated
 * AMD SVM CPU gives it a real KVM (nested/README.md).  auto (default):
 * kvm when /dev/kvm opens for reading and writing, else nested, said in
 * one line on stderr.  The choice is made after the command line, the
 * kernel, the modules and the ROM have been checked, so a bad flag or
 * image is refused here, at once, whatever the machine. */
#include "hv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The runner: $HV_KVM_RUN, else kvm-run beside hv's own executable
 * (the build links build/hv/kvm-run to nested/kvm-run). */
static int accel_runner(char *path, size_t len, char *self, size_t selflen)
{
	const char *env = getenv("HV_KVM_RUN");
	ssize_t n = readlink("/proc/self/exe", self, selflen - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (env && *env)
		return snprintf(path, len, "%s", env) >= (int)len ? -1 : 0;
	slash = strrchr(self, '/');
	if (slash == NULL)
		return -1;
	return snprintf(path, len, "%.*s/kvm-run", (int)(slash - self), self)
	       >= (int)len ? -1 : 0;
}

/* Runs this same command line again, with --accel kvm, inside the
 * nested VM; returns only when the runner cannot be started.  The
 * runner gives back the inner hv's stdout, stderr and status exactly;
 * its own failures become status 16 and a hung VM status 8. */
static int accel_nested(struct hv *hv, int argc, char **argv)
{
	char runner[PATH_MAX], self[PATH_MAX], timeout[32];
	char **av = calloc((size_t)argc + 16, sizeof(*av));
	int n = 0;

	if (av == NULL)
		return HV_EXIT_INTERNAL;
	if (accel_runner(runner, sizeof(runner), self, sizeof(self))) {
		fprintf(stderr, "hv: cannot find nested/kvm-run (set HV_KVM_RUN)\n");
		return HV_EXIT_NESTED;
	}
	av[n++] = runner;
	av[n++] = "--accel";
	av[n++] = "nested";
	av[n++] = "--fail-status";
	av[n++] = "16";
	av[n++] = "--timeout-status";
	av[n++] = "8";
	if (hv->opt.timeout > 0) {      /* a backstop: the inner hv stops first */
		snprintf(timeout, sizeof(timeout), "%.0f", ceil(hv->opt.timeout) + 60);
		av[n++] = "--timeout";
		av[n++] = timeout;
	}
	av[n++] = "--";
	av[n++] = self;
	av[n++] = "--accel";
	av[n++] = "kvm";
	for (int i = 1; i < argc; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	execv(runner, av);
	fprintf(stderr, "hv: cannot run %s: %s\n", runner, strerror(errno));
	free(av);
	return HV_EXIT_NESTED;
}

/* Opens the KVM device into hv->kvm, or says why not (errno kept). */
static int accel_open_kvm(struct hv *hv, const char **dev)
{
	const char *env = getenv("HV_KVM_DEV");

	*dev = env && *env ? env : "/dev/kvm";
	hv->kvm = open(*dev, O_RDWR | O_CLOEXEC);
	return hv->kvm < 0 ? -1 : 0;
}

int accel__choose(struct hv *hv, int argc, char **argv)
{
	const char *mode = hv->opt.accel, *dev;
	int err;

	if (strcmp(mode, "nested") == 0) {
		fprintf(stderr, "hv: accel nested: asked for; running inside a "
			"nested-KVM VM under QEMU TCG\n");
		return accel_nested(hv, argc, argv);
	}
	if (accel_open_kvm(hv, &dev) == 0) {
		if (strcmp(mode, "auto") == 0)
			fprintf(stderr, "hv: accel kvm: %s is usable\n", dev);
		return 0;
	}
	err = errno;
	if (strcmp(mode, "kvm") == 0) {
		fprintf(stderr, "hv: --accel kvm: %s: %s: this machine has no usable "
			"KVM; --accel auto (the default) or nested runs the guest "
			"inside a nested-KVM VM under QEMU TCG (hv/hv.md)\n",
			dev, strerror(err));
		return HV_EXIT_NO_KVM;
	}
	fprintf(stderr, "hv: accel nested: %s: %s; running inside a nested-KVM "
		"VM under QEMU TCG (exit counts as on KVM, times not)\n",
		dev, strerror(err));
	return accel_nested(hv, argc, argv);
}
