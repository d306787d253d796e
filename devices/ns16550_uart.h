/* National Semiconductor PC16550D UART with 16-byte FIFOs, as the PC's
 * COM ports: COM1-COM4 at 0x3F8, 0x2F8, 0x3E8, 0x2E8 (IRQ 4, 3, 4, 3 on
 * the board; the board decides). Characters take their real time on the
 * wire: one character time (start, data, parity and stop bits at the baud
 * rate of the divisor latch, 1.8432 MHz / 16 / divisor) on the machine's
 * virtual clock. The IRQ pin reaches the bus only while MCR OUT2 is set
 * (the PC's interrupt gate) and the chip is not in loopback mode.
 *
 * Reference: National Semiconductor PC16550D Universal Asynchronous
 * Receiver/Transmitter with FIFOs, data sheet (June 1995): register
 * summary (Table II), interrupt control (Table IV), FIFO interrupt and
 * timeout rules, loopback mode (MCR bit 4). */
#ifndef EMBER_DEVICES_NS16550_UART_H
#define EMBER_DEVICES_NS16550_UART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "device.h"
#include "irq.h"

struct cpu;

/* Registers (offsets from the base; DLAB = LCR bit 7). */
#define UART_RBR 0      /* read, DLAB 0: receiver buffer */
#define UART_THR 0      /* write, DLAB 0: transmitter holding */
#define UART_DLL 0      /* DLAB 1: divisor latch, low byte */
#define UART_IER 1      /* DLAB 0: interrupt enable */
#define UART_DLM 1      /* DLAB 1: divisor latch, high byte */
#define UART_IIR 2      /* read: interrupt identification */
#define UART_FCR 2      /* write: FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01     /* received data available */
#define UART_IER_ETBEI 0x02     /* transmitter holding register empty */
#define UART_IER_ELSI 0x04      /* receiver line status */
#define UART_IER_EDSSI 0x08     /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID 0x0E
#define UART_IIR_MSI 0x00       /* modem status */
#define UART_IIR_THRI 0x02      /* THR empty */
#define UART_IIR_RDI 0x04       /* received data available */
#define UART_IIR_RLSI 0x06      /* receiver line status */
#define UART_IIR_CTI 0x0C       /* character timeout */
#define UART_IIR_FIFOS 0xC0     /* FIFOs enabled */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIGGER 0xC0   /* 1, 4, 8, 14 bytes */

#define UART_LCR_WLS 0x03       /* word length 5-8 */
#define UART_LCR_STB 0x04       /* 2 stop bits (1.5 with 5-bit words) */
#define UART_LCR_PEN 0x08       /* parity */
#define UART_LCR_BREAK 0x40
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_FIFO_ERROR 0x80

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u
#define UART_COM_PORTS 4

/* The host side of the serial line (a terminal, a file, a test). */
struct serial_host_ops {
    void (*send)(void *opaque, uint8_t byte);
    /* 1 and *byte when a byte waits, 0 when none waits now, -1 when the
     * input has ended for good (NULL: the host never sends). */
    int (*receive)(void *opaque, uint8_t *byte);
};

struct uart_fifo {
    uint8_t data[UART_FIFO_SIZE];
    uint8_t head, count;
};

struct ns16550 {
    struct uart_fifo rx, tx;    /* with FIFOs off each holds one byte (RBR, THR) */
    uint8_t rbr;                /* the last byte read (an empty RBR reads it again) */
    uint8_t tsr;                /* transmitter shift register */
    bool tsr_busy;
    uint64_t tsr_done;          /* virtual ns when the TSR's byte is out */
    uint8_t ier, fcr, lcr, mcr, lsr, msr, scr, dll, dlm;
    bool thre_pending;          /* the THRE interrupt, until IIR read or THR write */
    bool timeout_pending;       /* the character timeout interrupt */
    bool timeout_armed;
    uint64_t timeout_at;
    bool host_eof;              /* the host's input has ended */
    bool guest_polled;          /* LSR or RBR read since the last host poll */
    bool irq_level;

    /* Wiring (not state). */
    bool line_rate;             /* transmit at the programmed baud rate */
    struct clock *clock;
    struct irq_line irq;
    const struct serial_host_ops *host;
    void *host_opaque;
    struct timer tx_timer, timeout_timer, poll_timer;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

/* Create COM(com+1) at its standard base and add it to devs. host may be
 * NULL (nothing attached: output is dropped, the modem lines are low).
 * Returns NULL after printing why. */
struct ns16550 *ns16550_create(struct device_list *devs, struct io_bus *io, unsigned com,
                               struct irq_line irq, struct clock *clock,
                               const struct serial_host_ops *host, void *host_opaque);

/* Transmit at the programmed line rate (true) or in 1 µs per character
 * (false, the default: the host end is a terminal or a file, and a console
 * that waits for THRE after each character, as Linux's does, would spend
 * 87 µs of guest time per character at 115200 baud; QEMU's UART is
 * instant likewise). Reception and its timeouts always use the line rate. */
void ns16550_set_line_rate(struct ns16550 *u, bool on);

/* The standard I/O base of COM(com+1). */
uint16_t ns16550_com_base(unsigned com);

/* One character time at the current divisor and line format, in ns. */
uint64_t ns16550_char_ns(const struct ns16550 *u);

/* Line settings, registers and FIFO levels, for "info serial". */
void ns16550_info(const struct ns16550 *u, FILE *out);

#endif
