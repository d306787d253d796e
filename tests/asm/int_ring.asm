; Privilege changes through IRET, RETF, interrupt and trap gates (SDM
; vol. 3 5.8, 6.12.1; vol. 2 IRET, RET, INT n):
; - IRET/RETF to CPL 3 load CS/SS from the frame and null the data
;   segment registers whose DPL is below the new CPL;
; - INT n from CPL 3 through a DPL-3 gate switches to SS0:ESP0 from the
;   TSS and pushes SS, ESP, EFLAGS, CS, EIP; an interrupt gate clears IF,
;   a trap gate does not; IRET goes back to CPL 3;
; - exceptions at CPL 3 push the outer SS:ESP too;
; - CPL 3 may not use a DPL-0 gate, privileged instructions, IOPL-
;   sensitive ones with IOPL 0, inner-privilege segments, or IRET inward;
;   POPF there leaves IF and IOPL alone without faulting.
%include "lib/ember.inc"

; R3_FAULT vector, error, instruction...: run it at CPL 3 (IOPL 0, data
; segments user flat) and expect that exception, reported at it.
%macro R3_FAULT 3+.nolist
    EXPECT_FAULT %%r
    TO_RING3 %%u, 0x0002
%%u:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
%%i: %3
    NO_FAULT
%%r:
    CHECK_EXC %1, %2, %%i
    ASSERT_EQ dword [exc_cs], SEL_UCODE32
    ASSERT_EQ dword [exc_ss3], SEL_UDATA32
    ASSERT_EQ dword [exc_esp3], STACK3_TOP
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_GATE 0x60, SEL_CODE32, ring_probe, ACC_INTGATE | 0x60
    IDT_GATE 0x61, SEL_CODE32, ring_probe, ACC_TRAPGATE | 0x60
    IDT_DEFAULT 0x62, 3

    ; ---- IRET to CPL 3, with IF = 1.
    mov ax, SEL_UDATA32
    mov fs, ax                      ; DPL 3: survives the return
    mov ax, SEL_DATA32
    mov gs, ax                      ; DPL 0: nulled
    EXPECT_FAULT .back1             ; INT 0x62 comes back here
    TO_RING3 .user1, FL_IF | 2
.user1:
    mov eax, cs
    mov [ss:u_cs], eax
    mov eax, ss
    mov [ss:u_ss], eax
    mov [ss:u_esp], esp
    mov eax, ds
    mov [ss:u_ds], eax
    mov eax, es
    mov [ss:u_es], eax
    mov eax, fs
    mov [ss:u_fs], eax
    mov eax, gs
    mov [ss:u_gs], eax
    int 0x60                        ; interrupt gate
.after60:
    int 0x61                        ; trap gate
.after61:
    mov [ss:u_esp2], esp
    ; POPF at CPL 3 with IOPL 0: IF and IOPL unchanged, no fault.
    push dword FL_IOPL | 2          ; IF = 0, IOPL = 3
    popfd
    pushfd
    pop eax
    mov [ss:u_popf], eax
    int 0x62                        ; back to CPL 0 (.back1)
.after62:
    hlt
.back1:
    ASSERT_EQ dword [u_cs], SEL_UCODE32
    ASSERT_EQ dword [u_ss], SEL_UDATA32
    ASSERT_EQ dword [u_esp], STACK3_TOP
    ASSERT_EQ dword [u_ds], 0
    ASSERT_EQ dword [u_es], 0
    ASSERT_EQ dword [u_fs], SEL_UDATA32
    ASSERT_EQ dword [u_gs], 0
    ; INT 0x60 (interrupt gate) and 0x61 (trap gate) from CPL 3.
    ASSERT_EQ dword [p_n], 2
    ASSERT_EQ dword [p_esp], STACK0_TOP - 20
    ASSERT_EQ dword [p_eip], .after60
    ASSERT_EQ dword [p_cs], SEL_UCODE32
    ASSERT_EQ dword [p_ss3], SEL_UDATA32
    ASSERT_EQ dword [p_esp3], STACK3_TOP
    mov eax, [p_eflags]
    and eax, FL_IF | FL_IOPL
    ASSERT_EQ eax, FL_IF
    ASSERT_EQ dword [p_if], 0
    ASSERT_EQ dword [p_esp + 4], STACK0_TOP - 20
    ASSERT_EQ dword [p_eip + 4], .after61
    ASSERT_EQ dword [p_if + 4], FL_IF
    ASSERT_EQ dword [u_esp2], STACK3_TOP
    mov eax, [u_popf]
    and eax, FL_IF | FL_IOPL
    ASSERT_EQ eax, FL_IF
    ; INT 0x62: the recorder saw CPL 3 with the outer stack.
    ASSERT_EQ dword [exc_vector], 0x62
    ASSERT_EQ dword [exc_eip], .after62
    ASSERT_EQ dword [exc_cs], SEL_UCODE32
    ASSERT_EQ dword [exc_ss3], SEL_UDATA32
    ASSERT_EQ dword [exc_esp3], STACK3_TOP
    mov eax, [tss0 + 4]
    ASSERT_EQ eax, STACK0_TOP       ; ESP0 is read, never written

    ; ---- RETF to CPL 3 (far return to an outer level pops SS:ESP).
    mov dword [u_cs], 0
    EXPECT_FAULT .back2
    push dword SEL_UDATA32
    push dword STACK3_TOP - 0x10
    push dword SEL_UCODE32
    push dword .user2
    retf
