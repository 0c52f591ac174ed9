/*
 * romtool_image.c: what romtool does with a finished ROM image -- "check"
 * applies every statically checkable SPEC.md rule, "dump" shows it to a
 * person -- and reading a file whole.  No main(): romtool.c is the
 * command line, and tests and fuzzers call these directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "romtool.h"
#include "validate.h"
#include "inline.h"

int rt_read_file(const char *path, struct rt_file *f)
{
	FILE *fp = fopen(path, "rb");
	long n;

	f->buf = NULL;
	f->len = 0;
	if (!fp) {
		fprintf(stderr, "romtool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "romtool: %s: cannot size file\n", path);
		fclose(fp);
		return -1;
	}
	f->buf = malloc(n ? (size_t)n : 1);
	if (!f->buf || fread(f->buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "romtool: %s: read failed\n", path);
		fclose(fp);
		free(f->buf);
		f->buf = NULL;
		return -1;
	}
	fclose(fp);
	f->len = (size_t)n;
	return 0;
}

static const char *conv_name(uint8_t conv)
{
	switch (conv) {
	case VMI_CONV_CALLEE_SAVE: return "callee-save";
	case VMI_CONV_INSN:        return "insn";
	case VMI_CONV_SYSV:        return "sysv";
	}
	return "?";
}

/* "rax rcx ..." for a clobber mask, into buf. */
static const char *regs_str(uint16_t mask, char *buf, size_t size)
{
	static const char *const names[VMI_NREGS] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"
	};
	size_t used = 0;

	buf[0] = 0;
	for (int r = 0; r < VMI_NREGS; r++)
		if (mask & (1u << r))
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
			                         used ? " " : "", names[r]);
	if (!used)
		snprintf(buf, size, "-");
	return buf;
}

static int violation(const char *path, const char *what)
{
	printf("%s: %s\n", path, what);
	return 1;
}

static int nonzero(const uint8_t *b, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (b[i])
			return 1;
	return 0;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)(p[0] | (p[1] << 8));
}

/* The fixed bytes of SPEC.md 5 and 5.1: retf and zeroes before the PCIR
 * pointer, no $PnP header, zeroes in 0x1C-0x1F unless the PCIR is there. */
static int check_optrom_header(const char *path, const uint8_t *b, uint32_t pcir)
{
	int n = 0;

	if (b[3] != VMI_OPTROM_RETF)
		n += violation(path, "16-bit init entry at offset 3 is not retf (0xCB)");
	if (nonzero(b, 0x04, 0x07))
		n += violation(path, "bytes 0x04-0x06 after the retf are not zero");
	if (nonzero(b, 0x07, 0x18))
		n += violation(path, "bytes 0x07-0x17 are not zero");
	if (b[0x1A] || b[0x1B])
		n += violation(path, "PnP header pointer at 0x1A is not zero");
	if (pcir != 0x1C && nonzero(b, 0x1C, 0x20))
		n += violation(path, "bytes 0x1C-0x1F are not zero (and hold no PCI data structure)");
	return n;
}

/* The PCI data structure's fixed fields (SPEC.md 5.2); the validator has
 * checked its signature, length, code type and image length. */
static int check_pcir(const char *path, const uint8_t *b, uint32_t pcir,
                      const struct vmi_rom_info *info)
{
	const uint8_t *p = b + pcir;
	uint32_t class = (uint32_t)(p[0x0D] | (p[0x0E] << 8) | (p[0x0F] << 16));
	int n = 0;

	if (get16(p + 0x08))
		n += violation(path, "PCI data structure device list pointer is not 0");
	if (p[0x0C] != VMI_PCIR_REVISION)
		n += violation(path, "PCI data structure revision is not 3");
	if (class != VMI_PCIR_CLASS)
		n += violation(path, "PCI data structure class code is not 00 00 FF");
	if (p[0x15] != VMI_PCIR_LAST_IMAGE)
		n += violation(path, "PCI data structure indicator is not 0x80 (last image only)");
	if (get16(p + 0x16) != info->image_len / VMI_OPTROM_UNIT)
		n += violation(path, "PCI data structure maximum runtime length differs from the image length");
	if (get16(p + 0x0A) >= 0x1C && (get16(p + 0x18) || get16(p + 0x1A)))
		n += violation(path, "PCI data structure config utility or DMTF CLP pointer is not 0");
	return n;
}

/* Rules the guest does not need but a conforming ROM follows (SPEC.md,
 * "Conformance"): the real-mode entry, PCIR details, reserved fields. */
