/* test_hv_pci.c: hv's PCI bus 0 (hv/devices/pci.c) through its ports on
 * hv's bus, and the virtio-pci transport's registers
 * (hv/devices/virtio_pci.c): config mechanism #1 at every width, the
 * host bridge, slots, lines 10/11/9/5, BAR sizing, read-only fields,
 * INTx sharing, feature negotiation, queue sizes, the ISR. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/hcall.h"
#include "../../hv/devices/virtio_pci.h"

static struct hv hv;
static struct pci_dev dev[5];
static int line_level[16], line_changes;

/* irq.c's KVM_IRQ_LINE, recorded instead. */
void hv_irq_line(struct hv *h, int line, int level)
{
	(void)h;
	line_level[line] = level;
	line_changes++;
}

static uint32_t io(uint16_t port, unsigned size, int out, uint32_t val)
{
	struct hv_io x = { .port = port, .size = (uint8_t)size, .out = (uint8_t)out, .val = val };
	assert_int_equal(bus__pio(&hv, &x), 0);
	return x.val;
}

static uint32_t cfg_read(unsigned slot, unsigned off, unsigned size)
{
	io(0xcf8, 4, 1, 0x80000000u | slot << 11 | (off & 0xfc));
	return io((uint16_t)(0xcfc + (off & 3)), size, 0, 0);
}

static void cfg_write(unsigned slot, unsigned off, unsigned size, uint32_t v)
{
	io(0xcf8, 4, 1, 0x80000000u | slot << 11 | (off & 0xfc));
	io((uint16_t)(0xcfc + (off & 3)), size, 1, v);
}

static int setup(void **state)
{
	(void)state;
	bus__reset_registry();
	memset(line_level, 0, sizeof(line_level));
	line_changes = 0;
	assert_int_equal(pci__init(&hv), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(pci__add(&dev[i], "test", 0x1af4, 0x1042, 0x01000001, 0x4000), 0);
	return 0;
}

static void test_host_bridge_and_slots(void **state)
{
	(void)state;
	assert_int_equal(cfg_read(0, 0, 4), 0x12378086);
	assert_int_equal(cfg_read(0, 0x0a, 2), 0x0600);       /* host bridge class */
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(dev[i].slot, i + 1);
		assert_int_equal(cfg_read(i + 1, 0, 4), 0x10421af4);
		assert_int_equal(cfg_read(i + 1, 8, 1), 1);   /* revision */
	}
	assert_int_equal(cfg_read(6, 0, 4), 0xffffffff);      /* empty slot */
	assert_string_equal(dev[0].name, "test@00:01.0");
}

static void test_lines(void **state)
{
	static const uint8_t want[5] = { 10, 11, 9, 5, 10 };
	(void)state;
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(cfg_read(i + 1, 0x3c, 1), want[i]);
		assert_int_equal(cfg_read(i + 1, 0x3d, 1), 1);        /* INTA# */
	}
}

static void test_bars(void **state)
{
	uint32_t prev = 0;
	(void)state;
	for (unsigned i = 0; i < 5; i++) {
		uint32_t bar = cfg_read(i + 1, 0x10, 4);
		assert_true(bar >= 0xE0000000u && bar < 0xFEC00000u);
		assert_int_equal(bar % 0x4000, 0);
		assert_true(bar >= prev + 0x4000 || i == 0);
		assert_true(pci__bar_decodes(&dev[i]));
		prev = bar;
	}
}

