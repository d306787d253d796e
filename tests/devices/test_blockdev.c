/* Disk images (devices/blockdev.c): the errors at open, reads and writes
 * inside the image only, -snapshot's overlay, read-only drives, flush. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockdev.h"
#include "harness.h"

/* A temporary image of size bytes, each byte (offset * 7 + offset / 512). */
struct image {
    char path[64];
    uint64_t size;
};

static uint8_t pattern(uint64_t offset)
{
    return (uint8_t)(offset * 7 + offset / 512);
}

static void make_image(struct image *img, uint64_t size)
{
    snprintf(img->path, sizeof img->path, "/tmp/ember-blockdev-XXXXXX");
    int fd = mkstemp(img->path);
    uint8_t buf[4096];
    for (uint64_t off = 0; off < size; off += sizeof buf) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t k = 0; k < n; k++)
            buf[k] = pattern(off + k);
        if (write(fd, buf, n) != (ssize_t)n)
            break;
    }
    close(fd);
    img->size = size;
}

static void drop_image(struct image *img)
{
    unlink(img->path);
}

static bool file_matches_pattern(const struct image *img)
{
    FILE *f = fopen(img->path, "rb");
    bool ok = f != NULL;
    for (uint64_t off = 0; ok && off < img->size; off++)
        ok = fgetc(f) == pattern(off);
    if (f) {
        ok = ok && fgetc(f) == EOF;
        fclose(f);
    }
    return ok;
}

/* Open, capturing what blockdev_open says. */
static struct blockdev *open_capturing(const char *path, enum blockdev_media media,
                                       bool readonly, bool snapshot, char *said, size_t cap)
{
    char *text = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&text, &len);
    struct blockdev *bd = blockdev_open(path, media, readonly, snapshot, err);
    fclose(err);
    snprintf(said, cap, "%s", text ? text : "");
    free(text);
    return bd;
}

static void a_missing_file_is_refused_with_its_name(struct test_ctx *t)
{
    char said[256];
    struct blockdev *bd = open_capturing("/tmp/ember-no-such-image.img", BLOCKDEV_DISK, false,
                                         false, said, sizeof said);
    CHECK(t, bd == NULL);
    CHECK(t, strstr(said, "/tmp/ember-no-such-image.img") != NULL);
    CHECK(t, strstr(said, "no such file") != NULL);
}

static void an_empty_file_is_refused(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 0);
    char said[256];
    CHECK(t, open_capturing(img.path, BLOCKDEV_DISK, false, false, said, sizeof said) == NULL);
    CHECK(t, strstr(said, "empty") != NULL);
    CHECK(t, strstr(said, img.path) != NULL);
    drop_image(&img);
}

static void a_directory_is_refused(struct test_ctx *t)
{
    char said[256];
    CHECK(t, open_capturing("/tmp", BLOCKDEV_DISK, false, false, said, sizeof said) == NULL);
    CHECK(t, strstr(said, "directory") != NULL);
}

static void an_iso_that_is_not_whole_2048_byte_sectors_is_refused(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 2048 * 3 + 512);
    char said[256];
    CHECK(t, open_capturing(img.path, BLOCKDEV_CDROM, true, false, said, sizeof said) == NULL);
    CHECK(t, strstr(said, "2048") != NULL);
    CHECK(t, strstr(said, "CD-ROM image") != NULL);
    drop_image(&img);
}

static void a_disk_image_smaller_than_a_sector_is_refused(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 300);
    char said[256];
    CHECK(t, open_capturing(img.path, BLOCKDEV_DISK, false, false, said, sizeof said) == NULL);
    CHECK(t, strstr(said, "too small") != NULL);
    drop_image(&img);
}

