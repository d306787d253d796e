/* Typed input for tests and scripts (-keys): a string typed into the PS/2
 * keyboard on the virtual clock, so a run with the same keys repeats
 * exactly. Character k goes down at AT + k * EVERY (with Shift around it
 * when the US layout needs it) and comes up EVERY / 2 later; the machine
 * runs while the keys arrive, and a halted guest wakes for each one.
 *
 * The value of -keys is "[at=MS,][every=MS,][text=]TEXT":
 *   at=MS       virtual milliseconds from power-on to the first key
 *               (default 1000; SeaBIOS reaches the boot sector within
 *               about 10 ms)
 *   every=MS    virtual milliseconds from one key to the next (default 40)
 *   TEXT        printable ASCII, typed on a US keyboard, and the escapes
 *               \n or \r (Enter), \t (Tab), \b (Backspace), \e (Esc),
 *               \\ (a backslash); "text=" may precede it when the text
 *               itself starts with "at=" or "every=". */
#ifndef EMBER_FRONTEND_KEYINJECT_H
#define EMBER_FRONTEND_KEYINJECT_H

#include <stdint.h>
#include <stdio.h>

struct clock;
struct ps2_keyboard;
struct keyinject;

#define KEYINJECT_DEFAULT_AT_MS 1000
#define KEYINJECT_DEFAULT_EVERY_MS 40

/* Parses the value of -keys. NULL and one line on err naming what is
 * wrong when it does not parse (or when out of memory). */
struct keyinject *keyinject_create(const char *spec, FILE *err);
/* Starts typing into kbd on clock c (the machine's). Call once. */
void keyinject_start(struct keyinject *k, struct clock *c, struct ps2_keyboard *kbd);
/* Stops typing (its timer leaves the clock) and frees k; NULL is fine. */
void keyinject_destroy(struct keyinject *k);

/* For tests: how many key events (a key going down or up) are planned,
 * and how many have been typed so far. */
unsigned keyinject_events(const struct keyinject *k);
unsigned keyinject_typed(const struct keyinject *k);

#endif
