/* main.c: hv's command line and its start-up, in boot order.
 *
 *   hv [options] KERNEL [-- kernel command line]
 *
 * See hv/hv.md for every option and exit status. */
#include "hcall.h"
#include "backend.h"
#include "rebind.h"
#include "devices/pci.h"
#include "devices/virtio_dev.h"
#include "snapshot.h"
#include "control.h"
#include "migrate.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct hv the_hv;

static const char hv_usage[] =
"usage: hv [options] KERNEL [-- kernel command line]\n"
"Boot a Multiboot v1 KERNEL (ELF32, or any image with the address fields)\n"
"in a KVM virtual machine.\n"
"  -m, --memory SIZE     guest RAM, e.g. 64M, 1G, 65536K (default 64M;\n"
"                        a bare number is MiB; 2M to 3G, 4 KiB multiple)\n"
"      --rom FILE        option ROM placed read-only at 0xC0000\n"
"                        (0x55AA, 512-byte multiple, at most 128 KiB)\n"
"      --backend NAME    none (default), xenlike or vmwarelike\n"
"      --module FILE[,STRING]  a Multiboot module (repeatable, up to 16)\n"
"      --timeout SECONDS stop the guest after this wall time (status 8)\n"
"      --stats           print exit counts to stderr when the guest ends\n"
"      --trace           print one line per exit to stderr\n"
"      --no-mmap         give the kernel no memory map, only mem_lower and\n"
"                        mem_upper (as old loaders do)\n"
"      --accel MODE      where KVM comes from: auto (default, or $HV_ACCEL):\n"
"                        /dev/kvm when usable, else nested; kvm: /dev/kvm\n"
"                        only; nested: inside a nested-KVM VM under QEMU TCG\n"
"      --disk FILE[,ro]  a virtio-blk disk on PCI backed by the raw image FILE\n"
"                        (whole 512-byte sectors; ro: read-only); up to 8\n"
"      --virtio-console  a virtio-console on PCI whose port 0 is stdout\n"
"      --balloon MIB     a virtio-balloon on PCI with an initial target of MIB\n"
"      --balloon-control FILE  the balloon's target in MiB follows FILE's\n"
"                        content whenever it changes (adds the balloon)\n"
"      --switch-backend MS:NAME[:ROM]  MS ms after the guest acknowledged\n"
"                        its ROM (or after start, without one), move it onto\n"
"                        backend NAME with ROM (repeatable; hv/hv.md)\n"
"      --control PATH    a QMP-style control socket (PATH, or @name: abstract)\n"
"      --restore FILE    resume the guest of a snapshot (no KERNEL)\n"
"      --restore-read    read the snapshot's memory instead of mapping it\n"
"      --incoming PATH   wait on Unix socket PATH for a live migration (no KERNEL)\n"
"  -h, --help            this text\n"
"      --version         hv's version\n"
"Exit status: (c << 1) | 1 when the guest writes c to port 0xf4;\n"
"2 usage, 4 bad image, 6 guest crashed, 8 timeout, 10 guest misbehaved,\n"
"12 hv internal error, 14 --accel kvm without a usable KVM, 16 the nested\n"
"VM could not run the guest.\n";

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'hv --help'.\n", stderr);
	return HV_EXIT_USAGE;
}

/* SIZE: a number with an optional K, M or G suffix (bare = MiB, as QEMU's
 * -m).  Refuses overflow, junk, and sizes hv cannot give a guest. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t mult = 1ull << 20, v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (*end == 0 ? 0 : (*end | 0x20)) {
		case 'k': mult = 1ull << 10; break;
		case 'm': mult = 1ull << 20; break;
		case 'g': mult = 1ull << 30; break;
		default: return -1;
		}
		if (end[1] && strcasecmp(end + 1, "ib") && strcasecmp(end + 1, "b"))
			return -1;
	}
	if (v > GMEM_MAX_SIZE / mult)
		return -1;
	v *= mult;
	if (v < GMEM_MIN_SIZE || v % 4096)
		return -1;
	*out = v;
	return 0;
}

static int parse_timeout(const char *s, double *out)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(t) || t <= 0 || t > 86400)
		return -1;
	*out = t;
	return 0;
}

/* FILE[,STRING]: the module's command line follows the first comma. */
static int parse_module(struct hv_opts *o, char *arg)
{
	char *comma = strchr(arg, ',');

	if (o->nmod == HV_MAX_MODULES)
		return usage_error("--module: at most %d modules", HV_MAX_MODULES);
	if (comma)
		*comma = '\0';
	if (*arg == '\0')
		return usage_error("--module: empty file name");
	o->mod[o->nmod].file = arg;
	o->mod[o->nmod++].string = comma ? comma + 1 : NULL;
	return 0;
}

