/* virtio.c: the hostile guest's virtio cases.  No driver of our kernel:
 * the rings and the virtio-pci registers are driven by hand from the
 * virtio 1.1 specification (and hv/hv.md's BAR layout), in 32-bit
 * protected mode without paging, polling the used ring (hv serves a
 * queue during the notify write, so a kick returns with the work done).
 * Good cases check what they get and print a verdict; hostile ones
 * break the ring one way each and print "survived" if hv lets them. */
#include "hostile.h"

#define VENDOR_VIRTIO   0x1af4
#define DEV_BLK         0x1042
#define DEV_CONSOLE     0x1043
#define DEV_BALLOON     0x1045

#define F_NEXT          1
#define F_WRITE         2
#define F_INDIRECT      4
#define FEAT_INDIRECT   (1u << 28)
#define FEAT_EVENT_IDX  (1u << 29)
#define FEAT_VERSION_1  1u              /* bit 32: bit 0 of the high word */
#define BLK_F_RO        (1u << 5)
#define BLK_F_FLUSH     (1u << 9)

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2
#define QMAX 256

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct blk_hdr { uint32_t type, reserved; uint64_t sector; };

struct vq {
	volatile uint8_t *bar;
	uint16_t size, next_avail, last_used;
	struct desc *desc;
	volatile uint16_t *avail;       /* flags, idx, ring[size], used_event */
	volatile uint16_t *used;        /* flags, idx, then {u32 id, u32 len}[size], avail_event */
	uint32_t kicks;
};

static struct desc ring_desc[QMAX] __attribute__((aligned(4096)));
static uint16_t ring_avail[QMAX + 3] __attribute__((aligned(4096)));
static uint16_t ring_used[2 + 4 * QMAX + 1] __attribute__((aligned(4096)));
static struct desc ind_table[QMAX] __attribute__((aligned(16)));
static struct blk_hdr hdrs[64];
static uint8_t stat_bytes[64];
static uint8_t buf[64 * 1024] __attribute__((aligned(4096)));
static uint8_t buf2[8192] __attribute__((aligned(4096)));

/* --- PCI configuration mechanism #1 ------------------------------------ */

static uint32_t cfg_addr(unsigned dev, unsigned off)
{
	return 0x80000000u | dev << 11 | (off & 0xfc);
}

static uint32_t pci_read32(unsigned dev, unsigned off)
{
	outl(0xcf8, cfg_addr(dev, off));
	return inl(0xcfc);
}

static void pci_write32(unsigned dev, unsigned off, uint32_t v)
{
	outl(0xcf8, cfg_addr(dev, off));
	outl(0xcfc, v);
}

/* The slot of the first device 1AF4:id, or 0 (the host bridge's). */
static unsigned pci_find(uint16_t id)
{
	for (unsigned d = 1; d < 32; d++)
		if (pci_read32(d, 0) == ((uint32_t)id << 16 | VENDOR_VIRTIO))
			return d;
	return 0;
}

/* --- the virtio-pci registers (common config at BAR0 + 0) ---------------- */

#define C8(o)  (*(volatile uint8_t *)(q->bar + (o)))
#define C16(o) (*(volatile uint16_t *)(q->bar + (o)))
#define C32(o) (*(volatile uint32_t *)(q->bar + (o)))

static volatile uint8_t *vdev_bar(uint16_t id, unsigned *slot)
{
	unsigned d = pci_find(id);

	if (d == 0) {
		puts("hostile: no virtio device "); puthex(id); putc('\n');
		leave(0x11);
	}
	if (slot)
		*slot = d;
	return (volatile uint8_t *)(pci_read32(d, 0x10) & ~0xfu);
}

/* Reset, ACKNOWLEDGE, DRIVER, features (lo, hi), FEATURES_OK: the
 * device's answer to FEATURES_OK (1 kept). */
static int vdev_negotiate(struct vq *q, uint32_t lo, uint32_t hi)
{
	C8(0x14) = 0;
	C8(0x14) = 1;
	C8(0x14) = 3;
	C32(0x08) = 0; C32(0x0c) = lo;
	C32(0x08) = 1; C32(0x0c) = hi;
	C8(0x14) = 3 | 8;
	return (C8(0x14) & 8) != 0;
}

static uint32_t vdev_features(struct vq *q, unsigned word)
{
	C32(0x00) = word;
	return C32(0x04);
}

