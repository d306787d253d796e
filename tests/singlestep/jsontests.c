/* SingleStepTests JSON files to struct ss_test; see jsontests.h. */
#include "jsontests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gzfile.h"

static int bad(struct json_tests *f, const char *what)
{
    snprintf(f->err, sizeof f->err, "test %zu: %s", f->next, what);
    return -1;
}

int jtests_open(struct json_tests *f, const char *path)
{
    memset(f, 0, sizeof *f);
    if (gz_slurp(path, &f->text, &f->len, f->err, sizeof f->err) < 0)
        return -1;
    if (json_parse((char *)f->text, f->len, &f->doc, f->err, sizeof f->err) < 0)
        return -1;
    if (f->doc.root.type != JSON_ARRAY) {
        snprintf(f->err, sizeof f->err, "the document is not an array of tests");
        return -1;
    }
    return 0;
}

void jtests_close(struct json_tests *f)
{
    json_free(&f->doc);
    free(f->text);
    ss_ram_free(&f->init_ram);
    ss_ram_free(&f->fina_ram);
    memset(f, 0, sizeof *f);
}

static int read_regs(struct json_tests *f, const struct json_value *regs, struct ss_state *s)
{
    if (!regs)
        return 0;
    if (regs->type != JSON_OBJECT)
        return bad(f, "\"regs\" is not an object");
    for (int k = 0; k < R_COUNT; k++) {
        const struct json_value *v = json_get(regs, ss_reg_names[k]);
        long long x;
        if (!v)
            continue;
        if (!json_int(v, 0, 0xFFFF, &x))
            return bad(f, "a register value is not a 16-bit integer");
        s->reg[k] = (uint16_t)x;
        s->present |= (uint16_t)(1u << k);
    }
    return 0;
}

static int read_ram(struct json_tests *f, const struct json_value *ram, struct ss_ram_buf *b)
{
    b->n = 0;
    if (!ram)
        return 0;
    if (ram->type != JSON_ARRAY)
        return bad(f, "\"ram\" is not an array");
    for (size_t k = 0; k < ram->n; k++) {
        const struct json_value *e = &ram->u.items[k];
        long long addr, val;
        if (e->type != JSON_ARRAY || e->n != 2 ||
            !json_int(&e->u.items[0], 0, 0xFFFFFFFFll, &addr) ||
            !json_int(&e->u.items[1], 0, 0xFF, &val))
            return bad(f, "a \"ram\" entry is not [address, byte]");
        if (ss_ram_push(b, (uint32_t)addr, (uint8_t)val) < 0)
            return bad(f, "out of memory");
    }
    return 0;
}

static int read_state(struct json_tests *f, const struct json_value *obj, struct ss_state *s,
                      struct ss_ram_buf *b)
{
    memset(s, 0, sizeof *s);
    if (!obj || obj->type != JSON_OBJECT)
        return bad(f, "missing \"initial\" or \"final\" object");
    if (read_regs(f, json_get(obj, "regs"), s) < 0 || read_ram(f, json_get(obj, "ram"), b) < 0)
        return -1;
    s->ram = b->v;
    s->nram = b->n;
    return 0;
}

static int read_bytes(struct json_tests *f, const struct json_value *v, struct ss_test *t)
{
    if (!v || v->type != JSON_ARRAY)
        return bad(f, "missing \"bytes\" array");
    for (size_t k = 0; k < v->n && k < SS_MAX_BYTES; k++) {
        long long x;
        if (!json_int(&v->u.items[k], 0, 0xFF, &x))
            return bad(f, "an instruction byte is not 0..255");
        t->bytes[k] = (uint8_t)x;
    }
    t->nbytes = v->n < SS_MAX_BYTES ? (unsigned)v->n : SS_MAX_BYTES;
    return 0;
}

static void read_text(const struct json_value *v, char *out, size_t cap)
{
    out[0] = 0;
    if (v && v->type == JSON_STRING)
        snprintf(out, cap, "%s", v->u.str);
}

static int read_exception(struct json_tests *f, const struct json_value *v, struct ss_test *t)
{
    long long num, addr;
    if (!v)
        return 0;
    if (!json_int(json_get(v, "number"), 0, 255, &num) ||
        !json_int(json_get(v, "flag_address"), 0, 0xFFFFFFFFll, &addr))
        return bad(f, "bad \"exception\" object");
    t->has_excp = true;
    t->excp_vector = (uint8_t)num;
    t->excp_flag_addr = (uint32_t)addr;
    return 0;
}

static uint32_t read_index(const struct json_value *obj, size_t fallback)
{
    long long x;
    if (json_int(json_get(obj, "idx"), 0, 0xFFFFFFFFll, &x) ||
        json_int(json_get(obj, "test_num"), 0, 0xFFFFFFFFll, &x))
        return (uint32_t)x;
    return (uint32_t)fallback;
}

int jtests_next(struct json_tests *f, struct ss_test *t)
{
    if (f->next >= f->doc.root.n)
        return 0;
    const struct json_value *obj = &f->doc.root.u.items[f->next];
    if (obj->type != JSON_OBJECT)
        return bad(f, "not an object");
    memset(t, 0, sizeof *t);
    t->idx = read_index(obj, f->next);
    read_text(json_get(obj, "name"), t->name, sizeof t->name);
    const struct json_value *hash = json_get(obj, "hash");
    read_text(hash ? hash : json_get(obj, "test_hash"), t->hash, sizeof t->hash);
    if (read_bytes(f, json_get(obj, "bytes"), t) < 0 ||
        read_state(f, json_get(obj, "initial"), &t->init, &f->init_ram) < 0 ||
        read_state(f, json_get(obj, "final"), &t->fina, &f->fina_ram) < 0 ||
        read_exception(f, json_get(obj, "exception"), t) < 0)
        return -1;
    f->next++;
    return 1;
}
