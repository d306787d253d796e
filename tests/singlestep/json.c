/* A small recursive-descent JSON reader; see json.h.
 *
 * Containers are built on two scratch stacks (values and object members):
 * the children of an array or object are pushed as they are parsed, then
 * copied in one piece into the arena when the container closes, so every
 * node is allocated exactly once and the tree needs no per-node frees. */
#include "json.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64
#define ARENA_BLOCK ((size_t)1 << 20)

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct json_arena {
    struct arena_block *head;
};

static void *arena_alloc(struct json_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

static void arena_destroy(struct json_arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    free(a);
}

struct parser {
    char *p, *end, *start;
    struct json_arena *arena;
    struct json_value *vstack;
    size_t vn, vcap;
    struct json_member *mstack;
    size_t mn, mcap;
    int depth;
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "JSON error at byte %zu: %s",
             (size_t)(ps->p - ps->start), what);
    return -1;
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int parse_value(struct parser *ps, struct json_value *out);

static int push_value(struct parser *ps, const struct json_value *v)
{
    if (ps->vn == ps->vcap) {
        size_t ncap = ps->vcap ? ps->vcap * 2 : 256;
        struct json_value *ns = realloc(ps->vstack, ncap * sizeof *ns);
        if (!ns)
            return fail(ps, "out of memory");
        ps->vstack = ns;
        ps->vcap = ncap;
    }
    ps->vstack[ps->vn++] = *v;
    return 0;
}

static int push_member(struct parser *ps, const struct json_member *m)
{
    if (ps->mn == ps->mcap) {
        size_t ncap = ps->mcap ? ps->mcap * 2 : 64;
        struct json_member *ns = realloc(ps->mstack, ncap * sizeof *ns);
        if (!ns)
            return fail(ps, "out of memory");
        ps->mstack = ns;
        ps->mcap = ncap;
    }
    ps->mstack[ps->mn++] = *m;
    return 0;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *dst, unsigned cp)
{
    if (cp < 0x80) {
        *dst++ = (char)cp;
    } else if (cp < 0x800) {
        *dst++ = (char)(0xC0 | (cp >> 6));
        *dst++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *dst++ = (char)(0xE0 | (cp >> 12));
        *dst++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *dst++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *dst++ = (char)(0xF0 | (cp >> 18));
        *dst++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *dst++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *dst++ = (char)(0x80 | (cp & 0x3F));
    }
    return dst;
}

/* \uXXXX (and a following low surrogate) at ps->p, which points at 'u'. */
static int parse_unicode(struct parser *ps, unsigned *cp)
{
    if (ps->end - ps->p < 5 || hex4(ps->p + 1, cp) < 0)
        return fail(ps, "bad \\u escape");
    ps->p += 5;
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return 0;
    unsigned lo;
    if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
        hex4(ps->p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
        return fail(ps, "unpaired surrogate in \\u escape");
    ps->p += 6;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 0;
}

/* One escape after the backslash; writes its bytes at *dst. */
static int parse_escape(struct parser *ps, char **dst)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    char c = *ps->p;
    if (c == 'u') {
        unsigned cp;
        if (parse_unicode(ps, &cp) < 0)
            return -1;
        *dst = put_utf8(*dst, cp);
        return 0;
    }
    const char *hit = c ? strchr(from, c) : NULL;
    if (!hit)
        return fail(ps, "bad escape");
    *(*dst)++ = to[hit - from];
    ps->p++;
    return 0;
}

/* A string at ps->p (the opening quote), decoded in place. The decoded
 * form is never longer than the source, so it can overwrite it. */
static int parse_string(struct parser *ps, const char **s, size_t *n)
{
    char *dst = ++ps->p;
    const char *begin = dst;
    for (;;) {
        if (ps->p >= ps->end)
            return fail(ps, "unterminated string");
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            *dst = 0;
            break;
        }
        if (c < 0x20)
            return fail(ps, "control character in string");
        if (c == '\\') {
            ps->p++;
            if (parse_escape(ps, &dst) < 0)
                return -1;
        } else {
            *dst++ = (char)c;
            ps->p++;
        }
    }
    *s = begin;
    *n = (size_t)(dst - begin);
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps, struct json_value *out)
{
    char *s = ps->p;
    bool neg = *s == '-', exact = true;
    if (neg)
        s++;
    if (!is_digit(*s))
        return fail(ps, "bad number");
    if (*s == '0' && is_digit(s[1]))
        return fail(ps, "leading zero in number");
    unsigned long long v = 0;
    for (; is_digit(*s); s++) {
        if (v >= (1ull << 53) / 10)
            exact = false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    if (*s == '.') {
        exact = false;
        if (!is_digit(*++s))
            return fail(ps, "bad fraction");
        while (is_digit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        exact = false;
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!is_digit(*s))
            return fail(ps, "bad exponent");
        while (is_digit(*s))
            s++;
    }
    out->type = JSON_NUMBER;
    out->n = 0;
    if (exact)
        out->u.num = neg ? -(double)v : (double)v;
    else
        out->u.num = strtod(ps->p, NULL);
    ps->p = s;
    return 0;
}

static int parse_literal(struct parser *ps, struct json_value *out)
{
    static const struct { const char *text; enum json_type type; bool b; } lits[] = {
        { "true", JSON_BOOL, true }, { "false", JSON_BOOL, false }, { "null", JSON_NULL, false },
    };
    for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
        size_t n = strlen(lits[k].text);
        if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, lits[k].text, n) == 0) {
            out->type = lits[k].type;
            out->n = 0;
            out->u.b = lits[k].b;
            ps->p += n;
            return 0;
        }
    }
    return fail(ps, "unexpected character");
}

