#!/bin/sh
# mkimage.sh: turns the linked ELF64 kernel into the Multiboot boot image.
#
#   kernel/mkimage.sh KERNEL.elf OUT
#
# The loaded part (1 MiB up to __load_end_phys) becomes one flat block,
# wrapped in an ELF32 file whose single segment holds it at 1 MiB, with
# the bss behind; the Multiboot header's address fields describe the same
# layout, so loaders that read either agree.
set -eu
elf=$1
out=$2
sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
load_end=$(sym __load_end_phys)
bss_end=$(sym __bss_end_phys)
entry=$(sym _start32)
[ -n "$load_end" ] && [ -n "$bss_end" ] && [ -n "$entry" ] ||
	{ echo "mkimage: $elf lacks the layout symbols" >&2; exit 1; }
dir=$(dirname "$out")
base=$(basename "$out")
objcopy -O binary --pad-to="0x$load_end" "$elf" "$out.bin"
size=$(stat -c %s "$out.bin")
[ "$size" -eq $((0x$load_end - 0x100000)) ] ||
	{ echo "mkimage: flat image is $size bytes, header says $((0x$load_end - 0x100000))" >&2; exit 1; }
(cd "$dir" && objcopy -I binary -O elf32-i386 -B i386 \
	--rename-section .data=.image,alloc,load,contents,code "$base.bin" "$base.img.o")
ld -m elf_i386 --no-warn-rwx-segments -T kernel/wrap.ld -o "$out" "$out.img.o" \
	--defsym=_start32="0x$entry" --defsym=BSS_SIZE=$((0x$bss_end - 0x$load_end))
rm -f "$out.img.o"