/* Queue qi at the static rings, size n, then (live) DRIVER_OK. */
static void vq_setup(struct vq *q, unsigned qi, uint16_t n, int live)
{
	for (unsigned i = 0; i < sizeof(ring_used) / 2; i++)
		ring_used[i] = 0;
	for (unsigned i = 0; i < sizeof(ring_avail) / 2; i++)
		ring_avail[i] = 0;
	q->size = n;
	q->next_avail = q->last_used = 0;
	q->kicks = 0;
	q->desc = ring_desc;
	q->avail = ring_avail;
	q->used = ring_used;
	C16(0x16) = (uint16_t)qi;
	C16(0x18) = n;
	C32(0x20) = (uint32_t)ring_desc; C32(0x24) = 0;
	C32(0x28) = (uint32_t)ring_avail; C32(0x2c) = 0;
	C32(0x30) = (uint32_t)ring_used; C32(0x34) = 0;
	C16(0x1c) = 1;
	if (live)
		C8(0x14) = 1 | 2 | 8 | 4;
}

static void vq_kick(struct vq *q, unsigned qi)
{
	q->kicks++;
	__asm__ volatile("" ::: "memory");      /* rings written before the kick */
	*(volatile uint16_t *)(q->bar + 0x3000 + 4 * qi) = (uint16_t)qi;
	__asm__ volatile("" ::: "memory");      /* hv wrote guest memory meanwhile */
}

/* Make head available (publish only: the kick is the caller's). */
static void vq_publish(struct vq *q, uint16_t head)
{
	q->avail[2 + (q->next_avail % q->size)] = head;
	__asm__ volatile("" ::: "memory");
	q->avail[1] = ++q->next_avail;
}

static uint16_t vq_used_idx(struct vq *q)
{
	return q->used[1];
}

/* Used entries not yet seen; each one's len into *len (the last). */
static int vq_get(struct vq *q, uint32_t *len)
{
	volatile uint32_t *e;

	if (vq_used_idx(q) == q->last_used)
		return -1;
	e = (volatile uint32_t *)&q->used[2 + 4 * (q->last_used % q->size)];
	q->last_used++;
	if (len)
		*len = e[1];
	return (int)e[0];
}

/* --- virtio-blk ------------------------------------------------------ */

/* A three-descriptor request at descriptors base..base+2 (header, data,
 * status), slot i of the header and status arrays. */
static uint16_t blk_chain(unsigned base, unsigned i, uint32_t type, uint64_t sector,
			  void *data, uint32_t len)
{
	hdrs[i] = (struct blk_hdr){ type, 0, sector };
	stat_bytes[i] = 0xee;
	ring_desc[base] = (struct desc){ (uint32_t)&hdrs[i], 16, F_NEXT, (uint16_t)(base + 1) };
	ring_desc[base + 1] = (struct desc){ (uint32_t)data, len,
		(uint16_t)(F_NEXT | (type == T_OUT ? 0 : F_WRITE)), (uint16_t)(base + 2) };
	ring_desc[base + 2] = (struct desc){ (uint32_t)&stat_bytes[i], 1, F_WRITE, 0 };
	if (len == 0) {                 /* flush: header and status only */
		ring_desc[base].next = (uint16_t)(base + 2);
	}
	return (uint16_t)base;
}

/* One request, kicked and completed: its status byte. */
static uint8_t blk_req(struct vq *q, uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	uint16_t head = blk_chain(0, 0, type, sector, data, len);

	vq_publish(q, head);
	vq_kick(q, 0);
	check(vq_get(q, 0) == head, "used head", vq_used_idx(q));
	return stat_bytes[0];
}

static void blk_start(struct vq *q, uint32_t lo, uint16_t qsize)
{
	q->bar = vdev_bar(DEV_BLK, 0);
	check(vdev_negotiate(q, lo, FEAT_VERSION_1), "FEATURES_OK kept", C8(0x14));
	vq_setup(q, 0, qsize, 1);
}

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	static const char pat[] = "hvdisk!\n";
	for (uint32_t i = 0; i < n; i++)
		p[i] = seed ? (uint8_t)(seed + i * 7) : (uint8_t)pat[i % 8];
}

/* Write a pattern, read it back, get-id, flush, an unknown type, an
 * indirect request, and the ISR.  The run script then checks that the
 * image's first 4 KiB hold "hvdisk!\n" repeated. */
