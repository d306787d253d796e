/* The SDL2 window: the VGA's picture scaled to the window at the mode's
 * display aspect ratio (letterboxed), the host keyboard as PC keys (by SDL
 * scancode, so the layout is the guest's business), and the mouse, which
 * the window grabs on a click and lets go on Ctrl+Alt. See display.h. */
#include "display.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "machine.h"
#include "ps2_keyboard.h"
#include "ps2_mouse.h"

#define TITLE_MAX 200
#define MIN_WINDOW_HEIGHT 400       /* small modes are shown at 2x or more */

struct sdl_window {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    unsigned tex_w, tex_h;          /* the texture's size: the last mode */
    struct display_input input;
    bool grabbed;
    unsigned buttons;               /* PS2_MOUSE_* held */
    void (*monitor_key)(void *opaque);  /* Ctrl+Alt+2 */
    void *monitor_opaque;
    char title[TITLE_MAX];
};

bool sdl_window_available(void)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return false;
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return true;
}

static void apply_title(struct sdl_window *w)
{
    char full[TITLE_MAX + 40];
    snprintf(full, sizeof full, "%s%s", w->title,
             w->grabbed ? " - Ctrl+Alt releases the mouse" : "");
    SDL_SetWindowTitle(w->window, full);
}

void sdl_window_set_title(struct sdl_window *w, const char *title)
{
    snprintf(w->title, sizeof w->title, "%s", title);
    apply_title(w);
}

struct sdl_window *sdl_window_open(const char *title, const struct display_input *input)
{
    struct sdl_window *w = calloc(1, sizeof *w);
    if (!w || SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "ember: -display sdl: cannot start SDL video: %s\n",
                w ? SDL_GetError() : "out of memory");
        free(w);
        return NULL;
    }
    w->input = *input;
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0");
    w->window = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720,
                                 540, SDL_WINDOW_RESIZABLE);
    if (w->window)
        w->renderer = SDL_CreateRenderer(w->window, -1, 0);
    if (!w->renderer) {
        fprintf(stderr, "ember: -display sdl: cannot open a window: %s\n", SDL_GetError());
        sdl_window_close(w);
        return NULL;
    }
    sdl_window_set_title(w, title);
    return w;
}

void sdl_window_close(struct sdl_window *w)
{
    if (w->texture)
        SDL_DestroyTexture(w->texture);
    if (w->renderer)
        SDL_DestroyRenderer(w->renderer);
    if (w->window)
        SDL_DestroyWindow(w->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(w);
}

/* ---- The picture ---- */

/* A new mode: a texture of its size, and a window of its shape (at least
 * MIN_WINDOW_HEIGHT tall, in whole multiples). */
static bool resize_for(struct sdl_window *w, const struct vga_frame *f)
{
    if (w->texture)
        SDL_DestroyTexture(w->texture);
    w->texture = SDL_CreateTexture(w->renderer, SDL_PIXELFORMAT_ARGB8888,
                                   SDL_TEXTUREACCESS_STREAMING, (int)f->width, (int)f->height);
    if (!w->texture)
        return false;
    w->tex_w = f->width;
    w->tex_h = f->height;
    unsigned height = f->width * f->aspect_h / f->aspect_w;
    unsigned scale = height ? (MIN_WINDOW_HEIGHT + height - 1) / height : 1;
    unsigned width = f->width * scale;
    height *= scale;
    SDL_SetWindowSize(w->window, (int)width, (int)height);
    return true;
}

/* The largest rectangle of the picture's aspect ratio that fits, centred. */
static SDL_Rect fit(int out_w, int out_h, unsigned aspect_w, unsigned aspect_h)
{
    SDL_Rect r = { 0, 0, out_w, out_h };
    if ((int64_t)out_w * aspect_h > (int64_t)out_h * aspect_w)
        r.w = (int)((int64_t)out_h * aspect_w / aspect_h);
    else
        r.h = (int)((int64_t)out_w * aspect_h / aspect_w);
    r.x = (out_w - r.w) / 2;
    r.y = (out_h - r.h) / 2;
    return r;
}

void sdl_window_show(struct sdl_window *w, const struct vga_frame *f)
{
    if (!f->width || !f->height || !f->aspect_w || !f->aspect_h)
        return;
    if ((f->width != w->tex_w || f->height != w->tex_h || !w->texture) && !resize_for(w, f))
        return;
    SDL_UpdateTexture(w->texture, NULL, f->pixels, (int)(f->width * sizeof *f->pixels));
    int out_w, out_h;
    SDL_GetRendererOutputSize(w->renderer, &out_w, &out_h);
    SDL_Rect dst = fit(out_w, out_h, f->aspect_w, f->aspect_h);
    SDL_SetRenderDrawColor(w->renderer, 0, 0, 0, 255);
    SDL_RenderClear(w->renderer);
    SDL_RenderCopy(w->renderer, w->texture, NULL, &dst);
    SDL_RenderPresent(w->renderer);
}

/* ---- Input ---- */

static void set_grab(struct sdl_window *w, bool grab)
{
    w->grabbed = grab;
    SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE);
    apply_title(w);
}

