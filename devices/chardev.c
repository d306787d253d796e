/* The host end of a serial line; see chardev.h.
 *
 * References: POSIX termios (General Terminal Interface: canonical and
 * non-canonical input, tcsetattr from a background process and SIGTTOU),
 * sigaction and async-signal-safe functions (tcsetattr, sigaction, raise,
 * sigprocmask are on the list).
 *
 * The terminal's saved mode is the one piece of static state in ember: a
 * process has one controlling terminal, and neither atexit() nor a signal
 * handler can be handed a pointer, so the mode to restore has to be where
 * they can find it. Machines share it (a count of users). */
#include "chardev.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Signals after which the terminal must be sane again. The first ones
 * come from outside and may have a handler of the program's that lets it
 * go on; the others are faults, after which it will not. */
static const int exit_signals[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
};
#define EXIT_SIGNALS (sizeof exit_signals / sizeof exit_signals[0])
#define FIRST_FAULT_SIGNAL 4    /* SIGABRT onwards end the process */

static struct {
    struct termios saved;                   /* the mode to put back */
    volatile sig_atomic_t raw;              /* raw mode is on */
    unsigned users;                         /* chardevs that asked for it */
    bool hooks;                             /* atexit and handlers are in */
    struct sigaction previous[EXIT_SIGNALS];
    struct sigaction previous_tstp;
} tty;

/* ---- terminal modes ---- */

/* tcsetattr from a background process raises SIGTTOU unless it is
 * blocked; block it so leaving never stops the process. */
static void tty_set(const struct termios *t)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTTOU);
    sigprocmask(SIG_BLOCK, &block, &old);
    tcsetattr(STDIN_FILENO, TCSANOW, t);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Bytes as typed: no line editing, echo, CR->NL or flow control, 8 bits.
 * ISIG stays (Ctrl-C, Ctrl-Z reach ember) and so does output processing
 * (a guest's bare LF still starts a new line). */
static void tty_enter_raw(void)
{
    struct termios t = tty.saved;
    t.c_iflag &= (tcflag_t)~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= (tcflag_t)~(ECHO | ECHONL | ICANON | IEXTEN);
    t.c_cflag &= (tcflag_t)~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tty_set(&t);
    tty.raw = 1;
}

static void tty_leave_raw(void)
{
    if (!tty.raw)
        return;
    tty_set(&tty.saved);
    tty.raw = 0;
}

/* ---- leaving on every path ---- */

static void at_exit(void)
{
    tty_leave_raw();
}

static int signal_index(int sig)
{
    for (unsigned k = 0; k < EXIT_SIGNALS; k++)
        if (exit_signals[k] == sig)
            return (int)k;
    return -1;
}

static bool is_handler(const struct sigaction *sa)
{
    if (sa->sa_flags & SA_SIGINFO)
        return sa->sa_sigaction != NULL;
    return sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN;
}

static void call_handler(const struct sigaction *sa, int sig, siginfo_t *info, void *ctx)
{
    if (sa->sa_flags & SA_SIGINFO)
        sa->sa_sigaction(sig, info, ctx);
    else
        sa->sa_handler(sig);
}

/* A program's own handler runs as before (and the terminal stays raw if
 * it carries on, unless the signal is a fault); otherwise the terminal is
 * restored and the signal does what it would have done. */
static void on_exit_signal(int sig, siginfo_t *info, void *ctx)
{
    int saved_errno = errno;
    int k = signal_index(sig);
    if (k < 0)
        return;
    const struct sigaction *prev = &tty.previous[k];
    if (k >= FIRST_FAULT_SIGNAL || !is_handler(prev))
        tty_leave_raw();
    if (is_handler(prev)) {
        call_handler(prev, sig, info, ctx);
    } else {
        sigaction(sig, prev, NULL);
        raise(sig);     /* delivered with the old action once we return */
    }
    errno = saved_errno;
}

static void install_tstp(void);

/* Ctrl-Z: the shell gets its terminal back while ember is stopped, and
 * raw mode returns with SIGCONT. */
static void on_stop_signal(int sig)
{
    int saved_errno = errno;
    bool was_raw = tty.raw;
    tty_leave_raw();
    signal(sig, SIG_DFL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    raise(sig);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);   /* stops here until SIGCONT */
    if (was_raw && tty.users)
        tty_enter_raw();
    install_tstp();
    errno = saved_errno;
}

static void install_tstp(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTSTP, &sa, NULL);
}

