/* A small JSON reader (RFC 8259) for the test data: it parses a whole
 * document held in memory into a tree whose nodes live in one arena and
 * are freed together. Strings are decoded in place in the caller's text,
 * which must be writable, NUL-terminated and outlive the tree. */
#ifndef EMBER_SS_JSON_H
#define EMBER_SS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_member;

struct json_value {
    enum json_type type;
    size_t n;                           /* string length, item/member count */
    union {
        bool b;
        double num;
        const char *str;                /* NUL-terminated, n bytes */
        struct json_value *items;       /* JSON_ARRAY */
        struct json_member *members;    /* JSON_OBJECT */
    } u;
};

struct json_member {
    const char *key;
    struct json_value value;
};

struct json_arena;

struct json_doc {
    struct json_value root;
    struct json_arena *arena;
};

/* Parses text[0..len) (text[len] must be 0). Returns 0, or -1 with a
 * message naming the byte offset in err. */
int json_parse(char *text, size_t len, struct json_doc *doc, char *err, size_t errlen);
void json_free(struct json_doc *doc);

/* The member named key of an object, or NULL (also when v is no object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* An integral number in [lo, hi] into *out; false otherwise. */
bool json_int(const struct json_value *v, long long lo, long long hi, long long *out);

#endif
