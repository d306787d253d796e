; Mode X (320x240, 256 colours, unchained): mode 13h's registers with
; chain-4 off, byte addressing and 480 scan lines. The picture is drawn
; plane by plane through the Map Mask on the second page (offset 19200),
; its top 40 lines copied to the bottom 40 with write mode 1 (the
; latches: four pixels per byte moved), and then shown by moving the CRTC
; start address there. The runner compares the -screendump with
; golden/modex.png byte for byte.
bits 16
org 0
%include "rom.inc"

PAGE equ 19200                  ; 320 * 240 / 4 bytes per page
ROW equ 80                      ; bytes per line in each plane

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, cs
    mov ds, ax
    mov si, modex_regs
    call load_vga
    call load_palette
    mov ax, 0xA000
    mov es, ax
    call draw_planes
    call copy_with_latches
    out_index 0x3D4, 0x0C, (PAGE >> 8)
    out_index 0x3D4, 0x0D, (PAGE & 0xFF)
    mov al, 0
    out 0xF4, al
    hlt

; DAC entry i: red = (i * 4) & 63, green = 63 - (i >> 2), blue = i >> 2.
load_palette:
    mov dx, 0x3C8
    xor al, al
    out dx, al
    inc dx
    xor bx, bx
.entry:
    mov al, bl
    shl al, 2
    and al, 0x3F
    out dx, al
    mov al, bl
    shr al, 2
    not al
    and al, 0x3F
    out dx, al
    mov al, bl
    shr al, 2
    out dx, al
    inc bx
    cmp bx, 256
    jne .entry
    ret

; Plane p holds the pixels x = 4k + p: colour (x / 2 + y) & 0xFF, with
; bands of colour 0 every 32 lines.
draw_planes:
    xor bp, bp                  ; plane
.plane:
    mov cx, bp
    mov ah, 1
    shl ah, cl
    mov al, 0x02
    mov dx, 0x3C4
    out dx, ax                  ; Map Mask: this plane only
    mov di, PAGE
    xor dx, dx                  ; y
.row:
    xor bx, bx                  ; k
.col:
    mov ax, bx
    shl ax, 2
    add ax, bp                  ; x
    shr ax, 1
    add ax, dx
    test dl, 0x1F
    jnz .store
    xor al, al
.store:
    stosb
    inc bx
    cmp bx, ROW
    jne .col
    inc dx
    cmp dx, 240
    jne .row
    inc bp
    cmp bp, 4
    jne .plane
    ret

; Lines 0-39 to lines 200-239 of the page through the latches.
copy_with_latches:
    out_index 0x3C4, 0x02, 0x0F
    out_index 0x3CE, 0x05, 0x41 ; write mode 1 (256-colour shift kept)
    push ds
    mov ax, es
    mov ds, ax
    mov si, PAGE
    mov di, PAGE + 200 * ROW
    mov cx, 40 * ROW
    rep movsb
    pop ds
    out_index 0x3CE, 0x05, 0x40
    ret

%include "vga_regs.inc"

modex_regs:
    db 0xE3
    db 0x03, 0x01, 0x0F, 0x00, 0x06
    db 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0D, 0x3E, 0x00, 0x41, 0x00, 0x00, 0x00
    db 0x00, 0x00, 0x00, 0xEA, 0xAC, 0xDF, 0x28, 0x00, 0xE7, 0x06, 0xE3, 0xFF
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF
    db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C
    db 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00

%include "rom_end.inc"
