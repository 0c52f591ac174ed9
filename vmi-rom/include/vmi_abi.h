/*
 * vmi_abi.h: the VMI ROM ABI, version 1 -- the one header shared by the
 * guest kernel, ROM builds, romtool, hv and the tests.
 *
 * C99 only (plus <stdint.h> and <stddef.h>); no compiler extensions except
 * the optional ROM-build helpers at the end, fenced by __GNUC__.  SPEC.md is
 * the normative text; this header is its data.  Every structure field says
 * who writes it:
 *   IN   the guest writes it, the ROM reads it,
 *   OUT  the ROM (its image or its code) writes it, the guest reads it.
 * Fields are only ever appended; offsets and sizes are frozen by the
 * _Static_asserts below.  All multi-byte fields are little-endian.
 */
#ifndef VMI_ABI_H
#define VMI_ABI_H

#include <stdint.h>
#include <stddef.h>

/* Compile-time checks: C11's _Static_assert when available, otherwise a
 * C99 array whose size goes negative when cond is false. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define VMI_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define VMI_CAT2_(a, b) a##b
#define VMI_CAT_(a, b) VMI_CAT2_(a, b)
#define VMI_STATIC_ASSERT(cond, msg) \
	typedef char VMI_CAT_(vmi_static_assert_, __LINE__)[(cond) ? 1 : -1]
#endif

/* ---- Versions ---------------------------------------------------------- */

#define VMI_ABI_MAJOR 1   /* changes only on an incompatible break */
#define VMI_ABI_MINOR 3   /* bumped when calls or fields are appended;
                           * 1.1 appended DEVICE_NOTIFY (call 39);
                           * 1.2 appended inline answers (header fields
                           * inline_offset, inline_count; feature bit 1);
                           * 1.3 the host's generation at header offset
                           * 120 and re-binding (SPEC.md section 20) */

/* ---- Option-ROM layer (PC BIOS / PCI Firmware spec) --------------------- */

#define VMI_OPTROM_SIG0       0x55u  /* byte 0 */
#define VMI_OPTROM_SIG1       0xAAu  /* byte 1 */
#define VMI_OPTROM_UNIT       512u   /* byte 2 counts these */
#define VMI_OPTROM_MAX_UNITS  255u
#define VMI_OPTROM_RETF       0xCBu  /* the 16-bit init at byte 3: retf */
#define VMI_OPTROM_ALIGN      2048u  /* firmware places ROMs at this step */
#define VMI_OPTROM_WINDOW_LO  0xC0000u
#define VMI_OPTROM_WINDOW_HI  0xE0000u  /* exclusive */

/* Bytes 0x00..0x1B of every image: the legacy option-ROM header. */
struct vmi_optrom_header {
	uint8_t  sig[2];        /* OUT 0x55 0xAA */
	uint8_t  units;         /* OUT image length / 512 */
	uint8_t  init16[4];     /* OUT 16-bit far init entry: retf (0xCB), pad */
	uint8_t  reserved[17];  /* OUT zero */
	uint16_t pcir_offset;   /* OUT offset of struct vmi_pcir, 4-aligned */
	uint16_t pnp_offset;    /* OUT 0: no $PnP header */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_optrom_header, units) == 2, "units");
VMI_STATIC_ASSERT(offsetof(struct vmi_optrom_header, init16) == 3, "init16");
VMI_STATIC_ASSERT(offsetof(struct vmi_optrom_header, pcir_offset) == 0x18, "pcir");
VMI_STATIC_ASSERT(offsetof(struct vmi_optrom_header, pnp_offset) == 0x1A, "pnp");
VMI_STATIC_ASSERT(sizeof(struct vmi_optrom_header) == 0x1C, "optrom size");

