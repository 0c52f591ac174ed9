/*
 * pvboot.c: the kernel's side of the pvops layer: choose the backend,
 * patch every call site, report what was done.
 *
 * Runs once, after the kernel's own page tables exist (the heap holds
 * the patch scratch) and before interrupts are first enabled.  Without a
 * hypervisor ROM the backend is native: each site becomes its native
 * instruction, a direct call to the native C function, or NOPs.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include <pvops/pvops.h>

#ifdef CONFIG_PV_NONE

void pv_early_init(void) { }

const char *pv_backend_name(void) { return "never-paravirtualized"; }

bool pv_op_native(unsigned op) { (void)op; return true; }

void pv_boot(void)
{
	klog("pvops: never-paravirtualized build: privileged instructions inline\n");
}

uint64_t pv_poke_resume(uint64_t rip) { (void)rip; return 0; }

#else

#include <pvops/apply.h>
#include <pvops/report.h>
#include <native/templates.h>
#include "mm.h"
#include "trap.h"
#include "guest.h"

/* ROM call numbers are the pvops op ids, checked name by name. */
#define SAME_NUMBER(N, n, num, conv, clob, fl) \
	_Static_assert((int)PV_OP_##N == (int)VMI_CALL_##N, "op and call numbers differ: " #N);
VMI_CALL_LIST(SAME_NUMBER)
#undef SAME_NUMBER
_Static_assert((int)PV_OP_COUNT == (int)VMI_CALL_COUNT, "op and call counts differ");

#define ROM_VA (VMAP_BASE + 0x08000000)		/* within rel32 of the text */

static struct vmi_binding vmi;
extern char nat_thunk_nop[];

extern const void *const nat_op_table[PV_OP_COUNT];
void pv_table_reset(void);

struct pv_report pv_boot_report;		/* read by tests and bench */

/* Where a #BP on a site being written resumes (pvops/apply.h): in .text,
 * within rel32 reach of the text, the op table and the ROM. */
#define PV_STR2_(x) #x
#define PV_STR_(x) PV_STR2_(x)
__asm__(".pushsection .text\n.p2align 4\n.globl pv_poke_tramp_area\n"
	"pv_poke_tramp_area: .fill " PV_STR_(PV_POKE_TRAMP_LEN) ", 1, 0xcc\n.popsection");
extern uint8_t pv_poke_tramp_area[];
struct pv_poke pv_text_poke = { .tramp = pv_poke_tramp_area };

/* For the #BP handler (trap.c): where to resume after an int3 at rip - 1,
 * or 0 if it is not on a site being written. */
uint64_t pv_poke_resume(uint64_t rip)
{
	return pv_poke_bp(&pv_text_poke, rip);
}

void pv_early_init(void)
{
	pv_table_reset();
}

static int native_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	(void)ctx;
	return nat_decide(op, (uint64_t)(uintptr_t)nat_op_table[op], d);
}

const char *pv_backend_name(void)
{
	if (!vmi.bound)
		return "native";
	return vmi.name[0] ? vmi.name : "unnamed ROM";
}

/* Does op run the native code (no ROM, or the ROM answered NATIVE)? */
bool pv_op_native(unsigned op)
{
	return !vmi.bound || vmi.answer[op].type == VMI_RELOC_NATIVE;
}

const struct vmi_binding *pv_binding(void)
{
	return vmi.bound ? &vmi : NULL;
}

/* The binding as far as it got, bound or not (for tests). */
const struct vmi_binding *pv_rom_attempt(void)
{
	return &vmi;
}

/* ---- ROM ABI 1.2: inline answers as the patcher's struct pv_inline ---- */

static struct pv_inline rom_inline[PV_OP_COUNT];
static bool rom_inline_ok[PV_OP_COUNT];

/* The checked plan (vmi-rom/inline.h) with its fixups resolved: the data
 * area's address for DATA_REL32, the bytes init left there for DATA_IMM. */
static void rom_inline_prepare(unsigned op)
{
	const struct vmi_inline_plan *p = &vmi.inline_plan[op];
	struct pv_inline *a = &rom_inline[op];
	memset(a, 0, sizeof(*a));
	a->code = (const uint8_t *)(uintptr_t)(vmi.rom_va + p->code);
	a->len = p->len;
	a->clobbers = p->clobbers;
	a->uses = p->uses;
	for (unsigned k = 0; k < PV_INLINE_OPERANDS; k++)
		a->conv[k] = p->conv[k];
	a->nfix = p->nfix;
	for (unsigned i = 0; i < p->nfix; i++) {
		const struct vmi_plan_fix *f = &p->fix[i];
		struct pv_inline_fix *g = &a->fix[i];
		*g = (struct pv_inline_fix){ .at = f->at, .size = f->size, .end = f->end };
		if (f->kind == VMI_FIX_DATA_REL32) {
			g->kind = PV_FIX_REL32;
			g->value = vmi.data_va + f->value;
		} else {
			g->kind = PV_FIX_BYTES;
			memcpy(&g->value, (const void *)(uintptr_t)(vmi.data_va + f->value), f->size);
		}
	}
	a->nrefs = p->nrefs;
	for (unsigned i = 0; i < p->nrefs; i++)
		a->ref[i] = (struct pv_inline_ref){ p->ref[i].operand, p->ref[i].modrm,
						    p->ref[i].rex, p->ref[i].field };
	rom_inline_ok[op] = true;
}

