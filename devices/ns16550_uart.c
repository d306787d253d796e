/* National Semiconductor PC16550D UART; see ns16550_uart.h.
 *
 * Reference: PC16550D data sheet. Register names and bits as in its
 * Table II; the interrupt priorities of Table IV (receiver line status,
 * received data available, character timeout, THR empty, modem status);
 * the FIFO rules of section 8.7 (trigger levels, the timeout after four
 * character times without FIFO activity, overrun keeps the FIFO and
 * loses the shift register); loopback (MCR bit 4) wiring DTR->DSR,
 * RTS->CTS, OUT1->RI, OUT2->DCD and the transmitter to the receiver.
 *
 * The transmitter: a byte written to THR (or the transmit FIFO) moves to
 * the shift register (TSR) as soon as that is free, which empties THR
 * (THRE, and its interrupt); the TSR's byte reaches the line one
 * character time later, when the next byte moves in; TEMT once both are
 * empty. Bytes from the host are taken one per character time, and only
 * while there is room for them, so pasted input is not lost. */
#include "ns16550_uart.h"

#include <stdio.h>
#include <stdlib.h>

#include "debugger.h"

static const uint16_t com_base[UART_COM_PORTS] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
static const uint8_t trigger_levels[4] = { 1, 4, 8, 14 };

#define POWER_ON_DIVISOR 12     /* 9600 baud until the guest programs one */
#define TIMEOUT_CHARS 4
#define LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

uint16_t ns16550_com_base(unsigned com)
{
    return com < UART_COM_PORTS ? com_base[com] : 0;
}

/* ---- FIFOs ---- */

static void fifo_clear(struct uart_fifo *f)
{
    f->head = 0;
    f->count = 0;
}

static void fifo_push(struct uart_fifo *f, uint8_t byte)
{
    f->data[(f->head + f->count) % UART_FIFO_SIZE] = byte;
    f->count++;
}

static uint8_t fifo_pop(struct uart_fifo *f)
{
    uint8_t byte = f->data[f->head];
    f->head = (uint8_t)((f->head + 1) % UART_FIFO_SIZE);
    f->count--;
    return byte;
}

static bool fifo_mode(const struct ns16550 *u)
{
    return (u->fcr & UART_FCR_ENABLE) != 0;
}

/* With the FIFOs off, RBR and THR are one-byte FIFOs. */
static unsigned capacity(const struct ns16550 *u)
{
    return fifo_mode(u) ? UART_FIFO_SIZE : 1;
}

/* ---- timing ---- */

uint64_t ns16550_char_ns(const struct ns16550 *u)
{
    uint64_t divisor = (uint64_t)u->dll | ((uint64_t)u->dlm << 8);
    if (divisor == 0)
        divisor = 0x10000;      /* the 16-bit divider counts through zero */
    unsigned data_bits = 5 + (u->lcr & UART_LCR_WLS);
    unsigned half_bits = 2 + 2 * data_bits + ((u->lcr & UART_LCR_PEN) ? 2 : 0);
    if (!(u->lcr & UART_LCR_STB))
        half_bits += 2;
    else
        half_bits += data_bits == 5 ? 3 : 4;
    return half_bits * divisor * 16 * NS_PER_SEC / (2ull * UART_CLOCK_HZ);
}

static uint64_t now(const struct ns16550 *u)
{
    return clock_now(u->clock);
}

/* ---- interrupts ---- */

static bool rx_data_available(const struct ns16550 *u)
{
    if (!fifo_mode(u))
        return u->rx.count > 0;
    return u->rx.count >= trigger_levels[(u->fcr & UART_FCR_TRIGGER) >> 6];
}

/* The highest-priority pending interrupt (Table IV), as IIR bits 0-3. */
static uint8_t interrupt_id(const struct ns16550 *u)
{
    if ((u->ier & UART_IER_ELSI) && (u->lsr & LSR_ERRORS))
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_ERBFI) && rx_data_available(u))
        return UART_IIR_RDI;
    if ((u->ier & UART_IER_ERBFI) && u->timeout_pending)
        return UART_IIR_CTI;
    if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_EDSSI) && (u->msr & 0x0F))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

/* The PC gates the INTR pin with OUT2; loopback holds OUT2 inactive. */
static bool irq_output(const struct ns16550 *u)
{
    return interrupt_id(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2) &&
           !(u->mcr & UART_MCR_LOOP);
}

