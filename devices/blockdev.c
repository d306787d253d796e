/* Disk images; see blockdev.h. POSIX file I/O (pread/pwrite/fdatasync)
 * and, for -snapshot, an overlay: an open-addressing hash map from sector
 * number to a slot in one growing array of 512-byte sectors. */
#include "blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OVERLAY_EMPTY UINT64_MAX
#define OVERLAY_MIN_BUCKETS 256u

struct overlay {
    uint64_t *keys;             /* sector numbers; OVERLAY_EMPTY = free bucket */
    uint32_t *slots;            /* index of the sector's bytes in data */
    size_t buckets;             /* a power of two */
    size_t count;               /* sectors held */
    uint8_t *data;              /* count sectors, in the order first written */
    size_t data_cap;            /* sectors data has room for */
};

struct blockdev {
    char *path;
    enum blockdev_media media;
    int fd;
    bool fd_writable;           /* fd was reopened read-write */
    bool readonly;
    bool snapshot;
    bool dirty;                 /* written since the last flush */
    bool write_failed;          /* the reopen failed (said once) */
    uint64_t size;              /* whole sectors */
    uint64_t file_size;
    struct overlay overlay;
    FILE *err;
};

static const char *media_name(enum blockdev_media media)
{
    switch (media) {
    case BLOCKDEV_CDROM:
        return "CD-ROM image";
    case BLOCKDEV_FLOPPY:
        return "floppy image";
    default:
        return "disk image";
    }
}

/* ---- the snapshot overlay ---- */

static size_t bucket_of(const struct overlay *ov, uint64_t sector)
{
    uint64_t h = sector * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (ov->buckets - 1);
}

static long overlay_find(const struct overlay *ov, uint64_t sector)
{
    if (!ov->buckets)
        return -1;
    for (size_t b = bucket_of(ov, sector);; b = (b + 1) & (ov->buckets - 1)) {
        if (ov->keys[b] == OVERLAY_EMPTY)
            return -1;
        if (ov->keys[b] == sector)
            return (long)ov->slots[b];
    }
}

static void overlay_place(struct overlay *ov, uint64_t sector, uint32_t slot)
{
    size_t b = bucket_of(ov, sector);
    while (ov->keys[b] != OVERLAY_EMPTY)
        b = (b + 1) & (ov->buckets - 1);
    ov->keys[b] = sector;
    ov->slots[b] = slot;
}

/* Doubles the bucket array (rehashing every key); 0 or -1. */
static int overlay_grow_buckets(struct overlay *ov)
{
    size_t n = ov->buckets ? ov->buckets * 2 : OVERLAY_MIN_BUCKETS;
    uint64_t *old_keys = ov->keys;
    uint32_t *old_slots = ov->slots;
    size_t old_n = ov->buckets;
    uint64_t *keys = malloc(n * sizeof *keys);
    uint32_t *slots = malloc(n * sizeof *slots);
    if (!keys || !slots) {
        free(keys);
        free(slots);
        return -1;
    }
    for (size_t b = 0; b < n; b++)
        keys[b] = OVERLAY_EMPTY;
    ov->keys = keys;
    ov->slots = slots;
    ov->buckets = n;
    for (size_t b = 0; b < old_n; b++)
        if (old_keys[b] != OVERLAY_EMPTY)
            overlay_place(ov, old_keys[b], old_slots[b]);
    free(old_keys);
    free(old_slots);
    return 0;
}

/* The bytes of sector in the overlay, added (uninitialized) if new. */
static uint8_t *overlay_sector(struct overlay *ov, uint64_t sector)
{
    long slot = overlay_find(ov, sector);
    if (slot >= 0)
        return ov->data + (size_t)slot * BLOCKDEV_SECTOR;
    if ((ov->count + 1) * 2 > ov->buckets && overlay_grow_buckets(ov) < 0)
        return NULL;
    if (ov->count == ov->data_cap) {
        size_t cap = ov->data_cap ? ov->data_cap * 2 : 64;
        uint8_t *data = realloc(ov->data, cap * BLOCKDEV_SECTOR);
        if (!data)
            return NULL;
        ov->data = data;
        ov->data_cap = cap;
    }
    overlay_place(ov, sector, (uint32_t)ov->count);
    return ov->data + ov->count++ * BLOCKDEV_SECTOR;
}

static void overlay_free(struct overlay *ov)
{
    free(ov->keys);
    free(ov->slots);
    free(ov->data);
    memset(ov, 0, sizeof *ov);
}

/* ---- file I/O ---- */

