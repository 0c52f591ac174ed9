/* hostile.h: port I/O, console and hypercall wrappers of the hostile
 * test guest (32-bit protected mode, no paging).  hv's hypercall
 * transport: "out %eax, $0xf8" with the number in eax and arguments in
 * ebx, ecx, edx, esi, edi; the result comes back in eax. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdint.h>

#define PORT_STATS 0xf0
#define PORT_EXIT  0xf4
#define PORT_HCALL 0xf8
#define PORT_COM1  0x3f8
#define PORT_NONE  0x500            /* claimed by nobody */

#define HC_NOP     0x100
#define HC_PUTS    0x101
#define HC_STATS   0x102

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static inline uint32_t hcall(uint32_t nr, uint32_t a0, uint32_t a1)
{
	uint32_t ret = nr;
	__asm__ volatile("outl %%eax, $0xf8"
			 : "+a"(ret) : "b"(a0), "c"(a1), "d"(0), "S"(0), "D"(0)
			 : "memory");
	return ret;
}

/* All five argument registers (the Xen-like backend's calls use them). */
static inline uint32_t hcall5(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
			      uint32_t a3, uint32_t a4)
{
	uint32_t ret = nr;
	__asm__ volatile("outl %%eax, $0xf8"
			 : "+a"(ret) : "b"(a0), "c"(a1), "d"(a2), "S"(a3), "D"(a4)
			 : "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint32_t stats(uint32_t selector)
{
	outl(PORT_STATS, selector);
	return inl(PORT_STATS);
}

/* hostile.c's console and verdicts, for the cases in other files. */
extern uint32_t ram_end;            /* from mem_upper */
extern const char *arg;             /* the command line after the case */
extern int failures;
void putc(char c);
void puts(const char *s);
void putu(uint32_t v);
void puthex(uint32_t v);
void leave(uint32_t code) __attribute__((noreturn));
void check(int ok, const char *what, uint32_t got);
void verdict(const char *name) __attribute__((noreturn));
void survived(const char *name) __attribute__((noreturn));
uint32_t lcg(uint32_t *x);
uint32_t atou(const char *s);

/* virtio.c: the virtio devices driven by hand. */
void case_vblk_ok(void);
void case_vblk_ro(void);
void case_vblk_end(void);
void case_vblk_qsize(void);
void case_vblk_bench(void);
void case_vblk_loop(void);
void case_vblk_ind_loop(void);
void case_vblk_outside(void);
void case_vblk_huge(void);
void case_vblk_ring_outside(void);
void case_vblk_avail(void);
void case_vcon_ok(void);
void case_vballoon_ok(void);
void case_vballoon_ctl(void);
void case_pci(void);

#endif
