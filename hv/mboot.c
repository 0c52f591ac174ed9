/* mboot.c: Multiboot v1 loader: header search, address fields or ELF32
 * program headers, placement checks, and the Multiboot information.
 * Every number comes from an untrusted file, so all arithmetic is done in
 * 64 bits on 32-bit fields (no sum can wrap) and every file range is
 * checked against the file length before it is read. */
#include "mboot.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MB_FLAG_PAGE_ALIGN  (1u << 0)
#define MB_FLAG_MEMINFO     (1u << 1)
#define MB_FLAG_VIDEO       (1u << 2)
#define MB_FLAG_ADDRESS     (1u << 16)
#define MB_REQUIRED_KNOWN   (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO)

/* Multiboot information flags hv sets. */
#define MBI_MEM             (1u << 0)
#define MBI_CMDLINE         (1u << 2)
#define MBI_MODS            (1u << 3)
#define MBI_MMAP            (1u << 6)
#define MBI_LOADER_NAME     (1u << 9)
#define MBI_SIZE            120u

static const char *const mb_errstr[MB_NERR] = {
	[MB_OK]        = "ok",
	[MB_ENOHDR]    = "no Multiboot header",
	[MB_EHDRFAR]   = "Multiboot header beyond the first 8192 bytes",
	[MB_ECHECKSUM] = "Multiboot header checksum wrong",
	[MB_EFLAGS]    = "Multiboot header requires an unknown feature",
	[MB_EVIDEO]    = "Multiboot header requires a video mode",
	[MB_ETRUNC]    = "image truncated",
	[MB_ENOTELF]   = "no address fields and not an ELF file",
	[MB_EELF64]    = "ELF64 image without Multiboot address fields",
	[MB_EELFTYPE]  = "not a little-endian i386 ELF32 executable",
	[MB_ENOLOAD]   = "nothing to load",
	[MB_ETOOMANY]  = "too many loadable segments",
	[MB_EADDR]     = "inconsistent Multiboot address fields",
	[MB_ESEGSIZE]  = "segment file size larger than memory size",
	[MB_ERAM]      = "segment outside guest RAM",
	[MB_EHOLE]     = "segment in a reserved area",
	[MB_EOVERLAP]  = "segments overlap",
	[MB_EENTRY]    = "entry point outside the loaded image",
	[MB_EMODULE]   = "modules do not fit in guest RAM",
	[MB_EINFO]     = "Multiboot information does not fit",
};

const char *mb_strerror(int err)
{
	if (err < 0 || err >= MB_NERR)
		return "unknown loader error";
	return mb_errstr[err];
}

/* Record a detail line for the caller and hand back the error code. */
static int mb_fail(int err, char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (msg == NULL || msglen == 0)
		return err;
	n = snprintf(msg, msglen, "%s: ", mb_strerror(err));
	if (n < 0 || (size_t)n >= msglen)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg + n, msglen - n, fmt, ap);
	va_end(ap);
	return err;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* The header is the first 4-byte aligned magic whose checksum holds and
 * that lies wholly within the first 8192 bytes.  The rest of the file is
 * searched only to tell "too far" and "bad checksum" from "none". */
static int mb_find_header(const uint8_t *img, size_t len, uint32_t *off,
			  char *msg, size_t msglen)
{
	int bad_sum = -1, far = -1;

	for (size_t o = 0; o + 12 <= len; o += 4) {
		if (rd32(img + o) != MB_HEADER_MAGIC)
			continue;
		uint32_t sum = rd32(img + o) + rd32(img + o + 4) + rd32(img + o + 8);
		if (o + 12 > MB_SEARCH_LEN) {
			if (sum == 0 && far < 0)
				far = (int)o;
			continue;
		}
		if (sum != 0) {
			if (bad_sum < 0)
				bad_sum = (int)o;
			continue;
		}
		*off = (uint32_t)o;
		return MB_OK;
	}
	if (bad_sum >= 0)
		return mb_fail(MB_ECHECKSUM, msg, msglen, "magic at offset %#x",
			       bad_sum);
	if (far >= 0)
		return mb_fail(MB_EHDRFAR, msg, msglen, "header at offset %#x",
			       far);
	return mb_fail(MB_ENOHDR, msg, msglen, "magic %#x not found",
		       MB_HEADER_MAGIC);
}