static void reads_return_the_bytes_of_the_file(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 64 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[1024];
    CHECK_EQ(t, blockdev_size(bd), 64 * 512);
    CHECK_EQ(t, blockdev_read(bd, 10 * 512, buf, sizeof buf), 0);
    CHECK_EQ(t, buf[0], pattern(10 * 512));
    CHECK_EQ(t, buf[1023], pattern(10 * 512 + 1023));
    blockdev_close(bd);
    drop_image(&img);
}

static void a_read_past_the_end_fails(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 8 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[1024];
    CHECK_EQ(t, blockdev_read(bd, 7 * 512, buf, 1024), -1);
    CHECK_EQ(t, blockdev_read(bd, 8 * 512, buf, 512), -1);
    CHECK_EQ(t, blockdev_read(bd, UINT64_MAX - 511, buf, 512), -1);
    blockdev_close(bd);
    drop_image(&img);
}

static void unaligned_offsets_and_lengths_are_refused(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 8 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[1024] = { 0 };
    CHECK_EQ(t, blockdev_read(bd, 100, buf, 512), -1);
    CHECK_EQ(t, blockdev_read(bd, 0, buf, 100), -1);
    CHECK_EQ(t, blockdev_write(bd, 3, buf, 512), -1);
    blockdev_close(bd);
    CHECK(t, file_matches_pattern(&img));
    drop_image(&img);
}

static void writes_reach_the_file(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 16 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[512];
    memset(buf, 0xA5, sizeof buf);
    CHECK_EQ(t, blockdev_write(bd, 3 * 512, buf, 512), 0);
    CHECK_EQ(t, blockdev_flush(bd), 0);
    FILE *f = fopen(img.path, "rb");
    uint8_t back[512];
    fseek(f, 3 * 512, SEEK_SET);
    CHECK_EQ(t, fread(back, 1, 512, f), 512);
    fclose(f);
    CHECK(t, memcmp(back, buf, 512) == 0);
    blockdev_close(bd);
    drop_image(&img);
}

static void a_write_outside_the_image_fails_and_never_extends_the_file(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 16 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[1024];
    memset(buf, 0x11, sizeof buf);
    CHECK_EQ(t, blockdev_write(bd, 15 * 512, buf, 1024), -1);
    CHECK_EQ(t, blockdev_write(bd, 16 * 512, buf, 512), -1);
    blockdev_close(bd);
    struct stat st;
    stat(img.path, &st);
    CHECK_EQ(t, st.st_size, 16 * 512);
    CHECK(t, file_matches_pattern(&img));
    drop_image(&img);
}

static void snapshot_writes_read_back_but_leave_the_file_unchanged(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 32 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, true, stderr);
    uint8_t buf[1024], back[2048];
    memset(buf, 0x5A, sizeof buf);
    CHECK_EQ(t, blockdev_write(bd, 4 * 512, buf, sizeof buf), 0);
    CHECK_EQ(t, blockdev_flush(bd), 0);
    /* One read across file sectors and overlay sectors. */
    CHECK_EQ(t, blockdev_read(bd, 3 * 512, back, sizeof back), 0);
    CHECK_EQ(t, back[0], pattern(3 * 512));
    CHECK_EQ(t, back[512], 0x5A);
    CHECK_EQ(t, back[1535], 0x5A);
    CHECK_EQ(t, back[1536], pattern(6 * 512));
    blockdev_close(bd);
    CHECK(t, file_matches_pattern(&img));
    drop_image(&img);
}

static void the_snapshot_overlay_holds_thousands_of_scattered_sectors(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 8192 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, true, stderr);
    uint8_t buf[512];
    for (uint32_t k = 0; k < 3000; k++) {
        uint32_t sector = (k * 2731) % 8192;
        memset(buf, (int)(k & 0xFF), sizeof buf);
        memcpy(buf, &sector, sizeof sector);
        blockdev_write(bd, (uint64_t)sector * 512, buf, 512);
    }
    bool all = true;
    for (uint32_t k = 0; k < 3000; k++) {
        uint32_t sector = (k * 2731) % 8192, got;
        blockdev_read(bd, (uint64_t)sector * 512, buf, 512);
        memcpy(&got, buf, sizeof got);
        all = all && got == sector && buf[100] == (uint8_t)(k & 0xFF);
    }
    CHECK(t, all);
    blockdev_close(bd);
    CHECK(t, file_matches_pattern(&img));
    drop_image(&img);
}