void case_vblk_ok(void)
{
	struct vq qq, *q = &qq;
	uint32_t cap, len = 0;
	uint8_t st;

	blk_start(q, FEAT_INDIRECT | FEAT_EVENT_IDX | BLK_F_FLUSH, 16);
	cap = C32(0x2000);
	check(cap == 2048, "capacity of a 1 MiB image", cap);
	fill(buf, 4096, 0);
	st = blk_req(q, T_OUT, 0, buf, 4096);
	check(st == S_OK, "write status", st);
	fill(buf2, 4096, 1);
	st = blk_req(q, T_IN, 0, buf2, 4096);
	check(st == S_OK, "read status", st);
	for (unsigned i = 0; i < 4096; i++)
		if (buf2[i] != buf[i]) {
			check(0, "read back", i);
			break;
		}
	st = blk_req(q, T_GET_ID, 0, buf2, 20);
	check(st == S_OK && buf2[0] == 'h' && buf2[7] == '0', "get-id hv-disk0", buf2[0]);
	check(blk_req(q, T_FLUSH, 0, 0, 0) == S_OK, "flush", 0);
	check(blk_req(q, 99, 0, buf2, 512) == S_UNSUPP, "unknown type unsupported", 0);
	/* indirect: one descriptor naming a table of three */
	hdrs[1] = (struct blk_hdr){ T_IN, 0, 0 };
	stat_bytes[1] = 0xee;
	ind_table[0] = (struct desc){ (uint32_t)&hdrs[1], 16, F_NEXT, 1 };
	ind_table[1] = (struct desc){ (uint32_t)buf2, 512, F_NEXT | F_WRITE, 2 };
	ind_table[2] = (struct desc){ (uint32_t)&stat_bytes[1], 1, F_WRITE, 0 };
	ring_desc[5] = (struct desc){ (uint32_t)ind_table, 48, F_INDIRECT, 0 };
	buf2[0] = 0;
	vq_publish(q, 5);
	vq_kick(q, 0);
	check(vq_get(q, &len) == 5 && stat_bytes[1] == S_OK, "indirect read", stat_bytes[1]);
	check(len == 513 && buf2[0] == 'h', "indirect read's data and used len", len);
	st = *(q->bar + 0x1000);
	check(st == 1, "ISR says used buffers", st);
	st = *(q->bar + 0x1000);
	check(st == 0, "ISR cleared by its read", st);
	verdict("vblk-ok");
}

/* ,ro: the RO feature, reads work, a write gets IOERR (the run script
 * checks the image did not change). */
void case_vblk_ro(void)
{
	struct vq qq, *q = &qq;
	uint8_t st;

	q->bar = vdev_bar(DEV_BLK, 0);
	check(vdev_features(q, 0) & BLK_F_RO, "VIRTIO_BLK_F_RO offered", vdev_features(q, 0));
	blk_start(q, BLK_F_RO, 8);
	st = blk_req(q, T_IN, 0, buf2, 512);
	check(st == S_OK, "read of a read-only disk", st);
	fill(buf, 512, 9);
	st = blk_req(q, T_OUT, 0, buf, 512);
	check(st == S_IOERR, "write to a read-only disk: IOERR", st);
	verdict("vblk-ro");
}

/* Requests past the end get IOERR and hv runs on: the next works. */
void case_vblk_end(void)
{
	struct vq qq, *q = &qq;
	uint8_t st;

	blk_start(q, 0, 8);
	st = blk_req(q, T_IN, 2047, buf2, 1024);
	check(st == S_IOERR, "read across the end", st);
	st = blk_req(q, T_OUT, 2048, buf, 512);
	check(st == S_IOERR, "write at the end", st);
	st = blk_req(q, T_IN, 0xfffffffffffffff0ull, buf2, 8192);
	check(st == S_IOERR, "sector near 2^64", st);
	st = blk_req(q, T_IN, 0, buf2, 100);
	check(st == S_IOERR, "read of a part sector", st);
	st = blk_req(q, T_IN, 2047, buf2, 512);
	check(st == S_OK, "last sector still readable", st);
	verdict("vblk-end");
}

/* Sizes that are not a power of two up to 256 are ignored; a missing
 * queue reads size 0; features without VERSION_1 fail FEATURES_OK. */