static void update_irq(struct ns16550 *u)
{
    bool level = irq_output(u);
    if (level == u->irq_level)
        return;
    u->irq_level = level;
    irq_set(&u->irq, level);
}

static void guest_polls(struct ns16550 *u);

/* ---- receiver ---- */

/* The character timeout: four character times with bytes in the FIFO and
 * none arriving or read. */
static void restart_timeout(struct ns16550 *u)
{
    if (!fifo_mode(u) || u->rx.count == 0) {
        u->timeout_armed = false;
        timer_cancel(u->clock, &u->timeout_timer);
        return;
    }
    u->timeout_armed = true;
    u->timeout_at = now(u) + TIMEOUT_CHARS * ns16550_char_ns(u);
    timer_arm(u->clock, &u->timeout_timer, u->timeout_at);
}

static void timeout_fire(void *opaque)
{
    struct ns16550 *u = opaque;
    u->timeout_armed = false;
    if (fifo_mode(u) && u->rx.count > 0)
        u->timeout_pending = true;
    update_irq(u);
}

/* A byte arrives from the line. Overrun: a full FIFO keeps its bytes and
 * loses the new one; without FIFOs the new byte overwrites RBR. */
static void receive(struct ns16550 *u, uint8_t byte)
{
    if (u->rx.count >= capacity(u)) {
        u->lsr |= UART_LSR_OE;
        if (!fifo_mode(u))
            u->rx.data[u->rx.head] = byte;
    } else {
        fifo_push(&u->rx, byte);
    }
    u->timeout_pending = false;
    restart_timeout(u);
    update_irq(u);
}

static uint8_t read_rbr(struct ns16550 *u)
{
    guest_polls(u);
    if (u->rx.count) {
        u->rbr = fifo_pop(&u->rx);
        u->timeout_pending = false;
        restart_timeout(u);
        update_irq(u);
    }
    return u->rbr;
}

/* ---- transmitter ---- */

#define FAST_TX_NS 1000         /* see ns16550_set_line_rate */

void ns16550_set_line_rate(struct ns16550 *u, bool on)
{
    u->line_rate = on;
}

static uint64_t transmit_ns(const struct ns16550 *u)
{
    return u->line_rate ? ns16550_char_ns(u) : FAST_TX_NS;
}

static void start_transmit(struct ns16550 *u)
{
    if (u->tsr_busy || u->tx.count == 0)
        return;
    u->tsr = fifo_pop(&u->tx);
    u->tsr_busy = true;
    u->tsr_done = now(u) + transmit_ns(u);
    timer_arm(u->clock, &u->tx_timer, u->tsr_done);
    if (u->tx.count == 0)
        u->thre_pending = true;
}

static void transmit_done(void *opaque)
{
    struct ns16550 *u = opaque;
    u->tsr_busy = false;
    if (u->mcr & UART_MCR_LOOP)
        receive(u, u->tsr);
    else if (u->host && u->host->send)
        u->host->send(u->host_opaque, u->tsr);
    start_transmit(u);
    update_irq(u);
}

static void write_thr(struct ns16550 *u, uint8_t byte)
{
    if (u->tx.count < capacity(u))
        fifo_push(&u->tx, byte);
    else if (!fifo_mode(u))
        u->tx.data[u->tx.head] = byte;      /* THR overwritten */
    u->thre_pending = false;
    start_transmit(u);
    update_irq(u);
}

/* ---- host input ----
 * The host is polled once per character time while the guest can take
 * the bytes: while the received-data interrupt is enabled, or while the
 * guest keeps reading LSR or RBR (a polling driver). An idle port leaves
 * no timer behind, so a halted guest that does not use it stays halted. */

static bool host_can_send(const struct ns16550 *u)
{
    return u->host && u->host->receive && !u->host_eof;
}

static void start_polling(struct ns16550 *u)
{
    if (host_can_send(u) && !u->poll_timer.armed)
        timer_arm(u->clock, &u->poll_timer, now(u) + ns16550_char_ns(u));
}

static void poll_fire(void *opaque)
{
    struct ns16550 *u = opaque;
    if (!(u->mcr & UART_MCR_LOOP) && u->rx.count < capacity(u)) {
        uint8_t byte;
        int got = u->host->receive(u->host_opaque, &byte);
        if (got > 0)
            receive(u, byte);
        else if (got < 0)
            u->host_eof = true;
    }
    if ((u->ier & UART_IER_ERBFI) || u->guest_polled)
        start_polling(u);
    u->guest_polled = false;
}

