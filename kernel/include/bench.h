/*
 * bench.h: the in-guest benchmarks (kernel/bench/), run by the kernel
 * option `bench` or `bench=NAME`; see bench/README.md.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>

/* Runs the ops whose name starts with filter (all when empty), printing
 * KTAP with one "# bench:" line per op; true when every op ran. */
bool bench_run(const char *filter);

#endif
