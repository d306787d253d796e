; The boot file of an El Torito CD (no emulation), booted by SeaBIOS
; (ember -cdrom x.iso -boot d). The runner makes the ISO at test time:
;   genisoimage (or xorriso -as mkisofs) -b boot/ember.bin -no-emul-boot
;       -boot-load-size 4 -boot-info-table
; so SeaBIOS loads the first 2048 bytes of this file at 0000:7C00 and the
; ISO tool fills in the boot information table at offset 8 (the primary
; volume descriptor's LBA, this file's LBA, its length, and a checksum of
; its dwords from offset 64 on). Stage 1 reads the rest of the file with
; INT 13h AH=42h in 2048-byte sectors; stage 2 (stage2.inc) checks it and
; INT 10h and INT 16h. The CD's own checks: the El Torito status packet
; (INT 13h AH=4B01h), the sector size (AH=48h), the file's length and
; checksum against the boot information table, and the primary volume
; descriptor read through AH=42h. The runner compares the debug console
; output with cdrom.expected and the screen with cdrom.screen.
%define MEDIUM_NAME "CD-ROM"
SECTOR_BYTES    equ 2048
UNITS           equ 44
CD_SECTORS      equ (image_end - stage2) / 2048
; Stage 1's variables live outside the file, so that the checksum of the
; boot information table still holds when it computes it.
CD_DRIVE        equ 0x0600
CD_SUM          equ 0x0604
CD_DAP          equ 0x0610

org 0x7C00
bits 16
cd_boot:
    jmp short cd_stage1
    times 8 - ($ - $$) db 0
bi_pvd:         dd 0
bi_file:        dd 0
bi_length:      dd 0
bi_checksum:    dd 0
bi_reserved:    times 40 db 0

cd_stage1:
    jmp 0:.cs_zero
.cs_zero:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    mov [CD_DRIVE], dl
    mov di, CD_DAP                      ; the rest of the file, after this sector
    mov ax, 16
    stosw
    mov ax, CD_SECTORS
    stosw
    mov ax, stage2
    stosw
    xor ax, ax
    stosw
    mov eax, [bi_file]
    inc eax
    stosd
    xor eax, eax
    stosd
    mov si, CD_DAP
    mov ah, 0x42
    mov dl, [CD_DRIVE]
    int 0x13
    jc .failed
    cmp dword [stage2], 'STG2'
    jne .failed
    mov si, cd_boot + 64                ; the table's checksum, before stage 2
    xor edx, edx                        ; writes its variables
.sum:
    add edx, [si]
    add si, 4
    cmp si, image_end
    jb .sum
    mov [CD_SUM], edx
    mov dl, [CD_DRIVE]
    mov cx, CD_SECTORS
    jmp stage2_main
.failed:
    mov si, cd_failed
.put:
    lodsb
    test al, al
    jz .end
    out 0xE9, al
    jmp .put
.end:
    mov al, 0x7F
    out 0xF4, al
    cli
    hlt

cd_failed:  db "stage 1 failed: INT 13h AH=42h did not load stage 2", 10, 0

    times 2048 - ($ - $$) db 0

%include "stage2.inc"

PACKET  equ BUF_B

medium_checks:
    mov di, PACKET
    mov cx, 0x13
    xor al, al
    rep stosb
    mov byte [PACKET], 0x13
    mov si, PACKET
    mov ax, 0x4B01
    mov dl, [boot_drive]
    int 0x13
    jnc .status
    FAIL "INT 13h AH=4B01h failed"
.status:
    test byte [PACKET + 1], 0x0F
    jz .no_emulation
    FAIL "INT 13h AH=4B01h: the media type is not no emulation"
.no_emulation:
    mov al, [boot_drive]
    cmp [PACKET + 2], al
    je .drive
    FAIL "INT 13h AH=4B01h: the drive is not the boot drive"
.drive:
    mov eax, [bi_file]
    cmp [PACKET + 4], eax
    je .lba
    FAIL "INT 13h AH=4B01h: the image LBA is not the boot file's"
.lba:
    E9 "int13: AH=4B01h no emulation, the boot drive, the boot file's LBA", 10

    call drive_params
    jnc .params
    FAIL "INT 13h AH=48h failed"
.params:
    E9 "int13: AH=48h sectors of "
    movzx eax, cx
    E9_DEC eax
    E9 " bytes", 10
    cmp cx, 2048
    je .sector_size
    FAIL "INT 13h AH=48h: a CD sector is not 2048 bytes"
.sector_size:

    cmp dword [bi_length], image_end - $$
    je .length
    FAIL "boot information table: the length is not the boot file's"
.length:
    mov edx, [CD_SUM]
    cmp edx, [bi_checksum]
    je .checksum
    FAIL "boot information table: the checksum differs from the loaded file's"
.checksum:
    E9 "int13: the loaded file has the length and checksum of the boot information table", 10

    mov eax, [bi_pvd]
    mov cx, 1
    mov bx, BUF_A
    call read_ext
    jnc .pvd_read
    FAIL "INT 13h AH=42h: reading the primary volume descriptor failed"
.pvd_read:
    cmp dword [bi_pvd], 16
    jne .pvd_bad
    cmp dword [BUF_A], 0x30444301       ; type 1, "CD0"
    jne .pvd_bad
    cmp word [BUF_A + 4], 0x3130        ; "01"
    je .pvd_ok
.pvd_bad:
    FAIL "INT 13h AH=42h: LBA 16 is no primary volume descriptor"
.pvd_ok:
    E9 "int13: AH=42h read the primary volume descriptor at LBA 16", 10
    ret

%include "units.inc"

    times (2048 - ($ - $$) % 2048) % 2048 db 0
image_end:
