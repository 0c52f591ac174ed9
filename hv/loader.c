/* loader.c: reads the kernel and module files and hands them to the
 * Multiboot loader (mboot.c), which checks and places them in guest RAM. */
#include "hv.h"
#include "mboot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole file in a malloc'd buffer, refused if over max bytes. */
void *hv_read_file(const char *file, size_t max, size_t *len, char *msg,
		   size_t msglen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		snprintf(msg, msglen, S_ISREG(st.st_mode) ?
			 "too large (%lld bytes, limit %zu)" : "not a regular file",
			 (long long)st.st_size, max);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			snprintf(msg, msglen, "read: %s", n ? strerror(errno) : "short");
			free(buf);
			buf = NULL;
			break;
		}
		got += (size_t)n;
	}
	if (buf == NULL && got == 0 && msg[0] == '\0')
		snprintf(msg, msglen, "out of memory");
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static void loader_free_mods(struct mb_module *mods, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free((void *)mods[i].data);
}

/* Modules as given by --module FILE[,string]; the string defaults to the
 * file name, as GRUB's "module" line would. */
static int loader_read_mods(struct hv *hv, struct mb_module *mods)
{
	char msg[200] = "";

	for (unsigned i = 0; i < hv->opt.nmod; i++) {
		const struct hv_module_opt *m = &hv->opt.mod[i];
		mods[i].data = hv_read_file(m->file, hv->gm.size, &mods[i].len,
					    msg, sizeof(msg));
		mods[i].string = m->string ? m->string : m->file;
		if (mods[i].data == NULL) {
			fprintf(stderr, "hv: module %s: %s\n", m->file, msg);
			loader_free_mods(mods, i);
			return -1;
		}
	}
	return 0;
}

/* Kernel, modules and Multiboot information into guest RAM; sets the
 * entry point and the info address for the vCPU. */
int loader__boot_image(struct hv *hv)
{
	struct mb_module mods[HV_MAX_MODULES] = { 0 };
	struct mb_boot bt = { hv->opt.cmdline, mods, hv->opt.nmod, hv->gm.size,
			      hv->opt.no_mmap };
	struct mb_image im;
	char msg[256] = "";
	size_t len;
	uint8_t *img = hv_read_file(hv->opt.kernel, hv->gm.size, &len, msg,
				    sizeof(msg));
	int err;

	if (img == NULL) {
		fprintf(stderr, "hv: kernel %s: %s\n", hv->opt.kernel, msg);
		return -1;
	}
	err = mb_parse(img, len, hv->gm.size, &im, msg, sizeof(msg));
	if (err == MB_OK)
		mb_load(&im, img, hv->gm.ram);
	free(img);
	if (err == MB_OK && loader_read_mods(hv, mods))
		return -1;
	if (err == MB_OK) {
		err = mb_build_info(&im, &bt, hv->gm.ram, &hv->info_gpa, msg,
				    sizeof(msg));
		loader_free_mods(mods, hv->opt.nmod);
	}
	if (err != MB_OK) {
		fprintf(stderr, "hv: kernel %s: %s\n", hv->opt.kernel, msg);
		return -1;
	}
	hv->entry = im.entry;
	return 0;
}

/* Read, check and copy into the read-only window's backing. */
int rom__load(struct hv *hv, const char *file)
{
	char msg[200] = "";
	size_t len;
	uint8_t *buf = hv_read_file(file, 16u << 20, &len, msg, sizeof(msg));

	if (buf == NULL || rom__check(buf, len, msg, sizeof(msg))) {
		fprintf(stderr, "hv: ROM %s: %s\n", file, msg);
		free(buf);
		return -1;
	}
	memcpy(hv->hole + (GMEM_ROM_BASE - GMEM_HOLE_START), buf, len);
	hv->rom_len = (uint32_t)len;    /* a snapshot keeps a copy */
	free(buf);
	return 0;
}
