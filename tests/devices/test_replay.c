/* Record and replay of host input (devices/replay.c) on a whole machine:
 * a ROM that reads the keyboard controller and writes each byte it gets,
 * and the TSC's low byte at that moment, to the debug console (0xE9).
 * Keys the "host" presses between CPU slices are recorded; a replay,
 * whose host presses other keys at other moments, prints the same bytes
 * at the same moments. The recording keeps mouse events and the user's
 * resets too, and a replay of another program stops as diverged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "machine.h"
#include "replay.h"

#define ROM_SIZE 0x10000u
#define RAM_SIZE (16u << 20)
#define RUN_INSNS 3000000u

/* Real mode at F000:0000:
 *   0: in al, 0x64 / test al, 1 / jz 0     ; wait for the output buffer
 *   6: in al, 0x60 / out 0xE9, al         ; the byte
 *  10: rdtsc / out 0xE9, al               ; and when it came
 *  14: jmp 0
 * and at FFF0 the reset vector: jmp F000:0000. */
static const uint8_t program[] = {
    0xE4, 0x64, 0xA8, 0x01, 0x74, 0xFA, 0xE4, 0x60, 0xE6, 0xE9,
    0x0F, 0x31, 0xE6, 0xE9, 0xEB, 0xF0,
};

static uint8_t *make_rom(unsigned shift)
{
    uint8_t *rom = malloc(ROM_SIZE);
    memset(rom, 0xF4, ROM_SIZE);
    memset(rom, 0x90, shift);           /* another program: NOPs first */
    memcpy(rom + shift, program, sizeof program);
    static const uint8_t reset[] = { 0xEA, 0x00, 0x00, 0x00, 0xF0 };
    memcpy(rom + 0xFFF0, reset, sizeof reset);
    return rom;
}

/* The host: presses keys and moves the mouse at chosen slice ends. */
struct host {
    struct machine *m;
    unsigned polls;
    const unsigned *at;         /* poll numbers, 0-terminated */
    unsigned code;              /* PS/2 set 2 code of the key it presses */
    unsigned reset_at;          /* the poll at which it resets the machine */
    int reset_result;
};

static void host_poll(void *opaque)
{
    struct host *h = opaque;
    h->polls++;
    for (const unsigned *a = h->at; *a; a++) {
        if (*a == h->polls) {
            machine_key(h->m, h->code, true);
            machine_key(h->m, h->code, false);
            machine_mouse(h->m, 5, -3, 0, 1);
        }
    }
    if (h->reset_at == h->polls)
        h->reset_result = machine_user_reset(h->m);
}

struct run {
    char *out;                  /* what the ROM wrote to port 0xE9 */
    size_t len;
    enum machine_status status;
};

static struct run run_machine(const uint8_t *rom, struct replay *r, struct host *h)
{
    struct run result = { 0 };
    FILE *out = open_memstream(&result.out, &result.len);
    struct machine_config cfg = {
        .ram_size = RAM_SIZE, .bios = rom, .bios_size = ROM_SIZE, .replay = r,
        .max_insns = RUN_INSNS, .rtc_fixed = true, .debug_out = out,
        .frontend_poll = host_poll, .frontend_opaque = h,
    };
    struct machine *m = machine_create(&cfg);
    h->m = m;
    result.status = m ? machine_run(m) : MACHINE_HALTED;
    machine_destroy(m);         /* a recording's end event is written */
    if (r && r->mode == REPLAY_RECORD)
        replay_close(r);
    fclose(out);
    return result;
}

static struct replay_header header(void)
{
    struct replay_header h;
    memset(&h, 0, sizeof h);
    h.ram_size = RAM_SIZE;
    return h;
}

static char *temp_path(void)
{
    char *path = strdup("/tmp/ember-test-replay-XXXXXX");
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    return path;
}

