/* rom.c: the shape check of an --rom image, which loader.c reads and hv
 * places read-only at 0xC0000.  Only the outer shape is checked here
 * (the ROM ABI's own validator does the deep checks); a ROM that fails
 * is refused before the guest starts. */
#include "hv.h"

#include <stdio.h>

/* An option ROM: 0x55AA, whole 512-byte blocks, at most 128 KiB (what
 * fits 0xC0000-0xDFFFF). */
int rom__check(const uint8_t *buf, size_t len, char *msg, size_t msglen)
{
	if (len == 0 || len % 512 != 0) {
		snprintf(msg, msglen, "size %zu is not a non-zero multiple of 512 bytes",
			 len);
		return -1;
	}
	if (len > GMEM_ROM_MAX) {
		snprintf(msg, msglen, "size %zu is over the %llu bytes of ROM space",
			 len, GMEM_ROM_MAX);
		return -1;
	}
	if (buf[0] != 0x55 || buf[1] != 0xAA) {
		snprintf(msg, msglen, "no 0x55AA option-ROM signature (found %02x %02x)",
			 buf[0], buf[1]);
		return -1;
	}
	return 0;
}
