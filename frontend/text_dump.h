/* The VGA text screen as text: one line per row, characters in code page
 * 437 written as UTF-8, trailing blanks dropped. For tests that check what
 * a guest printed ("-screendump FILE.txt") and for people reading logs. */
#ifndef EMBER_FRONTEND_TEXT_DUMP_H
#define EMBER_FRONTEND_TEXT_DUMP_H

#include <stdio.h>

#include "vga.h"

/* Writes the screen to out. Returns 0, or -1 when the card is not in a
 * text mode (nothing is written then). */
int text_dump(const struct vga *v, FILE *out);
/* The UTF-8 spelling of code page 437 character ch (0 is a blank). */
const char *text_dump_cp437(unsigned char ch);

#endif
