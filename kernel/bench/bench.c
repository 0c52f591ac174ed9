/*
 * bench.c: the in-guest benchmark runner (kernel option `bench`,
 * `bench=NAME` for the ops whose name starts with NAME).
 *
 * Output is KTAP version 1, one test per op, each preceded by one
 * machine-readable diagnostic line (bench/README.md explains the
 * fields):
 *
 *   # bench: op=cpuid unit=op n=1024 batches=9 min=1.00 median=1.00
 *     max=1.00 exits_min=- exits_median=-
 *   ok 4 cpuid
 *
 * (one line in the output).  Values never hold spaces, so every field
 * is key=value.
 *
 * Figures are TSC ticks per unit in hundredths, printed as fixed point;
 * under QEMU TCG with -icount shift=0 a tick is one guest instruction.
 * Each op runs in `batches` batches of n units; min, median and max are
 * over the batches.  Simple ops are net of their loop (the `loop` op).
 */
#include <string.h>
#include "kernel.h"
#include "bench.h"
#include "bench_int.h"
#include <pvops/pvops.h>

#define MAX_BATCHES 16

struct bench_env bench_env;

/* The ops in the order they run: cheap CPU ops, MMU ops, the ones that
 * need the rest of the kernel, hv's hypercall, then the macro workloads. */
static const struct bench_op ops[] = {
	{ "loop", "op", 8192, 512, true, false, NULL, bench_loop, NULL, NULL },
	{ "irq_pair", "pair", 8192, 512, false, false, NULL, bench_irq_pair, NULL, NULL },
	{ "save_restore_fl", "pair", 8192, 512, true, false, NULL, bench_save_restore_fl, NULL, NULL },
	{ "cpuid", "op", 1024, 64, true, false, NULL, bench_cpuid, NULL, NULL },
	{ "rdmsr", "op", 1024, 64, true, false, NULL, bench_rdmsr, NULL, NULL },
	{ "read_cr3", "op", 8192, 512, true, false, NULL, bench_read_cr3, NULL, NULL },
	{ "write_cr3", "switch", 1024, 64, true, false, bench_mm_prepare, bench_write_cr3, NULL, NULL },
	{ "invlpg", "op", 1024, 64, true, false, bench_mm_prepare, bench_invlpg, NULL, NULL },
	{ "flush_tlb", "op", 1024, 64, true, false, bench_mm_prepare, bench_flush_tlb, NULL, NULL },
	{ "pte_write", "write", 4096, 256, true, false, bench_mm_prepare, bench_pte_write, NULL, bench_mm_finish },
	{ "pte_lazy512", "group512", 16, 2, true, false, bench_mm_prepare, NULL, bench_pte_lazy512, bench_mm_finish },
	{ "halt_wake", "wake", 32, 4, false, false, NULL, NULL, bench_halt_wake, NULL },
	{ "console", "KiB", 2, 1, false, false, NULL, NULL, bench_console, NULL },
	{ "thread_switch", "switch", 1024, 64, false, false, NULL, NULL, bench_thread_switch, NULL },
	{ "proc_switch", "switch", 1, 1, false, false, NULL, NULL, bench_proc_switch, NULL },
	{ "hcall_nop", "hypercall", 1024, 64, true, true, bench_hcall_prepare, bench_hcall_nop, NULL, NULL },
	{ "lat_mmap", "page", 512, 64, true, false, bench_mm_prepare, NULL, bench_lat_mmap, bench_mm_finish },
	{ "proc_spawn", "process", 4, 1, false, false, NULL, NULL, bench_proc_spawn, NULL },
};

/* The 12-byte vendor signature of hypervisor leaf `leaf`. */
static void hv_signature(uint32_t leaf, char sig[13])
{
	uint32_t a, r[3];
	pv_cpuid(leaf, 0, &a, &r[0], &r[1], &r[2]);
	memcpy(sig, r, 12);
	sig[12] = 0;
}

/*
 * Names the machine from CPUID: the hypervisor bit, then the signature
 * at 0x40000000 (and, for hv, at the Xen-style offsets a backend might
 * move it to).  Under KVM and hv every instruction is emulated here, so
 * counts are cut to keep a run to a few million instructions.
 */
static void detect_env(void)
{
	uint32_t a, b, c, d;
	char sig[13];
	pv_cpuid(1, 0, &a, &b, &c, &d);
	bench_env.name = "bare";
	if (c & (1u << 31)) {
		hv_signature(0x40000000, sig);
		bench_env.name = !strcmp(sig, "KVMKVMKVM") ? "kvm" :
				 !strcmp(sig, "TCGTCGTCGTCG") ? "tcg" : "other";
		for (uint32_t leaf = 0x40000000; leaf <= 0x40001000; leaf += 0x100) {
			hv_signature(leaf, sig);
			if (!strcmp(sig, "hvhvhvhvhvhv"))
				bench_env.hv = true;
		}
	}
	if (bench_env.hv) {
		bench_env.name = "hv";
		/* Port-I/O exits only: the guest's own traps to hv (hypercalls,
		 * device ports), not hv's timer signal kicking the vCPU out. */
		outl(BENCH_HV_STATS_PORT, 0x00010002);
	}
	bench_env.small = (c & (1u << 31)) && strcmp(bench_env.name, "tcg") != 0;
	bench_env.batches = bench_env.small ? 5 : 9;
}