static int check_extra(const char *path, const uint8_t *b,
                       const struct vmi_rom_info *info)
{
	uint32_t pcir = get16(b + 0x18);
	int n = 0;

	n += check_optrom_header(path, b, pcir);
	n += check_pcir(path, b, pcir, info);
	uint32_t minor = info->hdr.abi_minor;
	char line[128];
	if (minor > VMI_ABI_MINOR)	/* a newer minor: its fields and bits are its own */
		return n;
	int nz = info->hdr.reserved0 != 0;	/* no minor up to 1.1 appended fields */
	for (int i = 0; i < 6; i++)
		nz |= info->hdr.reserved[i] != 0;
	if (nz) {
		snprintf(line, sizeof(line), "ABI header reserved fields not zero in a 1.%u ROM", minor);
		n += violation(path, line);
	}
	if (info->hdr.features & ~(uint64_t)VMI_FEATS_FOR_MINOR(minor)) {
		snprintf(line, sizeof(line), "feature bits set that ABI 1.%u does not define", minor);
		n += violation(path, line);
	}
	return n;
}

/* Every static answer, one line per bad call. */
static int check_calls(const char *path, const uint8_t *b,
                       const struct vmi_rom_info *info)
{
	char line[256];
	int n = 0;

	for (uint32_t c = 0; c < info->calls_known; c++) {
		struct vmi_reloc r;
		enum vmi_status st = vmi_table_reloc(b, info, c, &r);
		if (st == VMI_ST_OK)
			st = vmi_check_reloc(b, info, c, &r);
		if (st == VMI_ST_OK && r.type != VMI_RELOC_NATIVE &&
		    (info->hdr.features & VMI_CALL_FEATURE(c)) != VMI_CALL_FEATURE(c)) {
			/* The guest would keep it NATIVE (SPEC.md 15). */
			snprintf(line, sizeof(line), "call %u (%s): answered %s but its "
			         "feature bit %#llx is clear", c, vmi_call_desc(c)->name,
			         vmi_reloc_type_name(r.type),
			         (unsigned long long)VMI_CALL_FEATURE(c));
			n += violation(path, line);
			continue;
		}
		if (st == VMI_ST_OK)
			continue;
		snprintf(line, sizeof(line), "call %u (%s): %s", c,
		         vmi_call_desc(c)->name, vmi_status_str(st));
		n += violation(path, line);
	}
	struct vmi_reloc rd, al;
	if (info->calls_known > VMI_CALL_SET_ALARM &&
	    vmi_table_reloc(b, info, VMI_CALL_CLOCK_READ, &rd) == VMI_ST_OK &&
	    vmi_table_reloc(b, info, VMI_CALL_SET_ALARM, &al) == VMI_ST_OK &&
	    !vmi_time_answers_agree(&rd, &al))
		n += violation(path, "clock_read and set_alarm answered by different "
		               "sides (one NATIVE): the ROM cannot read the deadline");
	return n;
}

/* 1.2: name the inline answer that breaks a rule of SPEC.md 9.1. */
static int check_inline(const char *path, const uint8_t *b,
                        const struct vmi_rom_info *info, enum vmi_status st)
{
	char line[256];
	int n = 0;

	if (st == VMI_ST_INLINE_BOUNDS || st == VMI_ST_INLINE_DUP) {
		snprintf(line, sizeof(line), "inline: %s", vmi_status_str(st));
		return violation(path, line);
	}
	for (uint32_t i = 0; i < info->hdr.inline_count; i++) {
		struct vmi_inline e;
		enum vmi_status s = vmi_check_inline(b, info, i, NULL);
		if (s == VMI_ST_OK)
			continue;
		vmi_inline_entry(b, info, i, &e);
		const struct vmi_call_desc *d = vmi_call_desc(e.call);
		snprintf(line, sizeof(line), "inline answer %u (call %u, %s): %s", i,
		         e.call, d ? d->name : "?", vmi_status_str(s));
		n += violation(path, line);
	}
	return n;
}

