# badfile.sh: sourced by tests/snap/run.sh.  Malformed snapshot files,
# each refused by hv (status 4) with its reason, before any KVM is
# touched (so no KVM is needed), with no sanitizer report.  The base
# file is a valid sample (build/tests/snapmk, tests/snap/snap_sample.h);
# each case damages one thing in a copy.

SNAPMK=build/tests/snapmk

# poke FILE OFFSET BYTES-as-\xNN: overwrite in place.
poke() {
    printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# le64 VALUE [N]: its 8 (or N) bytes little-endian as \xNN escapes.
le64() {
    local v=$1 s="" i
    for ((i = 0; i < ${2:-8}; i++)); do
        s+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 255 )))
    done
    printf '%s' "$s"
}

# offset NAME: where section NAME's payload starts in the base file.
offset() {
    awk -v n="$1" '$1 == n { print $2 }' "$D/layout"
}

# bad NAME FILE REASON-regex [HV-ARGS...]: refused with status 4 and
# the reason (by $BAD_HV, default $HV).
bad() {
    local name=$1 file=$2 re=$3 st why=""
    shift 3
    HV_KVM_DEV=/nonexistent "${BAD_HV:-$HV}" --accel kvm --restore "$file" "$@" \
        > "$D/$name.out" 2> "$D/$name.err"
    st=$?
    if [ "$st" != 4 ]; then why="status $st, want 4"
    elif ! grep -Eq -- "^hv: restore $file: .*$re" "$D/$name.err"; then why="stderr lacks /$re/"
    elif ! san_clean "$D/$name.err"; then why="sanitizer report"
    fi
    verdict "$name" "$why" "$D/$name.err"
}

# copy NAME: a fresh copy of the base file, named for the case.
copy() {
    cp "$D/base.hvsnap" "$D/$1.hvsnap"
    echo "$D/$1.hvsnap"
}

suite_badfile() {
    local f st why="" size
    echo "KTAP version 1"
    echo "1..15"
    "$SNAPMK" "$D/base.hvsnap" > "$D/layout" || { echo "not ok 1 snapmk failed"; return; }
    size=$(awk '$1 == "file" { print $2 }' "$D/layout")

    # The base file passes every check: hv gets as far as looking for
    # a KVM (none at HV_KVM_DEV: status 14).
    HV_KVM_DEV=/nonexistent "$HV" --accel kvm --restore "$D/base.hvsnap" \
        > "$D/base.out" 2> "$D/base.err"
    st=$?
    [ "$st" = 14 ] || why="status $st, want 14 (accepted, then no KVM)"
    san_clean "$D/base.err" || why="sanitizer report"
    verdict valid-file-accepted "$why" "$D/base.err"

    f=$(copy trunc-data); truncate -s $((size - 100)) "$f"
    bad truncated-in-memory "$f" "truncated: the header says $size bytes"
    f=$(copy trunc-sections); truncate -s 5000 "$f"
    bad truncated-in-sections "$f" "truncated"
    f=$(copy trunc-header); truncate -s 10 "$f"
    bad truncated-header "$f" "truncated: 10 bytes, a header needs"
    f=$(copy empty); : > "$f"
    bad empty "$f" "truncated: 0 bytes"
    f=$(copy magic); poke "$f" 0 'NOTASNAP'
    bad wrong-magic "$f" "bad magic: not an hv snapshot"
    f=$(copy version); poke "$f" 8 '\x07'
    bad wrong-version "$f" "version 7: this hv reads version 1"
    f=$(copy sect-len); poke "$f" 40 "$(le64 $(( $(offset mem.extents) + 48 - 4096 + 8 )))"
    bad sections-do-not-add-up "$f" "sizes do not add up"
    f=$(copy data-len); poke "$f" 56 "$(le64 4096)"
    bad memory-does-not-add-up "$f" "sizes do not add up"
    f=$(copy mem-limit); poke "$f" 24 "$(le64 $((1 << 40)))"
    bad memory-beyond-limit "$f" "memory size 1048576 MiB beyond this hv's limit of 3072 MiB"
    f=$(copy extent); poke "$f" $(( $(offset mem.extents) + 24 )) "$(le64 $((64 << 20)))"
    bad extent-beyond-ram "$f" "extent 1: .* beyond the guest's 64 MiB"
    f=$(copy garbage-uart)
    head -c 16 /dev/urandom | tr '\000' '\001' > "$D/rand"
    dd if="$D/rand" of="$f" bs=1 seek="$(offset dev.com1)" conv=notrunc status=none
    bad garbage-device-section "$f" "section dev.com1: garbage"
    f=$(copy garbage-config); poke "$f" $(( $(offset hv.config) + 28 )) '\x05'
    bad device-count-does-not-add-up "$f" "hv.config says 5 devices, the file has 0"
    mkdir -p "$D/dir.hvsnap"
    bad not-a-file "$D/dir.hvsnap" "not a regular file"
    bad missing-file "$D/missing.hvsnap" "No such file or directory"
}
