/* ktap.h: a parser for KTAP version 1 and TAP 13 test output.
 *
 * The parser is a pure function over a text buffer: no I/O, no global
 * state.  It understands nesting by indentation (any consistent number
 * of spaces per level), counts only leaf results (a result line whose
 * subtest block holds no result), and records every failure with its
 * name, a reason when the failure is not a plain "not ok", and the
 * diagnostic lines ("# ...") printed around it.  Lines it does not
 * recognise (a boot log before the KTAP header, say) are ignored.
 *
 * Counting rules:
 *   - "# SKIP" (any case) in the directive counts as skipped, whatever
 *     "ok"/"not ok" says; "not ok ... # TODO" also counts as skipped.
 *   - A block whose plan ("1..N") disagrees with the number of results
 *     it holds counts one extra failure: "plan says 5, saw 3".
 *   - A non-leaf "not ok" whose subtree holds no failure counts one
 *     failure itself (a suite can fail outside its cases).
 *   - "Bail out!" counts one failure.
 *   - A top-level "1..0 # SKIP reason" with no result counts one skip.
 */
#ifndef KTAP_H
#define KTAP_H

#include <stddef.h>

/* One failing test (or failing block). */
struct ktap_failure {
	char *name;   /* "suite.case", or "#N" when the line names none */
	char *reason; /* NULL for a plain "not ok"; else why it failed */
	char *diag;   /* the "# ..." lines near it, '\n'-joined; never NULL */
};

/* What ktap_parse() found.  Zero it before the first use. */
struct ktap_summary {
	unsigned passed;
	unsigned failed;
	unsigned skipped;
	unsigned nfailures;             /* entries in failures[] */
	struct ktap_failure *failures;  /* at most KTAP_MAX_FAILURES */
};

/* failures[] keeps the first this many; the counts stay exact. */
#define KTAP_MAX_FAILURES 1000
/* Diagnostic lines kept per failure, before and after its result. */
#define KTAP_DIAG_BEFORE 20
#define KTAP_DIAG_AFTER 60

/* Parses len bytes of text (need not be NUL-terminated; NUL bytes are
 * treated as line content).  Returns 0, or -1 when memory ran out (the
 * summary then holds what was parsed so far).  Free with
 * ktap_summary_free(). */
int ktap_parse(const char *text, size_t len, struct ktap_summary *out);

/* Releases what ktap_parse() allocated and zeroes the summary. */
void ktap_summary_free(struct ktap_summary *s);

#endif /* KTAP_H */
