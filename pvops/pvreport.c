/*
 * pvreport.c: prints the pvops patch report of a kernel ELF without booting.
 *
 *   pvreport [--native] [--sites] KERNEL.elf
 *
 * Reads the call-site records of section .pv_sites, checks every site in
 * the file still holds the indirect call its record describes, and prints
 * the same summary and per-op table the kernel prints with pvops=verbose
 * (pvops/report.c).  With --native it also runs the patcher on a copy of
 * every site with the decision a boot without a hypervisor ROM makes
 * (native/templates.c), so the table shows what would be inlined, called
 * or removed, and any site that boot would refuse is reported here first.
 * Exit status: 0 all sites fine, 1 some site stale or refused, 2 usage or
 * unreadable file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <native/templates.h>
#include <pvops/ops.h>
#include <pvops/patch.h>
#include <pvops/report.h>
#include "elfsites.h"

struct pvr_opts {
	int native;
	int list;
	const char *path;
};

static void pvr_print(void *arg, const char *line)
{
	fprintf(arg, "%s\n", line);
}

/* The whole file in memory; NULL (message printed) on failure. */
static uint8_t *pvr_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f) {
		fprintf(stderr, "pvreport: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? n : 1)) &&
	    fread(buf, 1, n, f) == (size_t)n) {
		*size = n;
		fclose(f);
		return buf;
	}
	fprintf(stderr, "pvreport: %s: cannot read\n", path);
	free(buf);
	fclose(f);
	return NULL;
}

/* Register mask as "rax,rdx", "sysv" for the SysV set, "-" if empty. */
static void pvr_regs(uint16_t mask, char *out, size_t size)
{
	static const char *const name[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
	size_t len = 0;

	snprintf(out, size, mask == PV_CLOBBERS_SYSV ? "sysv" : "-");
	if (mask == PV_CLOBBERS_SYSV)
		return;
	for (int r = 0; r < 16 && len < size; r++)
		if (mask & (1u << r))
			len += snprintf(out + len, size - len, "%s%s",
					len ? "," : "", name[r]);
}

/*
 * What happens to one site: 0 (left indirect) without --native, else the
 * kind of the no-ROM decision, or -1 if the site is stale or refused.
 * The slot is taken from the site's own displacement: the host does not
 * know the op table's address, so only the opcode is checked here.
 */
static int pvr_site_kind(const struct pvr_opts *o, const uint8_t *text,
			 const struct pv_site *s, const char **why)
{
	uint8_t buf[PV_SITE_MAX_LEN];
	struct pv_decision d;
	uint64_t slot;
	int32_t disp;

	if (s->op >= PV_OP_COUNT)
		return *why = pv_patch_strerror(PV_ERR_OP), -1;
	if (s->len > PV_SITE_MAX_LEN || s->len < PV_SITE_CALL_LEN)
		return *why = pv_patch_strerror(PV_ERR_RECORD), -1;
	if (!text)
		return *why = "site not in the file's text", -1;
	memcpy(buf, text, s->len);
	memcpy(&disp, buf + 2, 4);
	slot = s->addr + PV_SITE_CALL_LEN + (int64_t)disp;
	if (!pv_site_unpatched(buf, s, slot))
		return *why = pv_patch_strerror(PV_ERR_STALE), -1;
	if (!o->native)
		return PV_REPORT_INDIRECT;
	/* Native C functions live in the kernel: in reach of any site. */
	nat_decide(s->op, s->addr, &d);
	if (pv_patch_site(buf, s, &d, slot, why) != PV_OK)
		return -1;
	return d.kind;
}

static void pvr_list(const struct pv_site *s, int kind, const char *why)
{
	char regs[64];

	pvr_regs(s->clobbers, regs, sizeof(regs));
	printf("%#018llx  %-16s len %2u  clobbers %-16s %s\n",
	       (unsigned long long)s->addr, pv_op_name(s->op), s->len, regs,
	       kind < 0 ? why : kind ? pv_kind_name(kind) : "indirect");
}

/* Report every site; the number of stale or refused ones. */
static size_t pvr_report(const struct pvr_opts *o, const uint8_t *img,
			 size_t size, const struct pv_site *sites, size_t n)
{
	struct pv_report r;
	size_t bad = 0;

	pv_report_init(&r);
	for (size_t i = 0; i < n; i++) {
		const struct pv_site *s = &sites[i];
		const char *why = "";
		int kind = pvr_site_kind(o, pv_elf_bytes(img, size, s->addr,
							  s->len), s, &why);

		if (o->list)
			pvr_list(s, kind, why);
		if (kind < 0) {
			fprintf(stderr, "pvreport: site %#llx (%s): %s\n",
				(unsigned long long)s->addr,
				pv_op_name(s->op), why);
			bad++;
		}
		pv_report_add(&r, s, kind < 0 ? PV_REPORT_INDIRECT : kind);
	}
	pv_report_print(&r, 1, pvr_print, stdout);
	return bad;
}

static int pvr_usage(void)
{
	fprintf(stderr, "usage: pvreport [--native] [--sites] KERNEL.elf\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct pvr_opts o = { 0 };
	struct pv_site *sites;
	const char *err;
	size_t size, n, bad;
	uint8_t *img;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--native"))
			o.native = 1;
		else if (!strcmp(argv[i], "--sites"))
			o.list = 1;
		else if (argv[i][0] == '-' || o.path)
			return pvr_usage();
		else
			o.path = argv[i];
	}
	if (!o.path)
		return pvr_usage();
	if (!(img = pvr_slurp(o.path, &size)))
		return 2;
	if (pv_elf_sites(img, size, &sites, &n, &err)) {
		fprintf(stderr, "pvreport: %s: %s\n", o.path, err);
		free(img);
		return 2;
	}
	bad = pvr_report(&o, img, size, sites, n);
	free(sites);
	free(img);
	return bad ? 1 : 0;
}
