; The program of the record/replay tests (tests/replay): a 64 KiB ROM
; (nasm -f bin, given to ember with -bios) that runs in real mode from the
; reset vector. The PIT interrupts it 1000 times a second; after 2 ms of
; busy looping, it halts between ticks. After each tick it polls COM1, and for each byte that came it
; mixes the byte, the tick count and the TSC into a hash and prints
;     b=XX t=XXXXXXXX h=XXXXXXXX
; so the output shows exactly when (in guest time) each byte arrived.
; Bytes from the keyboard controller (port 60h: keys, and the mouse's
; packets once it is on) get the same line with "k=" for "b=". A 'q' on the serial line or the Q key ends the program: "bye", then exit through port 0xF4 with 0
; (ember's status 1). A recording made with bytes typed at host-timed
; moments must replay to the very same lines.
;
; The ROM copies the program to 0000:1000 and runs it there, so that CS's
; base is 0 and gdb's PC (EIP) is the linear address of a breakpoint.
; got_byte is at linear 0x1000 + (its offset in section low): the tests
; find it in the listing (nasm -l).
%include "lib/pic.inc"

bits 16
section .text start=0

TICKS   equ 0x500               ; dword in RAM (DS = 0)
HASH    equ 0x504
COM1    equ 0x3F8

    jmp start                   ; offset 0
    times 8 - ($ - $$) db 0x90
divisor:                        ; offset 8: the PIT divisor (a test patches it)
    dw 1193                     ; 1000 Hz

start:
    cli
    mov bx, [cs:divisor]
    mov ax, cs
    mov ds, ax
    xor ax, ax
    mov es, ax
    mov si, section.low.start
    mov di, 0x1000
    mov cx, low_end - low_entry
    cld
    rep movsb
    jmp 0:low_entry

section low follows=.text vstart=0x1000
low_entry:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov word [0x08 * 4], timer  ; IRQ 0 at vector 8
    mov word [0x08 * 4 + 2], 0
    PIC_INIT 0x08, 0x70, 0xFE, 0xFF     ; the PC's vectors; only IRQ 0 open
    ; PIT channel 0: rate generator (mode 2), the divisor above.
    mov al, 0x34
    out 0x43, al
    mov ax, bx                  ; the divisor, read from the ROM
    out 0x40, al
    mov al, ah
    out 0x40, al
    ; COM1: 115200 8N1, FIFOs on, no interrupts (polled).
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al
    mov dx, COM1
    mov al, 1
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 3
    out dx, al
    mov dx, COM1 + 2
    mov al, 0x07
    out dx, al
    ; The PS/2 mouse: the controller's aux port on, then data reporting
    ; (its acknowledgement, FAh, comes as the first k= line).
    mov al, 0xA8
    out 0x64, al
    mov al, 0xD4
    out 0x64, al
    mov al, 0xF4
    out 0x60, al
    mov dword [TICKS], 0
    mov dword [HASH], 0x811C9DC5
    mov si, hello
    call puts
    sti
    mov ecx, 1000000            ; busy for 2 ms first: ticks come to a
.busy:                          ; running CPU too, not only a halted one
    a32 loop .busy

main:
    hlt
    in al, 0x64                 ; a byte from the keyboard?
    test al, 1
    jz .serial
    in al, 0x60
    mov bl, al
    mov si, k_text
    jmp report
.serial:
    mov dx, COM1 + 5
    in al, dx
    test al, 1
    jz main
got_byte:                       ; a byte waits in the receiver
    mov dx, COM1
    in al, dx
    mov bl, al
    mov si, b_text
report:                         ; BL: the byte, SI: its line's start
    movzx eax, al
    xor eax, [HASH]
    xor eax, [TICKS]
    imul eax, eax, 16777619
    mov ecx, eax
    rdtsc
    xor eax, ecx
    mov [HASH], eax
    call puts
    mov al, bl
    call hex8
    mov si, t_text
    call puts
    mov eax, [TICKS]
    call hex32
    mov si, h_text
    call puts
    mov eax, [HASH]
    call hex32
    mov si, newline
    call puts
    cmp bl, 'q'                 ; from the serial line
    je .bye
    cmp bl, 0x10                ; Q pressed (scan code set 1: the 8042 translates)
    jne main
.bye:
    mov si, bye
    call puts
    xor al, al
    out 0xF4, al                ; exit: ember's status 1

timer:
    inc dword [TICKS]
    push ax
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

; Print the NUL-terminated string at CS:SI.
puts:
    mov al, [cs:si]
    test al, al
    jz .done
    call putc
    inc si
    jmp puts
.done:
    ret

; Print AL, once the transmitter holds no byte.
putc:
    push dx
    push ax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

hex32:
    push eax
    shr eax, 16
    call hex16
    pop eax
hex16:
    push ax
    mov al, ah
    call hex8
    pop ax
hex8:
    push ax
    shr al, 4
    call hex4
    pop ax
hex4:
    push ax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .digit
    add al, 'a' - '0' - 10
.digit:
    call putc
    pop ax
    ret

hello:   db "replay target ready", 13, 10, 0
b_text:  db "b=", 0
k_text:  db "k=", 0
t_text:  db " t=", 0
h_text:  db " h=", 0
newline: db 13, 10, 0
bye:     db "bye", 13, 10, 0
low_end:

section reset start=0xFFF0
reset:                          ; F000:FFF0
    jmp 0xF000:start
    times 16 - ($ - $$) db 0xF4
