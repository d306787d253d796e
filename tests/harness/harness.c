/* The test harness shared by every C test suite; see harness.h.
 *
 * A test program runs its suites with harness_run(); with an argument it
 * runs only the tests whose name contains those words (spaces or
 * underscores, e.g. unit "dirty bit"). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void print_sentence(const char *name)
{
    for (const char *p = name; *p; p++)
        putchar(*p == '_' ? ' ' : *p);
}

bool check_true(struct test_ctx *t, bool ok, const char *text, const char *file, int line)
{
    t->checks++;
    if (ok)
        return true;
    if (t->failures++ == 0) {
        printf("FAIL: ");
        print_sentence(t->name);
        putchar('\n');
    }
    printf("  %s:%d: check failed: %s\n", file, line, text);
    return false;
}

bool check_equal(struct test_ctx *t, uint64_t got, uint64_t want, const char *got_text,
                 const char *want_text, const char *file, int line)
{
    t->checks++;
    if (got == want)
        return true;
    if (t->failures++ == 0) {
        printf("FAIL: ");
        print_sentence(t->name);
        putchar('\n');
    }
    printf("  %s:%d: %s == %s: got 0x%llx, want 0x%llx\n", file, line, got_text, want_text,
           (unsigned long long)got, (unsigned long long)want);
    return false;
}

void test_note(struct test_ctx *t, const char *fmt, ...)
{
    (void)t;
    va_list ap;
    va_start(ap, fmt);
    printf("    ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* Does name contain filter, with spaces in filter matching underscores? */
static bool matches(const char *name, const char *filter)
{
    size_t n = strlen(filter);
    for (const char *p = name; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && (p[k] == filter[k] || (filter[k] == ' ' && p[k] == '_')))
            k++;
        if (k == n)
            return true;
    }
    return n == 0;
}

int harness_run(int argc, char **argv, const struct suite *const *suites, unsigned nsuites)
{
    const char *filter = argc > 1 ? argv[1] : "";
    unsigned passed = 0, failed = 0, checks = 0;

    for (unsigned s = 0; s < nsuites; s++) {
        const struct suite *su = suites[s];
        for (unsigned k = 0; k < su->count; k++) {
            const struct test *te = &su->tests[k];
            if (!matches(te->name, filter))
                continue;
            struct test_ctx t = { te->name, 0, 0 };
            te->fn(&t);
            checks += t.checks;
            if (t.failures)
                failed++;
            else
                passed++;
        }
    }
    printf("%u checks in %u tests\n", checks, passed + failed);
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