/* A name from the backend table (backend.c); "none" needs no init. */
static int parse_backend(struct hv_opts *o, const char *b)
{
	const struct hv_backend *be = hv_backend_find(b);

	if (be == NULL)
		return usage_error("--backend %s: unknown (xenlike, vmwarelike or none)", b);
	if (be->init == NULL && strcmp(b, "none") != 0)
		return usage_error("--backend %s: not yet implemented", b);
	o->backend = b;
	return 0;
}

/* MODE of --accel or $HV_ACCEL: auto, kvm or nested. */
static int parse_accel(struct hv_opts *o, const char *what, const char *mode)
{
	if (strcmp(mode, "auto") && strcmp(mode, "kvm") && strcmp(mode, "nested"))
		return usage_error("%s%s: want auto, kvm or nested", what, mode);
	o->accel = mode;
	return 0;
}

/* Everything after the first "--" is the kernel's command line, joined
 * by spaces; it is cut off before getopt sees it. */
static char *join_cmdline(int argc, char **argv)
{
	size_t n = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = calloc(1, n);
	for (int i = 0; s && i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

enum { OPT_ROM = 256, OPT_BACKEND, OPT_MODULE, OPT_TIMEOUT, OPT_STATS,
       OPT_TRACE, OPT_VERSION, OPT_NO_MMAP, OPT_ACCEL,
       OPT_DISK, OPT_VCONSOLE, OPT_BALLOON, OPT_BALLOON_CTL,
       /* Issue 14 */
       OPT_CONTROL, OPT_RESTORE, OPT_RESTORE_READ, OPT_INCOMING };

enum { OPT_SWITCH_BACKEND = 400 };	/* issue 14: hv/rebind.c */

/* FILE[,ro]: the first comma starts the options; "ro" is the only one
 * (and "rw", the default). */
static int parse_disk(struct hv_opts *o, char *arg)
{
	char *comma = strchr(arg, ',');

	if (o->ndisk == HV_MAX_DISKS)
		return usage_error("--disk: at most %d disks", HV_MAX_DISKS);
	if (comma)
		*comma = '\0';
	if (*arg == '\0')
		return usage_error("--disk: empty file name");
	if (comma && strcmp(comma + 1, "ro") && strcmp(comma + 1, "rw"))
		return usage_error("--disk %s,%s: unknown option '%s' (want FILE or FILE,ro)",
				   arg, comma + 1, comma + 1);
	o->disk[o->ndisk].file = arg;
	o->disk[o->ndisk++].ro = comma && strcmp(comma + 1, "ro") == 0;
	return 0;
}

static int parse_balloon(struct hv_opts *o, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > (long long)(GMEM_MAX_SIZE >> 20))
		return usage_error("--balloon %s: want a number of MiB, 0 to %llu", s,
				   (unsigned long long)(GMEM_MAX_SIZE >> 20));
	o->balloon_mib = v;
	return 0;
}

/* Issue 14: --restore and --incoming bring a running guest: no KERNEL,
 * no modules, and not both at once. */
static int parse_resume(struct hv_opts *o, const char *kernel)
{
	if (o->restore && o->incoming)
		return usage_error("--restore and --incoming: one or the other");
	if (kernel)
		return usage_error("unexpected argument '%s': %s brings its own guest",
				   kernel, o->restore ? "--restore" : "--incoming");
	if (o->nmod)
		return usage_error("--module: not with %s", o->restore ? "--restore" : "--incoming");
	o->kernel = o->restore ? o->restore : o->incoming;
	return 0;
}

static const struct option hv_longopts[] = {
	{ "memory", required_argument, NULL, 'm' },
	{ "rom", required_argument, NULL, OPT_ROM },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "module", required_argument, NULL, OPT_MODULE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "no-mmap", no_argument, NULL, OPT_NO_MMAP },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "virtio-console", no_argument, NULL, OPT_VCONSOLE },
	{ "balloon", required_argument, NULL, OPT_BALLOON },
	{ "balloon-control", required_argument, NULL, OPT_BALLOON_CTL },
	{ "switch-backend", required_argument, NULL, OPT_SWITCH_BACKEND },	/* issue 14 */
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "restore-read", no_argument, NULL, OPT_RESTORE_READ },
	{ "incoming", required_argument, NULL, OPT_INCOMING },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 }
};

