# matrix.sh: the benchmark matrix, sourced by run.sh, report.sh and
# check.sh so the three agree on what a complete report holds.
#
# BENCH_ENVS   environments (columns), in report order
# BENCH_PATHS  paravirtual paths (rows), in report order; nopv first,
#              as every ratio is taken against it.  testrom is the
#              tests' ROM (ABI 1.2, inline answers for the irq ops,
#              CALLs for the rest): it needs no host side, so it is the
#              ROM path whose instruction count TCG can give
# bench_env_desc_nested  the same, where an environment ran nested
# bench_accel_note  what figures mean where a KVM environment ran nested
# bench_ops    prints the op names, in run order, from the one table
#              that defines them (kernel/bench/bench.c)

BENCH_ENVS="tcg kvm hv"
BENCH_PATHS="nopv patched nopatch testrom xenlike vmwarelike"

# One line describing an environment.
bench_env_desc() {
    case $1 in
    tcg) echo "QEMU TCG, -icount shift=0: the TSC counts guest instructions; exact" ;;
    kvm) echo "QEMU with KVM (-cpu host,-arch-capabilities): wall-clock TSC; emulation-bound and noisy here" ;;
    hv) echo "hv on KVM: wall-clock TSC (noisy) and exits per op from hv's stats port (exact)" ;;
    *) echo "unknown environment" ;;
    esac
}

# One line describing an environment that ran nested, or nothing.
bench_env_desc_nested() {
    case $1 in
    hv) echo "hv on the KVM of a nested-KVM VM under QEMU TCG: TSC of the emulation (not comparable with a KVM host) and exits per op from hv's stats port (exact)" ;;
    esac
}

# What a figure means where an environment ran nested (accel nested:
# hv inside the nested-KVM VM, nested/kvm-run).  The report puts it
# next to those figures; check.sh looks for it.
bench_accel_note() {
    case $1 in
    nested) echo "ran in a nested-KVM VM under QEMU TCG (emulated AMD SVM), as this machine has no usable /dev/kvm: exit counts are exact and comparable with a KVM host; times are not comparable with a KVM host (every guest instruction and exit is emulated by TCG)" ;;
    esac
}

# One line describing a path.
bench_path_desc() {
    case $1 in
    nopv) echo "build/kernel-nopv: never paravirtualized, the native instruction inline" ;;
    patched) echo "build/kernel, no ROM: every site patched to native code at boot" ;;
    nopatch) echo "build/kernel pvops=nopatch: every site an indirect call through the op table" ;;
    testrom) echo "build/kernel with the test ROM (build/backends/testrom.rom, QEMU TCG only): sites patched into its inline answers (irq ops) or CALLs to its entries" ;;
    xenlike) echo "build/kernel with the Xen-like ROM (hv --backend xenlike): sites patched into the ROM" ;;
    vmwarelike) echo "build/kernel with the VMware-like ROM (hv --backend vmwarelike): sites patched into the ROM" ;;
    *) echo "unknown path" ;;
    esac
}

# The op names of the in-guest table, in order: lines of the form
#	{ "name", "unit", ...
bench_ops() {
    sed -n 's/^[[:space:]]*{ "\([a-z0-9_]*\)", "[A-Za-z0-9_]*",.*/\1/p' \
        "${BENCH_TOP:-.}/kernel/bench/bench.c"
}

# "name unit" for each op, in order.
bench_op_units() {
    sed -n 's/^[[:space:]]*{ "\([a-z0-9_]*\)", "\([A-Za-z0-9_]*\)",.*/\1 \2/p' \
        "${BENCH_TOP:-.}/kernel/bench/bench.c"
}

# The pvops ops each bench op exercises (for the report's "site"
# column: how the patcher left those sites in that run).
bench_op_sites() {
    case $1 in
    irq_pair) echo "irq_disable irq_enable" ;;
    save_restore_fl) echo "save_fl restore_fl" ;;
    cpuid|rdmsr|read_cr3|write_cr3|invlpg|flush_tlb) echo "$1" ;;
    pte_write) echo "set_pte" ;;
    pte_lazy512) echo "lazy_mmu_enter set_pte lazy_mmu_leave" ;;
    halt_wake) echo "set_alarm safe_halt" ;;
    console) echo "console_write" ;;
    esac
}