/* Flags 0-15 are requirements: any hv does not fulfil refuses the image,
 * as the specification demands.  Flags 16-31 are optional. */
static int mb_check_flags(uint32_t flags, char *msg, size_t msglen)
{
	if (flags & MB_FLAG_VIDEO)
		return mb_fail(MB_EVIDEO, msg, msglen,
			       "flag 2 set; hv has no display");
	if (flags & 0xffffu & ~MB_REQUIRED_KNOWN)
		return mb_fail(MB_EFLAGS, msg, msglen, "flags %#x",
			       flags & 0xffffu & ~MB_REQUIRED_KNOWN);
	return MB_OK;
}

/* Flag 16: the a.out kludge.  The header says where it itself lives
 * (header_addr), which tells where the file's bytes go. */
static int mb_parse_address(const uint8_t *img, size_t len,
			    struct mb_image *im, char *msg, size_t msglen)
{
	const uint8_t *h = img + im->hdr_offset;
	uint64_t header_addr, load_addr, load_end, bss_end;
	uint64_t file_off, load_size, memsz;

	if (im->hdr_offset + 32ull > len)
		return mb_fail(MB_ETRUNC, msg, msglen, "address fields cut off");
	header_addr = rd32(h + 12);
	load_addr = rd32(h + 16);
	load_end = rd32(h + 20);
	bss_end = rd32(h + 24);
	if (load_addr > header_addr)
		return mb_fail(MB_EADDR, msg, msglen,
			       "load_addr %#llx above header_addr %#llx",
			       (unsigned long long)load_addr,
			       (unsigned long long)header_addr);
	if (header_addr - load_addr > im->hdr_offset)
		return mb_fail(MB_EADDR, msg, msglen,
			       "load_addr %#llx is before the start of the file",
			       (unsigned long long)load_addr);
	file_off = im->hdr_offset - (header_addr - load_addr);
	if (load_end == 0) {
		load_size = len - file_off;
	} else {
		if (load_end < load_addr)
			return mb_fail(MB_EADDR, msg, msglen,
				       "load_end_addr %#llx below load_addr",
				       (unsigned long long)load_end);
		load_size = load_end - load_addr;
		if (file_off + load_size > len)
			return mb_fail(MB_ETRUNC, msg, msglen,
				       "%#llx bytes to load at offset %#llx, file has %#zx",
				       (unsigned long long)load_size,
				       (unsigned long long)file_off, len);
	}
	memsz = load_size;
	if (bss_end != 0) {
		if (bss_end < load_addr + load_size)
			return mb_fail(MB_EADDR, msg, msglen,
				       "bss_end_addr %#llx below the loaded data",
				       (unsigned long long)bss_end);
		memsz = bss_end - load_addr;
	}
	if (memsz == 0)
		return mb_fail(MB_ENOLOAD, msg, msglen, "address fields load 0 bytes");
	im->seg[0] = (struct mb_seg){ load_addr, memsz, load_size, file_off };
	im->nseg = 1;
	im->entry = rd32(h + 28);
	return MB_OK;
}

/* The ELF32 file header: identity, class, machine, program header table. */
static int mb_check_ehdr(const uint8_t *img, size_t len, char *msg,
			 size_t msglen)
{
	if (len < 4 || memcmp(img, "\x7f" "ELF", 4) != 0)
		return mb_fail(MB_ENOTELF, msg, msglen,
			       "flag 16 clear and no ELF magic");
	if (len >= 5 && img[4] == 2)
		return mb_fail(MB_EELF64, msg, msglen,
			       "hv, like QEMU, loads ELF32 only; link with -m elf_i386 or set flag 16");
	if (len < 52)
		return mb_fail(MB_ETRUNC, msg, msglen, "ELF header cut off");
	if (img[4] != 1 || img[5] != 1)
		return mb_fail(MB_EELFTYPE, msg, msglen, "class %u data %u",
			       img[4], img[5]);
	if (rd16(img + 16) != 2 || rd16(img + 18) != 3)
		return mb_fail(MB_EELFTYPE, msg, msglen, "e_type %u e_machine %u",
			       rd16(img + 16), rd16(img + 18));
	if (rd16(img + 42) < 32)
		return mb_fail(MB_EELFTYPE, msg, msglen, "e_phentsize %u",
			       rd16(img + 42));
	return MB_OK;
}