void case_vblk_qsize(void)
{
	struct vq qq, *q = &qq;
	uint16_t v;

	q->bar = vdev_bar(DEV_BLK, 0);
	check(!vdev_negotiate(q, 0, 0), "FEATURES_OK refused without VERSION_1", 0);
	check(vdev_negotiate(q, 0, FEAT_VERSION_1), "FEATURES_OK with VERSION_1", 0);
	C16(0x16) = 0;
	v = C16(0x18);
	check(v == 256, "max queue size", v);
	C16(0x18) = 3;
	check(C16(0x18) == 256, "size 3 ignored", C16(0x18));
	C16(0x18) = 512;
	check(C16(0x18) == 256, "size 512 ignored", C16(0x18));
	C16(0x18) = 0;
	check(C16(0x18) == 256, "size 0 ignored", C16(0x18));
	C16(0x18) = 8;
	check(C16(0x18) == 8, "size 8 taken", C16(0x18));
	C16(0x16) = 5;
	check(C16(0x18) == 0, "queue 5 does not exist", C16(0x18));
	check(C16(0x12) == 1, "one queue", C16(0x12));
	verdict("vblk-qsize");
}

/* 4 MiB written in requests of K KiB, D in flight: kicks only when the
 * device asks (EVENT_IDX avail_event), exits counted by the stats port.
 *   vblk-bench D K */
void case_vblk_bench(void)
{
	struct vq qq, *q = &qq;
	uint32_t depth = atou(arg), kib = 4, total = 4096, done = 0, sent = 0;
	uint32_t e0, e1, mmio0, mmio1, reqs;
	const char *p = arg;

	while (*p && *p != ' ')
		p++;
	if (*p)
		kib = atou(p + 1);
	if (depth < 1 || depth > 64 || kib < 1 || kib > 64)
		depth = 1, kib = 4;
	reqs = total / kib;
	blk_start(q, FEAT_EVENT_IDX, 256);
	e0 = stats(0);
	mmio0 = stats(0x00010006);
	while (done < reqs) {
		uint16_t old = q->next_avail, ev;
		while (sent < reqs && sent - done < depth) {
			unsigned slot = sent % depth;
			vq_publish(q, blk_chain(3 * slot, slot, T_OUT, (uint64_t)sent * kib * 2,
						buf, kib * 1024));
			sent++;
		}
		ev = q->used[2 + 4 * q->size];  /* avail_event */
		if ((uint16_t)(q->next_avail - ev - 1) < (uint16_t)(q->next_avail - old))
			vq_kick(q, 0);
		while (vq_get(q, 0) >= 0)
			done++;
	}
	e1 = stats(0);
	mmio1 = stats(0x00010006);
	for (unsigned i = 0; i < depth && i < 64; i++)
		check(stat_bytes[i] == S_OK, "bench write status", stat_bytes[i]);
	puts("hostile: vblk-bench depth "); putu(depth); puts(" request "); putu(kib);
	puts(" KiB: 4 MiB in "); putu(reqs); puts(" requests, "); putu(q->kicks);
	puts(" kicks, "); putu(e1 - e0 - 4); puts(" exits ("); putu(mmio1 - mmio0);
	puts(" mmio), exits per MiB x100 "); putu((e1 - e0 - 4) * 100 / 4); putc('\n');
	check(q->kicks <= (reqs + depth - 1) / depth, "one kick per batch at most", q->kicks);
	verdict("vblk-bench");
}

/* --- rings hv must refuse (status 10) -------------------------------- */

void case_vblk_loop(void)
{
	struct vq qq, *q = &qq;

	blk_start(q, 0, 8);
	hdrs[0] = (struct blk_hdr){ T_IN, 0, 0 };
	ring_desc[0] = (struct desc){ (uint32_t)&hdrs[0], 16, F_NEXT, 1 };
	ring_desc[1] = (struct desc){ (uint32_t)buf2, 512, F_NEXT | F_WRITE, 2 };
	ring_desc[2] = (struct desc){ (uint32_t)buf2, 1, F_NEXT | F_WRITE, 1 };
	vq_publish(q, 0);
	vq_kick(q, 0);
	survived("vblk-loop");
}

void case_vblk_ind_loop(void)
{
	struct vq qq, *q = &qq;

	blk_start(q, FEAT_INDIRECT, 8);
	hdrs[0] = (struct blk_hdr){ T_IN, 0, 0 };
	ind_table[0] = (struct desc){ (uint32_t)&hdrs[0], 16, F_NEXT, 1 };
	ind_table[1] = (struct desc){ (uint32_t)buf2, 512, F_NEXT | F_WRITE, 2 };
	ind_table[2] = (struct desc){ (uint32_t)buf2, 1, F_NEXT | F_WRITE, 1 };
	ind_table[3] = (struct desc){ 0, 0, 0, 0 };
	ring_desc[0] = (struct desc){ (uint32_t)ind_table, 64, F_INDIRECT, 0 };
	vq_publish(q, 0);
	vq_kick(q, 0);
	survived("vblk-ind-loop");
}

