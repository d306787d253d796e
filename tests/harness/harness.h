/* A tiny test harness. Each test is a function named as a sentence
 * (a_write_to_a_read_only_user_page_faults...) taking the running test's
 * context; suites are tables of { name, function }. A failed check prints
 * the sentence once, then each failed check with file:line and, for the
 * _EQ checks, both values. No global state: the context is passed in. */
#ifndef EMBER_TESTS_HARNESS_H
#define EMBER_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

struct test_ctx {
    const char *name;       /* the running test's function name */
    unsigned checks;
    unsigned failures;
};

typedef void (*test_fn)(struct test_ctx *t);

struct test {
    const char *name;
    test_fn fn;
};

/* One entry of a suite table: the function, named by itself. */
#define TEST(fn) { #fn, fn }

struct suite {
    const char *name;
    const struct test *tests;
    unsigned count;
};

#define SUITE(title, table) { title, table, sizeof table / sizeof table[0] }

bool check_true(struct test_ctx *t, bool ok, const char *text, const char *file, int line);
bool check_equal(struct test_ctx *t, uint64_t got, uint64_t want, const char *got_text,
                 const char *want_text, const char *file, int line);

/* Print a line of context under the test's failures (call it only when a
 * check has failed). */
void test_note(struct test_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each returns whether the check held, for tests that stop early. */
#define CHECK(t, cond) check_true((t), (cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(t, got, want)                                                    \
    check_equal((t), (uint64_t)(got), (uint64_t)(want), #got, #want, __FILE__, __LINE__)

/* Run the suites (the main of a test program): returns the exit status,
 * after a closing line "N passed, N failed". */
int harness_run(int argc, char **argv, const struct suite *const *suites, unsigned nsuites);

#endif
