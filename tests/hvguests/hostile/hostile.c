/* hostile.c: a guest that misbehaves towards hv, one way per boot, the
 * way chosen by the first word of its command line.  Cases hv must stop
 * print "survived" and exit 0x11 if they ever get past the bad deed;
 * cases hv must survive check what they saw and exit 0x10 (pass) or 0x11.
 * The table at the bottom lists every case. */
#include "hostile.h"

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

uint32_t ram_end;            /* from mem_upper */
const char *arg;             /* the command line after the case */
int failures;

void putc(char c)
{
	while (!(inb(PORT_COM1 + 5) & 0x20))
		;
	outb(PORT_COM1, (uint8_t)c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void putu(uint32_t v)
{
	char b[12];
	int i = 11;

	b[i] = 0;
	do b[--i] = (char)('0' + v % 10); while ((v /= 10) && i);
	puts(b + i);
}

void puthex(uint32_t v)
{
	puts("0x");
	for (int i = 28; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 15]);
}

void leave(uint32_t code)
{
	outl(PORT_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void check(int ok, const char *what, uint32_t got)
{
	if (ok)
		return;
	puts("hostile: FAIL "); puts(what); puts(" got "); puthex(got); putc('\n');
	failures++;
}

void verdict(const char *name)
{
	puts("hostile: "); puts(name);
	puts(failures ? " FAIL\n" : " PASS\n");
	leave(failures ? 0x11 : 0x10);
}

void survived(const char *name)
{
	puts("hostile: survived "); puts(name); putc('\n');
	leave(0x11);
}

uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x ^ (*x >> 16);
}

uint32_t atou(const char *s)
{
	uint32_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/* --- cases hv must survive ------------------------------------------ */

static void case_ok(void)
{
	static const char msg[] = "hostile: puts hypercall ok\n";

	check(hcall(HC_NOP, 1, 2) == 0, "nop result", 0);
	check(hcall(HC_PUTS, (uint32_t)msg, sizeof(msg) - 1) == sizeof(msg) - 1,
	      "puts result", 0);
	check(hcall(HC_PUTS, (uint32_t)msg, 0) == 0, "empty puts", 0);
	check(hcall(HC_STATS, 0x00030000 | HC_NOP, 0) == 1, "nop count", 0);
	verdict("ok");
}

static void case_cpuid(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000000), "c"(0));
	check(a == 0x40000001, "max hv leaf", a);
	check(b == 0x76687668 && c == b && d == b, "signature hvhvhvhvhvhv", b);
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000001), "c"(0));
	check(a == 1 && b == (0xf0 | 0xf4 << 16) && c == 0xf8, "hv leaf 1", c);
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	check(c >> 31, "hypervisor bit", c);
	verdict("cpuid");
}

/* Unclaimed ports read as all ones in every width, rep string I/O too. */
static void case_io(void)
{
	static const char text[] = "hostile: rep outsb ok\n";
	uint8_t buf[16];
	void *p = buf;
	uint32_t n = sizeof(buf);

	check(inb(PORT_NONE) == 0xff, "inb", inb(PORT_NONE));
	check(inw(PORT_NONE) == 0xffff, "inw", inw(PORT_NONE));
	check(inl(PORT_NONE) == 0xffffffff, "inl", inl(PORT_NONE));
	check(inb(0x80) == 0xff, "inb 0x80", 0);
	outl(PORT_NONE, 0xdeadbeef);
	__asm__ volatile("rep insb" : "+D"(p), "+c"(n) : "d"(PORT_NONE) : "memory");
	for (unsigned i = 0; i < sizeof(buf); i++)
		check(buf[i] == 0xff, "rep insb", buf[i]);
	p = (void *)text;
	n = sizeof(text) - 1;
	__asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(PORT_COM1) : "memory");
	verdict("io");
}