static void vblk_one_bad(uint64_t addr, uint32_t len, const char *name)
{
	struct vq qq, *q = &qq;

	blk_start(q, 0, 8);
	blk_chain(0, 0, T_IN, 0, buf2, 512);
	ring_desc[1].addr = addr;
	ring_desc[1].len = len;
	vq_publish(q, 0);
	vq_kick(q, 0);
	survived(name);
}

void case_vblk_outside(void) { vblk_one_bad(0xF0000000u, 512, "vblk-outside"); }
void case_vblk_huge(void) { vblk_one_bad(0x200000, 0xFFFFF000u, "vblk-huge"); }

void case_vblk_ring_outside(void)
{
	struct vq qq, *q = &qq;

	q->bar = vdev_bar(DEV_BLK, 0);
	vdev_negotiate(q, 0, FEAT_VERSION_1);
	C16(0x16) = 0;
	C16(0x18) = 8;
	C32(0x20) = 0xF0000000u; C32(0x24) = 0;
	C32(0x28) = (uint32_t)ring_avail; C32(0x2c) = 0;
	C32(0x30) = (uint32_t)ring_used; C32(0x34) = 0;
	C16(0x1c) = 1;
	survived("vblk-ring-outside");
}

void case_vblk_avail(void)
{
	struct vq qq, *q = &qq;

	blk_start(q, 0, 8);
	q->avail[1] = 100;
	vq_kick(q, 0);
	survived("vblk-avail");
}

/* --- virtio-console ---------------------------------------------------- */

void case_vcon_ok(void)
{
	static const char msg[] = "hostile: vcon hello over virtio\n";
	struct vq qq, *q = &qq;

	q->bar = vdev_bar(DEV_CONSOLE, 0);
	check(vdev_negotiate(q, 0, FEAT_VERSION_1), "console FEATURES_OK", 0);
	vq_setup(q, 1, 8, 1);                   /* port 0's transmitq */
	ring_desc[0] = (struct desc){ (uint32_t)msg, sizeof(msg) - 1, 0, 0 };
	vq_publish(q, 0);
	vq_kick(q, 1);
	check(vq_get(q, 0) == 0, "console buffer used", vq_used_idx(q));
	verdict("vcon-ok");
}

/* --- virtio-balloon ---------------------------------------------------- */

static uint32_t pfns[2048];

/* Inflate n pages from gpa on: one chain of one buffer. */
static void balloon_send(struct vq *q, unsigned qi, uint32_t gpa, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		pfns[i] = gpa / 4096 + i;
	ring_desc[0] = (struct desc){ (uint32_t)pfns, 4 * n, 0, 0 };
	vq_publish(q, 0);
	vq_kick(q, qi);
	check(vq_get(q, 0) == 0, "balloon buffer used", vq_used_idx(q));
}

/* --balloon 4: the target is 1024 pages; 4 MiB the guest touched go
 * into the balloon and hv's resident guest RAM falls by at least 90%
 * of that; deflating half leaves 512. */
void case_vballoon_ok(void)
{
	struct vq qq, *q = &qq;
	volatile uint32_t *mem = (volatile uint32_t *)0x1000000u;
	uint32_t target, r0, r1, n;

	q->bar = vdev_bar(DEV_BALLOON, 0);
	check(vdev_negotiate(q, 0, FEAT_VERSION_1), "balloon FEATURES_OK", 0);
	target = C32(0x2000);
	check(target == 1024, "num_pages from --balloon 4", target);
	for (uint32_t i = 0; i < 1024; i++)
		mem[i * 1024] = i + 1;
	r0 = stats(0x00050001);
	vq_setup(q, 0, 8, 1);
	balloon_send(q, 0, 0x1000000u, 1024);
	n = stats(0x00050000);
	check(n == 1024, "balloon pages", n);
	r1 = stats(0x00050001);
	check(r0 - r1 >= 1024 * 9 / 10, "resident pages dropped by 90% of 1024", r0 - r1);
	check(mem[5 * 1024] == 0, "an inflated page reads zero", mem[5 * 1024]);
	C32(0x2004) = 1024;
	check(C32(0x2004) == 1024, "actual written", C32(0x2004));
	C32(0x2000) = 7;
	check(C32(0x2000) == 1024, "num_pages is read-only", C32(0x2000));
	/* deflate the first half: queue 1 */
	C16(0x16) = 1;
	C16(0x18) = 8;
	C32(0x20) = (uint32_t)ring_desc; C32(0x28) = (uint32_t)ring_avail;
	C32(0x30) = (uint32_t)ring_used;
	/* the same ring memory: queue 0 is done with it */
	q->next_avail = q->last_used = 0;
	for (unsigned i = 0; i < sizeof(ring_used) / 2; i++)
		ring_used[i] = 0;
	for (unsigned i = 0; i < sizeof(ring_avail) / 2; i++)
		ring_avail[i] = 0;
	C16(0x1c) = 1;
	balloon_send(q, 1, 0x1000000u, 512);
	n = stats(0x00050000);
	check(n == 512, "balloon pages after deflating 512", n);
	puts("hostile: balloon resident pages before "); putu(r0); puts(" after "); putu(r1);
	putc('\n');
	verdict("vballoon-ok");
}

