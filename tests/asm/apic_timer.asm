; The local APIC timer (SDM vol. 3 10.5.4) and task priority (10.8.3)
; seen from the CPU, with no BIOS: IA32_APIC_BASE is FEE00900H after RESET
; and CPUID reports the APIC; the version register shows an integrated
; APIC with the P6's five LVT entries; the timer counts at 1 GHz (the TSC's
; rate: one count per instruction) over the divide configuration; a
; one-shot count interrupts once, a periodic one every period; a vector
; whose class TPR masks waits in IRR until TPR drops.
%include "lib/ember.inc"

APIC            equ 0xFEE00000
APIC_VERSION    equ APIC + 0x030
APIC_TPR        equ APIC + 0x080
APIC_PPR        equ APIC + 0x0A0
APIC_EOI        equ APIC + 0x0B0
APIC_SVR        equ APIC + 0x0F0
APIC_ISR        equ APIC + 0x100
APIC_IRR        equ APIC + 0x200
APIC_LVT_TIMER  equ APIC + 0x320
APIC_TMICT      equ APIC + 0x380
APIC_TMCCT      equ APIC + 0x390
APIC_TDCR       equ APIC + 0x3E0
LVT_MASKED      equ 0x10000
LVT_PERIODIC    equ 0x20000
TIMER_VECTOR    equ 0x40
DIV_1           equ 0xB
DIV_16          equ 0x3
PERIOD          equ 5000

test_main:
    ENTER_PM
    ; ---- Reset state: enabled at FEE00000, BSP; CPUID.1:EDX.APIC (bit 9).
    mov ecx, 0x1B
    rdmsr
    ASSERT_EQ eax, 0xFEE00900
    ASSERT_EQ edx, 0
    mov eax, 1
    cpuid
    and edx, 1 << 9
    ASSERT_EQ edx, 1 << 9
    ASSERT_EQ dword [APIC_VERSION], 0x00040014
    ASSERT_EQ dword [APIC_LVT_TIMER], LVT_MASKED
    ASSERT_EQ dword [APIC_SVR], 0xFF

    IDT_GATE TIMER_VECTOR, SEL_CODE32, on_timer, ACC_INTGATE
    mov dword [APIC_SVR], 0x1FF             ; software enable, spurious FFH

    ; ---- Divide by 1: one count per ns, the clock of one instruction.
    mov dword [APIC_TDCR], DIV_1
    mov dword [APIC_LVT_TIMER], LVT_MASKED | TIMER_VECTOR
    mov dword [APIC_TMICT], 1000000
    mov eax, [APIC_TMCCT]
    mov ebx, [APIC_TMCCT]
    sub eax, ebx
    ASSERT_EQ eax, 1
    mov eax, [APIC_TMCCT]
    times 99 nop
    mov ebx, [APIC_TMCCT]
    sub eax, ebx
    ASSERT_EQ eax, 100
    ; ---- Divide by 16: 1600 instructions are 100 counts (101 by phase).
    mov dword [APIC_TDCR], DIV_16
    mov eax, [APIC_TMCCT]
    mov ecx, 400
.spin16:
    dec ecx
    jnz .spin16                     ; 2 x 400 + 1 instructions after the read ...
    times 799 nop                   ; ... and 799 more: 1600 ns
    mov ebx, [APIC_TMCCT]
    sub eax, ebx
    cmp eax, 100
    je .div16_ok
    ASSERT_EQ eax, 101
.div16_ok:

    ; ---- One shot: one interrupt when the count reaches 0, then none.
    mov dword [APIC_TDCR], DIV_1
    mov dword [APIC_LVT_TIMER], TIMER_VECTOR
    mov dword [ticks], 0
    mov dword [APIC_TMICT], 20000
    sti
    hlt                             ; the timer wakes the CPU
    cli
    ASSERT_EQ dword [ticks], 1
    ASSERT_EQ dword [APIC_TMCCT], 0
    ASSERT_EQ dword [isr_seen], 1   ; in service while the handler ran
    ASSERT_EQ dword [APIC_ISR + 0x20], 0
    mov ecx, 20000
.quiet:
    loop .quiet
    ASSERT_EQ dword [ticks], 1

    ; ---- Periodic: every PERIOD ns, the TSC says so too.
    mov dword [ticks], 0
    mov dword [APIC_LVT_TIMER], LVT_PERIODIC | TIMER_VECTOR
    mov dword [APIC_TMICT], PERIOD
    sti
.wait5:
    hlt
    cmp dword [ticks], 5
    jb .wait5
    cli
    mov dword [APIC_LVT_TIMER], LVT_MASKED | LVT_PERIODIC | TIMER_VECTOR
    mov eax, [tsc_at + 4 * 4]
    sub eax, [tsc_at + 2 * 4]
    sub eax, 2 * PERIOD             ; two periods apart, to a few instructions
    add eax, 16
    cmp eax, 32
    jb .period_ok
    FAIL 40, "periodic interrupts are not PERIOD ns apart"
.period_ok:
    mov dword [APIC_TMICT], 0       ; stop

    ; ---- TPR 50H holds vector 40H (class 4) in IRR; TPR 0 lets it in.
    mov dword [ticks], 0
    mov dword [APIC_TPR], 0x50
    ASSERT_EQ dword [APIC_PPR], 0x50
    mov dword [APIC_LVT_TIMER], TIMER_VECTOR
    mov dword [APIC_TMICT], 100
    sti
    mov ecx, 1000
.masked:
    loop .masked
    ASSERT_EQ dword [ticks], 0
    mov eax, [APIC_IRR + 0x20]      ; vectors 40H-5FH
    ASSERT_EQ eax, 1
    mov dword [APIC_TPR], 0
    nop                             ; taken right after the write
    cli
    ASSERT_EQ dword [ticks], 1
    ASSERT_EQ dword [APIC_IRR + 0x20], 0
    PASS

; The timer handler: counts, notes the TSC and whether vector 40H was in
; service (ISR bit 0 of the 40H-5FH register), then EOI.
on_timer:
    push eax
    push ecx
    push edx
    rdtsc
    mov ecx, [ticks]
    cmp ecx, 8
    jae .no_room
    mov [tsc_at + ecx * 4], eax
.no_room:
    mov eax, [APIC_ISR + 0x20]
    and eax, 1
    mov [isr_seen], eax
    inc dword [ticks]
    mov dword [APIC_EOI], 0
    pop edx
    pop ecx
    pop eax
    iretd

section .data
ticks:      dd 0
isr_seen:   dd 0
tsc_at:     times 8 dd 0