/* PCI Data Structure, PCI Firmware Specification 3.0 layout ("PCIR"). */
#define VMI_PCIR_SIG        "PCIR"
#define VMI_PCIR_REVISION   3
#define VMI_PCIR_CODE_X86   0x00   /* code type: Intel x86, PC-AT compatible */
#define VMI_PCIR_LAST_IMAGE 0x80   /* indicator bit 7 */
#define VMI_PCIR_VENDOR     0x1234 /* the IDs our own ROMs use */
#define VMI_PCIR_DEVICE     0x564D
#define VMI_PCIR_CLASS      0xFF0000u /* base class 0xFF: "other" */

struct vmi_pcir {
	uint8_t  sig[4];        /* OUT "PCIR" */
	uint16_t vendor;        /* OUT PCI vendor ID */
	uint16_t device;        /* OUT PCI device ID */
	uint16_t device_list;   /* OUT 0 */
	uint16_t length;        /* OUT sizeof(struct vmi_pcir) */
	uint8_t  revision;      /* OUT 3 */
	uint8_t  class_code[3]; /* OUT prog-if, sub-class, base class */
	uint16_t image_units;   /* OUT equals vmi_optrom_header.units */
	uint16_t code_revision; /* OUT vendor's image revision */
	uint8_t  code_type;     /* OUT 0: x86 PC-AT */
	uint8_t  indicator;     /* OUT 0x80: last image */
	uint16_t max_runtime_units; /* OUT equals image_units */
	uint16_t config_utility;    /* OUT 0 */
	uint16_t dmtf_clp;          /* OUT 0 */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, vendor) == 0x04, "vendor");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, length) == 0x0A, "length");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, revision) == 0x0C, "revision");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, class_code) == 0x0D, "class");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, image_units) == 0x10, "units");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, code_type) == 0x14, "code type");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, indicator) == 0x15, "indicator");
VMI_STATIC_ASSERT(offsetof(struct vmi_pcir, dmtf_clp) == 0x1A, "clp");
VMI_STATIC_ASSERT(sizeof(struct vmi_pcir) == 0x1C, "pcir size");
#define VMI_PCIR_MIN_LENGTH 0x18   /* PCI 2.x structures are this long */

/* ---- The VMI ABI header ------------------------------------------------- */

#define VMI_HDR_OFFSET   0x40        /* fixed offset from the image start */
#define VMI_HDR_SIG      "VMIROM64"  /* 8 bytes, no NUL */
#define VMI_HDR_SIG_LEN  8

/* Limits the guest enforces (SPEC.md, "Validation"). */
#define VMI_DATA_ALIGN    4096u            /* data area offset alignment */
#define VMI_DATA_MAX      (16u << 20)      /* data area at most 16 MiB */
#define VMI_CALLS_MAX     256u             /* call table at most this long */
#define VMI_LICENSE_MAX   1024u
#define VMI_NAME_MAX      64u
#define VMI_STACK_MAX     512u             /* guest stack a call may use */

/*
 * The ABI header at VMI_HDR_OFFSET.  Every offset counts bytes from the
 * first byte of the image (the 0x55).  Fields added by later minors go at
 * the end and are covered by header_size.
 */
