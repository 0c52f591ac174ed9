/*
 * vmwarelike.c: the VMware-like ROM: every call that needs the host goes
 * through the backdoor port (vmw_backdoor in vmw_rom.S), interrupts stay
 * native (hv injects real ones through the in-kernel 8259), page-table and
 * cr3 writes are deferred in lazy mode into a queue in the data area,
 * checked by the host in one exit and then stored in order, CPUID is
 * answered from a table the host
 * fills at init, and the clock is the TSC scaled by the frequency the host
 * gave at init.  SPEC.md section 19.2 says what each call does; vmw_abi.h
 * holds the transport and the data-area layout.
 *
 * ROM code: freestanding, position-independent, no libc, at most 512
 * bytes of the guest's stack.
 */
#define VMI_ROM_BUILD 1
#include "vmi_abi.h"
#include "vmi_rom_entries.h"
#include "vmi_rom_native.h"
#include "vmw_abi.h"

VMI_ROM_LICENSE("BSD-2-Clause");
VMI_ROM_NAME("vmwarelike");
VMI_ROM_VERSION(1);
/* hv ignores port 0x80, and page-table pages need no announcement. */
VMI_ROM_NOP(io_delay);
VMI_ROM_NOP(pt_alloc);
VMI_ROM_NOP(pt_release);

/* The data area: romtool places .bss there; the guest zeroes it. */
struct vmw_data vmw_data;

void vmw_backdoor(struct vmw_regs *r);
void vmw_set_lazy(uint64_t *entry, uint64_t val, uint32_t kind);
void vmw_queue_cr3(uint64_t cr3);
void vmw_flush(void);
void vmw_halt_note(void);
void vmw_device_notify(volatile void *va, uint64_t value, uint64_t pa);

/* One command-port call; r->bx, r->si, r->di are its arguments. */
static void vmw_cmd(uint32_t cmd, struct vmw_regs *r)
{
	r->cx = cmd;
	r->dx = VMW_PORT_CMD;
	vmw_data.n.backdoor++;
	vmw_backdoor(r);
}

/* A command with at most two arguments whose result is rbx. */
static uint64_t vmw_cmd2(uint32_t cmd, uint64_t a, uint64_t b)
{
	struct vmw_regs r = { .bx = a, .si = b };
	vmw_cmd(cmd, &r);
	return r.bx;
}

/* The physical address of [va, va+len) when one linear map holds all of
 * it (SPEC.md section 8.2); 0 when none does. */
static uint64_t vmw_virt_to_phys(uint64_t va, uint64_t len)
{
	for (uint32_t i = 0; i < vmw_data.nr_maps; i++) {
		uint64_t off = va - vmw_data.map_virt[i];
		if (va >= vmw_data.map_virt[i] && off < vmw_data.map_size[i] &&
		    len <= vmw_data.map_size[i] - off)
			return vmw_data.map_phys[i] + off;
	}
	return 0;
}

/* ---- Init --------------------------------------------------------------- */

/* The host must answer GETVERSION with our magic, protocol and product;
 * on hv with another backend the port floats (all ones), and QEMU's own
 * vmport answers with another version and product. */
static int64_t vmw_probe(void)
{
	struct vmw_regs r = { .bx = 0 };
	vmw_cmd(VMW_CMD_GETVERSION, &r);
	if ((uint32_t)r.bx != VMW_MAGIC || (uint32_t)r.ax != VMW_PROTO ||
	    (uint32_t)r.cx != VMW_PRODUCT)
		return VMI_E_NOHOST;
	return VMI_OK;
}

static int64_t vmw_check_args(const struct vmi_init_args *args)
{
	if (args->size < sizeof(*args))
		return VMI_E_ARGS;
	if (args->abi_major != VMI_ABI_MAJOR)
		return VMI_E_VERSION;
	if (args->nr_maps > VMI_INIT_MAPS)
		return VMI_E_ARGS;
	/* Delivered on 8259 line 0: the vector must be a line-0 vector. */
	if (args->timer_vector < 32 || args->timer_vector > 248 ||
	    args->timer_vector % 8)
		return VMI_E_ARGS;
	if (args->data_va != (uint64_t)(uintptr_t)__vmi_rom_data ||
	    args->data_size < sizeof(vmw_data) || args->data_pa % 4096)
		return VMI_E_LAYOUT;
	return VMI_OK;
}

/* Checks the guest's arguments, then the host; nothing in the data area
 * is trusted (or marked ready) until both agree. */
