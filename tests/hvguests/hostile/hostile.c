/* hostile.c: a guest that misbehaves towards hv, one way per boot, the
 * way chosen by the first word of its command line.  Cases hv must stop
 * print "survived" and exit 0x11 if they ever get past the bad deed;
 * cases hv must survive check what they saw and exit 0x10 (pass) or 0x11.
 * The table at the bottom lists every case. */
#include "hostile.h"

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

static uint32_t ram_end;            /* from mem_upper */
static const char *arg;             /* the command line after the case */
static int failures;

static void putc(char c)
{
	while (!(inb(PORT_COM1 + 5) & 0x20))
		;
	outb(PORT_COM1, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void putu(uint32_t v)
{
	char b[12];
	int i = 11;

	b[i] = 0;
	do b[--i] = (char)('0' + v % 10); while ((v /= 10) && i);
	puts(b + i);
}

static void puthex(uint32_t v)
{
	puts("0x");
	for (int i = 28; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 15]);
}

static void leave(uint32_t code)
{
	outl(PORT_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void check(int ok, const char *what, uint32_t got)
{
	if (ok)
		return;
	puts("hostile: FAIL "); puts(what); puts(" got "); puthex(got); putc('\n');
	failures++;
}

static void verdict(const char *name)
{
	puts("hostile: "); puts(name);
	puts(failures ? " FAIL\n" : " PASS\n");
	leave(failures ? 0x11 : 0x10);
}

static void survived(const char *name)
{
	puts("hostile: survived "); puts(name); putc('\n');
	leave(0x11);
}

static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x ^ (*x >> 16);
}

static uint32_t atou(const char *s)
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
