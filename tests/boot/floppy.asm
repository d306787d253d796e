; A 1.44 MB floppy image booted by SeaBIOS (ember -fda): the boot sector
; (stage1_chs.inc) loads the rest of the program, 48 sectors that cross
; from head 0 to head 1 and from cylinder 0 to cylinder 1, with INT 13h
; AH=02h; stage 2 (stage2.inc) checks them and INT 10h and INT 16h.
; The floppy's own checks: the geometry INT 13h AH=08h reports for a
; 1.44 MB drive, the image's last sector (cylinder 79, head 1, sector 18)
; read through AH=02h, and a write and read back of the sector before it.
; The runner (run_boot_test.cmake) compares the debug console output with
; floppy.expected and the screen with floppy.screen.
%define MEDIUM_NAME "floppy"
SECTOR_BYTES    equ 512
UNITS           equ 44
STAGE1_SECTORS  equ (units_end - stage2) / 512
IMAGE_BYTES     equ 1474560
LAST_LBA        equ IMAGE_BYTES / 512 - 1

org 0x7C00
%include "stage1_chs.inc"
    times 510 - ($ - $$) db 0
    dw 0xAA55

%include "stage2.inc"

medium_checks:
    push es
    mov ah, 0x08
    mov dl, [boot_drive]
    xor di, di
    int 0x13
    pop es
    jnc .geometry
    FAIL "INT 13h AH=08h failed"
.geometry:
    E9 "int13: AH=08h drive type "
    movzx eax, bl
    E9_DEC eax
    E9 ", "
    mov al, cl
    shr al, 6
    mov ah, al
    mov al, ch
    movzx eax, ax
    inc eax
    E9_DEC eax
    E9 " cylinders, "
    movzx eax, dh
    inc eax
    E9_DEC eax
    E9 " heads, "
    movzx eax, cl
    and al, 0x3F
    E9_DEC eax
    E9 " sectors per track", 10

    mov eax, LAST_LBA
    mov bx, BUF_A
    call read_chs_lba
    jnc .last_read
    FAIL "INT 13h AH=02h: the last sector does not read"
.last_read:
    cmp dword [BUF_A], 'LAST'
    jne .last_bad
    cmp dword [BUF_A + 4], LAST_LBA
    je .last_ok
.last_bad:
    FAIL "INT 13h AH=02h: the last sector holds other data"
.last_ok:
    E9 "int13: AH=02h read the last sector, "
    call e9_chs
    E9 10
    mov eax, LAST_LBA - 1
    call check_write_chs
    ret

%include "units.inc"

    times IMAGE_BYTES - 512 - ($ - $$) db 0
    db 'LAST'
    dd LAST_LBA
    times 504 db 0xA5
