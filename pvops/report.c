/*
 * report.c: counting patched sites and formatting the patch report.
 *
 * The kernel and the host tool print through this file, so their tables
 * are the same by construction.  A tiny line builder replaces snprintf:
 * the kernel may print this before its C library is set up, and nothing
 * here needs more than strings and unsigned decimals.
 */
#include <pvops/report.h>

/* A line being built: always NUL-terminated, counts what did not fit. */
struct pv_line {
	char *buf;
	size_t size;
	size_t len;		/* length of the full line, even if cut */
};

static void pv_line_init(struct pv_line *l, char *buf, size_t size)
{
	l->buf = buf;
	l->size = buf ? size : 0;
	l->len = 0;
	if (l->size)
		buf[0] = '\0';
}

static void pv_line_putc(struct pv_line *l, char c)
{
	if (l->len + 1 < l->size) {
		l->buf[l->len] = c;
		l->buf[l->len + 1] = '\0';
	}
	l->len++;
}

static size_t pv_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* s, left-aligned in width columns (at least one space follows if cut). */
static void pv_line_str(struct pv_line *l, const char *s, size_t width)
{
	size_t n = pv_strlen(s);

	while (*s)
		pv_line_putc(l, *s++);
	while (n++ < width)
		pv_line_putc(l, ' ');
}

/* v in decimal, right-aligned in width columns. */
static void pv_line_u64(struct pv_line *l, uint64_t v, size_t width)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (width-- > n)
		pv_line_putc(l, ' ');
	while (n)
		pv_line_putc(l, digits[--n]);
}

/* The set of site lengths as "6" or "6,8,11", padded to width. */
static void pv_line_lens(struct pv_line *l, uint64_t lens, size_t width)
{
	size_t start = l->len;
	int first = 1;

	for (unsigned n = 0; n < 64; n++) {
		if (!(lens & ((uint64_t)1 << n)))
			continue;
		if (!first)
			pv_line_putc(l, ',');
		pv_line_u64(l, n, 0);
		first = 0;
	}
	if (first)
		pv_line_putc(l, '-');
	while (l->len - start < width)
		pv_line_putc(l, ' ');
}

void pv_report_init(struct pv_report *r)
{
	uint8_t *p = (uint8_t *)r;

	for (size_t i = 0; i < sizeof(*r); i++)
		p[i] = 0;
}

void pv_report_add(struct pv_report *r, const struct pv_site *site, int kind)
{
	struct pv_report_op *o;

	if (kind < 0 || kind >= PV_KIND_COUNT)
		kind = PV_REPORT_INDIRECT;
	r->total++;
	if (site->op >= PV_OP_COUNT) {
		r->unknown++;
		return;
	}
	r->kinds[kind]++;
	o = &r->op[site->op];
	o->sites++;
	o->kinds[kind]++;
	if (site->len < 64)
		o->lens |= (uint64_t)1 << site->len;
}

size_t pv_report_summary(const struct pv_report *r, char *buf, size_t size)
{
	struct pv_line l;

	pv_line_init(&l, buf, size);
	pv_line_str(&l, "pvops: ", 0);
	pv_line_u64(&l, r->total, 0);
	pv_line_str(&l, " sites: ", 0);
	pv_line_u64(&l, r->kinds[PV_NATIVE], 0);
	pv_line_str(&l, " inlined, ", 0);
	pv_line_u64(&l, r->kinds[PV_CALL], 0);
	pv_line_str(&l, " direct calls, ", 0);
	pv_line_u64(&l, r->kinds[PV_JUMP], 0);
	pv_line_str(&l, " jumps, ", 0);
	pv_line_u64(&l, r->kinds[PV_NOP], 0);
	pv_line_str(&l, " removed, ", 0);
	pv_line_u64(&l, r->kinds[PV_REPORT_INDIRECT], 0);
	pv_line_str(&l, " indirect", 0);
	if (r->kinds[PV_INLINE]) {	/* ROM ABI 1.2 inline answers */
		pv_line_str(&l, ", ", 0);
		pv_line_u64(&l, r->kinds[PV_INLINE], 0);
		pv_line_str(&l, " ROM inline", 0);
	}
	if (r->unknown) {
		pv_line_str(&l, ", ", 0);
		pv_line_u64(&l, r->unknown, 0);
		pv_line_str(&l, " with unknown op", 0);
	}
	return l.len;
}

/* Column widths of the per-op table, shared by header and rows. */
enum { W_OP = 16, W_GROUP = 8, W_NUM = 6, W_LENS = 10 };

size_t pv_report_header(char *buf, size_t size)
{
	struct pv_line l;

	pv_line_init(&l, buf, size);
	pv_line_str(&l, "op", W_OP);
	pv_line_str(&l, "group", W_GROUP);
	pv_line_str(&l, " sites", 0);
	pv_line_str(&l, "  lengths", W_LENS + 2);
	pv_line_str(&l, "inline  call  jump   nop indir", 0);
	return l.len;
}

size_t pv_report_op_line(const struct pv_report *r, unsigned op, char *buf,
			 size_t size)
{
	const struct pv_op_info *info = pv_op_lookup(op);
	const struct pv_report_op *o;
	static const int order[] = { PV_NATIVE, PV_CALL, PV_JUMP, PV_NOP,
				     PV_REPORT_INDIRECT };
	struct pv_line l;

	pv_line_init(&l, buf, size);
	if (!info)
		return l.len;
	o = &r->op[op];
	pv_line_str(&l, info->name, W_OP);
	pv_line_str(&l, pv_group_name[info->group], W_GROUP);
	pv_line_u64(&l, o->sites, W_NUM);
	pv_line_str(&l, "  ", 0);
	pv_line_lens(&l, o->lens, W_LENS);
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		pv_line_u64(&l, o->kinds[order[i]], W_NUM);
	if (r->kinds[PV_INLINE])	/* ROM ABI 1.2: only when a ROM inlined */
		pv_line_u64(&l, o->kinds[PV_INLINE], W_NUM);
	return l.len;
}

void pv_report_print(const struct pv_report *r, int verbose,
		     pv_print_fn *print, void *arg)
{
	char line[PV_REPORT_LINE];

	pv_report_summary(r, line, sizeof(line));
	print(arg, line);
	if (!verbose)
		return;
	size_t n = pv_report_header(line, sizeof(line));
	if (r->kinds[PV_INLINE] && n + 6 < sizeof(line)) {	/* the ROM-inline column */
		const char *t = "   rom";
		for (unsigned i = 0; i <= 6; i++)
			line[n + i] = t[i];
	}
	print(arg, line);
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		pv_report_op_line(r, op, line, sizeof(line));
		print(arg, line);
	}
}
