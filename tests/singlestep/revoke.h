/* revocation_list.txt: hashes (hex, one a line, '#' comments) of tests
 * found to be wrong after capture. */
#ifndef EMBER_SS_REVOKE_H
#define EMBER_SS_REVOKE_H

#include <stdbool.h>
#include <stddef.h>

struct revoke_list {
    char **hash;        /* sorted, lower case */
    size_t n;
};

/* Returns 1 when the list was read, 0 when the file does not exist (an
 * empty list), -1 on a read error (message in err). */
int revoke_load(struct revoke_list *r, const char *path, char *err, size_t errlen);
bool revoke_has(const struct revoke_list *r, const char *hash);
void revoke_free(struct revoke_list *r);

#endif