static void test_bar_sizing(void **state)
{
	uint32_t bar;
	(void)state;
	bar = cfg_read(1, 0x10, 4);
	cfg_write(1, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(1, 0x10, 4), 0xffffc000);
	assert_false(pci__bar_decodes(&dev[0]));
	cfg_write(1, 0x10, 4, bar);
	assert_int_equal(cfg_read(1, 0x10, 4), bar);
	assert_true(pci__bar_decodes(&dev[0]));
	for (unsigned off = 0x14; off < 0x28; off += 4) {      /* BAR1-5 absent */
		cfg_write(1, off, 4, 0xffffffff);
		assert_int_equal(cfg_read(1, off, 4), 0);
	}
	cfg_write(1, 0x30, 4, 0xffffffff);                     /* no ROM BAR */
	assert_int_equal(cfg_read(1, 0x30, 4), 0);
	cfg_write(1, 4, 2, 0);                                  /* decoding off */
	assert_false(pci__bar_decodes(&dev[0]));
}

static void test_read_only(void **state)
{
	(void)state;
	cfg_write(1, 0, 4, 0);
	cfg_write(1, 0x08, 4, 0);
	cfg_write(1, 0x0e, 1, 0x80);
	cfg_write(1, 0x3d, 1, 4);
	cfg_write(1, 0x06, 2, 0xffff);
	assert_int_equal(cfg_read(1, 0, 4), 0x10421af4);
	assert_int_equal(cfg_read(1, 0x08, 4), 0x01000001);
	assert_int_equal(cfg_read(1, 0x0e, 1), 0);
	assert_int_equal(cfg_read(1, 0x3d, 1), 1);
	assert_int_equal(cfg_read(1, 0x06, 2), 0);
	cfg_write(1, 0x3c, 1, 7);                               /* Interrupt Line: rw */
	assert_int_equal(cfg_read(1, 0x3c, 1), 7);
	cfg_write(1, 4, 2, 0xffff);
	assert_int_equal(cfg_read(1, 4, 2), 0x0407);
}

static void test_widths(void **state)
{
	(void)state;
	io(0xcf8, 4, 1, 0x80000800u);                           /* 00:01.0 dword 0 */
	assert_int_equal(io(0xcfc, 1, 0, 0), 0xf4);
	assert_int_equal(io(0xcfd, 1, 0, 0), 0x1a);
	assert_int_equal(io(0xcfe, 2, 0, 0), 0x1042);
	assert_int_equal(io(0xcfd, 2, 0, 0), 0x421a);
	assert_int_equal(io(0xcfd, 4, 0, 0), 0xff10421a);       /* past 0xCFF: ones */
	assert_int_equal(io(0xcf8, 4, 0, 0), 0x80000800u);
	io(0xcf9, 1, 1, 0x06);                                  /* not the latch */
	io(0xcf8, 2, 1, 0);
	assert_int_equal(io(0xcf8, 4, 0, 0), 0x80000800u);
	assert_int_equal(io(0xcf8, 1, 0, 0), 0xff);
	io(0xcf8, 4, 1, 0x7f000803u);                           /* reserved, low bits */
	assert_int_equal(io(0xcf8, 4, 0, 0), 0x00000800u);
	assert_int_equal(io(0xcfc, 4, 0, 0), 0xffffffff);       /* enable bit clear */
	io(0xcf8, 4, 1, 0x80010800u);                           /* bus 1 */
	assert_int_equal(io(0xcfc, 4, 0, 0), 0xffffffff);
	io(0xcf8, 4, 1, 0x80000900u);                           /* function 1 */
	assert_int_equal(io(0xcfc, 4, 0, 0), 0xffffffff);
	io(0xcfc, 4, 1, 0);                                     /* swallowed */
}

static void test_shared_line(void **state)
{
	(void)state;
	pci__set_irq(&hv, &dev[0], true);                       /* slot 1, line 10 */
	assert_int_equal(line_level[10], 1);
	pci__set_irq(&hv, &dev[4], true);                       /* slot 5, line 10 */
	pci__set_irq(&hv, &dev[0], false);
	assert_int_equal(line_level[10], 1);
	assert_int_equal(line_changes, 1);
	pci__set_irq(&hv, &dev[4], false);
	assert_int_equal(line_level[10], 0);
	pci__set_irq(&hv, &dev[1], true);                       /* line 11 */
	assert_int_equal(line_level[11], 1);
	assert_int_equal(cfg_read(2, 6, 2) & 8, 8);             /* status: INTx */
	cfg_write(2, 4, 2, 0x0402);                             /* INTx disable */
	assert_int_equal(line_level[11], 0);
	cfg_write(2, 4, 2, 0x0002);
	assert_int_equal(line_level[11], 1);
}