/* Entry may be given as a virtual address of a segment linked higher
 * than it loads (p_vaddr != p_paddr); like GRUB, translate it. */
static int mb_elf_entry(const uint8_t *img, size_t len, struct mb_image *im,
			const uint64_t *vaddr, char *msg, size_t msglen)
{
	uint64_t e = rd32(img + 24);

	(void)len;
	for (unsigned i = 0; i < im->nseg; i++)
		if (e >= im->seg[i].paddr && e - im->seg[i].paddr < im->seg[i].memsz) {
			im->entry = (uint32_t)e;
			return MB_OK;
		}
	for (unsigned i = 0; i < im->nseg; i++)
		if (e >= vaddr[i] && e - vaddr[i] < im->seg[i].memsz) {
			im->entry = (uint32_t)(e - vaddr[i] + im->seg[i].paddr);
			return MB_OK;
		}
	return mb_fail(MB_EENTRY, msg, msglen, "e_entry %#llx",
		       (unsigned long long)e);
}

/* Without flag 16 the file must be ELF32 i386; PT_LOAD segments go to
 * p_paddr.  Segments with p_memsz 0 carry nothing and are skipped. */
static int mb_parse_elf(const uint8_t *img, size_t len, struct mb_image *im,
			char *msg, size_t msglen)
{
	uint64_t phoff, phent, phnum, vaddr[MB_MAX_SEGS];
	int err = mb_check_ehdr(img, len, msg, msglen);

	if (err)
		return err;
	phoff = rd32(img + 28);
	phent = rd16(img + 42);
	phnum = rd16(img + 44);
	if (phoff > len || phnum * phent > len - phoff)
		return mb_fail(MB_ETRUNC, msg, msglen,
			       "program headers at %#llx cut off",
			       (unsigned long long)phoff);
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + i * phent;
		uint64_t off = rd32(ph + 4), paddr = rd32(ph + 12);
		uint64_t filesz = rd32(ph + 16), memsz = rd32(ph + 20);

		if (rd32(ph) != 1 || memsz == 0)        /* PT_LOAD */
			continue;
		if (filesz > memsz)
			return mb_fail(MB_ESEGSIZE, msg, msglen,
				       "segment %llu: filesz %#llx > memsz %#llx",
				       (unsigned long long)i,
				       (unsigned long long)filesz,
				       (unsigned long long)memsz);
		if (off > len || filesz > len - off)
			return mb_fail(MB_ETRUNC, msg, msglen,
				       "segment %llu: %#llx bytes at offset %#llx, file has %#zx",
				       (unsigned long long)i,
				       (unsigned long long)filesz,
				       (unsigned long long)off, len);
		if (im->nseg == MB_MAX_SEGS)
			return mb_fail(MB_ETOOMANY, msg, msglen, "limit %d",
				       MB_MAX_SEGS);
		vaddr[im->nseg] = rd32(ph + 8);
		im->seg[im->nseg++] = (struct mb_seg){ paddr, memsz, filesz, off };
	}
	if (im->nseg == 0)
		return mb_fail(MB_ENOLOAD, msg, msglen, "no PT_LOAD segment");
	im->elf = 1;
	return mb_elf_entry(img, len, im, vaddr, msg, msglen);
}