/* Addresses with no RAM read as all ones and swallow writes. */
static void case_mmio(void)
{
	volatile uint32_t *far = (volatile uint32_t *)0xE0000000u;
	volatile uint8_t *vga = (volatile uint8_t *)0xB8000;
	uint32_t before = stats(0x00040001), v, n;

	v = *far;
	check(v == 0xffffffff, "read beyond RAM", v);
	*far = 0x12345678;
	v = *far;
	check(v == 0xffffffff, "read back beyond RAM", v);
	v = *vga;                       /* read-only RAM slot: no exit */
	check(v == 0xff, "empty VGA window", v);
	n = stats(0x00040001) - before;
	check(n == 2, "mmio read count", n);
	verdict("mmio");
}

/* The ROM is read-only: writes vanish, and hv counts them. */
static void case_rom(void)
{
	volatile uint8_t *rom = (volatile uint8_t *)0xC0000;
	volatile uint32_t *w = (volatile uint32_t *)0xC0010;
	uint32_t old = *w, before = stats(0x00040003), v, n;

	check(rom[0] == 0x55 && rom[1] == 0xAA, "ROM signature", rom[0]);
	rom[0] = 0;
	*w = ~old;
	v = rom[0];
	check(v == 0x55, "ROM byte after write", v);
	v = *w;
	check(v == old, "ROM word after write", v);
	n = stats(0x00040003) - before;
	check(n == 2, "ROM write count", n);
	verdict("rom");
}

/* The stats port counts what the guest did. */
static void case_stats(void)
{
	uint32_t p0 = stats(0x00020000 | PORT_NONE), t0, t1, io0, v;

	for (int i = 0; i < 10; i++)
		outb(PORT_NONE, 1);
	v = inl(PORT_STATS) - p0;
	check(v == 10, "port count", v);
	/* a counter includes the read that returns it: from the in of io0
	 * to the in of the last read are 2 + 5 + 1 + 2 exits */
	io0 = stats(0x00010002);                /* KVM_EXIT_IO */
	t0 = stats(0);
	for (int i = 0; i < 5; i++)
		outb(PORT_NONE, 1);
	t1 = inl(PORT_STATS);
	check(t1 - t0 == 6, "total delta", t1 - t0);
	v = stats(0x00010002) - io0;
	check(v == 10, "io exits delta", v);
	check(stats(0x12345678) == 0xffffffff, "unknown selector", 0);
	v = hcall(HC_STATS, 0x00020000 | PORT_NONE, 0);
	check(v == 15, "stats hypercall", v);
	verdict("stats");
}

/* Random values in random widths to most ports (hv's exit, hypercall
 * and COM1 data ports and the in-kernel PIC/PIT excepted), and random
 * selectors to the stats port: nothing may upset hv. */
static int garbage_skip(uint32_t p)
{
	return p == PORT_EXIT || (p >= PORT_HCALL && p < PORT_HCALL + 4) ||
	       p == PORT_COM1 || (p >= 0x20 && p < 0x22) ||
	       (p >= 0x40 && p < 0x44) || (p >= 0xa0 && p < 0xa2) || p == 0x61;
}

static void case_garbage(void)
{
	uint32_t x = 42, n = arg[0] ? atou(arg) : 2048;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t port = i < 0x400 ? i : lcg(&x) & 0xffff, v = lcg(&x);
		if (garbage_skip(port))
			continue;
		switch (v & 3) {
		case 0: outb((uint16_t)port, (uint8_t)v); break;
		case 1: outw((uint16_t)port, (uint16_t)v); break;
		case 2: outl((uint16_t)port, v); break;
		default: (void)inl((uint16_t)port);
		}
	}
	for (int i = 0; i < 64; i++)
		check(stats(lcg(&x) | 0x01000000) == 0xffffffff, "garbage selector", 0);
	outb(PORT_COM1 + 3, 0x03);              /* 8N1, DLAB off again */
	verdict("garbage");
}

