/*
 * validate.h: the VMI ROM validator -- pure functions over a byte buffer
 * that decide whether an image may be trusted, and why not.
 *
 * Shared by the guest kernel (discovery), romtool (check, dump, build), hv
 * and the unit tests.  Freestanding: needs only <stdint.h>, <stddef.h> and
 * <stdbool.h>; never reads outside [buf, buf + len); reports through
 * returned codes and a table of reason strings, never by printing.
 */
#ifndef VMI_VALIDATE_H
#define VMI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmi_abi.h"

/* Layers, in the order the validator applies them. */
enum vmi_layer {
	VMI_LAYER_OPTROM = 0, /* 0x55AA, length, checksum */
	VMI_LAYER_PCIR,       /* PCI data structure */
	VMI_LAYER_ABI,        /* ABI signature, version, header size */
	VMI_LAYER_BOUNDS,     /* every table and region, overlaps, strings */
	VMI_LAYER_ENTRIES,    /* init/query inside the code, ENDBR64 */
	VMI_LAYER_CALLS,      /* each call-table answer */
	VMI_LAYER_INLINE,     /* 1.2: each inline answer (SPEC.md 9.1) */
	VMI_LAYER_COUNT
};

/* Every reason an image is refused; each has its own string. */
enum vmi_status {
	VMI_ST_OK = 0,
	/* optrom */
	VMI_ST_SHORT,           /* buffer shorter than one 512-byte unit */
	VMI_ST_SIGNATURE,       /* bytes 0-1 are not 0x55 0xAA */
	VMI_ST_ZERO_LENGTH,     /* byte 2 is zero */
	VMI_ST_TRUNCATED,       /* declared length exceeds the buffer */
	VMI_ST_CHECKSUM,        /* bytes do not sum to zero mod 256 */
	/* pcir */
	VMI_ST_PCIR_OFFSET,     /* PCIR pointer zero, misaligned or outside */
	VMI_ST_PCIR_SIGNATURE,  /* no "PCIR" there */
	VMI_ST_PCIR_LENGTH,     /* structure length too small or outside */
	VMI_ST_PCIR_CODE_TYPE,  /* code type is not x86 PC-AT */
	VMI_ST_PCIR_UNITS,      /* PCIR image length differs from byte 2 */
	/* abi */
	VMI_ST_ABI_SIGNATURE,   /* no "VMIROM64" at 0x40: not a VMI ROM */
	VMI_ST_ABI_MAJOR,       /* ABI major differs from the guest's */
	VMI_ST_HEADER_SIZE,     /* header_size too small, unaligned or outside */
	/* bounds */
	VMI_ST_CODE_BOUNDS,     /* code region empty or outside the image */
	VMI_ST_DATA_OFFSET,     /* data area not at image length rounded to 4K */
	VMI_ST_DATA_SIZE,       /* data area larger than VMI_DATA_MAX */
	VMI_ST_CALLS_BOUNDS,    /* call table outside the image or misaligned */
	VMI_ST_CALLS_COUNT,     /* fewer calls than the minor defines, or too many */
	VMI_ST_LICENSE_MISSING, /* no license string */
	VMI_ST_LICENSE_BOUNDS,  /* license outside the image or too long */
	VMI_ST_LICENSE_TEXT,    /* license not printable ASCII + NUL */
	VMI_ST_NAME_BOUNDS,     /* name outside the image or too long */
	VMI_ST_NAME_TEXT,       /* name not printable ASCII + NUL */
	VMI_ST_OVERLAP,         /* two regions of the image overlap */
	/* entries */
	VMI_ST_INIT_OUTSIDE,    /* init entry not inside the code region */
	VMI_ST_QUERY_OUTSIDE,   /* query entry not inside the code region */
	VMI_ST_NO_ENDBR,        /* an entry does not start with ENDBR64 */
	/* calls */
	VMI_ST_RELOC_TYPE,      /* answer type unknown */
	VMI_ST_RELOC_FLAGS,     /* answer flags not zero */
	VMI_ST_RELOC_TARGET,    /* CALL/JUMP target outside the code region */
	VMI_ST_RELOC_ENDBR,     /* CALL/JUMP target lacks ENDBR64 */
	VMI_ST_RELOC_CLOBBERS,  /* clobbers outside the call's allowed set */
	VMI_ST_RELOC_NOP,       /* NOP for a call that returns a value */
	VMI_ST_RELOC_JUMP,      /* JUMP for a call that returns */
	VMI_ST_RELOC_STRAY,     /* NATIVE/NOP with a target or clobbers */
	VMI_ST_CALL_UNKNOWN,    /* call number beyond the table */
	/* inline (1.2, SPEC.md 9.1) */
	VMI_ST_INLINE_BOUNDS,   /* inline table outside, misaligned, too long */
	VMI_ST_INLINE_CALL,     /* entry names a call not answered CALL */
	VMI_ST_INLINE_DUP,      /* two entries for one call */
	VMI_ST_INLINE_ENTRY,    /* flags, length, bytes or fixups out of range */
	VMI_ST_INLINE_CLOBBERS, /* declared clobbers outside the allowed set */
	VMI_ST_INLINE_INSN,     /* an instruction outside the known subset */
	VMI_ST_INLINE_LEAVE,    /* call, ret, int, indirect jump... */
	VMI_ST_INLINE_BRANCH,   /* a jump out of the bytes or into an insn */
	VMI_ST_INLINE_PRIV,     /* privileged instruction, not native-safe */
	VMI_ST_INLINE_WRITES,   /* writes a register it does not declare */
	VMI_ST_INLINE_STACK,    /* unbalanced push/pop, or with branches */
	VMI_ST_INLINE_FIX_KIND, /* fixup kind unknown or reserved set */
	VMI_ST_INLINE_FIX_FIELD,/* fixup not on a displacement/immediate */
	VMI_ST_INLINE_FIX_RANGE,/* fixup value outside the data area */
	VMI_ST_INLINE_RIPREL,   /* RIP-relative operand without a fixup */
	VMI_ST_INLINE_RENAME,   /* renamed operand used where it cannot be */
	VMI_ST_COUNT
};