struct vmi_rom_header {
	char     sig[8];         /* OUT "VMIROM64" */
	uint16_t abi_major;      /* OUT must equal the guest's VMI_ABI_MAJOR */
	uint16_t abi_minor;      /* OUT any; see SPEC.md "Versioning" */
	uint32_t header_size;    /* OUT >= VMI_HDR_SIZE_V1_0, multiple of 8 */
	uint64_t features;       /* OUT VMI_FEAT_* the ROM implements */
	uint32_t data_offset;    /* OUT where the data area starts, relative to
	                          *     the image start in the guest's mapping;
	                          *     4 KiB aligned, = image length rounded
	                          *     up to 4 KiB */
	uint32_t data_size;      /* OUT bytes of zeroed RAM the guest provides
	                          *     at data_offset (0 allowed) */
	uint32_t init_offset;    /* OUT 64-bit init entry, in the code region */
	uint32_t query_offset;   /* OUT 64-bit query entry, in the code region */
	uint32_t calls_offset;   /* OUT struct vmi_reloc[calls_count], 8-aligned */
	uint32_t calls_count;    /* OUT >= calls defined by abi_minor */
	uint32_t license_offset; /* OUT license text, NUL follows it */
	uint32_t license_len;    /* OUT bytes, excluding the NUL, >= 1 */
	uint32_t name_offset;    /* OUT ROM name, NUL follows it; 0 if none */
	uint32_t name_len;       /* OUT bytes, excluding the NUL; 0 if none */
	uint32_t code_start;     /* OUT executable region [code_start, */
	uint32_t code_end;       /* OUT                    code_end) */
	uint32_t rom_version;    /* OUT vendor's own version, informational */
	uint32_t reserved0;      /* OUT zero in 1.0 */
	uint64_t reserved[6];    /* OUT zero in 1.0; ignored by the guest */
	/* ---- 1.2 (present when header_size >= VMI_HDR_SIZE_V1_2) ---- */
	uint32_t inline_offset;  /* OUT struct vmi_inline[inline_count],
	                          *     8-aligned; 0 if none */
	uint32_t inline_count;   /* OUT entries, <= VMI_INLINE_COUNT_MAX */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, abi_major) == 8, "major");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, abi_minor) == 10, "minor");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, header_size) == 12, "hsize");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, features) == 16, "features");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, data_offset) == 24, "doff");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, data_size) == 28, "dsize");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, init_offset) == 32, "init");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, query_offset) == 36, "query");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, calls_offset) == 40, "calls");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, calls_count) == 44, "ncalls");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, license_offset) == 48, "lic");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, license_len) == 52, "liclen");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, name_offset) == 56, "name");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, name_len) == 60, "namelen");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, code_start) == 64, "cstart");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, code_end) == 68, "cend");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, rom_version) == 72, "romver");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, reserved0) == 76, "res0");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, reserved) == 80, "res");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, inline_offset) == 128, "inl");
VMI_STATIC_ASSERT(offsetof(struct vmi_rom_header, inline_count) == 132, "ninl");
VMI_STATIC_ASSERT(sizeof(struct vmi_rom_header) == 136, "header size");
#define VMI_HDR_SIZE_V1_0 128u
#define VMI_HDR_SIZE_V1_2 136u   /* 1.2 appended inline_offset, inline_count */

/* ROM feature bits (vmi_rom_header.features).  None are defined in 1.0;
 * a later minor appends calls behind a new bit.  Unknown bits are ignored. */
#define VMI_FEAT_NONE 0ull
/* 1.1: the ROM answers DEVICE_NOTIFY (call 39) with something other than
 * NATIVE.  Clear: the guest keeps call 39 NATIVE whatever the table says. */
#define VMI_FEAT_DEVICE_NOTIFY (1ull << 0)
/* 1.2: the header's inline table holds inline answers (SPEC.md 9.1).
 * Clear, or a ROM of minor < 2: the guest ignores inline_offset/count. */
#define VMI_FEAT_INLINE (1ull << 1)
/* The bits each minor defines (romtool check refuses others). */
#define VMI_FEATS_FOR_MINOR(minor) ((minor) == 0 ? VMI_FEAT_NONE \
                                  : (minor) == 1 ? VMI_FEAT_DEVICE_NOTIFY \
                                  : (VMI_FEAT_DEVICE_NOTIFY | VMI_FEAT_INLINE))

/* Guest feature bits (vmi_init_args.guest_features).  None in 1.0. */
#define VMI_GUEST_FEAT_NONE 0ull

/* ---- Relocation answers ------------------------------------------------- */

enum vmi_reloc_type {
	VMI_RELOC_NATIVE = 0, /* keep the guest's native implementation */
	VMI_RELOC_CALL   = 1, /* site becomes "call rel32" to target */
	VMI_RELOC_JUMP   = 2, /* site becomes "jmp rel32" to target (no return) */
	VMI_RELOC_NOP    = 3, /* site is removed (NOPs) */
	VMI_RELOC_TYPES  = 4
};