static void rom_inline_all(void)
{
	memset(rom_inline_ok, 0, sizeof(rom_inline_ok));
	if (kopts.rom_inline_off) {
		klog("vmi: rominline=off: inline answers unused, their CALLs instead\n");
		return;
	}
	for (unsigned op = 0; op < PV_OP_COUNT; op++)
		if (vmi.has_inline[op])
			rom_inline_prepare(op);
}

/* The inline answer of op, or NULL (tests). */
const struct pv_inline *pv_rom_inline(unsigned op)
{
	return vmi.bound && op < PV_OP_COUNT && rom_inline_ok[op] ? &rom_inline[op] : NULL;
}

/* The ROM's answer for op as a patch decision. */
static int rom_decide(void *ctx, unsigned op, struct pv_decision *d)
{
	const struct vmi_reloc *r = &vmi.answer[op];
	memset(d, 0, sizeof(*d));
	switch (r->type) {
	case VMI_RELOC_NATIVE:
		return native_decide(ctx, op, d);
	case VMI_RELOC_CALL:
	case VMI_RELOC_JUMP:
		d->kind = r->type == VMI_RELOC_CALL ? PV_CALL : PV_JUMP;
		d->target = vmi.rom_va + r->target;
		d->clobbers = r->clobbers;
		if (d->kind == PV_CALL && rom_inline_ok[op]) {
			d->kind = PV_INLINE;
			d->inl = &rom_inline[op];
		}
		return 0;
	case VMI_RELOC_NOP:
		d->kind = PV_NOP;
		return 0;
	}
	return -1;
}

/* For pvops=nopatch: the table itself points into the ROM. */
static void rom_fill_table(void)
{
	for (unsigned op = 0; op < PV_OP_COUNT; op++) {
		const struct vmi_reloc *r = &vmi.answer[op];
		if (r->type == VMI_RELOC_CALL || r->type == VMI_RELOC_JUMP)
			pv_op_table[op] = (void *)(uintptr_t)(vmi.rom_va + r->target);
		else if (r->type == VMI_RELOC_NOP)
			pv_op_table[op] = nat_thunk_nop;
	}
}

static uint64_t rom_pages;			/* mapped at rom_slot, 0 if none */
/* ROM_VA, or beside it after a re-bind (PV_ROM_SLOT2, kernel/rebind.c). */
static uint64_t rom_slot = ROM_VA;

static uint64_t rom_map(void *ctx, uint64_t rom_len, uint64_t data_len, uint64_t *pa)
{
	(void)ctx;
	uint64_t n = (rom_len + data_len) / PAGE_SIZE;
	uint64_t base = pmm_alloc_contig(n);
	if (!base)
		return 0;
	/* The data area is never executed (SPEC.md, mapping rules). */
	uint64_t nx = (pv_rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t fl = PTE_W | (i * PAGE_SIZE >= rom_len ? nx : 0);
		if (vm_map(&kernel_as, rom_slot + i * PAGE_SIZE, base + i * PAGE_SIZE, fl) != 0) {
			vm_unmap_range(&kernel_as, rom_slot, i);	/* frees those frames */
			for (uint64_t j = i; j < n; j++)
				pmm_free(base + j * PAGE_SIZE);
			return 0;
		}
	}
	rom_pages = n;
	*pa = base;
	return rom_slot;
}

static uint64_t sealed_pa, sealed_pages;	/* the ROM code's frames */

/*
 * Write-protects [va, va + len) (the ROM code at ROM_VA) and the
 * direct-map alias of its frames, which vm_init left writable and
 * no-execute: the code is then writable nowhere and executable only at
 * va.  False, with nothing changed, if a page is not mapped.
 */
bool pv_rom_protect(void *ctx, uint64_t va, uint64_t len)
{
	(void)ctx;
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = vm_walk(&kernel_as, p, false);
		if (!pte || !(*pte & PTE_P))
			return false;
	}
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = vm_walk(&kernel_as, p, false);
		if (p == va)
			sealed_pa = pte_addr(*pte);	/* rom_map's frames are contiguous */
		pv_set_pte(pte, *pte & ~PTE_W);
		pv_invlpg(p);
	}
	sealed_pages = len / PAGE_SIZE;
	vm_direct_writable(sealed_pa, sealed_pages, false);
	return true;
}

