/* mboot.h: the Multiboot v1 loader, as pure functions over byte buffers.
 *
 * mb_parse() checks a kernel image and says where its pieces go;
 * mb_load() copies them into a guest RAM buffer; mb_build_info() writes
 * the Multiboot information (memory map, command line, boot loader name,
 * modules) into hv's boot area.  Nothing here knows about KVM, so the
 * unit tests drive it on crafted images in memory.
 *
 * Guest-physical layout hv uses for booting:
 *   0x00000 - 0x07FFF  left zero (real-mode IVT/BDA area)
 *   0x08000 - 0x0803F  GDT hv loads for the flat 32-bit segments
 *   0x08100 - 0x0FFFF  Multiboot information, then its memory map, module
 *                      list and strings (bump-allocated in that order)
 *   0x9FC00 - 0xFFFFF  reserved (EBDA, VGA window, option ROMs, BIOS)
 * Kernel segments must lie in 0x10000 - 0x9FBFF or 1 MiB - end of RAM.
 * Modules go page-aligned after the highest kernel byte (at least 1 MiB). */
#ifndef HV_MBOOT_H
#define HV_MBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MB_HEADER_MAGIC    0x1BADB002u
#define MB_BOOT_MAGIC      0x2BADB002u   /* in EAX at entry */
#define MB_SEARCH_LEN      8192u

#define MB_AREA_START      0x8000u       /* hv's boot area */
#define MB_GDT_GPA         0x8000u
#define MB_INFO_GPA        0x8100u
#define MB_AREA_END        0x10000u
#define MB_LOW_END         0x9FC00u      /* end of usable low memory */
#define MB_HIGH_START      0x100000u

#define MB_MAX_SEGS        32
#define MB_MAX_MODS        16

enum mb_err {
	MB_OK = 0,
	MB_ENOHDR,      /* no Multiboot header anywhere in the image */
	MB_EHDRFAR,     /* a header, but not within the first 8192 bytes */
	MB_ECHECKSUM,   /* magic found, checksum wrong */
	MB_EFLAGS,      /* an unknown required flag (bits 3-15) */
	MB_EVIDEO,      /* flag 2: a video mode hv cannot give */
	MB_ETRUNC,      /* the file ends inside something it describes */
	MB_ENOTELF,     /* no address fields (flag 16) and not ELF */
	MB_EELF64,      /* ELF64 without address fields */
	MB_EELFTYPE,    /* ELF32 but not a little-endian i386 executable */
	MB_ENOLOAD,     /* nothing to load */
	MB_ETOOMANY,    /* more loadable segments than MB_MAX_SEGS */
	MB_EADDR,       /* inconsistent address fields */
	MB_ESEGSIZE,    /* a segment with more file bytes than memory bytes */
	MB_ERAM,        /* a segment beyond the end of guest RAM */
	MB_EHOLE,       /* a segment in hv's boot area or the ROM hole */
	MB_EOVERLAP,    /* two segments overlap */
	MB_EENTRY,      /* entry point outside every loaded segment */
	MB_EMODULE,     /* modules do not fit in guest RAM */
	MB_EINFO,       /* command line / strings do not fit the boot area */
	MB_NERR
};

struct mb_seg {
	uint64_t paddr;     /* where it goes in guest-physical memory */
	uint64_t memsz;     /* bytes it occupies there (>= filesz) */
	uint64_t filesz;    /* bytes copied from the file, rest zeroed */
	uint64_t offset;    /* where those bytes start in the file */
};

struct mb_image {
	uint32_t hdr_offset;    /* file offset of the Multiboot header */
	uint32_t hdr_flags;
	uint32_t entry;         /* guest-physical entry point */
	int elf;                /* 1: loaded by ELF32 program headers */
	unsigned nseg;
	struct mb_seg seg[MB_MAX_SEGS];
	uint64_t end;           /* first byte after the highest segment */
};

struct mb_module {
	const uint8_t *data;
	size_t len;
	const char *string;     /* the module's command line */
};

struct mb_boot {
	const char *cmdline;            /* kernel command line, may be "" */
	const struct mb_module *mods;
	unsigned nmods;
	uint64_t ram_size;
	int no_mmap;                    /* give no memory map (old loaders) */
};

/* Each returns MB_OK or an enum mb_err, with a one-line detail in msg. */
int mb_parse(const uint8_t *img, size_t len, uint64_t ram_size,
	     struct mb_image *out, char *msg, size_t msglen);
void mb_load(const struct mb_image *im, const uint8_t *img, uint8_t *ram);
int mb_build_info(const struct mb_image *im, const struct mb_boot *b,
		  uint8_t *ram, uint32_t *info_gpa, char *msg, size_t msglen);
const char *mb_strerror(int err);

#endif
