/* ktap-count.c: counts the KTAP/TAP results on standard input.
 *
 *   ktap-count [-v] < output
 *
 * Prints one line "passed N failed N skipped N", then one line per
 * failing test, "not ok NAME" or "not ok NAME: REASON", and with -v the
 * diagnostic lines around each failure, indented.  Exit status: 0 when
 * nothing failed, 1 when something did, 2 on bad usage or read error.
 * tests/run-suites.sh and tests/boot/boot-qemu.sh use it.
 */
#include "ktap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads all of f into a malloc'd buffer; NULL on error. */
static char *kc_slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *buf = malloc(cap), *bigger;

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		bigger = cap > ((size_t)1 << 30) ? NULL : realloc(buf, cap * 2);
		if (!bigger) {
			fprintf(stderr, "ktap-count: input too large\n");
			free(buf);
			return NULL;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		perror("ktap-count: reading standard input");
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Prints each '\n'-terminated line of diag with an indent. */
static void kc_print_diag(const char *diag)
{
	const char *nl;

	while ((nl = strchr(diag, '\n')) != NULL) {
		printf("    %.*s\n", (int)(nl - diag), diag);
		diag = nl + 1;
	}
}

static void kc_report(const struct ktap_summary *s, int verbose)
{
	unsigned i;

	printf("passed %u failed %u skipped %u\n", s->passed, s->failed,
	       s->skipped);
	for (i = 0; i < s->nfailures; i++) {
		const struct ktap_failure *f = &s->failures[i];

		printf("not ok %s%s%s\n", f->name, f->reason ? ": " : "",
		       f->reason ? f->reason : "");
		if (verbose)
			kc_print_diag(f->diag);
	}
	if (s->failed > s->nfailures)
		printf("(%u more failures not listed)\n",
		       s->failed - s->nfailures);
}

int main(int argc, char **argv)
{
	struct ktap_summary s = { 0 };
	int verbose = argc == 2 && strcmp(argv[1], "-v") == 0;
	size_t len = 0;
	char *text;
	int rc;

	if (argc > 2 || (argc == 2 && !verbose)) {
		fprintf(stderr, "usage: ktap-count [-v] < output\n");
		return 2;
	}
	text = kc_slurp(stdin, &len);
	if (!text)
		return 2;
	rc = ktap_parse(text, len, &s);
	free(text);
	if (rc != 0) {
		fprintf(stderr, "ktap-count: out of memory\n");
		ktap_summary_free(&s);
		return 2;
	}
	kc_report(&s, verbose);
	rc = s.failed ? 1 : 0;
	ktap_summary_free(&s);
	return rc;
}
