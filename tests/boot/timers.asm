; PIT, RTC and PIC together on the virtual clock (bare metal, -bios; the
; library of tests/asm). The program sets up the 8259 pair itself (master
; at vector 20h, slave at 28h, the slave on IR2), then for each phase of
; the table below programs the 8254's counter 0 (mode 2, rate generator)
; and the MC146818's periodic or update-ended interrupt, counts both
; interrupts while it halts for a span measured with RDTSC (ember's TSC
; counts virtual nanoseconds at 1 GHz), and checks:
;   - each count is the rate times the span, within one tick;
;   - the mean time between two interrupts (TSC at the first and the last
;     one) is the nominal period within 0.1%;
;   - in each handler the PIC's in-service register shows the IRQ (and
;     the cascade for the slave), and register C of the RTC has IRQF and
;     the phase's flag (PF or UF) set.
; References: Intel 8254 and 8259A data sheets; Motorola MC146818A data
; sheet (register A rate select, register B PIE/UIE, register C flags).
%include "lib/ember.inc"
%include "lib/pic.inc"

PIT_HZ      equ 1193182
NS          equ 1000000000
RTC_B_PIE   equ 0x40
RTC_B_UIE   equ 0x10
RTC_C_IRQF  equ 0x80
RTC_C_PF    equ 0x40
RTC_C_UF    equ 0x10

; One phase: PIT divisor (65536 for a count of 0), RTC rate select
; (0 = no periodic interrupt), RTC register B interrupt bits, span in
; milliseconds, the RTC interrupt rate in Hz.
struc phase
    .divisor:       resw 1
    .rate:          resb 1
    .regb:          resb 1
    .span_ms:       resd 1
    .span_ns:       resd 1
    .pit_expected:  resd 1
    .rtc_expected:  resd 1
    .pit_period:    resd 1      ; ns
    .rtc_period:    resd 1      ; ns
    .rtc_flag:      resd 1      ; PF or UF
endstruc

%macro PHASE 5
    istruc phase
    at phase.divisor,       dw (%1) & 0xFFFF
    at phase.rate,          db %2
    at phase.regb,          db %3
    at phase.span_ms,       dd %4
    at phase.span_ns,       dd (%4) * 1000000
    at phase.pit_expected,  dd ((%4) * PIT_HZ * 2 + 1000 * (%1)) / (2000 * (%1))
    at phase.rtc_expected,  dd (%4) * (%5) / 1000
    at phase.pit_period,    dd (%1) * NS / PIT_HZ
    at phase.rtc_period,    dd NS / (%5)
    at phase.rtc_flag,      dd ((%3) & RTC_B_PIE) ? RTC_C_PF : RTC_C_UF
    iend
%endmacro

section .text
bits 16
test_main:
    ; Master: IR0 (PIT) and IR2 (cascade) open; slave: IR0 = IRQ 8 (RTC).
    PIC_INIT 0x20, 0x28, 0xFA, 0xFE
    mov al, 0x0B                ; OCW3: reads of port 20h/A0h give the ISR
    out 0x20, al
    out 0xA0, al
    mov ax, 0x20
    mov bx, irq0
    call rm_set_vector
    mov ax, 0x28
    mov bx, irq8
    call rm_set_vector

    mov si, phases
.phase:
    cmp si, phases_end
    jae .done
    call run_phase
    add si, phase_size
    jmp .phase
.done:
    PASS

; Run the phase at DS:SI and check it.
run_phase:
    cli
    mov al, 0x34                ; counter 0, LSB then MSB, mode 2, binary
    out 0x43, al
    mov ax, [si + phase.divisor]
    out 0x40, al
    mov al, ah
    out 0x40, al
    mov al, 0x0A                ; RTC A: 32.768 kHz time base, the rate
    out 0x70, al
    mov al, [si + phase.rate]
    or al, 0x20
    out 0x71, al
    mov al, 0x0B                ; RTC B: only this phase's interrupt
    out 0x70, al
    in al, 0x71
    and al, ~(RTC_B_PIE | RTC_B_UIE | 0x20)
    or al, [si + phase.regb]
    mov ah, al
    mov al, 0x0B
    out 0x70, al
    mov al, ah
    out 0x71, al
    mov al, 0x0C                ; clear the flags
    out 0x70, al
    in al, 0x71
    xor eax, eax
    mov [pit_count], eax
    mov [rtc_count], eax
    mov [isr_errors], eax
    mov [flag_errors], eax
    mov [rtc_flags], eax
    mov [counting], eax
    mov [pit_seen], eax
    mov eax, [si + phase.span_ns]
    mov [span], eax
    ; Writing the control word may raise OUT (an edge the PIC latches):
    ; the span starts at the first IRQ 0 taken, whichever it is.
    sti
.first:
    hlt
    cmp dword [pit_seen], 0
    je .first
    cli
    rdtsc
    mov [start_tsc], eax
    mov [start_tsc + 4], edx
    mov dword [counting], 1
    sti
.wait:
    hlt
    rdtsc
    sub eax, [start_tsc]
    sbb edx, [start_tsc + 4]
    jnz .over
    cmp eax, [span]
    jb .wait
.over:
    cli
    mov al, 0x0B                ; RTC interrupts off again
    out 0x70, al
    in al, 0x71
    and al, ~(RTC_B_PIE | RTC_B_UIE)
    mov ah, al
    mov al, 0x0B
    out 0x70, al
    mov al, ah
    out 0x71, al

    PRINT "PIT divisor "
    movzx eax, word [si + phase.divisor]
    test eax, eax
    jnz .divisor
    mov eax, 65536
