/*
 * kernel.h: what every kernel file needs: logging, panic, exit, the boot
 * options, and small helpers.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include "layout.h"
#include "cmdline.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define P2V(pa)		((void *)((uintptr_t)(pa) + KERNEL_VMA))
#define V2P(va)		((uint64_t)(uintptr_t)(va) - KERNEL_VMA)

extern struct kopts kopts;		/* parsed command line (main.c) */
extern char __text_start[], __text_end[], __kernel_end[], __load_start[];

/* Boot log: one line per subsystem; silenced by `quiet`. */
#define klog(...) do { if (!kopts.quiet) printf(__VA_ARGS__); } while (0)

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kexit(uint32_t code) __attribute__((noreturn));

#define kassert(c) do { if (!(c)) panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__); } while (0)

/* pvboot.c: the bound backend: a ROM's name, or "native". */
const char *pv_backend_name(void);
bool pv_op_native(unsigned op);		/* op runs native code */

/* console.c */
void console_init(void);
void console_write(const char *s, size_t n);
/* A driver's console (NULL: back to the pvops console op). */
void console_set_sink(void (*write)(const char *s, size_t n));
void (*console_get_sink(void))(const char *s, size_t n);	/* the one in use, or NULL */

#endif