/* The guest looked for input: keep the host polled. */
static void guest_polls(struct ns16550 *u)
{
    u->guest_polled = true;
    start_polling(u);
}

/* ---- modem lines ---- */

static uint8_t modem_inputs(const struct ns16550 *u)
{
    uint8_t in = 0;
    if (u->mcr & UART_MCR_LOOP) {
        if (u->mcr & UART_MCR_RTS)
            in |= UART_MSR_CTS;
        if (u->mcr & UART_MCR_DTR)
            in |= UART_MSR_DSR;
        if (u->mcr & UART_MCR_OUT1)
            in |= UART_MSR_RI;
        if (u->mcr & UART_MCR_OUT2)
            in |= UART_MSR_DCD;
    } else if (u->host) {
        in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;   /* a terminal is there */
    }
    return in;
}

/* New input levels, with the delta bits for what changed (TERI: RI fell). */
static void update_msr(struct ns16550 *u)
{
    uint8_t in = modem_inputs(u), old = u->msr & 0xF0, delta = u->msr & 0x0F;
    uint8_t changed = in ^ old;
    if (changed & UART_MSR_CTS)
        delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        delta |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        delta |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI))
        delta |= UART_MSR_TERI;
    u->msr = in | delta;
}

/* ---- registers ---- */

static uint8_t read_iir(struct ns16550 *u)
{
    uint8_t id = interrupt_id(u);
    if (id == UART_IIR_THRI) {
        u->thre_pending = false;
        update_irq(u);
    }
    return (uint8_t)(id | (fifo_mode(u) ? UART_IIR_FIFOS : 0));
}

static uint8_t read_lsr(struct ns16550 *u)
{
    guest_polls(u);
    uint8_t lsr = u->lsr;
    if (u->rx.count)
        lsr |= UART_LSR_DR;
    if (u->tx.count == 0)
        lsr |= UART_LSR_THRE;
    if (u->tx.count == 0 && !u->tsr_busy)
        lsr |= UART_LSR_TEMT;
    if (fifo_mode(u) && (u->lsr & (UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)))
        lsr |= UART_LSR_FIFO_ERROR;
    u->lsr &= (uint8_t)~LSR_ERRORS;
    update_irq(u);
    return lsr;
}

static uint8_t read_msr(struct ns16550 *u)
{
    uint8_t msr = u->msr;
    u->msr &= 0xF0;
    update_irq(u);
    return msr;
}

/* Enabling ETBEI with THR empty raises the THRE interrupt. */
static void write_ier(struct ns16550 *u, uint8_t value)
{
    uint8_t enabled = (uint8_t)(value & 0x0F & ~u->ier);
    u->ier = value & 0x0F;
    if ((enabled & UART_IER_ETBEI) && u->tx.count == 0)
        u->thre_pending = true;
    if (u->ier & UART_IER_ERBFI)
        start_polling(u);
    update_irq(u);
}

static void clear_rx(struct ns16550 *u)
{
    fifo_clear(&u->rx);
    u->timeout_pending = false;
    restart_timeout(u);
}

static void clear_tx(struct ns16550 *u)
{
    if (u->tx.count)
        u->thre_pending = true;
    fifo_clear(&u->tx);
}

/* FCR: bit 0 must be set for the other bits to count; switching the
 * FIFOs on or off empties both. */
static void write_fcr(struct ns16550 *u, uint8_t value)
{
    if ((value ^ u->fcr) & UART_FCR_ENABLE) {
        clear_rx(u);
        clear_tx(u);
    }
    if (!(value & UART_FCR_ENABLE)) {
        u->fcr = 0;
    } else {
        u->fcr = value & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIGGER);
        if (value & UART_FCR_CLEAR_RCVR)
            clear_rx(u);
        if (value & UART_FCR_CLEAR_XMIT)
            clear_tx(u);
    }
    update_irq(u);
}

/* Set Break (LCR bit 6) would hold the serial output at spacing (0):
 * nothing carries a break to the host, or back to the receiver (BI) in
 * loopback mode. */
static void write_lcr(struct ns16550 *u, uint8_t value)
{
    if (value & UART_LCR_BREAK)
        trace_unimp(u, "16550 UART LCR %02xh sets break control (bit 6), which is not "
                    "implemented: no break goes out on the line", value);
    u->lcr = value;
}