/* COM1 input: hv feeds it from stdin; the harness sends "hv!". */
static void case_uart_in(void)
{
	char got[4] = { 0 };

	for (int i = 0; i < 3; i++) {
		for (uint32_t spins = 0; !(inb(PORT_COM1 + 5) & 1); spins++)
			if (spins > 20000) {
				check(0, "COM1 input never came", (uint32_t)i);
				verdict("uart-in");
			}
		got[i] = (char)inb(PORT_COM1);
	}
	check(got[0] == 'h' && got[1] == 'v' && got[2] == '!', "COM1 input", got[0]);
	check(!(inb(PORT_COM1 + 5) & 1), "no more input", 0);
	verdict("uart-in");
}

static void case_exit8(void)
{
	outb(PORT_EXIT, 0x10);
	survived("exit8");
}

/* N port exits, then N hypercalls, timed with the TSC: the cost of a
 * bare exit to hv against a full hypercall round trip. */
static void case_bench(void)
{
	uint32_t n = arg[0] ? atou(arg) : 1000, p0;
	uint64_t t0, t1, t2;

	p0 = stats(0x00020000 | PORT_NONE);
	t0 = rdtsc();
	for (uint32_t i = 0; i < n; i++)
		outb(PORT_NONE, 0);
	t1 = rdtsc();
	for (uint32_t i = 0; i < n; i++)
		hcall(HC_NOP, 0, 0);
	t2 = rdtsc();
	check(stats(0x00020000 | PORT_NONE) - p0 == n, "bench port exits", 0);
	check(hcall(HC_STATS, 0x00030000 | HC_NOP, 0) == n, "bench hypercalls", 0);
	puts("hostile: bench n "); putu(n);
	puts(" port-exit cycles "); putu((uint32_t)(t1 - t0) / (n ? n : 1));
	puts(" hypercall cycles "); putu((uint32_t)(t2 - t1) / (n ? n : 1));
	putc('\n');
	verdict("bench");
}

/* --- cases hv must stop ---------------------------------------------- */

static void case_hc_unknown(void) { hcall(0x1ff, 0, 0); hcall(0xffffffff, 0, 0); survived("hc-unknown"); }
static void case_hc_byte(void) { outb(PORT_HCALL, (uint8_t)HC_NOP); survived("hc-byte"); }
static void case_hc_in(void) { (void)inl(PORT_HCALL); survived("hc-in"); }
static void case_hc_badptr(void) { hcall(HC_PUTS, 0xF0000000u, 16); survived("hc-badptr"); }
static void case_hc_hole(void) { hcall(HC_PUTS, 0xC0000, 16); survived("hc-hole"); }
static void case_hc_edge(void) { hcall(HC_PUTS, ram_end - 8, 16); survived("hc-edge"); }
static void case_hc_oversize(void) { hcall(HC_PUTS, 0x100000, 0x100000); survived("hc-oversize"); }

static void case_hc_garbage(void)
{
	uint32_t x = 7;

	for (int i = 0; i < 1000; i++)
		hcall(lcg(&x), lcg(&x), lcg(&x));
	survived("hc-garbage");
}

/* --- the Xen-like hypercalls (hv --backend xenlike) ----------------- */

/* Numbers and limits of backends/xenlike/xl_abi.h, restated from the
 * spec (SPEC.md 19.1) as a foreign guest would. */
#define XL_SETUP 0x00
#define XL_CONSOLE 0x01
#define XL_MMU 0x02
#define XL_MULTI 0x08

static uint8_t xl_page[4096] __attribute__((aligned(4096)));
static uint8_t xl_shared[4096] __attribute__((aligned(4096)));
static uint64_t xl_table[512] __attribute__((aligned(4096)));
static uint64_t xl_req[4][2] __attribute__((aligned(16)));
static uint64_t xl_multi[2][7] __attribute__((aligned(16)));

static uint32_t xl_setup(void)
{
	return hcall5(XL_SETUP, (uint32_t)xl_page, (uint32_t)xl_shared, PORT_HCALL, 1, 32);
}

/* Setup (twice: the second refused), a console write, page-table
 * requests of which hv applies one and refuses two, a multicall with
 * an op it may not batch. */
