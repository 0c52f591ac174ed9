/*
 * validate.c: decides whether a VMI ROM image may be trusted, layer by
 * layer (option ROM, PCI data structure, ABI header, bounds, entries, call
 * answers), and scans a memory window for ROMs.
 *
 * The image may be hostile: every read goes through rd8/rd16/rd32 after a
 * range check against the declared length, which was itself checked against
 * the buffer.  Offsets are 32-bit and all sums are done in 64 bits, so no
 * offset + length can wrap.  Freestanding: no libc calls at all.
 */
#include "validate.h"
#include "inline.h"

static const char *const status_str[VMI_ST_COUNT] = {
	[VMI_ST_OK]              = "ok",
	[VMI_ST_SHORT]           = "buffer shorter than one 512-byte unit",
	[VMI_ST_SIGNATURE]       = "no 0x55AA option-ROM signature",
	[VMI_ST_ZERO_LENGTH]     = "option-ROM length byte is zero",
	[VMI_ST_TRUNCATED]       = "image truncated: declared length exceeds the bytes available",
	[VMI_ST_CHECKSUM]        = "bad checksum: image bytes do not sum to zero",
	[VMI_ST_PCIR_OFFSET]     = "PCI data structure pointer is zero, misaligned or outside the image",
	[VMI_ST_PCIR_SIGNATURE]  = "no PCIR signature at the PCI data structure pointer",
	[VMI_ST_PCIR_LENGTH]     = "PCI data structure length too small or outside the image",
	[VMI_ST_PCIR_CODE_TYPE]  = "PCI data structure code type is not x86 PC-AT (0)",
	[VMI_ST_PCIR_UNITS]      = "PCI data structure image length differs from the option-ROM length",
	[VMI_ST_ABI_SIGNATURE]   = "no VMIROM64 signature at 0x40: not a VMI ROM",
	[VMI_ST_ABI_MAJOR]       = "ABI major version mismatch",
	[VMI_ST_HEADER_SIZE]     = "ABI header size too small, not a multiple of 8, or outside the image",
	[VMI_ST_CODE_BOUNDS]     = "code region empty or outside the image",
	[VMI_ST_DATA_OFFSET]     = "data area offset is not the image length rounded up to 4 KiB",
	[VMI_ST_DATA_SIZE]       = "data area larger than 16 MiB",
	[VMI_ST_CALLS_BOUNDS]    = "call table outside the image or not 8-byte aligned",
	[VMI_ST_CALLS_COUNT]     = "call table count below the calls of its minor version, or above 256",
	[VMI_ST_LICENSE_MISSING] = "license string missing",
	[VMI_ST_LICENSE_BOUNDS]  = "license string outside the image or longer than 1024 bytes",
	[VMI_ST_LICENSE_TEXT]    = "license string not printable ASCII followed by NUL",
	[VMI_ST_NAME_BOUNDS]     = "name string outside the image or longer than 64 bytes",
	[VMI_ST_NAME_TEXT]       = "name string not printable ASCII followed by NUL",
	[VMI_ST_OVERLAP]         = "two regions of the image overlap",
	[VMI_ST_INIT_OUTSIDE]    = "init entry outside the code region",
	[VMI_ST_QUERY_OUTSIDE]   = "query entry outside the code region",
	[VMI_ST_NO_ENDBR]        = "entry does not start with ENDBR64",
	[VMI_ST_RELOC_TYPE]      = "relocation answer has an unknown type",
	[VMI_ST_RELOC_FLAGS]     = "relocation answer has non-zero flags",
	[VMI_ST_RELOC_TARGET]    = "CALL/JUMP target outside the code region",
	[VMI_ST_RELOC_ENDBR]     = "CALL/JUMP target does not start with ENDBR64",
	[VMI_ST_RELOC_CLOBBERS]  = "relocation clobbers registers the call does not allow",
	[VMI_ST_RELOC_NOP]       = "NOP answer for a call that returns a value or must not return",
	[VMI_ST_RELOC_JUMP]      = "JUMP answer for a call that returns",
	[VMI_ST_RELOC_STRAY]     = "NATIVE/NOP answer with a target or clobbers",
	[VMI_ST_CALL_UNKNOWN]    = "call number beyond the call table",
	[VMI_ST_INLINE_BOUNDS]   = "inline table outside the image, misaligned, too long, or in a header without its fields",
	[VMI_ST_INLINE_CALL]     = "inline answer for a call the table does not answer CALL",
	[VMI_ST_INLINE_DUP]      = "two inline answers for one call",
	[VMI_ST_INLINE_ENTRY]    = "inline answer with unknown flags, a bad length, or bytes or fixups outside the image",
	[VMI_ST_INLINE_CLOBBERS] = "inline answer clobbers registers the call does not allow",
	[VMI_ST_INLINE_INSN]     = "inline answer holds an instruction outside the inline subset",
	[VMI_ST_INLINE_LEAVE]    = "inline answer leaves the sequence (call, ret, int, indirect jump)",
	[VMI_ST_INLINE_BRANCH]   = "inline answer jumps outside the sequence or into an instruction",
	[VMI_ST_INLINE_PRIV]     = "inline answer holds a privileged instruction but is not declared native-safe",
	[VMI_ST_INLINE_WRITES]   = "inline answer writes a register it does not declare",
	[VMI_ST_INLINE_STACK]    = "inline answer pushes and pops unevenly, or around a jump",
	[VMI_ST_INLINE_FIX_KIND] = "inline fixup of unknown kind or with reserved bits set",
	[VMI_ST_INLINE_FIX_FIELD]= "inline fixup not on a RIP-relative displacement or an immediate",
	[VMI_ST_INLINE_FIX_RANGE]= "inline fixup outside the data area",
	[VMI_ST_INLINE_RIPREL]   = "inline answer has a RIP-relative operand without a fixup",
	[VMI_ST_INLINE_RENAME]   = "inline answer uses a renamed operand where it cannot be renamed",
};

