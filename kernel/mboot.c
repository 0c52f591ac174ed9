/*
 * mboot.c: reads the Multiboot v1 information block.
 *
 * The block is loader memory that the page allocator will hand out, so
 * everything needed later (command line, memory map, module spans) is
 * copied into struct boot_info first.  Every pointer in the block is
 * checked against the direct-mapped range before it is read; missing or
 * odd information is reported and replaced by a stated default.
 */
#include <string.h>
#include <multiboot/multiboot.h>
#include "kernel.h"
#include "mboot.h"

struct boot_info boot_info;

static bool pa_ok(uint64_t pa, uint64_t len)
{
	return pa < DIRECT_MAP_SIZE && len <= DIRECT_MAP_SIZE - pa;
}

static void copy_string(char *dst, size_t max, uint64_t pa)
{
	dst[0] = 0;
	if (!pa_ok(pa, 1))
		return;
	const char *s = P2V(pa);
	size_t i = 0;
	for (; i + 1 < max && pa_ok(pa + i, 1) && s[i]; i++)
		dst[i] = s[i];
	dst[i] = 0;
}

static void mmap_warn(const char *msg, uint64_t addr, uint64_t len)
{
	printf("mboot: %s (%#llx, %#llx)\n", msg, (unsigned long long)addr,
	       (unsigned long long)len);
}

static void read_memory(const multiboot_info_t *mi)
{
	struct memmap *m = &boot_info.mem;
	if ((mi->flags & MULTIBOOT_INFO_MEM_MAP) && pa_ok(mi->mmap_addr, mi->mmap_length)) {
		static struct memmap all;	/* the same without the limit */
		memmap_from_mb(m, P2V(mi->mmap_addr), mi->mmap_length, DIRECT_MAP_SIZE, mmap_warn);
		memmap_from_mb(&all, P2V(mi->mmap_addr), mi->mmap_length, UINT64_MAX, NULL);
		if (memmap_total(&all) > memmap_total(m))
			printf("mboot: only the first %llu MiB are used; %llu MiB above are ignored\n",
			       (unsigned long long)(DIRECT_MAP_SIZE >> 20),
			       (unsigned long long)((memmap_total(&all) - memmap_total(m)) >> 20));
		if (m->n > 0)
			return;
		printf("mboot: memory map has no usable range; trying mem_upper\n");
	} else {
		printf("mboot: no memory map from the loader; trying mem_lower/mem_upper\n");
	}
	if (mi->flags & MULTIBOOT_INFO_MEMORY) {
		memmap_from_basic(m, mi->mem_lower, mi->mem_upper, DIRECT_MAP_SIZE);
		return;
	}
	printf("mboot: no memory information at all; assuming 16 MiB\n");
	memmap_from_basic(m, 640, 15 * 1024, DIRECT_MAP_SIZE);
}

static void read_modules(const multiboot_info_t *mi)
{
	if (!(mi->flags & MULTIBOOT_INFO_MODS) || mi->mods_count == 0)
		return;
	uint64_t len = (uint64_t)mi->mods_count * sizeof(multiboot_module_t);
	if (!pa_ok(mi->mods_addr, len)) {
		printf("mboot: module list out of range, modules ignored\n");
		return;
	}
	const multiboot_module_t *mods = P2V(mi->mods_addr);
	for (uint32_t i = 0; i < mi->mods_count && boot_info.nmods < MB_MODS_MAX; i++) {
		if (mods[i].mod_end < mods[i].mod_start || !pa_ok(mods[i].mod_start,
		    mods[i].mod_end - mods[i].mod_start)) {
			printf("mboot: module %u has a bad range, ignored\n", i);
			continue;
		}
		boot_info.mods[boot_info.nmods].start = mods[i].mod_start;
		boot_info.mods[boot_info.nmods].end = mods[i].mod_end;
		boot_info.nmods++;
	}
}

void mboot_read(uint32_t magic, uint64_t info_pa)
{
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !pa_ok(info_pa, sizeof(multiboot_info_t)))
		panic("not started by a Multiboot loader (eax %#x, info %#llx)",
		      magic, (unsigned long long)info_pa);
	const multiboot_info_t *mi = P2V(info_pa);
	if (mi->flags & MULTIBOOT_INFO_CMDLINE)
		copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), mi->cmdline);
	if (mi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
		copy_string(boot_info.loader, sizeof(boot_info.loader), mi->boot_loader_name);
	read_memory(mi);
	read_modules(mi);

	struct memmap *m = &boot_info.mem;
	/* Real-mode area and option ROMs, then the image at 1 MiB. */
	memmap_reserve(m, 0, V2P(__kernel_end));
	for (int i = 0; i < boot_info.nmods; i++)
		memmap_reserve(m, boot_info.mods[i].start, boot_info.mods[i].end);
}
