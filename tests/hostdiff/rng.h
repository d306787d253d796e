/* Random numbers for the generator: splitmix64, state passed explicitly.
 * Each case gets its own stream derived from (seed, case index), so a case
 * can be regenerated alone (--first N --count 1). */
#ifndef EMBER_TESTS_HOSTDIFF_RNG_H
#define EMBER_TESTS_HOSTDIFF_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline struct rng rng_for_case(uint64_t seed, uint64_t index)
{
    struct rng r = { seed ^ (index * 0xD1B54A32D192ED03ull) };
    rng_next(&r);
    return r;
}

static inline uint32_t rng32(struct rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

/* 0 .. n-1 (n > 0). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* lo .. hi inclusive. */
static inline uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static inline bool rng_chance(struct rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* An operand value: uniform, small, boundary, a power of two, or a byte
 * pattern, so that carries, sign changes and zero results all happen. */
static inline uint32_t rng_value(struct rng *r)
{
    static const uint32_t edges[] = {
        0, 1, 2, 9, 0x0F, 0x10, 0x7F, 0x80, 0x99, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
        0x10000, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFF80u, 0xFFFF8000u, 0xFFFFFFFEu,
    };
    uint32_t pick = rng_below(r, 100);
    if (pick < 35)
        return rng32(r);
    if (pick < 50)
        return rng_below(r, 17);
    if (pick < 58)
        return (uint32_t)-(int32_t)rng_range(r, 1, 16);
    if (pick < 78)
        return edges[rng_below(r, sizeof edges / sizeof edges[0])];
    if (pick < 88) {
        uint32_t v = 1u << rng_below(r, 32);
        return rng_chance(r, 50) ? v : v - 1;
    }
    uint32_t b = rng_below(r, 256);
    return rng_chance(r, 50) ? b * 0x01010101u : (uint32_t)(int32_t)(int8_t)b;
}

#endif