static void case_xl_ok(void)
{
	static const char msg[] = "hostile: xl console\n";
	check(xl_setup() == 0, "xl setup", 0);
	check(xl_setup() == (uint32_t)-1, "xl second setup refused", 0);
	check(hcall5(XL_CONSOLE, (uint32_t)msg, sizeof(msg) - 1, 0, 0, 0) == sizeof(msg) - 1,
	      "xl console", 0);
	xl_req[0][0] = (uint32_t)&xl_table[1] | 1;		/* level 1 */
	xl_req[0][1] = 0x200000 | 1;				/* a frame in RAM */
	xl_req[1][0] = (uint32_t)&xl_table[2] | 1;
	xl_req[1][1] = ((uint64_t)ram_end + 0x100000) | 1;	/* beyond RAM */
	xl_req[2][0] = 0xF0000000u | 1;				/* entry not in RAM */
	xl_req[2][1] = 0x200000 | 1;
	uint32_t r = hcall5(XL_MMU, (uint32_t)xl_req, 3, 0, 0, 0);
	check(r == 2, "xl mmu refused two", r);
	check(xl_table[1] == (0x200000 | 1), "xl entry applied", (uint32_t)xl_table[1]);
	check(xl_table[2] == 0, "xl entry beyond RAM not written", (uint32_t)xl_table[2]);
	check(xl_req[1][0] == 0 && xl_req[2][0] == 0, "xl refused ptrs zeroed", 0);
	xl_multi[0][0] = 0x06;				/* shutdown: not batchable */
	xl_multi[1][0] = XL_CONSOLE;
	xl_multi[1][1] = (uint32_t)msg;
	xl_multi[1][2] = sizeof(msg) - 1;
	check(hcall5(XL_MULTI, (uint32_t)xl_multi, 2, 0, 0, 0) == 0, "xl multicall", 0);
	check((int64_t)xl_multi[0][6] == -22, "xl multicall refuses shutdown",
	      (uint32_t)xl_multi[0][6]);
	check(xl_multi[1][6] == sizeof(msg) - 1, "xl multicall console", 0);
	verdict("xl-ok");
}

static void case_xl_early(void) { hcall5(XL_CONSOLE, 0x100000, 4, 0, 0, 0); survived("xl-early"); }
static void case_xl_setup_ptr(void)
{
	hcall5(XL_SETUP, 0xF0000000u, (uint32_t)xl_shared, PORT_HCALL, 1, 32);
	survived("xl-setup-ptr");
}
static void case_xl_console_big(void)
{
	xl_setup();
	hcall5(XL_CONSOLE, 0x100000, 4097, 0, 0, 0);
	survived("xl-console-big");
}
static void case_xl_mmu_big(void)
{
	xl_setup();
	hcall5(XL_MMU, (uint32_t)xl_req, 513, 0, 0, 0);
	survived("xl-mmu-big");
}
static void case_xl_mmu_ptr(void)
{
	xl_setup();
	hcall5(XL_MMU, ram_end - 8, 2, 0, 0, 0);	/* the list runs off RAM */
	survived("xl-mmu-ptr");
}
static void case_xl_multi_big(void)
{
	xl_setup();
	hcall5(XL_MULTI, (uint32_t)xl_multi, 9, 0, 0, 0);
	survived("xl-multi-big");
}

/* --- the VMware-like backdoor (hv --backend vmwarelike) ------------- */

#define VMW_MAGIC 0x564D5868u

/* "in %dx, %eax" with eax = magic, the command (or bulk command) and its
 * arguments in ebx, ecx, esi; eax comes back, ebx and ecx in *b, *c. */
static uint32_t vmw(uint16_t port, uint32_t magic, uint32_t bx, uint32_t cx,
		    uint32_t si, uint32_t *b, uint32_t *c)
{
	uint32_t a = magic, d = port;
	__asm__ volatile("inl %%dx, %%eax" : "+a"(a), "+b"(bx), "+c"(cx), "+d"(d)
			 : "S"(si), "D"(0) : "memory");
	if (b)
		*b = bx;
	if (c)
		*c = cx;
	return a;
}
#define VMW_CMD(cmd, bx, si, b, c) vmw(0x5658, VMW_MAGIC, bx, cmd, si, b, c)

