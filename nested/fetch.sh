#!/usr/bin/env bash
# fetch.sh: fetches the nested-KVM VM's kernel and busybox from Debian
# once, and builds the VM's boot files into build/nested/.
#
#   nested/fetch.sh [--force]
#
# The VM (nested/README.md) boots Debian's cloud kernel under QEMU TCG
# with an emulated AMD SVM CPU, so it has a real KVM on any x86_64 host.
# This script:
#   1. picks the kernel package linux-image-cloud-amd64 depends on
#      (NESTED_KERNEL_PKG overrides it) and busybox-static
#      (NESTED_BUSYBOX_PKG);
#   2. downloads them with `apt-get download` (apt checks each file
#      against the signed package index) into build/nested/debs/;
#   3. unpacks them with `dpkg-deb -x` (nothing is installed) and keeps
#      the kernel, the eleven modules the VM loads and busybox;
#   4. writes build/nested/{vmlinuz,initrd.cpio,busybox} and MANIFEST,
#      which names both packages and the sha256 of each file; kvm-run
#      checks it before every boot (and builds each VM's /config
#      archive with that busybox).
# A second run finds MANIFEST and its files intact and does nothing.
# Every failure names the package and the step, and exits 1.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${NESTED_DIR:-$TOP/build/nested}
DEBS=$OUT/debs
LOG=$OUT/fetch.log

# The modules the VM's init loads, in load order (each after those it
# depends on: kvm-amd on kvm on irqbypass; virtiofs on fuse and virtio).
MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd
         drivers/virtio/virtio_ring drivers/virtio/virtio
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev
         drivers/virtio/virtio_pci drivers/char/virtio_console
         fs/fuse/fuse fs/fuse/virtiofs)

die() {
    echo "nested: $*" >&2
    exit 1
}

# True when MANIFEST exists, names the current vm-init, and both files
# still have its checksums.
up_to_date() {
    [ -f "$OUT/MANIFEST" ] || return 1
    grep -qx "init $(sha256sum < "$TOP/nested/vm-init" | cut -c1-64)" \
        "$OUT/MANIFEST" || return 1
    (cd "$OUT" && grep '^sha256 ' MANIFEST | cut -d' ' -f2- |
        sha256sum --quiet -c - > /dev/null 2>&1)
}

# The versioned cloud kernel package the meta package depends on.
kernel_package() {
    local pkg
    [ -z "${NESTED_KERNEL_PKG:-}" ] || { echo "$NESTED_KERNEL_PKG"; return; }
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
          sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' |
          head -n 1)
    if [ -z "$pkg" ]; then
        apt-get update >> "$LOG" 2>&1 || true
        pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
              sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' |
              head -n 1)
    fi
    [ -n "$pkg" ] || die "cannot resolve the kernel package: apt knows no" \
        "linux-image-cloud-amd64 (log: ${LOG#"$TOP"/})"
    echo "$pkg"
}

# Downloads package $1 into DEBS (kept there: a second fetch reuses it
# when dpkg-deb still accepts it); prints the .deb's path.
download() {
    local pkg=$1 deb
    deb=$(ls "$DEBS/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -n "$deb" ] && dpkg-deb --info "$deb" > /dev/null 2>&1; then
        echo "$deb"
        return
    fi
    rm -f "$DEBS/${pkg}_"*.deb
    if ! (cd "$DEBS" && apt-get download "$pkg") >> "$LOG" 2>&1; then
        apt-get update >> "$LOG" 2>&1 || true
        (cd "$DEBS" && apt-get download "$pkg") >> "$LOG" 2>&1 ||
            die "apt-get download $pkg failed: $(tail -n 1 "$LOG")"
    fi
    deb=$(ls "$DEBS/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
    [ -n "$deb" ] || die "apt-get download $pkg left no .deb in ${DEBS#"$TOP"/}"
    echo "$deb"
}

# Unpacks .deb $2 of package $1 into directory $3.
unpack() {
    rm -rf "$3"
    mkdir -p "$3"
    dpkg-deb -x "$2" "$3" >> "$LOG" 2>&1 ||
        die "package $1: ${2#"$TOP"/} is corrupt: dpkg-deb -x failed" \
            "(delete it and run scripts/setup.sh again)"
}

# Lays out the initramfs tree in $1: busybox, the modules, the init.
initrd_tree() {
    local root=$1 kdir=$2 bbdir=$3 m ko
    mkdir -p "$root"/{bin,lib/modules,dev,proc,sys,host,tmp}
    cp "$bbdir/bin/busybox" "$root/bin/busybox" ||
        die "package $BB_PKG has no bin/busybox"
    for m in "${MODULES[@]}"; do
        ko=$(echo "$kdir"/lib/modules/*/kernel/"$m".ko)
        [ -f "$ko" ] || die "package $KERNEL_PKG lacks module $m.ko"
        cp "$ko" "$root/lib/modules/"
    done
    printf '%s\n' "${MODULES[@]##*/}" > "$root/lib/modules/order"
    cp "$TOP/nested/vm-init" "$root/init"
    chmod 755 "$root/init" "$root/bin/busybox"
}

main() {
    [ "${1:-}" = --force ] || ! up_to_date ||
        { echo "nested: VM files up to date in ${OUT#"$TOP"/}"; return 0; }
    local start=$SECONDS kdir bbdir root kdeb bbdeb vmlinuz
    mkdir -p "$DEBS"
    : > "$LOG"
    KERNEL_PKG=$(kernel_package)
    BB_PKG=${NESTED_BUSYBOX_PKG:-busybox-static}
    kdeb=$(download "$KERNEL_PKG")
    bbdeb=$(download "$BB_PKG")
    kdir=$OUT/work/kernel bbdir=$OUT/work/busybox root=$OUT/work/root
    unpack "$KERNEL_PKG" "$kdeb" "$kdir"
    unpack "$BB_PKG" "$bbdeb" "$bbdir"
    vmlinuz=$(echo "$kdir"/boot/vmlinuz-*)
    [ -f "$vmlinuz" ] || die "package $KERNEL_PKG has no boot/vmlinuz-*"
    rm -rf "$root"
    initrd_tree "$root" "$kdir" "$bbdir"
    (cd "$root" && find . | LC_ALL=C sort |
        "$bbdir/bin/busybox" cpio -o -H newc > "$OUT/initrd.cpio.tmp" 2>> "$LOG") ||
        die "building the initramfs with busybox cpio failed"
    cp "$vmlinuz" "$OUT/vmlinuz.tmp"
    cp "$bbdir/bin/busybox" "$OUT/busybox"
    mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
    mv "$OUT/initrd.cpio.tmp" "$OUT/initrd.cpio"
    {
        echo "kernel $KERNEL_PKG $(dpkg-deb -f "$kdeb" Version)"
        echo "busybox $BB_PKG $(dpkg-deb -f "$bbdeb" Version)"
        echo "init $(sha256sum < "$TOP/nested/vm-init" | cut -c1-64)"
        (cd "$OUT" && sha256sum vmlinuz initrd.cpio busybox | sed 's/^/sha256 /')
    } > "$OUT/MANIFEST"
    rm -rf "$OUT/work"
    echo "nested: VM files from $KERNEL_PKG and $BB_PKG in" \
         "${OUT#"$TOP"/} ($((SECONDS - start)) s)"
}

main "$@"
