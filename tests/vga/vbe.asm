; A Bochs VBE mode (640x480, 32 bpp, linear frame buffer) set through
; ports 0x1CE/0x1CF, the frame buffer placed at 0xE0000000 by programming
; BAR 0 of the VGA's PCI function (00:02.0) as firmware would, and a
; picture drawn in flat protected mode: colour ramps in red and green, an
; XOR pattern in blue and a white frame. A second, 8-bit picture goes
; through the banked window at 0xA0000 first and must be gone: enabling
; the mode clears the video memory. The runner compares the -screendump
; with golden/vbe.png byte for byte.
bits 16
org 0
%include "rom.inc"

ROM_BASE equ 0xF0000            ; the image's low alias: linear = ROM_BASE + label
LFB equ 0xE0000000
WIDTH equ 640
HEIGHT equ 480

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    call place_lfb
    vbe 0, 0xB0C5               ; ID
    vbe 4, 0                    ; disabled while the mode changes
    vbe 1, WIDTH
    vbe 2, HEIGHT
    vbe 3, 8
    vbe 4, 0x01                 ; 8 bpp banked: scribble in bank 1
    vbe 5, 1
    mov ax, 0xA000
    mov es, ax
    xor di, di
    mov al, 0x55
    mov cx, 0x8000
    rep stosb
    vbe 4, 0
    vbe 3, 32
    vbe 4, 0x41                 ; enabled, LFB, memory cleared
    lgdt [cs:gdt_descriptor]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(ROM_BASE + flat)

; BAR 0 of 00:02.0 = LFB, memory decoding on (config mechanism #1).
place_lfb:
    mov dx, 0xCF8
    mov eax, 0x80001010
    out dx, eax
    mov dx, 0xCFC
    mov eax, LFB
    out dx, eax
    mov dx, 0xCF8
    mov eax, 0x80001004
    out dx, eax
    mov dx, 0xCFC
    mov ax, 0x0003
    out dx, ax
    ret

bits 32
flat:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    call draw_ramps
    call draw_frame
    mov al, 0
    out 0xF4, al
    hlt

; Pixel (x, y): red = x * 2 / 5, green = y / 2, blue = (x ^ y) & 0xFF.
draw_ramps:
    mov edi, LFB
    xor edx, edx
.row:
    xor ecx, ecx
.col:
    mov eax, ecx
    shl eax, 1
    push edx
    xor edx, edx
    mov ebx, 5
    div ebx
    pop edx
    shl eax, 16
    mov ebx, edx
    shr ebx, 1
    shl ebx, 8
    or eax, ebx
    mov ebx, ecx
    xor ebx, edx
    and ebx, 0xFF
    or eax, ebx
    stosd
    inc ecx
    cmp ecx, WIDTH
    jne .col
    inc edx
    cmp edx, HEIGHT
    jne .row
    ret

; A white outline 20 pixels inside the edges.
draw_frame:
    mov eax, 0x00FFFFFF
    mov edi, LFB + (20 * WIDTH + 20) * 4
    mov ecx, WIDTH - 40
    rep stosd
    mov edi, LFB + ((HEIGHT - 21) * WIDTH + 20) * 4
    mov ecx, WIDTH - 40
    rep stosd
    mov edi, LFB + (20 * WIDTH + 20) * 4
    mov ecx, HEIGHT - 40
.side:
    mov [edi], eax
    mov [edi + (WIDTH - 41) * 4], eax
    add edi, WIDTH * 4
    loop .side
    ret

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: flat 32-bit code
    dq 0x00CF92000000FFFF       ; 0x10: flat data
gdt_descriptor:
    dw gdt_descriptor - gdt - 1
    dd ROM_BASE + gdt

%include "rom_end.inc"