static void write_mcr(struct ns16550 *u, uint8_t value)
{
    u->mcr = value & 0x1F;
    update_msr(u);
    update_irq(u);
}

static uint8_t uart_read(struct ns16550 *u, unsigned reg)
{
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    switch (reg) {
    case UART_RBR: return dlab ? u->dll : read_rbr(u);
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR: return read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return read_lsr(u);
    case UART_MSR: return read_msr(u);
    default: return u->scr;
    }
}

/* LSR and MSR are read-only (writes are the factory's test mode). */
static void uart_write(struct ns16550 *u, unsigned reg, uint8_t value)
{
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    switch (reg) {
    case UART_THR:
        if (dlab)
            u->dll = value;
        else
            write_thr(u, value);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = value;
        else
            write_ier(u, value);
        break;
    case UART_FCR: write_fcr(u, value); break;
    case UART_LCR: write_lcr(u, value); break;
    case UART_MCR: write_mcr(u, value); break;
    case UART_SCR: u->scr = value; break;
    default: break;
    }
}

/* Wide accesses reach consecutive registers, lowest first. */
static uint32_t port_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)uart_read(opaque, (addr + k) & 7) << (8 * k);
    return value;
}

static void port_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        uart_write(opaque, (addr + k) & 7, (uint8_t)(value >> (8 * k)));
}

static const struct io_ops uart_io_ops = {
    .name = "ns16550", .read = port_read, .write = port_write,
};

/* ---- device ---- */

/* Master reset (Table III): registers cleared but the divisor latch and
 * the scratch register; both FIFOs and the shift registers emptied. */
static void uart_reset(void *dev)
{
    struct ns16550 *u = dev;
    u->ier = u->fcr = u->lcr = u->mcr = u->lsr = 0;
    fifo_clear(&u->rx);
    fifo_clear(&u->tx);
    u->tsr_busy = false;
    u->thre_pending = u->timeout_pending = u->timeout_armed = false;
    timer_cancel(u->clock, &u->tx_timer);
    timer_cancel(u->clock, &u->timeout_timer);
    u->msr = 0;
    update_msr(u);
    u->msr &= 0xF0;
    update_irq(u);
}

/* The machine stops: what the guest wrote that the line has not sent yet
 * still reaches the host (a guest that exits right after printing its
 * last line loses nothing). */
static void flush_to_host(struct ns16550 *u)
{
    if (!u->host || !u->host->send || (u->mcr & UART_MCR_LOOP))
        return;
    if (u->tsr_busy)
        u->host->send(u->host_opaque, u->tsr);
    while (u->tx.count)
        u->host->send(u->host_opaque, fifo_pop(&u->tx));
    u->tsr_busy = false;
}

static void uart_destroy(void *dev)
{
    struct ns16550 *u = dev;
    flush_to_host(u);
    timer_cancel(u->clock, &u->tx_timer);
    timer_cancel(u->clock, &u->timeout_timer);
    timer_cancel(u->clock, &u->poll_timer);
    free(u);
}

static void clamp_fifo(struct uart_fifo *f)
{
    f->head %= UART_FIFO_SIZE;
    if (f->count > UART_FIFO_SIZE)
        f->count = UART_FIFO_SIZE;
}

/* Timers and the IRQ line are not in the image: rebuild them. */
static void uart_post_load(void *dev)
{
    struct ns16550 *u = dev;
    clamp_fifo(&u->rx);
    clamp_fifo(&u->tx);
    timer_cancel(u->clock, &u->tx_timer);
    timer_cancel(u->clock, &u->timeout_timer);
    timer_cancel(u->clock, &u->poll_timer);
    if (u->tsr_busy)
        timer_arm(u->clock, &u->tx_timer, u->tsr_done);
    if (u->timeout_armed)
        timer_arm(u->clock, &u->timeout_timer, u->timeout_at);
    if (u->ier & UART_IER_ERBFI)
        start_polling(u);
    u->irq_level = irq_output(u);
    irq_set(&u->irq, u->irq_level);
}

