/* Checkpoints: the whole machine at one instant of a run, to return to it
 * later in the same run. A replay takes them as it goes so that going back
 * (frontend/debugctl.c) restores the last one before the target and runs
 * forward from there, instead of starting the replay over.
 *
 * What a checkpoint holds: the CPU, RAM, every device's declared state
 * (device.h), the clock and the exact queue of armed timers, the machine's
 * own fields and the replay's place in its recording. RAM and the device
 * images are kept in 4 KiB pages shared with the previous checkpoint where
 * they did not change, so a checkpoint costs what the guest wrote since.
 *
 * Not a file format: the timer queue is kept as pointers to this machine's
 * timers, so a checkpoint is valid for the machine it was taken from, until
 * it is destroyed or rebuilt. What lives outside the machine (the -keys
 * typist, the disks' -snapshot overlays) is not in it: the caller takes
 * checkpoints only where those are absent (checkpoint_possible). */
#ifndef EMBER_DEVICES_CHECKPOINT_H
#define EMBER_DEVICES_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct checkpoint;

/* Does a checkpoint capture all of m? (No disk or floppy drives: their
 * overlays are not in it.) */
bool checkpoint_possible(const struct machine *m);
/* Take one between CPU slices; prev (may be NULL) shares unchanged pages.
 * NULL when out of memory. */
struct checkpoint *checkpoint_take(struct machine *m, const struct checkpoint *prev);
/* Put m back to cp (taken from m); false, with m untouched, when out of
 * memory. The debugger, if any, must attach again (debugger_attach) to
 * recompute what it hooks. */
bool checkpoint_restore(struct machine *m, const struct checkpoint *cp);
uint64_t checkpoint_icount(const struct checkpoint *cp);
/* Bytes the checkpoint holds that no other does. */
uint64_t checkpoint_own_bytes(const struct checkpoint *cp);
void checkpoint_free(struct checkpoint *cp);

#endif
