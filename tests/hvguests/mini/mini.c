/* mini.c: a minimal Multiboot v1 kernel, from the specification alone:
 * prints its command line and boot loader name on COM1, checks the
 * magic, the memory fields and the memory map, lists modules, and leaves
 * through the isa-debug-exit port 0xf4 (0x10 = pass, 0x11 = fail).
 * A command line containing "fail" makes it fail on purpose, so the test
 * harness can see a failure get through. */
#include <stdint.h>

#define MB_BOOT_MAGIC 0x2BADB002u
#define MBI_MEM       (1u << 0)
#define MBI_CMDLINE   (1u << 2)
#define MBI_MODS      (1u << 3)
#define MBI_MMAP      (1u << 6)
#define MBI_NAME      (1u << 9)

struct mb_info {                        /* spec section 3.3 */
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name;
};

struct mb_mod { uint32_t start, end, string, reserved; };

struct mb_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

extern char __load_start[], __bss_end[];

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc(char c)
{
	while (!(inb(0x3f8 + 5) & 0x20))        /* LSR: THR empty */
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(uint64_t v)
{
	puts("0x");
	for (int i = (v >> 32) ? 60 : 28; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 15]);
}

static int contains(const char *s, const char *w)
{
	for (; *s; s++) {
		int i = 0;
		while (w[i] && s[i] == w[i])
			i++;
		if (!w[i])
			return 1;
	}
	return 0;
}

static void leave(uint32_t code)
{
	outl(0xf4, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void fail(const char *why)
{
	puts("mini: FAIL ");
	puts(why);
	putc('\n');
	leave(0x11);
}

/* The map must show RAM at 0 and at 1 MiB, with usable memory above
 * 1 MiB matching mem_upper, and our own image inside usable RAM. */
static void check_mmap(const struct mb_info *mbi)
{
	uint32_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
	uint64_t upper = 0, lo = (uint32_t)__load_start, hi = (uint32_t)__bss_end;
	int self = 0, n = 0;

	while (p < end) {
		const struct mb_mmap *e = (const struct mb_mmap *)p;
		puts("mini: mmap "); puthex(e->base); putc(' ');
		puthex(e->len); puts(e->type == 1 ? " usable\n" : " reserved\n");
		if (e->type == 1 && e->base >= 0x100000)
			upper += e->len;
		if (e->type == 1 && e->base <= lo && e->base + e->len >= hi)
			self = 1;
		p += e->size + 4;
		n++;
	}
	if (n == 0)
		fail("empty memory map");
	if (!self)
		fail("kernel image not in usable memory");
	if (upper / 1024 != mbi->mem_upper)
		fail("memory map disagrees with mem_upper");
}

static void show_modules(const struct mb_info *mbi)
{
	const struct mb_mod *m = (const struct mb_mod *)mbi->mods_addr;

	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		puts("mini: module '"); puts((const char *)m[i].string);
		puts("' "); puthex(m[i].end - m[i].start); puts(" bytes");
		if (m[i].start & 0xfff)
			fail("module not page aligned");
		if (m[i].end > m[i].start) {
			puts(" first byte "); puthex(*(uint8_t *)m[i].start);
		}
		putc('\n');
	}
}

void mini_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmd = "";

	puts("mini: hello from a Multiboot v1 kernel\n");
	if (magic != MB_BOOT_MAGIC)
		fail("bad boot magic in EAX");
	if (mbi->flags & MBI_CMDLINE)
		cmd = (const char *)mbi->cmdline;
	puts("mini: cmdline '"); puts(cmd); puts("'\n");
	if (mbi->flags & MBI_NAME) {
		puts("mini: loader '"); puts((const char *)mbi->boot_loader_name);
		puts("'\n");
	}
	if (!(mbi->flags & MBI_MEM))
		fail("no mem_lower/mem_upper");
	puts("mini: mem_lower "); puthex(mbi->mem_lower);
	puts(" KiB, mem_upper "); puthex(mbi->mem_upper); puts(" KiB\n");
	if (!(mbi->flags & MBI_MMAP))
		fail("no memory map");
	check_mmap(mbi);
	if (mbi->flags & MBI_MODS)
		show_modules(mbi);
	if (contains(cmd, "fail"))
		fail("asked to by the command line");
	puts("mini: PASS\n");
	leave(0x10);
}
