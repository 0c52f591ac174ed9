/*
 * report.h: the patch report, counted per op and formatted as text lines.
 *
 * Shared by the kernel (the boot line, and the full table with
 * pvops=verbose) and the host tool build/pvops/pvreport, so both print
 * the same table.  Freestanding: formats into caller buffers or hands
 * finished lines (no newline) to a caller's print function; no libc.
 */
#ifndef PVOPS_REPORT_H
#define PVOPS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <pvops/ops.h>
#include <pvops/patch.h>
#include <pvops/site.h>

/* kinds[] index 0 counts sites left as indirect calls (or undecided). */
#define PV_REPORT_INDIRECT	0

struct pv_report_op {
	uint32_t sites;
	uint32_t kinds[PV_KIND_COUNT];	/* by enum pv_kind; 0 = indirect */
	uint64_t lens;			/* bit n: a site of n bytes (n < 64) */
};

struct pv_report {
	uint32_t total;			/* every record added */
	uint32_t unknown;		/* records with an unknown op id */
	uint32_t kinds[PV_KIND_COUNT];
	struct pv_report_op op[PV_OP_COUNT];
};

/* A line of text is long enough in this many bytes (NUL included). */
#define PV_REPORT_LINE	128

typedef void pv_print_fn(void *arg, const char *line);

void pv_report_init(struct pv_report *r);

/* Count one site and what was done with it (a PV_* kind, or 0 = indirect). */
void pv_report_add(struct pv_report *r, const struct pv_site *site, int kind);

/*
 * Format into buf (size bytes, always NUL-terminated, truncated if too
 * small); return the length the full line has, like snprintf.
 *   summary:  "pvops: 57 sites: 40 inlined, 9 direct calls, 0 jumps,
 *              8 removed, 0 indirect"
 *   header:   the column titles of the per-op table
 *   op line:  one op's row
 */
size_t pv_report_summary(const struct pv_report *r, char *buf, size_t size);
size_t pv_report_header(char *buf, size_t size);
size_t pv_report_op_line(const struct pv_report *r, unsigned op, char *buf,
			 size_t size);

/* The summary, and with verbose the header and one row per op. */
void pv_report_print(const struct pv_report *r, int verbose,
		     pv_print_fn *print, void *arg);

#endif