/* --balloon-control FILE: the run script writes 8 into FILE after a
 * while; the target becomes 2048 pages with a config interrupt. */
void case_vballoon_ctl(void)
{
	struct vq qq, *q = &qq;
	uint32_t gen, t = 0;
	uint8_t isr = 0;

	q->bar = vdev_bar(DEV_BALLOON, 0);
	check(vdev_negotiate(q, 0, FEAT_VERSION_1), "balloon FEATURES_OK", 0);
	vq_setup(q, 0, 8, 1);
	gen = C8(0x15);
	for (uint32_t i = 0; i < 2000000 && !(isr & 2); i++)
		isr = *(q->bar + 0x1000);
	t = C32(0x2000);
	check(isr & 2, "config-change interrupt", isr);
	check(t == 2048, "new target 8 MiB", t);
	check(C8(0x15) != gen, "config generation moved", C8(0x15));
	verdict("vballoon-ctl");
}

/* --- PCI --------------------------------------------------------------- */

/* With two disks: the host bridge, two functions with BARs in the
 * window and lines 10 and 11, BAR sizing, read-only IDs. */
void case_pci(void)
{
	uint32_t v, bar;

	check(pci_read32(0, 0) == 0x12378086, "host bridge", pci_read32(0, 0));
	v = pci_read32(1, 0);
	check(v == 0x10421af4, "00:01.0 is virtio-blk", v);
	check(pci_read32(2, 0) == 0x10421af4, "00:02.0 is virtio-blk", 0);
	check(pci_read32(3, 0) == 0xffffffff, "00:03.0 empty", 0);
	check((pci_read32(1, 8) & 0xff) == 1, "revision 1", pci_read32(1, 8));
	check((pci_read32(1, 0x3c) & 0xffff) == 0x010a, "line 10, pin A", pci_read32(1, 0x3c));
	check((pci_read32(2, 0x3c) & 0xff) == 11, "line 11", pci_read32(2, 0x3c));
	bar = pci_read32(1, 0x10);
	check(bar >= 0xE0000000u && bar < 0xFEC00000u && !(bar & 0xfff), "BAR0 in the window", bar);
	pci_write32(1, 0x10, 0xffffffff);
	v = pci_read32(1, 0x10);
	check(v == 0xffffc000u, "BAR0 sizing: 16 KiB", v);
	check(*(volatile uint32_t *)bar == 0xffffffffu, "no decode while sizing", 0);
	pci_write32(1, 0x10, bar);
	check(pci_read32(1, 0x10) == bar, "BAR0 restored", pci_read32(1, 0x10));
	check(*(volatile uint16_t *)(bar + 0x12) == 1, "decodes again: num_queues", 0);
	pci_write32(1, 0, 0x12345678);
	check(pci_read32(1, 0) == 0x10421af4, "IDs read-only", pci_read32(1, 0));
	pci_write32(1, 0x14, 0xffffffff);
	check(pci_read32(1, 0x14) == 0, "BAR1 unimplemented", pci_read32(1, 0x14));
	outl(0xcf8, cfg_addr(1, 0));
	check(inw(0xcfe) == 0x1042, "16-bit read at 0xCFE", inw(0xcfe));
	check(inb(0xcfd) == 0x1a, "8-bit read at 0xCFD", inb(0xcfd));
	outl(0xcf8, 0x00000800);                /* enable bit clear */
	check(inl(0xcfc) == 0xffffffffu, "disabled address reads ones", 0);
	verdict("pci");
}