/* Handlers for the signals not ignored (nohup's SIGHUP stays ignored). */
static void install_hooks(void)
{
    if (tty.hooks)
        return;
    tty.hooks = true;
    atexit(at_exit);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_exit_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    for (unsigned k = 0; k < EXIT_SIGNALS; k++) {
        sigaction(exit_signals[k], NULL, &tty.previous[k]);
        if (tty.previous[k].sa_handler != SIG_IGN || (tty.previous[k].sa_flags & SA_SIGINFO))
            sigaction(exit_signals[k], &sa, NULL);
    }
    sigaction(SIGTSTP, NULL, &tty.previous_tstp);
    if (tty.previous_tstp.sa_handler == SIG_DFL && !(tty.previous_tstp.sa_flags & SA_SIGINFO))
        install_tstp();
}

static bool foreground(int fd)
{
    return tcgetpgrp(fd) == getpgrp();
}

/* Raw mode for this chardev, when stdin is our terminal and we own it. */
static void tty_acquire(struct chardev *cd)
{
    if (!cd->in_tty || !foreground(STDIN_FILENO))
        return;
    if (tty.users == 0) {
        if (tcgetattr(STDIN_FILENO, &tty.saved) != 0)
            return;
        install_hooks();
        tty_enter_raw();
    }
    tty.users++;
    cd->raw = true;
}

static void tty_release(struct chardev *cd)
{
    if (!cd->raw)
        return;
    cd->raw = false;
    if (--tty.users == 0)
        tty_leave_raw();
}

/* ---- the chardev ---- */

void chardev_write(struct chardev *cd, uint8_t byte)
{
    if (!cd->out)
        return;
    fputc(byte, cd->out);
    fflush(cd->out);
}

int chardev_read(struct chardev *cd, uint8_t *byte)
{
    if (cd->in_fd < 0)
        return -1;
    if (cd->in_tty && !foreground(cd->in_fd))
        return 0;           /* reading would stop us with SIGTTIN */
    struct pollfd p = { .fd = cd->in_fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return 0;
    ssize_t n = read(cd->in_fd, byte, 1);
    if (n == 1)
        return 1;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    cd->in_fd = -1;         /* end of input, or an error that will stay */
    return -1;
}

static void serial_send(void *opaque, uint8_t byte)
{
    chardev_write(opaque, byte);
}

static int serial_receive(void *opaque, uint8_t *byte)
{
    return chardev_read(opaque, byte);
}

const struct serial_host_ops chardev_serial_ops = {
    .send = serial_send,
    .receive = serial_receive,
};

static void chardev_close(void *dev)
{
    struct chardev *cd = dev;
    tty_release(cd);
    if (cd->kind == CHARDEV_FILE && cd->out)
        fclose(cd->out);
    else if (cd->out)
        fflush(cd->out);
    free(cd);
}

const struct device_ops chardev_ops = {
    .name = "chardev",
    .destroy = chardev_close,
};

static int open_kind(struct chardev *cd, const char *path, bool append)
{
    switch (cd->kind) {
    case CHARDEV_STDIO:
        cd->out = stdout;
        cd->in_fd = STDIN_FILENO;
        cd->in_tty = isatty(STDIN_FILENO) != 0;
        tty_acquire(cd);
        return 0;
    case CHARDEV_FILE:
        cd->out = fopen(path, append ? "ab" : "wb");
        if (!cd->out) {
            fprintf(stderr, "ember: -serial file:%s: %s\n", path, strerror(errno));
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}

struct chardev *chardev_open(struct device_list *devs, enum chardev_kind kind, const char *path,
                             bool append)
{
    struct chardev *cd = calloc(1, sizeof *cd);
    if (!cd) {
        fprintf(stderr, "ember: out of memory for the serial line\n");
        return NULL;
    }
    cd->kind = kind;
    cd->in_fd = -1;
    if (open_kind(cd, path, append) < 0) {
        free(cd);
        return NULL;
    }
    if (device_add(devs, &chardev_ops, cd) < 0) {
        fprintf(stderr, "ember: too many devices to add the serial line\n");
        chardev_close(cd);
        return NULL;
    }
    return cd;
}