#define NAME_(s) [VMI_ST_##s] = #s
static const char *const status_name[VMI_ST_COUNT] = {
	NAME_(OK), NAME_(SHORT), NAME_(SIGNATURE), NAME_(ZERO_LENGTH),
	NAME_(TRUNCATED), NAME_(CHECKSUM), NAME_(PCIR_OFFSET),
	NAME_(PCIR_SIGNATURE), NAME_(PCIR_LENGTH), NAME_(PCIR_CODE_TYPE),
	NAME_(PCIR_UNITS), NAME_(ABI_SIGNATURE), NAME_(ABI_MAJOR),
	NAME_(HEADER_SIZE), NAME_(CODE_BOUNDS), NAME_(DATA_OFFSET),
	NAME_(DATA_SIZE), NAME_(CALLS_BOUNDS), NAME_(CALLS_COUNT),
	NAME_(LICENSE_MISSING), NAME_(LICENSE_BOUNDS), NAME_(LICENSE_TEXT),
	NAME_(NAME_BOUNDS), NAME_(NAME_TEXT), NAME_(OVERLAP),
	NAME_(INIT_OUTSIDE), NAME_(QUERY_OUTSIDE), NAME_(NO_ENDBR),
	NAME_(RELOC_TYPE), NAME_(RELOC_FLAGS), NAME_(RELOC_TARGET),
	NAME_(RELOC_ENDBR), NAME_(RELOC_CLOBBERS), NAME_(RELOC_NOP),
	NAME_(RELOC_JUMP), NAME_(RELOC_STRAY), NAME_(CALL_UNKNOWN),
	NAME_(INLINE_BOUNDS), NAME_(INLINE_CALL), NAME_(INLINE_DUP),
	NAME_(INLINE_ENTRY), NAME_(INLINE_CLOBBERS), NAME_(INLINE_INSN),
	NAME_(INLINE_LEAVE), NAME_(INLINE_BRANCH), NAME_(INLINE_PRIV),
	NAME_(INLINE_WRITES), NAME_(INLINE_STACK), NAME_(INLINE_FIX_KIND),
	NAME_(INLINE_FIX_FIELD), NAME_(INLINE_FIX_RANGE), NAME_(INLINE_RIPREL),
	NAME_(INLINE_RENAME),
};
#undef NAME_

static const char *const layer_name[VMI_LAYER_COUNT] = {
	[VMI_LAYER_OPTROM]  = "option-rom",
	[VMI_LAYER_PCIR]    = "pci-data",
	[VMI_LAYER_ABI]     = "abi-header",
	[VMI_LAYER_BOUNDS]  = "bounds",
	[VMI_LAYER_ENTRIES] = "entries",
	[VMI_LAYER_CALLS]   = "calls",
	[VMI_LAYER_INLINE]  = "inline",
};

