; A 4 MiB hard-disk image booted by SeaBIOS (ember -hda): the MBR
; (stage1_chs.inc, with one partition entry) loads the rest of the program
; with INT 13h AH=02h (CHS); stage 2 (stage2.inc) checks it and INT 10h
; and INT 16h. The disk's own checks: the INT 13h extensions (AH=41h),
; the drive's size (AH=48h), its geometry (AH=08h), four loaded sectors
; read again through AH=42h (LBA), a sector beyond the first cylinder read
; alike through AH=42h and AH=02h, and a write and read back (AH=03h).
; The runner (run_boot_test.cmake) compares the debug console output with
; hdd.expected and the screen with hdd.screen.
%define MEDIUM_NAME "hard disk"
SECTOR_BYTES    equ 512
UNITS           equ 44
STAGE1_SECTORS  equ (units_end - stage2) / 512
IMAGE_BYTES     equ 4 * 1024 * 1024
FAR_LBA         equ 5000

org 0x7C00
%include "stage1_chs.inc"
%if $ - $$ > 446
  %error "the MBR code overlaps the partition table"
%endif
    times 446 - ($ - $$) db 0
    ; Partition 1: active, type DAh (non-file-system data), LBA 2048 to
    ; the end, its CHS fields marked "beyond CHS" (as fdisk writes them).
    db 0x80, 0xFE, 0xFF, 0xFF, 0xDA, 0xFE, 0xFF, 0xFF
    dd 2048, IMAGE_BYTES / 512 - 2048
    times 48 db 0
    dw 0xAA55

%include "stage2.inc"

medium_checks:
    mov ah, 0x41
    mov bx, 0x55AA
    mov dl, [boot_drive]
    int 0x13
    jc .no_ext
    cmp bx, 0xAA55
    jne .no_ext
    test cl, 1
    jnz .ext
.no_ext:
    FAIL "INT 13h AH=41h: no extensions with packet access"
.ext:
    E9 "int13: AH=41h extensions with packet access", 10

    call drive_params
    jnc .params
    FAIL "INT 13h AH=48h failed"
.params:
    E9 "int13: AH=48h "
    E9_DEC eax
    E9 " sectors of "
    movzx eax, cx
    E9_DEC eax
    E9 " bytes", 10
    cmp dword [params + 0x10], IMAGE_BYTES / 512
    je .size_ok
    FAIL "INT 13h AH=48h: the size is not the image's"
.size_ok:

    ; Four of the units stage 1 loaded, again through AH=42h.
    mov eax, (units - $$) / 512
    mov cx, 4
    mov bx, BUF_A
    call read_ext
    jnc .ext_read
    FAIL "INT 13h AH=42h: reading four sectors failed"
.ext_read:
    mov si, BUF_A
    mov di, units
    mov cx, 4 * 256
    repe cmpsw
    je .ext_same
    FAIL "INT 13h AH=42h: four sectors differ from what AH=02h loaded"
.ext_same:
    E9 "int13: AH=42h read 4 sectors as AH=02h had loaded them", 10

    ; A sector past the first cylinder, both ways.
    mov eax, FAR_LBA
    mov cx, 1
    mov bx, BUF_A
    call read_ext
    jnc .far_ext
    FAIL "INT 13h AH=42h: reading the far sector failed"
.far_ext:
    mov eax, FAR_LBA
    mov bx, BUF_B
    call read_chs_lba
    jnc .far_chs
    FAIL "INT 13h AH=02h: reading the far sector failed"
.far_chs:
    cmp dword [BUF_A], 'FAR!'
    jne .far_bad
    cmp dword [BUF_A + 4], FAR_LBA
    jne .far_bad
    mov si, BUF_A
    mov di, BUF_B
    mov cx, 256
    repe cmpsw
    je .far_ok
.far_bad:
    FAIL "INT 13h: the far sector differs between AH=42h and AH=02h, or from the image"
.far_ok:
    E9 "int13: AH=08h geometry "
    movzx eax, word [geo_heads]
    E9_DEC eax
    E9 " heads, "
    movzx eax, word [geo_spt]
    E9_DEC eax
    E9 " sectors per track", 10
    E9 "int13: LBA "
    E9_DEC FAR_LBA
    E9 " read alike through AH=42h and AH=02h at "
    call e9_chs
    E9 10
    mov eax, FAR_LBA + 1
    call check_write_chs
    ret

%include "units.inc"

    times FAR_LBA * 512 - ($ - $$) db 0
    db 'FAR!'
    dd FAR_LBA
%assign __v 1
%rep 252
    %assign __v (__v * 75) % 65537
    dw __v & 0xFFFF
%endrep
    times IMAGE_BYTES - ($ - $$) db 0