/* After an element: ',' (more follow, returns 1) or the closer (returns 0). */
static int next_or_close(struct parser *ps, char closer)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        skip_ws(ps);
        return 1;
    }
    if (ps->p < ps->end && *ps->p == closer) {
        ps->p++;
        return 0;
    }
    return fail(ps, closer == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
}

static int parse_array(struct parser *ps, struct json_value *out)
{
    size_t base = ps->vn;
    ps->p++;
    skip_ws(ps);
    int more = 1;
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        more = 0;
    }
    while (more > 0) {
        struct json_value v;
        if (parse_value(ps, &v) < 0 || push_value(ps, &v) < 0)
            return -1;
        more = next_or_close(ps, ']');
    }
    if (more < 0)
        return -1;
    size_t n = ps->vn - base;
    out->type = JSON_ARRAY;
    out->n = n;
    out->u.items = arena_alloc(ps->arena, n * sizeof *out->u.items + 1);
    if (!out->u.items)
        return fail(ps, "out of memory");
    if (n)
        memcpy(out->u.items, ps->vstack + base, n * sizeof *out->u.items);
    ps->vn = base;
    return 0;
}

static int parse_member(struct parser *ps)
{
    struct json_member m;
    size_t keylen;
    if (ps->p >= ps->end || *ps->p != '"')
        return fail(ps, "expected a member name");
    if (parse_string(ps, &m.key, &keylen) < 0)
        return -1;
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':')
        return fail(ps, "expected ':'");
    ps->p++;
    skip_ws(ps);
    if (parse_value(ps, &m.value) < 0)
        return -1;
    return push_member(ps, &m);
}

static int parse_object(struct parser *ps, struct json_value *out)
{
    size_t base = ps->mn;
    ps->p++;
    skip_ws(ps);
    int more = 1;
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        more = 0;
    }
    while (more > 0) {
        if (parse_member(ps) < 0)
            return -1;
        more = next_or_close(ps, '}');
    }
    if (more < 0)
        return -1;
    size_t n = ps->mn - base;
    out->type = JSON_OBJECT;
    out->n = n;
    out->u.members = arena_alloc(ps->arena, n * sizeof *out->u.members + 1);
    if (!out->u.members)
        return fail(ps, "out of memory");
    if (n)
        memcpy(out->u.members, ps->mstack + base, n * sizeof *out->u.members);
    ps->mn = base;
    return 0;
}

static int parse_value(struct parser *ps, struct json_value *out)
{
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of text");
    char c = *ps->p;
    if (c == '"') {
        out->type = JSON_STRING;
        return parse_string(ps, &out->u.str, &out->n);
    }
    if (c == '-' || is_digit(c))
        return parse_number(ps, out);
    if (c != '[' && c != '{')
        return parse_literal(ps, out);
    if (++ps->depth > JSON_MAX_DEPTH)
        return fail(ps, "nested too deeply");
    int r = c == '[' ? parse_array(ps, out) : parse_object(ps, out);
    ps->depth--;
    return r;
}

int json_parse(char *text, size_t len, struct json_doc *doc, char *err, size_t errlen)
{
    struct parser ps = { .p = text, .end = text + len, .start = text,
                         .err = err, .errlen = errlen };
    doc->arena = ps.arena = calloc(1, sizeof *ps.arena);
    if (!ps.arena) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    skip_ws(&ps);
    int r = parse_value(&ps, &doc->root);
    if (r == 0) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            r = fail(&ps, "text after the document");
    }
    free(ps.vstack);
    free(ps.mstack);
    if (r < 0) {
        arena_destroy(doc->arena);
        doc->arena = NULL;
    }
    return r;
}

void json_free(struct json_doc *doc)
{
    arena_destroy(doc->arena);
    doc->arena = NULL;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t k = 0; k < obj->n; k++)
        if (strcmp(obj->u.members[k].key, key) == 0)
            return &obj->u.members[k].value;
    return NULL;
}

bool json_int(const struct json_value *v, long long lo, long long hi, long long *out)
{
    if (!v || v->type != JSON_NUMBER || !(v->u.num >= (double)lo) || !(v->u.num <= (double)hi))
        return false;
    long long k = (long long)v->u.num;
    if ((double)k != v->u.num)
        return false;
    *out = k;
    return true;
}
