/* The device list: reset, destroy and state snapshots; see device.h.
 * Snapshot layout per device: name (NUL-terminated), version (u32), then
 * each field's bytes in declaration order. */
#include "device.h"

#include <string.h>

int device_add(struct device_list *list, const struct device_ops *ops, void *dev)
{
    if (list->count >= MACHINE_MAX_DEVICES)
        return -1;
    list->entries[list->count].ops = ops;
    list->entries[list->count].dev = dev;
    list->count++;
    return 0;
}

void devices_reset(struct device_list *list)
{
    for (unsigned k = 0; k < list->count; k++)
        if (list->entries[k].ops->reset)
            list->entries[k].ops->reset(list->entries[k].dev);
}

void devices_set_cpu(struct device_list *list, struct cpu *cpu)
{
    for (unsigned k = 0; k < list->count; k++)
        if (list->entries[k].ops->set_cpu)
            list->entries[k].ops->set_cpu(list->entries[k].dev, cpu);
}

void devices_destroy(struct device_list *list)
{
    for (unsigned k = list->count; k-- > 0;)
        if (list->entries[k].ops->destroy)
            list->entries[k].ops->destroy(list->entries[k].dev);
    list->count = 0;
}

static size_t put(uint8_t *buf, size_t cap, size_t pos, const void *src, size_t n)
{
    if (buf && pos + n <= cap)
        memcpy(buf + pos, src, n);
    return pos + n;
}

size_t devices_save(const struct device_list *list, uint8_t *buf, size_t cap)
{
    size_t pos = 0;
    for (unsigned k = 0; k < list->count; k++) {
        const struct device_ops *ops = list->entries[k].ops;
        const uint8_t *dev = list->entries[k].dev;
        if (!ops->state)
            continue;
        pos = put(buf, cap, pos, ops->name, strlen(ops->name) + 1);
        uint32_t version = (uint32_t)ops->state->version;
        pos = put(buf, cap, pos, &version, sizeof version);
        for (unsigned f = 0; f < ops->state->nfields; f++) {
            const struct state_field *fd = &ops->state->fields[f];
            pos = put(buf, cap, pos, dev + fd->offset, fd->size);
        }
    }
    return pos;
}

static const struct device_entry *find_device(const struct device_list *list, const char *name)
{
    for (unsigned k = 0; k < list->count; k++)
        if (list->entries[k].ops->state && !strcmp(list->entries[k].ops->name, name))
            return &list->entries[k];
    return NULL;
}

int devices_load(struct device_list *list, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *name = (const char *)buf + pos;
        size_t name_len = strnlen(name, len - pos);
        if (name_len == len - pos)
            return -1;
        pos += name_len + 1;
        const struct device_entry *e = find_device(list, name);
        uint32_t version;
        if (!e || pos + sizeof version > len)
            return -1;
        memcpy(&version, buf + pos, sizeof version);
        pos += sizeof version;
        const struct device_state *st = e->ops->state;
        if ((int)version != st->version)
            return -1;
        for (unsigned f = 0; f < st->nfields; f++) {
            const struct state_field *fd = &st->fields[f];
            if (pos + fd->size > len)
                return -1;
            memcpy((uint8_t *)e->dev + fd->offset, buf + pos, fd->size);
            pos += fd->size;
        }
        if (st->post_load)
            st->post_load(e->dev);
    }
    return 0;
}