static const struct state_field uart_fields[] = {
    STATE_FIELD(struct ns16550, rx),
    STATE_FIELD(struct ns16550, tx),
    STATE_FIELD(struct ns16550, rbr),
    STATE_FIELD(struct ns16550, tsr),
    STATE_FIELD(struct ns16550, tsr_busy),
    STATE_FIELD(struct ns16550, tsr_done),
    STATE_FIELD(struct ns16550, ier),
    STATE_FIELD(struct ns16550, fcr),
    STATE_FIELD(struct ns16550, lcr),
    STATE_FIELD(struct ns16550, mcr),
    STATE_FIELD(struct ns16550, lsr),
    STATE_FIELD(struct ns16550, msr),
    STATE_FIELD(struct ns16550, scr),
    STATE_FIELD(struct ns16550, dll),
    STATE_FIELD(struct ns16550, dlm),
    STATE_FIELD(struct ns16550, thre_pending),
    STATE_FIELD(struct ns16550, timeout_pending),
    STATE_FIELD(struct ns16550, timeout_armed),
    STATE_FIELD(struct ns16550, timeout_at),
    STATE_FIELD(struct ns16550, host_eof),
    STATE_FIELD(struct ns16550, irq_level),
};

static const struct device_state uart_state = {
    .version = 1,
    .fields = uart_fields,
    .nfields = sizeof uart_fields / sizeof uart_fields[0],
    .post_load = uart_post_load,
};

static void uart_set_cpu(void *dev, struct cpu *cpu)
{
    struct ns16550 *u = dev;
    u->cpu = cpu;
}

/* One name per port: snapshots find each device by its name. */
#define UART_OPS(port_name)                                                  \
    { .name = port_name, .reset = uart_reset, .destroy = uart_destroy,       \
      .state = &uart_state, .set_cpu = uart_set_cpu }

static const struct device_ops uart_ops[UART_COM_PORTS] = {
    UART_OPS("com1"), UART_OPS("com2"), UART_OPS("com3"), UART_OPS("com4"),
};

struct ns16550 *ns16550_create(struct device_list *devs, struct io_bus *io, unsigned com,
                               struct irq_line irq, struct clock *clock,
                               const struct serial_host_ops *host, void *host_opaque)
{
    if (com >= UART_COM_PORTS)
        return NULL;
    struct ns16550 *u = calloc(1, sizeof *u);
    if (!u) {
        fprintf(stderr, "ember: out of memory for COM%u\n", com + 1);
        return NULL;
    }
    u->clock = clock;
    u->irq = irq;
    u->host = host;
    u->host_opaque = host_opaque;
    u->dll = POWER_ON_DIVISOR;
    timer_init(&u->tx_timer, transmit_done, u);
    timer_init(&u->timeout_timer, timeout_fire, u);
    timer_init(&u->poll_timer, poll_fire, u);
    if (io_map(io, com_base[com], 8, &uart_io_ops, u) < 0 ||
        device_add(devs, &uart_ops[com], u) < 0) {
        fprintf(stderr, "ember: cannot set up COM%u\n", com + 1);
        free(u);
        return NULL;
    }
    uart_reset(u);
    return u;
}

/* ------------------------------------------------------------------------
 * The monitor's "info serial" */

void ns16550_info(const struct ns16550 *u, FILE *out)
{
    unsigned divisor = (unsigned)u->dlm << 8 | u->dll;
    unsigned bits = 5 + (u->lcr & UART_LCR_WLS);
    fprintf(out, "  %u baud, %u%c%s, FIFOs %s (trigger %u), %s\n",
            divisor ? UART_CLOCK_HZ / 16 / divisor : 0, bits,
            (u->lcr & UART_LCR_PEN) ? ((u->lcr & 0x10) ? 'E' : 'O') : 'N',
            (u->lcr & UART_LCR_STB) ? "2" : "1", fifo_mode(u) ? "on" : "off",
            trigger_levels[u->fcr >> 6], u->host ? "connected to the host" : "nothing attached");
    fprintf(out, "  IER=%02x IIR=%02x LCR=%02x MCR=%02x LSR=%02x MSR=%02x SCR=%02x DLL=%02x "
                 "DLM=%02x\n",
            u->ier, interrupt_id(u) | (fifo_mode(u) ? UART_IIR_FIFOS : 0), u->lcr, u->mcr,
            u->lsr, u->msr, u->scr, u->dll, u->dlm);
    fprintf(out, "  rx FIFO %u byte(s), tx FIFO %u byte(s), shift register %s, IRQ %d%s\n",
            u->rx.count, u->tx.count, u->tsr_busy ? "busy" : "empty", u->irq_level,
            u->host_eof ? ", host input ended" : "");
}
