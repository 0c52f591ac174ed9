/* writer.c: the memory-writing guest of the migration test and bench
 * (a 32-bit Multiboot v1 kernel, paging off, on tests/hvguests/mini's
 * boot.S and link.ld).
 *
 *   command line: MIB ROUNDS      (default 4 64)
 *
 * Over MIB MiB from 4 MiB up it writes, round after round, 1 KiB of a
 * pseudo-random sequence into every page (seeded by round and page) and
 * keeps each page's checksum in a table; before it overwrites a page it
 * checks the page against its checksum and against the sequence the
 * last round wrote, and after the last round it checks every page once
 * more.  So a page the migration lost, or sent stale, is caught.
 * "writer: round N" after each round, "writer: PASS ..." and exit
 * status 33 at the end; "writer: FAIL ..." and 35 on any mismatch.
 *
 * It writes port 0x80 (hv's io-delay port, ignored) after each page:
 * without exits its loop kept the one vCPU of the nested VM in the L2
 * guest, and the test's own processes there (qmpc, the script) did not
 * run until the writer ended, so the migration never started. */
#include <stdint.h>

#define BASE      0x400000u
#define PAGE      4096u
#define WORDS     256u                  /* words written per page */

struct mb_info { uint32_t flags, mem_lower, mem_upper, boot_device, cmdline; };

static uint32_t sums[65536];            /* checksum per page (256 MiB max) */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void puts(const char *s)
{
	while (*s)
		outb(0x3f8, (uint8_t)*s++);
}

static void putu(uint32_t v)
{
	char b[12];
	int n = 0;

	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		outb(0x3f8, (uint8_t)b[--n]);
}

static void leave(uint32_t code)
{
	__asm__ volatile("outl %0, %1" : : "a"(code), "Nd"((uint16_t)0xf4));
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint32_t seed(uint32_t round, uint32_t page)
{
	uint32_t x = round * 0x9E3779B1u ^ page * 0x85EBCA77u;
	return x ? x : 1;
}

static uint32_t next(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Page p as round r wrote it: sequence and checksum both right. */
static int page_ok(uint32_t r, uint32_t p)
{
	volatile uint32_t *w = (volatile uint32_t *)(BASE + p * PAGE);
	uint32_t x = seed(r, p), sum = 0;

	for (uint32_t i = 0; i < WORDS; i++) {
		x = next(x);
		if (w[i] != x)
			return 0;
		sum += w[i];
	}
	return sum == sums[p];
}

static void page_write(uint32_t r, uint32_t p)
{
	volatile uint32_t *w = (volatile uint32_t *)(BASE + p * PAGE);
	uint32_t x = seed(r, p), sum = 0;

	for (uint32_t i = 0; i < WORDS; i++) {
		x = next(x);
		w[i] = x;
		sum += x;
	}
	sums[p] = sum;
}

static void fail(uint32_t r, uint32_t p)
{
	puts("writer: FAIL page ");
	putu(p);
	puts(" lost what round ");
	putu(r);
	puts(" wrote\n");
	leave(0x11);
}

/* "MIB ROUNDS" from the command line, each optional. */
static uint32_t number(const char **s, uint32_t dflt)
{
	uint32_t v = 0;
	int any = 0;

	while (**s == ' ')
		(*s)++;
	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (uint32_t)(*(*s)++ - '0');
		any = 1;
	}
	return any ? v : dflt;
}

void mini_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cl = (magic == 0x2BADB002u && (mbi->flags & 4)) ?
			 (const char *)mbi->cmdline : "";
	uint32_t mib = number(&cl, 4), rounds = number(&cl, 64), pages;

	if (mib == 0 || mib > 256 || (uint64_t)(mib + 4) * 1024 > mbi->mem_upper + 1024u) {
		puts("writer: FAIL the region does not fit in RAM\n");
		leave(0x11);
	}
	pages = mib * 256;
	puts("writer: ");
	putu(mib);
	puts(" MiB, ");
	putu(rounds);
	puts(" rounds\n");
	for (uint32_t r = 1; r <= rounds; r++) {
		for (uint32_t p = 0; p < pages; p++) {
			if (r > 1 && !page_ok(r - 1, p))
				fail(r - 1, p);
			page_write(r, p);
			outb(0x80, 0);  /* an exit a page: see below */
		}
		puts("writer: round ");
		putu(r);
		puts("\n");
	}
	for (uint32_t p = 0; p < pages; p++)
		if (!page_ok(rounds, p))
			fail(rounds, p);
	puts("writer: PASS ");
	putu(pages);
	puts(" pages checked after each of ");
	putu(rounds);
	puts(" rounds\n");
	leave(0x10);
}