#define DESC_(N, n, num, conv, clob, fl) [num] = { #n, conv, fl, clob },
static const struct vmi_call_desc call_desc[VMI_CALL_COUNT] = {
	VMI_CALL_LIST(DESC_)
};
#undef DESC_

const char *vmi_status_str(enum vmi_status st)
{
	if ((unsigned)st >= VMI_ST_COUNT || !status_str[st])
		return "unknown status";
	return status_str[st];
}

const char *vmi_status_name(enum vmi_status st)
{
	if ((unsigned)st >= VMI_ST_COUNT || !status_name[st])
		return "UNKNOWN";
	return status_name[st];
}

/* Which layer a status belongs to; the enum is ordered by layer. */
enum vmi_layer vmi_status_layer(enum vmi_status st)
{
	if (st == VMI_ST_OK)
		return VMI_LAYER_COUNT;
	if (st <= VMI_ST_CHECKSUM)
		return VMI_LAYER_OPTROM;
	if (st <= VMI_ST_PCIR_UNITS)
		return VMI_LAYER_PCIR;
	if (st <= VMI_ST_HEADER_SIZE)
		return VMI_LAYER_ABI;
	if (st <= VMI_ST_OVERLAP)
		return VMI_LAYER_BOUNDS;
	if (st <= VMI_ST_NO_ENDBR)
		return VMI_LAYER_ENTRIES;
	if (st <= VMI_ST_CALL_UNKNOWN)
		return VMI_LAYER_CALLS;
	return VMI_LAYER_INLINE;
}

const char *vmi_layer_name(enum vmi_layer layer)
{
	if (layer == VMI_LAYER_COUNT)
		return "all";
	if ((unsigned)layer > VMI_LAYER_COUNT)
		return "unknown";
	return layer_name[layer];
}

const char *vmi_reloc_type_name(uint8_t type)
{
	static const char *const names[VMI_RELOC_TYPES] = {
		"NATIVE", "CALL", "JUMP", "NOP"
	};
	return type < VMI_RELOC_TYPES ? names[type] : "INVALID";
}

const char *vmi_err_str(int64_t err)
{
	static const char *const names[VMI_E_COUNT] = {
		"ok", "ABI version not supported", "malformed init arguments",
		"data area misplaced or too small", "host side absent",
		"host refused", "guest feature missing", "unknown call",
		"ROM not initialised",
	};
	if (err > 0 || err <= -VMI_E_COUNT)
		return "unknown error";
	return names[-err];
}

/* SPEC.md 9.1: the calls' operands in the native instruction's order
 * (Intel syntax), in the ABI's registers. */
int vmi_call_operand(uint32_t call, unsigned k)
{
	switch (call) {
	case VMI_CALL_SAVE_FL: case VMI_CALL_READ_CR0: case VMI_CALL_READ_CR2:
	case VMI_CALL_READ_CR3: case VMI_CALL_READ_CR4:
		return k == 0 ? VMI_RAX : -1;
	case VMI_CALL_RESTORE_FL: case VMI_CALL_WRITE_CR0: case VMI_CALL_WRITE_CR4:
	case VMI_CALL_WRITE_CR3: case VMI_CALL_LOAD_GDT: case VMI_CALL_LOAD_IDT:
	case VMI_CALL_LOAD_TR: case VMI_CALL_INVLPG:
		return k == 0 ? VMI_RDI : -1;
	case VMI_CALL_SET_PTE: case VMI_CALL_SET_PMD: case VMI_CALL_SET_PUD:
	case VMI_CALL_SET_P4D:
		return k == 0 ? VMI_RDI : k == 1 ? VMI_RSI : -1;
	case VMI_CALL_DEVICE_NOTIFY:
		return k == 0 ? VMI_RDI : k == 1 ? VMI_RSI : k == 2 ? VMI_RDX : -1;
	}
	return -1;
}

const struct vmi_call_desc *vmi_call_desc(uint32_t call)
{
	return call < VMI_CALL_COUNT ? &call_desc[call] : (void *)0;
}

uint8_t vmi_sum8(const uint8_t *buf, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	return sum;
}

