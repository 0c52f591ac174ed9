#!/usr/bin/env bash
# setup.sh: installs the Debian packages the build and tests need,
# builds newlib once, and fetches the nested-KVM VM's kernel and busybox
# once (nested/fetch.sh: hv runs inside that VM where /dev/kvm is
# missing).  Idempotent; `make setup`, `make run` and `make test` call
# it.  One line of output per step.
#
# As root it installs what is missing with apt-get (running
# `apt-get update` first when a package is unknown to apt, and once more
# if an install fails on stale package lists).  As another user it
# prints the apt-get command to run and fails.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES=(qemu-system-x86 grub-pc-bin grub-common xorriso mtools
          libcmocka-dev multiboot newlib-source gcc-multilib gnuplot-nox
          binutils gcc make clang libclang-rt-14-dev
          python3)
# Issue 14: hv's control socket parses JSON with json-c.
PACKAGES+=(libjson-c-dev)
export DEBIAN_FRONTEND=noninteractive

# Prints the packages of PACKAGES that dpkg does not list as installed.
missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" \
             != installed ]; then
            echo "$p"
        fi
    done
}

# True when apt knows a candidate version for every package named.
apt_knows() {
    local p
    for p in "$@"; do
        apt-cache show "$p" >/dev/null 2>&1 || return 1
    done
}

LOG=$TOP/build/setup.log

# Runs an apt-get command with its output in build/setup.log; on failure
# shows the log's tail.
apt_quiet() {
    mkdir -p "$(dirname "$LOG")"
    if ! apt-get "$@" >>"$LOG" 2>&1; then
        echo "setup: apt-get $* failed; last lines of ${LOG#"$TOP"/}:" >&2
        tail -n 15 "$LOG" >&2
        return 1
    fi
}

apt_update() {
    echo "setup: apt-get update"
    apt_quiet update
}

apt_install() {
    apt_quiet install -y --no-install-recommends "$@"
}

# Installs the missing packages; the lists are refreshed first when apt
# does not know one of them, and once more when the install fails.
install_missing() {
    local missing=("$@")
    if [ "$(id -u)" != 0 ]; then
        echo "setup: missing Debian packages: ${missing[*]}" >&2
        echo "setup: run as root: apt-get update &&" \
             "apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    apt_knows "${missing[@]}" || apt_update
    echo "setup: installing ${missing[*]}"
    if ! apt_install "${missing[@]}"; then
        echo "setup: install failed; refreshing package lists and retrying"
        apt_update
        apt_install "${missing[@]}" || exit 1
    fi
}

main() {
    local missing
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "setup: all ${#PACKAGES[@]} Debian packages present"
    else
        install_missing "${missing[@]}"
        mapfile -t missing < <(missing_packages)
        if [ "${#missing[@]}" -ne 0 ]; then
            echo "setup: still missing after install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    "$TOP/scripts/build-newlib.sh"
    "$TOP/nested/fetch.sh"
}

main "$@"
