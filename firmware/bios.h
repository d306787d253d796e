/* BIOS and bare-metal ROM images: read from a file and checked before the
 * machine maps them (devices/machine.c) at the top of the address space. */
#ifndef EMBER_FIRMWARE_BIOS_H
#define EMBER_FIRMWARE_BIOS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BIOS_MAX_SIZE (256u * 1024)

/* Reads a ROM image: a multiple of 4 KiB, at most 256 KiB (a smaller file
 * that is not a multiple is padded at the front with 0xFF, so its last
 * bytes stay at the reset vector). NULL and one line on err on failure. */
uint8_t *bios_load(const char *path, size_t *size, FILE *err);
/* Reads a whole file of at most max bytes; on failure NULL and one line on
 * err naming the file as `what` ("kernel", "initrd", "ROM image"). */
uint8_t *file_read_all(const char *path, size_t max, size_t *size, const char *what, FILE *err);
/* Reads an option ROM (e.g. the VGA BIOS) of at most max bytes, as is. */
uint8_t *rom_load(const char *path, size_t max, size_t *size, FILE *err);

#endif
