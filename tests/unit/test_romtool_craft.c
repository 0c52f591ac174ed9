/*
 * test_romtool_craft.c: makes bad ROM images from a good one for the romtool
 * suite (test_romtool.sh).
 *
 *   romtool_craft GOOD.rom OUTDIR
 *
 * writes OUTDIR/<case>.rom for each case and prints "<case>|<text>" lines:
 * "romtool check" must fail on the file and print <text>.  Every case but
 * bad-checksum and truncated fixes the checksum, so the intended rule is
 * the one that trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmi-rom/validate.h"
#include "../../vmi-rom/inline.h"

static uint8_t good[VMI_OPTROM_MAX_UNITS * VMI_OPTROM_UNIT];
static uint8_t img[sizeof(good)];
static size_t len;
static struct vmi_rom_info info;
static const char *outdir;

static void put32(uint32_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

#define HDR(f) (VMI_HDR_OFFSET + (uint32_t)offsetof(struct vmi_rom_header, f))

static void fix_sum(void)
{
	img[len - 1] = 0;
	img[len - 1] = (uint8_t)(0x100 - vmi_sum8(img, len));
}

/* Write img[0..n) as OUTDIR/name.rom and announce the expected text. */
static void emit(const char *name, size_t n, const char *expect)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.rom", outdir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(img, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "romtool_craft: cannot write %s\n", path);
		exit(1);
	}
	printf("%s|%s\n", name, expect);
}

static void fresh(void)
{
	memcpy(img, good, len);
}

/* A header field changed, checksum fixed. */
static void field(const char *name, uint32_t off, uint32_t v, const char *expect)
{
	fresh();
	put32(off, v);
	fix_sum();
	emit(name, len, expect);
}

/* The first call answered CALL, or -1. */
static int first_call(void)
{
	for (uint32_t c = 0; c < info.calls_known; c++) {
		struct vmi_reloc r;
		vmi_table_reloc(good, &info, c, &r);
		if (r.type == VMI_RELOC_CALL)
			return (int)c;
	}
	return -1;
}

/* SET_ALARM flipped between NATIVE and CALL (to call's target), so that
 * it and CLOCK_READ are answered by different sides. */
static void craft_time_split(int call)
{
	uint32_t e = info.hdr.calls_offset + VMI_CALL_SET_ALARM * 8;
	struct vmi_reloc r;

	fresh();
	if (img[e] != VMI_RELOC_NATIVE) {
		memset(img + e, 0, 8);
	} else if (call >= 0) {
		vmi_table_reloc(good, &info, (uint32_t)call, &r);
		img[e] = VMI_RELOC_CALL;
		img[e + 2] = (uint8_t)VMI_CLOB_SYSV;
		img[e + 3] = (uint8_t)(VMI_CLOB_SYSV >> 8);
		put32(e + 4, r.target);
	} else {
		return;
	}
	fix_sum();
	emit("time-split", len, "clock_read and set_alarm answered by different sides");
}

/* One byte of the option-ROM header or the PCIR set to v. */
static void byte(const char *name, uint32_t off, uint8_t v, const char *expect)
{
	fresh();
	img[off] = v;
	fix_sum();
	emit(name, len, expect);
}

/* SPEC.md 5, 5.1, 5.2: the bytes the layout table fixes. */
static void craft_layout(void)
{
	uint32_t p = (uint32_t)(good[0x18] | (good[0x19] << 8));

	byte("nonzero-after-retf", 0x05, 0x01, "bytes 0x04-0x06 after the retf are not zero");
	byte("nonzero-0x07", 0x07, 0x01, "bytes 0x07-0x17 are not zero");
	byte("nonzero-0x17", 0x17, 0x01, "bytes 0x07-0x17 are not zero");
	if (p != 0x1C)
		byte("nonzero-0x1C", 0x1E, 0x01, "bytes 0x1C-0x1F are not zero");
	byte("pcir-max-runtime", p + 0x16, (uint8_t)(good[2] + 1),
	     "maximum runtime length differs from the image length");
	byte("pcir-device-list", p + 0x08, 0x40, "device list pointer is not 0");
	byte("pcir-class", p + 0x0F, 0x03, "class code is not 00 00 FF");
	byte("pcir-indicator", p + 0x15, 0x81, "indicator is not 0x80");
	byte("pcir-clp", p + 0x1A, 0x01, "config utility or DMTF CLP pointer is not 0");
}

/* SPEC.md 15 (ABI 1.1): feature bits the ROM's minor does not define,
 * and call 39 answered without its bit, which the guest would ignore. */
static void craft_features(void)
{
	struct vmi_reloc r;

	char undefined[96];
	snprintf(undefined, sizeof(undefined), "feature bits set that ABI 1.%u does not define",
	         info.hdr.abi_minor);
	field("feature-undefined", HDR(features), 1u << 5, undefined);
	fresh();
	img[HDR(abi_minor)] = 0;	/* a 1.0 image (its 40 calls suffice) */
	put32(HDR(features), (uint32_t)VMI_FEAT_DEVICE_NOTIFY);
	fix_sum();
	emit("feature-in-1.0", len, "feature bits set that ABI 1.0 does not define");
	if (info.calls_known <= VMI_CALL_DEVICE_NOTIFY ||
	    vmi_table_reloc(good, &info, VMI_CALL_DEVICE_NOTIFY, &r) != VMI_ST_OK ||
	    r.type == VMI_RELOC_NATIVE)
		return;
	field("notify-without-feature", HDR(features), 0,
	      "call 39 (device_notify): answered CALL but its feature bit 0x1 is clear");
}