/* One option; returns 0, a usage status, or -1 for "done, exit 0". */
static int parse_one(struct hv_opts *o, int c, char *arg)
{
	switch (c) {
	case 'm':
		if (parse_size(arg, &o->mem))
			return usage_error("--memory %s: want 2M to 3G in 4 KiB steps", arg);
		return 0;
	case OPT_ROM: o->rom = arg; return 0;
	case OPT_BACKEND: o->backend_given = 1; return parse_backend(o, arg);
	case OPT_MODULE: return parse_module(o, arg);
	case OPT_TIMEOUT:
		if (parse_timeout(arg, &o->timeout))
			return usage_error("--timeout %s: want seconds, above 0, at most 86400", arg);
		return 0;
	case OPT_STATS: o->stats = 1; return 0;
	case OPT_TRACE: o->trace = 1; return 0;
	case OPT_NO_MMAP: o->no_mmap = 1; return 0;
	case OPT_ACCEL: return parse_accel(o, "--accel ", arg);
	case OPT_DISK: return parse_disk(o, arg);
	case OPT_VCONSOLE: o->virtio_console = 1; return 0;
	case OPT_BALLOON: return parse_balloon(o, arg);
	case OPT_BALLOON_CTL:
		if (*arg == '\0')
			return usage_error("--balloon-control: empty file name");
		o->balloon_control = arg;
		if (o->balloon_mib < 0)
			o->balloon_mib = 0;
		return 0;
	case OPT_SWITCH_BACKEND: return rebind__parse(&the_hv, arg);	/* issue 14 */
	case OPT_CONTROL: o->control = arg; return 0;
	case OPT_RESTORE: o->restore = arg; return 0;
	case OPT_RESTORE_READ: o->restore_read = 1; return 0;
	case OPT_INCOMING: o->incoming = arg; return 0;
	case 'h': fputs(hv_usage, stdout); return -1;
	case OPT_VERSION: printf("hv %s\n", HV_VERSION); return -1;
	default: return HV_EXIT_USAGE;      /* getopt printed the complaint */
	}
}

static int parse_args(struct hv_opts *o, int argc, char **argv)
{
	int nopt = argc, c, rc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			nopt = i;
			break;
		}
	o->mem = 64ull << 20;
	o->backend = "none";
	o->accel = "auto";
	o->balloon_mib = -1;
	if (getenv("HV_ACCEL") && *getenv("HV_ACCEL") &&
	    (rc = parse_accel(o, "HV_ACCEL=", getenv("HV_ACCEL"))) != 0)
		return rc;
	o->cmdline = join_cmdline(nopt < argc ? argc - nopt - 1 : 0,
				  argv + nopt + 1);
	if (o->cmdline == NULL)
		return HV_EXIT_INTERNAL;
	while ((c = getopt_long(nopt, argv, "m:h", hv_longopts, NULL)) != -1)
		if ((rc = parse_one(o, c, optarg)) != 0)
			return rc;
	if (o->restore || o->incoming)          /* issue 14: the guest comes ready */
		return parse_resume(o, optind < nopt ? argv[optind] : NULL);
	if (optind >= nopt)
		return usage_error("no KERNEL given");
	if (optind + 1 < nopt)
		return usage_error("unexpected argument '%s' (kernel arguments go after --)",
				   argv[optind + 1]);
	o->kernel = argv[optind];
	return 0;
}

/* The virtio devices' files (disk images, the balloon's control file),
 * checked before any KVM is touched: 0 or an exit status. */
static int virtio_open(struct hv *hv)
{
	int rc;

	for (unsigned i = 0; i < hv->opt.ndisk; i++)
		if ((rc = vblk__open(hv, i)) != 0)
			return rc;
	if (hv->opt.balloon_mib >= 0 && (rc = vballoon__open(hv)) != 0)
		return rc;
	return 0;
}

/* PCI bus 0 and its devices, in this order: disks as given, the
 * console, the balloon (so slots and lines follow the command line). */
