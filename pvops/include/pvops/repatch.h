/*
 * repatch.h: undoing the boot-time pass, so a kernel whose hypervisor
 * ROM changed (SPEC.md section 20, ABI 1.3) can patch again.
 *
 * pv_apply() only patches a site that still holds its unpatched form,
 * `call *slot(%rip)` plus NOPs, and checks that before writing.  A
 * patched site holds no trace of that form, but its record does: the
 * bytes are rebuilt from the record and the op table, never read back
 * from the text.  After pv_unpatch_all() every call goes through the op
 * table again, so the kernel runs on whatever the table holds (native
 * after pv_table_reset) until it patches with the new backend.
 */
#ifndef PVOPS_REPATCH_H
#define PVOPS_REPATCH_H

#include <stdint.h>
#include <pvops/apply.h>

/* The unpatched bytes of site s (s->len of them) into out: the indirect
 * call through slot, NOP-padded.  PV_OK, or PV_ERR_RECORD / PV_ERR_REACH
 * (slot beyond rel32 of the site). */
int pv_unpatched_bytes(uint8_t *out, const struct pv_site *s, uint64_t slot);

/*
 * Writes every site in [start, end) back to its unpatched form through
 * table (slot = &table[op]), then re-reads each.  All or nothing: every
 * record is checked (op, length, overlap, reach) before the first byte
 * is written.  The caller guarantees that no CPU runs any site while
 * this runs and that the text is writable; it serializes the
 * instruction stream afterwards.  Returns PV_OK or the error, *fail
 * filled.
 */
int pv_unpatch_all(const struct pv_site *start, const struct pv_site *end,
		   void *const *table, struct pv_apply_fail *fail);

#endif
