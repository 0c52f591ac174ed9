/*
 * cmdline.h: the kernel command line as options.  Parsing is a pure
 * function (cmdline.c), unit-tested on the host.
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum pv_mode { PVMODE_PATCH, PVMODE_NOPATCH };

#define KOPT_STR 64

struct kopts {
	bool test;			/* run the self-tests, then exit */
	bool bench;			/* run the benchmarks, then exit */
	bool quiet;			/* no boot log */
	bool pv_verbose;		/* full patch table at boot */
	bool rom_off;			/* ignore any hypervisor ROM */
	bool rom_inline_off;		/* rominline=off: ROM inline answers unused */
	enum pv_mode pv_mode;
	char test_filter[KOPT_STR];	/* test=NAME: only cases starting so */
	char bench_filter[KOPT_STR];	/* bench=NAME */
	char expect[KOPT_STR];		/* expect=NAME: the backend that must bind */
	char virtio[KOPT_STR];		/* virtio=blk[,ro]: devices whose driver must bind */
	/* Issue 14 (ABI 1.3 re-binding, kernel/rebind.c). */
	bool rebind_off;		/* rebind=off: never re-bind */
	unsigned rebind_wait;		/* rebind.wait=N: N re-binds before test/bench */
	bool rebind_hop;		/* rebind.hop: a re-bind comes during the tests */
	bool no_int3;			/* noint3: the platform cannot run an int3
					 * (QEMU on a KVM that emulates) */
};

/* Called once per word the parser does not take; msg says why. */
typedef void (*cmdline_warn_fn)(const char *word, size_t len, const char *msg);

int cmdline_parse(const char *s, struct kopts *o, cmdline_warn_fn warn);

#endif