/* Does [a, a+alen) meet [b, b+blen)?  All values are below 2^34. */
static int mb_meets(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Every segment inside RAM, outside hv's boot area and the ROM hole,
 * and apart from every other segment. */
static int mb_check_segs(struct mb_image *im, uint64_t ram_size, char *msg,
			 size_t msglen)
{
	im->end = 0;
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct mb_seg *s = &im->seg[i];
		unsigned long long a = s->paddr, e = s->paddr + s->memsz;

		if (e > ram_size)
			return mb_fail(MB_ERAM, msg, msglen,
				       "%#llx-%#llx, RAM ends at %#llx", a, e,
				       (unsigned long long)ram_size);
		if (mb_meets(a, s->memsz, 0, MB_AREA_END) ||
		    mb_meets(a, s->memsz, MB_LOW_END, MB_HIGH_START - MB_LOW_END))
			return mb_fail(MB_EHOLE, msg, msglen,
				       "%#llx-%#llx meets 0-%#x or %#x-%#x", a, e,
				       MB_AREA_END, MB_LOW_END, MB_HIGH_START);
		for (unsigned j = 0; j < i; j++)
			if (mb_meets(a, s->memsz, im->seg[j].paddr, im->seg[j].memsz))
				return mb_fail(MB_EOVERLAP, msg, msglen,
					       "%#llx-%#llx and %#llx-%#llx", a, e,
					       (unsigned long long)im->seg[j].paddr,
					       (unsigned long long)(im->seg[j].paddr +
								    im->seg[j].memsz));
		if (e > im->end)
			im->end = e;
	}
	return MB_OK;
}

static int mb_entry_loaded(const struct mb_image *im)
{
	for (unsigned i = 0; i < im->nseg; i++)
		if (im->entry >= im->seg[i].paddr &&
		    im->entry - im->seg[i].paddr < im->seg[i].memsz)
			return 1;
	return 0;
}

/* Check a kernel image and describe where its pieces go.  Nothing is
 * written to guest memory until every check has passed. */
int mb_parse(const uint8_t *img, size_t len, uint64_t ram_size,
	     struct mb_image *out, char *msg, size_t msglen)
{
	struct mb_image im = { 0 };
	int err;

	if (msg && msglen)
		msg[0] = '\0';
	if (img == NULL || out == NULL)
		return mb_fail(MB_ENOHDR, msg, msglen, "no image");
	err = mb_find_header(img, len, &im.hdr_offset, msg, msglen);
	if (err)
		return err;
	im.hdr_flags = rd32(img + im.hdr_offset + 4);
	if ((err = mb_check_flags(im.hdr_flags, msg, msglen)))
		return err;
	if (im.hdr_flags & MB_FLAG_ADDRESS) {
		if (im.hdr_offset + 32u > MB_SEARCH_LEN)
			return mb_fail(MB_EHDRFAR, msg, msglen,
				       "address fields end past 8192 bytes");
		err = mb_parse_address(img, len, &im, msg, msglen);
	} else {
		err = mb_parse_elf(img, len, &im, msg, msglen);
	}
	if (err)
		return err;
	if ((err = mb_check_segs(&im, ram_size, msg, msglen)))
		return err;
	if (!mb_entry_loaded(&im))
		return mb_fail(MB_EENTRY, msg, msglen, "entry %#x", im.entry);
	*out = im;
	return MB_OK;
}

/* Copy each segment's file bytes and zero the rest (bss).  Only for an
 * image mb_parse() accepted against a RAM buffer of that size. */
