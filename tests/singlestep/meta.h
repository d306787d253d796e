/* metadata.json of a SingleStepTests set: per opcode (and per ModRM.reg
 * for group opcodes) the status (normal, undefined, alias, ...) and the
 * mask of flags the instruction leaves undefined. */
#ifndef EMBER_SS_META_H
#define EMBER_SS_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum meta_status {
    META_ABSENT,        /* not in metadata.json */
    META_NORMAL,
    META_UNDEFINED,
    META_ALIAS,
    META_UNDOCUMENTED,
    META_FPU,
    META_PREFIX,
    META_EXTENSION,
    META_OTHER,         /* a status this reader does not know */
    META_STATUS_COUNT
};

const char *meta_status_name(enum meta_status s);

/* Opcode keys: 0x00..0xFF, and 0x100 + second byte for 0F xx. */
#define META_KEYS 0x200

struct meta_info {
    uint8_t status;         /* enum meta_status */
    bool has_mask;
    uint16_t flags_mask;    /* AND with FLAGS: clears the undefined ones */
};

struct meta {
    struct meta_info op[META_KEYS];
    struct meta_info reg[META_KEYS][8];
    bool has_reg[META_KEYS];
};

/* Returns 0, or -1 with a message in err. */
int meta_load(struct meta *m, const char *path, char *err, size_t errlen);
/* What applies to opcode key with ModRM.reg (reg < 0: no ModRM): the
 * per-reg entry where there is one, else the opcode's own. */
struct meta_info meta_lookup(const struct meta *m, unsigned key, int reg);
/* Whether the opcode's entries differ per ModRM.reg. */
bool meta_by_reg(const struct meta *m, unsigned key);

#endif
