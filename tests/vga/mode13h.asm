; Mode 13h (320x200, 256 colours, chain-4) set up register by register,
; a DAC palette of 256 ramps, and a picture drawn through the A0000 window:
; a diagonal colour gradient, a white frame and a block of each of the
; first 16 colours. The runner compares the -screendump with
; golden/mode13h.png byte for byte.
bits 16
org 0
%include "rom.inc"

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, cs
    mov ds, ax
    mov si, mode13h_regs
    call load_vga
    call load_palette
    mov ax, 0xA000
    mov es, ax
    call draw_gradient
    call draw_frame
    call draw_blocks
    mov al, 0
    out 0xF4, al
    hlt

; DAC entry i: red = i & 63, green = i >> 2, blue = 63 - (i & 63);
; entry 255 is white.
load_palette:
    mov dx, 0x3C8
    xor al, al
    out dx, al
    inc dx
    xor bx, bx
.entry:
    mov al, bl
    and al, 0x3F
    out dx, al
    mov al, bl
    shr al, 2
    out dx, al
    mov al, bl
    not al
    and al, 0x3F
    out dx, al
    inc bx
    cmp bx, 255
    jne .entry
    mov al, 0x3F
    out dx, al
    out dx, al
    out dx, al
    ret

; Pixel (x, y) = (x + y) & 0xFF.
draw_gradient:
    xor di, di
    xor dx, dx
.row:
    xor cx, cx
.col:
    mov ax, cx
    add ax, dx
    stosb
    inc cx
    cmp cx, 320
    jne .col
    inc dx
    cmp dx, 200
    jne .row
    ret

; A white rectangle outline at (10, 10)-(309, 189).
draw_frame:
    mov al, 0xFF
    mov di, 10 * 320 + 10
    mov cx, 300
    rep stosb
    mov di, 189 * 320 + 10
    mov cx, 300
    rep stosb
    mov di, 10 * 320 + 10
    mov cx, 180
.side:
    mov [es:di], al
    mov [es:di + 299], al
    add di, 320
    loop .side
    ret

; Colours 0-15 as 16x16 blocks along y = 92.
draw_blocks:
    xor bl, bl
    mov di, 92 * 320 + 32
.block:
    mov dx, 16
    push di
.line:
    mov cx, 16
    mov al, bl
    rep stosb
    add di, 320 - 16
    dec dx
    jnz .line
    pop di
    add di, 16
    inc bl
    cmp bl, 16
    jne .block
    ret

%include "vga_regs.inc"

mode13h_regs:
    db 0x63
    db 0x03, 0x01, 0x0F, 0x00, 0x0E
    db 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00
    db 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF
    db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C
    db 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00

%include "rom_end.inc"
