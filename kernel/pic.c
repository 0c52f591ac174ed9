/*
 * pic.c: the two 8259 interrupt controllers, remapped to vectors 32-47
 * so they do not collide with exceptions, all lines masked until a
 * driver asks.  Port I/O is not paravirtualized; the delays between
 * initialisation words are (pv_io_delay).
 */
#include "kernel.h"
#include "pic.h"
#include "trap.h"
#include <pvops/pvops.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static uint16_t mask = 0xffff & ~(1 << 2);	/* cascade line open */

static void pic_out(uint16_t port, uint8_t v)
{
	outb(port, v);
	pv_io_delay();
}

static void pic_write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	pic_out(PIC1_CMD, 0x11);		/* ICW1: edge, cascade, ICW4 */
	pic_out(PIC2_CMD, 0x11);
	pic_out(PIC1_DATA, IRQ_BASE);		/* ICW2: vector base */
	pic_out(PIC2_DATA, IRQ_BASE + 8);
	pic_out(PIC1_DATA, 4);			/* ICW3: slave on line 2 */
	pic_out(PIC2_DATA, 2);
	pic_out(PIC1_DATA, 1);			/* ICW4: 8086 mode */
	pic_out(PIC2_DATA, 1);
	pic_write_mask();
}

void pic_unmask(int irq)
{
	mask &= ~(1u << irq);
	pic_write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}

void pic_mask(int irq)
{
	mask |= (uint16_t)(1u << irq);
	pic_write_mask();
}

/*
 * Makes a line level-triggered in the edge/level control registers
 * (ports 0x4d0/0x4d1, the PIIX ELCR): PCI INTx lines are level, and a
 * shared line must be, or a second device raising it while the first
 * still holds it high would be lost.  Firmware usually did it already.
 */
void pic_set_level(int irq)
{
	uint16_t port = irq < 8 ? 0x4d0 : 0x4d1;
	uint8_t bit = (uint8_t)(1u << (irq & 7));
	uint8_t v = inb(port);
	if (!(v & bit))
		outb(port, v | bit);
}
