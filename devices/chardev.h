/* The host end of a serial line: the terminal (standard input and
 * output), an output file, or nothing. It is a struct serial_host_ops for
 * the UART, which polls it for input from a virtual-clock timer (never per
 * instruction); reading never blocks.
 *
 * When standard input is a terminal and ember is its foreground process,
 * the terminal goes into raw mode (no line editing, no echo: each key goes
 * to the guest as typed; Ctrl-C still stops ember) and is put back on
 * every way out: closing the chardev, exit() (atexit), and the signals
 * that end or stop the process. A standard input that is not a terminal
 * (a pipe, a file) is read as it is and its mode is never touched. */
#ifndef EMBER_DEVICES_CHARDEV_H
#define EMBER_DEVICES_CHARDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"
#include "ns16550_uart.h"

enum chardev_kind { CHARDEV_NULL, CHARDEV_STDIO, CHARDEV_FILE };

struct chardev {
    enum chardev_kind kind;
    FILE *out;                  /* NULL: output is dropped */
    int in_fd;                  /* -1: no (more) input */
    bool in_tty;                /* input is a terminal */
    bool raw;                   /* this chardev put the terminal in raw mode */
};

extern const struct device_ops chardev_ops;
extern const struct serial_host_ops chardev_serial_ops;

/* Open a chardev (path: the output file of CHARDEV_FILE, emptied first
 * unless append) and add it to devs, which closes it when the machine
 * goes. Returns NULL after printing why. */
struct chardev *chardev_open(struct device_list *devs, enum chardev_kind kind, const char *path,
                             bool append);

void chardev_write(struct chardev *cd, uint8_t byte);
/* 1 and *byte when a byte is waiting, 0 when none is now, -1 when the
 * input has ended (or there is none). Never blocks. */
int chardev_read(struct chardev *cd, uint8_t *byte);

#endif
