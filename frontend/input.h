/* Host keys to PS/2 keycodes (see devices/ps2_keyboard.h). The host names
 * a key by its USB HID usage on the Keyboard/Keypad page (HID Usage
 * Tables 1.12, chapter 10), which is also the numeric value of SDL's
 * SDL_Scancode for every key of that page, so the SDL window can pass its
 * scancodes straight in without this file knowing SDL. */
#ifndef EMBER_FRONTEND_INPUT_H
#define EMBER_FRONTEND_INPUT_H

/* The keycode of a key given by its HID usage (= SDL scancode), or 0 for
 * a key the PS/2 keyboard does not have. */
unsigned ps2_keycode_from_sdl_scancode(int scancode);

#endif
