/* The frontend's screen: refresh pacing, the window title, screendumps;
 * see display.h. */
#include "display.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i8042_kbc.h"
#include "machine.h"
#include "pacer.h"
#include "png.h"
#include "text_dump.h"

#define REFRESH_NS (NS_PER_SEC / 60)    /* host time between window refreshes */
#define TITLE_NS NS_PER_SEC             /* host time between MIPS updates */
#define TITLE_MAX 160

struct display {
    struct machine *m;
    struct sdl_window *window;          /* NULL: headless */
    struct vga_frame frame;
    const char *name;
    uint64_t last_refresh;              /* host ns */
    uint64_t last_title;                /* host ns */
    uint64_t title_icount;              /* guest instructions at last_title */
};

bool display_window_available(void)
{
    const char *x = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if (!(x && *x) && !(wayland && *wayland))
        return false;
    return sdl_window_available();
}

static void format_title(char *out, size_t len, const char *name, double mips)
{
    if (name && *name)
        snprintf(out, len, "%s - ember - %.0f MIPS", name, mips);
    else
        snprintf(out, len, "ember - %.0f MIPS", mips);
}

static void update_title(struct display *d, uint64_t now)
{
    if (now - d->last_title < TITLE_NS)
        return;
    uint64_t icount = d->m->cpu->icount;
    double mips = (double)(icount - d->title_icount) * 1000.0 / (double)(now - d->last_title);
    char title[TITLE_MAX];
    format_title(title, sizeof title, d->name, mips);
    sdl_window_set_title(d->window, title);
    d->last_title = now;
    d->title_icount = icount;
}

static struct display_input input_of(struct machine *m)
{
    struct display_input in = { m, machine_has_mouse(m) };
    return in;
}

struct display *display_create(struct machine *m, bool window, const char *name)
{
    struct display *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "ember: out of memory for the display\n");
        return NULL;
    }
    d->m = m;
    d->name = name;
    if (window) {
        char title[TITLE_MAX];
        format_title(title, sizeof title, name, 0.0);
        struct display_input in = input_of(m);
        d->window = sdl_window_open(title, &in);
        if (!d->window) {
            free(d);
            return NULL;
        }
    }
    d->last_refresh = d->last_title = host_ns();
    d->title_icount = m->cpu->icount;
    return d;
}

void display_destroy(struct display *d)
{
    if (!d)
        return;
    if (d->window)
        sdl_window_close(d->window);
    vga_frame_free(&d->frame);
    free(d);
}

void display_set_monitor_key(struct display *d, void (*fn)(void *opaque), void *opaque)
{
    if (d->window)
        sdl_window_set_monitor_key(d->window, fn, opaque);
}

void display_poll(struct display *d)
{
    if (!d->window)
        return;
    uint64_t now = host_ns();
    if (now - d->last_refresh < REFRESH_NS)
        return;
    d->last_refresh = now;
    if (!sdl_window_events(d->window)) {
        machine_request_poweroff(d->m);
        return;
    }
    struct vga *v = d->m->pc.vga;
    if (v && vga_render(v, vga_now(v), &d->frame) == 0)
        sdl_window_show(d->window, &d->frame);
    update_title(d, now);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int dump_text(const struct vga *v, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "ember: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = text_dump(v, f);
    if (rc < 0)
        fprintf(stderr, "ember: -screendump %s: the screen is not in a text mode\n", path);
    if (fclose(f) != 0 && rc == 0) {
        fprintf(stderr, "ember: writing %s failed: %s\n", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int display_screendump(struct machine *m, const char *path)
{
    const struct vga *v = m->pc.vga;
    if (!v) {
        fprintf(stderr, "ember: -screendump %s: this machine has no VGA\n", path);
        return -1;
    }
    if (ends_with(path, ".txt"))
        return dump_text(v, path);
    struct vga_frame frame = { 0 };
    int rc = vga_render(v, vga_now(v), &frame);
    if (rc < 0 || frame.width == 0 || frame.height == 0) {
        fprintf(stderr, "ember: -screendump %s: the VGA shows no picture (%ux%u)\n", path,
                frame.width, frame.height);
        rc = -1;
    } else {
        rc = png_write_rgb32(path, frame.pixels, frame.width, frame.height);
    }
    vga_frame_free(&frame);
    return rc;
}

#ifdef EMBER_NO_SDL
/* Built without SDL2: no window can open. */
bool sdl_window_available(void) { return false; }

struct sdl_window *sdl_window_open(const char *title, const struct display_input *input)
{
    (void)title;
    (void)input;
    fprintf(stderr, "ember: -display sdl: this ember was built without SDL2 "
                    "(install libsdl2-dev and rebuild)\n");
    return NULL;
}

void sdl_window_close(struct sdl_window *w) { (void)w; }
void sdl_window_set_title(struct sdl_window *w, const char *title) { (void)w; (void)title; }
void sdl_window_show(struct sdl_window *w, const struct vga_frame *f) { (void)w; (void)f; }
void sdl_window_set_monitor_key(struct sdl_window *w, void (*fn)(void *opaque), void *opaque)
{
    (void)w; (void)fn; (void)opaque;
}
bool sdl_window_events(struct sdl_window *w) { (void)w; return false; }
#endif
