; ISA interrupts through the 82093AA I/O APIC (its datasheet; SDM vol. 3
; 10.8.5), with no BIOS: the version register reads 00170011H (24 pins);
; the PIT's IRQ 0 arrives on pin 2, as the MADT's interrupt source
; override says, as an edge-triggered fixed vector; COM2's IRQ 3 arrives on
; pin 3 level-triggered: remote IRR is set while the vector is in service,
; the local APIC's EOI clears it, and an EOI while the UART still requests
; brings the interrupt again. The 8259 pair is masked throughout.
%include "lib/ember.inc"
%include "lib/pic.inc"

APIC            equ 0xFEE00000
APIC_EOI        equ APIC + 0x0B0
APIC_SVR        equ APIC + 0x0F0
APIC_ISR        equ APIC + 0x100
APIC_TMR        equ APIC + 0x180
IOAPIC_SEL      equ 0xFEC00000
IOAPIC_WIN      equ 0xFEC00010
IOREDTBL        equ 0x10
RTE_LEVEL       equ 0x8000
RTE_REMOTE_IRR  equ 0x4000
RTE_MASKED      equ 0x10000
PIT_VECTOR      equ 0x30
COM2_VECTOR     equ 0x53
COM2            equ 0x2F8

; IOAPIC_WRITE index, value
%macro IOAPIC_WRITE 2
    mov dword [IOAPIC_SEL], %1
    mov dword [IOAPIC_WIN], %2
%endmacro
; IOAPIC_READ index -> EAX
%macro IOAPIC_READ 1
    mov dword [IOAPIC_SEL], %1
    mov eax, [IOAPIC_WIN]
%endmacro

test_main:
    ENTER_PM
    call mask_8259
    IOAPIC_READ 0x01
    ASSERT_EQ eax, 0x00170011
    IOAPIC_READ IOREDTBL + 2 * 2
    ASSERT_EQ eax, RTE_MASKED               ; every entry masked after reset
    IDT_GATE PIT_VECTOR, SEL_CODE32, on_pit, ACC_INTGATE
    IDT_GATE COM2_VECTOR, SEL_CODE32, on_com2, ACC_INTGATE
    mov dword [APIC_SVR], 0x1FF

    ; ---- The PIT (IRQ 0) on pin 2: edge, fixed, physical destination 0.
    IOAPIC_WRITE IOREDTBL + 2 * 2 + 1, 0
    IOAPIC_WRITE IOREDTBL + 2 * 2, PIT_VECTOR
    mov al, 0x34                            ; counter 0, LSB then MSB, mode 2
    out 0x43, al
    mov ax, 1193                            ; about 1 ms
    out 0x40, al
    mov al, ah
    out 0x40, al
    sti
.pit3:
    hlt
    cmp dword [pit_ticks], 3
    jb .pit3
    cli
    ASSERT_EQ dword [pit_isr], 1            ; vector 30H in service in the handler
    ASSERT_EQ dword [pit_tmr], 0            ; edge-triggered
    IOAPIC_WRITE IOREDTBL + 2 * 2, RTE_MASKED | PIT_VECTOR
    mov dword [pit_ticks], 0
    mov ecx, 3000000                        ; 3 ms with pin 2 masked: nothing
.quiet:
    loop .quiet
    ASSERT_EQ dword [pit_ticks], 0

    ; ---- COM2 (IRQ 3) on pin 3, level-triggered: the THR-empty interrupt
    ; holds the line until the handler reads IIR.
    IOAPIC_WRITE IOREDTBL + 2 * 3 + 1, 0
    IOAPIC_WRITE IOREDTBL + 2 * 3, RTE_LEVEL | COM2_VECTOR
    mov dx, COM2 + 4
    mov al, 0x08                            ; MCR.OUT2 lets the UART drive IRQ 3
    out dx, al
    mov byte [com2_quiet_on], 2             ; the second interrupt quiets the UART
    mov dx, COM2 + 1
    mov al, 0x02                            ; IER: THR empty
    out dx, al
    sti
    nop
    nop
    cli
    ASSERT_EQ dword [com2_ticks], 2         ; EOI with IRQ 3 still high: again
    ASSERT_EQ dword [com2_rirr], RTE_REMOTE_IRR
    ASSERT_EQ dword [com2_tmr], 1 << (COM2_VECTOR - 0x40)
    IOAPIC_READ IOREDTBL + 2 * 3
    and eax, RTE_REMOTE_IRR
    ASSERT_EQ eax, 0                        ; the last EOI cleared it
    PASS

; Both 8259s initialized (vectors 20H/28H) and fully masked.
mask_8259:
    PIC_INIT 0x20, 0x28, 0xFF, 0xFF
    ret

on_pit:
    push eax
    mov eax, [APIC_ISR + 0x10]              ; vectors 20H-3FH
    shr eax, PIT_VECTOR - 0x20
    and eax, 1
    mov [pit_isr], eax
    mov eax, [APIC_TMR + 0x10]
    shr eax, PIT_VECTOR - 0x20
    and eax, 1
    mov [pit_tmr], eax
    inc dword [pit_ticks]
    mov dword [APIC_EOI], 0
    pop eax
    iretd

; COM2: notes remote IRR and TMR; quiets the UART (reads IIR, clears IER)
; only on the com2_quiet_on-th interrupt, then EOI.
on_com2:
    push eax
    push edx
    inc dword [com2_ticks]
    mov dword [IOAPIC_SEL], IOREDTBL + 2 * 3
    mov eax, [IOAPIC_WIN]
    and eax, RTE_REMOTE_IRR
    mov [com2_rirr], eax
    mov eax, [APIC_TMR + 0x20]              ; vectors 40H-5FH
    and eax, 1 << (COM2_VECTOR - 0x40)
    mov [com2_tmr], eax
    mov eax, [com2_ticks]
    cmp eax, [com2_quiet_on]
    jne .eoi
    mov dx, COM2 + 2
    in al, dx                               ; IIR: clears the THR-empty interrupt
    mov dx, COM2 + 1
    xor al, al
    out dx, al
.eoi:
    mov dword [APIC_EOI], 0
    pop edx
    pop eax
    iretd

section .data
pit_ticks:      dd 0
pit_isr:        dd 0
pit_tmr:        dd 0
com2_ticks:     dd 0
com2_rirr:      dd 0
com2_tmr:       dd 0
com2_quiet_on:  dd 0
