/* bus.c: the registry of port and MMIO regions and of devices, and the
 * dispatch of every port and MMIO exit; see bus.h. */
#include "bus.h"
#include "hcall.h"

#include <stddef.h>
#include <string.h>

#define BUS_MAX_PIO   64
#define BUS_MAX_MMIO  64
#define BUS_MAX_DEV   40

struct bus_pio {
	uint16_t base, count;
	const char *name;
	bus_pio_fn fn;
	void *opaque;
};

struct bus_mmio {
	uint64_t base, len;
	const char *name;
	bus_mmio_fn fn;
	void *opaque;
};

static struct bus_pio bus_pio[BUS_MAX_PIO];
static unsigned bus_npio;
static struct bus_mmio bus_mmio[BUS_MAX_MMIO];
static unsigned bus_nmmio;
static struct hv_device bus_dev[BUS_MAX_DEV];
static unsigned bus_ndev;

void bus__reset_registry(void)
{
	bus_npio = bus_nmmio = bus_ndev = 0;
}

/* [a, a+alen) and [b, b+blen) with neither wrapping: written so no sum
 * can overflow. */
static bool bus_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b ? b - a < alen : a - b < blen;
}

int bus__register_pio(uint16_t base, uint16_t count, const char *name,
		      bus_pio_fn fn, void *opaque)
{
	if (count == 0 || fn == NULL || bus_npio == BUS_MAX_PIO ||
	    (uint32_t)base + count > 0x10000)
		return -1;
	for (unsigned i = 0; i < bus_npio; i++)
		if (bus_overlap(base, count, bus_pio[i].base, bus_pio[i].count))
			return -1;
	bus_pio[bus_npio++] = (struct bus_pio){ base, count, name, fn, opaque };
	return 0;
}

int bus__register_mmio(uint64_t gpa, uint64_t len, const char *name,
		       bus_mmio_fn fn, void *opaque)
{
	if (len == 0 || fn == NULL || bus_nmmio == BUS_MAX_MMIO ||
	    gpa + len < gpa)
		return -1;
	for (unsigned i = 0; i < bus_nmmio; i++)
		if (bus_overlap(gpa, len, bus_mmio[i].base, bus_mmio[i].len))
			return -1;
	bus_mmio[bus_nmmio++] = (struct bus_mmio){ gpa, len, name, fn, opaque };
	return 0;
}

static const struct bus_pio *bus_pio_find(uint16_t port)
{
	for (unsigned i = 0; i < bus_npio; i++)
		if (port >= bus_pio[i].base &&
		    port - bus_pio[i].base < bus_pio[i].count)
			return &bus_pio[i];
	return NULL;
}

/* The region holding every byte of [gpa, gpa+len): an access that
 * straddles two regions, or a region's end, belongs to none. */
static const struct bus_mmio *bus_mmio_find(uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < bus_nmmio; i++) {
		const struct bus_mmio *r = &bus_mmio[i];
		if (gpa >= r->base && gpa - r->base < r->len &&
		    len <= r->len - (gpa - r->base))
			return r;
	}
	return NULL;
}

int bus__pio(struct hv *hv, struct hv_io *io)
{
	const struct bus_pio *r = bus_pio_find(io->port);

	if (r == NULL)
		return -1;
	r->fn(hv, io, r->opaque);
	return 0;
}

int bus__mmio(struct hv *hv, uint64_t gpa, void *data, unsigned len, bool write)
{
	const struct bus_mmio *r;

	if (len == 0 || len > 8)
		return -1;
	r = bus_mmio_find(gpa, len);
	if (r == NULL)
		return -1;
	r->fn(hv, gpa, data, len, write, r->opaque);
	return 0;
}

const char *bus__pio_name(uint16_t port)
{
	const struct bus_pio *r = bus_pio_find(port);
	return r ? r->name : "unclaimed";
}

const char *bus__mmio_name(uint64_t gpa)
{
	const struct bus_mmio *r = bus_mmio_find(gpa, 1);
	return r ? r->name : "unclaimed";
}

/* hcall.h's port API, kept for the backends: the bus under its old name. */
int hv_port_register(uint16_t base, uint16_t count, const char *name,
		     hv_port_fn fn, void *opaque)
{
	return bus__register_pio(base, count, name, fn, opaque);
}

const char *hv_port_name(uint16_t port)
{
	return bus__pio_name(port);
}

int dev__register(const struct hv_device *d)
{
	if (bus_ndev == BUS_MAX_DEV)
		return -1;
	bus_dev[bus_ndev++] = *d;
	return 0;
}

void dev__reset_all(struct hv *hv)
{
	for (unsigned i = 0; i < bus_ndev; i++)
		if (bus_dev[i].reset)
			bus_dev[i].reset(hv, bus_dev[i].opaque);
}

void dev__poll_all(struct hv *hv)
{
	for (unsigned i = 0; i < bus_ndev; i++)
		if (bus_dev[i].poll)
			bus_dev[i].poll(hv, bus_dev[i].opaque);
}

void dev__stats_all(struct hv *hv)
{
	for (unsigned i = 0; i < bus_ndev; i++)
		if (bus_dev[i].stats)
			bus_dev[i].stats(hv, bus_dev[i].opaque);
}

/* Issue 14: a snapshot refuses what it cannot save yet. */
unsigned dev__count(void)
{
	return bus_ndev;
}