int64_t vmi_rom_init(const struct vmi_init_args *args)
{
	int64_t err = vmw_check_args(args);

	if (err == VMI_OK)
		err = vmw_probe();
	if (err != VMI_OK)
		return err;
	vmw_data.tsc_hz = vmw_cmd2(VMW_CMD_GETHZ, 0, 0);
	if (vmw_data.tsc_hz < 1000000 || vmw_data.tsc_hz > (1ull << 40))
		return VMI_E_HOST;
	vmw_data.ns_mult = (1000000000ull << 32) / vmw_data.tsc_hz;
	vmw_data.data_pa = args->data_pa;
	vmw_data.timer_vector = args->timer_vector;
	vmw_data.nr_maps = args->nr_maps;
	for (uint32_t i = 0; i < args->nr_maps; i++) {
		vmw_data.map_virt[i] = args->maps[i].virt;
		vmw_data.map_phys[i] = args->maps[i].phys;
		vmw_data.map_size[i] = args->maps[i].size;
	}
	vmw_data.cpuid_count = (uint32_t)vmw_cmd2(VMW_CMD_CPUID_FILL,
		args->data_pa + __builtin_offsetof(struct vmw_data, cpuid),
		VMW_CPUID_MAX);
	if (vmw_data.cpuid_count > VMW_CPUID_MAX)
		return VMI_E_HOST;
	vmw_data.tsc0 = vmi_rom_rdtsc();
	vmw_data.magic = VMW_DATA_MAGIC_LO;
	return VMI_OK;
}

/* ---- Deferred mode ------------------------------------------------------- */

/* Tell the guest about an update the host refused: count it, keep the
 * first, and say so on the console (a refused page-table write is a guest
 * bug worth a line, never silence). */
static void vmw_refused(uint32_t n, uint64_t first, uint64_t why)
{
	static const char msg[] = "vmwarelike: host refused a page-table update\n";

	if (vmw_data.n.refused == 0 && first < VMW_QUEUE_MAX) {
		vmw_data.refused_op = vmw_data.queue[first].op;
		vmw_data.refused_val = vmw_data.queue[first].val;
		vmw_data.refused_why = why;
	}
	vmw_data.n.refused += n;
	vmi_rom_call_console_write(msg, sizeof(msg) - 1);
}

/* The virtual address of pa through the first linear map holding it
 * (the queue holds what vmw_virt_to_phys gave; a map gives it back). */
static uint64_t *vmw_phys_to_virt(uint64_t pa)
{
	for (uint32_t i = 0; i < vmw_data.nr_maps; i++)
		if (pa >= vmw_data.map_phys[i] &&
		    pa - vmw_data.map_phys[i] < vmw_data.map_size[i])
			return (uint64_t *)(uintptr_t)(vmw_data.map_virt[i] +
						       (pa - vmw_data.map_phys[i]));
	return 0;
}

/* Store the entries the host accepted, in queue order: our own stores,
 * so the hypervisor's tracking of page-table pages sees every change. */
static void vmw_commit(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct vmw_mmu_op *q = &vmw_data.queue[i];
		uint64_t kind = q->op & 7;
		uint64_t *e;

		if (kind == VMW_OP_REFUSED)
			continue;
		if (kind == VMW_OP_CR3) {
			__asm__ volatile("mov %0, %%cr3" : : "r"(q->val) : "memory");
			continue;
		}
		e = vmw_phys_to_virt(q->op & ~7ull);
		if (e)
			*(volatile uint64_t *)e = q->val;
	}
}

/* Hand the queue to the host: one exit checks every entry; the accepted
 * ones are stored right after, in order. */
void vmw_flush(void)
{
	struct vmw_regs r;
	uint32_t n = vmw_data.queue_len;

	if (n == 0)
		return;
	r = (struct vmw_regs){
		.bx = vmw_data.data_pa + __builtin_offsetof(struct vmw_data, queue),
		.si = n,
	};
	vmw_cmd(VMW_CMD_MMU_FLUSH, &r);
	vmw_commit(n);
	vmw_data.queue_len = 0;
	vmw_data.n.flushes++;
	if ((uint32_t)r.ax != 0)
		vmw_refused((uint32_t)r.ax, r.bx, r.cx);
}

static void vmw_queue(uint64_t op, uint64_t val)
{
	if (vmw_data.queue_len == VMW_QUEUE_MAX)
		vmw_flush();
	vmw_data.queue[vmw_data.queue_len].op = op;
	vmw_data.queue[vmw_data.queue_len].val = val;
	vmw_data.queue_len++;
	vmw_data.n.queued++;
}

/* A SET_* in lazy mode.  Level-1 entries wait for the flush; a table link
 * (levels 2-4) is flushed at once, because kernels read a link right after
 * writing it to walk down.  An entry outside the linear maps cannot be
 * named to the host: the queue is flushed (order) and it is stored here. */
