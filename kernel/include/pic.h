/*
 * pic.h: the 8259 pair and the timer.
 */
#ifndef PIC_H
#define PIC_H

#include <stdint.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
void pic_mask(int irq);
void pic_set_level(int irq);

/* timer.c: ticks from the pvops one-shot alarm. */
#define TIMER_HZ 100
extern volatile uint64_t timer_ticks;
void timer_init(void);
void timer_wait_ticks(uint64_t n);

#endif
