/* ktap.c: a parser for KTAP version 1 and TAP 13 output (see ktap.h).
 *
 * The parser keeps a stack of open blocks, one per indentation depth.
 * A result line at depth d closes every deeper block: those were its
 * subtests, so it is a leaf only when they held no result.  Counts
 * flow up the stack as blocks close; plans are checked as they close.
 */
#include "ktap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KTAP_MAX_DEPTH 32
#define KTAP_LINE_MAX 4096
#define KTAP_NAME_MAX 512

/* One open block: the lines at one indentation depth. */
struct ktap_level {
	int indent;
	long plan;           /* -1 until a "1..N" line */
	int plan_skip;       /* the plan carried "# SKIP" */
	unsigned results;    /* result lines at this depth, for the plan */
	unsigned tot_res;    /* results in this block and below */
	unsigned tot_fail;   /* failures in this block and below */
	unsigned pend_res;   /* results below since this depth's last one */
	unsigned pend_fail;  /* failures below since this depth's last one */
	char name[128];      /* from "# Subtest: NAME" */
};

struct ktap_parser {
	struct ktap_summary *out;
	struct ktap_level lv[KTAP_MAX_DEPTH];
	int depth;                       /* open levels in lv[] */
	char *before[KTAP_DIAG_BEFORE];  /* ring of recent diagnostics */
	unsigned nbefore;                /* lines ever put in the ring */
	unsigned first_before;           /* oldest line still wanted */
	struct ktap_failure *open;       /* failure taking later diags */
	unsigned open_after;             /* diags it has taken */
	int bailed;
	int oom;
};

enum ktap_directive { KD_NONE, KD_SKIP, KD_TODO };

/* A parsed "ok"/"not ok" line. */
struct ktap_result {
	int ok;
	long number;         /* -1 when the line has none */
	enum ktap_directive directive;
	char desc[KTAP_NAME_MAX];
};

/* Case-insensitive prefix test, for directives. */
static int ktap_iprefix(const char *s, const char *prefix)
{
	while (*prefix) {
		if (tolower((unsigned char)*s) != *prefix)
			return 0;
		s++;
		prefix++;
	}
	return 1;
}

static char *ktap_strdup(struct ktap_parser *p, const char *s)
{
	char *d = strdup(s);

	if (!d)
		p->oom = 1;
	return d;
}

/* Copies at most cap-1 bytes of [s, s+n) and trims trailing blanks. */
static void ktap_copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	while (n > 0 && isspace((unsigned char)dst[n - 1]))
		n--;
	dst[n] = '\0';
}

/* Reads "#" + spaces + SKIP/TODO at s; the directive or KD_NONE. */
static enum ktap_directive ktap_directive_at(const char *s)
{
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	if (ktap_iprefix(s, "skip"))
		return KD_SKIP;
	if (ktap_iprefix(s, "todo"))
		return KD_TODO;
	return KD_NONE;
}

/* Splits "desc # DIRECTIVE reason" into r->desc and r->directive.  The
 * description stops at the first unescaped '#' after a blank. */
static void ktap_split_desc(const char *s, struct ktap_result *r)
{
	const char *hash = NULL;
	const char *q;

	for (q = s; *q; q++) {
		if (*q == '#' && (q == s || q[-1] == ' ' || q[-1] == '\t')) {
			hash = q;
			break;
		}
	}
	r->directive = hash ? ktap_directive_at(hash) : KD_NONE;
	ktap_copy_trim(r->desc, sizeof(r->desc), s,
		       hash ? (size_t)(hash - s) : strlen(s));
}

