#!/usr/bin/env bash
# selftest.sh: checks nested/kvm-run and nested/fetch.sh themselves, and
# prints TAP.  Every case that runs a command goes through the nested VM
# (--accel nested), whatever this machine has: exit statuses come back
# exactly, stdout and stderr stay apart, stdin arrives (file and pipe),
# a hung command is killed at its timeout, the runner works from a path
# with spaces, and missing or corrupt boot files give a clear error.
# Uses the run's VM (KVM_RUN_VM) when there is one, else boots its own
# for the run; two cases boot a VM of their own on purpose.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
RUN=$TOP/nested/kvm-run
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kvm-run-test.XXXXXX")
OWN_VM=
N=0

cleanup() {
    [ -z "$OWN_VM" ] || { "$RUN" --vm-stop "$OWN_VM"; rm -rf "$OWN_VM"; }
    rm -rf "$WORK"
}
trap cleanup EXIT

# check NAME COMMAND...: "ok N NAME" when COMMAND succeeds.
check() {
    local name=$1
    shift
    N=$((N + 1))
    if "$@"; then
        echo "ok $N $name"
    else
        echo "not ok $N $name"
        echo "# failed: $*"
        sed 's/^/#   out: /' "$WORK/out" 2> /dev/null | tail -n 5
        sed 's/^/#   err: /' "$WORK/err" 2> /dev/null | tail -n 5
    fi
}

# nrun [RUNNER-OPTIONS] -- COMMAND...: through the VM; sets ST, fills
# WORK/out and WORK/err.  Standard input is /dev/null unless redirected.
nrun() {
    "$RUN" --accel nested --timeout 120 "$@" > "$WORK/out" 2> "$WORK/err"
    ST=$?
}

out_is() { [ "$(cat "$WORK/out")" = "$1" ]; }
err_is() { [ "$(cat "$WORK/err")" = "$1" ]; }
err_has() { grep -q -- "$1" "$WORK/err"; }
st_is() { [ "$ST" = "$1" ]; }

test_statuses() {
    local s
    for s in 0 33 12; do
        nrun -- bash -c "exit $s" < /dev/null
        check "exit status $s comes back exactly" st_is "$s"
    done
    nrun -- build/hv/hv build/hvguests/mini/mini.elf -- from the VM < /dev/null
    check "hv's guest status 33 through the VM" st_is 33
    check "hv's console through the VM" grep -qx "mini: cmdline 'from the VM'" "$WORK/out"
}

test_streams() {
    nrun -- bash -c 'echo to-out; echo to-err >&2; echo again-out' < /dev/null
    check "stdout holds stdout alone" out_is $'to-out\nagain-out'
    check "stderr holds stderr alone" err_is "to-err"
    printf 'line one\nline two\n' > "$WORK/in"
    nrun -- cat < "$WORK/in"
    check "a file on stdin arrives whole" out_is $'line one\nline two'
    nrun -- bash -c 'read -r x; echo "[$x]"; read -r y || echo eof' < /dev/null
    check "/dev/null on stdin reads as end of file" out_is $'[]\neof'
    nrun -- env < /dev/null
    check "the caller's environment comes along" grep -qx "KVM_RUN_SELFTEST=yes" "$WORK/out"
    check "the working folder comes along" \
        test "$( "$RUN" --accel nested -- pwd < /dev/null 2> /dev/null)" = "$TOP"
}

# A hung command: killed at the timeout, reported as such, and gone
# from the VM afterwards (the next job looks for it).
test_timeout() {
    local t0=$SECONDS token=hung-$$-$RANDOM
    nrun --timeout 2 -- bash -c "exec -a $token sleep 300" < /dev/null
    check "a hung command ends with status 124" st_is 124
    check "a hung command is said to have timed out" err_has "timed out after 2 s"
    check "the timeout is kept (under 20 s)" test $((SECONDS - t0)) -lt 20
    nrun --timeout 2 --timeout-status 8 -- sleep 300 < /dev/null
    check "--timeout-status picks the status" st_is 8
    if [ -n "${KVM_RUN_VM:-}" ]; then
        nrun -- bash -c "ps -eo args | grep -c '^$token' || true" < /dev/null
        check "the hung command was killed in the VM" out_is 0
    fi
}

