/* What every device offers the machine: a name, reset, destroy, and a
 * declaration of its state for snapshots (versioned fields and a
 * post-load hook, after QEMU's VMStateDescription). A device is a struct
 * of its own; the machine keeps a list of (ops, device) pairs. */
#ifndef EMBER_DEVICES_DEVICE_H
#define EMBER_DEVICES_DEVICE_H

#include <stddef.h>
#include <stdint.h>

struct state_field {
    const char *name;
    uint32_t offset;
    uint32_t size;
};

/* One field of a device struct: STATE_FIELD(struct i8254, counters). */
#define STATE_FIELD(type, member) \
    { #member, (uint32_t)offsetof(type, member), (uint32_t)sizeof(((type *)0)->member) }

struct device_state {
    int version;
    const struct state_field *fields;
    unsigned nfields;
    /* Recompute derived state (timers, IRQ levels) after a load. */
    void (*post_load)(void *dev);
};

struct cpu;

struct device_ops {
    const char *name;
    void (*reset)(void *dev);
    void (*destroy)(void *dev);
    const struct device_state *state;
    /* The machine's CPU, kept by a device that reports what the guest asks
     * of it that it does not implement: trace_unimp(dev, ...) looks at the
     * CPU's debugger (cpu->dbg, NULL while none is attached) when it
     * reports (-d unimp; cpu/debugger.h). NULL for devices that report
     * nothing. Called once, after the board is built. */
    void (*set_cpu)(void *dev, struct cpu *cpu);
};

#define MACHINE_MAX_DEVICES 64

struct device_entry {
    const struct device_ops *ops;
    void *dev;
};

struct device_list {
    struct device_entry entries[MACHINE_MAX_DEVICES];
    unsigned count;
};

/* Returns 0, or -1 when the list is full. */
int device_add(struct device_list *list, const struct device_ops *ops, void *dev);
void devices_reset(struct device_list *list);
/* Hand cpu to every device that has set_cpu. */
void devices_set_cpu(struct device_list *list, struct cpu *cpu);
void devices_destroy(struct device_list *list);

/* Snapshots of device state: a byte image of every declared field, by
 * device name and version. save returns the bytes written (or the size
 * needed when buf is NULL); load returns 0 or -1 on a mismatch. */
size_t devices_save(const struct device_list *list, uint8_t *buf, size_t cap);
int devices_load(struct device_list *list, const uint8_t *buf, size_t len);

#endif
