; The program of tests/monitor/unimp.sh: a 64 KiB ROM (nasm -f bin) that
; stays in real mode and asks four devices, twice each, for something they
; do not implement, so that -d unimp reports each once:
;   - the i8042 controller command C1h (poll input port low nibble),
;   - memory-to-memory transfers in the first 8237's command register,
;   - the 82077AA floppy command READ TRACK (42h: MFM, opcode 02h),
;   - the MC146818 divider DV2-DV0 = 000b (the 4.194304 MHz time base);
; then it puts things back, prints "done" on the debug console (0xE9) and
; exits through 0xF4 with 0 (ember's status 1). Interrupts stay off.
bits 16
org 0                           ; CS = F000h, base FFFF0000h, from the reset vector

KBC_COMMAND equ 0x64
DMA1_COMMAND equ 0x08
FDC_DOR     equ 0x3F2
FDC_FIFO    equ 0x3F5
RTC_INDEX   equ 0x70
RTC_DATA    equ 0x71
RTC_REG_A   equ 0x0A
DEBUG_CON   equ 0xE9
EXIT_PORT   equ 0xF4

%macro POKE_TWICE 1
    %rep 2
        %1
    %endrep
%endmacro

%macro KBC_POLL_INPUT_LOW 0
    mov al, 0xC1
    out KBC_COMMAND, al
%endmacro

%macro DMA_MEMORY_TO_MEMORY 0
    mov al, 0x01
    out DMA1_COMMAND, al
%endmacro

; The command byte, then the one-byte "invalid" result read back, which
; returns the controller to its command phase.
%macro FDC_READ_TRACK 0
    mov dx, FDC_FIFO
    mov al, 0x42
    out dx, al
    in al, dx
%endmacro

%macro RTC_DIVIDER_4MHZ 0
    mov al, RTC_REG_A
    out RTC_INDEX, al
    mov al, 0x06                ; DV = 000b, rate 1024 Hz
    out RTC_DATA, al
%endmacro

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000

    POKE_TWICE KBC_POLL_INPUT_LOW

    POKE_TWICE DMA_MEMORY_TO_MEMORY
    xor al, al
    out DMA1_COMMAND, al

    mov dx, FDC_DOR
    mov al, 0x0C                ; out of reset, DMA gate on
    out dx, al
    POKE_TWICE FDC_READ_TRACK

    POKE_TWICE RTC_DIVIDER_4MHZ
    mov al, RTC_REG_A
    out RTC_INDEX, al
    mov al, 0x26                ; DV = 010b: the 32.768 kHz time base again
    out RTC_DATA, al

    mov si, done_text
.print:
    cs lodsb
    test al, al
    jz .exit
    out DEBUG_CON, al
    jmp .print
.exit:
    xor al, al
    out EXIT_PORT, al
    hlt
    jmp .exit

done_text:
    db "done", 10, 0

; ---- the reset vector ----
    times 0xFFF0 - ($ - $$) db 0xF4
reset:
    jmp start
    times 0x10000 - ($ - $$) db 0xF4