/* Little-endian reads; callers have checked the range. */
static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/* Is [off, off + len) inside [0, limit)?  64-bit, so nothing wraps. */
static bool range_ok(uint64_t off, uint64_t len, uint64_t limit)
{
	return off <= limit && len <= limit - off;
}

static bool has_endbr(const uint8_t *img, uint32_t off)
{
	return img[off] == VMI_ENDBR64_0 && img[off + 1] == VMI_ENDBR64_1 &&
	       img[off + 2] == VMI_ENDBR64_2 && img[off + 3] == VMI_ENDBR64_3;
}

/* Layer 1: signature, declared length against the buffer, checksum. */
static enum vmi_status check_optrom(const uint8_t *buf, size_t len,
                                    uint32_t *image_len)
{
	if (len < VMI_OPTROM_UNIT)
		return VMI_ST_SHORT;
	if (buf[0] != VMI_OPTROM_SIG0 || buf[1] != VMI_OPTROM_SIG1)
		return VMI_ST_SIGNATURE;
	if (buf[2] == 0)
		return VMI_ST_ZERO_LENGTH;
	*image_len = (uint32_t)buf[2] * VMI_OPTROM_UNIT;
	if (*image_len > len)
		return VMI_ST_TRUNCATED;
	if (vmi_sum8(buf, *image_len) != 0)
		return VMI_ST_CHECKSUM;
	return VMI_ST_OK;
}

/* Layer 2: the PCI data structure (what PCI firmware would check). */
static enum vmi_status check_pcir(const uint8_t *img, uint32_t image_len)
{
	uint32_t off = rd16(img + offsetof(struct vmi_optrom_header, pcir_offset));

	if (off < sizeof(struct vmi_optrom_header) || (off & 3) ||
	    !range_ok(off, VMI_PCIR_MIN_LENGTH, image_len))
		return VMI_ST_PCIR_OFFSET;
	if (img[off] != 'P' || img[off + 1] != 'C' || img[off + 2] != 'I' ||
	    img[off + 3] != 'R')
		return VMI_ST_PCIR_SIGNATURE;
	uint32_t plen = rd16(img + off + offsetof(struct vmi_pcir, length));
	if (plen < VMI_PCIR_MIN_LENGTH || !range_ok(off, plen, image_len))
		return VMI_ST_PCIR_LENGTH;
	if (img[off + offsetof(struct vmi_pcir, code_type)] != VMI_PCIR_CODE_X86)
		return VMI_ST_PCIR_CODE_TYPE;
	if (rd16(img + off + offsetof(struct vmi_pcir, image_units)) != img[2])
		return VMI_ST_PCIR_UNITS;
	return VMI_ST_OK;
}

/* Copy the ABI header out of the image field by field (no alignment
 * assumptions, no library calls). */
static void read_header(const uint8_t *h, struct vmi_rom_header *hdr)
{
	for (int i = 0; i < VMI_HDR_SIG_LEN; i++)
		hdr->sig[i] = (char)h[i];
#define F16(f) hdr->f = rd16(h + offsetof(struct vmi_rom_header, f))
#define F32(f) hdr->f = rd32(h + offsetof(struct vmi_rom_header, f))
	F16(abi_major); F16(abi_minor); F32(header_size);
	hdr->features = rd64(h + offsetof(struct vmi_rom_header, features));
	F32(data_offset); F32(data_size); F32(init_offset); F32(query_offset);
	F32(calls_offset); F32(calls_count); F32(license_offset);
	F32(license_len); F32(name_offset); F32(name_len); F32(code_start);
	F32(code_end); F32(rom_version); F32(reserved0);
	/* 1.2's fields, where the header is long enough to hold them (the
	 * caller checks header_size against the image first). */
	if (hdr->header_size >= VMI_HDR_SIZE_V1_2) {
		F32(inline_offset); F32(inline_count);
	} else {
		hdr->inline_offset = hdr->inline_count = 0;
	}
#undef F16
#undef F32
	for (int i = 0; i < 6; i++)
		hdr->reserved[i] = rd64(h + offsetof(struct vmi_rom_header,
		                                     reserved) + 8 * i);
}

/* Layer 3: signature, major version, header size. */
static enum vmi_status check_abi(const uint8_t *img, uint32_t image_len,
                                 struct vmi_rom_header *hdr)
{
	static const char sig[VMI_HDR_SIG_LEN + 1] = VMI_HDR_SIG;