/*
 * One answer: an element of the static call table in the image, and what
 * the query entry writes.  8 bytes, 8-aligned in the image.
 */
struct vmi_reloc {
	uint8_t  type;     /* OUT enum vmi_reloc_type */
	uint8_t  flags;    /* OUT zero in 1.0 */
	uint16_t clobbers; /* OUT VMI_REG_* bits the entry may change; must be
	                    *     within the call's allowed set; 0 for
	                    *     NATIVE and NOP */
	uint32_t target;   /* OUT entry offset from the image start for CALL and
	                    *     JUMP (in the code region, starts with
	                    *     ENDBR64); 0 otherwise */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_reloc, type) == 0, "type");
VMI_STATIC_ASSERT(offsetof(struct vmi_reloc, flags) == 1, "flags");
VMI_STATIC_ASSERT(offsetof(struct vmi_reloc, clobbers) == 2, "clobbers");
VMI_STATIC_ASSERT(offsetof(struct vmi_reloc, target) == 4, "target");
VMI_STATIC_ASSERT(sizeof(struct vmi_reloc) == 8, "reloc size");

/* ---- Inline answers (1.2, SPEC.md 9.1) ---------------------------------- */

/*
 * An inline answer: bytes the guest copies into a call's sites instead of
 * the "call rel32" its CALL answer would put there, where they fit.  The
 * call table still answers CALL (the entry is what every site that cannot
 * take the bytes, and every guest older than 1.2, gets); the bytes do
 * what the entry does.  16 bytes, in the table at inline_offset.
 */
struct vmi_inline {
	uint16_t call;      /* OUT call number; its table answer is CALL */
	uint8_t  len;       /* OUT bytes of code, 1..VMI_INLINE_MAX */
	uint8_t  flags;     /* OUT VMI_INLINE_F_* */
	uint16_t clobbers;  /* OUT registers the bytes may change, in the
	                     *     call's own registers (section 9); within
	                     *     the call's allowed set */
	uint8_t  nfix;      /* OUT fixups, 0..VMI_INLINE_FIX_MAX */
	uint8_t  rename;    /* OUT bit k: operand k may be renamed */
	uint32_t code;      /* OUT image offset of the bytes */
	uint32_t fixups;    /* OUT image offset of struct vmi_inline_fix[nfix],
	                     *     4-aligned; 0 when nfix is 0 */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_inline, len) == 2, "inline len");
VMI_STATIC_ASSERT(offsetof(struct vmi_inline, clobbers) == 4, "inline clob");
VMI_STATIC_ASSERT(offsetof(struct vmi_inline, nfix) == 6, "inline nfix");
VMI_STATIC_ASSERT(offsetof(struct vmi_inline, code) == 8, "inline code");
VMI_STATIC_ASSERT(offsetof(struct vmi_inline, fixups) == 12, "inline fix");
VMI_STATIC_ASSERT(sizeof(struct vmi_inline) == 16, "inline size");

#define VMI_INLINE_MAX        32u  /* longest sequence */
#define VMI_OPERANDS_MAX      3u   /* renamable operands of a call */
#define VMI_INLINE_FIX_MAX    8u   /* fixups per sequence */
#define VMI_INLINE_COUNT_MAX  VMI_CALLS_MAX
/* The sequence holds privileged instructions (cli, sti, popf, in, out,
 * hlt, mov to/from cr, ...) that the ROM declares safe to execute in the
 * guest as they are; without it the guest refuses any. */
#define VMI_INLINE_F_NATIVE_SAFE 0x01u
#define VMI_INLINE_F_KNOWN       0x01u

