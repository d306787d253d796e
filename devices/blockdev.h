/* Disk images for the drives (ATA disk, ATAPI CD-ROM, floppy): a raw file
 * read and written in 512-byte sectors.
 *
 * - The file is opened read-only, and reopened read-write on the first
 *   guest write (so a read-only file boots as long as nothing writes).
 * - With snapshot set, guest writes land in an in-memory overlay (a map
 *   from sector number to its bytes) and the file is never written.
 * - A read-only drive refuses writes; the device reports its error status.
 * - Reads and writes must lie inside the image (whole sectors): anything
 *   else returns -1 and touches nothing, so no write ever extends the file.
 * - Flush (the guest's FLUSH CACHE, and close) syncs the file to disk.
 *
 * Errors found at open name the file: missing, unreadable, a directory,
 * empty, too small for its media, or an ISO image that is not made of
 * whole 2048-byte sectors. */
#ifndef EMBER_DEVICES_BLOCKDEV_H
#define EMBER_DEVICES_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BLOCKDEV_SECTOR 512u
#define BLOCKDEV_CD_SECTOR 2048u

enum blockdev_media { BLOCKDEV_DISK, BLOCKDEV_CDROM, BLOCKDEV_FLOPPY };

struct blockdev;

/* Opens path for a drive of the given media; on failure prints one line
 * naming the file and the problem to err and returns NULL. */
struct blockdev *blockdev_open(const char *path, enum blockdev_media media, bool readonly,
                               bool snapshot, FILE *err);
/* Flushes (when written) and frees. NULL is fine. */
void blockdev_close(struct blockdev *bd);

/* Bytes the guest can address: the file size rounded down to a sector. */
uint64_t blockdev_size(const struct blockdev *bd);
/* The size of the file itself, for messages and format checks. */
uint64_t blockdev_file_size(const struct blockdev *bd);
const char *blockdev_path(const struct blockdev *bd);
/* Does the drive accept writes (to the file, or to the snapshot overlay)? */
bool blockdev_writable(const struct blockdev *bd);

/* offset and len are multiples of BLOCKDEV_SECTOR inside the image.
 * Each returns 0, or -1 (out of range, read-only, an I/O error). */
int blockdev_read(struct blockdev *bd, uint64_t offset, void *buf, size_t len);
int blockdev_write(struct blockdev *bd, uint64_t offset, const void *buf, size_t len);
/* Writes the host's cached data of the file to disk: 0, or -1. */
int blockdev_flush(struct blockdev *bd);

#endif
