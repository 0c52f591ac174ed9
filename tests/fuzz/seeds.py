#!/usr/bin/env python3
# seeds.py: writes the small hand-made seeds and the crashers of
# tests/fuzz/ (the ROMs, object files and Multiboot images there are copies
# of real build outputs; see README.md).  Run from the top of the tree
# after a build; only needed to regenerate them.  Each crasher is an
# input that broke the code before its fix (issue 11).
import os
import struct

C, X = 'tests/fuzz/corpus', 'tests/fuzz/crashers'


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


# ---- memmap: 8-byte limit, then Multiboot mmap entries
def mmap(limit, entries):
    return struct.pack('<Q', limit) + b''.join(
        struct.pack('<IQQI', 20, a, n, t) for a, n, t in entries)


MB, GB = 1 << 20, 1 << 30
qemu = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
        (MB, 63 * MB, 1), (0xfffc0000, 0x40000, 2)]
put(f'{C}/memmap/qemu', mmap(GB, qemu))
put(f'{C}/memmap/hv', mmap(GB, [(0, 0x9fc00, 1), (0x9fc00, 0x60400, 2),
                                 (MB, 255 * MB, 1)]))
put(f'{C}/memmap/overlap', mmap(0xffffffffffffffff,
                                [(8 * MB, 8 * MB, 1), (MB, 8 * MB, 1),
                                 (4 * MB, MB, 2), (MB, 0, 1)]))
# item 20: an available entry in the last page below 2^64
put(f'{X}/memmap/top-page-wraps',
    mmap(0xffffffffffffffff, [(2 * MB, 2 * MB, 1),
                              (0xffffffffffffff00, 24, 1)]))
# item 21: the 33rd reserved entry was dropped
put(f'{X}/memmap/33-reserved',
    mmap(GB, [(MB, 63 * MB, 1)] +
         [(2 * GB + i * MB, 4096, 2) for i in range(36)] +
         [(MB, 4096, 2)]))

# ---- cmdline
for name, line in [('test', b'test'), ('grub', b'/boot/kernel test=mm pvops=verbose'),
                   ('all', b'test=sched.yield bench=ops pvops=nopatch rom=off '
                           b'expect=xenlike quiet unknown=1 x'),
                   ('long', b'expect=' + b'v' * 80 + b' test= bench')]:
    put(f'{C}/cmdline/{name}', line)


# ---- hv_requests: mode, gpa, count, data
def req(mode, gpa, pairs):
    return struct.pack('<BIH', mode, gpa, len(pairs)) + b''.join(
        struct.pack('<QQ', a, b) for a, b in pairs)


put(f'{C}/hv_requests/xl-batch', req(0, 0x140000, [(0x180000 | 1, 0x100003),
                                                  (0x180008 | 2, 0x400083),
                                                  (0xA0000 | 1, 0x100003)]))
put(f'{C}/hv_requests/vmw-queue', req(1, 0x140000, [(0x180000 | 1, 0x100003),
                                                   (0x180008 | 1, (2 << 20) | 3),
                                                   (5, 0x100000)]))
put(f'{C}/hv_requests/singles', req(2, 0, [(0x303083, 4), (0x402083, 2),
                                          (0x8000000000300003, 1),
                                          (0x564D5868, 0x5658)]))
# item 23: a misaligned mmu_update array; item 22: PS at level 4
put(f'{X}/hv_requests/xl-misaligned', req(0, 0x140003, [(0x180000 | 1, 0x100003), (0x180010 | 1, (2 << 20) | 3),
                                                       (0x180008 | 1, 0x100003)]))
put(f'{X}/hv_requests/vmw-misaligned', req(1, 0x140005, [(0x180008 | 1, (2 << 20) | 3)]))
put(f'{X}/hv_requests/ps-at-level-4', req(2, 0, [(0x1083, 4)]))


# ---- patch: count, records (offset, op, len, flags, kind, native len, flags2)
def rec(off, op, ln, kind=2, nlen=0, nocall=0):
    return struct.pack('<HBBBBBB', off, op, ln, 0, kind, nlen, nocall)


put(f'{C}/patch/sites', bytes([3]) + rec(0, 0, 6) + rec(6, 1, 6) + rec(32, 2, 12, 1, 3))
put(f'{C}/patch/nop', bytes([2]) + rec(64, 0, 8, 4) + rec(100, 3, 6, 1, 5))
# item 25: two records sharing bytes
put(f'{X}/patch/overlap', bytes([2]) + rec(0, 0, 12) + rec(6, 1, 6))


# ---- romtool_build: the minimal object, made hostile
def elf_sections(b):
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shnum, shstrndx = struct.unpack_from('<HH', b, 0x3c)
    secs = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + 64 * i) for i in range(shnum)]
    stroff = secs[shstrndx][4]
    names = [b[stroff + s[0]:b.index(b'\0', stroff + s[0])].decode() for s in secs]
    return shoff, secs, names


def patch_sec(b, shoff, i, field, value):
    fmt = {'type': ('<I', 4), 'offset': ('<Q', 24), 'size': ('<Q', 32)}[field]
    struct.pack_into(fmt[0], b, shoff + 64 * i + fmt[1], value)


