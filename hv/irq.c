/* irq.c: device interrupt lines into KVM's in-kernel 8259 pair and
 * IOAPIC.  A level-triggered device holds its line at 1 while it has
 * something to say (virtio: ISR non-zero) and drops it when the guest
 * acknowledges; PCI line sharing is resolved by the caller (pci.c). */
#include "hv.h"
#include "bus.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

void hv_irq_line(struct hv *hv, int line, int level)
{
	struct kvm_irq_level l = { .irq = (uint32_t)line, .level = level ? 1 : 0 };

	if (hv->irq_gate && hv->irq_gate(hv, line, level))
		return;			/* the backend raises it when the guest can take it */

	if (ioctl(hv->vm, KVM_IRQ_LINE, &l) < 0)
		hv_end(hv, HV_EXIT_INTERNAL, "KVM_IRQ_LINE %d level %d: %s",
		       line, level, strerror(errno));
}