static void rom_log(void *ctx, const char *line)
{
	(void)ctx;
	klog("%s\n", line);
}

/* The time answers the guest acts on (SPEC.md section 11), checked after
 * query and before any site is patched.  CLOCK_READ and SET_ALARM must come
 * from the same side, or the ROM could not read the alarm's deadline: a
 * ROM that splits them is abandoned like one bad answer (all native; its
 * memory stays, init succeeded).  CLOCK_FREQ is constant, so it is asked
 * once here: 0 ("unknown") makes it NATIVE, and time_init calibrates. */
static bool rom_time_answers(void)
{
	struct vmi_reloc *freq = &vmi.answer[VMI_CALL_CLOCK_FREQ];
	if (!vmi_time_answers_agree(&vmi.answer[VMI_CALL_CLOCK_READ],
				    &vmi.answer[VMI_CALL_SET_ALARM])) {
		klog("vmi: ROM abandoned: CLOCK_READ and SET_ALARM answered by "
		     "different sides (SPEC.md 11); all native\n");
		vmi.bound = false;
		return false;
	}
	if (freq->type == VMI_RELOC_CALL) {
		uint64_t (*rom_freq)(void) = (uint64_t (*)(void))(uintptr_t)(vmi.rom_va + freq->target);
		if (rom_freq() == 0) {
			klog("vmi: CLOCK_FREQ answered 0 (unknown): calibrating natively\n");
			*freq = (struct vmi_reloc){ .type = VMI_RELOC_NATIVE };
		}
	}
	return true;
}