static void a_read_only_drive_refuses_writes(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 8 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, true, false, stderr);
    uint8_t buf[512] = { 0 };
    CHECK(t, !blockdev_writable(bd));
    CHECK_EQ(t, blockdev_write(bd, 0, buf, 512), -1);
    blockdev_close(bd);
    CHECK(t, file_matches_pattern(&img));
    drop_image(&img);
}

static void a_read_only_drive_refuses_writes_under_snapshot_too(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 8 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, true,
                                        true, stderr);
    uint8_t buf[512] = { 0 };
    CHECK_EQ(t, blockdev_write(bd, 0, buf, 512), -1);
    blockdev_close(bd);
    drop_image(&img);
}

static void a_partial_last_sector_is_not_addressable(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 3 * 512 + 100);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_DISK, false, false, stderr);
    uint8_t buf[512];
    CHECK_EQ(t, blockdev_size(bd), 3 * 512);
    CHECK_EQ(t, blockdev_read(bd, 3 * 512, buf, 512), -1);
    blockdev_close(bd);
    drop_image(&img);
}

static void an_iso_of_whole_sectors_opens_with_its_size(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 2048 * 5);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_CDROM, true, false, stderr);
    CHECK(t, bd != NULL);
    if (bd)
        CHECK_EQ(t, blockdev_size(bd), 2048 * 5);
    CHECK(t, bd && !strcmp(blockdev_path(bd), img.path));
    blockdev_close(bd);
    drop_image(&img);
}

static void close_flushes_and_the_written_bytes_stay(struct test_ctx *t)
{
    struct image img;
    make_image(&img, 4 * 512);
    struct blockdev *bd = blockdev_open(img.path, BLOCKDEV_FLOPPY, false, false, stderr);
    uint8_t buf[512];
    memset(buf, 0xC3, sizeof buf);
    blockdev_write(bd, 512, buf, 512);
    blockdev_close(bd);
    bd = blockdev_open(img.path, BLOCKDEV_FLOPPY, false, false, stderr);
    uint8_t back[512];
    blockdev_read(bd, 512, back, 512);
    CHECK(t, memcmp(back, buf, 512) == 0);
    blockdev_read(bd, 0, back, 512);
    CHECK_EQ(t, back[5], pattern(5));
    blockdev_close(bd);
    drop_image(&img);
}

static const struct test tests[] = {
    TEST(a_missing_file_is_refused_with_its_name),
    TEST(an_empty_file_is_refused),
    TEST(a_directory_is_refused),
    TEST(an_iso_that_is_not_whole_2048_byte_sectors_is_refused),
    TEST(a_disk_image_smaller_than_a_sector_is_refused),
    TEST(reads_return_the_bytes_of_the_file),
    TEST(a_read_past_the_end_fails),
    TEST(unaligned_offsets_and_lengths_are_refused),
    TEST(writes_reach_the_file),
    TEST(a_write_outside_the_image_fails_and_never_extends_the_file),
    TEST(snapshot_writes_read_back_but_leave_the_file_unchanged),
    TEST(the_snapshot_overlay_holds_thousands_of_scattered_sectors),
    TEST(a_read_only_drive_refuses_writes),
    TEST(a_read_only_drive_refuses_writes_under_snapshot_too),
    TEST(a_partial_last_sector_is_not_addressable),
    TEST(an_iso_of_whole_sectors_opens_with_its_size),
    TEST(close_flushes_and_the_written_bytes_stay),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("blockdev", tests);
    const struct suite *suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