/* What a successful validation learnt; copies, never pointers. */
struct vmi_rom_info {
	uint32_t image_len;   /* declared length in bytes (units * 512) */
	uint32_t calls_known; /* min(ROM's calls_count, VMI_CALL_COUNT) */
	struct vmi_rom_header hdr; /* the header, read byte by byte */
};

/* A per-call description: the VMI_CALL_LIST row for one call. */
struct vmi_call_desc {
	const char *name;     /* lower case, e.g. "console_write" */
	uint8_t conv;         /* enum vmi_conv */
	uint8_t flags;        /* VMI_CF_* */
	uint16_t allowed;     /* clobbers a site allows (VMI_REG_* bits) */
};

/*
 * Validate the image at buf.  len is how many bytes are readable there (a
 * file's size, or the rest of the scan window); only the declared length is
 * examined.  On VMI_ST_OK, *info describes the image.  info may be NULL.
 */
enum vmi_status vmi_validate(const uint8_t *buf, size_t len,
                             struct vmi_rom_info *info);

/* Check one answer for call (< VMI_CALL_COUNT) against a validated image. */
enum vmi_status vmi_check_reloc(const uint8_t *img,
                                const struct vmi_rom_info *info,
                                uint32_t call, const struct vmi_reloc *r);

/* Read the static call-table answer for call from a validated image. */
enum vmi_status vmi_table_reloc(const uint8_t *img,
                                const struct vmi_rom_info *info,
                                uint32_t call, struct vmi_reloc *out);

/* SPEC.md section 11: CLOCK_READ and SET_ALARM answered by the same side
 * (both NATIVE, or neither), since an alarm's deadline is CLOCK_READ time. */
bool vmi_time_answers_agree(const struct vmi_reloc *clock_read,
                            const struct vmi_reloc *set_alarm);

/* One scan result: an address holding 0x55AA and its verdict. */
struct vmi_scan_hit {
	uint64_t addr;            /* physical address (window base + offset) */
	size_t offset;            /* offset in the window buffer */
	enum vmi_status status;   /* VMI_ST_OK for a usable VMI ROM */
	struct vmi_rom_info info; /* valid when status is VMI_ST_OK */
};

/*
 * Scan a memory window (win holds win_len bytes of physical memory starting
 * at base) at VMI_OPTROM_ALIGN steps.  Start with *pos = 0; each call
 * reports the next candidate with the 0x55AA signature in *hit and returns
 * true, or returns false at the end of the window.  A valid ROM is skipped
 * as a whole; anything else by one step.
 */
bool vmi_scan_next(const uint8_t *win, size_t win_len, uint64_t base,
                   size_t *pos, struct vmi_scan_hit *hit);

/* The first valid VMI ROM in the window, or false. */
bool vmi_scan_find(const uint8_t *win, size_t win_len, uint64_t base,
                   struct vmi_scan_hit *hit);

const char *vmi_status_str(enum vmi_status st);   /* "bad checksum" ... */
const char *vmi_status_name(enum vmi_status st);  /* "CHECKSUM" ... */
/* The layer a status failed at; VMI_LAYER_COUNT ("all") for VMI_ST_OK, so
 * every layer below the returned one passed. */
enum vmi_layer vmi_status_layer(enum vmi_status st);
const char *vmi_layer_name(enum vmi_layer layer);  /* "option-rom" ... */
const char *vmi_reloc_type_name(uint8_t type);    /* "NATIVE" ... */
const char *vmi_err_str(int64_t err);              /* init/query returns */

/* Operand k's register (enum vmi_reg) of call in the ABI's own
 * convention (SPEC.md 9.1), or -1 when the call has no operand k. */
int vmi_call_operand(uint32_t call, unsigned k);

/* The description of call, or NULL when call >= VMI_CALL_COUNT. */
const struct vmi_call_desc *vmi_call_desc(uint32_t call);

/* Image checksum helper (romtool uses it to fix the last byte). */
uint8_t vmi_sum8(const uint8_t *buf, size_t len);

#endif /* VMI_VALIDATE_H */