int rt_check(const char *path, const uint8_t *buf, size_t len)
{
	struct vmi_rom_info info;
	char line[256];
	int n = 0;

	enum vmi_status st = vmi_validate(buf, len, &info);
	enum vmi_layer layer = vmi_status_layer(st);
	if (st != VMI_ST_OK && layer != VMI_LAYER_CALLS && layer != VMI_LAYER_INLINE) {
		snprintf(line, sizeof(line), "%s: %s", vmi_layer_name(layer),
		         vmi_status_str(st));
		return violation(path, line);
	}
	if (len != info.image_len) {
		snprintf(line, sizeof(line), "file is %zu bytes but the image "
		         "declares %u", len, info.image_len);
		n += violation(path, line);
	}
	n += check_calls(path, buf, &info);
	n += check_extra(path, buf, &info);
	if (layer == VMI_LAYER_INLINE)
		n += check_inline(path, buf, &info, st);
	else if (info.hdr.abi_minor <= VMI_ABI_MINOR && !vmi_has_inline(&info) &&
	         (info.hdr.inline_offset || info.hdr.inline_count))
		n += violation(path, "inline table given but the ROM does not announce "
		               "inline answers (ABI 1.2, feature bit 1)");
	return n;
}

static void print_string(const char *label, const uint8_t *b, uint32_t off,
                         uint32_t len)
{
	printf("%-10s ", label);
	if (len)
		printf("\"%.*s\"\n", (int)len, (const char *)b + off);
	else
		printf("(none)\n");
}

static void dump_calls(const uint8_t *b, const struct vmi_rom_info *info)
{
	char regs[96];

	printf("calls      %u in the table, %u known to this tool\n",
	       info->hdr.calls_count, info->calls_known);
	printf("  %2s %-15s %-11s %-6s %8s  %s\n", "no", "name", "convention",
	       "answer", "target", "clobbers");
	for (uint32_t c = 0; c < info->calls_known; c++) {
		const struct vmi_call_desc *d = vmi_call_desc(c);
		struct vmi_reloc r;
		vmi_table_reloc(b, info, c, &r);
		enum vmi_status st = vmi_check_reloc(b, info, c, &r);
		printf("  %2u %-15s %-11s %-6s ", c, d->name, conv_name(d->conv),
		       vmi_reloc_type_name(r.type));
		if (r.type == VMI_RELOC_CALL || r.type == VMI_RELOC_JUMP)
			printf("%#8x  ", r.target);
		else
			printf("%8s  ", "-");
		printf("%s", regs_str(r.clobbers, regs, sizeof(regs)));
		if (st != VMI_ST_OK)
			printf("  << %s", vmi_status_str(st));
		printf("\n");
	}
}

int rt_dump(const char *path, const uint8_t *b, size_t len)
{
	struct vmi_rom_info info;
	enum vmi_status st = vmi_validate(b, len, &info);

	printf("file       %s (%zu bytes)\n", path, len);
	printf("status     %s (%s)\n", vmi_status_str(st), vmi_status_name(st));
	if (st != VMI_ST_OK && vmi_status_layer(st) != VMI_LAYER_CALLS)
		return 1;
	uint32_t p = (uint32_t)(b[0x18] | (b[0x19] << 8));
	const struct vmi_rom_header *h = &info.hdr;
	printf("option-rom %u x 512 = %u bytes, init16 byte %#04x\n", b[2],
	       info.image_len, b[3]);
	printf("pci-data   at %#x: vendor %04x device %04x class %02x%02x%02x "
	       "revision %u\n", p, b[p + 4] | (b[p + 5] << 8),
	       b[p + 6] | (b[p + 7] << 8), b[p + 0x0F], b[p + 0x0E],
	       b[p + 0x0D], b[p + 0x0C]);
	printf("abi        VMIROM64 %u.%u, header %u bytes, features %#llx, "
	       "rom version %u\n", h->abi_major, h->abi_minor, h->header_size,
	       (unsigned long long)h->features, h->rom_version);
	print_string("name", b, h->name_offset, h->name_len);
	print_string("license", b, h->license_offset, h->license_len);
	printf("code       [%#x, %#x)  init %#x  query %#x\n", h->code_start,
	       h->code_end, h->init_offset, h->query_offset);
	printf("data area  offset %#x, %u bytes\n", h->data_offset, h->data_size);
	printf("call table at %#x\n", h->calls_offset);
	dump_calls(b, &info);
	if (vmi_has_inline(&info) && vmi_status_layer(st) != VMI_LAYER_INLINE)
		for (uint32_t i = 0; i < h->inline_count; i++) {
			struct vmi_inline e;
			vmi_inline_entry(b, &info, i, &e);
			printf("inline     %-15s %2u bytes at %#x, %u fixups, flags %#x, "
			       "rename %#x, clobbers %#x\n", vmi_call_desc(e.call)->name,
			       e.len, e.code, e.nfix, e.flags, e.rename, e.clobbers);
		}
	return st == VMI_ST_OK ? 0 : 1;
}
