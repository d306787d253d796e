; Exceptions and software interrupts in 32-bit protected mode at CPL 0
; (SDM vol. 3 6.12-6.15): vector, error code (none for these), the CS:EIP
; each reports (faults: the instruction; traps: the next one), a frame
; with no SS:ESP when the privilege does not change, interrupt gates
; clearing IF and trap gates keeping it, #NM under CR0.EM/TS/MP, and the
; errors of gate lookup: not present (#NP), outside the IDT limit or of a
; wrong type (#GP), with the IDT bit (2) and EXT bit (1) in the error code
; (6.13), EXT set when the event was not a software INT n/INT3/INTO.
%include "lib/ember.inc"

; A gate whose descriptor is made by hand: IDT_RAW vector, low, high.
%macro IDT_RAW 3
    mov dword [idt + (%1) * 8], %2
    mov dword [idt + (%1) * 8 + 4], %3
%endmacro

test_main:
    ENTER_PM

    ; ---- #DE: a fault; same privilege: EFLAGS, CS, EIP only.
    mov eax, 100
    mov ebx, 0
    FAULT 0, NOERR, div bl
    ASSERT_EQ dword [exc_cs], SEL_CODE32
    mov eax, [exc_esp]
    ASSERT_EQ dword [exc_fault_esp], eax
    ASSERT_EQ dword [exc_esp3], 0

    ; ---- Traps: INT3, INT 3, INTO, INT n.
    TRAP 3, int3
    TRAP 3, int 3
    mov al, 0x7F
    add al, 1
    TRAP 4, into
    xor eax, eax
    NO_EXC into
    TRAP 0x30, int 0x30
    TRAP 0xFF, int 0xFF
    ; The pushed EFLAGS are the caller's.
    push dword FL_CF | FL_DF | FL_OF | 2
    popfd
    TRAP 0x31, int 0x31
    cld
    mov eax, [exc_eflags]
    and eax, FL_CF | FL_DF | FL_OF | FL_IF
    ASSERT_EQ eax, FL_CF | FL_DF | FL_OF

    ; ---- Faults: #BR, #UD.
    mov eax, 50
    FAULT 5, NOERR, bound eax, [bounds]
    mov eax, 0x100
    NO_EXC bound eax, [bounds]
    FAULT 6, NOERR, ud2

    ; ---- Interrupt gate clears IF in the handler; trap gate keeps it;
    ; IRET restores the caller's IF either way.
    IDT_GATE 0x51, SEL_CODE32, if_probe, ACC_INTGATE
    IDT_GATE 0x52, SEL_CODE32, if_probe, ACC_TRAPGATE
    sti
    int 0x51
    cli
    ASSERT_EQ dword [probe_if], 0
    ASSERT_EQ dword [probe_ret_if], FL_IF
    sti
    int 0x52
    cli
    ASSERT_EQ dword [probe_if], FL_IF

    ; ---- #NM (SDM vol. 2 ESC, WAIT; vol. 3 interrupt 7).
    mov eax, cr0
    mov [saved_cr0], eax
    or eax, CR0_EM                  ; EM: any x87 instruction
    and eax, ~(CR0_TS | CR0_MP)
    mov cr0, eax
    FAULT 7, NOERR, fninit
    NO_EXC wait                     ; WAIT ignores EM
    mov eax, [saved_cr0]
    and eax, ~(CR0_EM | CR0_MP)
    or eax, CR0_TS                  ; TS without MP: ESC faults, WAIT not
    mov cr0, eax
    FAULT 7, NOERR, fnstsw ax
    NO_EXC wait
    or eax, CR0_MP                  ; TS with MP: WAIT faults too
    mov cr0, eax
    FAULT 7, NOERR, wait
    clts
    mov eax, cr0
    and eax, CR0_TS
    ASSERT_EQ eax, 0
    NO_EXC wait
    mov eax, [saved_cr0]
    mov cr0, eax

    ; ---- Gate lookup errors.
    ; Not present: #NP(vector * 8 + 2); INT n is software: EXT = 0.
    IDT_RAW 0x53, (SEL_CODE32 << 16), 0x00000E00    ; P = 0
    FAULT 11, 0x53 * 8 + 2, int 0x53
    ; A benign CPU exception whose gate is missing: the #NP is delivered
    ; normally, error code EXT = 1, reported at the faulting instruction.
    mov eax, [idt + 6 * 8 + 4]
    mov [saved_gate], eax
    and dword [idt + 6 * 8 + 4], ~0x8000
    FAULT 11, 6 * 8 + 2 + 1, ud2
    mov eax, [saved_gate]
    mov [idt + 6 * 8 + 4], eax
    ; Wrong descriptor type in the IDT (type 0, present): #GP.
    IDT_RAW 0x54, (SEL_CODE32 << 16), 0x00008000
    FAULT 13, 0x54 * 8 + 2, int 0x54
    ; A null code selector in the gate: #GP(EXT) = #GP(0) for INT n.
    IDT_RAW 0x55, 0, 0x00008E00
    FAULT 13, 0, int 0x55
    ; Beyond the IDT limit: #GP(vector * 8 + 2).
    mov word [idt_desc], 0x60 * 8 - 1
    lidt [idt_desc]
    FAULT 13, 0x70 * 8 + 2, int 0x70
    mov word [idt_desc], 256 * 8 - 1
    lidt [idt_desc]
    ; A gate with DPL 0 is still fine from CPL 0.
    TRAP 0x56, int 0x56
    PASS

; Records IF inside the handler and in the pushed EFLAGS.
if_probe:
    push eax
    pushfd
    pop eax
    and eax, FL_IF
    mov [probe_if], eax
    mov eax, [esp + 12]             ; pushed EFLAGS (after EAX, EIP, CS)
    and eax, FL_IF
    mov [probe_ret_if], eax
    pop eax
    iretd

section .data
align 4
bounds:       dd 0x100, 0x200
probe_if:     dd 0
probe_ret_if: dd 0
saved_cr0:    dd 0
saved_gate:   dd 0
