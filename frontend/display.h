/* The frontend's screen and input: the narrow interface between the
 * emulated machine and a window. The core never calls the window: between
 * CPU slices the machine calls display_poll(), which (about 60 times a
 * second of host time) draws the VGA's picture with vga_render() and hands
 * the host's keyboard and mouse events to the PS/2 keyboard and mouse.
 * With no window (-display none) nothing is drawn per frame; a screendump
 * draws one picture on request.
 *
 * The SDL2 window itself lives in sdl_window.c behind the sdl_window_*
 * functions below; only display.c calls them. */
#ifndef EMBER_FRONTEND_DISPLAY_H
#define EMBER_FRONTEND_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "vga_render.h"

struct machine;
struct display;

/* Whether a window can be opened here: SDL2 was built in, a display
 * server is named ($DISPLAY or $WAYLAND_DISPLAY) and SDL's video starts. */
bool display_window_available(void);

/* A window titled "NAME - ember - N MIPS" (window = true) or a headless
 * display. Returns NULL after printing why. */
struct display *display_create(struct machine *m, bool window, const char *name);
void display_destroy(struct display *d);

/* Between CPU slices: refresh the window and take input when a frame's
 * worth of host time has passed; otherwise only reads the host clock.
 * Closing the window powers the machine off. */
void display_poll(struct display *d);

/* Ctrl+Alt+2 in the window calls fn (the monitor, as QEMU's console 2). */
void display_set_monitor_key(struct display *d, void (*fn)(void *opaque), void *opaque);

/* Write the screen now: FILE.txt gets the text screen (text modes only),
 * any other name a PNG of the picture. Returns 0, or -1 after printing why. */
int display_screendump(struct machine *m, const char *path);

/* ---- The SDL2 window (sdl_window.c) ---- */

struct sdl_window;

/* Where the window's input goes: the machine (machine_key() and
 * machine_mouse(), which a recording notes); NULL: nowhere. */
struct display_input {
    struct machine *machine;
    bool mouse;                 /* a mouse is plugged in */
};

bool sdl_window_available(void);
/* NULL after printing why. */
struct sdl_window *sdl_window_open(const char *title, const struct display_input *input);
void sdl_window_close(struct sdl_window *w);
void sdl_window_set_title(struct sdl_window *w, const char *title);
/* Show the picture, scaled to the window with its display aspect ratio. */
void sdl_window_show(struct sdl_window *w, const struct vga_frame *f);
/* Ctrl+Alt+2 calls fn(opaque). */
void sdl_window_set_monitor_key(struct sdl_window *w, void (*fn)(void *opaque), void *opaque);
/* Handle pending host events; returns false when the user closed the window. */
bool sdl_window_events(struct sdl_window *w);

#endif
