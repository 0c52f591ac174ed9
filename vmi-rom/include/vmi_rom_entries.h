/*
 * vmi_rom_entries.h: the C signatures of a ROM's entries, for ROM code
 * written in C (SPEC.md sections 8 and 9).  romtool finds the entries by
 * these names; a ROM defines the ones its answers name.  Entries of the
 * callee-save and instruction classes (irq, cpu, entry writes, invlpg,
 * write_cr3) are written in assembly and have no C signature here.
 */
#ifndef VMI_ROM_ENTRIES_H
#define VMI_ROM_ENTRIES_H

#include <stdint.h>
#include "vmi_abi.h"

/* The two fixed entries (section 8). */
int64_t vmi_rom_init(const struct vmi_init_args *args);
int64_t vmi_rom_query(uint32_t call, struct vmi_reloc *out);
/* The static call table's answer, from vmi-rom/rom_query.c. */
int64_t vmi_rom_static_answer(uint32_t call, struct vmi_reloc *out);

/* SysV-class calls (section 9). */
void vmi_rom_call_lazy_mmu_enter(void);
void vmi_rom_call_lazy_mmu_flush(void);
void vmi_rom_call_lazy_mmu_leave(void);
void vmi_rom_call_flush_tlb(void);
void vmi_rom_call_pt_alloc(uint64_t pa, uint32_t level);
void vmi_rom_call_pt_release(uint64_t pa, uint32_t level);
uint64_t vmi_rom_call_clock_freq(void);
uint64_t vmi_rom_call_clock_read(void);
uint64_t vmi_rom_call_wallclock(void);
int64_t vmi_rom_call_set_alarm(uint64_t deadline_ns);
int64_t vmi_rom_call_console_write(const char *buf, uint64_t len);
void vmi_rom_call_shutdown(uint32_t code);
void vmi_rom_call_reboot(void);

#endif
