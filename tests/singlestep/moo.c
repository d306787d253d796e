/* MOO v1 reader; see moo.h. All multi-byte fields are little-endian and
 * every length is checked against the bytes that remain. */
#include "moo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gzfile.h"

struct chunk {
    char tag[5];
    const uint8_t *p;
    uint32_t len;
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The chunk at *pos inside buf[0..len): 1, 0 at the end, -1 if truncated. */
static int next_chunk(const uint8_t *buf, size_t len, size_t *pos, struct chunk *c)
{
    if (*pos == len)
        return 0;
    if (len - *pos < 8)
        return -1;
    memcpy(c->tag, buf + *pos, 4);
    c->tag[4] = 0;
    c->len = le32(buf + *pos + 4);
    if (len - *pos - 8 < c->len)
        return -1;
    c->p = buf + *pos + 8;
    *pos += 8 + (size_t)c->len;
    return 1;
}

static int bad(struct moo_reader *r, const char *what, const char *tag)
{
    snprintf(r->err, sizeof r->err, "MOO format error near byte %zu: %s%s%s",
             r->pos, what, tag ? " in " : "", tag ? tag : "");
    return -1;
}

int moo_open(struct moo_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    if (gz_slurp(path, &r->data, &r->len, r->err, sizeof r->err) < 0)
        return -1;
    struct chunk c;
    if (next_chunk(r->data, r->len, &r->pos, &c) != 1 || strcmp(c.tag, "MOO ") != 0 || c.len < 12)
        return bad(r, "missing MOO header", NULL);
    if (c.p[0] != 1)
        return bad(r, "unsupported major version (want 1)", NULL);
    r->count = le32(c.p + 4);
    memcpy(r->cpu, c.p + 8, 4);
    r->cpu[4] = 0;
    return 0;
}

void moo_close(struct moo_reader *r)
{
    free(r->data);
    ss_ram_free(&r->init_ram);
    ss_ram_free(&r->fina_ram);
    memset(r, 0, sizeof *r);
}

static int read_regs(struct moo_reader *r, const struct chunk *c, struct ss_state *s)
{
    if (c->len < 2)
        return bad(r, "short REGS", NULL);
    uint16_t mask = le16(c->p);
    if (mask >> R_COUNT)
        return bad(r, "unknown register bits", "REGS");
    size_t off = 2;
    for (int k = 0; k < R_COUNT; k++) {
        if (!((mask >> k) & 1))
            continue;
        if (off + 2 > c->len)
            return bad(r, "short REGS", NULL);
        s->reg[k] = le16(c->p + off);
        off += 2;
    }
    s->present = mask;
    return 0;
}

static int read_ram(struct moo_reader *r, const struct chunk *c, struct ss_ram_buf *b)
{
    if (c->len < 4)
        return bad(r, "short RAM", NULL);
    uint32_t n = le32(c->p);
    if ((c->len - 4) / 5 < n)
        return bad(r, "short RAM", NULL);
    for (uint32_t k = 0; k < n; k++) {
        const uint8_t *e = c->p + 4 + 5 * (size_t)k;
        if (ss_ram_push(b, le32(e), e[4]) < 0)
            return bad(r, "out of memory", NULL);
    }
    return 0;
}

/* An INIT or FINA chunk: REGS, RAM and QUEU sub-chunks. */
static int read_state(struct moo_reader *r, const struct chunk *c, struct ss_state *s,
                      struct ss_ram_buf *b)
{
    memset(s, 0, sizeof *s);
    b->n = 0;
    size_t pos = 0;
    struct chunk sub;
    int st;
    while ((st = next_chunk(c->p, c->len, &pos, &sub)) == 1) {
        if (strcmp(sub.tag, "REGS") == 0 && read_regs(r, &sub, s) < 0)
            return -1;
        if (strcmp(sub.tag, "RAM ") == 0 && read_ram(r, &sub, b) < 0)
            return -1;
    }
    if (st < 0)
        return bad(r, "truncated chunk", c->tag);
    s->ram = b->v;
    s->nram = b->n;
    return 0;
}

static void hex_of(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = digits[p[k] >> 4];
        out[2 * k + 1] = digits[p[k] & 15];
    }
    out[2 * n] = 0;
}

/* A length-prefixed field (NAME, BYTS) into out, cut to cap - keep bytes. */
static int read_counted(struct moo_reader *r, const struct chunk *c, uint8_t *out,
                        size_t cap, size_t *n)
{
    if (c->len < 4 || le32(c->p) > c->len - 4)
        return bad(r, "bad length", c->tag);
    size_t len = le32(c->p);
    *n = len < cap ? len : cap;
    memcpy(out, c->p + 4, *n);
    return 0;
}

static int read_field(struct moo_reader *r, const struct chunk *c, struct ss_test *t)
{
    size_t n;
    if (strcmp(c->tag, "NAME") == 0) {
        if (read_counted(r, c, (uint8_t *)t->name, sizeof t->name - 1, &n) < 0)
            return -1;
        t->name[n] = 0;
    } else if (strcmp(c->tag, "BYTS") == 0) {
        if (read_counted(r, c, t->bytes, sizeof t->bytes, &n) < 0)
            return -1;
        t->nbytes = (unsigned)n;
    } else if (strcmp(c->tag, "INIT") == 0) {
        return read_state(r, c, &t->init, &r->init_ram);
    } else if (strcmp(c->tag, "FINA") == 0) {
        return read_state(r, c, &t->fina, &r->fina_ram);
    } else if (strcmp(c->tag, "EXCP") == 0) {
        if (c->len < 5)
            return bad(r, "short EXCP", NULL);
        t->has_excp = true;
        t->excp_vector = c->p[0];
        t->excp_flag_addr = le32(c->p + 1);
    } else if (strcmp(c->tag, "HASH") == 0) {
        hex_of(c->p, c->len < 32 ? c->len : 32, t->hash);
    }
    return 0;
}

int moo_next(struct moo_reader *r, struct ss_test *t)
{
    struct chunk c;
    int st;
    while ((st = next_chunk(r->data, r->len, &r->pos, &c)) == 1 && strcmp(c.tag, "TEST") != 0)
        ;   /* META, GMET and the like */
    if (st <= 0)
        return st < 0 ? bad(r, "truncated chunk", NULL) : 0;
    if (c.len < 4)
        return bad(r, "short TEST", NULL);
    memset(t, 0, sizeof *t);
    t->idx = le32(c.p);
    size_t pos = 4;
    struct chunk sub;
    while ((st = next_chunk(c.p, c.len, &pos, &sub)) == 1)
        if (read_field(r, &sub, t) < 0)
            return -1;
    if (st < 0)
        return bad(r, "truncated chunk", "TEST");
    return 1;
}