	if (!range_ok(VMI_HDR_OFFSET, VMI_HDR_SIZE_V1_0, image_len))
		return VMI_ST_ABI_SIGNATURE;
	for (int i = 0; i < VMI_HDR_SIG_LEN; i++)
		if (img[VMI_HDR_OFFSET + i] != (uint8_t)sig[i])
			return VMI_ST_ABI_SIGNATURE;
	read_header(img + VMI_HDR_OFFSET, hdr);
	if (hdr->abi_major != VMI_ABI_MAJOR)
		return VMI_ST_ABI_MAJOR;
	if (hdr->header_size < VMI_HDR_SIZE_V1_0 || (hdr->header_size & 7) ||
	    !range_ok(VMI_HDR_OFFSET, hdr->header_size, image_len))
		return VMI_ST_HEADER_SIZE;
	return VMI_ST_OK;
}

/* A string field: present, inside the image, printable, NUL-terminated. */
static enum vmi_status check_string(const uint8_t *img, uint32_t image_len,
                                    uint32_t off, uint32_t len, uint32_t max,
                                    enum vmi_status bounds,
                                    enum vmi_status text)
{
	if (len > max || off == 0 || !range_ok(off, (uint64_t)len + 1, image_len))
		return bounds;
	for (uint32_t i = 0; i < len; i++)
		if (img[off + i] < 0x20 || img[off + i] > 0x7e)
			return text;
	if (img[off + len] != 0)
		return text;
	return VMI_ST_OK;
}

struct region {
	uint64_t start, end;
};

/* No two non-empty regions of the image may share a byte. */
static bool regions_disjoint(const struct region *r, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (r[i].start < r[j].end && r[j].start < r[i].end)
				return false;
	return true;
}

static uint32_t required_calls(const struct vmi_rom_header *hdr)
{
	uint32_t minor = hdr->abi_minor;

	if (minor > VMI_ABI_MINOR)  /* a newer ROM: the guest's calls suffice */
		minor = VMI_ABI_MINOR;
	return VMI_CALLS_FOR_MINOR(minor);
}

/* Layer 4: the code region, data area, call table and strings. */
static enum vmi_status check_bounds(const uint8_t *img, uint32_t image_len,
                                    const struct vmi_rom_header *h)
{
	enum vmi_status st;

	if (h->code_start >= h->code_end || h->code_end > image_len)
		return VMI_ST_CODE_BOUNDS;
	uint64_t want = ((uint64_t)image_len + VMI_DATA_ALIGN - 1) &
	                ~(uint64_t)(VMI_DATA_ALIGN - 1);
	if (h->data_offset != want)
		return VMI_ST_DATA_OFFSET;
	if (h->data_size > VMI_DATA_MAX)
		return VMI_ST_DATA_SIZE;
	uint64_t calls_len = (uint64_t)h->calls_count * sizeof(struct vmi_reloc);
	if ((h->calls_offset & 7) || h->calls_offset == 0 ||
	    !range_ok(h->calls_offset, calls_len, image_len))
		return VMI_ST_CALLS_BOUNDS;
	if (h->calls_count < required_calls(h) || h->calls_count > VMI_CALLS_MAX)
		return VMI_ST_CALLS_COUNT;
	if (h->license_len == 0)
		return VMI_ST_LICENSE_MISSING;
	st = check_string(img, image_len, h->license_offset, h->license_len,
	                  VMI_LICENSE_MAX, VMI_ST_LICENSE_BOUNDS,
	                  VMI_ST_LICENSE_TEXT);
	if (st != VMI_ST_OK)
		return st;
	if (h->name_len == 0 && h->name_offset != 0)
		return VMI_ST_NAME_BOUNDS;
	if (h->name_len != 0) {
		st = check_string(img, image_len, h->name_offset, h->name_len,
		                  VMI_NAME_MAX, VMI_ST_NAME_BOUNDS,
		                  VMI_ST_NAME_TEXT);
		if (st != VMI_ST_OK)
			return st;
	}
	uint32_t pcir = rd16(img + offsetof(struct vmi_optrom_header, pcir_offset));
	struct region r[] = {
		{ 0, sizeof(struct vmi_optrom_header) },
		{ pcir, pcir + (uint64_t)rd16(img + pcir + offsetof(struct vmi_pcir, length)) },
		{ VMI_HDR_OFFSET, VMI_HDR_OFFSET + (uint64_t)h->header_size },
		{ h->calls_offset, h->calls_offset + calls_len },
		{ h->license_offset, h->license_offset + (uint64_t)h->license_len + 1 },
		{ h->name_offset, h->name_len ? h->name_offset + (uint64_t)h->name_len + 1
		                              : h->name_offset },
		{ h->code_start, h->code_end },
	};
	if (!regions_disjoint(r, (int)(sizeof(r) / sizeof(r[0]))))
		return VMI_ST_OVERLAP;
	return VMI_ST_OK;
}