/* Parses "[not ]ok [N] [-] [desc] [# directive]"; 1 if s is one. */
static int ktap_parse_result(const char *s, struct ktap_result *r)
{
	const char *q;

	if (strncmp(s, "not ok", 6) == 0) {
		r->ok = 0;
		s += 6;
	} else if (strncmp(s, "ok", 2) == 0) {
		r->ok = 1;
		s += 2;
	} else {
		return 0;
	}
	if (*s != '\0' && *s != ' ' && *s != '\t')
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	r->number = -1;
	for (q = s; isdigit((unsigned char)*q) && q - s < 9; q++)
		;
	if (q > s && (*q == '\0' || *q == ' ' || *q == '\t')) {
		r->number = strtol(s, NULL, 10);
		s = q;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0'))
		s += s[1] ? 2 : 1;
	while (*s == ' ' || *s == '\t')
		s++;
	ktap_split_desc(s, r);
	return 1;
}

/* Parses "1..N [# SKIP reason]"; the plan, or -1 if s is not one. */
static long ktap_parse_plan(const char *s, int *skip)
{
	const char *q;
	long n;

	if (strncmp(s, "1..", 3) != 0)
		return -1;
	s += 3;
	for (q = s; isdigit((unsigned char)*q) && q - s < 9; q++)
		;
	if (q == s || (*q != '\0' && *q != ' ' && *q != '\t'))
		return -1;
	n = strtol(s, NULL, 10);
	q = strchr(q, '#');
	*skip = q && ktap_directive_at(q) == KD_SKIP;
	return n;
}

/* "a.b.c": the Subtest names of levels 0..top, then leaf (if any). */
static void ktap_path(struct ktap_parser *p, int top, const char *leaf,
		      char *buf, size_t cap)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i <= top && i < p->depth; i++) {
		if (p->lv[i].name[0])
			used += snprintf(buf + used, cap - used, "%s%s",
					 used ? "." : "", p->lv[i].name);
		if (used >= cap)
			return;
	}
	if (leaf && leaf[0])
		snprintf(buf + used, cap - used, "%s%s", used ? "." : "", leaf);
}

/* Joins the diagnostics gathered since the last result line. */
static char *ktap_take_before(struct ktap_parser *p)
{
	size_t len = 1;
	unsigned i;
	char *s;

	for (i = p->first_before; i < p->nbefore; i++)
		len += strlen(p->before[i % KTAP_DIAG_BEFORE]) + 1;
	s = malloc(len);
	if (!s) {
		p->oom = 1;
		return NULL;
	}
	s[0] = '\0';
	for (i = p->first_before; i < p->nbefore; i++) {
		strcat(s, p->before[i % KTAP_DIAG_BEFORE]);
		strcat(s, "\n");
	}
	return s;
}

/* Counts one failure and, while there is room, records it; the record
 * then takes the diagnostic lines that follow. */
static void ktap_fail(struct ktap_parser *p, const char *name,
		      const char *reason)
{
	struct ktap_summary *o = p->out;
	struct ktap_failure *f;

	o->failed++;
	p->open = NULL;
	if (o->nfailures >= KTAP_MAX_FAILURES || p->oom)
		return;
	f = realloc(o->failures, (o->nfailures + 1) * sizeof(*f));
	if (!f) {
		p->oom = 1;
		return;
	}
	o->failures = f;
	f = &o->failures[o->nfailures];
	f->name = ktap_strdup(p, name[0] ? name : "(top level)");
	f->reason = reason ? ktap_strdup(p, reason) : NULL;
	f->diag = ktap_take_before(p);
	if (!f->name || !f->diag || (reason && !f->reason)) {
		free(f->name);
		free(f->reason);
		free(f->diag);
		return;
	}
	o->nfailures++;
	p->open = f;
	p->open_after = 0;
}

/* Appends one diagnostic line to the failure still taking them. */
static void ktap_diag_after(struct ktap_parser *p, const char *line)
{
	struct ktap_failure *f = p->open;
	size_t old, add;
	char *d;

	if (!f || p->open_after >= KTAP_DIAG_AFTER)
		return;
	old = strlen(f->diag);
	add = strlen(line);
	d = realloc(f->diag, old + add + 2);
	if (!d) {
		p->oom = 1;
		return;
	}
	memcpy(d + old, line, add);
	d[old + add] = '\n';
	d[old + add + 1] = '\0';
	f->diag = d;
	p->open_after++;
}

/* A "# ..." line: remembered for the next failure, given to the last. */
static void ktap_diag(struct ktap_parser *p, const char *line)
{
	unsigned slot = p->nbefore % KTAP_DIAG_BEFORE;

	ktap_diag_after(p, line);
	if (p->nbefore >= KTAP_DIAG_BEFORE) {
		free(p->before[slot]);
		p->before[slot] = NULL;
	}
	p->before[slot] = ktap_strdup(p, line);
	if (!p->before[slot])
		return;
	p->nbefore++;
	if (p->nbefore - p->first_before > KTAP_DIAG_BEFORE)
		p->first_before = p->nbefore - KTAP_DIAG_BEFORE;
}

/* Ends a block: checks its plan (unless the stream bailed out) and
 * counts a plan-only skip when no parent result will account for it.
 * owner names the parent result closing it, or is NULL. */