# The probe, and the direct path where the probe says kvm.
test_probe() {
    local p
    p=$(HV_KVM_DEV=$WORK/none HV_ACCEL=kvm "$RUN" --probe)
    check "probe: off when HV_ACCEL=kvm and no KVM (exit 1)" test $? -eq 1
    check "probe: off names the reason" test "$p" = "off: HV_ACCEL=kvm (or --accel kvm) and $WORK/none does not exist"
    p=$(HV_KVM_DEV=$WORK/none HV_ACCEL=auto "$RUN" --probe)
    check "probe: nested when no KVM" test "$p" = "nested: $WORK/none does not exist"
    HV_KVM_DEV=/dev/null "$RUN" -- bash -c 'echo "$KVM_RUN_SELFTEST"; exit 7' > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "direct run where the device is usable: status" st_is 7
    check "direct run where the device is usable: output" out_is yes
    HV_KVM_DEV=$WORK/none "$RUN" --accel kvm -- true > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "--accel kvm without a KVM fails (125)" st_is 125
    check "--accel kvm without a KVM says why" err_has "does not exist: no KVM here"
}

# A pipe on stdin goes over the VM's virtio-serial port, in a VM of its
# own; the runner from a folder whose path has spaces.
test_own_vm() {
    local sp="$WORK/a dir, with spaces"
    printf 'piped\n' | "$RUN" --accel nested -- cat > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "a pipe on stdin arrives (own VM, virtio-serial)" out_is piped
    mkdir -p "$sp/nested" "$sp/build/nested"
    cp "$TOP/nested/kvm-run" "$TOP/nested/vm-agent" "$sp/nested/"
    cp "$TOP"/build/nested/{MANIFEST,vmlinuz,initrd.cpio,busybox} "$sp/build/nested/"
    (cd "$sp" && env -u KVM_RUN_VM "$sp/nested/kvm-run" --accel nested -- \
        bash -c 'pwd; echo written > "build/out file"' < /dev/null > "$WORK/out" 2> "$WORK/err")
    ST=$?
    check "from a path with spaces: status" st_is 0
    check "from a path with spaces: working folder" out_is "$sp"
    check "from a path with spaces: the build tree is writable" \
        grep -qx written "$sp/build/out file"
}

# Missing and corrupt boot files, and a package that cannot be had.
test_bad_files() {
    local d=$WORK/files kdeb
    mkdir -p "$d"
    NESTED_DIR=$d KVM_RUN_VM= "$RUN" --accel nested -- true > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "missing VM files: status 125" st_is 125
    check "missing VM files: names the package and setup" \
        err_has "files are missing.*run scripts/setup.sh.*linux-image-cloud-amd64"
    cp "$TOP"/build/nested/{MANIFEST,vmlinuz,initrd.cpio,busybox} "$d/"
    printf 'x' | dd of="$d/vmlinuz" bs=1 seek=4096 conv=notrunc status=none
    NESTED_DIR=$d KVM_RUN_VM= "$RUN" --accel nested -- true > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "corrupt VM kernel: status 125" st_is 125
    check "corrupt VM kernel: names the package" \
        err_has "do not match MANIFEST (from package linux-image-"
    NESTED_DIR=$d/fetch NESTED_KERNEL_PKG=linux-image-0.0.0-0-nosuch-cloud-amd64 \
        "$TOP/nested/fetch.sh" > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "an unknown kernel package: fetch fails" st_is 1
    check "an unknown kernel package: named" \
        err_has "apt-get download linux-image-0.0.0-0-nosuch-cloud-amd64 failed"
    kdeb=$(ls "$TOP"/build/nested/debs/linux-image-*-cloud-amd64_*.deb | head -n 1)
    mkdir -p "$d/cut/debs"
    head -c 4000000 "$kdeb" > "$d/cut/debs/${kdeb##*/}"
    cp "$TOP"/build/nested/debs/busybox-static_*.deb "$d/cut/debs/"
    NESTED_DIR=$d/cut NESTED_KERNEL_PKG=$(basename "$kdeb" | cut -d_ -f1) \
        "$TOP/nested/fetch.sh" > "$WORK/out" 2> "$WORK/err"
    ST=$?
    check "a truncated kernel package: fetch fails" st_is 1
    check "a truncated kernel package: named, said corrupt" \
        err_has "package linux-image-.*-cloud-amd64: .* is corrupt"
}

echo "TAP version 13"
echo "1..35"
export KVM_RUN_SELFTEST=yes
cd "$TOP" || exit 1
test_bad_files
test_probe
if [ -z "${KVM_RUN_VM:-}" ]; then
    OWN_VM=$TOP/build/nested/run/selftest-$$
    "$RUN" --vm-start "$OWN_VM" --owner $$ && export KVM_RUN_VM=$OWN_VM
fi
test_statuses
test_streams
test_timeout
test_own_vm
