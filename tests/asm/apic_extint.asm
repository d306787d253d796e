; The 8259 behind the local APIC's LINT0 (SDM vol. 3 10.5.1, ExtINT;
; 10.4.3 and 10.4.7), with no BIOS and the PIT on IRQ 0:
; - while the APIC is software-disabled (as after RESET) the 8259's INTR
;   reaches the CPU as on a machine without an APIC (PIC mode);
; - software-enabled with LINT0 masked (its reset value), the 8259 is held
;   back;
; - LINT0 in ExtINT mode passes it again: the 8259 supplies the vector in
;   the INTA cycle and the APIC's ISR stays empty;
; - IA32_APIC_BASE with the enable bit clear unmaps the APIC, CPUID stops
;   reporting it and INTR goes straight through; set again, the APIC is
;   back at its address in its power-up state.
%include "lib/ember.inc"
%include "lib/pic.inc"

APIC            equ 0xFEE00000
APIC_VERSION    equ APIC + 0x030
APIC_SVR        equ APIC + 0x0F0
APIC_ISR        equ APIC + 0x100
APIC_LVT_LINT0  equ APIC + 0x350
LVT_MASKED      equ 0x10000
LVT_EXTINT      equ 0x700
PIC_VECTOR      equ 0x20
WAIT_NS         equ 3000000             ; three PIT periods

test_main:
    ENTER_PM
    IDT_GATE PIC_VECTOR, SEL_CODE32, on_irq0, ACC_INTGATE
    call init_8259
    call start_pit

    ; ---- RESET state: software-disabled, LINT0 masked; PIC mode.
    ASSERT_EQ dword [APIC_SVR], 0xFF
    ASSERT_EQ dword [APIC_LVT_LINT0], LVT_MASKED
    call count_irq0
    cmp eax, 2
    jae .pic_mode_ok
    FAIL 30, "PIC mode: the 8259 does not reach the CPU"
.pic_mode_ok:

    ; ---- Software-enabled, LINT0 masked: nothing gets through.
    mov dword [APIC_SVR], 0x1FF
    call count_irq0
    ASSERT_EQ eax, 0

    ; ---- LINT0 as ExtINT (what a BIOS sets): the 8259 again.
    mov dword [APIC_LVT_LINT0], LVT_EXTINT
    ASSERT_EQ dword [APIC_LVT_LINT0], LVT_EXTINT
    call count_irq0
    cmp eax, 2
    jae .extint_ok
    FAIL 31, "ExtINT: the 8259 does not reach the CPU"
.extint_ok:
    ASSERT_EQ dword [isr_in_handler], 0     ; the APIC kept no record of it

    ; ---- IA32_APIC_BASE.EN = 0: no APIC at all.
    mov dword [APIC_LVT_LINT0], LVT_MASKED
    mov ecx, 0x1B
    rdmsr
    and eax, ~0x800
    wrmsr
    ASSERT_EQ dword [APIC_VERSION], 0xFFFFFFFF  ; nothing at FEE00000
    mov eax, 1
    cpuid
    and edx, 1 << 9
    ASSERT_EQ edx, 0
    call count_irq0
    cmp eax, 2
    jae .disabled_ok
    FAIL 32, "APIC disabled: the 8259 does not reach the CPU"
.disabled_ok:
    mov ecx, 0x1B
    rdmsr
    or eax, 0x800
    wrmsr
    ASSERT_EQ dword [APIC_VERSION], 0x00040014
    ASSERT_EQ dword [APIC_SVR], 0xFF        ; power-up state again
    ASSERT_EQ dword [APIC_LVT_LINT0], LVT_MASKED
    PASS

; 8259 pair: master vectors 20H, slave 28H; only IRQ 0 unmasked.
init_8259:
    PIC_INIT PIC_VECTOR, PIC_VECTOR + 8, 0xFE, 0xFF
    ret

; PIT counter 0, mode 2, about 1 ms.
start_pit:
    mov al, 0x34
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al
    ret

; EAX = the IRQ 0 interrupts taken in WAIT_NS of virtual time (a busy loop:
; a HLT would never wake when nothing gets through).
count_irq0:
    push ecx
    mov dword [irq0_count], 0
    mov dword [isr_in_handler], 0
    sti
    mov ecx, WAIT_NS / 2
.spin:
    dec ecx
    jnz .spin
    cli
    mov eax, [irq0_count]
    pop ecx
    ret

; IRQ 0 from the 8259: counts, notes any bit of the APIC's ISR (vectors
; 20H-3FH) when the APIC is there, EOI to the 8259.
on_irq0:
    push eax
    push ecx
    push edx
    inc dword [irq0_count]
    mov ecx, 0x1B
    rdmsr
    test eax, 0x800
    jz .no_apic
    mov eax, [APIC_ISR + 0x10]
    or [isr_in_handler], eax
.no_apic:
    mov al, 0x20
    out 0x20, al
    pop edx
    pop ecx
    pop eax
    iretd

section .data
irq0_count:     dd 0
isr_in_handler: dd 0