static void a_replay_gets_the_recorded_keys_at_the_recorded_moments(struct test_ctx *t)
{
    char *path = temp_path();
    uint8_t *rom = make_rom(0);
    struct replay_header h = header();
    static const unsigned record_at[] = { 3, 7, 12, 0 };
    struct host rec_host = { .at = record_at, .code = 0x1C, .reset_at = 9 };   /* A */
    struct run rec = run_machine(rom, replay_record(path, &h, stderr), &rec_host);
    CHECK_EQ(t, rec.status, MACHINE_INSN_LIMIT);
    CHECK(t, rec.len >= 2 * 6);     /* make and break codes of three presses */

    /* The replay's host presses B at other moments: it is not heard. */
    static const unsigned replay_at[] = { 2, 5, 0 };
    struct host rep_host = { .at = replay_at, .code = 0x32, .reset_at = 4 };
    struct replay *r = replay_open(path, stderr);
    CHECK(t, r != NULL);
    struct run rep = run_machine(rom, r, &rep_host);
    CHECK_EQ(t, rep.status, MACHINE_INSN_LIMIT);
    CHECK_EQ(t, rep.len, rec.len);
    CHECK(t, rep.len == rec.len && memcmp(rep.out, rec.out, rec.len) == 0);
    CHECK(t, r && !r->diverged);
    CHECK_EQ(t, rec_host.reset_result, 0);
    CHECK_EQ(t, rep_host.reset_result, -1);     /* a replay takes no input */
    CHECK(t, r && r->nev == 3 * 3 + 2);         /* presses, the reset, the end */

    /* Without the recording, the other host's keys come at other times. */
    struct host live_host = { .at = replay_at, .code = 0x32 };
    struct run live = run_machine(rom, NULL, &live_host);
    CHECK(t, live.len != rec.len || memcmp(live.out, rec.out, rec.len) != 0);

    replay_close(r);
    free(rec.out);
    free(rep.out);
    free(live.out);
    free(rom);
    unlink(path);
    free(path);
}

static void the_recording_keeps_keys_and_mouse_moves_in_time_order(struct test_ctx *t)
{
    char *path = temp_path();
    uint8_t *rom = make_rom(0);
    struct replay_header h = header();
    static const unsigned at[] = { 4, 0 };
    struct host host = { .at = at, .code = 0x1C };
    struct run rec = run_machine(rom, replay_record(path, &h, stderr), &host);
    struct replay *r = replay_open(path, stderr);
    CHECK(t, r != NULL);
    if (r) {
        CHECK_EQ(t, r->nev, 4);     /* key down, key up, mouse, end */
        CHECK_EQ(t, r->ev[0].kind, RR_KEY);
        CHECK_EQ(t, r->ev[0].a, 0x1C);
        CHECK_EQ(t, r->ev[0].b, 1);
        CHECK_EQ(t, r->ev[1].kind, RR_KEY);
        CHECK_EQ(t, r->ev[1].b, 0);
        CHECK_EQ(t, r->ev[2].kind, RR_MOUSE);
        CHECK_EQ(t, r->ev[2].a, 5);
        CHECK_EQ(t, r->ev[2].b, -3);
        CHECK_EQ(t, r->ev[2].d, 1);
        CHECK_EQ(t, r->ev[3].kind, RR_END);
        CHECK_EQ(t, r->ev[3].icount, RUN_INSNS);
        CHECK(t, r->ev[0].icount > 0 && r->ev[0].icount == r->ev[2].icount);
        CHECK_EQ(t, r->header.ram_size, RAM_SIZE);
        CHECK_EQ(t, replay_end_icount(r), RUN_INSNS);
    }
    replay_close(r);
    free(rec.out);
    free(rom);
    unlink(path);
    free(path);
}

static void a_replay_of_another_program_stops_as_diverged(struct test_ctx *t)
{
    char *path = temp_path();
    uint8_t *rom = make_rom(0);
    uint8_t *other = make_rom(3);
    struct replay_header h = header();
    static const unsigned at[] = { 5, 0 };
    struct host host = { .at = at, .code = 0x1C };
    struct run rec = run_machine(rom, replay_record(path, &h, stderr), &host);
    struct replay *r = replay_open(path, stderr);
    static const unsigned none[] = { 0 };
    struct host quiet = { .at = none };
    fprintf(stderr, "(a divergence message is expected here)\n");
    struct run rep = run_machine(other, r, &quiet);
    CHECK_EQ(t, rep.status, MACHINE_REPLAY_DIVERGED);
    CHECK(t, r && r->diverged);
    replay_close(r);
    free(rec.out);
    free(rep.out);
    free(rom);
    free(other);
    unlink(path);
    free(path);
}

static const struct test tests[] = {
    TEST(a_replay_gets_the_recorded_keys_at_the_recorded_moments),
    TEST(the_recording_keeps_keys_and_mouse_moves_in_time_order),
    TEST(a_replay_of_another_program_stops_as_diverged),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("replay", tests);
    static const struct suite *const suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
