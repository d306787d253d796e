/* Debug console (0xE9) and exit port (0xF4); see debug_port.h. */
#include "debug_port.h"

static uint32_t console_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)opaque; (void)addr; (void)size;
    return 0xE9;    /* Bochs's "port E9 hack" presence signature */
}

static void console_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct debug_port *d = opaque;
    (void)addr;
    if (!d->out)
        return;
    for (unsigned k = 0; k < size; k++)
        fputc((int)((value >> (8 * k)) & 0xFF), d->out);
    fflush(d->out);
}

static void bios_console_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct debug_port *d = opaque;
    (void)addr;
    if (!d->bios_out)
        return;
    for (unsigned k = 0; k < size; k++)
        fputc((int)((value >> (8 * k)) & 0xFF), d->bios_out);
    fflush(d->bios_out);
}

static void exit_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct debug_port *d = opaque;
    (void)addr;
    if (size < 4)
        value &= (1u << (8 * size)) - 1;
    d->exit_requested = true;
    d->exit_code = (int)(((value << 1) | 1) & 0xFF);
    if (d->on_exit)
        d->on_exit(d->opaque);
}

static const struct io_ops console_ops = {
    .name = "debug-console", .read = console_read, .write = console_write,
};
static const struct io_ops bios_console_ops = {
    .name = "bios-debug", .read = console_read, .write = bios_console_write,
};
static const struct io_ops exit_ops = {
    .name = "isa-debug-exit", .write = exit_write,
};

void debug_port_init(struct debug_port *d, struct io_bus *io, FILE *out,
                     void (*on_exit)(void *opaque), void *opaque)
{
    d->out = out;
    d->exit_requested = false;
    d->exit_code = 0;
    d->on_exit = on_exit;
    d->opaque = opaque;
    io_map(io, DEBUG_CONSOLE_PORT, 1, &console_ops, d);
    io_map(io, DEBUG_EXIT_PORT, 1, &exit_ops, d);
}

void debug_port_add_bios_console(struct debug_port *d, struct io_bus *io, FILE *out)
{
    d->bios_out = out;
    io_map(io, BIOS_DEBUG_PORT, 1, &bios_console_ops, d);
}