static void sort_i64(int64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* A value in hundredths as "12.34" or "-0.50". */
static const char *fixed(char *buf, size_t size, int64_t h)
{
	uint64_t m = h < 0 ? (uint64_t)-h : (uint64_t)h;
	snprintf(buf, size, "%s%llu.%02llu", h < 0 ? "-" : "",
		 (unsigned long long)(m / 100), (unsigned long long)(m % 100));
	return buf;
}

/* Per-unit figures of the batches, in hundredths, sorted. */
struct series {
	int64_t tsc[MAX_BATCHES], exits[MAX_BATCHES];
	unsigned n;
};

/* One simple-op batch, interrupts off if the op asks. */
static void simple_batch(const struct bench_op *op, void (*run)(uint64_t),
			 uint64_t n, struct bench_sample *s)
{
	struct bench_mark m;
	uint64_t fl = op->irqs_off ? pv_irq_save() : 0;
	bench_begin(&m);
	run(n);
	bench_end(&m, s);
	if (op->irqs_off)
		pv_irq_restore(fl);
	s->units = n;
}

/* The cheapest batch of the empty loop for n units: what a simple op's
 * own loop costs, subtracted from each of its batches. */
static void loop_cost(const struct bench_op *op, uint64_t n, struct bench_sample *base)
{
	*base = (struct bench_sample){ UINT64_MAX, UINT64_MAX, n };
	for (unsigned b = 0; b < bench_env.batches; b++) {
		struct bench_sample s;
		simple_batch(op, bench_loop, n, &s);
		if (s.tsc < base->tsc)
			base->tsc = s.tsc;
		if (s.exits < base->exits)
			base->exits = s.exits;
	}
}

/* Runs every batch of op; false when one did no work. */
static bool measure(const struct bench_op *op, uint64_t n, struct series *out)
{
	struct bench_sample base = { 0, 0, n };
	if (op->run && op->run != bench_loop)
		loop_cost(op, n, &base);
	out->n = 0;
	for (unsigned b = 0; b < bench_env.batches; b++) {
		struct bench_sample s = { 0, 0, 0 };
		if (op->run) {
			simple_batch(op, op->run, n, &s);
		} else {
			uint64_t fl = op->irqs_off ? pv_irq_save() : 0;
			op->sample(n, &s);
			if (op->irqs_off)
				pv_irq_restore(fl);
		}
		if (s.units == 0)
			return false;
		int64_t t = (int64_t)s.tsc - (int64_t)base.tsc;
		int64_t e = (int64_t)s.exits - (int64_t)base.exits;
		out->tsc[out->n] = t * 100 / (int64_t)s.units;
		out->exits[out->n] = e * 100 / (int64_t)s.units;
		out->n++;
	}
	sort_i64(out->tsc, out->n);
	sort_i64(out->exits, out->n);
	return true;
}

static void print_series(const struct bench_op *op, uint64_t n, const struct series *s)
{
	char a[24], b[24], c[24], d[24], e[24];
	printf("# bench: op=%s unit=%s n=%llu batches=%u min=%s median=%s max=%s "
	       "exits_min=%s exits_median=%s\n", op->name, op->unit,
	       (unsigned long long)n, s->n,
	       fixed(a, sizeof(a), s->tsc[0]), fixed(b, sizeof(b), s->tsc[s->n / 2]),
	       fixed(c, sizeof(c), s->tsc[s->n - 1]),
	       bench_env.hv ? fixed(d, sizeof(d), s->exits[0]) : "-",
	       bench_env.hv ? fixed(e, sizeof(e), s->exits[s->n / 2]) : "-");
}

/* Prepares, measures and reports one op as KTAP test idx. */
static bool run_op(const struct bench_op *op, int idx)
{
	const char *skip = op->prepare ? op->prepare() : NULL;
	if (skip) {
		printf("ok %d %s # SKIP %s\n", idx, op->name, skip);
		return true;
	}
	uint64_t n = bench_env.small ? op->n_small : op->n_large;
	struct series s;
	bool ok = measure(op, n, &s);
	if (op->finish)
		op->finish();
	if (ok)
		print_series(op, n, &s);
	else
		printf("# bench: op=%s did no work (a resource ran out)\n", op->name);
	printf("%s %d %s\n", ok ? "ok" : "not ok", idx, op->name);
	return ok;
}

static bool selected(const struct bench_op *op, const char *filter)
{
	return !filter || !*filter || strncmp(op->name, filter, strlen(filter)) == 0;
}

static void print_header(int count)
{
#ifdef CONFIG_PV_NONE
	const char *build = "nopv", *mode = "none";
#else
	const char *build = "pv", *mode = kopts.pv_mode == PVMODE_NOPATCH ? "nopatch" : "patch";
#endif
	printf("KTAP version 1\n1..%d\n", count);
	/* boot_tsc: the TSC when the benchmarks start; under TCG icount the
	 * instructions since reset (firmware and the kernel's boot). */
	uint64_t boot_tsc = bench_tsc();
	printf("# bench: env=%s build=%s mode=%s backend=%s scale=%s batches=%u tsc_khz=%llu"
	       " boot_tsc=%llu\n",
	       bench_env.name, build, mode, pv_backend_name(), bench_env.small ? "small" : "large",
	       bench_env.batches, (unsigned long long)(pv_clock_freq() / 1000),
	       (unsigned long long)boot_tsc);
}

bool bench_run(const char *filter)
{
	int count = 0, idx = 0;
	bool ok = true;
	detect_env();
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		count += selected(&ops[i], filter);
	print_header(count);
	if (count == 0) {
		printf("# bench: no op name starts with '%s'\n", filter);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (selected(&ops[i], filter))
			ok &= run_op(&ops[i], ++idx);
	return ok;
}
