; A boot program that ends the run at once: it prints the time-stamp
; counter (ember's TSC counts virtual nanoseconds from power-on, 1 GHz) as
; "tsc 0x................" over port 0xE9 and writes 0 to the exit port
; 0xF4. It leaves the screen as the BIOS left it, so the banner tests can
; read SeaBIOS's own lines there, and `make bench` times the way from
; power-on to the first instruction of a boot sector with it.
; Assembled with -DIMAGE_BYTES=N: 1474560 for a floppy, a hard disk's size,
; or 2048 for the boot file of an El Torito CD (no emulation).
org 0x7C00
bits 16
    jmp short start
    ; Bytes 8-63: room for the boot information table that the ISO tool
    ; writes into an El Torito boot file (-boot-info-table).
    times 64 - ($ - $$) db 0
start:
    xor ax, ax
    mov ds, ax
    rdtsc
    mov ebx, eax                ; lodsb below writes AL
    mov si, tsc_text
    cld
.text:
    lodsb
    test al, al
    jz .number
    out 0xE9, al
    jmp .text
.number:
    mov eax, edx
    call hex32                  ; the high half, then the low half
    mov eax, ebx
    call hex32
    mov al, 10
    out 0xE9, al
    xor al, al
    out 0xF4, al
    cli
    hlt

; EAX as eight hex digits.
hex32:
    mov cx, 8
.digit:
    rol eax, 4
    push ax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'A' - '9' - 1
.out:
    out 0xE9, al
    pop ax
    loop .digit
    ret

tsc_text:   db "tsc 0x", 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
%ifdef IMAGE_BYTES
    times IMAGE_BYTES - ($ - $$) db 0
%endif