/* --- the virtio-pci transport ------------------------------------------ */

static struct vdev vd;
static int notified;
static uint8_t ram[4 << 20];

static void t_notify(struct hv *h, struct vdev *v, unsigned q) { (void)h; (void)v; notified = (int)q + 1; }

static const struct vdev_ops t_ops = { .kind = "virtio-test", .id = 2, .pci_class = 0x010000,
				       .nqueues = 2, .notify = t_notify };

static uint64_t mmio(unsigned off, unsigned len, int write, uint64_t v)
{
	assert_int_equal(bus__mmio(&hv, vd.pci.bar_addr + off, &v, len, write), 0);
	return v;
}

static int vsetup(void **state)
{
	(void)state;
	bus__reset_registry();
	hv.gm = (struct gmem){ ram, sizeof(ram) };
	hv.ended = 0;
	notified = 0;
	memset(&vd, 0, sizeof(vd));
	vd.cfg[0] = 0x42;
	assert_int_equal(pci__init(&hv), 0);
	assert_int_equal(vdev__add(&hv, &vd, &t_ops, 1ull << 9, 8), 0);
	return 0;
}

static void test_virtio_caps(void **state)
{
	unsigned at, seen = 0;
	(void)state;
	assert_int_equal(cfg_read(1, 0, 4), 0x10421af4);
	assert_int_equal(cfg_read(1, 6, 2) & 0x10, 0x10);
	for (at = cfg_read(1, 0x34, 1); at; at = cfg_read(1, at + 1, 1)) {
		assert_int_equal(cfg_read(1, at, 1), 9);
		seen |= 1u << cfg_read(1, at + 3, 1);
	}
	assert_int_equal(seen, 0x1e);                           /* types 1-4 */
}

static void test_virtio_features(void **state)
{
	(void)state;
	mmio(0x00, 4, 1, 0);
	assert_int_equal(mmio(0x04, 4, 0, 0), (1u << 9) | (1u << 28) | (1u << 29));
	mmio(0x00, 4, 1, 1);
	assert_int_equal(mmio(0x04, 4, 0, 0), 1);               /* VERSION_1 */
	mmio(0x14, 1, 1, 3);
	mmio(0x14, 1, 1, 0x0b);                                 /* FEATURES_OK, no VERSION_1 */
	assert_int_equal(mmio(0x14, 1, 0, 0), 3);
	mmio(0x08, 4, 1, 1);
	mmio(0x0c, 4, 1, 1);
	mmio(0x08, 4, 1, 0);
	mmio(0x0c, 4, 1, 1u << 5);                              /* not offered */
	mmio(0x14, 1, 1, 0x0b);
	assert_int_equal(mmio(0x14, 1, 0, 0), 3);
	mmio(0x0c, 4, 1, 1u << 9);
	mmio(0x14, 1, 1, 0x0b);
	assert_int_equal(mmio(0x14, 1, 0, 0), 0x0b);
	mmio(0x0c, 4, 1, 0);                                    /* frozen now */
	assert_int_equal(mmio(0x0c, 4, 0, 0), 1u << 9);
	assert_int_equal(mmio(0x12, 2, 0, 0), 2);               /* num_queues */
	assert_int_equal(mmio(0x10, 2, 0, 0), 0xffff);          /* no MSI-X */
	assert_int_equal(mmio(0x2000, 1, 0, 0), 0x42);          /* device config */
	assert_int_equal(mmio(0x2000, 8, 0, 0), 0x42);
	mmio(0x14, 1, 1, 0);                                    /* reset */
	assert_int_equal(mmio(0x14, 1, 0, 0), 0);
	assert_int_equal(mmio(0x0c, 4, 0, 0), 0);
}

