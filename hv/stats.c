/* stats.c: exit counters, for --stats at the end and for the guest to
 * read back while it runs (port 0xf0 or hypercall hv.stats).
 *
 * Selectors (32 bits, written to port 0xf0 or passed in arg0):
 *   0x00000000          all exits so far (including the one reading)
 *   0x0001RRRR          exits with KVM exit reason RRRR (KVM_EXIT_IO = 2,
 *                       KVM_EXIT_MMIO = 6, KVM_EXIT_INTR = 10, ...)
 *   0x0002PPPP          port-I/O exits on port PPPP
 *   0x0003NNNN          hypercalls with number NNNN
 *   0x00040000          unknown hypercall numbers
 *   0x00040001/2/3      MMIO reads, MMIO writes, writes to the ROM window
 *   0x00050000          4 KiB pages in the virtio balloon
 *   0x00050001          guest RAM pages resident in the host (mincore)
 *   0x00050002          hv's resident set in 4 KiB pages (/proc/self/statm)
 *   0x00040004/5        device notifies through a ROM (DEVICE_NOTIFY, ABI
 *                       1.1), and those no device claimed (refused)
 *   anything else       reads as all ones */
#include "hcall.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const stats_reason_name[] = {
	[KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
	[KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall",
	[KVM_EXIT_DEBUG] = "debug", [KVM_EXIT_HLT] = "hlt",
	[KVM_EXIT_MMIO] = "mmio", [KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window",
	[KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr", [KVM_EXIT_SET_TPR] = "set_tpr",
	[KVM_EXIT_TPR_ACCESS] = "tpr_access",
	[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_SYSTEM_EVENT] = "system_event",
};

const char *stats__reason_name(unsigned r)
{
	if (r < sizeof(stats_reason_name) / sizeof(stats_reason_name[0]) &&
	    stats_reason_name[r])
		return stats_reason_name[r];
	return "other";
}

int stats__init(struct hv *hv)
{
	hv->stats.port = calloc(0x10000, sizeof(uint64_t));
	return hv->stats.port ? 0 : -1;
}

void stats__exit(struct hv *hv, unsigned reason)
{
	hv->stats.total++;
	hv->stats.reason[reason < HV_NREASON ? reason : 0]++;
}

/* Pages of guest RAM the host has backed now: what ballooning frees. */
uint64_t stats__guest_resident(struct hv *hv)
{
	uint64_t pages = hv->gm.size / 4096, n = 0;
	unsigned char *vec = malloc(pages ? pages : 1);

	if (vec == NULL || hv->gm.ram == NULL || mincore(hv->gm.ram, hv->gm.size, vec)) {
		free(vec);
		return UINT64_MAX;
	}
	for (uint64_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

uint64_t stats__rss_pages(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	long page = sysconf(_SC_PAGESIZE);

	if (f == NULL)
		return UINT64_MAX;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (uint64_t)rss * (uint64_t)page / 4096;
}

uint64_t stats__read(struct hv *hv, uint32_t sel)
{
	const struct hv_stats *s = &hv->stats;
	uint32_t lo = sel & 0xffff;

	switch (sel >> 16) {
	case 0: return lo == 0 ? s->total : UINT64_MAX;
	case 1: return lo < HV_NREASON ? s->reason[lo] : UINT64_MAX;
	case 2: return s->port[lo];
	case 3: return lo < HV_HCALL_MAX ? s->hcall[lo] : UINT64_MAX;
	case 4:
		switch (lo) {
		case 0: return s->hcall_bad;
		case 1: return s->mmio_read;
		case 2: return s->mmio_write;
		case 3: return s->rom_write;
		case 4: return s->notify;
		case 5: return s->notify_refused;
		}
		break;
	case 5:
		switch (lo) {
		case 0: return s->balloon_pages;
		case 1: return stats__guest_resident(hv);
		case 2: return stats__rss_pages();
		}
	}
	return UINT64_MAX;
}

/* The summary --stats prints on stderr when the guest has ended. */
void stats__print(struct hv *hv)
{
	const struct hv_stats *s = &hv->stats;

	fprintf(stderr, "hv: stats: %" PRIu64 " exits\n", s->total);
	for (unsigned r = 0; r < HV_NREASON; r++)
		if (s->reason[r])
			fprintf(stderr, "hv: stats:   reason %-14s %10" PRIu64 "\n",
				stats__reason_name(r), s->reason[r]);
	if (hv->int3_emulated)
		fprintf(stderr, "hv: stats:   int3 injected by hv %lu (KVM's emulator could not)\n",
			hv->int3_emulated);
	for (unsigned p = 0; p < 0x10000; p++)
		if (s->port[p])
			fprintf(stderr, "hv: stats:   port %#06x %-10s %10" PRIu64 "\n",
				p, hv_port_name((uint16_t)p), s->port[p]);
	for (unsigned n = 0; n < HV_HCALL_MAX; n++)
		if (s->hcall[n])
			fprintf(stderr, "hv: stats:   hcall %#05x %-12s %10" PRIu64 "\n",
				n, hv_hcall_name(n), s->hcall[n]);
	if (s->hcall_bad)
		fprintf(stderr, "hv: stats:   hcall unknown %21" PRIu64 "\n", s->hcall_bad);
	if (s->mmio_read || s->mmio_write)
		fprintf(stderr, "hv: stats:   mmio reads %" PRIu64 " writes %" PRIu64
			" (rom window %" PRIu64 ")\n",
			s->mmio_read, s->mmio_write, s->rom_write);
	dev__stats_all(hv);                 /* per device: hv/devices/ */
	if (s->notify)
		fprintf(stderr, "hv: stats:   device notifies %" PRIu64 " (refused: no device "
			"%" PRIu64 ")\n", s->notify, s->notify_refused);
}