static uint64_t vmw_table[512] __attribute__((aligned(4096)));
static uint64_t vmw_queue[8][2];

/* GETVERSION, a queue hv checks (one good entry, one mapping beyond RAM,
 * one bad cr3: the two refused get their kind cleared, nothing is stored
 * by hv), a bulk console write, then SHUTDOWN carries the verdict. */
static void case_vmw_ok(void)
{
	static const char msg[] = "hostile: vmw bulk\n";
	uint32_t b, c, a = VMW_CMD(0x0a, 0, 0, &b, &c);

	check(a == 1 && b == VMW_MAGIC && c == 0x4d567668u, "vmw getversion", a);
	vmw_queue[0][0] = (uint32_t)&vmw_table[3] | 1;
	vmw_queue[0][1] = 0x1003;
	vmw_queue[1][0] = (uint32_t)&vmw_table[4] | 1;
	vmw_queue[1][1] = ((uint64_t)ram_end + 0x1000) | 3;
	vmw_queue[2][0] = 5;
	vmw_queue[2][1] = 0x8000000000001000ull;
	a = VMW_CMD(0x81, (uint32_t)vmw_queue, 3, &b, &c);
	check(a == 2 && b == 1 && c == 1, "vmw refused count, index, reason", a);
	check((vmw_queue[0][0] & 7) == 1, "vmw accepted kind kept", (uint32_t)vmw_queue[0][0]);
	check((vmw_queue[1][0] & 7) == 0 && (vmw_queue[2][0] & 7) == 0,
	      "vmw refused kinds cleared", (uint32_t)vmw_queue[1][0]);
	check(vmw_table[3] == 0, "vmw host stored nothing", (uint32_t)vmw_table[3]);
	a = vmw(0x5659, VMW_MAGIC, 1, sizeof(msg) - 1, (uint32_t)msg, 0, 0);
	check(a == sizeof(msg) - 1, "vmw bulk console", a);
	VMW_CMD(0x86, failures ? 0x11 : 0x10, 0, 0, 0);
	survived("vmw-ok shutdown");
}

static void case_vmw_magic(void) { vmw(0x5658, VMW_MAGIC + 1, 0, 0x0a, 0, 0, 0); survived("vmw-magic"); }
static void case_vmw_cmd(void) { VMW_CMD(0x7777, 0, 0, 0, 0); survived("vmw-cmd"); }
static void case_vmw_out(void) { outl(0x5658, VMW_MAGIC); survived("vmw-out"); }
static void case_vmw_byte(void) { (void)inb(0x5658); survived("vmw-byte"); }
static void case_vmw_bulk_big(void) { vmw(0x5659, VMW_MAGIC, 1, 4097, 0x100000, 0, 0); survived("vmw-bulk-big"); }
static void case_vmw_bulk_ptr(void) { vmw(0x5659, VMW_MAGIC, 1, 16, 0xF0000000u, 0, 0); survived("vmw-bulk-ptr"); }
static void case_vmw_queue_big(void) { VMW_CMD(0x81, (uint32_t)vmw_queue, 1025, 0, 0); survived("vmw-queue-big"); }
static void case_vmw_period(void) { VMW_CMD(0x82, 1000, 10, 0, 0); survived("vmw-period"); }

static void case_vmw_kind(void)
{
	vmw_queue[0][0] = (uint32_t)&vmw_table[0] | 6;
	VMW_CMD(0x81, (uint32_t)vmw_queue, 1, 0, 0);
	survived("vmw-kind");
}

static void case_vmw_entry(void)
{
	vmw_queue[0][0] = 0xF0000000u | 1;
	vmw_queue[0][1] = 0;
	VMW_CMD(0x81, (uint32_t)vmw_queue, 1, 0, 0);
	survived("vmw-entry");
}

