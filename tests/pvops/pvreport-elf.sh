#!/bin/sh
# pvreport-elf.sh: runs build/pvops/pvreport on small linked ELF files with
# known call sites (tests/pvops/sites_fixture.c) and checks what it says.
# Prints TAP.   usage: tests/pvops/pvreport-elf.sh build/pvops/pvreport
set -u
pvreport=${1:?usage: pvreport-elf.sh PVREPORT}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

# build NAME [CFLAGS...]: link the fixture at a higher-half address.
build() {
	name=$1; shift
	${HOSTCC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Werror -Ipvops/include \
		-ffreestanding -fno-pic -no-pie -mcmodel=kernel -mno-red-zone \
		-fno-asynchronous-unwind-tables -nostdlib -static "$@" \
		-Wl,--build-id=none -Wl,-Ttext=0xffffffff80100000 \
		-Wl,-e,fixture_start -o "$tmp/$name.elf" tests/pvops/sites_fixture.c
}

# row OP: the op's row of the per-op table, columns squeezed to one space.
row() { grep "^$1 " "$tmp/out" | tr -s ' '; }

echo "1..12"
build good && build stale -DSTALE && build clobber -DBAD_CLOBBER
ok $? "fixtures build"

"$pvreport" "$tmp/good.elf" > "$tmp/out" 2> "$tmp/err"
ok $? "plain report exits 0"
grep -qx 'pvops: 9 sites: 0 inlined, 0 direct calls, 0 jumps, 0 removed, 9 indirect' "$tmp/out"
ok $? "plain summary: 9 sites, all indirect"
[ "$(row irq_disable)" = "irq_disable irq 3 6 0 0 0 0 3" ]
ok $? "irq_disable row: 3 sites of 6 bytes ($(row irq_disable))"
[ "$(row set_pte)" = "set_pte mmu 2 6,8 0 0 0 0 2" ]
ok $? "set_pte row: lengths 6 and 8 ($(row set_pte))"

"$pvreport" --native "$tmp/good.elf" > "$tmp/out" 2> "$tmp/err"
ok $? "native report exits 0"
grep -qx 'pvops: 9 sites: 7 inlined, 1 direct calls, 0 jumps, 1 removed, 0 indirect' "$tmp/out"
ok $? "native summary: 7 inlined, 1 call, 1 removed"
[ "$(row save_fl)" = "save_fl irq 1 9 1 0 0 0 0" ] &&
[ "$(row lazy_mmu_enter)" = "lazy_mmu_enter mmu 1 6 0 0 0 1 0" ] &&
[ "$(row clock_read)" = "clock_read time 1 6 0 1 0 0 0" ]
ok $? "native rows: save_fl inlined, lazy_mmu_enter removed, clock_read called"

"$pvreport" --native "$tmp/stale.elf" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'flush_tlb.*not the recorded indirect call' "$tmp/err"
ok $? "a stale site is reported, exit 1"

"$pvreport" --native "$tmp/clobber.elf" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'save_fl.*clobbers incompatible' "$tmp/err"
ok $? "a site refusing its native template is reported, exit 1"

"$pvreport" --sites "$tmp/good.elf" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && grep -q '^0xffffffff80100000  irq_disable  *len  6  clobbers rax ' "$tmp/out"
ok $? "--sites lists each site with address, op, length and clobbers"

head -c 100 "$tmp/good.elf" > "$tmp/trunc.elf"
"$pvreport" "$tmp/trunc.elf" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q 'trunc.elf: ' "$tmp/err"
ok $? "a truncated ELF is refused with exit 2 ($(cat "$tmp/err"))"
exit $fail
