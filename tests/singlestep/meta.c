/* metadata.json reader; see meta.h. */
#include "meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gzfile.h"
#include "json.h"

static const char *const status_names[META_STATUS_COUNT] = {
    [META_ABSENT] = "absent", [META_NORMAL] = "normal", [META_UNDEFINED] = "undefined",
    [META_ALIAS] = "alias", [META_UNDOCUMENTED] = "undocumented", [META_FPU] = "fpu",
    [META_PREFIX] = "prefix", [META_EXTENSION] = "extension", [META_OTHER] = "other",
};

const char *meta_status_name(enum meta_status s)
{
    return s < META_STATUS_COUNT ? status_names[s] : "?";
}

static enum meta_status status_of(const char *s)
{
    for (int k = META_NORMAL; k < META_OTHER; k++)
        if (strcmp(s, status_names[k]) == 0)
            return (enum meta_status)k;
    return META_OTHER;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "8F" -> 0x8F, "0F01" -> 0x101; -1 for anything else. */
static int key_of(const char *s)
{
    size_t n = strlen(s);
    if (n != 2 && n != 4)
        return -1;
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        int d = hex_digit(s[k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    if (n == 2)
        return v;
    return (v >> 8) == 0x0F ? 0x100 + (v & 0xFF) : -1;
}

/* status, flags-mask of one entry (either may be missing). */
static void read_info(const struct json_value *e, struct meta_info *out)
{
    const struct json_value *st = json_get(e, "status");
    long long mask;
    if (st && st->type == JSON_STRING)
        out->status = (uint8_t)status_of(st->u.str);
    if (json_int(json_get(e, "flags-mask"), 0, 0xFFFF, &mask)) {
        out->has_mask = true;
        out->flags_mask = (uint16_t)mask;
    }
}

static void read_regs(struct meta *m, unsigned key, const struct json_value *regs)
{
    if (!regs || regs->type != JSON_OBJECT)
        return;
    for (size_t k = 0; k < regs->n; k++) {
        const struct json_member *mb = &regs->u.members[k];
        if (mb->key[0] < '0' || mb->key[0] > '7' || mb->key[1])
            continue;
        read_info(&mb->value, &m->reg[key][mb->key[0] - '0']);
        m->has_reg[key] = true;
    }
}

static int read_opcodes(struct meta *m, const struct json_value *ops, char *err, size_t errlen)
{
    if (!ops || ops->type != JSON_OBJECT) {
        snprintf(err, errlen, "no \"opcodes\" object");
        return -1;
    }
    for (size_t k = 0; k < ops->n; k++) {
        const struct json_member *mb = &ops->u.members[k];
        int key = key_of(mb->key);
        if (key < 0) {
            snprintf(err, errlen, "bad opcode key \"%s\"", mb->key);
            return -1;
        }
        read_info(&mb->value, &m->op[key]);
        read_regs(m, (unsigned)key, json_get(&mb->value, "reg"));
    }
    return 0;
}

int meta_load(struct meta *m, const char *path, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    uint8_t *text;
    size_t len;
    if (gz_slurp(path, &text, &len, err, errlen) < 0)
        return -1;
    struct json_doc doc;
    int r = json_parse((char *)text, len, &doc, err, errlen);
    if (r == 0) {
        r = read_opcodes(m, json_get(&doc.root, "opcodes"), err, errlen);
        json_free(&doc);
    }
    free(text);
    return r;
}

struct meta_info meta_lookup(const struct meta *m, unsigned key, int reg)
{
    struct meta_info out = m->op[key % META_KEYS];
    if (reg < 0 || !m->has_reg[key % META_KEYS])
        return out;
    const struct meta_info *r = &m->reg[key % META_KEYS][reg & 7];
    if (r->status != META_ABSENT)
        out.status = r->status;
    if (r->has_mask) {
        out.has_mask = true;
        out.flags_mask = r->flags_mask;
    }
    return out;
}

bool meta_by_reg(const struct meta *m, unsigned key)
{
    return m->has_reg[key % META_KEYS];
}