/* No IDT: the breakpoint cannot be delivered, nor the #GP, nor the #DF. */
static void case_triple(void)
{
	static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idt = { 0, 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(idt));
	survived("triple");
}

static void case_spin(void) { for (;;) __asm__ volatile("cli"); }
static void case_halt(void) { for (;;) __asm__ volatile("cli; hlt"); }

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "ok", case_ok }, { "cpuid", case_cpuid }, { "io", case_io },
	{ "mmio", case_mmio }, { "rom", case_rom }, { "stats", case_stats },
	{ "garbage", case_garbage }, { "exit8", case_exit8 },
	{ "uart-in", case_uart_in },
	{ "bench", case_bench },
	{ "hc-unknown", case_hc_unknown }, { "hc-byte", case_hc_byte },
	{ "hc-in", case_hc_in }, { "hc-badptr", case_hc_badptr },
	{ "hc-hole", case_hc_hole }, { "hc-edge", case_hc_edge },
	{ "hc-oversize", case_hc_oversize }, { "hc-garbage", case_hc_garbage },
	{ "triple", case_triple }, { "spin", case_spin }, { "halt", case_halt },
	{ "vmw-ok", case_vmw_ok }, { "vmw-magic", case_vmw_magic },
	{ "vmw-cmd", case_vmw_cmd }, { "vmw-out", case_vmw_out },
	{ "vmw-byte", case_vmw_byte }, { "vmw-bulk-big", case_vmw_bulk_big },
	{ "vmw-bulk-ptr", case_vmw_bulk_ptr }, { "vmw-queue-big", case_vmw_queue_big },
	{ "vmw-period", case_vmw_period }, { "vmw-kind", case_vmw_kind },
	{ "vmw-entry", case_vmw_entry },
	{ "xl-ok", case_xl_ok }, { "xl-early", case_xl_early },
	{ "xl-setup-ptr", case_xl_setup_ptr }, { "xl-console-big", case_xl_console_big },
	{ "xl-mmu-big", case_xl_mmu_big }, { "xl-mmu-ptr", case_xl_mmu_ptr },
	{ "xl-multi-big", case_xl_multi_big },
	/* virtio devices on PCI (virtio.c) */
	{ "vblk-ok", case_vblk_ok }, { "vblk-ro", case_vblk_ro },
	{ "vblk-end", case_vblk_end }, { "vblk-qsize", case_vblk_qsize },
	{ "vblk-bench", case_vblk_bench }, { "vblk-loop", case_vblk_loop },
	{ "vblk-ind-loop", case_vblk_ind_loop }, { "vblk-outside", case_vblk_outside },
	{ "vblk-huge", case_vblk_huge }, { "vblk-ring-outside", case_vblk_ring_outside },
	{ "vblk-avail", case_vblk_avail }, { "vcon-ok", case_vcon_ok },
	{ "vballoon-ok", case_vballoon_ok }, { "vballoon-ctl", case_vballoon_ctl },
	{ "pci", case_pci },
};

/* "name" equals the first word of s; arg is set to what follows. */
static int is_case(const char *s, const char *name)
{
	while (*name && *s == *name)
		s++, name++;
	if (*name || (*s && *s != ' '))
		return 0;
	arg = *s ? s + 1 : s;
	return 1;
}

void hostile_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";

	if (magic != 0x2BADB002u || !(mbi->flags & 1))
		survived("without Multiboot information");
	ram_end = (mbi->mem_upper + 1024) * 1024;
	for (const char *p = cmd; *p && *p != ' '; p++)
		if (*p == '/') {                /* QEMU and GRUB put the path first */
			while (*cmd && *cmd++ != ' ')
				;
			break;
		}
	puts("hostile: case '"); puts(cmd); puts("'\n");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (is_case(cmd, cases[i].name))
			cases[i].fn();
	puts("hostile: unknown case\n");
	leave(0x12);
}
