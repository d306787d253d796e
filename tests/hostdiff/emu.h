/* The emulator side of the differential test: one ember CPU in 32-bit
 * protected mode at CPL 3, with the native helper's segments mirrored in
 * its GDT, running one struct hd_case at a time. */
#ifndef EMBER_TESTS_HOSTDIFF_EMU_H
#define EMBER_TESTS_HOSTDIFF_EMU_H

#include <stddef.h>

#include "protocol.h"

struct emu;

/* NULL on failure, with the reason in err. */
struct emu *emu_create(const struct hd_hello *hello, char *err, size_t errlen);
void emu_destroy(struct emu *e);
void emu_run(struct emu *e, const struct hd_case *c, struct hd_result *r);

#endif