/* One fixup: the guest writes these bytes when it copies the sequence. */
struct vmi_inline_fix {
	uint8_t  kind;      /* OUT enum vmi_fix_kind */
	uint8_t  at;        /* OUT offset in the sequence of the field */
	uint16_t reserved;  /* OUT zero */
	uint32_t value;     /* OUT offset in the data area (both kinds) */
};
VMI_STATIC_ASSERT(sizeof(struct vmi_inline_fix) == 8, "fix size");

enum vmi_fix_kind {
	/* The 4 bytes at `at` are the disp32 of a RIP-relative operand; the
	 * guest makes the operand address data_va + value. */
	VMI_FIX_DATA_REL32 = 1,
	/* The bytes at `at` are an instruction's whole immediate (1, 2 or 4
	 * bytes); the guest copies that many bytes from data_va + value,
	 * read after init (a value the ROM learnt from its host). */
	VMI_FIX_DATA_IMM   = 2,
	VMI_FIX_KINDS      = 3
};

/* ENDBR64, the first four bytes of every 64-bit entry. */
#define VMI_ENDBR64_0 0xF3u
#define VMI_ENDBR64_1 0x0Fu
#define VMI_ENDBR64_2 0x1Eu
#define VMI_ENDBR64_3 0xFAu

/* ---- Registers (hardware encoding order) -------------------------------- */

enum vmi_reg {
	VMI_RAX = 0, VMI_RCX, VMI_RDX, VMI_RBX, VMI_RSP, VMI_RBP, VMI_RSI,
	VMI_RDI, VMI_R8, VMI_R9, VMI_R10, VMI_R11, VMI_R12, VMI_R13, VMI_R14,
	VMI_R15, VMI_NREGS
};
VMI_STATIC_ASSERT(VMI_R15 == 15 && VMI_NREGS == 16, "register encoding");

#define VMI_REG(r) ((uint16_t)(1u << (r)))
#define VMI_CLOB_RAX     VMI_REG(VMI_RAX)
#define VMI_CLOB_RAX_RDX (VMI_REG(VMI_RAX) | VMI_REG(VMI_RDX))
#define VMI_CLOB_CPUID   (VMI_REG(VMI_RAX) | VMI_REG(VMI_RBX) | \
                          VMI_REG(VMI_RCX) | VMI_REG(VMI_RDX))
/* SysV caller-saved: rax rcx rdx rsi rdi r8 r9 r10 r11 */
#define VMI_CLOB_SYSV    (VMI_REG(VMI_RAX) | VMI_REG(VMI_RCX) | \
                          VMI_REG(VMI_RDX) | VMI_REG(VMI_RSI) | \
                          VMI_REG(VMI_RDI) | VMI_REG(VMI_R8)  | \
                          VMI_REG(VMI_R9)  | VMI_REG(VMI_R10) | \
                          VMI_REG(VMI_R11))
VMI_STATIC_ASSERT(VMI_CLOB_SYSV == 0x0FC7, "sysv clobbers");

/* ---- Calls -------------------------------------------------------------- */

/* Register convention classes; SPEC.md "Calling conventions". */
enum vmi_conv {
	VMI_CONV_CALLEE_SAVE = 0, /* args rdi, rsi; result rax; only rax changes */
	VMI_CONV_INSN        = 1, /* the native instruction's own registers */
	VMI_CONV_SYSV        = 2  /* SysV AMD64 C call */
};

/* Per-call flags (what answers a call may take). */
#define VMI_CF_RESULT   0x1u  /* returns a value: NOP is not allowed */
#define VMI_CF_NORETURN 0x2u  /* never returns: JUMP allowed, NOP not */

/*
 * The frozen call list, as data: X(NAME, name, number, convention,
 * allowed clobbers, flags).  Numbers never change; new calls are appended
 * behind a feature bit and a minor bump.  Expand it with your own X.
 */
