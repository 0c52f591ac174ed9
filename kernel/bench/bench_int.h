/*
 * bench_int.h: what the benchmark files share: the op record, the
 * measurement helpers (serialised TSC, hv's exit counter) and the
 * environment the run found.  Private to kernel/bench/.
 *
 * Two kinds of op:
 *  - simple: run(n) executes the op n times in an unrolled loop
 *    (BENCH_LOOP); the runner times it and subtracts the cost of the
 *    same loop with an empty body, so a figure is the op alone;
 *  - sampled: sample(n, s) measures itself (a differential, a thread
 *    ping-pong) and fills a struct bench_sample with what it saw.
 */
#ifndef BENCH_INT_H
#define BENCH_INT_H

#include <stdint.h>
#include <stdbool.h>
#include <native/insn.h>

/* Where hv's exit counter lives (hv/hv.md): select with an outl, read
 * with an inl; every read is itself one exit. */
#define BENCH_HV_STATS_PORT	0xf0
#define BENCH_HV_HCALL_PORT	0xf8
#define BENCH_HV_NOP		0x100

/* The scratch window: a 2 MiB region for single page-table writes and
 * lat_mmap pages, a second one whose PTE page the lazy op fills.  Far
 * from the ROM (VMAP_BASE + 128 MiB) and the tests (VMAP_BASE + 4 KiB). */
#define BENCH_VA		(VMAP_BASE + 0x0c000000)
#define BENCH_VA_LAZY		(BENCH_VA + 0x200000)

/* One timed batch. */
struct bench_sample {
	uint64_t tsc;			/* TSC ticks spent */
	uint64_t exits;			/* hv exits in it (0 elsewhere) */
	uint64_t units;			/* ops done (the divisor) */
};

struct bench_op {
	const char *name;		/* KTAP test name, bench=NAME */
	const char *unit;		/* what one unit is */
	uint32_t n_large, n_small;	/* units per batch (multiple of 8
					 * for simple ops) */
	bool irqs_off;			/* run batches with interrupts off */
	bool hv_only;			/* needs hv (skip elsewhere) */
	const char *(*prepare)(void);	/* NULL, or why the op is skipped */
	void (*run)(uint64_t n);	/* simple ops */
	void (*sample)(uint64_t n, struct bench_sample *s); /* sampled ops */
	void (*finish)(void);		/* undo prepare */
};

/* What the runner found out about the machine. */
struct bench_env {
	const char *name;		/* "hv", "kvm", "tcg", "bare", other */
	bool small;			/* emulated: keep counts small */
	bool hv;			/* hv's ports are there */
	unsigned batches;
};

extern struct bench_env bench_env;

/* `lfence; rdtsc`: the read waits for every earlier instruction. */
static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* hv's port-I/O exit counter (low 32 bits); 0 when not under hv. */
static inline uint32_t bench_exits(void)
{
	return bench_env.hv ? inl(BENCH_HV_STATS_PORT) : 0;
}

/* Starts and ends a sampled measurement. */
struct bench_mark {
	uint64_t tsc;
	uint32_t exits;
};

static inline void bench_begin(struct bench_mark *m)
{
	m->exits = bench_exits();
	m->tsc = bench_tsc();
}

static inline void bench_end(const struct bench_mark *m, struct bench_sample *s)
{
	uint64_t t = bench_tsc();
	uint32_t e = bench_exits();
	s->tsc = t - m->tsc;
	/* The closing read is one exit of its own. */
	s->exits = bench_env.hv ? (uint32_t)(e - m->exits - 1) : 0;
}

/* Eight copies of body per turn: n must be a multiple of 8. */
#define BENCH_LOOP(n, body)						\
	for (uint64_t bench_i_ = 0; bench_i_ < (n); bench_i_ += 8) {	\
		body; body; body; body; body; body; body; body;		\
	}

/* bench_ops.c: the cheap CPU ops and hv's null hypercall. */
void bench_loop(uint64_t n);
void bench_irq_pair(uint64_t n);
void bench_save_restore_fl(uint64_t n);
void bench_cpuid(uint64_t n);
void bench_rdmsr(uint64_t n);
void bench_read_cr3(uint64_t n);
void bench_hcall_nop(uint64_t n);
const char *bench_hcall_prepare(void);

/* bench_mm.c: page tables, TLB, address spaces, lat_mmap. */
const char *bench_mm_prepare(void);
void bench_mm_finish(void);
void bench_write_cr3(uint64_t n);
void bench_invlpg(uint64_t n);
void bench_flush_tlb(uint64_t n);
void bench_pte_write(uint64_t n);
void bench_pte_lazy512(uint64_t n, struct bench_sample *s);
void bench_lat_mmap(uint64_t n, struct bench_sample *s);

/* bench_sched.c: timer, console, threads, processes. */
void bench_halt_wake(uint64_t n, struct bench_sample *s);
void bench_console(uint64_t n, struct bench_sample *s);
void bench_thread_switch(uint64_t n, struct bench_sample *s);
void bench_proc_switch(uint64_t n, struct bench_sample *s);
void bench_proc_spawn(uint64_t n, struct bench_sample *s);

#endif