void mb_load(const struct mb_image *im, const uint8_t *img, uint8_t *ram)
{
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct mb_seg *s = &im->seg[i];

		memcpy(ram + s->paddr, img + s->offset, s->filesz);
		memset(ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
}

/* hv's boot area is handed out front to back; each piece 8-byte aligned. */
struct mb_bump {
	uint8_t *ram;
	uint32_t next;
};

static uint32_t mb_alloc(struct mb_bump *b, size_t n)
{
	uint32_t at = (b->next + 7u) & ~7u;

	if (at > MB_AREA_END || n > MB_AREA_END - at)
		return 0;
	b->next = at + (uint32_t)n;
	memset(b->ram + at, 0, n);
	return at;
}

static uint32_t mb_string(struct mb_bump *b, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	uint32_t at = mb_alloc(b, n);

	if (at)
		memcpy(b->ram + at, s ? s : "", n);
	return at;
}

/* The BIOS-style map hv promises: low RAM, the reserved EBDA/VGA/ROM
 * window, then RAM from 1 MiB to the end. */
static uint32_t mb_mmap(struct mb_bump *b, uint64_t ram_size, uint32_t *len)
{
	static const uint32_t type[3] = { 1, 2, 1 };
	const uint64_t base[3] = { 0, MB_LOW_END, MB_HIGH_START };
	const uint64_t size[3] = { MB_LOW_END, MB_HIGH_START - MB_LOW_END,
				   ram_size - MB_HIGH_START };
	uint32_t at = mb_alloc(b, 3 * 24);

	for (unsigned i = 0; at && i < 3; i++) {
		uint8_t *e = b->ram + at + 24 * i;
		wr32(e, 20);
		wr64(e + 4, base[i]);
		wr64(e + 12, size[i]);
		wr32(e + 20, type[i]);
	}
	*len = 3 * 24;
	return at;
}

/* Modules go page-aligned above the kernel (and above 1 MiB, clear of the
 * hole); their list and strings go in the boot area. */
static int mb_modules(const struct mb_image *im, const struct mb_boot *bt,
		      struct mb_bump *b, uint8_t *info, char *msg, size_t msglen)
{
	uint64_t at = im->end < MB_HIGH_START ? MB_HIGH_START : im->end;
	uint32_t list = mb_alloc(b, (size_t)bt->nmods * 16);

	if (bt->nmods > MB_MAX_MODS)
		return mb_fail(MB_EMODULE, msg, msglen, "%u modules, limit %d",
			       bt->nmods, MB_MAX_MODS);
	if (bt->nmods && !list)
		return mb_fail(MB_EINFO, msg, msglen, "module list");
	for (unsigned i = 0; i < bt->nmods; i++) {
		const struct mb_module *m = &bt->mods[i];
		uint32_t str = mb_string(b, m->string);
		uint8_t *e = b->ram + list + 16 * i;

		at = (at + 4095) & ~4095ull;
		if (at > bt->ram_size || m->len > bt->ram_size - at)
			return mb_fail(MB_EMODULE, msg, msglen,
				       "module %u (%zu bytes) at %#llx, RAM ends at %#llx",
				       i, m->len, (unsigned long long)at,
				       (unsigned long long)bt->ram_size);
		if (!str)
			return mb_fail(MB_EINFO, msg, msglen, "module %u string", i);
		memcpy(b->ram + at, m->data, m->len);
		wr32(e, (uint32_t)at);
		wr32(e + 4, (uint32_t)(at + m->len));
		wr32(e + 8, str);
		at += m->len;
	}
	wr32(info + 20, bt->nmods);
	wr32(info + 24, list);
	return MB_OK;
}

/* Write the Multiboot information for a parsed (and loaded) image.  The
 * caller passes the info address to the kernel in EBX. */
int mb_build_info(const struct mb_image *im, const struct mb_boot *bt,
		  uint8_t *ram, uint32_t *info_gpa, char *msg, size_t msglen)
{
	struct mb_bump b = { ram, MB_INFO_GPA };
	uint32_t at = mb_alloc(&b, MBI_SIZE), mmap_len = 0, mmap, name, cmd;
	uint64_t upper = bt->ram_size > (4ull << 30) ? (4ull << 30) : bt->ram_size;
	uint8_t *info = ram + at;
	int err;

	if (bt->ram_size < MB_HIGH_START)
		return mb_fail(MB_EINFO, msg, msglen, "RAM below 1 MiB");
	mmap = mb_mmap(&b, bt->ram_size, &mmap_len);
	name = mb_string(&b, "hv");
	cmd = mb_string(&b, bt->cmdline);
	if (!at || !mmap || !name || !cmd)
		return mb_fail(MB_EINFO, msg, msglen,
			       "command line of %zu bytes; the boot area holds %u",
			       strlen(bt->cmdline ? bt->cmdline : ""),
			       MB_AREA_END - MB_INFO_GPA);
	wr32(info + 4, MB_LOW_END / 1024);
	wr32(info + 8, (uint32_t)((upper - MB_HIGH_START) / 1024));
	wr32(info + 16, cmd);
	if (!bt->no_mmap) {
		wr32(info + 44, mmap_len);
		wr32(info + 48, mmap);
	}
	wr32(info + 64, name);
	if ((err = mb_modules(im, bt, &b, info, msg, msglen)))
		return err;
	wr32(info, MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_LOADER_NAME |
	     (bt->no_mmap ? 0 : MBI_MMAP));
	*info_gpa = at;
	return MB_OK;
}