#define VMI_CALL_LIST(X) \
	X(IRQ_DISABLE,    irq_disable,     0, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(IRQ_ENABLE,     irq_enable,      1, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SAVE_FL,        save_fl,         2, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, VMI_CF_RESULT) \
	X(RESTORE_FL,     restore_fl,      3, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SAFE_HALT,      safe_halt,       4, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(HALT,           halt,            5, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(CPUID,          cpuid,           6, VMI_CONV_INSN, VMI_CLOB_CPUID, VMI_CF_RESULT) \
	X(RDMSR,          rdmsr,           7, VMI_CONV_INSN, VMI_CLOB_RAX_RDX, VMI_CF_RESULT) \
	X(WRMSR,          wrmsr,           8, VMI_CONV_INSN, VMI_CLOB_RAX_RDX, 0) \
	X(READ_CR0,       read_cr0,        9, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, VMI_CF_RESULT) \
	X(WRITE_CR0,      write_cr0,      10, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(READ_CR2,       read_cr2,       11, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, VMI_CF_RESULT) \
	X(READ_CR3,       read_cr3,       12, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, VMI_CF_RESULT) \
	X(READ_CR4,       read_cr4,       13, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, VMI_CF_RESULT) \
	X(WRITE_CR4,      write_cr4,      14, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(LOAD_GDT,       load_gdt,       15, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(LOAD_IDT,       load_idt,       16, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(LOAD_TR,        load_tr,        17, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(WBINVD,         wbinvd,         18, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(IO_DELAY,       io_delay,       19, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SET_PTE,        set_pte,        20, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SET_PMD,        set_pmd,        21, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SET_PUD,        set_pud,        22, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(SET_P4D,        set_p4d,        23, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(LAZY_MMU_ENTER, lazy_mmu_enter, 24, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(LAZY_MMU_FLUSH, lazy_mmu_flush, 25, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(LAZY_MMU_LEAVE, lazy_mmu_leave, 26, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(INVLPG,         invlpg,         27, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(FLUSH_TLB,      flush_tlb,      28, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(WRITE_CR3,      write_cr3,      29, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0) \
	X(PT_ALLOC,       pt_alloc,       30, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(PT_RELEASE,     pt_release,     31, VMI_CONV_SYSV, VMI_CLOB_SYSV, 0) \
	X(CLOCK_FREQ,     clock_freq,     32, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_RESULT) \
	X(CLOCK_READ,     clock_read,     33, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_RESULT) \
	X(WALLCLOCK,      wallclock,      34, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_RESULT) \
	X(SET_ALARM,      set_alarm,      35, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_RESULT) \
	X(CONSOLE_WRITE,  console_write,  36, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_RESULT) \
	X(SHUTDOWN,       shutdown,       37, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_NORETURN) \
	X(REBOOT,         reboot,         38, VMI_CONV_SYSV, VMI_CLOB_SYSV, VMI_CF_NORETURN) \
	/* 1.1, behind VMI_FEAT_DEVICE_NOTIFY: rdi = notify register's va, \
	 * rsi = 16-bit value, rdx = its guest-physical address */ \
	X(DEVICE_NOTIFY,  device_notify,  39, VMI_CONV_CALLEE_SAVE, VMI_CLOB_RAX, 0)

#define VMI_CALL_ENUM_(N, n, num, conv, clob, fl) VMI_CALL_##N = num,
enum vmi_call {
	VMI_CALL_LIST(VMI_CALL_ENUM_)
	VMI_CALL_COUNT_V1_0 = 39,
	VMI_CALL_COUNT_V1_1 = 40
};
#undef VMI_CALL_ENUM_
VMI_STATIC_ASSERT(VMI_CALL_REBOOT + 1 == VMI_CALL_COUNT_V1_0, "call count");
VMI_STATIC_ASSERT(VMI_CALL_DEVICE_NOTIFY + 1 == VMI_CALL_COUNT_V1_1, "1.1 count");
VMI_STATIC_ASSERT(VMI_CALL_WRITE_CR3 == 29 && VMI_CALL_CONSOLE_WRITE == 36 &&
               VMI_CALL_DEVICE_NOTIFY == 39, "frozen call numbers");

/* Calls the guest built from this header knows. */
#define VMI_CALL_COUNT VMI_CALL_COUNT_V1_1

/* Calls a ROM of a given 1.x minor must have in its table (a minor newer
 * than this header needs at least what this header knows). */
#define VMI_CALLS_FOR_MINOR(minor) ((minor) == 0 ? VMI_CALL_COUNT_V1_0 \
                                                  : VMI_CALL_COUNT_V1_1)

/* The ROM feature bit a call is announced by; 0 for the 1.0 calls. */
#define VMI_CALL_FEATURE(call) ((call) == VMI_CALL_DEVICE_NOTIFY \
                                ? VMI_FEAT_DEVICE_NOTIFY : VMI_FEAT_NONE)

/* ---- Init --------------------------------------------------------------- */

/* A virtual range the guest maps linearly: pa = va - virt + phys. */
struct vmi_linear_map {
	uint64_t virt;  /* IN first virtual address */
	uint64_t phys;  /* IN its physical address */
	uint64_t size;  /* IN bytes */
};
VMI_STATIC_ASSERT(sizeof(struct vmi_linear_map) == 24, "map size");

#define VMI_INIT_MAPS 2

/*
 * What init receives, by pointer in rdi:
 *   int64_t init(const struct vmi_init_args *args);   (SysV convention)
 * The structure lives in guest memory only for the duration of the call.
 */
struct vmi_init_args {
	uint32_t size;           /* IN sizeof(struct vmi_init_args) */
	uint16_t abi_major;      /* IN the guest's VMI_ABI_MAJOR */
	uint16_t abi_minor;      /* IN the guest's VMI_ABI_MINOR */
	uint64_t guest_features; /* IN VMI_GUEST_FEAT_* */
	uint64_t rom_pa;         /* IN physical address of the guest's copy */
	uint64_t rom_va;         /* IN virtual address of the copy's byte 0 */
	uint64_t data_pa;        /* IN physical address of the data area */
	uint64_t data_va;        /* IN = rom_va + header data_offset */
	uint64_t data_size;      /* IN bytes provided, >= header data_size */
	uint32_t timer_vector;   /* IN vector SET_ALARM delivers */
	uint32_t nr_maps;        /* IN valid entries of maps[] */
	struct vmi_linear_map maps[VMI_INIT_MAPS]; /* IN where page-table
	                          *    pages and pointer arguments live */
	uint64_t reserved[2];    /* IN zero */
};
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, guest_features) == 8, "gf");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, rom_pa) == 16, "rom_pa");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, rom_va) == 24, "rom_va");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, data_pa) == 32, "data_pa");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, data_va) == 40, "data_va");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, data_size) == 48, "dsize");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, timer_vector) == 56, "vec");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, nr_maps) == 60, "nr_maps");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, maps) == 64, "maps");
VMI_STATIC_ASSERT(offsetof(struct vmi_init_args, reserved) == 112, "ires");
VMI_STATIC_ASSERT(sizeof(struct vmi_init_args) == 128, "init args size");

