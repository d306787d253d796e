/* DAA, DAS, AAA and AAS as SDM vol. 2 specifies them (the 286+
 * algorithms). The 8086 computes some inputs differently; the runner
 * uses these to tell those tests apart. */
#ifndef EMBER_SS_BCD_H
#define EMBER_SS_BCD_H

#include <stdbool.h>
#include <stdint.h>

struct bcd_result {
    uint16_t ax;
    bool cf, af;
};

/* op is 0x27 (DAA), 0x2F (DAS), 0x37 (AAA) or 0x3F (AAS); flags supply
 * CF and AF. */
struct bcd_result bcd_sdm(uint8_t op, uint16_t ax, uint16_t flags);

#endif
