; A floppy boot sector run under SeaBIOS and SeaVGABIOS: set VBE mode 101h
; (640x480, 256 colours) through INT 10h function 4F02h, fill the first
; 64 KiB bank with a ramp of the BIOS's default palette, switch the window
; to bank 1 through function 4F05h and fill half of it with colour 40
; (red). Exits through port 0xF4 with 0 (1 when the BIOS refuses); the
; runner compares the -screendump with golden/boot_int10_vbe.png.
org 0x7C00
bits 16
start:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    mov ax, 0x4F02
    mov bx, 0x0101
    int 0x10
    cmp ax, 0x004F
    jne fail
    mov ax, 0xA000
    mov es, ax
    xor di, di
    mov cx, 0x8000
.ramp:
    mov ax, di
    shr ax, 2
    stosb
    loop .ramp
    mov ax, 0x4F05
    xor bx, bx
    mov dx, 1
    int 0x10
    cmp ax, 0x004F
    jne fail
    xor di, di
    mov cx, 0x8000
    mov al, 40
    rep stosb
    mov al, 0
    out 0xF4, al
fail:
    mov al, 1
    out 0xF4, al
    hlt

    times 510 - ($ - $$) db 0
    dw 0xAA55
    times 1474560 - ($ - $$) db 0