/*
 *   int64_t query(uint32_t call, struct vmi_reloc *out);   (SysV)
 * Both entries return 0 or one of these.
 */
enum vmi_err {
	VMI_OK          =  0,
	VMI_E_VERSION   = -1, /* init: guest ABI major not supported */
	VMI_E_ARGS      = -2, /* init: args malformed (size, reserved, maps) */
	VMI_E_LAYOUT    = -3, /* init: data area misplaced or too small */
	VMI_E_NOHOST    = -4, /* init: the host side is absent or different */
	VMI_E_HOST      = -5, /* init: the host refused */
	VMI_E_FEATURES  = -6, /* init: a guest feature the ROM needs is missing */
	VMI_E_NOCALL    = -7, /* query: call number unknown to this ROM */
	VMI_E_NOTREADY  = -8, /* query: init has not succeeded */
	VMI_E_COUNT     = 9   /* number of codes above, for tables */
};

/* The two 64-bit entries, as the guest calls them (rom_va + offset). */
typedef int64_t (*vmi_init_fn)(const struct vmi_init_args *args);
typedef int64_t (*vmi_query_fn)(uint32_t call, struct vmi_reloc *out);

/* ---- ROM-build helpers (GNU C, used by backend sources only) ------------ */
/*
 * romtool reads these from the backend's object:
 *   VMI_ROM_LICENSE("text")  required: the license string (printable ASCII)
 *   VMI_ROM_NAME("text")     the ROM's name for boot logs
 *   VMI_ROM_NOP(name)        answer NOP for call "name" (lower case)
 *   VMI_ROM_CLOBBERS(name, mask)  narrow a CALL/JUMP entry's clobbers
 *                            (mask: an integer literal, e.g. 0x0f)
 *   VMI_ROM_FEATURES(mask), VMI_ROM_VERSION(n)
 *   VMI_ROM_ABI_MINOR(n)     build as ABI 1.n (n <= VMI_ABI_MINOR)
 * Entries are functions named vmi_rom_init, vmi_rom_query,
 * vmi_rom_call_<name> (answer CALL) and vmi_rom_jump_<name> (answer JUMP);
 * a call with none of these answers NATIVE.  romtool also defines
 * __vmi_rom_image, __vmi_rom_header and __vmi_rom_data for ROM code.
 */