/* Is an entry at off inside the code with room for ENDBR64? */
static bool in_code(const struct vmi_rom_header *h, uint32_t off)
{
	return off >= h->code_start && (uint64_t)off + 4 <= h->code_end;
}

/* Layer 5: init and query entries. */
static enum vmi_status check_entries(const uint8_t *img,
                                     const struct vmi_rom_header *h)
{
	if (!in_code(h, h->init_offset))
		return VMI_ST_INIT_OUTSIDE;
	if (!in_code(h, h->query_offset))
		return VMI_ST_QUERY_OUTSIDE;
	if (!has_endbr(img, h->init_offset) || !has_endbr(img, h->query_offset))
		return VMI_ST_NO_ENDBR;
	return VMI_ST_OK;
}

enum vmi_status vmi_check_reloc(const uint8_t *img,
                                const struct vmi_rom_info *info,
                                uint32_t call, const struct vmi_reloc *r)
{
	const struct vmi_call_desc *d = vmi_call_desc(call);

	if (!d || call >= info->calls_known)
		return VMI_ST_CALL_UNKNOWN;
	if (r->type >= VMI_RELOC_TYPES)
		return VMI_ST_RELOC_TYPE;
	if (r->flags != 0)
		return VMI_ST_RELOC_FLAGS;
	if (r->type == VMI_RELOC_NATIVE || r->type == VMI_RELOC_NOP) {
		if (r->target != 0 || r->clobbers != 0)
			return VMI_ST_RELOC_STRAY;
		if (r->type == VMI_RELOC_NOP &&
		    (d->flags & (VMI_CF_RESULT | VMI_CF_NORETURN)))
			return VMI_ST_RELOC_NOP;
		return VMI_ST_OK;
	}
	if (r->type == VMI_RELOC_JUMP && !(d->flags & VMI_CF_NORETURN))
		return VMI_ST_RELOC_JUMP;
	if (!in_code(&info->hdr, r->target))
		return VMI_ST_RELOC_TARGET;
	if (!has_endbr(img, r->target))
		return VMI_ST_RELOC_ENDBR;
	if (r->clobbers & ~d->allowed)
		return VMI_ST_RELOC_CLOBBERS;
	return VMI_ST_OK;
}

enum vmi_status vmi_table_reloc(const uint8_t *img,
                                const struct vmi_rom_info *info,
                                uint32_t call, struct vmi_reloc *out)
{
	if (call >= info->calls_known)
		return VMI_ST_CALL_UNKNOWN;
	const uint8_t *p = img + info->hdr.calls_offset +
	                   (size_t)call * sizeof(struct vmi_reloc);
	out->type = p[0];
	out->flags = p[1];
	out->clobbers = rd16(p + 2);
	out->target = rd32(p + 4);
	return VMI_ST_OK;
}

bool vmi_time_answers_agree(const struct vmi_reloc *clock_read,
                            const struct vmi_reloc *set_alarm)
{
	return (clock_read->type == VMI_RELOC_NATIVE) ==
	       (set_alarm->type == VMI_RELOC_NATIVE);
}

/* Layer 6: every static answer the guest knows how to use. */
static enum vmi_status check_calls(const uint8_t *img,
                                   const struct vmi_rom_info *info)
{
	for (uint32_t c = 0; c < info->calls_known; c++) {
		struct vmi_reloc r;
		enum vmi_status st = vmi_table_reloc(img, info, c, &r);
		if (st == VMI_ST_OK)
			st = vmi_check_reloc(img, info, c, &r);
		if (st != VMI_ST_OK)
			return st;
	}
	return VMI_ST_OK;
}