static void ktap_finish_block(struct ktap_parser *p, int i, const char *owner)
{
	struct ktap_level *l = &p->lv[i];
	char name[KTAP_NAME_MAX], reason[96];

	if (l->plan < 0 || p->bailed)
		return;
	if (l->plan == 0 && l->plan_skip && l->results == 0) {
		if (!owner) {
			p->out->skipped++;
			l->tot_res++;
		}
		return;
	}
	if ((long)l->results == l->plan)
		return;
	snprintf(reason, sizeof(reason), "plan says %ld, saw %u",
		 l->plan, l->results);
	if (l->name[0] || !owner)
		ktap_path(p, i, NULL, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", owner);
	ktap_fail(p, name, reason);
	l->tot_fail++;
}

/* A line shallower than every open block (a producer that printed no
 * header at its outer depth) gets a level beneath them, so the blocks
 * it closes still count as its subtests. */
static void ktap_ensure_base(struct ktap_parser *p, int indent)
{
	struct ktap_level *l = &p->lv[0];

	if (indent < 0 || p->depth == 0 || l->indent <= indent ||
	    p->depth >= KTAP_MAX_DEPTH)
		return;
	memmove(&p->lv[1], &p->lv[0], p->depth * sizeof(*l));
	p->depth++;
	memset(l, 0, sizeof(*l));
	l->indent = indent;
	l->plan = -1;
}

/* Closes every level deeper than indent; their totals flow into the
 * level below, as pending subtest results of its next result line. */
static void ktap_pop_to(struct ktap_parser *p, int indent, const char *owner)
{
	ktap_ensure_base(p, indent);
	while (p->depth > 0 && p->lv[p->depth - 1].indent > indent) {
		struct ktap_level *l = &p->lv[p->depth - 1];

		ktap_finish_block(p, p->depth - 1, owner);
		if (p->depth >= 2) {
			struct ktap_level *up = &p->lv[p->depth - 2];

			up->tot_res += l->tot_res;
			up->tot_fail += l->tot_fail;
			up->pend_res += l->tot_res;
			up->pend_fail += l->tot_fail;
		}
		p->depth--;
	}
}

/* Starts the block at indent afresh (a second TAP stream at the same
 * depth), keeping the totals its parent will need. */
static void ktap_restart(struct ktap_parser *p)
{
	struct ktap_level *l = &p->lv[p->depth - 1];

	ktap_finish_block(p, p->depth - 1, NULL);
	l->plan = -1;
	l->plan_skip = 0;
	l->results = 0;
	l->name[0] = '\0';
}

/* Makes the level at indent the top of the stack; NULL if too deep.
 * Deeper levels must already be popped. */
static struct ktap_level *ktap_level_at(struct ktap_parser *p, int indent)
{
	struct ktap_level *l;

	if (p->depth > 0 && p->lv[p->depth - 1].indent == indent)
		return &p->lv[p->depth - 1];
	if (p->depth >= KTAP_MAX_DEPTH)
		return NULL;
	l = &p->lv[p->depth++];
	memset(l, 0, sizeof(*l));
	l->indent = indent;
	l->plan = -1;
	return l;
}

/* Forgets the diagnostics before a result line; they were its own. */
static void ktap_clear_before(struct ktap_parser *p)
{
	p->first_before = p->nbefore;
}

/* The full name of a result at indent: the Subtest names of the blocks
 * at or above it, then its description (or "#N" without one). */
static void ktap_result_name(struct ktap_parser *p, int indent,
			     const struct ktap_result *r, char *buf, size_t cap)
{
	char numbered[24];
	const char *leaf = r->desc;
	int top = p->depth - 1;

	if (!leaf[0]) {
		snprintf(numbered, sizeof(numbered), "#%ld", r->number);
		leaf = r->number >= 0 ? numbered : "#?";
	}
	while (top >= 0 && p->lv[top].indent > indent)
		top--;
	ktap_path(p, top, leaf, buf, cap);
}

/* Counts one result line: a leaf by its own status, a parent only when
 * it failed without any failure below it. */
static void ktap_on_result(struct ktap_parser *p, int indent,
			   const struct ktap_result *r)
{
	char name[KTAP_NAME_MAX];
	struct ktap_level *l;
	int leafy, failed;

	ktap_result_name(p, indent, r, name, sizeof(name));
	p->open = NULL;
	ktap_pop_to(p, indent, name);
	l = ktap_level_at(p, indent);
	if (!l)
		return;
	l->results++;
	leafy = l->pend_res == 0 && l->pend_fail == 0;
	failed = !r->ok && r->directive == KD_NONE;
	if (leafy) {
		l->tot_res++;
		if (failed) {
			ktap_fail(p, name, NULL);
			l->tot_fail++;
		} else if (r->directive != KD_NONE) {
			p->out->skipped++;
		} else {
			p->out->passed++;
		}
	} else if (failed && l->pend_fail == 0) {
		ktap_fail(p, name, NULL);
		l->tot_fail++;
	}
	l->pend_res = 0;
	l->pend_fail = 0;
	ktap_clear_before(p);
}

/* "KTAP version N", "1..N" or "# Subtest: X" at indent: opens or
 * restarts the block there. */
static void ktap_on_header(struct ktap_parser *p, int indent, long plan,
			   int plan_skip, const char *subtest)
{
	struct ktap_level *l;

	p->open = NULL;
	ktap_pop_to(p, indent, NULL);
	l = ktap_level_at(p, indent);
	if (!l)
		return;
	if (plan >= 0) {
		if (l->plan >= 0)
			ktap_restart(p);
		l->plan = plan;
		l->plan_skip = plan_skip;
	} else if (l->results > 0 || l->plan >= 0) {
		if (!subtest || l->name[0] || l->results > 0)
			ktap_restart(p);
	}
	if (subtest)
		snprintf(l->name, sizeof(l->name), "%s", subtest);
}

/* "Bail out!": one failure, and the rest of the stream is ignored. */
static void ktap_on_bail(struct ktap_parser *p, const char *line)
{
	char name[KTAP_NAME_MAX];

	ktap_path(p, p->depth - 1, NULL, name, sizeof(name));
	ktap_fail(p, name, line);
	if (p->depth > 0)
		p->lv[p->depth - 1].tot_fail++;
	p->bailed = 1;
}

/* Width of the leading blanks (a tab counts to the next multiple of 8). */
static int ktap_indent(const char *s, const char **rest)
{
	int n = 0;

	for (;; s++) {
		if (*s == ' ')
			n++;
		else if (*s == '\t')
			n = (n / 8 + 1) * 8;
		else
			break;
	}
	*rest = s;
	return n;
}

/* Classifies one line (without its newline) and acts on it. */
static void ktap_line(struct ktap_parser *p, const char *raw)
{
	struct ktap_result r;
	const char *s;
	int indent = ktap_indent(raw, &s), skip = 0;
	long plan;

	if (p->bailed)
		return;
	if (ktap_parse_result(s, &r)) {
		ktap_on_result(p, indent, &r);
	} else if ((plan = ktap_parse_plan(s, &skip)) >= 0) {
		ktap_on_header(p, indent, plan, skip, NULL);
	} else if (strncmp(s, "KTAP version ", 13) == 0 ||
		   strncmp(s, "TAP version ", 12) == 0) {
		ktap_on_header(p, indent, -1, 0, NULL);
	} else if (strncmp(s, "# Subtest:", 10) == 0) {
		char name[128];
		const char *n = s + 10 + strspn(s + 10, " ");

		ktap_copy_trim(name, sizeof(name), n, strlen(n));
		ktap_on_header(p, indent, -1, 0, name);
	} else if (strncmp(s, "Bail out!", 9) == 0) {
		ktap_on_bail(p, s);
	} else if (s[0] == '#' && (s[1] == ' ' || s[1] == '\0')) {
		ktap_diag(p, s);
	}
}

/* Copies one line into buf (NULs become '?', \r and the tail beyond
 * KTAP_LINE_MAX dropped) and returns the length consumed with '\n'. */
static size_t ktap_next_line(const char *text, size_t len, char *buf)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len, i, k = 0;

	for (i = 0; i < n && k < KTAP_LINE_MAX - 1; i++) {
		if (text[i] == '\r')
			continue;
		buf[k++] = text[i] ? text[i] : '?';
	}
	buf[k] = '\0';
	return nl ? n + 1 : n;
}

int ktap_parse(const char *text, size_t len, struct ktap_summary *out)
{
	struct ktap_parser *p = calloc(1, sizeof(*p));
	char *line = malloc(KTAP_LINE_MAX);
	size_t off = 0;
	unsigned i;
	int rc;

	if (!p || !line) {
		free(p);
		free(line);
		return -1;
	}
	p->out = out;
	while (off < len && !p->oom) {
		off += ktap_next_line(text + off, len - off, line);
		ktap_line(p, line);
	}
	p->open = NULL;
	ktap_pop_to(p, -1, NULL);
	rc = p->oom ? -1 : 0;
	for (i = 0; i < KTAP_DIAG_BEFORE; i++)
		free(p->before[i]);
	free(p);
	free(line);
	return rc;
}

void ktap_summary_free(struct ktap_summary *s)
{
	unsigned i;

	for (i = 0; i < s->nfailures; i++) {
		free(s->failures[i].name);
		free(s->failures[i].reason);
		free(s->failures[i].diag);
	}
	free(s->failures);
	memset(s, 0, sizeof(*s));
}
