/* Revocation list; see revoke.h. */
#include "revoke.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hash on one line (trimmed, lower-cased), or NULL for blank lines
 * and comments. */
static char *line_hash(char *line)
{
    char *s = line;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == 0 || *s == '#')
        return NULL;
    char *e = s;
    while (isxdigit((unsigned char)*e)) {
        *e = (char)tolower((unsigned char)*e);
        e++;
    }
    *e = 0;
    return e > s ? s : NULL;
}

static int add(struct revoke_list *r, const char *h, size_t *cap)
{
    if (r->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **nh = realloc(r->hash, ncap * sizeof *nh);
        if (!nh)
            return -1;
        r->hash = nh;
        *cap = ncap;
    }
    r->hash[r->n] = strdup(h);
    if (!r->hash[r->n])
        return -1;
    r->n++;
    return 0;
}

int revoke_load(struct revoke_list *r, const char *path, char *err, size_t errlen)
{
    r->hash = NULL;
    r->n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    size_t cap = 0;
    int rc = 1;
    while (rc == 1 && fgets(line, sizeof line, f)) {
        char *h = line_hash(line);
        if (h && add(r, h, &cap) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
        }
    }
    fclose(f);
    if (r->n)
        qsort(r->hash, r->n, sizeof *r->hash, cmp_str);
    return rc;
}

bool revoke_has(const struct revoke_list *r, const char *hash)
{
    if (!hash[0] || !r->n)
        return false;
    char low[80];
    size_t k;
    for (k = 0; hash[k] && k + 1 < sizeof low; k++)
        low[k] = (char)tolower((unsigned char)hash[k]);
    low[k] = 0;
    const char *key = low;
    return bsearch(&key, r->hash, r->n, sizeof *r->hash, cmp_str) != NULL;
}

void revoke_free(struct revoke_list *r)
{
    for (size_t k = 0; k < r->n; k++)
        free(r->hash[k]);
    free(r->hash);
    r->hash = NULL;
    r->n = 0;
}