void vmw_set_lazy(uint64_t *entry, uint64_t val, uint32_t kind)
{
	uint64_t pa = vmw_virt_to_phys((uint64_t)(uintptr_t)entry, 8);

	if (pa == 0 || pa % 8) {
		vmw_flush();
		*(volatile uint64_t *)entry = val;
		vmw_data.n.direct++;
		return;
	}
	vmw_queue(pa | kind, val);
	if (kind != VMW_OP_PTE)
		vmw_flush();
}

/* WRITE_CR3 in lazy mode: behind the queued updates, in the same exit. */
void vmw_queue_cr3(uint64_t cr3)
{
	vmw_queue(VMW_OP_CR3, cr3);
	vmw_flush();
}

void vmi_rom_call_lazy_mmu_enter(void)
{
	vmw_data.lazy = 1;
}

void vmi_rom_call_lazy_mmu_flush(void)
{
	vmw_flush();
}

void vmi_rom_call_lazy_mmu_leave(void)
{
	vmw_flush();
	vmw_data.lazy = 0;
}

/* Flush the deferred queue, then every TLB entry. */
void vmi_rom_call_flush_tlb(void)
{
	vmw_flush();
	vmi_rom_flush_tlb_all();
}

/* ---- Time ---------------------------------------------------------------- */

uint64_t vmi_rom_call_clock_freq(void)
{
	return vmw_data.tsc_hz;
}

/* No exit: the TSC, scaled by the frequency the host gave at init. */
uint64_t vmi_rom_call_clock_read(void)
{
	uint64_t d = vmi_rom_rdtsc() - vmw_data.tsc0;
	return (uint64_t)(((unsigned __int128)d * vmw_data.ns_mult) >> 32);
}

uint64_t vmi_rom_call_wallclock(void)
{
	return vmw_cmd2(VMW_CMD_WALLCLOCK, 0, 0);
}

/* One-shot: the host raises 8259 line 0 after the delay; 0 cancels. */
int64_t vmi_rom_call_set_alarm(uint64_t deadline_ns)
{
	uint64_t now;

	vmw_data.n.alarms++;
	if (deadline_ns == 0) {
		vmw_cmd2(VMW_CMD_ALARM_CANCEL, 0, 0);
		return 0;
	}
	now = vmi_rom_call_clock_read();
	vmw_cmd2(VMW_CMD_ALARM_SET, deadline_ns > now ? deadline_ns - now : 0, 0);
	return 0;
}

/* ---- Console, halt, power -------------------------------------------------- */

/* One bulk call: n <= VMW_BULK_MAX bytes at guest-physical pa. */
static uint64_t vmw_bulk_console(uint64_t pa, uint64_t n)
{
	struct vmw_regs r = { .bx = VMW_BULK_CONSOLE, .cx = n, .dx = VMW_PORT_BULK,
			      .si = pa };
	vmw_data.n.bulk++;
	vmw_backdoor(&r);
	return (uint32_t)r.ax;
}

/* One exit per 4 KiB: the buffer is named by its physical address when a
 * linear map holds it, else copied through the data area's bounce buffer. */
int64_t vmi_rom_call_console_write(const char *buf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done < VMW_BULK_MAX ? len - done : VMW_BULK_MAX;
		uint64_t pa = vmw_virt_to_phys((uint64_t)(uintptr_t)(buf + done), n);
		if (pa == 0) {
			for (uint64_t i = 0; i < n; i++)
				vmw_data.bounce[i] = (uint8_t)buf[done + i];
			pa = vmw_data.data_pa +
			     __builtin_offsetof(struct vmw_data, bounce);
		}
		if (vmw_bulk_console(pa, n) != n)
			return done ? (int64_t)done : -1;
		done += n;
	}
	vmw_data.n.console_bytes += len;
	return (int64_t)len;
}

/* DEVICE_NOTIFY (ABI 1.1), from vmw_rom.S: one NOTIFY backdoor command
 * carrying (pa, value); hv writes value to the device's notify register.
 * va is the guest's own mapping of it, which only the native store uses. */
void vmw_device_notify(volatile void *va, uint64_t value, uint64_t pa)
{
	struct vmw_regs r = { .bx = pa, .si = value & 0xffff };

	(void)va;
	vmw_data.notify_calls++;
	vmw_cmd(VMW_CMD_NOTIFY, &r);
	if ((uint32_t)r.ax != 0)
		vmw_data.notify_refused++;
}

/* Called by the halt entries before their hlt (vmw_rom.S). */
void vmw_halt_note(void)
{
	vmw_data.n.halts++;
	vmw_cmd2(VMW_CMD_HALT, 0, 0);
}

/* The host ends the guest; if it does not, halt for ever (SPEC.md 9). */
void vmi_rom_call_shutdown(uint32_t code)
{
	vmw_cmd2(VMW_CMD_SHUTDOWN, code, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}