obj = open(f'{C}/romtool_build/minimal.rel', 'rb').read()
shoff, secs, names = elf_sections(obj)
b = bytearray(obj)
patch_sec(b, shoff, names.index('.bss'), 'size', 1 << 32)
put(f'{X}/romtool_build/bss-4gib', bytes(b))
b = bytearray(obj)
i = names.index('.strtab')
patch_sec(b, shoff, i, 'type', 8)           # SHT_NOBITS
patch_sec(b, shoff, i, 'offset', 0x7fffffffffffff00)
put(f'{X}/romtool_build/strtab-nobits', bytes(b))
b = bytearray(obj)
sym = secs[names.index('.symtab')]
for k in range(sym[5] // 24):               # every symbol's value near 2^64
    off = sym[4] + 24 * k
    if struct.unpack_from('<H', b, off + 6)[0] == 1:
        struct.pack_into('<Q', b, off + 8, 0xfffffffffffffff0)
put(f'{X}/romtool_build/entry-near-2-64', bytes(b))
b = bytearray(obj)
rela = secs[names.index('.rela.text')]
struct.pack_into('<q', b, rela[4] + 16, 0x7fffffffffffffff)
put(f'{X}/romtool_build/addend-near-2-63', bytes(b))

# ---- hv_loader: the kernel's first 6 KiB, address fields cut to fit
# (run after a build: it reads build/kernel)
if os.path.exists('build/kernel'):
    k = bytearray(open('build/kernel', 'rb').read()[:6144])
    h = k.find(struct.pack('<I', 0x1BADB002))
    load = struct.unpack_from('<I', k, h + 16)[0]
    end = load + len(k) - (h - (struct.unpack_from('<I', k, h + 12)[0] - load))
    struct.pack_into('<II', k, h + 20, min(end, load + 2048), load + 0x40000)
    put(f'{C}/hv_loader/kernel-head', bytes(k))

# ---- vmi_guest: flags (changes, init rc, protect refuses), 8-byte
# changes { step, kind, offset, value }, then the window: the test ROM,
# unchanged or changed at a callback between the scan and init (kind 2: a
# header field, checksum kept; 3: a byte, checksum kept).
def guest(flags, changes):
    with open(f'{C}/vmi_validate/testrom.rom', 'rb') as f:
        rom = f.read()
    return bytes([flags | len(changes)]) + b''.join(
        struct.pack('<BBHI', *c) for c in changes) + rom


# Its callbacks: 0 scan (the hit), 1 log, 2 scan (the end), 3 map (the
# copy follows), 4 validate the copy, 5 protect, 6 log, 7 init, 8 log,
# then the queries.
HDR_DATA_SIZE, HDR_INIT, NAME, ENDBR = 28, 32, 0x368, 0x210
put(f'{C}/vmi_guest/testrom', guest(0, []))
put(f'{C}/vmi_guest/init-host-refused', guest(5 << 4, []))
put(f'{C}/vmi_guest/protect-refused', guest(0x80, []))
put(f'{C}/vmi_guest/data-size-at-map', guest(0, [(3, 2, HDR_DATA_SIZE, 0x3000)]))
put(f'{C}/vmi_guest/init-after-scan', guest(0, [(2, 2, HDR_INIT, 0x330)]))
put(f'{C}/vmi_guest/endbr-at-map', guest(0, [(3, 3, ENDBR + 1, 0x90),
                                              (5, 3, ENDBR + 1, 0x0f)]))
put(f'{C}/vmi_guest/name-at-map', guest(0, [(3, 3, NAME, ord('T'))]))
# query answers from the window's table: call 8's NATIVE gains clobbers
# after init succeeded (a refusal that keeps the pages)
put(f'{C}/vmi_guest/answer-after-init', guest(0, [(8, 3, 0xC0 + 8 * 8 + 2, 1)]))


# ---- virtq: size log2 | EVENT_IDX 0x10 | INDIRECT 0x20, start index,
# then guest RAM from 0: descriptors at 0, avail at 0x1000, used at 0x1400
def vq(flags, start, descs, heads, tables=(), used_event=0):
    ram = bytearray(0x1a00)
    for i, (a, n, f, nx) in enumerate(descs):
        struct.pack_into('<QIHH', ram, 16 * i, a, n, f, nx)
    size = 1 << (flags & 0xf)
    for k, h in enumerate(heads):
        struct.pack_into('<H', ram, 0x1004 + 2 * ((start + k) % size), h)
    struct.pack_into('<HH', ram, 0x1000, 0, (start + len(heads)) & 0xffff)
    struct.pack_into('<H', ram, 0x1004 + 2 * size, used_event)
    for at, entries in tables:
        for i, (a, n, f, nx) in enumerate(entries):
            struct.pack_into('<QIHH', ram, at + 16 * i, a, n, f, nx)
    return bytes([flags, start]) + bytes(ram)


NEXT, WRITE, IND = 1, 2, 4
blk = [(0x2000, 16, NEXT, 1), (0x2100, 512, NEXT | WRITE, 2), (0x2400, 1, WRITE, 0)]
put(f'{C}/virtq/blk-chain', vq(3, 0, blk, [0]))
put(f'{C}/virtq/indirect', vq(0x33, 0, [(0x1800, 48, IND, 0)], [0],
                               [(0x1800, blk)]))
put(f'{C}/virtq/event-idx-wrap', vq(0x13, 0xfe, blk + blk, [0, 0, 0], used_event=1))
put(f'{C}/virtq/loop', vq(3, 0, [(0x2000, 16, NEXT, 1), (0x2000, 16, NEXT, 0)], [0]))
put(f'{C}/virtq/indirect-loop', vq(0x23, 0, [(0x1800, 32, IND, 0)], [0],
                                    [(0x1800, [(0x2000, 1, NEXT, 1), (0x2000, 1, NEXT, 0)])]))
put(f'{C}/virtq/outside', vq(3, 0, [(0xA0000, 16, 0, 0)], [0]))