static int virtio_add(struct hv *hv)
{
	if (pci__init(hv))
		return -1;
	for (unsigned i = 0; i < hv->opt.ndisk; i++)
		if (vblk__add(hv, i))
			return -1;
	if (hv->opt.virtio_console && vcon__add(hv))
		return -1;
	if (hv->opt.balloon_mib >= 0 && vballoon__add(hv))
		return -1;
	return 0;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Report how the guest ended: the reason line, the stats, the status. */
static int hv_finish(struct hv *hv, double t0)
{
	uart__flush();
	fflush(stdout);
	if (hv->reason[0])
		fprintf(stderr, "hv: %s\n", hv->reason);
	if (hv->dump)
		vcpu__dump(hv);
	if (hv->opt.stats) {
		stats__print(hv);
		fprintf(stderr, "hv: stats: %.3f ms from start to exit, status %d\n",
			now_ms() - t0, hv->status);
	}
	return hv->status;
}

int main(int argc, char **argv)
{
	struct hv *hv = &the_hv;
	double t0 = now_ms();
	char **args = hv->args = calloc((size_t)argc + 1, sizeof(*args));
	int rc;

	if (args == NULL)
		return HV_EXIT_INTERNAL;
	for (int i = 0; i < argc; i++)      /* as given: getopt permutes argv */
		if ((args[i] = strdup(argv[i])) == NULL)
			return HV_EXIT_INTERNAL;
	hv->kvm = -1;
	if ((rc = parse_args(&hv->opt, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	signal(SIGPIPE, SIG_IGN);           /* a closed stdout is not fatal */
	if (stats__init(hv))                /* exit counters */
		return HV_EXIT_INTERNAL;
	if (hv->opt.restore && (rc = snapshot__open(hv, hv->opt.restore)) != 0)
		return rc;                  /* issue 14: check the whole file */
	if (vm__alloc(hv))                  /* guest RAM and ROM window */
		return HV_EXIT_INTERNAL;
	if (hv->opt.restore || hv->opt.incoming) {
		if (hv->opt.restore && (rc = snapshot__load_memory(hv)) != 0)
			return rc;          /* ROM and RAM from the snapshot */
		if (hv->opt.incoming && hv->opt.rom && rom__load(hv, hv->opt.rom))
			return HV_EXIT_IMAGE;
	} else {
	if (hv->opt.rom && rom__load(hv, hv->opt.rom))  /* ROM at 0xC0000 */
		return HV_EXIT_IMAGE;
	if (loader__boot_image(hv))         /* kernel, modules, Multiboot info */
		return HV_EXIT_IMAGE;
	}
	if ((rc = virtio_open(hv)) != 0)    /* --disk images, balloon control */
		return rc;
	if ((rc = accel__choose(hv, argc, args)) != 0)  /* /dev/kvm, or nested */
		return rc;
	if (hv->opt.incoming && (rc = migrate__accept(hv, hv->opt.incoming)) != 0)
		return rc;                  /* issue 14: wait for the source */
	if (vm__init(hv))                   /* KVM VM, irqchip, PIT, slots */
		return HV_EXIT_INTERNAL;
	hcall__init(hv);                    /* hypercall port and table */
	devices__init(hv);                  /* exit, io-delay, stats ports */
	uart__init(hv);                     /* COM1 */
	if (virtio_add(hv))                 /* PCI bus 0, virtio devices */
		return HV_EXIT_INTERNAL;
	if (snapshot__backend_init(hv))     /* --backend: its ports and calls */
		return HV_EXIT_INTERNAL;
	if (vcpu__init(hv))                 /* CPUID, Multiboot entry state */
		return HV_EXIT_INTERNAL;
	if ((rc = rebind__init(hv)) != 0)   /* --switch-backend: ROMs, backends */
		return rc;
	if (hv->opt.incoming && (rc = migrate__receive(hv, hv->opt.incoming)) != 0)
		return rc;                  /* issue 14: the guest over the socket */
	if (hv->opt.restore && (rc = snapshot__load_state(hv, snapshot__view())) != 0)
		return rc;                  /* registers, devices, backend */
	if (hv->opt.control && control__start(hv, hv->opt.control))
		return HV_EXIT_INTERNAL;    /* --control socket */
	if (timer__start(hv))               /* --timeout */
		return HV_EXIT_INTERNAL;
	snapshot__report(hv);               /* --restore: time to running */
	migrate__confirm(hv);               /* --incoming: tell the source */
	vcpu__run(hv);                      /* until exit, crash or timeout */
	return hv_finish(hv, t0);
}
