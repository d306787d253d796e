/* An interrupt line as a value handed to a device: the device drives its
 * level and never knows which controller is at the other end (STYLE.md,
 * "IRQ lines are values"). */
#ifndef EMBER_DEVICES_IRQ_H
#define EMBER_DEVICES_IRQ_H

struct irq_line {
    void (*set)(void *opaque, int n, int level);
    void *opaque;
    int n;
};

static inline void irq_set(const struct irq_line *line, int level)
{
    if (line->set)
        line->set(line->opaque, line->n, level);
}
static inline void irq_raise(const struct irq_line *line) { irq_set(line, 1); }
static inline void irq_lower(const struct irq_line *line) { irq_set(line, 0); }
/* An edge: raise then lower (for edge-triggered inputs). */
static inline void irq_pulse(const struct irq_line *line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

#endif