.divisor:
    call print_dec16
    PRINT ", RTC "
    test byte [si + phase.regb], RTC_B_PIE
    jz .update
    PRINT "rate "
    movzx eax, byte [si + phase.rate]
    call print_dec16
    jmp .span
.update:
    PRINT "update-ended"
.span:
    PRINT ", "
    mov eax, [si + phase.span_ms]
    call print_dec16
    PRINT " ms:", 10
    PRINT "  PIT "
    mov eax, [pit_count]
    mov ebx, [si + phase.pit_expected]
    mov ecx, [pit_first]
    mov edx, [pit_last]
    mov edi, [si + phase.pit_period]
    call report
    PRINT "  RTC "
    mov eax, [rtc_count]
    mov ebx, [si + phase.rtc_expected]
    mov ecx, [rtc_first]
    mov edx, [rtc_last]
    mov edi, [si + phase.rtc_period]
    call report
    ASSERT_EQ dword [isr_errors], 0
    ASSERT_EQ dword [flag_errors], 0
    mov eax, [rtc_flags]
    and eax, [si + phase.rtc_flag]
    ASSERT_EQ eax, [si + phase.rtc_flag]
    ret

; EAX interrupts counted, EBX expected; ECX, EDX the TSC (low halves) at
; the first and the last one, EDI the nominal period in ns. Prints the
; count and the mean period, and fails when the count is off by more than
; one or the period by more than 0.1%.
report:
    call print_dec16
    PRINT " interrupts (expected "
    push eax
    mov eax, ebx
    call print_dec16
    pop eax
    PRINT "), mean period "
    cmp eax, 2
    jae .mean
    FAIL 1, "fewer than two interrupts"
.mean:
    push eax
    push edx
    lea ebp, [eax - 1]          ; intervals
    mov eax, edx
    sub eax, ecx
    xor edx, edx
    div ebp
    call print_dec16
    PRINT " ns (nominal "
    push eax
    mov eax, edi
    call print_dec16
    pop eax
    PRINT " ns)", 10
    sub eax, edi                ; |mean - nominal| <= nominal / 1000
    jns .positive
    neg eax
.positive:
    push eax
    mov eax, edi
    xor edx, edx
    mov ecx, 1000
    div ecx
    mov ecx, eax
    pop eax
    cmp eax, ecx
    jbe .period_ok
    FAIL 2, "the mean period is off by more than 0.1%"
.period_ok:
    pop edx
    pop eax
    inc ebx                     ; |count - expected| <= 1
    cmp eax, ebx
    ja .count_bad
    sub ebx, 2
    jc .count_ok
    cmp eax, ebx
    jae .count_ok
.count_bad:
    FAIL 3, "the count is off by more than one tick"
.count_ok:
    ret

; CF clear when an interrupt now (TSC low half in EAX) is inside the span
; being measured.
in_span:
    cmp dword [cs:counting], 0
    je .outside
    push eax
    sub eax, [cs:start_tsc]
    cmp eax, [cs:span]
    pop eax
    jae .outside
    clc
    ret
.outside:
    stc
    ret

; IRQ 0: count and time it inside the span; the master's ISR must show IR0.
irq0:
    push eax
    push edx
    mov dword [cs:pit_seen], 1
    rdtsc
    call in_span
    jc .isr
    inc dword [cs:pit_count]
    mov [cs:pit_last], eax
    cmp dword [cs:pit_count], 1
    jne .isr
    mov [cs:pit_first], eax
.isr:
    in al, 0x20
    test al, 0x01
    jnz .isr_ok
    inc dword [cs:isr_errors]
.isr_ok:
    mov al, 0x20                ; non-specific EOI
    out 0x20, al
    pop edx
    pop eax
    iret

; IRQ 8: count and time it inside the span; register C, the slave's ISR (IR0) and the master's
; (IR2, the cascade).
irq8:
    push eax
    push edx
    rdtsc
    call in_span
    jc .flags
    inc dword [cs:rtc_count]
    mov [cs:rtc_last], eax
    cmp dword [cs:rtc_count], 1
    jne .flags
    mov [cs:rtc_first], eax
.flags:
    mov al, 0x0C
    out 0x70, al
    in al, 0x71
    or [cs:rtc_flags], al
    test al, RTC_C_IRQF
    jnz .irqf
    inc dword [cs:flag_errors]
.irqf:
    in al, 0xA0
    test al, 0x01
    jz .isr_bad
    in al, 0x20
    test al, 0x04
    jnz .isr_ok
.isr_bad:
    inc dword [cs:isr_errors]
.isr_ok:
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop edx
    pop eax
    iret

section .data
align 4
phases:
    PHASE 1193, 6, RTC_B_PIE, 1000, 1024
    PHASE 11932, 3, RTC_B_PIE, 250, 8192
    PHASE 65536, 15, RTC_B_PIE, 2000, 2
    PHASE 59659, 0, RTC_B_UIE, 3000, 1
phases_end:

start_tsc:      dd 0, 0
span:           dd 0
counting:       dd 0
pit_seen:       dd 0
pit_count:      dd 0
rtc_count:      dd 0
pit_first:      dd 0
pit_last:       dd 0
rtc_first:      dd 0
rtc_last:       dd 0
isr_errors:     dd 0
flag_errors:    dd 0
rtc_flags:      dd 0