#if defined(__GNUC__) && defined(VMI_ROM_BUILD)
#define VMI_ROM_STR_(x) #x
#define VMI_ROM_STR(x) VMI_ROM_STR_(x)
#define VMI_ROM_LICENSE(s) __asm__(".pushsection .vmi.license,\"\",@progbits\n" \
                                   ".ascii \"" s "\"\n.popsection")
#define VMI_ROM_NAME(s) __asm__(".pushsection .vmi.name,\"\",@progbits\n" \
                                ".ascii \"" s "\"\n.popsection")
#define VMI_ROM_ABS_(sym, v) __asm__(".globl " #sym "\n.set " #sym ", " \
                                     VMI_ROM_STR(v))
#define VMI_ROM_NOP(name) VMI_ROM_ABS_(vmi_rom_nop_##name, 1)
#define VMI_ROM_CLOBBERS(name, mask) VMI_ROM_ABS_(vmi_rom_clobbers_##name, mask)
#define VMI_ROM_FEATURES(mask) VMI_ROM_ABS_(vmi_rom_features, mask)
#define VMI_ROM_VERSION(n) VMI_ROM_ABS_(vmi_rom_version, n)
/* Build the image as an older minor of this major (default: VMI_ABI_MINOR):
 * its table then holds only that minor's calls. */
#define VMI_ROM_ABI_MINOR(n) VMI_ROM_ABS_(vmi_rom_abi_minor, n)
/* Hidden, so PIE code reaches them RIP-relatively, never through a GOT. */
#define VMI_ROM_LOCAL __attribute__((visibility("hidden")))
extern const uint8_t __vmi_rom_image[] VMI_ROM_LOCAL;         /* byte 0 */
extern const struct vmi_rom_header __vmi_rom_header VMI_ROM_LOCAL;
extern uint8_t __vmi_rom_data[] VMI_ROM_LOCAL;  /* the data area */
#endif

/* ---- ABI 1.3 (issue 14): re-binding after the ROM changed (SPEC.md
 * section 20).  The host writes a generation into the ABI header of the
 * image it places in the window (the u32 at header offset 120, the low
 * half of reserved[5], which older guests ignore), and changes it, or
 * the window's content, whenever the guest must re-bind; the guest
 * acknowledges with a 32-bit store of the generation to that field. */
#define VMI_HDR_GENERATION     120u   /* OUT (host-written) u32 in the header */
#define VMI_IMAGE_GENERATION   (VMI_HDR_OFFSET + VMI_HDR_GENERATION)

#endif /* VMI_ABI_H */