/* Looks for a hypervisor ROM; true when one is bound. */
static bool rom_bind(void)
{
	struct vmi_guest_env env = {
		.window = P2V(VMI_OPTROM_WINDOW_LO),
		.window_pa = VMI_OPTROM_WINDOW_LO,
		.window_len = VMI_OPTROM_WINDOW_HI - VMI_OPTROM_WINDOW_LO,
		.map = rom_map,
		.protect = pv_rom_protect,
		.log = rom_log,
		.timer_vector = VEC_TIMER,
		.nr_maps = 1,
		.maps = { { KERNEL_VMA, 0, DIRECT_MAP_SIZE } },
	};
	if (kopts.rom_off) {
		klog("vmi: rom=off: not looking for a hypervisor ROM\n");
		return false;
	}
	if (vmi_guest_bind(&env, &vmi) && rom_time_answers()) {
		rom_inline_all();
		return true;
	}
	/* Never once init may have reached the host: it may hold the
	 * addresses (hv's xenlike backend writes shared info on every exit). */
	if (rom_pages && vmi.keep) {
		klog("vmi: ROM copy and data area kept (%llu pages): its init reached the host\n",
		     (unsigned long long)rom_pages);
		return false;
	}
	if (rom_pages) {
		vm_direct_writable(sealed_pa, sealed_pages, true);	/* pmm zeroes through it */
		sealed_pages = 0;
		vm_unmap_range(&kernel_as, rom_slot, rom_pages);
		klog("vmi: ROM copy and data area freed (%llu pages)\n",
		     (unsigned long long)rom_pages);
		rom_pages = 0;
	}
	return false;
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static void report_indirect(void)
{
	for (const struct pv_site *s = __pv_sites_start; s < __pv_sites_end; s++)
		pv_report_add(&pv_boot_report, s, PV_REPORT_INDIRECT);
}

/* After rewriting code: the serializing instruction itself.  Never
 * pv_cpuid, which a backend may answer from a table (vmwarelike). */
void pv_text_sync(void)
{
	nat_serialize();
}

/* The decision boot patches op's sites with (tests redo it). */
int pv_boot_decide(unsigned op, struct pv_decision *d)
{
	return vmi.bound ? rom_decide(NULL, op, d) : native_decide(NULL, op, d);
}

extern const struct pv_slot __pv_slots_start[], __pv_slots_end[];

/* The adapters' slots, sorted for the pass to look sites' slots up. */
static void slots_index(void)
{
	size_t n = (size_t)(__pv_slots_end - __pv_slots_start);
	const struct pv_slot **v = malloc(n * sizeof(*v) + 1);
	if (!v)
		panic("pvops: no memory for %zu adapter slots", n);
	if (pv_slots_sort(&pv_slots, __pv_slots_start, __pv_slots_end, v) != 0)
		panic("pvops: two adapter slots for one op and register set (.pv_slots not merged)");
}

/* Patches with the given backend; a refused site stops the boot. */
static void patch_with(const char *backend, pv_decide_fn *decide, void *ctx)
{
	size_t n = (size_t)(__pv_sites_end - __pv_sites_start);
	uint8_t *scratch = malloc(n * PV_SITE_MAX_LEN + 1);
	struct pv_apply_fail fail;
	if (!scratch)
		panic("pvops: no memory for %zu sites", n);
	if (!pv_slots.sorted)
		slots_index();
	int err = pv_apply(__pv_sites_start, __pv_sites_end, (void *const *)pv_op_table,
			   decide, ctx, scratch, &pv_boot_report, &pv_text_poke, &fail);
	free(scratch);
	if (err == PV_ERR_OVERLAP)
		panic("pvops: site %#llx (op %s) overlaps site %#llx (op %s); nothing patched",
		      (unsigned long long)fail.site->addr, pv_op_name(fail.site->op),
		      (unsigned long long)fail.other->addr, pv_op_name(fail.other->op));
	if (err != PV_OK)
		panic("pvops: cannot patch site %#llx (op %s) for %s: %s",
		      (unsigned long long)fail.site->addr, pv_op_name(fail.site->op),
		      backend, fail.reason);
	pv_text_sync();
}

/* Patches every site for the bound backend (or fills the table, for
 * pvops=nopatch) and reports: at boot, and after a re-bind. */
static void patch_all(bool rom)
{
	pv_report_init(&pv_boot_report);
	/* The table holds the ROM's entries in both modes: unpatched sites
	 * and the adapters of sites in the compiler's registers call
	 * through it. */
	if (rom)
		rom_fill_table();
	if (kopts.pv_mode == PVMODE_NOPATCH) {
		report_indirect();
		klog("pvops: nopatch: %u sites stay indirect calls through the op table\n",
		     pv_boot_report.total);
	} else {
		patch_with(pv_backend_name(), rom ? rom_decide : native_decide, NULL);
	}
	klog("pvops: backend %s\n", pv_backend_name());
	if (!kopts.quiet)
		pv_report_print(&pv_boot_report, kopts.pv_verbose, print_line, NULL);
}

void rebind_note_boot(void);		/* kernel/rebind.c */

void pv_boot(void)
{
	patch_all(rom_bind());
	rebind_note_boot();		/* what the window held, for kernel/rebind.c */
}


/* ---- Issue 14: ABI 1.3 re-binding (kernel/rebind.c, SPEC.md 20) ---- */

#include <pvops/repatch.h>
#include "rebind.h"

/* The second ROM slot: a new ROM is mapped beside the old (image
 * <= 128 KiB plus data area <= 16 MiB fits in 32 MiB), so the old copy
 * stays mapped until its host has let go of it. */
#define ROM_VA2 (ROM_VA + 0x02000000)

/* The copy being let go of: its slot, pages and sealed frames. */
static struct { uint64_t va, pages, sealed_pa, sealed_pages; } rom_old;

void pv_rom_code(uint64_t *lo, uint64_t *hi)
{
	*lo = *hi = 0;
	if (vmi.bound) {
		*lo = vmi.rom_va + vmi.info.hdr.code_start;
		*hi = vmi.rom_va + vmi.info.hdr.code_end;
	}
}

void pv_rebind_unpatch(void)
{
	struct pv_apply_fail fail;
	pv_table_reset();
	if (kopts.pv_mode != PVMODE_NOPATCH &&
	    pv_unpatch_all(__pv_sites_start, __pv_sites_end, (void *const *)pv_op_table,
			   &fail) != PV_OK)
		panic("rebind: cannot unpatch site %#llx (op %s): %s",
		      (unsigned long long)fail.site->addr, pv_op_name(fail.site->op), fail.reason);
	pv_text_sync();
}

void pv_rebind_bind(void)
{
	rom_old.va = rom_pages ? rom_slot : 0;
	rom_old.pages = rom_pages;
	rom_old.sealed_pa = sealed_pa;
	rom_old.sealed_pages = sealed_pages;
	rom_slot = rom_slot == ROM_VA ? ROM_VA2 : ROM_VA;
	rom_pages = sealed_pages = 0;
	rom_bind();
}

void pv_rebind_patch(void)
{
	patch_all(vmi.bound);
}

void pv_rebind_release_old(void)
{
	if (!rom_old.pages)
		return;
	if (rom_old.sealed_pages)
		vm_direct_writable(rom_old.sealed_pa, rom_old.sealed_pages, true);
	vm_unmap_range(&kernel_as, rom_old.va, rom_old.pages);	/* frees the frames */
	klog("rebind: old ROM copy and data area freed (%llu pages)\n",
	     (unsigned long long)rom_old.pages);
	rom_old.pages = 0;
}

#endif
