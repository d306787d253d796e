/* `make bench`: runs the fixed guest integer workload (workload.asm) in the
 * interpreter and prints guest instructions per second and the emulator's
 * peak memory beyond guest RAM. A benchmark, never a test: it asserts
 * nothing about speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cpu.h"

#define RAM_SIZE (16u << 20)
#define LOAD_ADDR 0x100000u

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long load(const char *path, struct phys_mem *mem)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench: cannot open workload '%s'\n", path);
        return -1;
    }
    long n = (long)fread(mem->ram + LOAD_ADDR, 1, RAM_SIZE - LOAD_ADDR, f);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench WORKLOAD.bin\n");
        return 2;
    }
    struct phys_mem *mem = phys_mem_create(RAM_SIZE);
    struct io_bus *io = malloc(sizeof *io);
    if (!mem || !io) {
        fprintf(stderr, "bench: out of memory\n");
        return 2;
    }
    memset(mem->ram, 0, RAM_SIZE);  /* touch all of guest RAM: RSS counts it */
    io_bus_init(io);
    if (load(argv[1], mem) <= 0)
        return 2;
    struct cpu *cpu = cpu_create(mem, io);
    if (!cpu)
        return 2;
    cpu_enter_flat32(cpu);
    cpu->eip = LOAD_ADDR;

    double t0 = now_seconds();
    enum run_exit why = cpu_run(cpu, 4000000000ull);
    double secs = now_seconds() - t0;
    if (why != RUN_HALT) {
        fprintf(stderr, "bench: workload did not finish (exit %d at %08x)\n", why, cpu->eip);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mib = ru.ru_maxrss / 1024.0;
    printf("interpreter: %llu guest instructions in %.3f s = %.1f MIPS\n",
           (unsigned long long)cpu->icount, secs, cpu->icount / secs / 1e6);
    printf("peak memory beyond guest RAM: %.1f MiB (peak RSS %.1f MiB, guest RAM %u MiB)\n",
           rss_mib - RAM_SIZE / 1048576.0, rss_mib, RAM_SIZE >> 20);
    cpu_destroy(cpu);
    phys_mem_destroy(mem);
    free(io);
    return 0;
}
