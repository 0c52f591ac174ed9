/*
 * fuzz_hv_loader.c: libFuzzer target for hv's Multiboot/ELF loader
 * (hv/mboot.c) and its --rom shape check (hv/rom.c), in the order
 * hv/loader.c drives them: parse the kernel image, copy it into guest
 * RAM, write the Multiboot information with a module and a command line.
 * The input is the kernel file; guest RAM is a fake 2 MiB buffer, so a
 * segment placed outside it is an ASan report, not a silent overwrite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/mboot.h"

#define FZ_RAM (2u << 20)               /* GMEM_MIN_SIZE: hv's smallest guest */

int rom__check(const uint8_t *buf, size_t len, char *msg, size_t msglen);

static uint8_t *fz_ram;

int LLVMFuzzerTestOneInput(const uint8_t *img, size_t len)
{
	static const char cmdline[] = "test pvops=verbose";
	struct mb_module mod = { img, len < 4096 ? len : 4096, "module.bin" };
	struct mb_boot bt = { cmdline, &mod, 1, FZ_RAM, 0 };
	struct mb_image im;
	char msg[256];
	uint32_t info;

	if (!fz_ram && !(fz_ram = malloc(FZ_RAM)))
		abort();
	(void)rom__check(img, len, msg, sizeof(msg));
	if (mb_parse(img, len, FZ_RAM, &im, msg, sizeof(msg)) != MB_OK)
		return 0;
	memset(fz_ram, 0, FZ_RAM);
	mb_load(&im, img, fz_ram);
	(void)mb_build_info(&im, &bt, fz_ram, &info, msg, sizeof(msg));
	bt.no_mmap = 1;
	bt.nmods = 0;
	(void)mb_build_info(&im, &bt, fz_ram, &info, msg, sizeof(msg));
	return 0;
}
