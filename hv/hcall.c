/* hcall.c: the hypercall table and hv's own hypercalls (port dispatch
 * is the bus's, bus.c).  See hcall.h for the transport and the
 * registration API. */
#include "hcall.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct hv_hcall_entry {
	const char *name;
	hv_hcall_fn fn;
};

static struct hv_hcall_entry hv_hcalls[HV_HCALL_MAX];

/* Put fn at number nr; a number is registered once. */
int hv_hcall_register(uint32_t nr, const char *name, hv_hcall_fn fn)
{
	if (nr >= HV_HCALL_MAX || fn == NULL || hv_hcalls[nr].fn != NULL)
		return -1;
	hv_hcalls[nr] = (struct hv_hcall_entry){ name, fn };
	return 0;
}

const char *hv_hcall_name(uint32_t nr)
{
	return nr < HV_HCALL_MAX && hv_hcalls[nr].name ? hv_hcalls[nr].name : "?";
}

/* The checked door for hypercall arguments: a pointer to len guest bytes
 * at gpa, or NULL after ending the guest with the reason. */
void *hv_guest_range(struct hv *hv, uint64_t gpa, uint64_t len,
		     const char *what)
{
	void *p = gmem_range(&hv->gm, gpa, len);

	if (p == NULL)
		hv_end(hv, HV_EXIT_GUEST,
		       "%s: guest range %#" PRIx64 "+%#" PRIx64
		       " is not guest RAM", what, gpa, len);
	return p;
}

/* The hypercall transport: a 4-byte out whose value is the number.
 * Anything else on the port is a confused or hostile guest. */
void hv_hcall_port(struct hv *hv, struct hv_io *io, void *opaque)
{
	struct kvm_regs r;
	struct hv_hcall hc = { 0 };
	(void)opaque;

	if (!io->out || io->size != 4) {
		hv_end(hv, HV_EXIT_GUEST,
		       "hypercall port %#x: %u-byte %s; hypercalls are 4-byte outs",
		       io->port, io->size, io->out ? "out" : "in");
		return;
	}
	if (io->val >= HV_HCALL_MAX || hv_hcalls[io->val].fn == NULL) {
		hv->stats.hcall_bad++;
		hv_end(hv, HV_EXIT_GUEST, "unknown hypercall %#x on port %#x",
		       io->val, io->port);
		return;
	}
	if (vcpu__get_regs(hv, &r))
		return;
	hc.nr = io->val;
	hc.arg[0] = r.rbx; hc.arg[1] = r.rcx; hc.arg[2] = r.rdx;
	hc.arg[3] = r.rsi; hc.arg[4] = r.rdi;
	hv->stats.hcall[hc.nr]++;
	if (hv_hcalls[hc.nr].fn(hv, &hc) != HV_HC_OK)
		return;
	r.rax = hc.ret;
	vcpu__set_regs(hv, &r);
}

static int hv_hc_nop(struct hv *hv, struct hv_hcall *hc)
{
	(void)hv;
	hc->ret = 0;
	return HV_HC_OK;
}

/* Console write from guest memory: the model of a hypercall that takes
 * a buffer, with the length capped before the range is even checked. */
static int hv_hc_puts(struct hv *hv, struct hv_hcall *hc)
{
	const void *p;

	if (hc->arg[1] > HV_HC_PUTS_MAX) {
		hv_end(hv, HV_EXIT_GUEST, "hypercall puts: length %#" PRIx64
		       " over the limit %#x", hc->arg[1], HV_HC_PUTS_MAX);
		return HV_HC_FAULT;
	}
	p = hv_guest_range(hv, hc->arg[0], hc->arg[1], "hypercall puts");
	if (p == NULL)
		return HV_HC_FAULT;
	uart__flush();
	hc->ret = fwrite(p, 1, hc->arg[1], stdout) == hc->arg[1] ? hc->arg[1]
								: (uint64_t)-1;
	fflush(stdout);
	return HV_HC_OK;
}

static int hv_hc_stats(struct hv *hv, struct hv_hcall *hc)
{
	hc->ret = stats__read(hv, (uint32_t)hc->arg[0]);
	return HV_HC_OK;
}

/* hv's own transport port and hypercalls. */
void hcall__init(struct hv *hv)
{
	(void)hv;
	hv_port_register(HV_PORT_HCALL, 4, "hypercall", hv_hcall_port, NULL);
	hv_hcall_register(HV_HC_NOP, "hv.nop", hv_hc_nop);
	hv_hcall_register(HV_HC_PUTS, "hv.puts", hv_hc_puts);
	hv_hcall_register(HV_HC_STATS, "hv.stats", hv_hc_stats);
}