/* Layer 7 (1.2): the inline table's place, then every entry (inline.c). */
static enum vmi_status check_inline_table(const uint8_t *img,
                                          const struct vmi_rom_info *info)
{
	const struct vmi_rom_header *h = &info->hdr;
	uint64_t len = (uint64_t)h->inline_count * sizeof(struct vmi_inline);
	uint8_t seen[VMI_CALL_COUNT] = { 0 };

	if (!vmi_has_inline(info))
		return VMI_ST_OK;
	if (h->header_size < VMI_HDR_SIZE_V1_2 ||
	    h->inline_count > VMI_INLINE_COUNT_MAX || (h->inline_offset & 7) ||
	    (h->inline_count && h->inline_offset == 0) ||
	    !range_ok(h->inline_offset, len, info->image_len))
		return VMI_ST_INLINE_BOUNDS;
	struct region r[] = {
		{ 0, VMI_HDR_OFFSET + (uint64_t)h->header_size },
		{ h->calls_offset, h->calls_offset + (uint64_t)h->calls_count * 8 },
		{ h->inline_offset, h->inline_offset + len },
	};
	if (len && !regions_disjoint(r, 3))
		return VMI_ST_INLINE_BOUNDS;
	for (uint32_t i = 0; i < h->inline_count; i++) {
		struct vmi_inline e;
		enum vmi_status st = vmi_check_inline(img, info, i, NULL);
		if (st != VMI_ST_OK)
			return st;
		vmi_inline_entry(img, info, i, &e);
		if (seen[e.call]++)
			return VMI_ST_INLINE_DUP;
	}
	return VMI_ST_OK;
}

enum vmi_status vmi_validate(const uint8_t *buf, size_t len,
                             struct vmi_rom_info *info)
{
	struct vmi_rom_info local;
	struct vmi_rom_info *in = info ? info : &local;
	enum vmi_status st;

	if (!buf)
		return VMI_ST_SHORT;
	st = check_optrom(buf, len, &in->image_len);
	if (st == VMI_ST_OK)
		st = check_pcir(buf, in->image_len);
	if (st == VMI_ST_OK)
		st = check_abi(buf, in->image_len, &in->hdr);
	if (st == VMI_ST_OK)
		st = check_bounds(buf, in->image_len, &in->hdr);
	if (st == VMI_ST_OK)
		st = check_entries(buf, &in->hdr);
	if (st != VMI_ST_OK)
		return st;
	in->calls_known = in->hdr.calls_count < VMI_CALL_COUNT
	                  ? in->hdr.calls_count : VMI_CALL_COUNT;
	st = check_calls(buf, in);
	if (st == VMI_ST_OK)
		st = check_inline_table(buf, in);
	return st;
}

/* Offset of the first VMI_OPTROM_ALIGN-aligned address at or after
 * base + pos. */
static size_t align_pos(uint64_t base, size_t pos)
{
	uint64_t addr = base + pos;
	uint64_t up = (addr + VMI_OPTROM_ALIGN - 1) &
	              ~(uint64_t)(VMI_OPTROM_ALIGN - 1);
	return pos + (size_t)(up - addr);
}

bool vmi_scan_next(const uint8_t *win, size_t win_len, uint64_t base,
                   size_t *pos, struct vmi_scan_hit *hit)
{
	if (!win)
		return false;
	for (size_t off = align_pos(base, *pos);
	     off < win_len && win_len - off >= 2;
	     off += VMI_OPTROM_ALIGN) {
		if (win[off] != VMI_OPTROM_SIG0 || win[off + 1] != VMI_OPTROM_SIG1)
			continue;
		hit->addr = base + off;
		hit->offset = off;
		hit->status = vmi_validate(win + off, win_len - off, &hit->info);
		/* Past the option-ROM layer, the length is known good: skip
		 * the whole image; otherwise trust nothing and step. */
		size_t skip = VMI_OPTROM_ALIGN;
		if (vmi_status_layer(hit->status) != VMI_LAYER_OPTROM)
			skip = hit->info.image_len;
		*pos = align_pos(base, off + (skip ? skip : 1));
		return true;
	}
	*pos = win_len;
	return false;
}

bool vmi_scan_find(const uint8_t *win, size_t win_len, uint64_t base,
                   struct vmi_scan_hit *hit)
{
	size_t pos = 0;

	while (vmi_scan_next(win, win_len, base, &pos, hit))
		if (hit->status == VMI_ST_OK)
			return true;
	return false;
}
