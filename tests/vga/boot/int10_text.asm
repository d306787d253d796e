; A floppy boot sector run under SeaBIOS and SeaVGABIOS: mode 3 through
; INT 10h, then text written with INT 10h function 09h (character and
; attribute at the cursor): a title, a double-line box of line-graphics
; characters (their ninth column repeats the eighth), the sixteen
; foreground colours on a blue background, and, with blinking turned off
; (function 1003h), a word on a bright background. The cursor is hidden:
; blink phases follow virtual time, which other devices' timing moves.
; Exits through port 0xF4 with 0; the runner compares the -screendump
; with golden/boot_int10_text.png.
org 0x7C00
bits 16
start:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    mov ax, 0x0003
    int 0x10
    mov dx, 0x0000
    mov bl, 0x1E
    mov si, title
    call print
    mov dx, 0x0204
    mov bl, 0x4F
    mov si, box_top
    call print
    mov dx, 0x0304
    mov si, box_mid
    call print
    mov dx, 0x0404
    mov si, box_bottom
    call print
    call colours
    mov ax, 0x1003              ; attribute bit 7: background intensity
    xor bl, bl
    int 0x10
    mov dx, 0x0800
    mov bl, 0xCE
    mov si, bright
    call print
    mov ah, 0x01                ; cursor off
    mov cx, 0x2000
    int 0x10
    mov al, 0
    out 0xF4, al
    hlt

; Print the zero-terminated string at SI from row DH, column DL in
; attribute BL.
print:
    lodsb
    test al, al
    jz .done
    push ax
    mov ah, 0x02
    xor bh, bh
    int 0x10
    pop ax
    mov ah, 0x09
    mov cx, 1
    int 0x10
    inc dl
    jmp print
.done:
    ret

; Row 6: "0123456789ABCDEF", character i in colour i on blue.
colours:
    mov dx, 0x0600
    xor bl, bl
.next:
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov al, bl
    add al, '0'
    cmp al, '9'
    jbe .digit
    add al, 'A' - '9' - 1
.digit:
    push bx
    or bl, 0x10
    mov ah, 0x09
    mov cx, 1
    int 0x10
    pop bx
    inc dl
    inc bl
    cmp bl, 16
    jne .next
    ret

title:      db "ember: VGA text through SeaVGABIOS", 0
box_top:    db 0xC9, 0xCD, 0xCD, 0xCD, 0xCD, 0xBB, 0
box_mid:    db 0xBA, " ok ", 0xBA, 0
box_bottom: db 0xC8, 0xCD, 0xCD, 0xCD, 0xCD, 0xBC, 0
bright:     db "bright background", 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
    times 1474560 - ($ - $$) db 0