static int read_fully(int fd, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_fully(int fd, uint64_t offset, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- opening ---- */

static int fail_open(FILE *err, const char *path, enum blockdev_media media, const char *why)
{
    fprintf(err, "ember: %s '%s': %s\n", media_name(media), path, why);
    return -1;
}

/* The size checks: 0, or -1 after saying what is wrong. */
static int check_size(FILE *err, const char *path, enum blockdev_media media, uint64_t size)
{
    char why[160];
    if (size == 0)
        return fail_open(err, path, media, "the file is empty");
    if (media == BLOCKDEV_CDROM && size % BLOCKDEV_CD_SECTOR) {
        snprintf(why, sizeof why,
                 "%llu bytes is not a multiple of 2048 (an ISO image is made of 2048-byte "
                 "sectors)", (unsigned long long)size);
        return fail_open(err, path, media, why);
    }
    if (size < BLOCKDEV_SECTOR) {
        snprintf(why, sizeof why, "%llu bytes is too small (at least one 512-byte sector)",
                 (unsigned long long)size);
        return fail_open(err, path, media, why);
    }
    return 0;
}

static int open_file(FILE *err, const char *path, enum blockdev_media media, uint64_t *size)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fail_open(err, path, media, errno == ENOENT ? "no such file" : strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fail_open(err, path, media, "is a directory, not an image file");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char why[160];
        snprintf(why, sizeof why, "cannot be read: %s", strerror(errno));
        fail_open(err, path, media, why);
        return -1;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        fail_open(err, path, media, strerror(errno));
        close(fd);
        return -1;
    }
    *size = (uint64_t)end;
    return fd;
}

struct blockdev *blockdev_open(const char *path, enum blockdev_media media, bool readonly,
                               bool snapshot, FILE *err)
{
    uint64_t size = 0;
    int fd = open_file(err, path, media, &size);
    if (fd < 0)
        return NULL;
    if (check_size(err, path, media, size) < 0) {
        close(fd);
        return NULL;
    }
    struct blockdev *bd = calloc(1, sizeof *bd);
    char *copy = strdup(path);
    if (!bd || !copy) {
        fprintf(err, "ember: out of memory opening '%s'\n", path);
        free(bd);
        free(copy);
        close(fd);
        return NULL;
    }
    bd->path = copy;
    bd->media = media;
    bd->fd = fd;
    bd->readonly = readonly;
    bd->snapshot = snapshot;
    bd->size = size - size % BLOCKDEV_SECTOR;
    bd->file_size = size;
    bd->err = err;
    return bd;
}

void blockdev_close(struct blockdev *bd)
{
    if (!bd)
        return;
    blockdev_flush(bd);
    close(bd->fd);
    overlay_free(&bd->overlay);
    free(bd->path);
    free(bd);
}

uint64_t blockdev_size(const struct blockdev *bd)
{
    return bd->size;
}

uint64_t blockdev_file_size(const struct blockdev *bd)
{
    return bd->file_size;
}

const char *blockdev_path(const struct blockdev *bd)
{
    return bd->path;
}

bool blockdev_writable(const struct blockdev *bd)
{
    return !bd->readonly;
}

static bool in_range(const struct blockdev *bd, uint64_t offset, size_t len)
{
    return offset % BLOCKDEV_SECTOR == 0 && len % BLOCKDEV_SECTOR == 0 && offset <= bd->size &&
           len <= bd->size - offset;
}

/* ---- reads ---- */

/* Sectors [first, first + n) with the overlay's copies in place of the
 * file's: runs of sectors the overlay lacks are read in one go. */
static int read_with_overlay(struct blockdev *bd, uint64_t first, size_t n, uint8_t *out)
{
    size_t k = 0;
    while (k < n) {
        long slot = overlay_find(&bd->overlay, first + k);
        if (slot >= 0) {
            memcpy(out + k * BLOCKDEV_SECTOR,
                   bd->overlay.data + (size_t)slot * BLOCKDEV_SECTOR, BLOCKDEV_SECTOR);
            k++;
            continue;
        }
        size_t run = 1;
        while (k + run < n && overlay_find(&bd->overlay, first + k + run) < 0)
            run++;
        if (read_fully(bd->fd, (first + k) * BLOCKDEV_SECTOR, out + k * BLOCKDEV_SECTOR,
                       run * BLOCKDEV_SECTOR) < 0)
            return -1;
        k += run;
    }
    return 0;
}

int blockdev_read(struct blockdev *bd, uint64_t offset, void *buf, size_t len)
{
    if (!in_range(bd, offset, len))
        return -1;
    if (!bd->overlay.count)
        return read_fully(bd->fd, offset, buf, len);
    return read_with_overlay(bd, offset / BLOCKDEV_SECTOR, len / BLOCKDEV_SECTOR, buf);
}

/* ---- writes ---- */

static int write_overlay(struct blockdev *bd, uint64_t offset, const uint8_t *src, size_t len)
{
    for (size_t k = 0; k < len; k += BLOCKDEV_SECTOR) {
        uint8_t *dst = overlay_sector(&bd->overlay, (offset + k) / BLOCKDEV_SECTOR);
        if (!dst) {
            fprintf(bd->err, "ember: out of memory for the -snapshot overlay of '%s'\n",
                    bd->path);
            return -1;
        }
        memcpy(dst, src + k, BLOCKDEV_SECTOR);
    }
    return 0;
}

/* The first write: reopen the file read-write. */
static int make_writable(struct blockdev *bd)
{
    if (bd->fd_writable)
        return 0;
    if (bd->write_failed)
        return -1;
    int fd = open(bd->path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fprintf(bd->err, "ember: %s '%s' cannot be written (%s): the guest sees write "
                         "errors; use -snapshot to keep writes in memory\n",
                media_name(bd->media), bd->path, strerror(errno));
        bd->write_failed = true;
        return -1;
    }
    close(bd->fd);
    bd->fd = fd;
    bd->fd_writable = true;
    return 0;
}

int blockdev_write(struct blockdev *bd, uint64_t offset, const void *buf, size_t len)
{
    if (bd->readonly || !in_range(bd, offset, len))
        return -1;
    if (bd->snapshot)
        return write_overlay(bd, offset, buf, len);
    if (make_writable(bd) < 0)
        return -1;
    if (write_fully(bd->fd, offset, buf, len) < 0) {
        fprintf(bd->err, "ember: writing %s '%s': %s\n", media_name(bd->media), bd->path,
                strerror(errno));
        return -1;
    }
    bd->dirty = true;
    return 0;
}

int blockdev_flush(struct blockdev *bd)
{
    if (!bd->dirty)
        return 0;
    if (fdatasync(bd->fd) < 0) {
        fprintf(bd->err, "ember: flushing %s '%s': %s\n", media_name(bd->media), bd->path,
                strerror(errno));
        return -1;
    }
    bd->dirty = false;
    return 0;
}
