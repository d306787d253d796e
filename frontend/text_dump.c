/* The text screen as text; see text_dump.h.
 * Reference: IBM code page 437 (the VGA's ROM font), as Unicode. */
#include "text_dump.h"

#include <string.h>

#include "vga_render.h"

#define TEXT_MAX_COLS 256

/* 0x00-0x1F: the glyphs the font shows for control codes. */
static const char *const cp437_low[32] = {
    " ", "☺", "☻", "♥", "♦", "♣", "♠", "•", "◘", "○", "◙", "♂", "♀", "♪", "♫", "☼",
    "►", "◄", "↕", "‼", "¶", "§", "▬", "↨", "↑", "↓", "→", "←", "∟", "↔", "▲", "▼",
};

/* 0x7F-0xFF. */
static const char *const cp437_high[129] = {
    "⌂",
    "Ç", "ü", "é", "â", "ä", "à", "å", "ç", "ê", "ë", "è", "ï", "î", "ì", "Ä", "Å",
    "É", "æ", "Æ", "ô", "ö", "ò", "û", "ù", "ÿ", "Ö", "Ü", "¢", "£", "¥", "₧", "ƒ",
    "á", "í", "ó", "ú", "ñ", "Ñ", "ª", "º", "¿", "⌐", "¬", "½", "¼", "¡", "«", "»",
    "░", "▒", "▓", "│", "┤", "╡", "╢", "╖", "╕", "╣", "║", "╗", "╝", "╜", "╛", "┐",
    "└", "┴", "┬", "├", "─", "┼", "╞", "╟", "╚", "╔", "╩", "╦", "╠", "═", "╬", "╧",
    "╨", "╤", "╥", "╙", "╘", "╒", "╓", "╫", "╪", "┘", "┌", "█", "▄", "▌", "▐", "▀",
    "α", "ß", "Γ", "π", "Σ", "σ", "µ", "τ", "Φ", "Θ", "Ω", "δ", "∞", "φ", "ε", "∩",
    "≡", "±", "≥", "≤", "⌠", "⌡", "÷", "≈", "°", "∙", "·", "√", "ⁿ", "²", "■", " ",
};

const char *text_dump_cp437(unsigned char ch)
{
    static const char *const ascii[95] = {
        " ", "!", "\"", "#", "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "@", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[", "\\", "]", "^", "_",
        "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~",
    };
    if (ch < 0x20)
        return cp437_low[ch];
    if (ch < 0x7F)
        return ascii[ch - 0x20];
    return cp437_high[ch - 0x7F];
}

/* Columns up to the last one that is not a blank (0x00, 0x20 or 0xFF). */
static unsigned used_columns(const struct vga *v, unsigned row, unsigned cols)
{
    unsigned used = 0;
    for (unsigned c = 0; c < cols; c++) {
        uint8_t ch, attr;
        vga_text_cell(v, row, c, &ch, &attr);
        if (ch != 0x00 && ch != 0x20 && ch != 0xFF)
            used = c + 1;
    }
    return used;
}

int text_dump(const struct vga *v, FILE *out)
{
    if (!vga_text_mode(v))
        return -1;
    unsigned cols, rows;
    vga_text_size(v, &cols, &rows);
    if (cols > TEXT_MAX_COLS)
        cols = TEXT_MAX_COLS;
    for (unsigned r = 0; r < rows; r++) {
        unsigned used = used_columns(v, r, cols);
        for (unsigned c = 0; c < used; c++) {
            uint8_t ch, attr;
            vga_text_cell(v, r, c, &ch, &attr);
            fputs(text_dump_cp437(ch), out);
        }
        fputc('\n', out);
    }
    return 0;
}