.user2:
    mov eax, cs
    mov [ss:u_cs], eax
    mov [ss:u_esp], esp
    mov eax, gs
    mov [ss:u_gs], eax
    int 0x62
.back2:
    ASSERT_EQ dword [u_cs], SEL_UCODE32
    ASSERT_EQ dword [u_esp], STACK3_TOP - 0x10
    ASSERT_EQ dword [u_gs], 0

    ; ---- What CPL 3 may not do.
    R3_FAULT 13, 0x30 * 8 + 2, int 0x30 ; gate DPL 0 < CPL 3
    R3_FAULT 13, 0, hlt
    R3_FAULT 13, 0, cli
    R3_FAULT 13, 0, sti
    R3_FAULT 13, 0, lgdt [gdt_desc]
    R3_FAULT 13, 0, lidt [idt_desc]
    R3_FAULT 13, 0, ltr ax
    R3_FAULT 13, 0, lldt ax
    R3_FAULT 13, 0, lmsw ax
    R3_FAULT 13, 0, clts
    R3_FAULT 13, 0, mov eax, cr0
    R3_FAULT 13, 0, mov cr3, eax
    R3_FAULT 13, 0, mov eax, dr7
    R3_FAULT 13, 0, invlpg [0]
    R3_FAULT 13, 0, wbinvd
    R3_FAULT 13, 0, rdmsr
    R3_FAULT 13, 0, wrmsr
    R3_FAULT 13, SEL_DATA32, mov gs, [sel_data32]
    R3_FAULT 13, SEL_DATA32, mov ss, [sel_data32]
    R3_FAULT 13, SEL_CODE32, call SEL_CODE32:0
    R3_FAULT 13, SEL_CODE32, jmp SEL_CODE32:0
    R3_FAULT 13, SEL_CODE32, jmp far [far_ring0]
    ; IRET to an inner level: #GP(return CS).
    EXPECT_FAULT .inward_r
    TO_RING3 .inward_u, 0x0002
.inward_u:
    push dword 0x0002
    push dword SEL_CODE32
    push dword 0
.inward_i:
    iretd
    NO_FAULT
.inward_r:
    CHECK_EXC 13, SEL_CODE32, .inward_i
    ASSERT_EQ dword [exc_esp3], STACK3_TOP - 12
    ; RDTSC with CR4.TSD = 1.
    mov eax, cr4
    or eax, CR4_TSD
    mov cr4, eax
    R3_FAULT 13, 0, rdtsc
    mov eax, cr4
    and eax, ~CR4_TSD
    mov cr4, eax
    ; ... but these are allowed at CPL 3 on this CPU.
    EXPECT_FAULT .back3
    TO_RING3 .user3, 0x0002
.user3:
    mov ax, SEL_UDATA32
    mov ds, ax
    smsw eax
    mov [u_cs], eax
    sgdt [u_sgdt]
    str ax
    mov [u_str], eax
    rdtsc
    int 0x62
.back3:
    ASSERT_EQ dword [exc_vector], 0x62   ; got there without a fault
    mov eax, [u_cs]
    and eax, CR0_PE
    ASSERT_EQ eax, CR0_PE
    ASSERT_EQ dword [u_sgdt + 2], gdt
    mov eax, [u_str]
    and eax, 0xFFFF
    ASSERT_EQ eax, SEL_TSS
    PASS

; Interrupt/trap gate target for INT 0x60/0x61 from CPL 3: records the
; stack pointer on entry, IF inside, and the frame.
ring_probe:
    push eax
    push ebx
    push ds
    mov ax, SEL_DATA32
    mov ds, ax
    mov ebx, [p_n]
    lea eax, [esp + 12]
    mov [p_esp + ebx * 4], eax
    pushfd
    pop eax
    and eax, FL_IF
    mov [p_if + ebx * 4], eax
    mov eax, [esp + 12]
    mov [p_eip + ebx * 4], eax
    mov eax, [esp + 16]
    mov [p_cs + ebx * 4], eax
    mov eax, [esp + 20]
    mov [p_eflags + ebx * 4], eax
    mov eax, [esp + 24]
    mov [p_esp3 + ebx * 4], eax
    mov eax, [esp + 28]
    mov [p_ss3 + ebx * 4], eax
    inc dword [p_n]
    pop ds
    pop ebx
    pop eax
    iretd

section .data
align 4
u_cs:     dd 0
u_ss:     dd 0
u_esp:    dd 0
u_esp2:   dd 0
u_ds:     dd 0
u_es:     dd 0
u_fs:     dd 0
u_gs:     dd 0
u_popf:   dd 0
u_str:    dd 0
u_sgdt:   times 8 db 0
p_n:      dd 0
p_esp:    dd 0, 0
p_if:     dd 0, 0
p_eip:    dd 0, 0
p_cs:     dd 0, 0
p_eflags: dd 0, 0
p_esp3:   dd 0, 0
p_ss3:    dd 0, 0
sel_data32: dw SEL_DATA32
far_ring0:  dd 0
            dw SEL_CODE32