void sdl_window_set_monitor_key(struct sdl_window *w, void (*fn)(void *opaque), void *opaque)
{
    w->monitor_key = fn;
    w->monitor_opaque = opaque;
}

static void key_event(struct sdl_window *w, const SDL_KeyboardEvent *e)
{
    bool down = e->type == SDL_KEYDOWN;
    SDL_Keymod mod = SDL_GetModState();
    if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT) && e->keysym.scancode == SDL_SCANCODE_2 &&
        w->monitor_key) {
        w->monitor_key(w->monitor_opaque);  /* the monitor, not the guest's key */
        return;
    }
    if (down && w->grabbed && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        set_grab(w, false);
        return;
    }
    unsigned code = (unsigned)ps2_keycode_from_sdl_scancode(e->keysym.scancode);
    if (code && w->input.machine)
        machine_key(w->input.machine, code, down);
}

static unsigned button_bit(uint8_t sdl_button)
{
    switch (sdl_button) {
    case SDL_BUTTON_LEFT: return PS2_MOUSE_LEFT;
    case SDL_BUTTON_RIGHT: return PS2_MOUSE_RIGHT;
    case SDL_BUTTON_MIDDLE: return PS2_MOUSE_MIDDLE;
    case SDL_BUTTON_X1: return PS2_MOUSE_BUTTON4;
    case SDL_BUTTON_X2: return PS2_MOUSE_BUTTON5;
    default: return 0;
    }
}

static void button_event(struct sdl_window *w, const SDL_MouseButtonEvent *e)
{
    if (!w->input.machine || !w->input.mouse)
        return;
    if (!w->grabbed) {
        if (e->type == SDL_MOUSEBUTTONDOWN && e->button == SDL_BUTTON_LEFT)
            set_grab(w, true);          /* the click that grabs is not the guest's */
        return;
    }
    if (e->type == SDL_MOUSEBUTTONDOWN)
        w->buttons |= button_bit(e->button);
    else
        w->buttons &= ~button_bit(e->button);
    machine_mouse(w->input.machine, 0, 0, 0, w->buttons);
}

static void motion_event(struct sdl_window *w, const SDL_Event *e)
{
    if (!w->grabbed || !w->input.machine || !w->input.mouse)
        return;
    if (e->type == SDL_MOUSEMOTION)
        machine_mouse(w->input.machine, e->motion.xrel, -e->motion.yrel, 0, w->buttons);
    else
        machine_mouse(w->input.machine, 0, 0, -e->wheel.y, w->buttons);
}

bool sdl_window_events(struct sdl_window *w)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            return false;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            key_event(w, &e.key);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            button_event(w, &e.button);
            break;
        case SDL_MOUSEMOTION:
        case SDL_MOUSEWHEEL:
            motion_event(w, &e);
            break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST && w->grabbed)
                set_grab(w, false);
            break;
        default:
            break;
        }
    }
    return true;
}