static void test_virtio_queues(void **state)
{
	(void)state;
	mmio(0x16, 2, 1, 1);
	assert_int_equal(mmio(0x18, 2, 0, 0), 256);
	mmio(0x18, 2, 1, 100);
	assert_int_equal(mmio(0x18, 2, 0, 0), 256);
	mmio(0x18, 2, 1, 16);
	assert_int_equal(mmio(0x18, 2, 0, 0), 16);
	assert_int_equal(mmio(0x1e, 2, 0, 0), 1);               /* notify off */
	mmio(0x20, 4, 1, 0x200000);                             /* 64-bit fields in halves */
	mmio(0x24, 4, 1, 0);
	mmio(0x28, 8, 1, 0x201000);
	mmio(0x30, 8, 1, 0x202000);
	assert_int_equal(mmio(0x20, 8, 0, 0), 0x200000);
	mmio(0x1c, 2, 1, 1);
	assert_int_equal(mmio(0x1c, 2, 0, 0), 1);
	assert_int_equal(hv.ended, 0);
	mmio(0x18, 2, 1, 8);                                    /* frozen while enabled */
	assert_int_equal(mmio(0x18, 2, 0, 0), 16);
	mmio(0x16, 2, 1, 7);
	assert_int_equal(mmio(0x18, 2, 0, 0), 0);               /* no queue 7 */
	mmio(0x3004, 2, 1, 1);                                  /* not live yet */
	assert_int_equal(notified, 0);
	mmio(0x14, 1, 1, 0x0f);
	notified = 0;
	mmio(0x3004, 2, 1, 1);
	assert_int_equal(notified, 2);
	mmio(0x3000, 2, 1, 0);                                  /* queue 0 not enabled */
	assert_int_equal(notified, 2);
}

static void test_virtio_isr(void **state)
{
	(void)state;
	mmio(0x14, 1, 1, 0x0f);
	vdev__config_changed(&hv, &vd);
	assert_int_equal(line_level[10], 1);
	assert_int_equal(mmio(0x1000, 1, 0, 0), 2);
	assert_int_equal(line_level[10], 0);
	assert_int_equal(mmio(0x1000, 1, 0, 0), 0);
	assert_int_equal(mmio(0x15, 1, 0, 0), 1);               /* generation */
	cfg_write(1, 0x10, 4, 0xffffffff);                      /* sizing: no decode */
	assert_int_equal(mmio(0x12, 2, 0, 0) & 0xffff, 0xffff);
}

static void test_virtio_bad_ring(void **state)
{
	(void)state;
	mmio(0x16, 2, 1, 0);
	mmio(0x18, 2, 1, 8);
	mmio(0x20, 8, 1, 0xF0000000ull);
	mmio(0x1c, 2, 1, 1);
	assert_int_equal(hv.ended, 1);
	assert_int_equal(hv.status, HV_EXIT_GUEST);
	assert_non_null(strstr(hv.reason, "virtio-test@00:01.0: queue 0: descriptor table"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_host_bridge_and_slots, setup),
		cmocka_unit_test_setup(test_lines, setup),
		cmocka_unit_test_setup(test_bars, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_read_only, setup),
		cmocka_unit_test_setup(test_widths, setup),
		cmocka_unit_test_setup(test_shared_line, setup),
		cmocka_unit_test_setup(test_virtio_caps, vsetup),
		cmocka_unit_test_setup(test_virtio_features, vsetup),
		cmocka_unit_test_setup(test_virtio_queues, vsetup),
		cmocka_unit_test_setup(test_virtio_isr, vsetup),
		cmocka_unit_test_setup(test_virtio_bad_ring, vsetup),
	};
	return cmocka_run_group_tests_name("hv_pci", tests, NULL, NULL);
}
