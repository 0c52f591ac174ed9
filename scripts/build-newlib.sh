#!/usr/bin/env bash
# build-newlib.sh: builds newlib for the guest kernel (target x86_64-elf)
# from Debian's newlib-source tarball with the host gcc, into build/newlib/.
#
#   scripts/build-newlib.sh [--force]
#
# Result (paths from the top of the tree):
#   build/newlib/x86_64-elf/include   headers  (use with -nostdinc -isystem)
#   build/newlib/x86_64-elf/lib/libc.a, libm.a
#   build/newlib/.done                stamp: the tarball's size and mtime
#
# There is no x86_64-elf cross compiler on these machines.  The host gcc
# already emits x86_64 code, so a directory of x86_64-elf-* wrapper
# scripts that call the host tools stands in for one; newlib's own
# configure then treats it as a cross build.  The wrappers add -nostdinc
# so no glibc header from /usr/include leaks into the guest's libc.
# Full output goes to build/newlib/build.log; we print one line.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=${NEWLIB_TARBALL:-/usr/src/newlib/newlib-3.3.0.tar.xz}
OUT=$TOP/build/newlib
WORK=$OUT/work
LOG=$OUT/build.log
JOBS=${NEWLIB_JOBS:-2}
TARGET=x86_64-elf
# No vectorizing: KVM on these machines emulates every guest instruction
# and its emulator lacks most SSE forms (movq to xmm fails), so the code
# the kernel runs (malloc, stdio) must stay in general registers.  Only
# float formatting would need SSE, and it is left out (io-float).
CFLAGS_T="-ffreestanding -mno-red-zone -mcmodel=kernel -fno-pic -fno-pie \
-fno-stack-protector -fno-asynchronous-unwind-tables -O2 -g \
-fno-tree-vectorize -fno-tree-slp-vectorize"
# newlib's stubs are then named write, sbrk, read, close, fstat, isatty,
# lseek, kill, getpid and _exit (MISSING_SYSCALL_NAMES for *-elf).
CONFIG_OPTS=(--target=$TARGET --prefix="$OUT"
    --disable-multilib --disable-libgloss --disable-nls
    --disable-newlib-supplied-syscalls
    --enable-newlib-io-long-long --enable-newlib-io-c99-formats
    --disable-newlib-io-float)

# The stamp records the tarball and the flags the install came from, so
# a newer newlib-source or a changed option triggers a rebuild.
stamp_of() {
    echo "$(stat -c '%n %s %Y' "$TARBALL")" \
         "$(echo "$CFLAGS_T ${CONFIG_OPTS[*]}" | md5sum | cut -c1-8)"
}

# Writes one wrapper per binutils/gcc tool into $1; each calls the host
# tool of the same role.  gcc's wrapper keeps gcc's own freestanding
# headers (stddef.h, stdarg.h, ...) but drops /usr/include.
make_wrappers() {
    local dir=$1 tool gccinc
    mkdir -p "$dir"
    gccinc=$(gcc -print-file-name=include)
    printf '#!/bin/sh\nexec gcc -nostdinc -isystem %s "$@"\n' "$gccinc" \
        > "$dir/$TARGET-gcc"
    cp "$dir/$TARGET-gcc" "$dir/$TARGET-cc"
    for tool in ar as ld nm ranlib objcopy objdump strip readelf; do
        printf '#!/bin/sh\nexec %s "$@"\n' "$tool" > "$dir/$TARGET-$tool"
    done
    chmod +x "$dir"/*
}

# Prints the last lines of the log and fails; used on any build error.
fail() {
    echo "newlib: FAILED: $1 (log: ${LOG#"$TOP"/}); last lines:" >&2
    tail -n 25 "$LOG" >&2 || true
    exit 1
}

# Swaps the staged install in, so a kernel build running meanwhile saw
# the old library until now.
install_staged() {
    rm -f "$OUT/.done"
    rm -rf "$OUT/$TARGET.old"
    [ ! -d "$OUT/$TARGET" ] || mv "$OUT/$TARGET" "$OUT/$TARGET.old"
    mv "$WORK/stage$OUT/$TARGET" "$OUT/$TARGET"
    rm -rf "$OUT/$TARGET.old" "$WORK"
}

main() {
    if [ "${1:-}" != "--force" ] && [ -f "$OUT/.done" ] &&
       [ "$(cat "$OUT/.done")" = "$(stamp_of)" ]; then
        echo "newlib: up to date in ${OUT#"$TOP"/}"
        return 0
    fi
    [ -r "$TARBALL" ] || { echo "newlib: $TARBALL not found" \
        "(install the newlib-source package)" >&2; exit 1; }
    local start=$SECONDS
    rm -rf "$WORK"
    mkdir -p "$WORK/build"
    : > "$LOG"
    make_wrappers "$WORK/bin"
    export PATH="$WORK/bin:$PATH"
    tar -xf "$TARBALL" -C "$WORK" >> "$LOG" 2>&1 || fail "unpacking"
    local src
    src=$(echo "$WORK"/newlib-*/)
    cd "$WORK/build"
    "$src/configure" "${CONFIG_OPTS[@]}" CFLAGS_FOR_TARGET="$CFLAGS_T" \
        >> "$LOG" 2>&1 || fail "configure"
    make -j"$JOBS" all-target-newlib >> "$LOG" 2>&1 || fail "make"
    make install-target-newlib DESTDIR="$WORK/stage" >> "$LOG" 2>&1 ||
        fail "make install"
    [ -f "$WORK/stage$OUT/$TARGET/lib/libc.a" ] ||
        fail "no libc.a after install"
    install_staged
    stamp_of > "$OUT/.done"
    echo "newlib: built $TARGET in $((SECONDS - start)) s into" \
        "${OUT#"$TOP"/}/$TARGET/{include,lib}"
}

main "$@"
