/* Runs the unit test suites of the decoder, the flags and the MMU; see
 * tests/harness/harness.h. Usage: unit [WORDS] */
#include "harness.h"

extern const struct suite decoder_suite;
extern const struct suite flags_suite;
extern const struct suite phys_suite;
extern const struct suite paging_suite;
extern const struct suite tlb_suite;
extern const struct suite cpu_mem_suite;
extern const struct suite float80_suite;
extern const struct suite fpu_suite;

int main(int argc, char **argv)
{
    static const struct suite *const suites[] = {
        &decoder_suite, &flags_suite, &phys_suite, &paging_suite, &tlb_suite, &cpu_mem_suite,
        &float80_suite, &fpu_suite,
    };
    return harness_run(argc, argv, suites, sizeof suites / sizeof suites[0]);
}