/* SPEC.md 9.1 (ABI 1.2): inline answers that break a rule, an inline
 * table the ROM does not announce, and one in a 1.1 image. */
static void craft_inline(void)
{
	struct vmi_inline e;
	char expect[160];

	if (!vmi_has_inline(&info) || info.hdr.inline_count == 0)
		return;
	vmi_inline_entry(good, &info, 0, &e);
	uint32_t ent = info.hdr.inline_offset;
	fresh();
	img[e.code] = 0xc3;			/* ret: leaves the sequence */
	fix_sum();
	snprintf(expect, sizeof(expect), "inline answer 0 (call %u, %s): %s", e.call,
	         vmi_call_desc(e.call)->name, vmi_status_str(VMI_ST_INLINE_LEAVE));
	emit("inline-ret", len, expect);
	fresh();
	img[e.code] = 0xfa;			/* cli, not declared native-safe */
	img[ent + 3] = 0;
	fix_sum();
	snprintf(expect, sizeof(expect), "inline answer 0 (call %u, %s): %s", e.call,
	         vmi_call_desc(e.call)->name, vmi_status_str(VMI_ST_INLINE_PRIV));
	emit("inline-priv", len, expect);
	fresh();
	img[ent + 4] = 0x08;			/* clobbers rbx: not allowed */
	fix_sum();
	snprintf(expect, sizeof(expect), "inline answer 0 (call %u, %s): %s", e.call,
	         vmi_call_desc(e.call)->name, vmi_status_str(VMI_ST_INLINE_CLOBBERS));
	emit("inline-clobbers", len, expect);
	fresh();
	img[HDR(features)] &= (uint8_t)~VMI_FEAT_INLINE;
	fix_sum();
	emit("inline-unannounced", len, "inline table given but the ROM does not announce");
	fresh();
	img[HDR(abi_minor)] = 1;
	fix_sum();
	emit("inline-in-1.1", len, "feature bits set that ABI 1.1 does not define");
}

static void craft_calls(void)
{
	int c = first_call();
	char expect[128];

	if (c >= 0) {
		uint32_t e = info.hdr.calls_offset + (uint32_t)c * 8;
		fresh();
		img[e + 2] |= 1u << VMI_RSP;   /* no call may clobber rsp */
		fix_sum();
		snprintf(expect, sizeof(expect), "call %d (%s): %s", c,
		         vmi_call_desc((uint32_t)c)->name,
		         vmi_status_str(VMI_ST_RELOC_CLOBBERS));
		emit("bad-clobbers", len, expect);
	}
	fresh();
	img[info.hdr.calls_offset + VMI_CALL_SAVE_FL * 8] = VMI_RELOC_NOP;
	for (int i = 2; i < 8; i++)	/* a NOP has no target or clobbers */
		img[info.hdr.calls_offset + VMI_CALL_SAVE_FL * 8 + i] = 0;
	fix_sum();
	emit("nop-for-result", len, "call 2 (save_fl): NOP answer");
	craft_time_split(c);
	craft_features();
	craft_inline();
}

static void craft(void)
{
	fresh();
	img[info.hdr.code_start] ^= 0x5A;
	emit("bad-checksum", len, vmi_status_str(VMI_ST_CHECKSUM));
	fresh();
	emit("truncated", len - VMI_OPTROM_UNIT / 2, vmi_status_str(VMI_ST_TRUNCATED));
	fresh(); img[0] = 0; fix_sum();
	emit("bad-signature", len, vmi_status_str(VMI_ST_SIGNATURE));
	fresh(); img[VMI_HDR_OFFSET] = 'X'; fix_sum();
	emit("bad-abi-signature", len, vmi_status_str(VMI_ST_ABI_SIGNATURE));
	fresh(); img[HDR(abi_major)] = VMI_ABI_MAJOR + 1; fix_sum();
	emit("major-mismatch", len, vmi_status_str(VMI_ST_ABI_MAJOR));
	field("calls-out-of-bounds", HDR(calls_offset), (uint32_t)len,
	      vmi_status_str(VMI_ST_CALLS_BOUNDS));
	field("overlapping-tables", HDR(code_start), info.hdr.calls_offset,
	      vmi_status_str(VMI_ST_OVERLAP));
	field("overflowing-length", HDR(license_len), 0xFFFFFFFFu,
	      vmi_status_str(VMI_ST_LICENSE_BOUNDS));
	field("entry-outside-code", HDR(init_offset), info.hdr.code_end,
	      vmi_status_str(VMI_ST_INIT_OUTSIDE));
	field("missing-license", HDR(license_len), 0,
	      vmi_status_str(VMI_ST_LICENSE_MISSING));
	fresh(); img[3] = 0x90; fix_sum();
	emit("no-retf", len, "16-bit init entry at offset 3 is not retf");
	craft_layout();
	craft_calls();
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: romtool_craft GOOD.rom OUTDIR\n");
		return 2;
	}
	outdir = argv[2];
	FILE *fp = fopen(argv[1], "rb");
	if (!fp) {
		fprintf(stderr, "romtool_craft: cannot open %s\n", argv[1]);
		return 1;
	}
	len = fread(good, 1, sizeof(good), fp);
	fclose(fp);
	enum vmi_status st = vmi_validate(good, len, &info);
	if (st != VMI_ST_OK || len != info.image_len) {
		fprintf(stderr, "romtool_craft: %s is not a valid ROM: %s\n",
		        argv[1], vmi_status_str(st));
		return 1;
	}
	craft();
	return 0;
}
